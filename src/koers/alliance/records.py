"""The resident alliance's records: conversations (meetings) with their follow-up actions.

A pure data module (stdlib only). The mechanism computes with these records and the store's
alliance repository (:class:`koers.store.alliance.Alliance`) reads and writes them; the
store imports this module, never the alliance logic, so the records live here rather than
in the store. An action is done from its ``done_on`` day on; it is overdue the day after its
due date while not done.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

KINDS: dict[str, str] = {
    "wijkraad": "wijkraadgesprek",
    "burgerberaad": "burgerberaad",
    "burgertop": "burgertop",
    "initiatief": "bewonersinitiatief",
}


@dataclass(frozen=True)
class NewAction:
    """A follow-up action agreed in a conversation."""

    text: str
    owner: str
    due: date


@dataclass(frozen=True)
class ActionRecord:
    id: int
    meeting_id: int
    text: str
    owner: str
    due: date | None
    done_on: date | None

    def done(self, today: date) -> bool:
        return self.done_on is not None and self.done_on <= today

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today and not self.done(today)

    def state(self, today: date) -> str:
        """``afgerond``, ``verlopen`` or ``open`` on ``today``."""
        if self.done(today):
            return "afgerond"
        return "verlopen" if self.overdue(today) else "open"

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        data["done_on"] = self.done_on.isoformat() if self.done_on else None
        return data


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    programme: str
    kind: str
    held_on: date
    area: str | None
    participants: str | None
    summary: str
    goals: tuple[str, ...]
    recorded_at: datetime
    recorded_by: str | None
    actions: tuple[ActionRecord, ...] = ()

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "programme": self.programme,
            "kind": self.kind,
            "held_on": self.held_on.isoformat(),
            "area": self.area,
            "participants": self.participants,
            "summary": self.summary,
            "goals": list(self.goals),
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "actions": [a.record() for a in self.actions],
        }


@dataclass(frozen=True)
class NewMeeting:
    """A conversation as it will be stored: checked against the plan, texts trimmed."""

    programme: str
    kind: str
    held_on: date
    area: str | None
    participants: str | None
    summary: str
    goals: tuple[str, ...]
    actions: tuple[NewAction, ...]
