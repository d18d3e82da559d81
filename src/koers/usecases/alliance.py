"""Recording and reading the resident alliance's conversations through the store
(``koers alliance``): the pure checks of :mod:`koers.alliance.validation`, then one
transaction. Bad input is refused (:class:`koers.store.StoreError`, with a message that names
the field) before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from koers.alliance.records import ActionRecord, MeetingRecord, NewAction
from koers.alliance.validation import AllianceRefused, check_completion, new_meeting
from koers.store import Store, StoreError
from koers.store.base import current_user


def record_meeting(
    store: Store,
    programme: str,
    *,
    kind: str,
    held_on: date,
    area: str | None,
    participants: str | None,
    summary: str,
    goals: Sequence[str],
    actions: Sequence[NewAction],
    user: str | None = None,
    today: date | None = None,
) -> int:
    """Store a conversation with its follow-up actions in one transaction; its id.

    Refuses what :func:`koers.alliance.validation.new_meeting` refuses, and a programme the
    store does not hold.
    """
    plan = store.plan(programme)
    try:
        meeting = new_meeting(
            plan,
            kind=kind,
            held_on=held_on,
            area=area,
            participants=participants,
            summary=summary,
            goals=goals,
            actions=actions,
            today=today or date.today(),
        )
    except AllianceRefused as refused:
        raise StoreError(str(refused)) from None
    with store.transaction() as tx:
        return tx.alliance.add_meeting(
            meeting, recorded_at=datetime.now(UTC), recorded_by=user or current_user()
        )


def complete_action(store: Store, action_id: int, done_on: date) -> ActionRecord:
    """Mark a follow-up action done on ``done_on``; the updated action.

    Refuses an unknown action, one that is already done, and a date before the
    conversation it came from.
    """
    with store.transaction() as tx:
        found = tx.alliance.action(action_id)
        if found is None:
            raise StoreError(f"actie {action_id} bestaat niet; zie 'koers alliance list'")
        action, held_on = found
        try:
            check_completion(action, held_on, done_on)
        except AllianceRefused as refused:
            raise StoreError(str(refused)) from None
        tx.alliance.complete_action(action_id, done_on)
    return ActionRecord(
        action.id, action.meeting_id, action.text, action.owner, action.due, done_on
    )


def meetings(store: Store, programme: str) -> list[MeetingRecord]:
    """Every recorded conversation of the programme with its actions, oldest first."""
    with store.transaction() as tx:
        return tx.alliance.meetings(programme)
