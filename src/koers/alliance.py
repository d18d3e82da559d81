"""The resident alliance (bewonersbondgenootschap, plan chapter 2.3).

What the programme promises residents, and what this module records and checks:

- AL1 "Een actieve verbinding met de wijk": the NPRZ-wethouder and -directeur meet the
  wijkraden "1 tot 2x per jaar" (R-9). Every conversation is recorded: who, when, what was
  agreed, and the follow-up actions with owner and due date (Afspraak A2.2: "zorgen voor een
  vervolg op de acties").
- AL2 burgerberaden, and the burgertoppen held before.
- AL3 resident initiatives, each linked to the goals of the plan it serves.

DESIGN
- The store functions (:func:`record_meeting`, :func:`complete_action`, :func:`meetings`)
  are the only I/O; each write is one transaction and refuses bad input before writing
  anything, with a message that names the field.
- A wijkraad conversation is recorded on a wijk of the plan (``kind: wijk``): the NPRZ
  reports per wijk of the wijkteam division (seed:789-790), and that is the list the
  "1-2× per jaar" promise is checked against. Where the plan also models wijkraad areas
  (the NPRZ plan's ``wijkraad-*`` groups) the refusal names the wijk(en) to use instead.
- :func:`attention` and :func:`bondgenootschap` are pure: they take the records and the
  plan and compute the attention list and the yearly report section. An action is done
  from its ``done_on`` day on; it is overdue the day after its due date while not done.
  "In the last 12 months" counts a conversation held on the same day one year before.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from koers import nl
from koers.plan.model import Area, AreaKind, Plan
from koers.store import Store, StoreError
from koers.store import schema as t
from koers.store.base import current_user

KINDS: dict[str, str] = {
    "wijkraad": "wijkraadgesprek",
    "burgerberaad": "burgerberaad",
    "burgertop": "burgertop",
    "initiatief": "bewonersinitiatief",
}
ZUID_WIDE = "Zuid-breed"


def year_before(day: date) -> date:
    """The same day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# -- records -----------------------------------------------------------------------------


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


# -- store access ------------------------------------------------------------------------


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

    Refuses (:class:`StoreError`, nothing written) an unknown kind, an area that is not in
    the plan (or not a wijk for a wijkraad conversation, which needs one), a date after
    ``today``, an empty summary, a goal that is neither a pillar nor an ambition of the
    plan, an initiative without a goal, and an action without text, owner or a due date
    on or after the conversation.
    """
    plan = store.plan(programme)
    goal_ids = _validate(
        plan,
        kind=kind,
        held_on=held_on,
        area=area,
        summary=summary,
        goals=goals,
        actions=actions,
        today=today or date.today(),
    )
    with store.engine.begin() as c:
        inserted = c.execute(
            t.alliance_meetings.insert().values(
                programme_id=plan.programme.id,
                area_id=area,
                kind=kind,
                held_on=held_on,
                participants=(participants or "").strip() or None,
                summary=summary.strip(),
                goals=goal_ids,
                recorded_at=datetime.now(UTC),
                recorded_by=user or current_user(),
            )
        ).inserted_primary_key
        assert inserted is not None
        meeting_id = int(inserted[0])
        if actions:
            c.execute(
                t.alliance_actions.insert(),
                [
                    {
                        "meeting_id": meeting_id,
                        "text": a.text.strip(),
                        "owner": a.owner.strip(),
                        "due": a.due,
                        "done_on": None,
                    }
                    for a in actions
                ],
            )
    return meeting_id


def _validate(
    plan: Plan,
    *,
    kind: str,
    held_on: date,
    area: str | None,
    summary: str,
    goals: Sequence[str],
    actions: Sequence[NewAction],
    today: date,
) -> list[str]:
    """Check a new conversation against the plan; the goal ids without duplicates."""
    if kind not in KINDS:
        raise StoreError(f"kind: '{kind}' is onbekend; kies uit {', '.join(KINDS)}")
    if held_on > today:
        raise StoreError(
            f"held_on: {held_on.isoformat()} ligt na vandaag ({today.isoformat()}); "
            f"leg een gesprek vast nadat het is gevoerd"
        )
    areas = {a.id: a for a in plan.areas}
    if area is None:
        if kind == "wijkraad":
            raise StoreError("area: een wijkraadgesprek hoort bij een wijk; geef de wijk op")
    elif area not in areas:
        raise StoreError(f"area: '{area}' is geen gebied van het plan")
    else:
        found = areas[area]
        if kind == "wijkraad" and found.kind is not AreaKind.WIJK:
            hint = _wijken_of(found, areas)
            wijken = [a.id for a in plan_wijken(plan, held_on.year)]
            raise StoreError(
                f"area: '{area}' is geen wijk ({found.kind.value}); een wijkraadgesprek "
                f"wordt vastgelegd op een wijk van de plan-indeling: "
                + (f"hier {' en '.join(hint)}" if hint else f"kies uit {', '.join(wijken)}")
            )
        if not found.valid_in(held_on.year):
            raise StoreError(f"area: '{area}' bestaat volgens het plan niet in {held_on.year}")
    if not summary.strip():
        raise StoreError("summary: vat samen wat er besproken en afgesproken is")
    known = goal_names(plan)
    unknown = [g for g in goals if g not in known]
    if unknown:
        raise StoreError(
            f"goals: {', '.join(repr(g) for g in unknown)} is geen pijler of ambitie van "
            f"het plan (pijlers: {', '.join(p.id for p in plan.pillars)})"
        )
    if kind == "initiatief" and not goals:
        raise StoreError(
            "goals: een bewonersinitiatief noemt de doelen van het plan waaraan het bijdraagt"
        )
    for number, action in enumerate(actions, start=1):
        if not action.text.strip():
            raise StoreError(f"actions[{number}].text: de actie heeft geen tekst")
        if not action.owner.strip():
            raise StoreError(f"actions[{number}].owner: de actie heeft geen eigenaar")
        if len(action.owner.strip()) > 120:
            raise StoreError(f"actions[{number}].owner: langer dan 120 tekens")
        if not isinstance(action.due, date):
            raise StoreError(f"actions[{number}].due: de actie heeft geen datum")
        if action.due < held_on:
            raise StoreError(
                f"actions[{number}].due: {action.due.isoformat()} ligt vóór het gesprek "
                f"({held_on.isoformat()})"
            )
    return list(dict.fromkeys(goals))


def _wijken_of(area: Area, areas: dict[str, Area]) -> list[str]:
    """The wijken an area lies in, or that all members of a group (say a wijkraad's
    buurten) lie in; empty when that cannot be told from the plan."""
    own = _wijk_of(area.id, areas)
    if own is not None:
        return [own]
    found = [_wijk_of(member, areas) for member in area.members]
    if not found or None in found:
        return []
    return list(dict.fromkeys(w for w in found if w is not None))


def complete_action(store: Store, action_id: int, done_on: date) -> ActionRecord:
    """Mark a follow-up action done on ``done_on``; the updated action.

    Refuses an unknown action, one that is already done, and a date before the
    conversation it came from.
    """
    a, m = t.alliance_actions, t.alliance_meetings
    with store.engine.begin() as c:
        row = c.execute(
            select(a, m.c.held_on).join(m, m.c.id == a.c.meeting_id).where(a.c.id == action_id)
        ).first()
        if row is None:
            raise StoreError(f"actie {action_id} bestaat niet; zie 'koers alliance list'")
        if row.done_on is not None:
            raise StoreError(f"actie {action_id} is al afgerond op {row.done_on.isoformat()}")
        if done_on < row.held_on:
            raise StoreError(
                f"done_on: {done_on.isoformat()} ligt vóór het gesprek waarin actie "
                f"{action_id} is afgesproken ({row.held_on.isoformat()})"
            )
        c.execute(a.update().where(a.c.id == action_id).values(done_on=done_on))
    return ActionRecord(row.id, row.meeting_id, row.text, row.owner, row.due, done_on)


def meetings(store: Store, programme: str) -> list[MeetingRecord]:
    """Every recorded conversation of the programme with its actions, oldest first."""
    m, a = t.alliance_meetings, t.alliance_actions
    with store.engine.begin() as c:
        rows = c.execute(
            select(m).where(m.c.programme_id == programme).order_by(m.c.held_on, m.c.id)
        ).all()
        ids = [r.id for r in rows]
        actions: dict[int, list[ActionRecord]] = {i: [] for i in ids}
        if ids:
            for r in c.execute(select(a).where(a.c.meeting_id.in_(ids)).order_by(a.c.id)):
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


# -- the plan's side ---------------------------------------------------------------------


def goal_names(plan: Plan) -> dict[str, str]:
    """Pillar and ambition ids → a readable name (an ambition shortened, after its pillar)."""
    names: dict[str, str] = {}
    for pillar in plan.pillars:
        names.setdefault(pillar.id, pillar.name)
        for ambition in pillar.ambitions:
            names.setdefault(
                ambition.id,
                textwrap.shorten(f"{pillar.name}: {ambition.text}", 110, placeholder=" …"),
            )
    return names


def plan_wijken(plan: Plan, year: int) -> list[Area]:
    """The wijken of the plan (``kind: wijk``) that exist in ``year``, in plan order."""
    return [a for a in plan.areas if a.kind is AreaKind.WIJK and a.valid_in(year)]


def _wijk_of(area_id: str | None, areas: dict[str, Area]) -> str | None:
    """The wijk an area is or lies in (through ``parent`` links); None for wider areas."""
    seen: set[str] = set()
    current = area_id
    while current is not None and current in areas and current not in seen:
        seen.add(current)
        if areas[current].kind is AreaKind.WIJK:
            return current
        current = areas[current].parent
    return None


def _area_name(area_id: str | None, areas: dict[str, Area]) -> str:
    if area_id is None:
        return ZUID_WIDE
    area = areas.get(area_id)
    return area.name if area else area_id


# -- the attention list ------------------------------------------------------------------


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
    areas = {a.id: a for a in plan.areas}
    held = [m for m in meetings if m.held_on <= today]
    items: list[AttentionItem] = []
    overdue = sorted(
        ((m, a) for m in held for a in m.actions if a.overdue(today)),
        key=lambda pair: (pair[1].due or today, pair[1].id),
    )
    for meeting, action in overdue:
        assert action.due is not None  # overdue implies a due date
        days = (today - action.due).days
        name = _area_name(meeting.area, areas)
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
    last = _last_wijkraad(held)
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


def _last_wijkraad(meetings: Iterable[MeetingRecord]) -> dict[str, date]:
    last: dict[str, date] = {}
    for m in meetings:
        if m.kind == "wijkraad" and m.area is not None:
            last[m.area] = max(m.held_on, last.get(m.area, m.held_on))
    return last


# -- the yearly report section -----------------------------------------------------------


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
            area_name=_area_name(m.area, areas),
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

    last = _last_wijkraad(held)
    wijken = []
    for wijk in plan_wijken(plan, year):
        here = [m for m in of_year if _wijk_of(m.area, areas) == wijk.id]
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
