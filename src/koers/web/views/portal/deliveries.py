"""Data delivery in the portal (``/portaal/bronnen``): for the bureau every indicator, for a
partner the figures its organisation delivers — the latest figure, when the year's figure
is expected, and whether it is in, late or without a source
(:func:`koers.programme.deliveries.deliveries`, the same judgement as ``koers bronnen``)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.programme.deliveries import DELIVERY_STATES
from koers.web.views.portal.shared import PortalDep, require_role, show

router = APIRouter(include_in_schema=False)


@router.get("/portaal/bronnen", response_class=HTMLResponse)
def deliveries_view(
    portal: PortalDep,
    jaar: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> Response:
    """The bureau sees every indicator; a partner only what its organisation delivers."""
    require_role(portal, workflow.Role.BUREAU, workflow.Role.PARTNER)
    year = jaar or portal.snap.today.year - 1
    partner = portal.user.partner if portal.user.role is workflow.Role.PARTNER else None
    rows = portal.snap.deliveries(year, partner=partner)
    counts = Counter(r.state for r in rows)
    return show(
        portal,
        "portal_deliveries.html",
        year=year,
        rows=rows,
        counts=[(s, counts[s]) for s in DELIVERY_STATES if counts[s]],
        partner=partner,
        when=nl.long_date,
    )
