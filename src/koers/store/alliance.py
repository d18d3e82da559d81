"""The resident alliance repository: conversations (meetings) and their follow-up actions.

Its records are :class:`koers.alliance.records.MeetingRecord`, ``ActionRecord`` and
``NewMeeting``, defined in the alliance package's pure data module (stdlib only), which the
store may import; the rules for a new conversation or a completed action live in
:mod:`koers.alliance.validation`, not here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, select

from koers.alliance.records import ActionRecord, MeetingRecord, NewMeeting
from koers.store import schema as t


class Alliance:
    """The alliance records of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add_meeting(self, meeting: NewMeeting, *, recorded_at: datetime, recorded_by: str) -> int:
        """Store a conversation with its follow-up actions; its id."""
        inserted = self.c.execute(
            t.alliance_meetings.insert().values(
                programme_id=meeting.programme,
                area_id=meeting.area,
                kind=meeting.kind,
                held_on=meeting.held_on,
                participants=meeting.participants,
                summary=meeting.summary,
                goals=list(meeting.goals),
                recorded_at=recorded_at,
                recorded_by=recorded_by,
            )
        ).inserted_primary_key
        assert inserted is not None
        meeting_id = int(inserted[0])
        if meeting.actions:
            self.c.execute(
                t.alliance_actions.insert(),
                [
                    {
                        "meeting_id": meeting_id,
                        "text": a.text,
                        "owner": a.owner,
                        "due": a.due,
                        "done_on": None,
                    }
                    for a in meeting.actions
                ],
            )
        return meeting_id

    def action(self, action_id: int) -> tuple[ActionRecord, date] | None:
        """An action and the day of the conversation it was agreed in; None when unknown."""
        a, m = t.alliance_actions, t.alliance_meetings
        row = self.c.execute(
            select(a, m.c.held_on).join(m, m.c.id == a.c.meeting_id).where(a.c.id == action_id)
        ).first()
        if row is None:
            return None
        return ActionRecord(row.id, row.meeting_id, row.text, row.owner, row.due, row.done_on), (
            row.held_on
        )

    def complete_action(self, action_id: int, done_on: date) -> None:
        """Mark an action done on ``done_on``."""
        a = t.alliance_actions
        self.c.execute(a.update().where(a.c.id == action_id).values(done_on=done_on))

    def meetings(self, programme: str) -> list[MeetingRecord]:
        """Every recorded conversation of ``programme`` with its actions, oldest first."""
        m, a = t.alliance_meetings, t.alliance_actions
        rows = self.c.execute(
            select(m).where(m.c.programme_id == programme).order_by(m.c.held_on, m.c.id)
        ).all()
        ids = [r.id for r in rows]
        actions: dict[int, list[ActionRecord]] = {i: [] for i in ids}
        if ids:
            for r in self.c.execute(select(a).where(a.c.meeting_id.in_(ids)).order_by(a.c.id)):
                actions[r.meeting_id].append(
                    ActionRecord(r.id, r.meeting_id, r.text, r.owner, r.due, r.done_on)
                )
        return [
            MeetingRecord(
                id=r.id,
                programme=r.programme_id,
                kind=r.kind,
                held_on=r.held_on,
                area=r.area_id,
                participants=r.participants,
                summary=r.summary,
                goals=tuple(r.goals or ()),
                recorded_at=r.recorded_at,
                recorded_by=r.recorded_by,
                actions=tuple(actions[r.id]),
            )
            for r in rows
        ]
