"""The audit log in the portal (bureau only): the latest changes in Dutch words
(:func:`koers.workflow.describe`), filtered by subject, user and period, and the whole log as
CSV with its records as they are kept.
"""

from __future__ import annotations

import json
from datetime import date

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.store import StoreError
from koers.web.views.portal.shared import (
    PortalDep,
    csv_response,
    described,
    require_role,
    show,
)

router = APIRouter(include_in_schema=False)
SHOWN = 500  # the latest entries on the page; the CSV has them all


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StoreError(f"{field}: '{text}' is geen datum; kies er een als 2026-01-31") from None


@router.get("/portaal/logboek", response_class=HTMLResponse)
def audit_page(
    portal: PortalDep,
    onderwerp: str | None = None,
    id: str | None = None,
    door: str | None = None,
    van: str | None = None,
    tot: str | None = None,
) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    chosen = {"onderwerp": onderwerp or "", "id": id or "", "door": door or ""}
    chosen |= {"van": van or "", "tot": tot or ""}
    everyone = workflow.audit_log(portal.store, portal.programme)
    error: Exception | None = None
    try:
        entries = workflow.audit_log(
            portal.store,
            portal.programme,
            subject=onderwerp or None,
            subject_id=id or None,
            actor=door or None,
            since=_day(van, "van"),
            until=_day(tot, "tot en met"),
        )
    except StoreError as refused:
        entries, error = [], refused
    return show(
        portal,
        "portal_audit.html",
        error=error,
        lines=described(portal, list(reversed(entries))[:SHOWN]),
        total=len(entries),
        everything=len(everyone),
        chosen=chosen,
        subjects=workflow.SUBJECT_LABELS,
        actors=sorted({e.actor for e in everyone}),
        when=nl.moment,
    )


@router.get("/portaal/logboek.csv")
def audit_csv(portal: PortalDep) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    rows: list[list[object]] = [
        ["id", "tijdstip", "door", "actie", "onderwerp", "onderwerp_id", "voor", "na", "reden"]
    ]
    for e in workflow.audit_log(portal.store, portal.programme):
        rows.append(
            [
                e.id,
                e.at.isoformat(),
                e.actor,
                e.action,
                e.subject,
                e.subject_id,
                json.dumps(e.before, ensure_ascii=False) if e.before is not None else None,
                json.dumps(e.after, ensure_ascii=False) if e.after is not None else None,
                e.reason,
            ]
        )
    return csv_response(rows, f"logboek-{portal.programme}.csv")
