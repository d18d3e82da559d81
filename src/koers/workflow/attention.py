"""What needs attention: the portal's to-do list of a user (:func:`needs_attention`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koers.board.ladders import agreement_ladder, rung_at
from koers.plan.model import Plan
from koers.plan.summary import agreement_rows
from koers.store import Store
from koers.store.accounts import Role, User
from koers.store.updates import State
from koers.workflow.agreements import agreement_states, current_statuses_of
from koers.workflow.drafting import OPEN_STATES, visible_updates
from koers.workflow.roles import partner_agreements


@dataclass(frozen=True)
class Attention:
    """One thing that needs someone's attention, with what it is about."""

    reason: str  # one of ATTENTION_REASONS
    text: str  # Dutch, for the list
    agreement: str | None = None
    update: int | None = None


ATTENTION_REASONS = {
    "verlopen": "Verlopen",
    "teruggestuurd": "Teruggestuurd",
    "te beoordelen": "Wacht op beoordeling",
    "concept": "Concept, nog niet ingediend",
    "niet gerapporteerd": "Nog nooit gerapporteerd",
    "geëscaleerd": "Geëscaleerd",
}


def needs_attention(store: Store, plan: Plan, user: User, today: date) -> list[Attention]:
    """What needs attention, in the order of :data:`ATTENTION_REASONS`: overdue agreements,
    returned updates, submitted ones awaiting the bureau, drafts not submitted, agreements
    never reported, and escalations; for a partner only what its organisation owns."""
    states = agreement_states(store, plan.programme.id)
    mine = (
        {a.id for a in plan.agreements}
        if user.role is Role.BUREAU
        else {a.id for a in partner_agreements(plan, user.partner or "")}
        if user.role is Role.PARTNER
        else set()
    )
    rows = [r for r in agreement_rows(plan, statuses=current_statuses_of(states)) if r.id in mine]
    found: list[Attention] = []
    for row in rows:
        if row.overdue_on(today):
            found.append(
                Attention("verlopen", f"Afspraak {row.id}: gepland voor {row.due}", row.id)
            )
    pending = [u for u in visible_updates(store, plan, user) if u.state in OPEN_STATES]
    for wanted, reason in (
        (State.RETURNED, "teruggestuurd"),
        (State.SUBMITTED, "te beoordelen"),
        (State.DRAFT, "concept"),
    ):
        for u in pending:
            if u.state is wanted:
                subject = (
                    f"afspraak {u.agreement}"
                    if u.agreement
                    else (f"{u.indicator} in {u.area} over {u.period}")
                )
                why = f": {u.reason}" if wanted is State.RETURNED and u.reason else ""
                found.append(
                    Attention(reason, f"Update {u.id} over {subject}{why}", u.agreement, u.id)
                )
    open_agreements = {u.agreement for u in pending if u.agreement}
    for row in rows:
        state = states.get(row.id)
        if (state is None or state.status is None) and row.id not in open_agreements:
            found.append(
                Attention("niet gerapporteerd", f"Afspraak {row.id}: nog geen status", row.id)
            )
    for row in rows:
        state = states.get(row.id)
        rung = rung_at(agreement_ladder(plan, row), state.escalation) if state else None
        if rung is not None:
            shown = f"Afspraak {row.id}: geëscaleerd naar {rung.label}"
            found.append(Attention("geëscaleerd", shown, row.id))
    return found
