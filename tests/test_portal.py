"""The partner portal and its JSON API, in process: login, the workflow through the pages,
rights per role on every endpoint, CSRF, XSS, rate limiting, conflicts and exports."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from koers import workflow as wf
from koers.plan import plan_from_documents
from koers.store import Store
from koers.store import schema as t
from koers.web.auth import SESSION_COOKIE
from tests.helpers import PASSWORD, PLAN_YAML, Portal, csrf_of, login, open_portal, post

pytestmark = pytest.mark.usefixtures("fast_hashing")

XSS = '<script>alert("x")</script>'


def draft_and_submit(
    portal: Portal, who: str = "wouter", agreement: str = "A1", note: str = "loopt"
) -> int:
    client = portal.client(who)
    response = post(
        client,
        f"/portaal/afspraken/{agreement}/update",
        {"status": "op schema", "toelichting": note},
        f"/portaal/afspraken/{agreement}",
    )
    assert response.status_code == 303, response.text
    update = int(response.headers["location"].split("/")[-1].split("?")[0])
    response = post(
        client, f"/portaal/updates/{update}/indienen", {"versie": 1}, f"/portaal/updates/{update}"
    )
    assert response.status_code == 303, response.text
    return update


# --------------------------------------------------------------------------- login


def test_login_gives_a_new_session_and_logout_ends_it(portal):
    client = TestClient(portal.app, follow_redirects=False)
    assert client.get("/portaal").headers["location"] == "/inloggen?volgende=/portaal"
    token = csrf_of(client)
    before = client.cookies[SESSION_COOKIE]
    response = client.post(
        "/inloggen",
        data={
            "gebruikersnaam": "Wouter",
            "wachtwoord": PASSWORD,
            "csrf": token,
            "volgende": "/portaal",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/portaal"
    after = client.cookies[SESSION_COOKIE]
    assert after != before  # a planted session is worth nothing after login (no fixation)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    home = client.get("/portaal")
    assert home.status_code == 200 and "wouter" in home.text and "Woonbron" in home.text
    assert home.headers["cache-control"] == "no-store"  # restricted: no shared cache keeps it
    # the old, anonymous session does not log anyone in
    stranger = TestClient(portal.app, follow_redirects=False)
    stranger.cookies.set(SESSION_COOKIE, before)
    assert stranger.get("/portaal").status_code == 303
    response = post(client, "/uitloggen", {})
    assert response.status_code == 303
    assert client.get("/portaal").status_code == 303


def test_wrong_password_and_open_redirects_are_refused(portal):
    client = TestClient(portal.app, follow_redirects=False)
    token = csrf_of(client)
    wrong = client.post(
        "/inloggen",
        data={"gebruikersnaam": "wouter", "wachtwoord": "fout fout fout", "csrf": token},
    )
    assert wrong.status_code == 401
    assert "combinatie van gebruikersnaam en wachtwoord is onbekend" in wrong.text
    good = client.post(
        "/inloggen",
        data={
            "gebruikersnaam": "wouter",
            "wachtwoord": PASSWORD,
            "csrf": token,
            "volgende": "//evil.example/x",
        },
    )
    assert good.headers["location"] == "/portaal"


def test_login_is_rate_limited_per_user_name(portal):
    client = TestClient(portal.app, follow_redirects=False)
    token = csrf_of(client)

    def attempt(password: str) -> int:
        data = {"gebruikersnaam": "wouter", "wachtwoord": password, "csrf": token}
        return client.post("/inloggen", data=data).status_code

    assert [attempt("fout fout fout") for _ in range(3)] == [401] * 3
    blocked = client.post(
        "/inloggen", data={"gebruikersnaam": "wouter", "wachtwoord": PASSWORD, "csrf": token}
    )
    assert blocked.status_code == 429  # even the right password, before it is checked
    assert blocked.headers["retry-after"] == "1"
    assert "Te veel mislukte pogingen. Probeer het over 1 seconde opnieuw." in blocked.text
    portal.clock.now += 1
    assert attempt("fout fout fout") == 401
    assert attempt(PASSWORD) == 429  # the wait doubled: 2 seconds
    portal.clock.now += 2
    assert attempt(PASSWORD) == 303  # a success resets the count
    client = TestClient(portal.app, follow_redirects=False)
    token = csrf_of(client)
    assert [attempt("fout fout fout") for _ in range(3)] == [401] * 3


def test_a_deactivated_user_is_logged_out_at_once(portal):
    client = portal.client("wouter")
    assert client.get("/portaal").status_code == 200
    admin = wf.authenticate(portal.store, "beheer", PASSWORD)
    wouter = wf.authenticate(portal.store, "wouter", PASSWORD)
    assert admin and wouter
    wf.deactivate(portal.store, "wouter", by=admin, version=wouter.version)
    assert client.get("/portaal").status_code == 303


# --------------------------------------------------------------------------- the workflow


def test_partner_submits_bureau_approves_and_the_public_register_shows_it(portal):
    update = draft_and_submit(portal, note="Fase 1 klaar")
    assert "niet gerapporteerd" in portal.client().get("/afspraken/A1").text
    bureau = portal.client("bureau")
    home = bureau.get("/portaal").text
    assert f"/portaal/updates/{update}" in home and "Te beoordelen (1)" in home
    response = post(
        bureau, f"/portaal/updates/{update}/goedkeuren", {"versie": 2}, f"/portaal/updates/{update}"
    )
    assert response.status_code == 303
    assert "goedgekeurd en telt nu mee" in bureau.get(response.headers["location"]).text
    public = portal.client().get("/afspraken?status=op+schema")
    assert public.status_code == 200 and "A1" in public.text
    records = {a["id"]: a["status"] for a in portal.client().get("/api/agreements").json()}
    assert records["A1"] == "op schema" and records["A2"] == "niet gerapporteerd"
    # the note is not public: only the approved status is, with its history
    assert "Fase 1 klaar" not in public.text
    post(
        bureau,
        "/portaal/afspraken/A1/escaleren",
        {"trede": "uitvoering", "reden": "geheim"},
        "/portaal/afspraken/A1",
    )
    detail = portal.client().get("/afspraken/A1").text
    assert "status op schema" in detail and "geëscaleerd naar Uitvoeringsoverleg wonen" in detail
    assert "geheim" not in detail and "Fase 1 klaar" not in detail and "bureau" not in detail
    assert (
        portal.client().get("/api/agreements").json()[0]["escalation"] == "Uitvoeringsoverleg wonen"
    )
    assert portal.client().get("/afspraken/BESTAATNIET").status_code == 404


def test_a_returned_update_is_on_the_partners_attention_list_with_the_reason(portal):
    update = draft_and_submit(portal)
    bureau = portal.client("bureau")
    response = post(
        bureau,
        f"/portaal/updates/{update}/terugsturen",
        {"versie": 2, "reden": "Graag cijfers erbij"},
        f"/portaal/updates/{update}",
    )
    assert response.status_code == 303
    home = portal.client("wouter").get("/portaal").text
    assert "Teruggestuurd" in home and "Graag cijfers erbij" in home


def test_an_output_value_in_dutch_notation_counts_once_approved(portal):
    wouter = portal.client("wouter")
    response = post(
        wouter,
        "/portaal/indicatoren/O1/waarde",
        {
            "gebied": "zuid",
            "periode": "2024",
            "waarde": "1.234",
            "toelichting": "tweede kwartaal",
        },
        "/portaal/indicatoren/O1",
    )
    assert response.status_code == 303, response.text
    update = int(response.headers["location"].split("/")[-1].split("?")[0])
    post(wouter, f"/portaal/updates/{update}/indienen", {"versie": 1}, f"/portaal/updates/{update}")
    post(
        portal.client("bureau"),
        f"/portaal/updates/{update}/goedkeuren",
        {"versie": 2},
        f"/portaal/updates/{update}",
    )
    [figure] = [o for o in portal.store.observations("p") if o.indicator == "O1"]
    assert (figure.area, figure.period, figure.value) == ("zuid", "2024", 1234.0)
    assert figure.source == "Woonbron (partnerportaal)"


def test_a_closed_year_refuses_new_values_from_partners(portal):
    bureau = portal.client("bureau")
    assert (
        post(
            bureau, "/portaal/jaren", {"jaar": 2024, "bevestigd": "ja"}, "/portaal/jaren"
        ).status_code
        == 303
    )
    response = post(
        portal.client("wouter"),
        "/portaal/indicatoren/O1/waarde",
        {"gebied": "zuid", "periode": "2024", "waarde": "10"},
        "/portaal/indicatoren/O1",
    )
    assert response.status_code == 400 and "2024" in response.text and "afgesloten" in response.text


def test_escalating_asks_for_a_reason_and_climbs_one_rung(portal):
    bureau = portal.client("bureau")
    page = "/portaal/afspraken/A2"
    refused = post(
        bureau,
        "/portaal/afspraken/A2/escaleren",
        {"trede": "uitvoering", "reden": ""},
        page,
    )
    assert refused.status_code == 400 and "reden" in refused.text
    done = post(
        bureau,
        "/portaal/afspraken/A2/escaleren",
        {"trede": "uitvoering", "reden": "Loopt vast"},
        page,
    )
    assert done.status_code == 303
    shown = bureau.get(page).text
    assert '<dd id="escalatie">Uitvoeringsoverleg wonen</dd>' in shown
    assert "Escaleren naar Strategisch overleg wonen</button>" in shown
    assert "Geëscaleerd" in portal.client("gerda").get("/portaal").text


def test_two_people_editing_one_update_conflict_instead_of_overwriting(portal):
    update = draft_and_submit(portal)
    post(
        portal.client("bureau"),
        f"/portaal/updates/{update}/terugsturen",
        {"versie": 2, "reden": "aanvullen"},
        f"/portaal/updates/{update}",
    )
    wouter = portal.client("wouter")
    # both saw version 3 (returned); the first save wins, the second is told who changed it
    first = post(
        wouter,
        f"/portaal/updates/{update}/bewerken",
        {"versie": 3, "toelichting": "eerste"},
        f"/portaal/updates/{update}",
    )
    second = post(
        wouter,
        f"/portaal/updates/{update}/bewerken",
        {"versie": 3, "toelichting": "tweede"},
        f"/portaal/updates/{update}",
    )
    assert first.status_code == 303
    assert second.status_code == 409 and "wouter" in second.text
    assert wf.get_update(portal.store, update).note == "eerste"


# --------------------------------------------------------------------------- rights


ROLES = ("anoniem", "wouter", "gerda", "bureau", "beheer")


def _expect(allowed: set[str]) -> dict[str, str]:
    return {who: ("ok" if who in allowed else "nee") for who in ROLES}


def test_each_role_can_do_exactly_what_it_should(portal):
    """Role × endpoint: 'ok' is a success (2xx or a redirect after a POST that did its
    work), 'nee' a refusal (login redirect for anonymous, 403 or 404 otherwise)."""
    update = draft_and_submit(portal)  # wouter's update on A1 (Woonbron)
    gerda_update = draft_and_submit(portal, "gerda", "A2")
    reads = {
        "/portaal": {"wouter", "gerda", "bureau", "beheer"},
        "/portaal/afspraken/A1": {"wouter", "gerda", "bureau", "beheer"},  # the text is public
        "/portaal/indicatoren/O1": {"wouter", "gerda", "bureau", "beheer"},  # so are figures
        f"/portaal/updates/{update}": {"wouter", "bureau"},
        f"/portaal/updates/{gerda_update}": {"gerda", "bureau"},
        "/portaal/updates.csv": {"wouter", "gerda", "bureau", "beheer"},  # filtered: below
        "/portaal/logboek": {"bureau"},
        "/portaal/logboek.csv": {"bureau"},
        "/portaal/jaren": {"bureau"},
        "/portaal/gebruikers": {"beheer"},
        "/portaal/sleutels": {"wouter", "gerda", "bureau", "beheer"},
    }
    for path, allowed in reads.items():
        got = {}
        for who in ROLES:
            client = portal.client(None if who == "anoniem" else who)
            status = client.get(path).status_code
            got[who] = "ok" if status == 200 else "nee"
            if who == "anoniem":
                assert status == 303, path  # to the login
        assert got == _expect(allowed), path
    # the public pages and downloads: the same for everyone, logged in or not
    for path in ("/afspraken/A1", "/indicatoren/O1.csv", "/indicatoren/O1.xlsx", "/api/status"):
        responses = {
            who: portal.client(None if who == "anoniem" else who).get(path) for who in ROLES
        }
        assert {who: r.status_code for who, r in responses.items()} == dict.fromkeys(ROLES, 200), (
            path
        )
        if path.endswith(".csv") or path.startswith("/api/"):  # pages show who is logged in
            assert len({r.content for r in responses.values()}) == 1, path  # nothing more for one

    # writes: each tried by every role on a fresh subject where the state matters
    def try_write(who: str, path: str, data: dict[str, object], page: str) -> str:
        client = portal.client(None if who == "anoniem" else who)
        if who == "anoniem":
            anon = client.post(path, data={**data, "csrf": csrf_of(client)})
            return "nee" if anon.status_code in (303, 403) else f"?{anon.status_code}"
        response = post(client, path, data, page)
        return "ok" if response.status_code == 303 else "nee"

    drafts = {
        who: try_write(
            who,
            "/portaal/afspraken/A4/update",
            {"status": "risico", "toelichting": "x"},
            "/portaal",
        )
        for who in ROLES
    }
    assert drafts == _expect({"wouter"})  # A4 is Woonbron's; the bureau: tested below
    a3 = {
        who: try_write(
            who,
            "/portaal/afspraken/A3/update",
            {"status": "risico", "toelichting": "x"},
            "/portaal",
        )
        for who in ("anoniem", "wouter", "gerda", "beheer")
    }
    assert a3 == {
        "anoniem": "nee",
        "wouter": "nee",
        "gerda": "nee",
        "beheer": "nee",
    }  # no owner: bureau's
    assert (
        try_write(
            "bureau",
            "/portaal/afspraken/A3/update",
            {"status": "risico", "toelichting": "x"},
            "/portaal",
        )
        == "ok"
    )

    approvals = {
        who: try_write(who, f"/portaal/updates/{update}/goedkeuren", {"versie": 2}, "/portaal")
        for who in ("anoniem", "wouter", "gerda", "beheer", "bureau")
    }
    assert approvals == {
        "anoniem": "nee",
        "wouter": "nee",
        "gerda": "nee",
        "beheer": "nee",
        "bureau": "ok",
    }
    escalations = {
        who: try_write(
            who,
            "/portaal/afspraken/A1/escaleren",
            {"trede": "uitvoering", "reden": "r"},
            "/portaal",
        )
        for who in ("anoniem", "wouter", "gerda", "beheer", "bureau")
    }
    assert escalations == {
        "anoniem": "nee",
        "wouter": "nee",
        "gerda": "nee",
        "beheer": "nee",
        "bureau": "ok",
    }
    closing = {
        who: try_write(who, "/portaal/jaren", {"jaar": 2020, "bevestigd": "ja"}, "/portaal")
        for who in ("anoniem", "wouter", "gerda", "beheer", "bureau")
    }
    assert closing == {
        "anoniem": "nee",
        "wouter": "nee",
        "gerda": "nee",
        "beheer": "nee",
        "bureau": "ok",
    }
    new_user = {
        "gebruikersnaam": "nieuw",
        "wachtwoord": PASSWORD,
        "rol": "partner",
        "partner": "woonbron",
    }
    users = {}
    for who in ("anoniem", "wouter", "gerda", "bureau", "beheer"):
        users[who] = try_write(
            who, "/portaal/gebruikers", {**new_user, "gebruikersnaam": f"nieuw-{who}"}, "/portaal"
        )
    assert users == {
        "anoniem": "nee",
        "wouter": "nee",
        "gerda": "nee",
        "bureau": "nee",
        "beheer": "ok",
    }
    # a partner cannot touch another partner's update, even knowing its id and version
    assert (
        try_write(
            "gerda",
            f"/portaal/updates/{update}/bewerken",
            {"versie": 3, "toelichting": "van gerda"},
            "/portaal",
        )
        == "nee"
    )


def test_exports_follow_the_viewers_rights(portal):
    draft_and_submit(portal, note='=HYPERLINK("http://evil")')
    draft_and_submit(portal, "gerda", "A2", note="van de gemeente")

    def rows(who: str, path: str) -> list[list[str]]:
        response = portal.client(who).get(path)
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))

    wouter = rows("wouter", "/portaal/updates.csv")
    assert [r[3] for r in wouter[1:]] == ["A1"]
    assert wouter[1][9] == '\'=HYPERLINK("http://evil")'  # no formula in a spreadsheet
    assert [r[3] for r in rows("gerda", "/portaal/updates.csv")[1:]] == ["A2"]
    assert sorted(r[3] for r in rows("bureau", "/portaal/updates.csv")[1:]) == ["A1", "A2"]
    assert rows("beheer", "/portaal/updates.csv")[1:] == []
    audit = rows("bureau", "/portaal/logboek.csv")
    assert {"create_user", "draft", "submit"} <= {r[3] for r in audit[1:]}
    assert not any("argon2" in cell for row in audit for cell in row)  # no password hashes


# --------------------------------------------------------------------------- attacks


def test_a_post_without_or_with_a_foreign_csrf_token_is_refused(portal):
    wouter = portal.client("wouter")
    data = {"status": "op schema", "toelichting": "x"}
    assert wouter.post("/portaal/afspraken/A1/update", data=data).status_code == 403
    other = csrf_of(portal.client("gerda"), "/portaal")
    refused = wouter.post("/portaal/afspraken/A1/update", data={**data, "csrf": other})
    assert refused.status_code == 403 and "formulier is verlopen" in refused.text
    assert wf.updates(portal.store, "p") == []
    login_without = TestClient(portal.app, follow_redirects=False)
    response = login_without.post(
        "/inloggen", data={"gebruikersnaam": "wouter", "wachtwoord": PASSWORD}
    )
    assert response.status_code == 403


def test_notes_reasons_and_names_are_escaped_everywhere(portal):
    update = draft_and_submit(portal, note=XSS)
    bureau = portal.client("bureau")
    post(
        bureau,
        f"/portaal/updates/{update}/terugsturen",
        {"versie": 2, "reden": XSS},
        f"/portaal/updates/{update}",
    )
    post(
        portal.client("beheer"),
        "/portaal/gebruikers",
        {"gebruikersnaam": "x<b>y", "wachtwoord": PASSWORD, "rol": "bureau"},
        "/portaal",
    )
    pages = [
        (bureau, f"/portaal/updates/{update}"),
        (bureau, "/portaal/afspraken/A1"),
        (bureau, "/portaal/logboek"),
        (portal.client("wouter"), "/portaal"),
        (portal.client("beheer"), "/portaal/gebruikers"),
    ]
    for client, path in pages:
        text = client.get(path).text
        assert XSS not in text, path
        assert "<b>y" not in text, path
    assert "&lt;script&gt;" in bureau.get(f"/portaal/updates/{update}").text


# --------------------------------------------------------------------------- the JSON API


def test_the_write_api_takes_a_token_not_a_cookie(portal):
    wouter = portal.client("wouter")
    page = post(wouter, "/portaal/sleutels", {"naam": "koppeling"}, "/portaal/sleutels")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    token = re.search(r'id="nieuwe-sleutel">([^<]+)<', page.text)[1]  # type: ignore[index]
    assert token not in wouter.get("/portaal/sleutels").text  # shown once

    body = {"agreement": "A1", "status": "risico", "note": "via de API"}
    assert wouter.post("/api/portaal/updates", json=body).status_code == 401  # cookie only
    api = TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})
    created = api.post("/api/portaal/updates", json=body)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    uid, version = created.json()["id"], created.json()["version"]
    assert (
        api.post(f"/api/portaal/updates/{uid}/submit", json={"version": version}).json()["state"]
        == "submitted"
    )
    refused = api.post(f"/api/portaal/updates/{uid}/approve", json={"version": version + 1})
    assert refused.status_code == 403 and "programmabureau" in refused.json()["detail"]
    queue = api.get("/api/portaal/aandacht").json()
    first = queue["groups"][0]
    assert (first["reason"], first["label"], first["count"]) == (
        "te beoordelen",
        "Te beoordelen",
        1,
    )
    assert first["items"][0]["update"] == uid
    stale = api.post(f"/api/portaal/updates/{uid}/edit", json={"version": 1, "note": "oud"})
    assert stale.status_code in (400, 409)

    gerda_page = post(
        portal.client("gerda"), "/portaal/sleutels", {"naam": "g"}, "/portaal/sleutels"
    )
    gerda_token = re.search(r'id="nieuwe-sleutel">([^<]+)<', gerda_page.text)[1]  # type: ignore[index]
    gerda = TestClient(portal.app, headers={"Authorization": f"Bearer {gerda_token}"})
    assert gerda.get(f"/api/portaal/updates/{uid}").status_code == 404
    assert gerda.get("/api/portaal/updates").json() == []

    [listed] = wf.tokens(portal.store, wf.authenticate(portal.store, "wouter", PASSWORD))  # type: ignore[arg-type]
    post(wouter, f"/portaal/sleutels/{listed.id}/intrekken", {}, "/portaal/sleutels")
    assert api.get("/api/portaal/updates").status_code == 401


# --------------------------------------------------------------------------- the command line


def test_the_first_admin_is_made_on_the_command_line_and_only_the_first(run, monkeypatch):
    import json

    from tests.conftest import EXAMPLE

    run("load", "--no-data", str(EXAMPLE))
    monkeypatch.setenv("KOERS_PASSWORD", PASSWORD)
    made = run("users", "add", "Beheer")
    assert made.exit_code == 0 and "gebruiker 'beheer' (beheerder) aangemaakt" in made.stdout
    again = run("users", "add", "tweede")
    assert again.exit_code == 1 and "eerste beheerder" in again.stderr
    short = run("users", "add", "derde", "--password", "kort")
    assert short.exit_code == 1
    listed = json.loads(run("users", "list", "--format", "json").stdout)
    assert [(u["username"], u["role"], u["active"]) for u in listed] == [("beheer", "admin", True)]


def test_approved_statuses_and_escalations_reach_the_cli_and_the_board_agenda(
    run, sqlite_url, monkeypatch
):
    import json

    from tests.conftest import NPRZ

    monkeypatch.setenv("KOERS_USER", "installateur")
    run("load", "--no-data", str(NPRZ))
    with Store.open(sqlite_url) as store:
        plan = store.plan("nprz")
        owned, other = [a for a in plan.agreements if a.owners][:2]
        admin = wf.create_user(store, "nprz", "beheer", PASSWORD, "admin", by=None)
        bureau = wf.create_user(store, "nprz", "bureau", PASSWORD, "bureau", by=admin)
        partner = wf.create_user(
            store, "nprz", "partner", PASSWORD, "partner", owned.owners[0], by=admin
        )
        update = wf.draft_update(
            store, "nprz", partner, agreement=owned.id, status="vertraagd", note="later"
        )
        update = wf.submit(store, update.id, partner, update.version)
        wf.approve(store, update.id, bureau, update.version)
        for rung in wf.ladder_of(plan, other.id):
            wf.escalate(store, "nprz", other.id, bureau, rung.key, f"naar {rung.label}")
        # a Veilig agreement at its top goes to the Driehoek; a Wonen one half-way up its
        # ladder is not on the agenda
        for rung in wf.ladder_of(plan, "A7.1"):
            wf.escalate(store, "nprz", "A7.1", bureau, rung.key, f"naar {rung.label}")
        wf.escalate(store, "nprz", "A6.1", bureau, 1, "loopt vast")
        wf.escalate(store, "nprz", "A6.1", bureau, 2, "loopt vast")
    listed = {
        r["id"]: r["status"] for r in json.loads(run("agreements", "--format", "json").stdout)
    }
    assert listed[owned.id] == "vertraagd" and listed[other.id] == "niet gerapporteerd"
    agenda = json.loads(run("board", "agenda", "--format", "json").stdout)
    assert other.id in [item["id"] for item in agenda["escalated"]]
    assert [i["id"] for i in agenda["escalated_elsewhere"]["Driehoek"]] == ["A7.1"]
    on_agenda = {i["id"] for i in agenda["escalated"]} | {
        i["id"] for items in agenda["escalated_elsewhere"].values() for i in items
    }
    assert "A6.1" not in on_agenda and "A7.1" not in {i["id"] for i in agenda["escalated"]}


def test_an_import_into_a_closed_year_is_refused_and_stores_nothing(
    run, sqlite_url, tmp_path, monkeypatch
):
    from tests.conftest import EXAMPLE

    monkeypatch.setenv("KOERS_USER", "installateur")
    run("load", "--no-data", str(EXAMPLE))
    with Store.open(sqlite_url) as store:
        admin = wf.create_user(store, "voorbeeld", "beheer", PASSWORD, "admin", by=None)
        bureau = wf.create_user(store, "voorbeeld", "bureau", PASSWORD, "bureau", by=admin)
        wf.close_period(store, "voorbeeld", 2021, bureau)
        indicator = store.plan("voorbeeld").indicators[0].id
    figures = tmp_path / "cijfers.csv"
    figures.write_text(
        f"indicator,area,period,value\n{indicator},zuid,2020,10\n{indicator},zuid,2021,11\n",
        encoding="utf-8",
    )
    refused = run("import", str(figures))
    assert refused.exit_code == 1
    assert (
        f"cijfers.csv: {indicator} in zuid over 2021: het jaar 2021 is afgesloten" in refused.stderr
    )
    assert "2020" not in refused.stderr.split("afgesloten")[0].split("over")[-1]
    with Store.open(sqlite_url) as store:
        assert store.observations("voorbeeld") == [] and store.batches("voorbeeld") == []


def test_the_bureau_corrects_a_closed_year_and_ends_an_escalation_the_admin_deactivates(portal):
    wouter, bureau, admin = (
        portal.client("wouter"),
        portal.client("bureau"),
        portal.client("beheer"),
    )
    gerda = portal.client("gerda")
    response = post(
        wouter,
        "/portaal/indicatoren/O1/waarde",
        {"gebied": "zuid", "periode": "2023", "waarde": "7"},
        "/portaal/indicatoren/O1",
    )
    update = int(response.headers["location"].split("/")[-1].split("?")[0])
    post(wouter, f"/portaal/updates/{update}/indienen", {"versie": 1}, f"/portaal/updates/{update}")
    post(bureau, "/portaal/jaren", {"jaar": 2023, "bevestigd": "ja"}, "/portaal/jaren")
    page = bureau.get(f"/portaal/updates/{update}").text
    assert (
        "afgesloten jaar" in page
        and "Corrigeren (gelogd)" in page
        and "Goedkeuren</button>" not in page
    )
    refused = post(
        bureau, f"/portaal/updates/{update}/goedkeuren", {"versie": 2}, f"/portaal/updates/{update}"
    )
    assert refused.status_code == 400 and "afgesloten" in refused.text
    corrected = post(
        bureau,
        f"/portaal/updates/{update}/corrigeren",
        {"versie": 2, "reden": "nagekomen cijfer"},
        f"/portaal/updates/{update}",
    )
    assert corrected.status_code == 303
    assert [o.value for o in portal.store.observations("p") if o.indicator == "O1"] == [7.0]
    assert "nagekomen cijfer" in bureau.get("/portaal/logboek").text

    post(
        bureau,
        "/portaal/afspraken/A1/escaleren",
        {"trede": "uitvoering", "reden": "r"},
        "/portaal/afspraken/A1",
    )
    ended = post(
        bureau, "/portaal/afspraken/A1/deescaleren", {"reden": "opgelost"}, "/portaal/afspraken/A1"
    )
    assert ended.status_code == 303
    assert "niet geëscaleerd" in bureau.get("/portaal/afspraken/A1").text

    version = next(u.version for u in wf.users(portal.store, "p") if u.username == "gerda")
    assert (
        post(
            admin,
            "/portaal/gebruikers/gerda/actief",
            {"actief": "0", "versie": version},
            "/portaal/gebruikers",
        ).status_code
        == 303
    )
    stale = post(
        admin,
        "/portaal/gebruikers/gerda/actief",
        {"actief": "1", "versie": version},
        "/portaal/gebruikers",
    )
    assert stale.status_code == 409  # the page showed an older version of gerda
    assert gerda.get("/portaal").status_code == 303  # logged out at once


def test_the_api_returns_an_update_with_a_reason(portal):
    update = draft_and_submit(portal)
    page = post(portal.client("bureau"), "/portaal/sleutels", {"naam": "b"}, "/portaal/sleutels")
    token = re.search(r'id="nieuwe-sleutel">([^<]+)<', page.text)[1]  # type: ignore[index]
    api = TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})
    assert (
        api.post(
            f"/api/portaal/updates/{update}/return", json={"version": 2, "reason": ""}
        ).status_code
        == 400
    )
    returned = api.post(
        f"/api/portaal/updates/{update}/return", json={"version": 2, "reason": "bron erbij"}
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert returned.json()["reason"] == "bron erbij"
    assert api.get(f"/api/portaal/updates/{update}").json()["state"] == "returned"
    assert api.get("/api/portaal/updates/9999").status_code == 404


def api_of(portal: Portal, who: str) -> TestClient:
    page = post(portal.client(who), "/portaal/sleutels", {"naam": "k"}, "/portaal/sleutels")
    token = re.search(r'id="nieuwe-sleutel">([^<]+)<', page.text)[1]  # type: ignore[index]
    return TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})


def test_a_returned_update_is_corrected_and_resubmitted_through_the_api_in_one_call(portal):
    update = draft_and_submit(portal)
    bureau, wouter = api_of(portal, "bureau"), api_of(portal, "wouter")
    # only a returned update: a submitted one is refused with the reason, nothing changes
    early = wouter.post(f"/api/portaal/updates/{update}/resubmit", json={"version": 2})
    assert early.status_code == 400 and "teruggestuurde" in early.json()["detail"]
    returned = bureau.post(
        f"/api/portaal/updates/{update}/return", json={"version": 2, "reason": "bron erbij"}
    ).json()
    again = wouter.post(
        f"/api/portaal/updates/{update}/resubmit",
        json={"version": returned["version"], "note": "verslag van 3 juni", "evidence": "notulen"},
    )
    assert again.status_code == 200, again.text
    assert (again.json()["state"], again.json()["note"]) == ("submitted", "verslag van 3 juni")
    queue = bureau.get("/api/portaal/aandacht").json()
    assert queue["groups"][0]["items"][0]["update"] == update  # at the top of the bureau's queue
    stale = wouter.post(f"/api/portaal/updates/{update}/resubmit", json={"version": 1})
    assert stale.status_code in (400, 409)
    assert bureau.get("/api/portaal/updates/9999").status_code == 404
    assert wouter.post("/api/portaal/updates/9999/resubmit", json={"version": 1}).status_code == 404


def test_the_api_work_queue_is_grouped_and_counted_as_the_portal_home(portal):
    draft_and_submit(portal)
    bureau = api_of(portal, "bureau")
    queue = bureau.get("/api/portaal/aandacht").json()
    reasons = [g["reason"] for g in queue["groups"]]
    assert reasons == list(wf.ATTENTION_REASONS)  # every group, in the order of the portal
    assert all(g["count"] == len(g["items"]) for g in queue["groups"])
    assert queue["total"] == sum(g["count"] for g in queue["groups"])
    home = html.unescape(portal.client("bureau").get("/portaal").text)
    for group in queue["groups"]:
        if group["count"]:
            assert f"{group['label']} ({group['count']})" in home
    values = bureau.get("/api/portaal/aandacht", params={"soort": "waarde"}).json()
    assert all(i["kind"] == "waarde" for g in values["groups"] for i in g["items"])
    assert values["total"] < queue["total"]
    assert bureau.get("/api/portaal/aandacht", params={"soort": ""}).json() == queue  # no filter


def test_each_role_can_do_exactly_what_it_should_through_the_api(portal):
    """Role × API endpoint, with tokens; 'none' sends no token."""
    clients: dict[str, TestClient] = {"none": TestClient(portal.app)}
    for who in ("wouter", "gerda", "bureau", "beheer"):
        user = wf.authenticate(portal.store, who, PASSWORD)
        assert user is not None
        token, _ = wf.create_token(portal.store, user, "test")
        clients[who] = TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})

    def codes(method: str, path: str, body: dict[str, object] | None = None) -> dict[str, int]:
        return {
            who: client.request(method, path, json=body).status_code
            for who, client in clients.items()
        }

    a4 = {"agreement": "A4", "status": "risico", "note": "n"}
    made = codes("POST", "/api/portaal/updates", a4)
    assert made == {"none": 401, "wouter": 201, "gerda": 403, "bureau": 400, "beheer": 403}
    # (the bureau may draft too, but A4 already has wouter's open update: 400 says so)
    [update] = wf.updates(portal.store, "p", agreement="A4")
    assert codes("GET", f"/api/portaal/updates/{update.id}") == {
        "none": 401,
        "wouter": 200,
        "gerda": 404,
        "bureau": 200,
        "beheer": 404,
    }
    assert codes("GET", "/api/portaal/updates") == {
        "none": 401,
        "wouter": 200,
        "gerda": 200,
        "bureau": 200,
        "beheer": 200,
    }
    assert [u["id"] for u in clients["gerda"].get("/api/portaal/updates").json()] == []
    submitted = codes("POST", f"/api/portaal/updates/{update.id}/submit", {"version": 1})
    assert submitted["wouter"] == 200 and submitted["gerda"] == 404 and submitted["beheer"] == 404
    approved = codes("POST", f"/api/portaal/updates/{update.id}/approve", {"version": 2})
    assert approved == {"none": 401, "wouter": 403, "gerda": 404, "bureau": 200, "beheer": 404}
    assert wf.current_statuses(portal.store, "p") == {"A4": "risico"}
    a3 = codes(
        "POST", "/api/portaal/updates", {"agreement": "A3", "status": "op schema", "note": "n"}
    )
    assert a3 == {"none": 401, "wouter": 403, "gerda": 403, "bureau": 201, "beheer": 403}


def test_no_password_token_or_session_reaches_the_logs(portal, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    client = TestClient(portal.app, follow_redirects=False)
    login(client, "wouter")
    cookie = client.cookies[SESSION_COOKIE]
    page = post(client, "/portaal/sleutels", {"naam": "log"}, "/portaal/sleutels")
    token = re.search(r'id="nieuwe-sleutel">([^<]+)<', page.text)[1]  # type: ignore[index]
    api = TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/portaal/updates").status_code == 200
    wrong = TestClient(portal.app, follow_redirects=False)
    wrong.post(
        "/inloggen",
        data={"gebruikersnaam": "wouter", "wachtwoord": "geheim-fout-123", "csrf": csrf_of(wrong)},
    )
    logged = caplog.text
    assert caplog.records  # the libraries did log (httpx, sqlalchemy…)
    for secret in (PASSWORD, "geheim-fout-123", token, cookie):
        assert secret not in logged
    with portal.store.engine.connect() as c:
        hashes = list(c.scalars(select(t.users.c.password_hash)))
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_public_pages_viewed_while_logged_in_are_private(portal):
    anonymous = portal.client().get("/")
    assert anonymous.status_code == 200
    assert "cache-control" not in anonymous.headers  # as before: the page cache serves it
    wouter = portal.client("wouter")
    page = wouter.get("/")
    assert "wouter" in page.text and 'name="csrf"' in page.text  # who, and the logout form
    assert page.headers["cache-control"] == "private" and page.headers["vary"] == "Cookie"
    assert wouter.get("/portaal").headers["cache-control"] == "no-store"  # as before


def test_the_audit_log_reads_in_dutch_and_filters_by_subject_user_and_period(portal):
    wouter = portal.client("wouter")
    made = post(
        wouter,
        "/portaal/afspraken/A1/update",
        {"status": "op schema", "toelichting": "loopt"},
        "/portaal/afspraken/A1",
    )
    update = int(made.headers["location"].split("/")[-1].split("?")[0])
    edited = post(
        wouter,
        f"/portaal/updates/{update}/bewerken",
        {"versie": 1, "status": "risico", "toelichting": "loopt uit"},
        f"/portaal/updates/{update}",
    )
    assert edited.status_code == 303
    post(wouter, f"/portaal/updates/{update}/indienen", {"versie": 2}, f"/portaal/updates/{update}")
    bureau = portal.client("bureau")
    post(
        bureau, f"/portaal/updates/{update}/goedkeuren", {"versie": 3}, f"/portaal/updates/{update}"
    )

    def text(path: str) -> str:  # the page as it reads
        return html.unescape(re.sub(r"<[^>]+>", "", bureau.get(path).text))

    page = text("/portaal/logboek")
    for words in (
        f"Update opgesteld: update {update} over A1",
        "status: op schema",
        "status van A1: op schema → risico",
        "toelichting van A1: loopt → loopt uit",
        "fase van A1: concept → ingediend",
        "Update goedgekeurd",
        "Status vastgesteld: afspraak A1",
    ):
        assert words in page, words
    assert '{"' not in page and "approve" not in page  # no raw records, no English names

    only_wouter = text("/portaal/logboek?door=wouter")
    assert "Update opgesteld" in only_wouter and "Update goedgekeurd" not in only_wouter
    agreement = text("/portaal/logboek?onderwerp=agreement&id=A1")
    assert "Status vastgesteld" in agreement and "Update opgesteld" not in agreement
    later = text("/portaal/logboek?van=2999-01-01&tot=")
    assert "Geen wijzigingen die bij deze keuze passen." in later
    today = date.today().isoformat()
    assert "Update goedgekeurd" in text(f"/portaal/logboek?van={today}&tot={today}")
    wrong = bureau.get("/portaal/logboek?van=gisteren")
    assert wrong.status_code == 400 and "Van: &#39;gisteren&#39; is geen datum" in wrong.text
    # the update's own page tells its history in the same words
    assert "fase van A1: ingediend → goedgekeurd" in text(f"/portaal/updates/{update}")


def test_closing_a_year_asks_first_and_the_bureau_can_reopen_it_with_a_reason(portal):
    bureau = portal.client("bureau")
    form = bureau.get("/portaal/jaren").text
    assert 'name="jaar"' in form and 'value="20' not in form  # no year filled in
    asked = post(bureau, "/portaal/jaren", {"jaar": "2024"}, "/portaal/jaren")
    assert asked.status_code == 200 and "Het jaar 2024 afsluiten?" in asked.text
    assert "cijfers die nu voor 2024 meetellen" in asked.text
    assert "Ja, 2024 afsluiten" in asked.text
    assert wf.closed_years(portal.store, "p") == set()  # nothing closed by asking
    closed = post(bureau, "/portaal/jaren", {"jaar": "2024", "bevestigd": "ja"}, "/portaal/jaren")
    assert closed.status_code == 303 and wf.closed_years(portal.store, "p") == {2024}
    again = post(bureau, "/portaal/jaren", {"jaar": "2024"}, "/portaal/jaren")
    assert again.status_code == 400 and "Het jaar 2024 is al afgesloten" in again.text

    no_reason = post(bureau, "/portaal/jaren/2024/heropenen", {"reden": " "}, "/portaal/jaren")
    assert no_reason.status_code == 400 and wf.closed_years(portal.store, "p") == {2024}
    reopened = post(
        bureau, "/portaal/jaren/2024/heropenen", {"reden": "nagekomen cijfers"}, "/portaal/jaren"
    )
    assert reopened.status_code == 303 and wf.closed_years(portal.store, "p") == set()
    [entry] = wf.audit_log(portal.store, "p", subject="period", actor="bureau")[-1:]
    assert (entry.action, entry.reason) == ("reopen_period", "nagekomen cijfers")
    partner = post(
        portal.client("wouter"), "/portaal/jaren/2024/heropenen", {"reden": "x"}, "/portaal"
    )
    assert partner.status_code == 403


def test_an_admin_gives_a_one_time_password_shown_once_and_changed_at_first_login(portal):
    beheer, old_session = portal.client("beheer"), portal.client("wouter")
    page = beheer.get("/portaal/gebruikers").text
    assert '<option value="bureau">programmabureau</option>' in page  # roles in Dutch
    given = post(beheer, "/portaal/gebruikers/wouter/wachtwoord", {}, "/portaal/gebruikers")
    assert given.status_code == 200 and given.headers["cache-control"] == "no-store"
    found = re.search(r'<p class="token" id="eenmalig">([^<]+)</p>', given.text)
    assert found and "wouter" in given.text
    assert found[1] not in beheer.get("/portaal/gebruikers").text  # shown once
    assert old_session.get("/portaal").status_code == 303  # logged out everywhere
    fresh = TestClient(portal.app, follow_redirects=False)
    login(fresh, "wouter", found[1])
    assert fresh.get("/portaal").headers["location"] == "/portaal/wachtwoord"
    [entry] = wf.audit_log(portal.store, "p", subject="user", subject_id="wouter")[-1:]
    assert (entry.action, entry.actor) == ("reset_password", "beheer")
    refused = post(portal.client("bureau"), "/portaal/gebruikers/gerda/wachtwoord", {})
    assert refused.status_code == 403


# --------------------------------------------------------------------------- the work queue


def _text(client: TestClient, path: str) -> str:
    """A page as it reads, without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", client.get(path).text))


def test_the_bureau_finds_what_waits_for_it_first_with_counts_and_filters(portal):
    update = draft_and_submit(portal)  # wouter's status of A1
    bureau = portal.client("bureau")
    escalated = post(
        bureau,
        "/portaal/afspraken/A2/escaleren",
        {"trede": "uitvoering", "reden": "Loopt vast"},
        "/portaal/afspraken/A2",
    )
    assert escalated.status_code == 303
    home = _text(bureau, "/portaal")
    assert "Te beoordelen: 1" in home and "Geëscaleerd: 1" in home and "Teruggestuurd: 0" in home
    assert "Nooit gerapporteerd: 3" in home  # A2, A3, A4 (A1 has an open update)
    order = [home.index(f"{label} (") for label in ("Te beoordelen", "Geëscaleerd")]
    order.append(home.index("Nooit gerapporteerd ("))
    assert order == sorted(order)  # what waits for the bureau comes first
    assert home.index(f"Update {update} over afspraak A1") < home.index("Geëscaleerd (")
    # filters: kind, partner, pillar
    values = _text(bureau, "/portaal?soort=waarde")
    assert "Te beoordelen: 0" in values and "Niets dat bij deze keuze past." in values
    gemeente = _text(bureau, "/portaal?partner=gemeente")
    assert "Geëscaleerd: 1" in gemeente and "Te beoordelen: 0" in gemeente
    assert "Te beoordelen: 1" in _text(bureau, "/portaal?pijler=wonen&partner=&soort=")
    # a partner sees only its own work, without the bureau's filters
    wouter = portal.client("wouter").get("/portaal").text
    assert 'name="soort"' not in wouter and "A2" not in wouter


def test_the_bureau_reaches_every_agreement_and_indicator_whatever_its_status(portal):
    update = draft_and_submit(portal)
    bureau = portal.client("bureau")
    post(
        bureau, f"/portaal/updates/{update}/goedkeuren", {"versie": 2}, f"/portaal/updates/{update}"
    )
    assert "A1" not in _text(bureau, "/portaal")  # in order: no longer in the queue
    listed = bureau.get("/portaal/afspraken").text
    for agreement in ("A1", "A2", "A3", "A4"):
        assert f'href="/portaal/afspraken/{agreement}"' in listed
    assert "op schema" in _text(bureau, "/portaal/afspraken")
    assert 'href="/portaal/afspraken/A1"' not in bureau.get("/portaal/afspraken?pijler=x").text
    indicators = bureau.get("/portaal/indicatoren").text
    assert (
        'href="/portaal/indicatoren/O1"' in indicators
        and "/portaal/indicatoren/E1" not in indicators
    )
    assert portal.client("wouter").get("/portaal/afspraken").status_code == 403


def test_a_returned_update_is_corrected_and_resubmitted_in_one_step(portal):
    update = draft_and_submit(portal, note="loopt")
    bureau = portal.client("bureau")
    page = f"/portaal/updates/{update}"
    post(bureau, f"{page}/terugsturen", {"versie": 2, "reden": "Voeg het bewijs toe"}, page)
    wouter = portal.client("wouter")
    assert "Teruggestuurd: 1" in _text(wouter, "/portaal")
    shown = wouter.get(page).text
    assert "Voeg het bewijs toe" in shown and "Opnieuw indienen" in shown
    done = post(
        wouter,
        f"{page}/opnieuw-indienen",
        {"versie": 3, "status": "op schema", "toelichting": "loopt", "bewijs": "https://e.org/a"},
        page,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("opnieuw-ingediend")
    [again] = wf.updates(portal.store, "p", agreement="A1")
    assert again.state is wf.State.SUBMITTED and again.evidence == "https://e.org/a"
    assert f"Update {update} over afspraak A1" in _text(bureau, "/portaal")
    twice = post(wouter, f"{page}/opnieuw-indienen", {"versie": again.version}, page)
    assert twice.status_code == 400 and "alleen een teruggestuurde update" in twice.text


SCHOOL_PLAN = plan_from_documents(
    {
        "plan.yaml": PLAN_YAML.replace(
            "  - {id: gemeente, name: Gemeente Rotterdam, sector: overheid}",
            "  - {id: gemeente, name: Gemeente Rotterdam, sector: overheid}\n"
            "  - {id: boor, name: Stichting BOOR, sector: onderwijs}\n"
            "  - {id: havensteder, name: Havensteder, sector: corporaties}\n"
            "  - {id: scholen, name: Scholen, sector: onderwijs, signatory: false}\n"
            "  - {id: corporaties, name: De corporaties op Zuid, sector: wonen, "
            "signatory: false, collective: true, members: [woonbron, havensteder]}\n"
            "  - {id: nprz-partners, name: De partners gezamenlijk, sector: programma, "
            "signatory: false, collective: true}",
        ).replace(
            "agreements:\n",
            "agreements:\n"
            "  - {id: S1, text: Scholen geven les, pillar: wonen, owners: [scholen]}\n"
            "  - {id: C1, text: Samen bouwen, pillar: wonen, owners: [corporaties], "
            "reporters: [woonbron]}\n"
            "  - {id: P1, text: Samen werken, pillar: wonen, owners: [nprz-partners], "
            "reporters: [gemeente]}\n",
            1,
        )
    }
)
assert any(a.id == "S1" for a in SCHOOL_PLAN.agreements)  # the fixture's edit took


def test_a_partner_without_reporting_duties_sees_why_and_what_it_can_do(tmp_path, monkeypatch):
    monkeypatch.setenv("KOERS_USER", "installateur")
    url = f"sqlite:///{tmp_path / 'school.db'}"
    with open_portal(
        url, plan=SCHOOL_PLAN, partners={"bas": "boor", "wouter": "woonbron", "hans": "havensteder"}
    ) as school:
        home = _text(school.client("bas"), "/portaal")
        assert "Waarom u hier niets hoeft te rapporteren" in home
        assert "Stichting BOOR is in het plan geen eigenaar van een afspraak" in home
        # whose agreements concern it, why, and who reports: all from the plan
        assert (
            "In uw sector (onderwijs) staan afspraken op naam van groepen en organisaties die "
            "het plan noemt zonder leden"
        ) in home
        assert "Scholen: S1" in home
        assert (
            "De partners gezamenlijk (alle partners van het programma samen): P1. Namens de "
            "groep rapporteert Gemeente Rotterdam."
        ) in home
        assert "De corporaties op Zuid" not in home  # BOOR is no corporation
        assert "Levering van cijfers" in home
        corporation = _text(school.client("hans"), "/portaal")
        assert (
            "De corporaties op Zuid (uw organisatie is lid van deze groep): C1. Namens de groep "
            "rapporteert Woonbron."
        ) in corporation
        assert "Scholen: S1" not in corporation
        wouter = _text(school.client("wouter"), "/portaal")  # a partner with duties
        assert "Waarom u hier niets hoeft te rapporteren" not in wouter
