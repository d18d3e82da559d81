"""Why a partner has nothing to report, read from the plan (:func:`without_duties`).

A partner reports on the agreements it owns and the output indicators it reports
(:func:`~koers.workflow.roles.partner_agreements`, :func:`~koers.workflow.roles.
partner_indicators`, the owners/reporters rule of :func:`koers.plan.passport.reporters`).
Many partners of a programme own nothing: the NPRZ plan names school boards as partners
while their agreements belong to the collective "Scholen" or "Schoolbesturen". Such a
partner's portal would be empty; instead it says what the plan does name it in (an
agreement or an intervention as co-partner) and, per group whose agreements concern it
(:class:`GroupDuty`), whose agreements they are and who reports on them:

- a collective the partner is a member of (``members``: the Driehoek of gemeente, politie
  and OM; the corporaties on Zuid);
- a collective without members of its own when the partner is one of the programme's own
  partners (``signatory``): "the NPRZ partners together";
- an organisation the plan names without members (``signatory: false``, not a collective:
  "Scholen", "Schoolbesturen") in the partner's sector: the plan gives no closer link, so
  the page lists these apart and says that the link is only the sector.

Who reports is what the plan's agreements name in ``reporters``; where they name nobody,
the page says so (the bureau reports then). Nothing is guessed beyond what the plan states.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.plan.model import Agreement, Intervention, Partner, Plan
from koers.workflow.roles import partner_agreements, partner_indicators

MEMBER, ALL_PARTNERS, SECTOR = "lid", "alle partners", "sector"
"""How a partner belongs to a group that holds agreements (:attr:`GroupDuty.link`)."""


@dataclass(frozen=True)
class GroupDuty:
    """A group whose agreements concern a partner: how it belongs to it, the agreements
    the group holds, and the partners the plan names to report on them (none: nobody)."""

    holder: Partner
    link: str  # MEMBER, ALL_PARTNERS or SECTOR
    agreements: list[Agreement]
    reporters: list[Partner]


@dataclass(frozen=True)
class NoDuties:
    """What the plan says about a partner that reports on nothing."""

    partner: Partner
    co_partner_of: list[Agreement]  # agreements naming it as a co-partner, not an owner
    interventions: list[Intervention]  # interventions naming it (none with a value to report)
    groups: list[GroupDuty]  # the groups whose agreements concern it, and who reports


def _link(holder: Partner, partner: Partner) -> str | None:
    """How ``partner`` belongs to ``holder`` (see the module doc), or None."""
    if holder.id == partner.id or holder.signatory:
        return None
    if holder.collective:
        if holder.members:
            return MEMBER if partner.id in holder.members else None
        return ALL_PARTNERS if partner.signatory else None
    return SECTOR if holder.sector == partner.sector else None


def without_duties(plan: Plan, partner_id: str) -> NoDuties | None:
    """Why ``partner_id`` has nothing to report; None when it owns an agreement or reports
    an indicator (or is not a partner of the plan)."""
    partner = next((p for p in plan.partners if p.id == partner_id), None)
    if partner is None or partner_agreements(plan, partner_id):
        return None
    if partner_indicators(plan, partner_id):
        return None
    partners = {p.id: p for p in plan.partners}
    groups = []
    for holder in plan.partners:
        link = _link(holder, partner)
        if link is None:
            continue
        held = [a for a in plan.agreements if holder.id in a.owners and a.is_commitment]
        if not held:
            continue
        named = dict.fromkeys(r for a in held for r in a.reporters if r in partners)
        groups.append(GroupDuty(holder, link, held, [partners[r] for r in named]))
    order = (MEMBER, ALL_PARTNERS, SECTOR)
    groups.sort(key=lambda g: (order.index(g.link), g.holder.name.lower()))
    return NoDuties(
        partner=partner,
        co_partner_of=[a for a in plan.agreements if partner_id in a.partners],
        interventions=[i for i in plan.interventions if partner_id in i.partners],
        groups=groups,
    )
