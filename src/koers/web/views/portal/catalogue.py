"""Every agreement and output indicator with its portal page (bureau only), whatever its
status: ``/portaal/afspraken`` (with the approved status, escalation and whether an update is
open, filterable by pillar) and ``/portaal/indicatoren``. So an agreement that is in order
stays one click away for the bureau, to escalate or correct it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.plan.model import IndicatorKind
from koers.web.views.portal.shared import PortalDep, require_role, show

router = APIRouter(include_in_schema=False)


@router.get("/portaal/afspraken", response_class=HTMLResponse)
def agreements(portal: PortalDep, pijler: str | None = None) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    plan, states = portal.plan, portal.snap.agreement_states
    open_ones = {
        u.agreement: u
        for u in workflow.updates(portal.store, portal.programme)
        if u.agreement and u.state in workflow.OPEN_STATES
    }
    return show(
        portal,
        "portal_catalogue.html",
        what="afspraken",
        agreements=[a for a in plan.agreements if not pijler or a.pillar == pijler],
        indicators=[],
        statuses=workflow.current_statuses_of(states),
        rungs={a: workflow.escalated_rung(plan, s) for a, s in states.items()},
        open_ones=open_ones,
        pillars=portal.snap.ordered_pillars(),
        chosen=pijler or "",
    )


@router.get("/portaal/indicatoren", response_class=HTMLResponse)
def indicators(portal: PortalDep, pijler: str | None = None) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    return show(
        portal,
        "portal_catalogue.html",
        what="indicatoren",
        agreements=[],
        indicators=[
            i
            for i in portal.plan.indicators
            if i.kind is IndicatorKind.OUTPUT and (not pijler or i.pillar == pijler)
        ],
        pillars=portal.snap.ordered_pillars(),
        chosen=pijler or "",
    )
