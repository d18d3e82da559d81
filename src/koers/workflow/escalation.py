"""Escalation of agreements: one rung at a time up :data:`LADDER`, and back to none.

Escalation climbs :data:`LADDER` one rung at a time (uitvoeringsoverleg → strategisch overleg
→ bestuurlijk overleg/bestuur); an agreement starts unescalated; each step and
:func:`deescalate` (back to unescalated) needs a reason. Bureau only: partners signal trouble
with the status (risico, vertraagd) and its note.
"""

from __future__ import annotations

from koers.store import Store, StoreError
from koers.store.accounts import User
from koers.store.updates import AgreementState, Escalation
from koers.workflow.agreements import agreement_states, set_state
from koers.workflow.common import Clock, acting, agreement_of, text, utc_now
from koers.workflow.roles import require

LADDER: tuple[Escalation, ...] = tuple(Escalation)


def escalations(store: Store, programme: str) -> dict[str, Escalation]:
    """Agreement id → the rung it is escalated to (for the board agenda: the top rung)."""
    return {
        a: s.escalation
        for a, s in agreement_states(store, programme).items()
        if s.escalation is not None
    }


def escalate(
    store: Store,
    programme: str,
    agreement: str,
    user: User,
    level: str | Escalation,
    reason: str,
    *,
    version: int | None = None,
    clock: Clock = utc_now,
) -> AgreementState:
    """Escalate an agreement to ``level``, the next rung of :data:`LADDER`, with a reason."""
    plan = store.plan(programme)
    item = agreement_of(plan, agreement)
    try:
        rung = Escalation(level)
    except ValueError:
        raise StoreError(
            f"onbekende escalatietrede '{level}'; de ladder is {' → '.join(LADDER)}"
        ) from None
    why = text(reason, "de reden van escalatie", required=True)
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "escalate", agreement=item, plan=plan)
        current = tx.updates.state(programme, agreement).escalation
        position = -1 if current is None else LADDER.index(current)
        if position == len(LADDER) - 1:
            raise StoreError(f"afspraak {agreement} staat al op de hoogste trede ({current})")
        expected = LADDER[position + 1]
        if rung is not expected:
            now = f"staat nu op {current}" if current else "is nog niet geëscaleerd"
            raise StoreError(
                f"afspraak {agreement} {now}; de volgende trede is {expected}, niet {rung}"
            )
        return set_state(
            tx,
            programme,
            agreement,
            actor,
            {"escalation": rung},
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
            programme,
            agreement,
            actor,
            {"escalation": None},
            action="deescalate",
            reason=why,
            at=clock(),
            version=version,
        )
