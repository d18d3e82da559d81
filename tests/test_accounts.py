"""Accounts at scale and their recovery: sessions that end server-side, secret rotation,
importing accounts, resetting a password from the shell, the first login with a one-time
password, changing one's own password, and the slowing of password guessing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from koers import workflow as wf
from koers.web import create_app
from koers.web.auth import SESSION_COOKIE
from tests.helpers import PASSWORD, Portal, login, post

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

