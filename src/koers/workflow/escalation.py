"""Escalation of agreements: one rung at a time up the agreement's ladder, and back to none.

Each agreement climbs the ladder its plan gives its pillar (:func:`koers.board.
agreement_ladder`): the pillar's levels of bodies, lowest first, then the body where its
escalations end (the board, or the body the pillar names accountable). An agreement starts
unescalated; :func:`escalate` moves it to the next rung only, :func:`deescalate` back to
unescalated; each needs a reason. The store keeps the rung's position; a position above a
ladder the plan has since shortened reads as its top rung. Bureau only: partners signal
trouble with the status (risico, vertraagd) and its note.
"""

from __future__ import annotations

from collections.abc import Sequence

from koers.board.ladders import Rung, agreement_ladder, rung_at
from koers.plan.model import Plan
from koers.store import Store, StoreError
from koers.store.accounts import User
from koers.store.updates import AgreementState
from koers.workflow.agreements import agreement_states, set_state
from koers.workflow.common import Clock, acting, agreement_of, text, utc_now
from koers.workflow.roles import require


def ladder_of(plan: Plan, agreement: str) -> list[Rung]:
    """The rungs agreement ``agreement`` of the plan escalates up, lowest first."""
    return agreement_ladder(plan, agreement_of(plan, agreement))


def escalated_rung(plan: Plan, state: AgreementState) -> Rung | None:
    """The rung an agreement's state is escalated to; None when it is not escalated."""
    if state.escalation is None:
        return None
    return rung_at(ladder_of(plan, state.agreement), state.escalation)


def next_rung(plan: Plan, state: AgreementState) -> Rung | None:
    """The rung an agreement would escalate to next; None at the top of its ladder."""
    ladder = ladder_of(plan, state.agreement)
    current = rung_at(ladder, state.escalation)
    position = 0 if current is None else current.position
    return ladder[position] if position < len(ladder) else None


def escalations(store: Store, programme: str) -> dict[str, Rung]:
    """Agreement id → the rung it is escalated to (for the board agenda: the top rung)."""
    plan = store.plan(programme)
    found: dict[str, Rung] = {}
    for agreement, state in agreement_states(store, programme).items():
        if state.escalation is None or agreement not in {a.id for a in plan.agreements}:
            continue
        rung = escalated_rung(plan, state)
        if rung is not None:
            found[agreement] = rung
    return found


def at_top(plan: Plan, agreement: str, rung: Rung) -> bool:
    """Whether ``rung`` is the top of the agreement's ladder (where its escalations end)."""
    return rung.position == len(ladder_of(plan, agreement))


def _shown(pillar_name: str | None, ladder: Sequence[Rung]) -> str:
    of = f"de ladder van {pillar_name}" if pillar_name else "de ladder"
    return f"{of} is {' → '.join(r.label for r in ladder)}"


def escalate(
    store: Store,
    programme: str,
    agreement: str,
    user: User,
    rung: int | str,
    reason: str,
    *,
    version: int | None = None,
    clock: Clock = utc_now,
) -> AgreementState:
    """Escalate an agreement to ``rung`` — its position on the agreement's ladder (1 = the
    lowest) or its key (the id of its first body) — with a reason. Only the next rung is
    accepted; the refusal names the ladder."""
    plan = store.plan(programme)
    item = agreement_of(plan, agreement)
    ladder = agreement_ladder(plan, item)
    try:
        pillar_name: str | None = plan.pillar(item.pillar).name if item.pillar else None
    except KeyError:
        pillar_name = None
    wanted = next(
        (r for r in ladder if (r.position == rung if isinstance(rung, int) else r.key == rung)),
        None,
    )
    if wanted is None:
        raise StoreError(f"onbekende escalatietrede '{rung}'; {_shown(pillar_name, ladder)}")
    why = text(reason, "de reden van escalatie", required=True)
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "escalate", agreement=item, plan=plan)
        current = rung_at(ladder, tx.updates.state(programme, agreement).escalation)
        position = 0 if current is None else current.position
        if position == len(ladder):
            assert current is not None
            raise StoreError(
                f"afspraak {agreement} staat al op de hoogste trede ({current.label}); "
                f"{_shown(pillar_name, ladder)}"
            )
        expected = ladder[position]
        if wanted is not expected:
            now = f"staat nu op {current.label}" if current else "is nog niet geëscaleerd"
            raise StoreError(
                f"afspraak {agreement} {now}; de volgende trede is {expected.label}, "
                f"niet {wanted.label}; {_shown(pillar_name, ladder)}"
            )
        return set_state(
            tx,
            plan,
            agreement,
            actor,
            {"escalation": wanted.position},
            action="escalate",
            reason=why,
            at=clock(),
            version=version,
        )


def deescalate(
    store: Store,
    programme: str,
    agreement: str,
    user: User,
    reason: str,
    *,
    version: int | None = None,
    clock: Clock = utc_now,
) -> AgreementState:
    """End an agreement's escalation (resolved), with a reason."""
    plan = store.plan(programme)
    item = agreement_of(plan, agreement)
    why = text(reason, "de reden", required=True)
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "escalate", agreement=item, plan=plan)
        if tx.updates.state(programme, agreement).escalation is None:
            raise StoreError(f"afspraak {agreement} is niet geëscaleerd")
        return set_state(
            tx,
            plan,
            agreement,
            actor,
            {"escalation": None},
            action="deescalate",
            reason=why,
            at=clock(),
            version=version,
        )
