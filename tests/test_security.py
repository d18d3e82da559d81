"""Hostile input on every route: SQL injection through every parameter, and body limits.

:data:`ROUTES` is the parameter table: every route of the app (public pages, CSV/XLSX
downloads, the read API, the portal's pages and forms, the token API) with each parameter
its code reads — path, query string, form field, JSON field, header — and the route's
normal answers to a bad or unknown value of it. It is checked against ``app.routes`` and
FastAPI's own list of each route's parameters, so a new route or parameter without an entry
fails :func:`test_the_table_names_every_route_and_every_parameter`.

For each route, as each user that may use it, a request with valid values must succeed;
then each parameter in turn gets each of :data:`PAYLOADS` while the others stay valid. The
answer must be one of the parameter's normal answers (never a 5xx); no password hash may
appear in it; HTML must not carry the payload unescaped; and the row counts of every
table must be as before — or, where a write succeeds with the payload as free text, grown
only in the tables that write touches, with the text stored verbatim. On SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, get_args
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Column, func, inspect, select, table
from starlette.routing import Mount, Route

from koers import workflow as wf
from koers.plan.review import readings_to_review
from koers.store import Store
from koers.store import schema as t
from koers.web import create_app
from koers.web.auth import LoginLimiter
from koers.web.limits import MAX_BODY_BYTES
from koers.workflow import Role, State

from .conftest import _reset_postgres
from .helpers import PASSWORD, PLAN, Portal, csrf_of, fast_hasher, login, open_portal

PAYLOADS = {
    "or": "' OR '1'='1",
    "drop": "1; DROP TABLE observations; --",
    "delete": '"; DELETE FROM users; --',
    "like": "%' OR 1=1 --",
    "union": "' UNION SELECT username, password_hash FROM users --",
    "nul": "A1\x00' OR 1=1 --",
    "long": "x" * 10_000,
    "unicode": "Zuid ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e ﷽ é",
    "bigint": "9" * 30,  # an "id" past 64 bits
}
SUCCESS = frozenset({200, 201, 303})
WORKFLOW_TABLES = frozenset({"updates", "audit_log"})  # what a new update adds rows to
IMPORTS = frozenset({"import_batches", "observations"})  # and an approved value

Where = Literal["path", "query", "form", "json", "header"]


@dataclass(frozen=True)
class Param:
    """A parameter, where the route reads it, and the route's normal answers to a bad or
    unknown value (for free text and ignored values: success too)."""

    where: Where
    answers: frozenset[int]
    stored: Column[Any] | None = None  # free text: kept verbatim here when accepted
    empty: str | None = None  # a filter: an accepted value shows this (no results)


def p(
    where: Where, *answers: int, stored: Column[Any] | None = None, empty: str | None = None
) -> Param:
    """An entry of the table: ``p("query", 404)``."""
    return Param(where, frozenset(answers), stored, empty)


VALID = object()  # stands for the session's own CSRF token, or the user's API token


@dataclass(frozen=True)
class Spec:
    """A route in the table: its parameters, who sends it, valid values for them."""

    params: dict[str, Param]
    actors: tuple[str, ...]
    valid: Callable[[World, str, str | None], dict[str, object]]  # (world, who, tampered)
    writes: frozenset[str] = frozenset()  # the tables a successful request adds rows to
    fresh_session: bool = False  # a new session per request (it logs in or out)
    removes: frozenset[str] = frozenset()  # the tables it may take a row from (a reopened year)


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """The portal with its users, and the state a request needs made to order."""

    portal: Portal
    tokens: dict[str, str] = field(default_factory=dict)  # user name -> API token
    _days: Iterator[int] = field(default_factory=itertools.count)
    _closed_days: Iterator[int] = field(default_factory=itertools.count)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _csrf: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.portal.store

    def user(self, name: str) -> wf.User:
        return next(u for u in wf.users(self.store, "p") if u.username == name)

    def number(self) -> int:
        return next(self._numbers)

    def csrf(self, who: str) -> str:
        if who not in self._csrf:
            self._csrf[who] = csrf_of(self.portal.client(who), "/portaal")
        return self._csrf[who]

    def period(self, *, closed: bool = False) -> str:
        """A period no update is open for: a day of 2024 or later, or of the closed 2023
        (the plan's first year: earlier ones lie outside its window)."""
        if closed:
            day = next(self._closed_days)
            assert day < 366, "the closed year has no more days"
            return (date(2023, 1, 1) + timedelta(days=day)).isoformat()
        return (date(2024, 1, 1) + timedelta(days=next(self._days))).isoformat()

    def own_agreement(self, who: str) -> str:
        """An agreement ``who`` may report on, with no update open: A1 (Woonbron's) for a
        partner, A3 (no owner: the bureau's) for the bureau."""
        agreement = "A1" if self.user(who).role is Role.PARTNER else "A3"
        self.decide_open(agreement)
        return agreement

    def draft(self, who: str, kind: str = "output", *, closed: bool = False) -> wf.Update:
        """A new draft by ``who``: a value of O1 (Woonbron's), or a status of its own
        agreement."""
        user = self.user(who)
        if kind == "output":
            period = self.period(closed=closed)
            return wf.draft_update(
                self.store, "p", user, indicator="O1", area="zuid", period=period, value=1.0
            )
        agreement = self.own_agreement(who)
        return wf.draft_update(
            self.store, "p", user, agreement=agreement, status="op schema", note="loopt"
        )

    def submitted(self, who: str = "wouter", *, closed: bool = False) -> wf.Update:
        update = self.draft(who, closed=closed)
        return wf.submit(self.store, update.id, self.user(who), update.version)

    def decide_open(self, agreement: str) -> None:
        """Approve whatever is open on ``agreement``, so a new update may be drafted."""
        bureau = self.user("bureau")
        for update in wf.updates(self.store, "p", agreement=agreement):
            if update.state is State.RETURNED:
                update = wf.edit_draft(self.store, update.id, bureau, update.version)
            if update.state is State.DRAFT:
                update = wf.submit(self.store, update.id, bureau, update.version)
            if update.state is State.SUBMITTED:
                wf.approve(self.store, update.id, bureau, update.version)

    def escalation(self, agreement: str, *, escalated: bool) -> int:
        """Put ``agreement`` (not) escalated; the version of its state."""
        bureau = self.user("bureau")
        state = wf.agreement_state(self.store, "p", agreement)
        if escalated and state.escalation is None:
            first = wf.ladder_of(PLAN, agreement)[0]
            state = wf.escalate(self.store, "p", agreement, bureau, first.key, "klaarzetten")
        if not escalated and state.escalation is not None:
            state = wf.deescalate(self.store, "p", agreement, bureau, "klaarzetten")
        return state.version

    def target(self) -> tuple[str, str, int]:
        """The user ``doelwit``: the value of ``actief`` that changes it, and its version."""
        user = self.user("doelwit")
        return "doelwit", "0" if user.active else "1", user.version


def _output_or_status(
    world: World, who: str, tampered: str | None, status_fields: set[str]
) -> wf.Update:
    return world.draft(who, "status" if tampered in status_fields else "output")


# --------------------------------------------------------------------------- the table

PUBLIC = ("anoniem",)
PARTNER_AND_BUREAU = ("wouter", "bureau")
PROGRAMME = {"programme": p("query", 404)}
GEDAAN = {"gedaan": p("query", 200)}  # the done message's key: unknown keys show nothing
AFTER_POST = {"gedaan": p("query", 200, 303)}  # read only when a refusal shows the page
CSRF_FIELD = {"csrf": p("form", 403)}
UPDATE_ID = {"update_id": p("path", 400, 404)}
API_UPDATE_ID = {"update_id": p("path", 404, 422)}
VERSIE = {"versie": p("form", 400, 409)}
AUTH = {"authorization": p("header", 401)}
NO_CHANGES = "Geen wijzigingen die bij deze keuze passen."  # an audit filter found nothing


def _public(**values: object) -> Callable[[World, str, str | None], dict[str, object]]:
    return lambda world, who, tampered: {"programme": "p", **values}


def _fixed(**values: object) -> Callable[[World, str, str | None], dict[str, object]]:
    return lambda world, who, tampered: dict(values)


def _reopened(world: World, who: str, tampered: str | None) -> dict[str, object]:
    """A year the bureau just closed, to reopen."""
    year = 1900 + world.number()
    wf.close_period(world.store, "p", year, world.user("bureau"))
    return {"year": year, "reden": "nagekomen cijfers"}


def _portal_form(
    make: Callable[[World, str, str | None], dict[str, object]],
) -> Callable[[World, str, str | None], dict[str, object]]:
    """Values of a portal form, with the session's CSRF token."""
    return lambda world, who, tampered: {
        "csrf": VALID,
        "gedaan": "bewerkt",
        **make(world, who, tampered),
    }


def _api(
    make: Callable[[World, str, str | None], dict[str, object]],
) -> Callable[[World, str, str | None], dict[str, object]]:
    """Values of a token API call, with the user's API token."""
    return lambda world, who, tampered: {"authorization": VALID, **make(world, who, tampered)}


def _password_change(world: World, who: str, tampered: str | None) -> dict[str, object]:
    """The user's password back to :data:`PASSWORD` (by the admin), so that it logs in; the
    form then changes it."""
    wf.set_password(
        world.store, who, PASSWORD, by=world.user("beheer"), version=world.user(who).version
    )
    new = "een ander lang wachtwoord"
    return {"huidig": PASSWORD, "nieuw": new, "herhaling": new}


def _agreement_draft(world: World, who: str, tampered: str | None) -> dict[str, object]:
    return {
        "agreement_id": world.own_agreement(who),
        "status": "op schema",
        "toelichting": "loopt",
        "bewijs": "https://example.org/verslag",
    }


def _edit(world: World, who: str, tampered: str | None) -> dict[str, object]:
    update = _output_or_status(world, who, tampered, {"status", "bewijs"})
    values: dict[str, object] = {
        "update_id": update.id,
        "versie": update.version,
        "toelichting": "t",
    }
    if update.kind is wf.Kind.STATUS:
        return {**values, "status": "risico", "bewijs": "https://example.org/b"}
    return {**values, "waarde": "5"}


def _returned(world: World, who: str, tampered: str | None) -> dict[str, object]:
    """An update the bureau returned, with the corrected fields of its kind."""
    values = _edit(world, who, tampered)
    update_id, version = int(str(values["update_id"])), int(str(values["versie"]))
    update = wf.submit(world.store, update_id, world.user(who), version)
    returned = wf.return_update(
        world.store, update.id, world.user("bureau"), update.version, "graag beter"
    )
    return {**values, "versie": returned.version}


def _api_new(world: World, who: str, tampered: str | None) -> dict[str, object]:
    if tampered in ("indicator", "area", "period", "value", "confirmation", "contributor"):
        period = world.period()
        return {"indicator": "O1", "area": "zuid", "period": period, "value": 3.0, "note": "n"}
    agreement = world.own_agreement(who)
    return {"agreement": agreement, "status": "risico", "evidence": "https://e.org", "note": "n"}


def _api_edit(world: World, who: str, tampered: str | None) -> dict[str, object]:
    update = _output_or_status(world, who, tampered, {"status", "evidence"})
    values: dict[str, object] = {"update_id": update.id, "version": update.version, "note": "n"}
    if update.kind is wf.Kind.STATUS:
        return {**values, "status": "risico", "evidence": "https://example.org/b"}
    return {**values, "value": 4.0}


def _api_returned(world: World, who: str, tampered: str | None) -> dict[str, object]:
    """An update the bureau returned, with the corrected fields of its kind (API names): a
    value only where a value's field is tampered with (each value takes a day of the
    world's periods, and they run out at today)."""
    kind = "output" if tampered in ("value", "confirmation") else "status"
    update = world.draft(who, kind)
    values: dict[str, object] = {"update_id": update.id, "version": update.version, "note": "n"}
    if kind == "status":
        values |= {"status": "risico", "evidence": "https://example.org/b"}
    else:
        values["value"] = 4.0
    update = wf.submit(world.store, update.id, world.user(who), update.version)
    returned = wf.return_update(
        world.store, update.id, world.user("bureau"), update.version, "graag beter"
    )
    return {**values, "version": returned.version}


# what the write API's edit and resubmit take: the fields of a draft and its version
API_EDIT = {
    **AUTH,
    **API_UPDATE_ID,
    "version": p("json", 409, 422),
    "status": p("json", 400),
    "note": p("json", 200, 400, stored=t.updates.c.note),
    "evidence": p("json", 200, 400, stored=t.updates.c.evidence),
    "value": p("json", 200, 422),
    "confirmation": p("json", 200, 400, stored=t.updates.c.confirmation),
}

ROUTES: dict[tuple[str, str], Spec] = {
    # ------------------------------------------------------------------ public pages
    ("GET", "/"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/rapportages"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/plan/wijzigingen"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/leeswijzer"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/rapportages/{year}/{path:path}"): Spec(
        {"year": p("path", 404), "path": p("path", 404)},
        PUBLIC,
        _fixed(year="2023", path="deel-1-zuid-op-koers.html"),
    ),
    ("GET", "/pijlers/{pillar}"): Spec(
        {"pillar": p("path", 404), **PROGRAMME}, PUBLIC, _public(pillar="wonen")
    ),
    ("GET", "/indicatoren/{indicator}.csv"): Spec(
        {"indicator": p("path", 404), **PROGRAMME}, PUBLIC, _public(indicator="O1")
    ),
    ("GET", "/indicatoren/{indicator}.xlsx"): Spec(
        {"indicator": p("path", 404), **PROGRAMME}, PUBLIC, _public(indicator="O1")
    ),
    ("GET", "/indicatoren/{indicator}"): Spec(
        {"indicator": p("path", 404), **PROGRAMME}, PUBLIC, _public(indicator="E1")
    ),
    ("GET", "/wijken"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/wijken/{wijk}"): Spec(
        {"wijk": p("path", 404), **PROGRAMME}, PUBLIC, _public(wijk="charlois")
    ),
    ("GET", "/afspraken"): Spec(
        {
            **PROGRAMME,
            "pijler": p("query", 404),
            "eigenaar": p("query", 404),
            "status": p("query", 404),
            "verlopen": p("query", 400),
            "gepland": p("query", 400),
        },
        PUBLIC,
        _public(
            pijler="wonen",
            eigenaar="woonbron",
            status="niet gerapporteerd",
            verlopen="0",
            gepland="2025",
        ),
    ),
    ("GET", "/afspraken/{agreement_id}"): Spec(
        {"agreement_id": p("path", 404), **PROGRAMME}, PUBLIC, _public(agreement_id="A2")
    ),
    ("GET", "/static/{path:path}"): Spec({"path": p("path", 404)}, PUBLIC, _fixed(path="koers.js")),
    ("GET", "/openapi.json"): Spec({}, PUBLIC, _fixed()),
    ("GET", "/gezondheid"): Spec({}, PUBLIC, _fixed()),
    # ------------------------------------------------------------------ the read API
    ("GET", "/api/plan"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/api/areas"): Spec(PROGRAMME, PUBLIC, _public()),
    ("GET", "/api/indicators"): Spec(
        {**PROGRAMME, "pillar": p("query", 404), "kind": p("query", 422)},
        PUBLIC,
        _public(pillar="wonen", kind="output"),
    ),
    ("GET", "/api/indicators/{indicator}"): Spec(
        {"indicator": p("path", 404), **PROGRAMME}, PUBLIC, _public(indicator="O1")
    ),
    ("GET", "/api/indicators/{indicator}/observations"): Spec(
        {"indicator": p("path", 404), "area": p("query", 404), **PROGRAMME},
        PUBLIC,
        _public(indicator="O1", area="zuid"),
    ),
    ("GET", "/api/status"): Spec(
        {
            **PROGRAMME,
            "pillar": p("query", 404),
            "area": p("query", 404),
            "year": p("query", 200, 422),  # a year without figures: every status grey
        },
        PUBLIC,
        _public(pillar="wonen", area="charlois", year="2024"),
    ),
    ("GET", "/api/agreements"): Spec(
        {
            **PROGRAMME,
            "pillar": p("query", 404),
            "owner": p("query", 404),
            "status": p("query", 404),
            "overdue": p("query", 422),
            "due": p("query", 422),
            "area": p("query", 404),
        },
        PUBLIC,
        _public(
            pillar="wonen",
            owner="woonbron",
            status="niet gerapporteerd",
            overdue="false",
            due="2025",
            area="charlois",
        ),
    ),
    # ------------------------------------------------------------------ logging in and out
    ("GET", "/inloggen"): Spec(
        {"volgende": p("query", 200)}, PUBLIC, _fixed(volgende="/portaal/jaren")
    ),
    ("POST", "/inloggen"): Spec(
        {
            "gebruikersnaam": p("form", 400, 401),  # 400: longer than any user name
            "wachtwoord": p("form", 400, 401),
            "volgende": p("form", 303, 400),  # never off the site; 400: too long
            **CSRF_FIELD,
        },
        PUBLIC,
        _fixed(gebruikersnaam="wouter", wachtwoord=PASSWORD, volgende="/portaal", csrf=VALID),
        fresh_session=True,
    ),
    ("POST", "/uitloggen"): Spec(  # ends every session of the user: one of its own
        CSRF_FIELD, ("uitlogger",), _fixed(csrf=VALID), fresh_session=True
    ),
    # ------------------------------------------------------------------ portal pages
    ("GET", "/portaal"): Spec(
        {
            "pijler": p("query", 200, empty="Niets dat bij deze keuze past."),
            "partner": p("query", 200, empty="Niets dat bij deze keuze past."),
            "soort": p("query", 200, empty="Niets dat bij deze keuze past."),
            **GEDAAN,
        },
        ("bureau",),  # the filters are the bureau's; a partner gets the same page
        _fixed(gedaan="opgesteld"),
    ),
    ("GET", "/portaal/afspraken"): Spec(
        {"pijler": p("query", 200, empty=">0 afspraken."), **GEDAAN}, ("bureau",), _fixed()
    ),
    ("GET", "/portaal/indicatoren"): Spec(
        {"pijler": p("query", 200, empty=">0 outputindicatoren."), **GEDAAN}, ("bureau",), _fixed()
    ),
    ("GET", "/portaal/afspraken/{agreement_id}"): Spec(
        {"agreement_id": p("path", 404), **GEDAAN}, PARTNER_AND_BUREAU, _fixed(agreement_id="A1")
    ),
    ("GET", "/portaal/indicatoren/{indicator_id}"): Spec(
        {"indicator_id": p("path", 404), **GEDAAN}, PARTNER_AND_BUREAU, _fixed(indicator_id="O1")
    ),
    ("GET", "/portaal/updates/{update_id}"): Spec(
        {**UPDATE_ID, **GEDAAN},
        PARTNER_AND_BUREAU,
        lambda world, who, tampered: {"update_id": world.draft(who).id},
    ),
    ("GET", "/portaal/updates.csv"): Spec({}, PARTNER_AND_BUREAU, _fixed()),
    ("GET", "/portaal/logboek"): Spec(
        {
            "onderwerp": p("query", 200, empty=NO_CHANGES),
            "id": p("query", 200, empty=NO_CHANGES),
            "door": p("query", 200, empty=NO_CHANGES),
            "van": p("query", 400),  # no date
            "tot": p("query", 400),
            **GEDAAN,
        },
        ("bureau",),
        _fixed(onderwerp="user", id="wouter"),
    ),
    ("GET", "/portaal/logboek.csv"): Spec({}, ("bureau",), _fixed()),
    ("GET", "/portaal/jaren"): Spec(GEDAAN, ("bureau",), _fixed()),
    ("GET", "/portaal/bronnen"): Spec(
        {"jaar": p("query", 400), **GEDAAN}, PARTNER_AND_BUREAU, _fixed(jaar="2024")
    ),
    ("GET", "/portaal/plan"): Spec(GEDAAN, ("bureau",), _fixed()),
    ("GET", "/portaal/gebruikers"): Spec(GEDAAN, ("beheer",), _fixed()),
    ("GET", "/portaal/sleutels"): Spec(GEDAAN, PARTNER_AND_BUREAU, _fixed()),
    ("GET", "/portaal/wachtwoord"): Spec(GEDAAN, PARTNER_AND_BUREAU, _fixed()),
    # ------------------------------------------------------------------ portal forms
    ("POST", "/portaal/wachtwoord"): Spec(  # ends every session of the user: one of its own
        {
            "huidig": p("form", 400, 403),  # 400: longer than any password
            "nieuw": p("form", 400),  # too short, too long or not the same as herhaling
            "herhaling": p("form", 400),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("wisselaar",),
        _portal_form(_password_change),
        writes=frozenset({"audit_log"}),
        fresh_session=True,
    ),
    ("POST", "/portaal/afspraken/{agreement_id}/update"): Spec(
        {
            "agreement_id": p("path", 404),
            "status": p("form", 400),
            "toelichting": p("form", 303, 400, stored=t.updates.c.note),
            "bewijs": p("form", 303, 400, stored=t.updates.c.evidence),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        PARTNER_AND_BUREAU,
        _portal_form(_agreement_draft),
        writes=WORKFLOW_TABLES,
    ),
    ("POST", "/portaal/afspraken/{agreement_id}/escaleren"): Spec(
        {
            "agreement_id": p("path", 404),
            "trede": p("form", 400),
            "reden": p("form", 303, 400, stored=t.audit_log.c.reason),
            **VERSIE,
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {
                "agreement_id": "A2",
                "versie": world.escalation("A2", escalated=False),
                "trede": wf.ladder_of(PLAN, "A2")[0].key,
                "reden": "loopt vast",
            }
        ),
        writes=frozenset({"agreement_state", "audit_log"}),
    ),
    ("POST", "/portaal/afspraken/{agreement_id}/deescaleren"): Spec(
        {
            "agreement_id": p("path", 404),
            "reden": p("form", 303, 400, stored=t.audit_log.c.reason),
            **VERSIE,
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {
                "agreement_id": "A2",
                "versie": world.escalation("A2", escalated=True),
                "reden": "opgelost",
            }
        ),
        writes=frozenset({"agreement_state", "audit_log"}),
    ),
    ("POST", "/portaal/indicatoren/{indicator_id}/waarde"): Spec(
        {
            "indicator_id": p("path", 404),
            "gebied": p("form", 400),
            "periode": p("form", 400),
            "waarde": p("form", 303, 400),  # "999…" is a number
            "toelichting": p("form", 303, 400, stored=t.updates.c.note),
            "bevestiging": p("form", 303, 400, stored=t.updates.c.confirmation),
            "partner": p("form", 303, 400),  # O1 has one reporter: no partner to name
            **CSRF_FIELD,
            **AFTER_POST,
        },
        PARTNER_AND_BUREAU,
        _portal_form(
            lambda world, who, tampered: {
                "indicator_id": "O1",
                "gebied": "zuid",
                "periode": world.period(),
                "waarde": "12",
                "toelichting": "t",
            }
        ),
        writes=WORKFLOW_TABLES,
    ),
    ("POST", "/portaal/updates/{update_id}/bewerken"): Spec(
        {
            **UPDATE_ID,
            **VERSIE,
            "status": p("form", 400),
            "toelichting": p("form", 303, 400, stored=t.updates.c.note),
            "bewijs": p("form", 303, 400, stored=t.updates.c.evidence),
            "waarde": p("form", 303, 400),
            "bevestiging": p("form", 303, 400, stored=t.updates.c.confirmation),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        PARTNER_AND_BUREAU,
        _portal_form(_edit),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/updates/{update_id}/opnieuw-indienen"): Spec(
        {
            **UPDATE_ID,
            **VERSIE,
            "status": p("form", 400),
            "toelichting": p("form", 303, 400, stored=t.updates.c.note),
            "bewijs": p("form", 303, 400, stored=t.updates.c.evidence),
            "waarde": p("form", 303, 400),
            "bevestiging": p("form", 303, 400, stored=t.updates.c.confirmation),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        PARTNER_AND_BUREAU,
        _portal_form(_returned),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/updates/{update_id}/indienen"): Spec(
        {**UPDATE_ID, **VERSIE, **CSRF_FIELD, **AFTER_POST},
        PARTNER_AND_BUREAU,
        _portal_form(
            lambda world, who, tampered: {
                "update_id": (u := world.draft(who)).id,
                "versie": u.version,
            }
        ),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/updates/{update_id}/goedkeuren"): Spec(
        {**UPDATE_ID, **VERSIE, **CSRF_FIELD, **AFTER_POST},
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {
                "update_id": (u := world.submitted()).id,
                "versie": u.version,
            }
        ),
        writes=frozenset({"audit_log"}) | IMPORTS,
    ),
    ("POST", "/portaal/updates/{update_id}/terugsturen"): Spec(
        {
            **UPDATE_ID,
            **VERSIE,
            "reden": p("form", 303, 400, stored=t.updates.c.reason),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {
                "update_id": (u := world.submitted()).id,
                "versie": u.version,
                "reden": "bron erbij",
            }
        ),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/updates/{update_id}/corrigeren"): Spec(
        {
            **UPDATE_ID,
            **VERSIE,
            "reden": p("form", 303, 400, stored=t.updates.c.reason),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {
                "update_id": (u := world.submitted("bureau", closed=True)).id,
                "versie": u.version,
                "reden": "nagekomen",
            }
        ),
        writes=frozenset({"audit_log"}) | IMPORTS,
    ),
    ("POST", "/portaal/jaren"): Spec(
        {"jaar": p("form", 400), "bevestigd": p("form", 400), **CSRF_FIELD, **AFTER_POST},
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {"jaar": 1900 + world.number(), "bevestigd": "ja"}
        ),
        writes=frozenset({"closed_periods", "audit_log"}),
    ),
    ("POST", "/portaal/plan"): Spec(  # the bureau's verdict on one of the plan's readings
        {
            "lezing": p("form", 400),
            "oordeel": p("form", 400),
            "correctie": p("form", 303, 400, stored=t.audit_log.c.reason),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("bureau",),
        _portal_form(
            lambda world, who, tampered: {
                "lezing": readings_to_review(PLAN)[0].key,
                "oordeel": "gecorrigeerd",
                "correctie": "De gemeente is eigenaar",
            }
        ),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/jaren/{year}/heropenen"): Spec(
        {"year": p("path", 400, 404), "reden": p("form", 303, 400), **CSRF_FIELD, **AFTER_POST},
        ("bureau",),
        _portal_form(_reopened),
        writes=frozenset({"closed_periods", "audit_log"}),
        removes=frozenset({"closed_periods"}),
    ),
    ("POST", "/portaal/gebruikers"): Spec(
        {
            "gebruikersnaam": p("form", 303, 400, stored=t.users.c.username),  # "999…" is one
            "wachtwoord": p("form", 303, 400),  # a password: stored only as a hash
            "rol": p("form", 400),
            "partner": p("form", 400),
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("beheer",),
        _portal_form(
            lambda world, who, tampered: {
                "gebruikersnaam": f"nieuw{world.number()}",
                "wachtwoord": PASSWORD,
                "rol": "partner",
                "partner": "woonbron",
            }
        ),
        writes=frozenset({"users", "audit_log"}),
    ),
    ("POST", "/portaal/gebruikers/{username}/wachtwoord"): Spec(
        {"username": p("path", 200, 400), **CSRF_FIELD, **AFTER_POST},  # "999…" may exist
        ("beheer",),
        _portal_form(lambda world, who, tampered: {"username": "doelwit"}),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/gebruikers/{username}/actief"): Spec(
        {
            "username": p("path", 400),
            "actief": p("form", 400),
            **VERSIE,
            **CSRF_FIELD,
            **AFTER_POST,
        },
        ("beheer",),
        _portal_form(
            lambda world, who, tampered: dict(
                zip(("username", "actief", "versie"), world.target(), strict=True)
            )
        ),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/portaal/sleutels"): Spec(
        {
            "naam": p("form", 200, 400, stored=t.api_tokens.c.name),
            **CSRF_FIELD,
            "gedaan": p("query", 200),
        },
        PARTNER_AND_BUREAU,
        _portal_form(lambda world, who, tampered: {"naam": "koppeling"}),
        writes=frozenset({"api_tokens", "audit_log"}),
    ),
    ("POST", "/portaal/sleutels/{token_id}/intrekken"): Spec(
        {"token_id": p("path", 400), **CSRF_FIELD, **AFTER_POST},
        PARTNER_AND_BUREAU,
        _portal_form(
            lambda world, who, tampered: {
                "token_id": wf.create_token(world.store, world.user(who), "weg")[1].id
            }
        ),
        writes=frozenset({"audit_log"}),
    ),
    # ------------------------------------------------------------------ the token API
    ("GET", "/api/portaal/updates"): Spec(AUTH, PARTNER_AND_BUREAU, _api(_fixed())),
    ("GET", "/api/portaal/updates/{update_id}"): Spec(
        {**AUTH, **API_UPDATE_ID},
        PARTNER_AND_BUREAU,
        _api(lambda world, who, tampered: {"update_id": world.draft(who).id}),
    ),
    ("POST", "/api/portaal/updates"): Spec(
        {
            **AUTH,
            "agreement": p("json", 400),
            "status": p("json", 422),  # not one of the statuses: the schema refuses it
            "evidence": p("json", 201, 400, stored=t.updates.c.evidence),
            "indicator": p("json", 400),
            "area": p("json", 400),
            "period": p("json", 400),
            "value": p("json", 201, 422),  # "999…" is a number
            "note": p("json", 201, 400, stored=t.updates.c.note),
            "confirmation": p("json", 201, 400, stored=t.updates.c.confirmation),
            "contributor": p("json", 201, 400),  # O1 has one reporter: no partner to name
        },
        PARTNER_AND_BUREAU,
        _api(_api_new),
        writes=WORKFLOW_TABLES,
    ),
    ("POST", "/api/portaal/updates/{update_id}/edit"): Spec(
        API_EDIT,
        PARTNER_AND_BUREAU,
        _api(_api_edit),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/api/portaal/updates/{update_id}/submit"): Spec(
        {**AUTH, **API_UPDATE_ID, "version": p("json", 409, 422)},
        PARTNER_AND_BUREAU,
        _api(
            lambda world, who, tampered: {
                "update_id": (u := world.draft(who)).id,
                "version": u.version,
            }
        ),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/api/portaal/updates/{update_id}/approve"): Spec(
        {**AUTH, **API_UPDATE_ID, "version": p("json", 409, 422)},
        ("bureau",),
        _api(
            lambda world, who, tampered: {
                "update_id": (u := world.submitted()).id,
                "version": u.version,
            }
        ),
        writes=frozenset({"audit_log"}) | IMPORTS,
    ),
    ("POST", "/api/portaal/updates/{update_id}/return"): Spec(
        {
            **AUTH,
            **API_UPDATE_ID,
            "version": p("json", 409, 422),
            "reason": p("json", 200, 400, stored=t.updates.c.reason),
        },
        ("bureau",),
        _api(
            lambda world, who, tampered: {
                "update_id": (u := world.submitted()).id,
                "version": u.version,
                "reason": "bron erbij",
            }
        ),
        writes=frozenset({"audit_log"}),
    ),
    ("POST", "/api/portaal/updates/{update_id}/resubmit"): Spec(
        API_EDIT,
        PARTNER_AND_BUREAU,
        _api(_api_returned),
        writes=frozenset({"audit_log"}),
    ),
    ("GET", "/api/portaal/aandacht"): Spec(
        {
            **AUTH,
            "pijler": p("query", 200, empty='"total":0'),
            "partner": p("query", 200, empty='"total":0'),
            "soort": p("query", 200, empty='"total":0'),
        },
        PARTNER_AND_BUREAU,
        _api(_fixed()),
    ),
}


# --------------------------------------------------------------------------- the app's routes


def app_routes(app: FastAPI) -> dict[tuple[str, str], Dependant | None]:
    """(method, path) of every route the app answers (a mount: GET of its files), with
    FastAPI's list of its parameters where it has one. Included routers are not routes
    themselves in ``app.routes``: ``iter_route_contexts`` gives their routes."""
    found: dict[tuple[str, str], Dependant | None] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            found["GET", f"{context.path}/{{path:path}}"] = None
            continue
        assert isinstance(route, Route), route  # what else would be in the table?
        for method in context.methods or ():
            if method != "HEAD":
                found[method, str(context.path)] = (
                    route.dependant if isinstance(route, APIRoute) else None
                )
    return found


def declared(dependant: Dependant) -> set[str]:
    """The parameters FastAPI reads for a route (and its dependencies): a JSON body by
    its fields."""
    names = set()
    for param in (
        *dependant.path_params,
        *dependant.query_params,
        *dependant.header_params,
        *dependant.cookie_params,
    ):
        names.add(param.alias)
    for param in dependant.body_params:
        annotation = param.field_info.annotation
        models = [
            model
            for model in (get_args(annotation) or (annotation,))  # one model, or a union
            if isinstance(model, type) and issubclass(model, BaseModel)
        ]
        for model in models:
            names |= set(model.model_fields)
        if not models:
            names.add(param.alias)
    for sub in dependant.dependencies:
        names |= declared(sub)
    return names


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    base = tmp_path_factory.mktemp("security")
    if request.param == "sqlite":
        url = f"sqlite:///{base / 'koers.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
    reports = base / "rapportage" / "2023"
    reports.mkdir(parents=True)
    (reports / "deel-1-zuid-op-koers.html").write_text("<p>Deel I</p>", encoding="utf-8")
    lenient = LoginLimiter(free_failures=10**6, per_address=10**6)  # 401 stays the answer
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wf.PASSWORDS, "hasher", fast_hasher())
        patch.setenv("KOERS_USER", "installateur")
        with open_portal(url, reports_dir=reports.parent, login_limiter=lenient) as portal:
            store, world = portal.store, World(portal)
            bureau = world.user("bureau")
            for name in ("doelwit", "uitlogger", "wisselaar"):
                wf.create_user(
                    store, "p", name, PASSWORD, "partner", "woonbron", by=world.user("beheer")
                )
            for who in PARTNER_AND_BUREAU:
                world.tokens[who] = wf.create_token(store, world.user(who), "t")[0]
            wf.close_period(store, "p", 2023, bureau)  # where the bureau corrects values
            update = world.submitted()  # and figures that an injection could lose
            wf.approve(store, update.id, bureau, update.version)
            assert store.observations("p")
            yield world


# --------------------------------------------------------------------------- the checks


def row_counts(store: Store) -> dict[str, int]:
    """Every table the database has now (not only those the schema names), with its rows."""
    names = sorted(inspect(store.engine).get_table_names())
    counts = [select(func.count()).select_from(table(n)).scalar_subquery() for n in names]
    with store.engine.connect() as c:
        return dict(zip(names, c.execute(select(*counts)).one(), strict=True))


def _client(world: World, spec: Spec, who: str) -> TestClient:
    if not spec.fresh_session:
        return world.portal.client(None if who == "anoniem" else who)
    client = TestClient(world.portal.app, follow_redirects=False)
    if who == "anoniem":
        client.get("/inloggen")  # an anonymous session, for the login form's CSRF token
    else:
        login(client, who)
    return client


def _csrf(world: World, spec: Spec, who: str, client: TestClient) -> str:
    if spec.fresh_session:
        path = "/inloggen" if who == "anoniem" else "/portaal"
        return csrf_of(client, path)
    return world.csrf(who)


def sendable(value: str) -> bool:
    """Whether an HTTP client can put ``value`` in a header at all (no server sees others)."""
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        return False
    return not any(ord(c) < 32 for c in value)


@dataclass
class Sent:
    response: httpx.Response
    before: dict[str, int]
    after: dict[str, int]


def send(
    world: World, method: str, path: str, spec: Spec, who: str, values: dict[str, object]
) -> Sent:
    client = _client(world, spec, who)
    query: dict[str, str] = {}
    form: dict[str, str] = {}
    body: dict[str, object] = {}
    headers: dict[str, str] = {}
    for name, value in values.items():
        param = spec.params.get(name)
        if param is None:
            continue  # a value for a parameter this route does not have (e.g. gedaan)
        if value is VALID and name == "csrf":
            value = _csrf(world, spec, who, client)
        elif value is VALID and name == "authorization":
            value = f"Bearer {world.tokens[who]}"
        if param.where == "path":
            encoded = quote(str(value), safe="")
            path = path.replace(f"{{{name}}}", encoded).replace(f"{{{name}:path}}", encoded)
        elif param.where == "query":
            query[name] = str(value)
        elif param.where == "form":
            form[name] = str(value)
        elif param.where == "json":
            body[name] = value
        else:
            headers[name] = str(value)
    before = row_counts(world.store)
    response = client.request(
        method,
        path,
        params=query or None,
        data=form or None,
        json=body if body else None,
        headers=headers or None,
    )
    after = row_counts(world.store)
    if spec.fresh_session:
        client.close()
    return Sent(response, before, after)


def no_secrets(response: httpx.Response) -> None:
    assert b"$argon2" not in response.content, "a password hash in the response"


def test_the_table_names_every_route_and_every_parameter(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'koers.db'}", reports_dir=None)
    routes = app_routes(app)
    assert set(ROUTES) == set(routes), "add the route to ROUTES, with its parameters"
    for key, dependant in routes.items():
        if dependant is not None:
            missing = declared(dependant) - set(ROUTES[key].params)
            assert not missing, f"{key}: parameters not in ROUTES: {missing}"
    app.state.store.close()


@pytest.mark.parametrize("key", list(ROUTES), ids=[f"{m} {path}" for m, path in ROUTES])
def test_injection_through_every_parameter_changes_nothing(world, key):
    method, path = key
    spec = ROUTES[key]
    for who in spec.actors:
        control = send(world, method, path, spec, who, spec.valid(world, who, None))
        assert control.response.status_code in SUCCESS, (key, who, control.response.text[-400:])
        no_secrets(control.response)
        for name, param in spec.params.items():
            for label, payload in PAYLOADS.items():
                if param.where == "header" and not sendable(payload):
                    continue
                values = spec.valid(world, who, name)
                values[name] = payload
                sent = send(world, method, path, spec, who, values)
                check(world, key, spec, param, payload, sent, f"{key} {who} {name}={label}")


def check(
    world: World,
    key: tuple[str, str],
    spec: Spec,
    param: Param,
    payload: str,
    sent: Sent,
    where: str,
) -> None:
    response = sent.response
    status = response.status_code
    assert status < 500, (where, response.text[-400:])
    assert status in param.answers, (where, status, response.text[-400:])
    no_secrets(response)
    if response.headers.get("content-type", "").startswith("text/html"):
        if html.escape(payload) != payload:
            assert payload not in response.text, (where, "reflected unescaped")
    elif key[1].startswith("/api/") and status >= 400:
        assert set(response.json()) == {"detail"}, where
    assert payload not in response.headers.get("location", ""), (where, "redirected to it")
    if param.empty is not None:
        assert param.empty in response.text, (where, "a filter found something")
    before, after = sent.before, sent.after
    assert set(after) == set(before), (where, "tables appeared or vanished")
    wrote = key[0] == "POST" and status in SUCCESS
    if not wrote:
        assert after == before, (where, "the store changed")
        return
    grown = {table for table in after if after[table] != before[table]}
    assert all(after[n] >= before[n] for n in after if n not in spec.removes), (
        where,
        "rows were deleted",
    )
    assert grown <= spec.writes, (where, grown)
    if param.stored is not None:
        with world.store.engine.connect() as c:
            found = c.scalar(select(func.count()).where(param.stored == payload.strip()))
        assert found, (where, "not stored verbatim")


def test_a_password_hash_cannot_be_read_back_through_the_exports(world):
    """The UNION payload's target: the hashes are in the store, in no export."""
    with world.store.engine.connect() as c:
        hashes = list(c.scalars(select(t.users.c.password_hash)))
    assert hashes and all(h.startswith("$argon2") for h in hashes)
    for path in ("/portaal/updates.csv", "/portaal/logboek.csv", "/portaal/logboek"):
        response = world.portal.client("bureau").get(path)
        assert response.status_code == 200
        assert not any(h in response.text for h in hashes)


# --------------------------------------------------------------------------- body limits

TWO_MIB = 2 * 1024 * 1024


def _bearer(world: World, who: str) -> dict[str, str]:
    return {"authorization": f"Bearer {world.tokens[who]}"}


def test_a_form_post_over_the_limit_is_refused_and_writes_nothing(world):
    world.decide_open("A1")  # so the same post, smaller, is a new draft
    wouter = world.portal.client("wouter")
    form = {"csrf": world.csrf("wouter"), "status": "op schema"}
    before = row_counts(world.store)
    refused = wouter.post(
        "/portaal/afspraken/A1/update", data={**form, "toelichting": "x" * TWO_MIB}
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in refused.text
    assert "Deze aanvraag is te groot: er mag hoogstens 1 MiB meegestuurd worden." in refused.text
    assert refused.headers["connection"] == "close"  # the rest of the body is not read
    assert refused.headers["x-frame-options"] == "DENY"
    assert row_counts(world.store) == before
    accepted = wouter.post("/portaal/afspraken/A1/update", data={**form, "toelichting": "klein"})
    assert accepted.status_code == 303


def test_a_json_body_over_the_limit_is_refused_and_writes_nothing(world):
    world.decide_open("A1")
    api, auth = world.portal.client(), _bearer(world, "wouter")
    body = {"agreement": "A1", "status": "risico"}
    before = row_counts(world.store)
    refused = api.post("/api/portaal/updates", json={**body, "note": "x" * TWO_MIB}, headers=auth)
    assert refused.status_code == 413
    assert refused.json() == {
        "detail": "Deze aanvraag is te groot: er mag hoogstens 1 MiB meegestuurd worden."
    }
    assert row_counts(world.store) == before
    accepted = api.post("/api/portaal/updates", json={**body, "note": "klein"}, headers=auth)
    assert accepted.status_code == 201


def _asgi(
    app: FastAPI, path: str, headers: dict[str, str], receive: Callable[[], Any]
) -> list[dict[str, Any]]:
    """One POST straight into the app (no test client, which reads a body whole first)."""
    import asyncio

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return sent


@pytest.mark.parametrize("kind", ["form", "json"])
def test_a_chunked_body_is_refused_as_it_streams_past_the_limit(world, kind):
    chunk = b"x" * 65536
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < 2 * TWO_MIB}

    if kind == "form":
        client = world.portal.client("wouter")
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        path, headers = (
            "/portaal/afspraken/A1/update",
            {
                "content-type": "application/x-www-form-urlencoded",
                "cookie": cookie,
            },
        )
    else:
        path, headers = (
            "/api/portaal/updates",
            {"content-type": "application/json", **_bearer(world, "wouter")},
        )
    before = row_counts(world.store)
    sent = _asgi(world.portal.app, path, {**headers, "transfer-encoding": "chunked"}, receive)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert MAX_BODY_BYTES < pulled <= MAX_BODY_BYTES + len(chunk)  # read no further
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert b"te groot" in body
    assert row_counts(world.store) == before


def test_a_body_announced_too_large_is_refused_before_a_byte_is_read(world):
    async def receive() -> dict[str, Any]:
        raise AssertionError("the body was read")

    headers = {
        "content-type": "application/json",
        "content-length": str(TWO_MIB),
        **_bearer(world, "wouter"),
    }
    sent = _asgi(world.portal.app, "/api/portaal/updates", headers, receive)
    assert sent[0]["status"] == 413
    assert json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["detail"].startswith(
        "Deze aanvraag is te groot"
    )


def test_the_limit_is_set_with_create_app(world):
    app = create_app(world.portal.url, reports_dir=None, secret_key="test", max_body_bytes=2048)
    with TestClient(app, follow_redirects=False) as client:
        login(client, "wouter")  # a small post still works
        world.decide_open("A1")
        csrf = csrf_of(client, "/portaal")
        form = {"csrf": csrf, "status": "op schema"}
        refused = client.post(
            "/portaal/afspraken/A1/update", data={**form, "toelichting": "x" * 4096}
        )
        assert refused.status_code == 413 and "hoogstens 2 KiB" in refused.text
        accepted = client.post(
            "/portaal/afspraken/A1/update", data={**form, "toelichting": "klein"}
        )
        assert accepted.status_code == 303


def test_a_form_has_a_limited_number_of_fields_and_no_files(world):
    world.decide_open("A1")
    wouter = world.portal.client("wouter")
    form = {"csrf": world.csrf("wouter"), "status": "op schema", "toelichting": "x"}
    before = row_counts(world.store)
    many = wouter.post(
        "/portaal/afspraken/A1/update", data={**form, **{f"veld{i}": "1" for i in range(60)}}
    )
    assert many.status_code == 400 and "Dit formulier heeft te veel velden." in many.text
    with_file = wouter.post(
        "/portaal/afspraken/A1/update", data=form, files={"bewijs": ("a.txt", b"bestand")}
    )
    assert with_file.status_code == 400
    assert "Dit formulier neemt geen bestanden aan." in with_file.text
    assert row_counts(world.store) == before
