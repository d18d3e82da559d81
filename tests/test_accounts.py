"""Accounts at scale and their recovery: sessions that end server-side, secret rotation,
importing accounts, resetting a password from the shell, the first login with a one-time
password, changing one's own password, and the slowing of password guessing."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from koers import workflow as wf
from koers.cli import main
from koers.web import create_app
from koers.web.auth import SESSION_COOKIE, LoginLimiter
from tests.helpers import PASSWORD, Portal, csrf_of, login, post

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --------------------------------------------------------------------------- sessions


def test_a_cookie_copied_before_logout_is_refused_after_it(portal: Portal) -> None:
    client = portal.client("wouter")
    copied = TestClient(portal.app, follow_redirects=False)
    copied.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    assert copied.get("/portaal").status_code == 200  # the copy works while logged in
    other_browser = TestClient(portal.app, follow_redirects=False)
    login(other_browser, "wouter")
    assert post(client, "/uitloggen", {}).status_code == 303
    refused = copied.get("/portaal")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/inloggen")
    assert other_browser.get("/portaal").status_code == 303  # logging out ends every session
    assert portal.client("gerda").get("/portaal").status_code == 200  # not someone else's
    login(client, "wouter")  # logging in again works
    assert client.get("/portaal").status_code == 200


def test_logging_out_does_not_make_an_open_edit_of_the_user_stale(portal: Portal) -> None:
    wouter = wf.authenticate(portal.store, "wouter", PASSWORD)
    assert wouter is not None
    post(portal.client("wouter"), "/uitloggen", {})
    admin = wf.authenticate(portal.store, "beheer", PASSWORD)
    assert admin is not None
    after = wf.deactivate(portal.store, "wouter", by=admin, version=wouter.version)
    assert not after.active


# --------------------------------------------------------------------------- secret rotation


def _app(portal: Portal, secret: str, previous: str | None = None) -> TestClient:
    env = pytest.MonkeyPatch()
    env.setenv("KOERS_SECRET_KEY", secret)
    if previous is None:
        env.delenv("KOERS_PREVIOUS_SECRET_KEYS", raising=False)
    else:
        env.setenv("KOERS_PREVIOUS_SECRET_KEYS", previous)
    try:
        app = create_app(portal.url, reports_dir=None)
    finally:
        env.undo()
    return TestClient(app, follow_redirects=False)


def test_a_session_signed_with_a_previous_key_still_works_after_rotation(
    portal: Portal,
) -> None:
    before = _app(portal, "oude-sleutel")
    login(before, "wouter")
    cookie = before.cookies[SESSION_COOKIE]
    rotated = _app(portal, "nieuwe-sleutel", previous=" andere , oude-sleutel")
    rotated.cookies.set(SESSION_COOKIE, cookie)
    assert rotated.get("/portaal").status_code == 200
    # new sessions are signed with the new key only: an app that knows only it reads them
    fresh = TestClient(rotated.app, follow_redirects=False)
    login(fresh, "gerda")
    only_new = _app(portal, "nieuwe-sleutel")
    only_new.cookies.set(SESSION_COOKIE, fresh.cookies[SESSION_COOKIE])
    assert only_new.get("/portaal").status_code == 200
    # once the old key is dropped, its sessions end
    only_new.cookies.set(SESSION_COOKIE, cookie)
    assert only_new.get("/portaal").status_code == 303


def test_a_session_signed_with_an_unknown_key_is_refused(portal: Portal) -> None:
    elsewhere = _app(portal, "een-sleutel-van-elders")
    login(elsewhere, "wouter")
    rotated = _app(portal, "nieuwe-sleutel", previous="oude-sleutel")
    rotated.cookies.set(SESSION_COOKIE, elsewhere.cookies[SESSION_COOKIE])
    assert rotated.get("/portaal").status_code == 303


# --------------------------------------------------------------------------- the command line


def koers(portal: Portal, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", portal.url, *args], catch_exceptions=False)


def audit(portal: Portal) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.subject_id) for e in wf.audit_log(portal.store, "p")]


def first_login(portal: Portal, username: str, password: str) -> TestClient:
    """A browser that logged in with a one-time password (and was sent to change it)."""
    client = TestClient(portal.app, follow_redirects=False)
    token = csrf_of(client)
    response = client.post(
        "/inloggen", data={"gebruikersnaam": username, "wachtwoord": password, "csrf": token}
    )
    assert response.status_code == 303
    return client


def change_password(client: TestClient, current: str, new: str, again: str | None = None):
    return post(
        client,
        "/portaal/wachtwoord",
        {"huidig": current, "nieuw": new, "herhaling": new if again is None else again},
        page="/portaal/wachtwoord",
    )


def test_reset_gives_the_only_admin_a_way_back_in(portal: Portal) -> None:
    browser = portal.client("beheer")
    result = koers(portal, "users", "reset", "Beheer")
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    assert len(password) >= wf.MIN_PASSWORD and password != PASSWORD
    assert "alleen nu" in result.output
    assert browser.get("/portaal").status_code == 303  # its sessions ended
    assert wf.authenticate(portal.store, "beheer", PASSWORD) is None  # the old one is gone
    client = first_login(portal, "beheer", password)
    # every portal page sends the user to change the one-time password first
    for path in ("/portaal", "/portaal/gebruikers", "/portaal/sleutels"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/portaal/wachtwoord"
    page = client.get("/portaal/wachtwoord")
    assert page.status_code == 200 and "eenmalig wachtwoord" in page.text
    assert change_password(client, password, "een eigen goed wachtwoord").status_code == 303
    assert client.get("/portaal/gebruikers").status_code == 200  # this browser stays in
    assert wf.authenticate(portal.store, "beheer", "een eigen goed wachtwoord") is not None
    assert audit(portal)[-2:] == [
        ("installateur", "reset_password", "beheer"),
        ("beheer", "set_password", "beheer"),
    ]


def test_reset_with_activeer_reactivates_a_deactivated_account(portal: Portal) -> None:
    admin = wf.authenticate(portal.store, "beheer", PASSWORD)
    wouter = wf.authenticate(portal.store, "wouter", PASSWORD)
    assert admin and wouter
    wf.deactivate(portal.store, "wouter", by=admin, version=wouter.version)
    without = koers(portal, "users", "reset", "wouter")
    assert without.exit_code == 0 and "--activeer" in without.output
    password = without.output.strip().splitlines()[-1]
    assert wf.authenticate(portal.store, "wouter", password) is None  # still deactivated
    result = koers(portal, "users", "reset", "wouter", "--activeer")
    password = result.output.strip().splitlines()[-1]
    user = wf.authenticate(portal.store, "wouter", password)
    assert user is not None and user.active and user.must_change_password
    entry = wf.audit_log(portal.store, "p")[-1]
    assert (entry.actor, entry.action) == ("installateur", "reset_password")
    assert (
        entry.before
        and entry.after
        and (entry.before["active"], entry.after["active"])
        == (
            False,
            True,
        )
    )
    assert "password_hash" not in entry.after and password not in str(entry.after)


def test_reset_of_an_unknown_user_is_one_dutch_line(portal: Portal) -> None:
    result = koers(portal, "users", "reset", "niemand")
    assert result.exit_code == 1
    assert result.output.strip() == "fout: gebruiker 'niemand' bestaat niet"


# --------------------------------------------------------------------------- changing a password


def test_a_user_changes_their_own_password_and_other_sessions_end(portal: Portal) -> None:
    client = portal.client("wouter")
    elsewhere = TestClient(portal.app, follow_redirects=False)
    login(elsewhere, "wouter")
    assert "Wachtwoord wijzigen" in client.get("/portaal").text
    wrong = change_password(client, "niet het wachtwoord", "een nieuw wachtwoord")
    assert wrong.status_code == 403 and "huidige wachtwoord klopt niet" in wrong.text
    differ = change_password(client, PASSWORD, "een nieuw wachtwoord", "een ander wachtwoord")
    assert differ.status_code == 400 and "verschillen" in differ.text
    short = change_password(client, PASSWORD, "kort")
    assert short.status_code == 400 and "te kort" in short.text
    done = change_password(client, PASSWORD, "een nieuw wachtwoord")
    assert done.status_code == 303
    assert "Uw wachtwoord is gewijzigd" in client.get(done.headers["location"]).text
    assert elsewhere.get("/portaal").status_code == 303
    assert wf.authenticate(portal.store, "wouter", "een nieuw wachtwoord") is not None
    assert audit(portal)[-1] == ("wouter", "set_password", "wouter")


# --------------------------------------------------------------------------- importing accounts


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_every_account_with_a_one_time_password(
    portal: Portal, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "mensen.csv",
        "username,role,partner,email\nAnna,partner,woonbron,anna@woonbron.nl\nbert,bureau,,\n",
    )
    result = koers(portal, "users", "import", str(source))
    assert result.exit_code == 0, result.output
    assert "2 gebruikers aangemaakt" in result.output
    shown = dict(re.findall(r"(anna|bert)\s*│\s*(\S+)", result.output))
    assert set(shown) == {"anna", "bert"}
    anna = wf.authenticate(portal.store, "anna", shown["anna"])
    assert anna is not None and anna.must_change_password
    assert (anna.role, anna.partner, anna.email) == (
        wf.Role.PARTNER,
        "woonbron",
        "anna@woonbron.nl",
    )
    assert audit(portal)[-2:] == [
        ("installateur", "create_user", "anna"),
        ("installateur", "create_user", "bert"),
    ]
    client = first_login(portal, "bert", shown["bert"])
    assert client.get("/portaal").headers["location"] == "/portaal/wachtwoord"


def test_import_writes_the_passwords_to_a_new_private_file(portal: Portal, tmp_path: Path) -> None:
    source = write(tmp_path / "mensen.csv", "username,role,partner\ncor,partner,gemeente\n")
    out = tmp_path / "wachtwoorden.csv"
    result = koers(portal, "users", "import", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["username", "password"] and rows[1][0] == "cor"
    assert rows[1][1] not in result.output
    assert wf.authenticate(portal.store, "cor", rows[1][1]) is not None
    again = write(tmp_path / "meer.csv", "username,role\ndirk,bureau\n")
    refused = koers(portal, "users", "import", str(again), "--out", str(out))
    assert refused.exit_code == 1 and "bestaat al" in refused.output
    assert out.read_text(encoding="utf-8").count("\n") == 2  # not overwritten
    assert "dirk" not in [u.username for u in wf.users(portal.store, "p")]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("anna,partner,woonbron\nbert,baas,\n", "rij 3, kolom role: onbekende rol 'baas'"),
        ("anna,partner,woningcorp\n", "rij 2, kolom partner: partner 'woningcorp' staat niet"),
        ("anna,partner,\n", "rij 2, kolom partner: een gebruiker met de rol partner hoort"),
        ("anna,bureau,\nANNA,bureau,\n", "rij 3, kolom username: 'anna' staat al op rij 2"),
        (
            "anna,bureau,\nwouter,bureau,\n",
            "rij 3, kolom username: gebruikersnaam 'wouter' bestaat al",
        ),
        ("a b,bureau,\n", "rij 2, kolom username: gebruikersnaam 'a b' is ongeldig"),
    ],
)
def test_import_refuses_a_bad_file_whole_naming_row_and_column(
    portal: Portal, tmp_path: Path, rows: str, message: str
) -> None:
    source = write(tmp_path / "mensen.csv", "username,role,partner\n" + rows)
    before = audit(portal)
    result = koers(portal, "users", "import", str(source))
    assert result.exit_code == 1
    assert result.output.startswith(f"fout: {source}, ") and message in result.output
    assert "anna" not in [u.username for u in wf.users(portal.store, "p")]  # all or nothing
    assert audit(portal) == before


def test_import_needs_the_header(portal: Portal, tmp_path: Path) -> None:
    source = write(tmp_path / "mensen.csv", "anna,bureau,,\n")
    result = koers(portal, "users", "import", str(source))
    assert result.exit_code == 1
    assert f"fout: {source}, rij 1: de eerste rij noemt de kolommen" in result.output


# --------------------------------------------------------------------------- slowing guessing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_password_guesser_is_slowed_to_about_a_hundred_tries_a_day() -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    tries, waits = 0, []
    day_end = clock.now + 24 * 3600
    while clock.now < day_end:
        wait = limiter.retry_after("wouter", f"10.0.0.{tries % 250}")  # many addresses
        if wait:
            waits.append(wait)
            clock.now += wait
            continue
        limiter.failed("wouter", f"10.0.0.{tries % 250}")
        tries += 1
    assert waits[:6] == [1, 2, 4, 8, 16, 32]  # doubling after 3 failures
    assert max(waits) == 15 * 60  # up to 15 minutes
    assert 90 < tries < 110  # instead of one every few milliseconds


def test_an_office_behind_one_address_is_not_locked_out() -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    for colleague in range(40):  # forty colleagues mistype their password twice
        for _ in range(2):
            assert limiter.retry_after(f"collega{colleague}", "gemeente") == 0
            limiter.failed(f"collega{colleague}", "gemeente")
    assert limiter.retry_after("collega0", "gemeente") == 0
    # one address trying very many names is stopped for the rest of the window
    for n in range(200 - 80):
        limiter.failed(f"naam{n}", "gemeente")
    assert limiter.retry_after("iemand", "gemeente") == 15 * 60
    assert limiter.retry_after("iemand", "elders") == 0
    clock.now += 15 * 60
    assert limiter.retry_after("iemand", "gemeente") == 0


def test_an_address_over_the_limit_gets_429_with_retry_after(portal: Portal) -> None:
    limiter = portal.app.state.login_limiter
    for n in range(limiter.per_address):
        limiter.failed(f"naam{n}", "testclient")
    client = TestClient(portal.app, follow_redirects=False)
    token = csrf_of(client)
    blocked = client.post(
        "/inloggen", data={"gebruikersnaam": "gerda", "wachtwoord": PASSWORD, "csrf": token}
    )
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"] == str(15 * 60)
    assert "Probeer het over 15 minuten opnieuw." in blocked.text


def test_a_refused_import_leaves_no_password_file(portal: Portal, tmp_path: Path) -> None:
    source = write(tmp_path / "mensen.csv", "username,role\nanna,bureau\nwouter,bureau\n")
    out = tmp_path / "wachtwoorden.csv"
    result = koers(portal, "users", "import", str(source), "--out", str(out))
    assert result.exit_code == 1 and "gebruikersnaam 'wouter' bestaat al" in result.output
    assert not out.exists()
    assert "anna" not in [u.username for u in wf.users(portal.store, "p")]


def test_guessing_the_current_password_in_a_session_is_slowed_too(portal: Portal) -> None:
    client = portal.client("wouter")
    for _ in range(3):
        assert change_password(client, "een gok van mij", "een nieuw wachtwoord").status_code == 403
    blocked = change_password(client, PASSWORD, "een nieuw wachtwoord")
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "1"
    assert "Te veel mislukte pogingen. Probeer het over 1 seconde opnieuw." in blocked.text
    assert wf.authenticate(portal.store, "wouter", PASSWORD) is not None  # nothing changed
    portal.clock.now += 1
    assert change_password(client, PASSWORD, "een nieuw wachtwoord").status_code == 303
