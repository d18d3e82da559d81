"""An agreement in the portal: its state, updates and history; drafting its status, and
(bureau) escalating it a rung or ending its escalation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.web.views.portal.shared import (
    CSRF,
    WORKFLOW_ERRORS,
    Portal,
    PortalDep,
    agreement_of,
    described,
    done,
    show,
)

router = APIRouter(include_in_schema=False)


def agreement_page(
    portal: Portal, agreement_id: str, *, error: Exception | None = None
) -> Response:
    agreement = agreement_of(portal, agreement_id)
    state = workflow.agreement_state(portal.store, portal.programme, agreement_id)
    visible = [
        u
        for u in workflow.updates(portal.store, portal.programme, agreement=agreement_id)
        if workflow.may_view(portal.plan, portal.user, u)
    ]
    open_update = next((u for u in visible if u.state in workflow.OPEN_STATES), None)
    may_read_history = (
        portal.user.role is workflow.Role.BUREAU
        or bool(visible)
        or portal.can("draft", agreement=agreement)
    )
    history = (
        workflow.agreement_history(portal.store, portal.programme, agreement_id)
        if may_read_history
        else []
    )
    return show(
        portal,
        "portal_agreement.html",
        error=error,
        agreement=agreement,
        state=state,
        rung=workflow.escalated_rung(portal.plan, state),
        updates=visible,
        open_update=open_update,
        may_draft=portal.can("draft", agreement=agreement) and open_update is None,
        may_escalate=portal.can("escalate", agreement=agreement),
        next_rung=workflow.next_rung(portal.plan, state),
        history=described(portal, history),
        status_options=[s.value for s in workflow.AgreementStatus],
        when=nl.moment,
    )


@router.get("/portaal/afspraken/{agreement_id}", response_class=HTMLResponse)
def agreement_view(portal: PortalDep, agreement_id: str) -> Response:
    return agreement_page(portal, agreement_id)


@router.post("/portaal/afspraken/{agreement_id}/update", dependencies=CSRF)
def draft_status(
    portal: PortalDep,
    agreement_id: str,
    status: Annotated[str, Form()],
    toelichting: Annotated[str, Form()] = "",
    bewijs: Annotated[str, Form()] = "",
) -> Response:
    agreement_of(portal, agreement_id)
    try:
        update = workflow.draft_update(
            portal.store,
            portal.programme,
            portal.user,
            agreement=agreement_id,
            status=status,
            note=toelichting,
            evidence=bewijs or None,
        )
    except WORKFLOW_ERRORS as error:
        return agreement_page(portal, agreement_id, error=error)
    return done(f"/portaal/updates/{update.id}", "opgesteld")


@router.post("/portaal/afspraken/{agreement_id}/escaleren", dependencies=CSRF)
def escalate(
    portal: PortalDep,
    agreement_id: str,
    trede: Annotated[str, Form()],
    reden: Annotated[str, Form()] = "",
    versie: Annotated[int | None, Form()] = None,
) -> Response:
    agreement_of(portal, agreement_id)
    try:
        workflow.escalate(
            portal.store, portal.programme, agreement_id, portal.user, trede, reden, version=versie
        )
    except WORKFLOW_ERRORS as error:
        return agreement_page(portal, agreement_id, error=error)
    return done(f"/portaal/afspraken/{agreement_id}", "geescaleerd")


@router.post("/portaal/afspraken/{agreement_id}/deescaleren", dependencies=CSRF)
def deescalate(
    portal: PortalDep,
    agreement_id: str,
    reden: Annotated[str, Form()] = "",
    versie: Annotated[int | None, Form()] = None,
) -> Response:
    agreement_of(portal, agreement_id)
    try:
        workflow.deescalate(
            portal.store, portal.programme, agreement_id, portal.user, reden, version=versie
        )
    except WORKFLOW_ERRORS as error:
        return agreement_page(portal, agreement_id, error=error)
    return done(f"/portaal/afspraken/{agreement_id}", "gedeescaleerd")
