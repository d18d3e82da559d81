"""Why a partner has nothing to report, read from the plan (:func:`without_duties`).

A partner reports on the agreements it owns and the output indicators it reports
(:func:`~koers.workflow.roles.partner_agreements`, :func:`~koers.workflow.roles.
partner_indicators`, the owners/reporters rule of :func:`koers.plan.passport.reporters`).
Many partners of a programme own nothing: the NPRZ plan names school boards as partners
while their agreements belong to the collective "Scholen" or "Schoolbesturen". Such a
partner's portal would be empty; instead it says what the plan does name it in (an
agreement or an intervention as co-partner) and who holds the agreements of its sector:
the organisations the plan names that are not among the programme's own partners
(``signatory: false``, such as a collective). Nothing is guessed beyond what the plan states.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.plan.model import Agreement, Intervention, Partner, Plan
from koers.workflow.roles import partner_agreements, partner_indicators


@dataclass(frozen=True)
class NoDuties:
    """What the plan says about a partner that reports on nothing."""

    partner: Partner
    co_partner_of: list[Agreement]  # agreements naming it as a co-partner, not an owner
    interventions: list[Intervention]  # interventions naming it (none with a value to report)
    sector_owners: list[tuple[Partner, list[Agreement]]]  # who holds its sector's agreements


def without_duties(plan: Plan, partner_id: str) -> NoDuties | None:
    """Why ``partner_id`` has nothing to report; None when it owns an agreement or reports
    an indicator (or is not a partner of the plan)."""
    partner = next((p for p in plan.partners if p.id == partner_id), None)
    if partner is None or partner_agreements(plan, partner_id):
        return None
    if partner_indicators(plan, partner_id):
        return None
    holders = {p.id: p for p in plan.partners if not p.signatory and p.sector == partner.sector}
    owned: dict[str, list[Agreement]] = {}
    for agreement in plan.agreements:
        for owner in agreement.owners:
            if owner in holders:
                owned.setdefault(owner, []).append(agreement)
    return NoDuties(
        partner=partner,
        co_partner_of=[a for a in plan.agreements if partner_id in a.partners],
        interventions=[i for i in plan.interventions if partner_id in i.partners],
        sector_owners=[(holders[o], items) for o, items in owned.items()],
    )
