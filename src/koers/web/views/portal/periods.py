"""Closed years in the portal (bureau only): the years closed so far, and closing one."""

from __future__ import annotations

from datetime import UTC, datetime
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
    done,
    require_role,
    show,
)

router = APIRouter(include_in_schema=False)


def periods_page(portal: Portal, *, error: Exception | None = None) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    return show(
        portal,
        "portal_periods.html",
        error=error,
        closed=workflow.closed_periods(portal.store, portal.programme),
        when=nl.moment,
        this_year=datetime.now(UTC).year,
    )


@router.get("/portaal/jaren", response_class=HTMLResponse)
def periods_view(portal: PortalDep) -> Response:
    return periods_page(portal)


@router.post("/portaal/jaren", dependencies=CSRF)
def close_year(portal: PortalDep, jaar: Annotated[int, Form()]) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    try:
        workflow.close_period(portal.store, portal.programme, jaar, portal.user)
    except WORKFLOW_ERRORS as error:
        return periods_page(portal, error=error)
    return done("/portaal/jaren", "afgesloten")
