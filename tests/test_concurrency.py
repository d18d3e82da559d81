"""Concurrency: the website behind two worker processes (``koers serve --workers 2``), hit
by many requests at once, on SQLite and PostgreSQL. Optimistic locking holds across
processes: of concurrent writers on one agreement exactly one wins, the others are told
why, and nothing is lost or written twice; sessions work on every worker."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from argon2 import PasswordHasher

from koers import workflow as wf
from koers.plan import load_plan
from koers.store import Store
from tests.conftest import NPRZ, koers_server

PASSWORD = "een lang genoeg wachtwoord"


@pytest.fixture
def server(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Two workers on the test's store, with a partner and two bureau users and tokens."""
    monkeypatch.setattr(
        wf.PASSWORDS, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setenv("KOERS_USER", "test")
    plan = load_plan(NPRZ)
    store.save_plan(plan)
    agreement = next(a for a in plan.agreements if a.owners)
    admin = wf.create_user(store, "nprz", "beheer", PASSWORD, "admin", by=None)
    tokens = {}
    for name, role, partner in (
        ("partner", "partner", agreement.owners[0]),
        ("bureau1", "bureau", None),
        ("bureau2", "bureau", None),
    ):
        user = wf.create_user(store, "nprz", name, PASSWORD, role, partner, by=admin)
        tokens[name] = wf.create_token(store, user, "test")[0]
    url = store.engine.url.render_as_string(hide_password=False)
    with koers_server(url, workers=2) as base:
        yield {"base": base, "agreement": agreement.id, **tokens}


def _api(server: dict[str, str], who: str) -> httpx.Client:
    return httpx.Client(
        base_url=server["base"], headers={"Authorization": f"Bearer {server[who]}"}, timeout=30
    )


def test_concurrent_writers_on_one_agreement_lose_nothing(server, store):
    body = {"agreement": server["agreement"], "status": "risico", "note": "tegelijk"}

    def draft(_: int) -> int:
        with _api(server, "partner") as client:
            return client.post("/api/portaal/updates", json=body).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(draft, range(24)))
    assert sorted(codes) == [201] + [400] * 23  # one open update per agreement; no 500
    [update] = wf.updates(store, "nprz", agreement=server["agreement"])
    with _api(server, "partner") as client:
        submitted = client.post(f"/api/portaal/updates/{update.id}/submit", json={"version": 1})
        assert submitted.status_code == 200

    def approve(who: str) -> int:
        with _api(server, who) as client:
            path = f"/api/portaal/updates/{update.id}/approve"
            return client.post(path, json={"version": 2}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        decided = list(pool.map(approve, ["bureau1", "bureau2"] * 4))
    assert decided.count(200) == 1 and all(code in (200, 400, 409) for code in decided)
    approvals = [e for e in wf.audit_log(store, "nprz") if e.action == "approve"]
    assert len(approvals) == 1
    assert wf.current_statuses(store, "nprz") == {server["agreement"]: "risico"}


def test_a_session_works_on_every_worker(server):
    with httpx.Client(base_url=server["base"], timeout=30) as browser:
        page = browser.get("/inloggen").text
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        login = browser.post(
            "/inloggen",
            data={"gebruikersnaam": "partner", "wachtwoord": PASSWORD, "csrf": csrf},
        )
        assert login.status_code == 303
        # many requests: uvicorn spreads them over both workers, which share the secret
        assert {browser.get("/portaal").status_code for _ in range(20)} == {200}
