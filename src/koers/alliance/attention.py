"""The alliance's attention list: follow-up actions past their due date, and wijken without
a wijkraad conversation in the last 12 months.

"In the last 12 months" counts a conversation held on the same day one year before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from koers import nl
from koers.alliance.places import area_name, plan_wijken
from koers.alliance.records import MeetingRecord
from koers.plan.model import Plan


def year_before(day: date) -> date:
    """The same day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class AttentionItem:
    """One line of the attention list: an overdue action, or a wijk without a conversation."""

    kind: str  # actie / wijkraad
    area: str | None
    area_name: str
    message: str
    action_id: int | None = None
    meeting_id: int | None = None
    owner: str | None = None
    due: date | None = None
    days_overdue: int | None = None
    last_conversation: date | None = None

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("due", "last_conversation"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def attention(meetings: Sequence[MeetingRecord], today: date, plan: Plan) -> list[AttentionItem]:
    """What needs attention on ``today``: follow-up actions past their due date and not
    done (longest overdue first), then the wijken of the plan without a wijkraad
    conversation in the last 12 months (plan order)."""
    held = [m for m in meetings if m.held_on <= today]
    items: list[AttentionItem] = []
    overdue = sorted(
        ((m, a) for m in held for a in m.actions if a.overdue(today)),
        key=lambda pair: (pair[1].due or today, pair[1].id),
    )
    for meeting, action in overdue:
        assert action.due is not None  # overdue implies a due date
        days = (today - action.due).days
        name = area_name(meeting.area, plan)
        items.append(
            AttentionItem(
                kind="actie",
                area=meeting.area,
                area_name=name,
                message=(
                    f"Actie {action.id} ({action.owner}) uit {meeting.kind_label} {name} van "
                    f"{nl.long_date(meeting.held_on)}: '{action.text}' had af moeten zijn op "
                    f"{nl.long_date(action.due)} "
                    f"({days} {'dag' if days == 1 else 'dagen'} verlopen)"
                ),
                action_id=action.id,
                meeting_id=meeting.id,
                owner=action.owner,
                due=action.due,
                days_overdue=days,
            )
        )
    cutoff = year_before(today)
    last = last_wijkraad(held)
    for wijk in plan_wijken(plan, today.year):
        previous = last.get(wijk.id)
        if previous is not None and previous >= cutoff:
            continue
        since = (
            f"laatste gesprek op {nl.long_date(previous)}"
            if previous
            else "nog nooit een gesprek vastgelegd"
        )
        items.append(
            AttentionItem(
                kind="wijkraad",
                area=wijk.id,
                area_name=wijk.name,
                message=(
                    f"{wijk.name}: geen wijkraadgesprek in de laatste 12 maanden ({since}); "
                    f"het plan belooft 1 tot 2 gesprekken per jaar"
                ),
                last_conversation=previous,
            )
        )
    return items


def last_wijkraad(meetings: Iterable[MeetingRecord]) -> dict[str, date]:
    last: dict[str, date] = {}
    for m in meetings:
        if m.kind == "wijkraad" and m.area is not None:
            last[m.area] = max(m.held_on, last.get(m.area, m.held_on))
    return last
