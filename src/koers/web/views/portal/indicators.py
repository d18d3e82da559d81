"""An output indicator in the portal: its figures and updates, and drafting a value of it.

The form offers only the areas where the indicator exists (:func:`koers.plan.plausibility.
indicator_areas`); a refused value comes back with everything typed still in the form. Of a
co-reported indicator (several partners each report their own contribution) a partner sees
the published totals and its own contributions, the bureau every contribution and names
whose contribution it reports; a partner sees where the bureau changed its contribution.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.areas import CONTRIBUTION
from koers.plan.plausibility import indicator_areas
from koers.present.charts import UNIT_TITLES
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
    portal: Portal,
    indicator_id: str,
    *,
    error: Exception | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    indicator = indicator_of(portal, indicator_id)
    user, plan = portal.user, portal.plan
    visible = [
        u
        for u in workflow.updates(portal.store, portal.programme, indicator=indicator_id)
        if workflow.may_view(plan, user, u)
    ]
    figures = sorted(
        (o for o in portal.snap.observations if o.indicator == indicator_id),
        key=lambda o: (o.period, o.area),
    )
    bureau = user.role is not workflow.Role.PARTNER
    contributions = sorted(
        (
            o
            for o in portal.snap.breakdowns
            if o.indicator == indicator_id
            and o.dimension == CONTRIBUTION
            and (bureau or o.category == user.partner)
        ),
        key=lambda o: (o.period, o.area, o.category or ""),
    )
    co_reported = workflow.co_reported(plan, indicator)
    areas = set(indicator_areas(plan, indicator))
    default = getattr(indicator.target, "area", None) or plan.programme.area
    return show(
        portal,
        "portal_indicator.html",
        error=error,
        indicator=indicator,
        unit=UNIT_TITLES.get(indicator.unit, indicator.unit.value),
        updates=visible,
        figures=figures,
        contributions=contributions,
        co_reported=co_reported,
        contributors=sorted(workflow.reporters(plan, indicator)) if co_reported and bureau else [],
        corrections=[
            c for c in workflow.corrections(portal.store, plan, user) if c.indicator == indicator_id
        ],
        may_draft=portal.can("draft", indicator=indicator),
        areas=[a for a in plan.areas if a.id in areas],
        typed={"gebied": default, **(typed or {})},
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
    bevestiging: Annotated[str, Form()] = "",
    partner: Annotated[str, Form()] = "",
) -> Response:
    indicator_of(portal, indicator_id)
    typed = {
        "gebied": gebied,
        "periode": periode,
        "waarde": waarde,
        "toelichting": toelichting,
        "bevestiging": bevestiging,
        "partner": partner,
    }
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
            confirmation=bevestiging or None,
            contributor=partner or None,
        )
    except WORKFLOW_ERRORS as error:
        return indicator_page(portal, indicator_id, error=error, typed=typed)
    return done(f"/portaal/updates/{update.id}", "opgesteld")
