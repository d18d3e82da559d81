"""The audit log in the portal (bureau only): the latest changes, filtered by subject, and
the whole log as CSV.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.web.views.portal.shared import PortalDep, csv_response, require_role, show

router = APIRouter(include_in_schema=False)


@router.get("/portaal/logboek", response_class=HTMLResponse)
def audit_page(portal: PortalDep, onderwerp: str | None = None, id: str | None = None) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    entries = workflow.audit_log(
        portal.store, portal.programme, subject=onderwerp or None, subject_id=id or None
    )
    return show(
        portal,
        "portal_audit.html",
        entries=list(reversed(entries))[:500],
        total=len(entries),
        when=nl.moment,
        dumps=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True),
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
