"""Agreements: the approved status and escalation of each, and their public history.

Approving a status update sets the agreement's state (:func:`set_state`); so does each step
on the escalation ladder (:mod:`koers.workflow.escalation`). A state carries a ``version``
for optimistic locking; every change is audited with the state before and after, its
escalation as the label of the plan's rung (``escalation``) and its position
(``escalation_level``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from koers.board.ladders import agreement_ladder, rung_at
from koers.plan.model import Plan
from koers.store import Store, Transaction
from koers.store.accounts import User
from koers.store.updates import AgreementState
from koers.workflow.audit import audit_log


def set_state(
    tx: Transaction,
    plan: Plan,
    agreement: str,
    actor: User,
    values: Mapping[str, Any],
    *,
    action: str,
    reason: str | None,
    at: datetime,
    version: int | None = None,
) -> AgreementState:
    """Change an agreement's state (created at its first change); audited."""
    programme = plan.programme.id
    before = tx.updates.state(programme, agreement)
    after = tx.updates.set_state(
        programme, agreement, values, version=version, by=actor.username, at=at
    )
    tx.audit.append(
        programme,
        actor.username,
        action,
        "agreement",
        agreement,
        audited(plan, before) if before.version else None,
        audited(plan, after),
        reason,
        at=at,
    )
    return after


def audited(plan: Plan, state: AgreementState) -> dict[str, Any]:
    """What the audit log keeps of a state: the rung escalated to by the plan's label."""
    level = state.escalation
    rung = None
    if level is not None:
        item = next((a for a in plan.agreements if a.id == state.agreement), None)
        if item is not None:
            rung = rung_at(agreement_ladder(plan, item), level)
    record = state.record()
    return {
        "status": record["status"],
        "escalation": rung.label if rung is not None else None,
        "escalation_level": level,
        **{k: v for k, v in record.items() if k not in ("status", "escalation")},
    }


def agreement_states(store: Store, programme: str) -> dict[str, AgreementState]:
    """Every agreement that has a state (an approved status or an escalation)."""
    with store.transaction() as tx:
        return tx.updates.states(programme)


def agreement_state(store: Store, programme: str, agreement: str) -> AgreementState:
    """The agreement's state; version 0 and nothing set when it has none yet."""
    with store.transaction() as tx:
        return tx.updates.state(programme, agreement)


def current_statuses(store: Store, programme: str) -> dict[str, str]:
    """Agreement id → its last approved status (for ``agreement_rows(statuses=...)``)."""
    return current_statuses_of(agreement_states(store, programme))


def current_statuses_of(states: Mapping[str, AgreementState]) -> dict[str, str]:
    return {a: s.status.value for a, s in states.items() if s.status is not None}


def public_history(store: Store, programme: str, agreement: str) -> list[tuple[datetime, str]]:
    """What anyone may see of an agreement's history: each approved status and each step
    on the escalation ladder, with its moment; not the notes, reasons or names behind them."""
    shown: list[tuple[datetime, str]] = []
    for entry in audit_log(store, programme, subject="agreement", subject_id=agreement):
        before, after = entry.before or {}, entry.after or {}
        if after.get("status") and after.get("status") != before.get("status"):
            shown.append((entry.at, f"status {after['status']}"))
        if after.get("escalation") != before.get("escalation"):
            rung = after.get("escalation")
            shown.append((entry.at, f"geëscaleerd naar {rung}" if rung else "escalatie beëindigd"))
    return shown
