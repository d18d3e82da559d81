"""The portal's home page: what needs the user's attention, and (partners) what their
organisation reports on and where the bureau changed one of its contributions.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.web.views.portal.shared import PortalDep, show

router = APIRouter(include_in_schema=False)


@router.get("/portaal", response_class=HTMLResponse)
def home(portal: PortalDep) -> Response:
    user, plan = portal.user, portal.plan
    attention = workflow.needs_attention(portal.store, plan, user, portal.snap.today)
    agreements = (
        workflow.partner_agreements(plan, user.partner or "")
        if user.role is workflow.Role.PARTNER
        else []
    )
    indicators = (
        workflow.partner_indicators(plan, user.partner or "")
        if user.role is workflow.Role.PARTNER
        else []
    )
    return show(
        portal,
        "portal_home.html",
        attention=attention,
        attention_labels=workflow.ATTENTION_REASONS,
        agreements=agreements,
        indicators=indicators,
        statuses=workflow.current_statuses_of(portal.snap.agreement_states),
        corrections=workflow.corrections(portal.store, plan, user),
        decimals={i.id: i.decimals for i in plan.indicators},
    )
