"""The alliance's section of the yearly report: per wijk the wijkraad conversations and the
promise of 1-2 a year, the actions and how many are done, the resident initiatives with the
goals they serve, the burgerberaden and burgertoppen, and the attention list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from koers import nl
from koers.alliance.attention import AttentionItem, attention, last_wijkraad
from koers.alliance.places import area_name, goal_names, plan_wijken, wijk_of
from koers.alliance.records import KINDS, ActionRecord, MeetingRecord
from koers.plan.model import Plan


@dataclass(frozen=True)
class Goal:
    id: str
    name: str


@dataclass(frozen=True)
class ActionView:
    id: int
    text: str
    owner: str
    due: date | None
    due_text: str
    done_on: date | None
    done_text: str
    state: str  # afgerond / open / verlopen
    status_class: str  # groen / oranje / rood: for the report's status classes


@dataclass(frozen=True)
class MeetingView:
    id: int
    kind: str
    kind_label: str
    held_on: date
    date_text: str
    area: str | None
    area_name: str
    participants: str | None
    summary: str
    goals: tuple[Goal, ...]
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class ActionCounts:
    agreed: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class WijkAlliance:
    id: str
    name: str
    conversations: tuple[MeetingView, ...]  # wijkraad conversations of the year
    other: tuple[MeetingView, ...]  # initiatives, burgerberaden in the wijk that year
    actions: ActionCounts  # of every meeting in the wijk that year
    last_conversation: date | None
    last_text: str
    status: str  # groen / oranje / rood
    status_text: str


@dataclass(frozen=True)
class GoalCount:
    id: str
    name: str
    initiatives: int


@dataclass(frozen=True)
class AllianceSummary:
    year: int
    as_of: date
    as_of_text: str
    wijken: tuple[WijkAlliance, ...]
    initiatives: tuple[MeetingView, ...]
    goals: tuple[GoalCount, ...]  # goals served by the year's initiatives, most first
    councils: tuple[MeetingView, ...]  # burgerberaden and burgertoppen
    actions: ActionCounts  # of every meeting of the year
    earlier_overdue: tuple[MeetingView, ...]  # earlier meetings with actions still overdue
    attention: tuple[AttentionItem, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        def convert(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [convert(v) for v in value]
            return value

        return dict(convert(asdict(self)))


def bondgenootschap(
    plan: Plan, meetings: Sequence[MeetingRecord], year: int, *, as_of: date | None = None
) -> AllianceSummary:
    """The resident alliance in ``year`` for the yearly report.

    Per wijk the wijkraad conversations of the year and whether the promise of 1-2 a year
    was kept (oranje while the year is still running), the actions agreed that year and how
    many are done, open and overdue on ``as_of`` (default: 31 December of the year), the
    resident initiatives with the goals they serve, the burgerberaden and burgertoppen, the
    earlier actions still overdue, and the attention list on ``as_of``.
    """
    end = date(year, 12, 31)
    as_of = as_of or end
    areas = {a.id: a for a in plan.areas}
    names = goal_names(plan)
    held = [m for m in meetings if m.held_on <= as_of]
    of_year = [m for m in held if m.held_on.year == year]

    def action_view(action: ActionRecord) -> ActionView:
        state = action.state(as_of)
        return ActionView(
            id=action.id,
            text=action.text,
            owner=action.owner,
            due=action.due,
            due_text=nl.long_date(action.due),
            done_on=action.done_on if action.done(as_of) else None,
            done_text=nl.long_date(action.done_on) if action.done(as_of) else "—",
            state=state,
            status_class={"afgerond": "groen", "open": "oranje", "verlopen": "rood"}[state],
        )

    def view(m: MeetingRecord) -> MeetingView:
        return MeetingView(
            id=m.id,
            kind=m.kind,
            kind_label=m.kind_label,
            held_on=m.held_on,
            date_text=nl.long_date(m.held_on),
            area=m.area,
            area_name=area_name(m.area, plan),
            participants=m.participants,
            summary=m.summary,
            goals=tuple(Goal(g, names.get(g, f"{g} (niet meer in het plan)")) for g in m.goals),
            actions=tuple(action_view(a) for a in m.actions),
        )

    def tally(selected: Iterable[MeetingRecord]) -> ActionCounts:
        states = Counter(a.state(as_of) for m in selected for a in m.actions)
        return ActionCounts(
            agreed=sum(states.values()),
            done=states["afgerond"],
            open=states["open"],
            overdue=states["verlopen"],
        )

    last = last_wijkraad(held)
    wijken = []
    for wijk in plan_wijken(plan, year):
        here = [m for m in of_year if wijk_of(m.area, areas) == wijk.id]
        talks = [m for m in here if m.kind == "wijkraad"]
        if talks:
            status = "groen"
            text = f"{len(talks)} {'gesprek' if len(talks) == 1 else 'gesprekken'} gevoerd"
        elif as_of < end:
            status, text = "oranje", f"nog geen gesprek in {year}"
        else:
            status, text = "rood", f"geen gesprek in {year}"
        wijken.append(
            WijkAlliance(
                id=wijk.id,
                name=wijk.name,
                conversations=tuple(view(m) for m in talks),
                other=tuple(view(m) for m in here if m.kind != "wijkraad"),
                actions=tally(here),
                last_conversation=last.get(wijk.id),
                last_text=nl.long_date(last.get(wijk.id)) if wijk.id in last else "nooit",
                status=status,
                status_text=text,
            )
        )
    initiatives = [m for m in of_year if m.kind == "initiatief"]
    served = Counter(g for m in initiatives for g in m.goals)
    councils = [m for m in of_year if m.kind in ("burgerberaad", "burgertop")]
    earlier = [
        m for m in held if m.held_on.year < year and any(a.overdue(as_of) for a in m.actions)
    ]
    kinds = Counter(m.kind for m in of_year)
    return AllianceSummary(
        year=year,
        as_of=as_of,
        as_of_text=nl.long_date(as_of),
        wijken=tuple(wijken),
        initiatives=tuple(view(m) for m in initiatives),
        goals=tuple(
            GoalCount(g, names.get(g, f"{g} (niet meer in het plan)"), n)
            for g, n in sorted(served.items(), key=lambda item: (-item[1], item[0]))
        ),
        councils=tuple(view(m) for m in councils),
        actions=tally(of_year),
        earlier_overdue=tuple(view(m) for m in earlier),
        attention=tuple(attention(meetings, as_of, plan)),
        counts={
            **{kind: kinds[kind] for kind in KINDS},
            "wijken": len(wijken),
            "wijken_met_gesprek": sum(1 for w in wijken if w.conversations),
        },
    )
