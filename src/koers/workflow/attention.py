"""What needs attention: the portal's work queue of a user (:func:`needs_attention`), grouped
by what needs doing (:data:`ATTENTION_REASONS`, in the order the bureau works through them)
and filterable by pillar, partner and kind (:func:`queue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koers.board.ladders import agreement_ladder, rung_at
from koers.plan.model import Plan
from koers.plan.passport import reporters
from koers.plan.summary import agreement_rows
from koers.store import Store
from koers.store.accounts import Role, User
from koers.store.updates import Kind, State
from koers.workflow.agreements import agreement_states, current_statuses_of
from koers.workflow.drafting import OPEN_STATES, visible_updates
from koers.workflow.roles import partner_agreements

AGREEMENT, VALUE = "afspraak", "waarde"  # the kinds of work: an agreement's status, a value


@dataclass(frozen=True)
class Attention:
    """One thing that needs someone's attention, with what it is about: its agreement or
    update, and for filtering its pillar, the partners concerned and its kind."""

    reason: str  # one of ATTENTION_REASONS
    text: str  # Dutch, for the list
    agreement: str | None = None
    update: int | None = None
    pillar: str | None = None
    partners: tuple[str, ...] = ()
    kind: str = AGREEMENT  # AGREEMENT or VALUE


# the groups of the queue, in the order they are worked through: what waits for the
# bureau first, what has run late or was never reported last
ATTENTION_REASONS = {
    "te beoordelen": "Te beoordelen",
    "geëscaleerd": "Geëscaleerd",
    "teruggestuurd": "Teruggestuurd",
    "verlopen": "Te laat",
    "concept": "Concept, nog niet ingediend",
    "niet gerapporteerd": "Nooit gerapporteerd",
}


def needs_attention(store: Store, plan: Plan, user: User, today: date) -> list[Attention]:
    """What needs attention, in the order of :data:`ATTENTION_REASONS`: submitted updates
    awaiting the bureau, escalations, returned updates, overdue agreements, drafts not
    submitted, and agreements never reported; for a partner only what it reports on."""
    states = agreement_states(store, plan.programme.id)
    mine = (
        {a.id for a in plan.agreements}
        if user.role is Role.BUREAU
        else {a.id for a in partner_agreements(plan, user.partner or "")}
        if user.role is Role.PARTNER
        else set()
    )
    rows = [r for r in agreement_rows(plan, statuses=current_statuses_of(states)) if r.id in mine]
    owners = {a.id: tuple(a.owners) for a in plan.agreements}
    found: dict[str, list[Attention]] = {reason: [] for reason in ATTENTION_REASONS}

    def about_agreement(reason: str, agreement: str, pillar: str | None, text: str) -> None:
        item = Attention(reason, text, agreement, None, pillar, owners.get(agreement, ()))
        found[reason].append(item)

    pending = [u for u in visible_updates(store, plan, user) if u.state in OPEN_STATES]
    by_state = {
        State.SUBMITTED: "te beoordelen",
        State.RETURNED: "teruggestuurd",
        State.DRAFT: "concept",
    }
    for u in pending:
        reason = by_state[u.state]
        if u.agreement:
            agreement = next(a for a in plan.agreements if a.id == u.agreement)
            subject, pillar, partners = (
                f"afspraak {u.agreement}",
                agreement.pillar,
                owners[u.agreement],
            )
        else:
            indicator = plan.indicator(u.indicator or "")
            area = next((a.name for a in plan.areas if a.id == u.area), u.area)
            subject = f"{u.indicator} in {area} over {u.period}"
            pillar = indicator.pillar
            partners = (
                (u.contributor,) if u.contributor else tuple(sorted(reporters(plan, indicator)))
            )
        why = f": {u.reason}" if u.state is State.RETURNED and u.reason else ""
        kind = AGREEMENT if u.kind is Kind.STATUS else VALUE
        text = f"Update {u.id} over {subject}{why}"
        found[reason].append(Attention(reason, text, u.agreement, u.id, pillar, partners, kind))
    open_agreements = {u.agreement for u in pending if u.agreement}
    for row in rows:
        state = states.get(row.id)
        rung = rung_at(agreement_ladder(plan, row), state.escalation) if state else None
        if rung is not None:
            text = f"Afspraak {row.id}: geëscaleerd naar {rung.label}"
            about_agreement("geëscaleerd", row.id, row.pillar, text)
        if row.overdue_on(today):
            about_agreement(
                "verlopen", row.id, row.pillar, f"Afspraak {row.id}: gepland voor {row.due}"
            )
        if (state is None or state.status is None) and row.id not in open_agreements:
            about_agreement(
                "niet gerapporteerd", row.id, row.pillar, f"Afspraak {row.id}: nog geen status"
            )
    return [item for reason in ATTENTION_REASONS for item in found[reason]]


def queue(
    items: list[Attention],
    *,
    pillar: str | None = None,
    partner: str | None = None,
    kind: str | None = None,
) -> dict[str, list[Attention]]:
    """The items that pass the filters, by group in the order of :data:`ATTENTION_REASONS`
    (every group present, empty or not, so the counts can show a zero)."""
    groups: dict[str, list[Attention]] = {reason: [] for reason in ATTENTION_REASONS}
    for item in items:
        if pillar and item.pillar != pillar:
            continue
        if partner and partner not in item.partners:
            continue
        if kind and item.kind != kind:
            continue
        groups[item.reason].append(item)
    return groups
