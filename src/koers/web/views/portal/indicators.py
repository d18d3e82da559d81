"""An output indicator in the portal: its figures and updates, and drafting a value of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.web.views.portal.shared import (
    CSRF,
    WORKFLOW_ERRORS,
    Portal,
    PortalDep,
    done,
    indicator_of,
    number,
    show,
)

router = APIRouter(include_in_schema=False)


def indicator_page(
    portal: Portal, indicator_id: str, *, error: Exception | None = None
) -> Response:
    indicator = indicator_of(portal, indicator_id)
    visible = [
        u
        for u in workflow.updates(portal.store, portal.programme, indicator=indicator_id)
        if workflow.may_view(portal.plan, portal.user, u)
    ]
    figures = sorted(
        (o for o in portal.snap.observations if o.indicator == indicator_id),
        key=lambda o: (o.period, o.area),
    )
    return show(
        portal,
        "portal_indicator.html",
        error=error,
        indicator=indicator,
        updates=visible,
        figures=figures,
        may_draft=portal.can("draft", indicator=indicator),
        areas=portal.plan.areas,
        default_area=getattr(indicator.target, "area", None) or portal.plan.programme.area,
    )


@router.get("/portaal/indicatoren/{indicator_id}", response_class=HTMLResponse)
def indicator_view(portal: PortalDep, indicator_id: str) -> Response:
    return indicator_page(portal, indicator_id)


@router.post("/portaal/indicatoren/{indicator_id}/waarde", dependencies=CSRF)
def draft_value(
    portal: PortalDep,
    indicator_id: str,
    gebied: Annotated[str, Form()],
    periode: Annotated[str, Form()],
    waarde: Annotated[str, Form()],
    toelichting: Annotated[str, Form()] = "",
) -> Response:
    indicator_of(portal, indicator_id)
    try:
        update = workflow.draft_update(
            portal.store,
            portal.programme,
            portal.user,
            indicator=indicator_id,
            area=gebied,
            period=periode,
            value=number(waarde),
            note=toelichting or None,
        )
    except WORKFLOW_ERRORS as error:
        return indicator_page(portal, indicator_id, error=error)
    return done(f"/portaal/updates/{update.id}", "opgesteld")
