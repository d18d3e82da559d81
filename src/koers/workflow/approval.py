"""Approval: the bureau approves, corrects or returns a submitted update.

Only approved updates count. Approving a status sets the agreement's state
(:func:`koers.workflow.agreements.set_state`). Approving an output value imports it as a
batch of format :data:`PORTAL_FORMAT` (one batch per approval) through the store's
observations repository, inside the approval's transaction, so both land or neither does;
history, revisions and ``koers import undo`` work as for files. A value of a co-reported
indicator is the partner's contribution (breakdown ``partner=<id>``): approving it revises
that contribution only, and the published total is formed from all of them. An undone batch
leaves its update approved; the value stops counting, as for a file. A value of a closed year is
approved only by :func:`correct`, with a reason the audit log keeps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from koers.areas.values import Observation
from koers.plan.period import period_year
from koers.store import Store, StoreError, Transaction
from koers.store.accounts import User
from koers.store.base import digest
from koers.store.updates import Kind, State, Update
from koers.workflow.agreements import set_state
from koers.workflow.common import Clock, text, utc_now
from koers.workflow.contributions import figure_of
from koers.workflow.drafting import Change, changing, in_state
from koers.workflow.periods import closed_year

PORTAL_FORMAT = "portal"  # the format of the batches approved output values become


def approve(
    store: Store, update_id: int, user: User, version: int, *, clock: Clock = utc_now
) -> Update:
    """Accept a submitted update: a status becomes the agreement's, a value an observation
    (a batch of format ``portal``). A value of a closed year needs :func:`correct`."""
    with changing(store, update_id, user, version, "approve", clock) as change:
        before = change.before
        in_state(before, State.SUBMITTED, doing="goedkeuren")
        if before.kind is Kind.OUTPUT:
            assert before.period is not None
            year = closed_year(change.tx, before.programme, before.period)
            if year is not None:
                raise StoreError(
                    f"het jaar {year} is afgesloten; een waarde over {before.period} "
                    f"verandert alleen met een correctie door het programmabureau, met een reden"
                )
        return _decide(change, "approve", None)


def correct(
    store: Store, update_id: int, user: User, version: int, reason: str, *, clock: Clock = utc_now
) -> Update:
    """Accept a submitted value of a closed year: the bureau's logged correction."""
    why = text(reason, "de reden van de correctie", required=True)
    with changing(store, update_id, user, version, "correct", clock) as change:
        before = change.before
        in_state(before, State.SUBMITTED, doing="corrigeren")
        if before.kind is not Kind.OUTPUT:
            raise StoreError("alleen outputwaarden van een afgesloten jaar worden gecorrigeerd")
        assert before.period is not None
        if closed_year(change.tx, before.programme, before.period) is None:
            year = period_year(before.period)
            raise StoreError(f"het jaar {year} is niet afgesloten; keur de update gewoon goed")
        return _decide(change, "correct", why)


def return_update(
    store: Store, update_id: int, user: User, version: int, reason: str, *, clock: Clock = utc_now
) -> Update:
    """Send a submitted update back to its partner, saying why; it does not count."""
    why = text(reason, "de reden van terugsturen", required=True)
    with changing(store, update_id, user, version, "return", clock) as change:
        in_state(change.before, State.SUBMITTED, doing="terugsturen")
        values = {
            "state": State.RETURNED,
            "reason": why,
            "decided_at": clock(),
            "decided_by": change.actor.username,
        }
        return change.save("return", values, why)


def _decide(change: Change, action: str, reason: str | None) -> Update:
    """Approve (or correct) a submitted update: it counts from now on."""
    update, actor = change.before, change.actor
    now = change.clock()
    values: dict[str, Any] = {
        "state": State.APPROVED,
        "open_key": None,
        "decided_at": now,
        "decided_by": actor.username,
    }
    if reason is not None:
        values["reason"] = reason
    if update.kind is Kind.STATUS:
        assert update.agreement is not None and update.status is not None
        set_state(
            change.tx,
            change.plan,
            update.agreement,
            actor,
            {"status": update.status, "update": update.id},
            action="status",
            reason=None,
            at=now,
        )
    else:
        values["batch"] = _import(change.tx, update, actor, reason, now)
    return change.save(action, values, reason)


def _import(tx: Transaction, update: Update, actor: User, reason: str | None, now: datetime) -> str:
    """Import an approved value as its own batch; audit the figure it replaces (of a
    co-reported indicator: the same partner's contribution, never another's)."""
    observation = figure_of(update)
    previous = next(
        (
            o
            for o in tx.observations.current_at(
                update.programme, observation.indicator, observation.area, observation.period
            )
            if o.key == observation.key
        ),
        None,
    )
    correction = "correctie " if reason is not None else ""
    result = tx.observations.add_batch(
        update.programme,
        [observation],
        source_name=f"partnerportaal: {correction}update {update.id}",
        checksum=digest({"portal_update": update.id, "version": update.version}),
        format=PORTAL_FORMAT,
        user=actor.username,
    )

    def figure(obs: Observation | None, batch: str | None) -> dict[str, Any] | None:
        if obs is None:
            return None
        return {
            "value": obs.value,
            "status": obs.status,
            "source": obs.source,
            "batch": batch,
            "contributor": obs.category,
            "confirmation": obs.confirmation,
        }

    tx.audit.append(
        update.programme,
        actor.username,
        "value",
        "observation",
        "|".join(part for part in observation.key if part),
        figure(previous, previous.batch if previous else None),
        figure(observation, result.batch),
        reason,
        at=now,
    )
    return result.batch
