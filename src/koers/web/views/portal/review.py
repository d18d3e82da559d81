"""The plan's readings to confirm (bureau only, ``/portaal/plan``, "Te bevestigen").

Lists every uncertain or inferred reading of the plan text (:mod:`koers.plan.review`) with
the verdict that holds, and records a confirmation or a correction through
:func:`koers.workflow.review_reading` (audited). Public pages never show readings.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.plan.review import readings_to_review
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

READING_WORDS = {"onzeker": "onzeker", "afgeleid": "afgeleid"}


def review_page(portal: Portal, *, error: Exception | None = None) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    readings = readings_to_review(portal.store.plan(portal.programme))
    verdicts = workflow.reviews(portal.store, portal.programme)
    open_ = [r for r in readings if r.key not in verdicts]
    return show(
        portal,
        "portal_review.html",
        error=error,
        open_readings=open_,
        reviewed=[(r, verdicts[r.key]) for r in readings if r.key in verdicts],
        when=nl.moment,
    )


@router.get("/portaal/plan", response_class=HTMLResponse)
def review_view(portal: PortalDep) -> Response:
    return review_page(portal)


@router.post("/portaal/plan", dependencies=CSRF)
def review_post(
    portal: PortalDep,
    lezing: Annotated[str, Form(max_length=200)],
    oordeel: Annotated[str, Form(max_length=20)],
    correctie: Annotated[str | None, Form(max_length=4000)] = None,
) -> Response:
    require_role(portal, workflow.Role.BUREAU)
    try:
        workflow.review_reading(
            portal.store, portal.programme, lezing, portal.user, oordeel, correctie or None
        )
    except WORKFLOW_ERRORS as error:
        return review_page(portal, error=error)
    return done("/portaal/plan", oordeel if oordeel == "bevestigd" else "lezing-gecorrigeerd")
