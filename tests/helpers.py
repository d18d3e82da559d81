"""Small builders for readable test plans, and the partner portal as tests use it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from koers import workflow as wf
from koers.plan import Plan, plan_from_documents
from koers.store import Store
from koers.web import create_app
from koers.web.auth import LoginLimiter

AREAS = [
    {"id": "zuid", "name": "Zuid", "kind": "district", "parent": "rotterdam"},
    {"id": "noord", "name": "Noord", "kind": "district", "parent": "rotterdam"},
    {"id": "rotterdam", "name": "Rotterdam", "kind": "municipality"},
    {"id": "amsterdam", "name": "Amsterdam", "kind": "municipality"},
    {"id": "g2", "name": "G2", "kind": "group", "members": ["rotterdam", "amsterdam"]},
    {"id": "wijken", "name": "Wijken", "kind": "group", "members": ["zuid", "noord"]},
    {
        "id": "rest",
        "name": "Rotterdam zonder Zuid",
        "kind": "group",
        "members": ["rotterdam"],
        "minus": ["zuid"],
    },
]


def make_plan(
    *indicators: dict[str, Any],
    areas: list[dict[str, Any]] | None = None,
    rules: dict[str, float] | None = None,
) -> Plan:
    programme = {
        "id": "p",
        "name": "P",
        "area": "zuid",
        "period_start": 2023,
        "period_end": 2027,
        "horizon": 2031,
    }
    if rules:
        programme["status_rules"] = rules
    document = {
        "programme": programme,
        "pillars": [{"id": "werk", "name": "Werk"}],
        "areas": areas or AREAS,
        "indicators": [
            {
                "name": i.get("id", "x").upper(),
                "kind": "effect",
                "pillar": "werk",
                "unit": "percent",
                "polarity": "lower_is_better",
                **i,
            }
            for i in indicators
        ],
    }
    return plan_from_documents({"plan.yaml": json.dumps(document)})


# --------------------------------------------------------------------------- the workflow's plan

PLAN_YAML = """
programme:
  id: p
  name: P
  area: zuid
  period_start: 2023
  period_end: 2027
  horizon: 2031
pillars:
  - {id: wonen, name: Wonen}
areas:
  - {id: rotterdam, name: Rotterdam, kind: municipality}
  - {id: zuid, name: Zuid, kind: district, parent: rotterdam}
  - {id: charlois, name: Charlois, kind: wijk, parent: zuid}
partners:
  - {id: woonbron, name: Woonbron, sector: corporaties}
  - {id: gemeente, name: Gemeente Rotterdam, sector: overheid}
interventions:
  - {id: I1, name: Renovatie, pillar: wonen, partners: [woonbron]}
  - {id: I2, name: Handhaving, pillar: wonen, partners: [gemeente]}
indicators:
  - {id: O1, name: Woningen gerenoveerd, kind: output, pillar: wonen, intervention: I1,
     unit: count, polarity: higher_is_better}
  - {id: O2, name: Controles, kind: output, pillar: wonen, intervention: I2,
     unit: count, polarity: higher_is_better}
  - {id: E1, name: Tevredenheid, kind: effect, pillar: wonen, unit: percent,
     polarity: higher_is_better}
agreements:
  - {id: A1, text: Woonbron renoveert 500 woningen, pillar: wonen, owners: [woonbron]}
  - {id: A2, text: De gemeente handhaaft, pillar: wonen, owners: [gemeente]}
  - {id: A3, text: Samen een kader, pillar: wonen,
     readings: [{reading: afgeleid, about: owners, reason: Geen eigenaar genoemd, lines: "1-2"}]}
  - {id: A4, text: Woonbron volgt de controles, pillar: wonen, owners: [woonbron],
     indicators: [O2]}
governance:
  board: {name: Bestuur P, chair: burgemeester, size: 3, seats: [{sector: Overheid, seats: 3}]}
  bodies:
    - {id: uitvoering, name: Uitvoeringsoverleg wonen, pillar: wonen}
    - {id: strategisch, name: Strategisch overleg wonen, pillar: wonen}
    - {id: bestuurlijk, name: Bestuurlijk overleg wonen, pillar: wonen}
  escalation: [uitvoering, strategisch, bestuurlijk]
"""
PLAN = plan_from_documents({"plan.yaml": PLAN_YAML})
WONEN_LADDER = [
    "Uitvoeringsoverleg wonen",
    "Strategisch overleg wonen",
    "Bestuurlijk overleg wonen",
    "Bestuur P",
]  # the rungs of PLAN's agreements (all of pillar wonen)

# A plan whose pillars escalate differently, as in the NPRZ plan: wonen up three levels to the
# board, veilig up its steering group to the Driehoek (accountable for veilig), werk straight
# to the board; the board also takes agreements without a pillar.
LADDERS_YAML = """
programme: {id: q, name: Q, area: zuid, period_start: 2023, period_end: 2027, horizon: 2031}
pillars:
  - {id: wonen, name: Wonen}
  - {id: veilig, name: Veilig, accountable: Driehoek}
  - {id: werk, name: Werk}
areas:
  - {id: zuid, name: Zuid, kind: district}
agreements:
  - {id: W1, text: Renoveren, pillar: wonen}
  - {id: V1, text: Handhaven, pillar: veilig}
  - {id: K1, text: Banen, pillar: werk}
  - {id: X1, text: Samen een kader}
governance:
  board: {name: Bestuur Q, chair: burgemeester, size: 3, seats: [{sector: Overheid, seats: 3}]}
  bodies:
    - {id: uitvoering, name: Uitvoeringsoverleg, pillar: wonen}
    - {id: strategisch, name: Strategisch overleg, pillar: wonen}
    - {id: bestuurlijk, name: Bestuurlijk overleg, pillar: wonen}
    - {id: stuurgroep-veilig, name: Stuurgroep Veilig, pillar: veilig, escalates_to: driehoek}
    - {id: driehoek, name: Driehoek, pillar: veilig}
  escalation: [uitvoering, strategisch, bestuurlijk]
"""
LADDERS_PLAN = plan_from_documents({"plan.yaml": LADDERS_YAML})
PASSWORD = "correct horse battery"


def fast_hasher() -> PasswordHasher:
    """Still argon2id, with small parameters: the defaults cost a quarter second a hash."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


# --------------------------------------------------------------------------- the portal


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Portal:
    """The web app on a store with :data:`PLAN` and its users: ``beheer`` (admin),
    ``bureau`` and ``bureau2``, and the partners ``wouter`` (Woonbron) and ``gerda``
    (Gemeente), each with :data:`PASSWORD`."""

    url: str
    store: Store
    clock: Clock
    app: FastAPI
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client(self, who: str | None = None) -> TestClient:
        """A browser, logged in as ``who`` (None: anonymous); one per name."""
        key = who or "-"
        if key not in self.clients:
            client = TestClient(self.app, follow_redirects=False)
            if who is not None:
                login(client, who)
            self.clients[key] = client
        return self.clients[key]


@contextmanager
def open_portal(
    url: str,
    *,
    reports_dir: Path | None = None,
    login_limiter: LoginLimiter | None = None,
    plan: Plan = PLAN,
    partners: dict[str, str] | None = None,
    **options: Any,
) -> Iterator[Portal]:
    """:class:`Portal` on the (empty) store at ``url`` with ``plan`` (default :data:`PLAN`)
    and its users; ``partners``: partner users by username (default ``wouter`` of Woonbron,
    ``gerda`` of the Gemeente). ``KOERS_USER`` must be set, as it is for whoever makes the
    first admin. ``options`` go to :func:`create_app`."""
    store = Store.open(url)
    store.save_plan(plan)
    pid = plan.programme.id
    admin = wf.create_user(store, pid, "beheer", PASSWORD, "admin", by=None)
    wf.create_user(store, pid, "bureau", PASSWORD, "bureau", by=admin)
    wf.create_user(store, pid, "bureau2", PASSWORD, "bureau", by=admin)
    for username, partner in (partners or {"wouter": "woonbron", "gerda": "gemeente"}).items():
        wf.create_user(store, pid, username, PASSWORD, "partner", partner, by=admin)
    clock = Clock()
    app = create_app(
        url,
        reports_dir=reports_dir,
        secret_key="test",
        login_limiter=login_limiter or LoginLimiter(clock=clock),
        **options,
    )
    portal = Portal(url, store, clock, app)
    try:
        with TestClient(app):  # runs the app's lifespan
            yield portal
    finally:
        for client in portal.clients.values():
            client.close()
        store.close()


def csrf_of(client: TestClient, path: str = "/inloggen") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, f"no CSRF field on {path}"
    return match[1]


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_of(client)
    response = client.post(
        "/inloggen",
        data={"gebruikersnaam": username, "wachtwoord": password, "csrf": token},
    )
    assert response.status_code == 303, response.text


def post(
    client: TestClient, path: str, data: dict[str, object], page: str = "/portaal"
) -> Response:
    return client.post(path, data={**data, "csrf": csrf_of(client, page)})
