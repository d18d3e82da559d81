"""The portal's home page: the user's work queue, and (partners) what their organisation
reports on and where the bureau changed one of its contributions.

The queue (:func:`koers.workflow.needs_attention`) is grouped by what needs doing, in the
order it is worked through: te beoordelen, geëscaleerd, teruggestuurd, te laat, concept,
nooit gerapporteerd, with the count of each group at the top; the bureau filters it by pillar,
partner and kind (:func:`koers.workflow.queue`). A partner with nothing to report is told why,
from the plan (:func:`koers.workflow.without_duties`), and what it can do.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.web.views.portal.shared import PortalDep, show

router = APIRouter(include_in_schema=False)
LONG = 12  # a group with more items opens on request
KINDS = {"afspraak": "status van een afspraak", "waarde": "waarde van een indicator"}


@router.get("/portaal", response_class=HTMLResponse)
def home(
    portal: PortalDep,
    pijler: str | None = None,
    partner: str | None = None,
    soort: str | None = None,
) -> Response:
    user, plan = portal.user, portal.plan
    is_partner = user.role is workflow.Role.PARTNER
    attention = workflow.needs_attention(portal.store, plan, user, portal.snap.today)
    chosen = {"pijler": pijler or "", "partner": partner or "", "soort": soort or ""}
    groups = workflow.queue(attention, pillar=pijler, partner=partner, kind=soort)
    concerned = {p for item in attention for p in item.partners}
    return show(
        portal,
        "portal_home.html",
        groups=groups,
        total=sum(len(items) for items in groups.values()),
        attention_labels=workflow.ATTENTION_REASONS,
        long=LONG,
        chosen=chosen,
        filtered=any(chosen.values()),
        pillars=portal.snap.ordered_pillars(),
        filter_partners=sorted(
            (p for p in plan.partners if p.id in concerned), key=lambda p: p.name.lower()
        ),
        kinds=KINDS,
        agreements=workflow.partner_agreements(plan, user.partner or "") if is_partner else [],
        indicators=workflow.partner_indicators(plan, user.partner or "") if is_partner else [],
        no_duties=workflow.without_duties(plan, user.partner or "") if is_partner else None,
        statuses=workflow.current_statuses_of(portal.snap.agreement_states),
        corrections=workflow.corrections(portal.store, plan, user),
        decimals={i.id: i.decimals for i in plan.indicators},
    )
