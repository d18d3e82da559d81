"""Closed years in the portal (bureau only): the years closed so far, closing one after a
confirmation, and reopening one with a reason.

Closing takes two steps: the form (no year filled in) leads to a confirmation page that names
the year and what closing it locks (the figures that count for it now, the partners' updates
about it still open); only its button, which carries ``bevestigd=ja``, closes the year. A
closed year is reopened with a reason; both are audited (:mod:`koers.workflow.periods`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.plan.period import period_year
from koers.store import StoreError
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
YearField = Annotated[str, Form(max_length=20)]


def periods_page(portal: Portal, *, error: Exception | None = None) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    return show(
        portal,
        "portal_periods.html",
        error=error,
        closed=workflow.closed_periods(portal.store, portal.programme),
        when=nl.moment,
    )


def _year(text: str) -> int:
    if not text.strip().isdigit():
        raise StoreError(f"jaar: '{text}' is geen jaar; typ het jaar voluit, bijvoorbeeld 2024")
    return int(text)


def _counts_for(period: str | None, year: int) -> bool:
    try:
        return period is not None and period_year(period) == year
    except ValueError:
        return False


@router.get("/portaal/jaren", response_class=HTMLResponse)
def periods_view(portal: PortalDep) -> Response:
    return periods_page(portal)


@router.post("/portaal/jaren", dependencies=CSRF)
def close_year(
    portal: PortalDep,
    jaar: YearField,
    bevestigd: Annotated[Literal["", "ja"], Form()] = "",
) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    try:
        year = _year(jaar)
        if year in workflow.closed_years(portal.store, portal.programme):
            raise StoreError(f"het jaar {year} is al afgesloten")
        if bevestigd != "ja":  # the first step: say what closing locks, and ask
            updates = workflow.updates(portal.store, portal.programme)
            return show(
                portal,
                "portal_period_confirm.html",
                year=year,
                figures=sum(1 for o in portal.snap.observations if _counts_for(o.period, year)),
                open_updates=sum(
                    1
                    for u in updates
                    if u.state in workflow.OPEN_STATES and _counts_for(u.period, year)
                ),
            )
        workflow.close_period(portal.store, portal.programme, year, portal.user)
    except WORKFLOW_ERRORS as error:
        return periods_page(portal, error=error)
    return done("/portaal/jaren", "afgesloten")


@router.post("/portaal/jaren/{year}/heropenen", dependencies=CSRF)
def reopen_year(
    portal: PortalDep,
    year: Annotated[int, Path(ge=1900, le=2100)],
    reden: Annotated[str, Form(max_length=4001)] = "",
) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    try:
        workflow.reopen_period(portal.store, portal.programme, year, portal.user, reden)
    except WORKFLOW_ERRORS as error:
        return periods_page(portal, error=error)
    return done("/portaal/jaren", "heropend")
