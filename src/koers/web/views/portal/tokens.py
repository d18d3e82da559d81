"""API tokens in the portal: a user's own tokens, making one (shown once) and revoking one."""

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
    RowId,
    done,
    show,
)

router = APIRouter(include_in_schema=False)


def tokens_page(
    portal: Portal, *, new_token: str | None = None, error: Exception | None = None
) -> Response:
    response = show(
        portal,
        "portal_tokens.html",
        error=error,
        tokens=workflow.tokens(portal.store, portal.user),
        new_token=new_token,
        when=nl.moment,
    )
    if new_token:  # shown once: keep it out of every cache
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/portaal/sleutels", response_class=HTMLResponse)
def tokens_view(portal: PortalDep) -> Response:
    return tokens_page(portal)


@router.post("/portaal/sleutels", dependencies=CSRF)
def create_token(portal: PortalDep, naam: Annotated[str, Form(max_length=120)]) -> Response:
    try:
        token, _ = workflow.create_token(portal.store, portal.user, naam)
    except WORKFLOW_ERRORS as error:
        return tokens_page(portal, error=error)
    return tokens_page(portal, new_token=token)


@router.post("/portaal/sleutels/{token_id}/intrekken", dependencies=CSRF)
def revoke_token(portal: PortalDep, token_id: RowId) -> Response:
    try:
        workflow.revoke_token(portal.store, portal.user, token_id)
    except WORKFLOW_ERRORS as error:
        return tokens_page(portal, error=error)
    return done("/portaal/sleutels", "ingetrokken")
