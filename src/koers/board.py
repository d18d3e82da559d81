"""Governance: the board's seats and members, term signals, meetings and the board agenda.

Pure: everything here is computed from the plan (``governance``), the statuses the caller
assessed and a date ``today`` the caller passes, so the same inputs give the same answer.

DESIGN
- A member's term ends ``term_years`` after its ``start`` (a 29 February start ends on
  28 February). The term signals are the ones the plan's term rules (NPRZ §8.1, seed:9290-9299)
  make a board act on: *termijn loopt af* (the end lies within six months), *laatste termijn*
  (the member has used the renewals the rules allow), *verlenging te besluiten* (the end is
  near and a renewal is still allowed: who decides depends on the member's mandate),
  *termijn verlopen* (the end has passed) and *termijn buiten de regel* (the term is shorter
  or longer than the rule's [min, max] years). On the end date itself a term still runs.
- Escalations go to the body accountable for their pillar: a pillar whose ``accountable``
  names one body of ``governance.bodies`` (by id or name) escalates to that body, every
  other pillar to the board, the highest step above the pillars' tables (seed:9252-9255). In
  the NPRZ plan only Veilig names one: the Driehoek, not the board, is eindverantwoordelijk
  (seed:9085-9087). Overdue agreements and newly red indicators stay on the board's agenda
  (the board oversees the whole programme); each item says which body is accountable.
- The escalation ladder of a pillar is ``governance.escalation`` when its bodies belong to
  that pillar (or to no pillar: then it is the ladder of every pillar without one of its
  own), else the chain the pillar's bodies form with ``escalates_to``; where escalations end
  (the accountable body or the board) is shown above the ladder's top.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from koers import nl
from koers.assess import Assessment, Status
from koers.plan.model import Board, BoardMember, Body, Governance, Plan
from koers.plan.summary import AgreementRow

WARNING_MONTHS = 6  # a term that ends within this many months asks for a decision
BOARD_FALLBACK = "het bestuur"

# term signal codes and their Dutch names
ENDING = "termijn loopt af"
LAST_TERM = "laatste termijn"
RENEWAL_DUE = "verlenging te besluiten"
EXPIRED = "termijn verlopen"
OUTSIDE_RULE = "termijn buiten de regel"

MANDATES = {
    "achterban": "gemandateerd door de achterban",
    "uit_de_kring_van": "uit de kring van (zonder achterban)",
    "niet_vermeld": "niet vermeld in het plan",
}


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# ---------------------------------------------------------------------------- term signals


@dataclass(frozen=True)
class TermSignal:
    """One thing about a member's term the board must know or decide."""

    member: str
    seat: str
    signal: str  # ENDING, LAST_TERM, RENEWAL_DUE, EXPIRED or "termijn buiten de regel (3-5 jaar)"
    detail: str  # one Dutch sentence: why, and who decides
    term_end: date
    level: str  # "rood", "oranje" or "grijs": the status class it is shown with

    def record(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "seat": self.seat,
            "signal": self.signal,
            "detail": self.detail,
            "term_end": self.term_end.isoformat(),
            "level": self.level,
        }


def term_end(member: BoardMember) -> date:
    """The day the member's current term ends: ``start`` plus ``term_years``."""
    return add_years(member.start, member.term_years)


def mandate_of(board: Board, member: BoardMember) -> str:
    """The member's mandate; where the member does not say, the mandate of its seat."""
    if member.mandate != "niet_vermeld":
        return member.mandate
    for seat in board.seats:
        if seat.sector == member.seat:
            return seat.mandate
    return member.mandate


def term_signals(board: Board, today: date) -> list[TermSignal]:
    """The term signals of every member of ``board`` on ``today``, in member order."""
    return [signal for member in board.members for signal in _member_signals(board, member, today)]


def _member_signals(board: Board, member: BoardMember, today: date) -> list[TermSignal]:
    end = term_end(member)
    rules = board.terms

    def signal(name: str, detail: str, level: str) -> TermSignal:
        return TermSignal(member.name, member.seat, name, detail, end, level)

    # the rules allow `renewals` renewals; the model records whether this term is one
    last = rules is not None and int(member.renewed) >= rules.renewals
    near = add_months(end, -WARNING_MONTHS) <= today <= end
    signals: list[TermSignal] = []
    if today > end:
        follow_up = "de opvolger" if last else "de verlenging of de opvolger"
        signals.append(
            signal(
                EXPIRED,
                f"De termijn van {member.name} ({member.seat}) eindigde op {nl.long_date(end)}; "
                f"leg {follow_up} vast in het plan.",
                "rood",
            )
        )
    elif near:
        signals.append(
            signal(
                ENDING,
                f"De termijn van {member.name} ({member.seat}) eindigt op {nl.long_date(end)}.",
                "oranje",
            )
        )
    if last:
        if member.renewed:
            why = "Dit is de verlengde termijn"
        else:
            why = "De regels staan geen verlenging toe"
        signals.append(
            signal(
                LAST_TERM,
                f"{why}: na {nl.long_date(end)} volgt een opvolger voor de zetel {member.seat}.",
                "grijs",
            )
        )
    elif near:
        signals.append(signal(RENEWAL_DUE, _renewal_detail(board, member, end), "oranje"))
    signals.extend(_rule_signals(board, member, signal))
    return signals


def _renewal_detail(board: Board, member: BoardMember, end: date) -> str:
    rules = board.terms
    span = ""
    if rules is not None:
        low, high = rules.renewal_years or rules.first_term_years
        span = f" voor {low} tot en met {high} jaar"
    start = f"Verlenging{span} vóór {nl.long_date(end)}"
    mandate = mandate_of(board, member)
    if mandate == "achterban":
        return (
            f"{start}, op basis van de motivatie van het bestuurslid; "
            "het lid is gemandateerd door de achterban."
        )
    vote = (
        rules.appointment_vote.strip()
        if rules is not None and rules.appointment_vote
        else "het bestuur besluit over de verlenging (het plan noemt geen stemregel)."
    )
    if mandate == "uit_de_kring_van":
        return f"{start}. Lid zonder achterban ('uit de kring van'): {vote}"
    return f"{start}. Het plan zegt niet of dit lid een achterban heeft; zonder achterban: {vote}"


def _rule_signals(
    board: Board, member: BoardMember, signal: Callable[[str, str, str], TermSignal]
) -> list[TermSignal]:
    rules = board.terms
    if rules is None:
        return []
    found: list[TermSignal] = []
    if member.renewed and rules.renewals == 0:
        found.append(
            signal(
                f"{OUTSIDE_RULE} (geen verlenging)",
                "Een verlengde termijn, maar de regels staan geen verlenging toe.",
                "rood",
            )
        )
    low, high = (
        rules.renewal_years or rules.first_term_years if member.renewed else rules.first_term_years
    )
    if not low <= member.term_years <= high:
        which = "verlengde termijn" if member.renewed else "eerste termijn"
        found.append(
            signal(
                f"{OUTSIDE_RULE} ({low}-{high} jaar)",
                f"Een {which} van {member.term_years} jaar; de regel is {low} tot en met "
                f"{high} jaar.",
                "rood",
            )
        )
    return found


# ------------------------------------------------------------------ review and meetings


def composition_review_due(board: Board, last_review: date | None, today: date) -> str | None:
    """Why the composition of the board is to be evaluated now, or None when it is not.

    The rule is every ``composition_review_years``; without a recorded last review the
    review is due (nothing shows it was done).
    """
    years = board.composition_review_years
    if years is None:
        return None
    if last_review is None:
        return (
            "Evaluatie van de samenstelling is aan de orde: er is geen vorige evaluatie "
            f"vastgelegd, de regel is elke {years} jaar."
        )
    due = add_years(last_review, years)
    if today < due:
        return None
    return (
        f"Evaluatie van de samenstelling is aan de orde: de vorige was op "
        f"{nl.long_date(last_review)}, de regel is elke {years} jaar "
        f"(uiterlijk {nl.long_date(due)})."
    )


def meetings_in(board: Board, year: int) -> list[date]:
    """The dates of the board meetings the plan records in ``year``, in order."""
    return sorted(m.date for m in board.meetings if m.date.year == year)


def meeting_signals(board: Board, year: int, today: date) -> list[str]:
    """A signal when fewer meetings than ``meetings_per_year`` are held or planned in ``year``."""
    required = board.meetings_per_year
    if required is None:
        return []
    dates = meetings_in(board, year)
    if len(dates) >= required:
        return []
    held = sum(1 for d in dates if d <= today)
    noun = "bestuursvergadering" if len(dates) == 1 else "bestuursvergaderingen"
    return [
        f"{year}: {len(dates)} {noun} gehouden of gepland ({held} gehouden, "
        f"{len(dates) - held} gepland); de regel is ten minste {required} per jaar."
    ]


def last_meeting(board: Board, today: date) -> date | None:
    """The latest board meeting before ``today``."""
    past = [m.date for m in board.meetings if m.date < today]
    return max(past) if past else None


def next_meeting(board: Board, today: date) -> date | None:
    """The first board meeting on or after ``today``."""
    coming = [m.date for m in board.meetings if m.date >= today]
    return min(coming) if coming else None


# ------------------------------------------------------------- accountability and ladders


def _find_body(governance: Governance, text: str | None) -> Body | None:
    if not text:
        return None
    wanted = text.strip().casefold()
    for body in governance.bodies:
        if wanted in (body.id.casefold(), body.name.strip().casefold()):
            return body
    return None


def board_name(plan: Plan) -> str:
    return plan.governance.board.name if plan.governance is not None else BOARD_FALLBACK


def accountable_body(plan: Plan, pillar: str | None) -> str:
    """Where escalations of ``pillar`` end: the body its ``accountable`` names, else the board."""
    if pillar is None or plan.governance is None:
        return board_name(plan)
    try:
        accountable = plan.pillar(pillar).accountable
    except KeyError:
        return board_name(plan)
    body = _find_body(plan.governance, accountable)
    return body.name if body is not None else board_name(plan)


@dataclass(frozen=True)
class Ladder:
    """A pillar's escalation ladder: levels of bodies, lowest first, and where it ends."""

    pillar: str
    pillar_name: str
    steps: list[list[str]]  # body names per level, lowest first
    top: str  # where escalations of the pillar end (the accountable body or the board)
    accountable: str | None  # the pillar's `accountable` as the plan words it

    @property
    def route(self) -> list[str]:
        """The ladder as shown: each level, then the top when it is not the last level."""
        shown = [" / ".join(level) for level in self.steps]
        if not shown or shown[-1] != self.top:
            shown.append(self.top)
        return shown

    def record(self) -> dict[str, Any]:
        return {
            "pillar": self.pillar,
            "pillar_name": self.pillar_name,
            "steps": self.steps,
            "top": self.top,
            "accountable": self.accountable,
            "route": self.route,
        }


def escalation_ladders(plan: Plan) -> list[Ladder]:
    """The escalation ladder of every pillar (kind 'pillar') of the plan, in plan order."""
    governance = plan.governance
    if governance is None:
        return []
    bodies = {b.id: b for b in governance.bodies}
    listed = [bodies[i] for i in governance.escalation if i in bodies]
    owners = {b.pillar for b in listed}
    ladders = []
    for pillar in plan.pillars:
        if pillar.kind != "pillar":
            continue
        if listed and owners == {pillar.id}:
            steps = [[b.name] for b in listed]
        else:
            steps = _chain_levels(governance, pillar.id)
            if not steps and listed and owners == {None}:
                steps = [[b.name] for b in listed]
        ladders.append(
            Ladder(
                pillar.id,
                pillar.name,
                steps,
                accountable_body(plan, pillar.id),
                pillar.accountable,
            )
        )
    return ladders


def _chain_levels(governance: Governance, pillar: str) -> list[list[str]]:
    """Levels of the ``escalates_to`` chains among a pillar's bodies, lowest first."""
    bodies = {b.id: b for b in governance.bodies}
    own = [b for b in governance.bodies if b.pillar == pillar]
    members: list[str] = []
    for body in own:
        if body.escalates_to is not None and body.escalates_to in bodies:
            for node in (body.id, body.escalates_to):
                if node not in members:
                    members.append(node)
    if not members:
        return []

    def height(node: str, seen: frozenset[str] = frozenset()) -> int:
        """Steps from ``node`` to the top of its chain (cycles are cut)."""
        target = bodies[node].escalates_to
        if target is None or target not in bodies or target in seen:
            return 0
        return 1 + height(target, seen | {node})

    heights = {node: height(node) for node in members}
    return [
        [bodies[n].name for n in members if heights[n] == level]
        for level in sorted(set(heights.values()), reverse=True)
    ]


# ------------------------------------------------------------------------------ the agenda

ESCALATED = "escalatie"
OVERDUE = "verlopen afspraak"
NEWLY_RED = "nieuw rood"


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # ESCALATED, OVERDUE or NEWLY_RED
    id: str  # agreement or indicator id
    pillar: str | None
    pillar_name: str
    text: str  # the agreement's text or the indicator's name
    detail: str  # Dutch: why it is on the agenda
    accountable: str  # the body accountable for the pillar (for escalations: where they go)

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "pillar": self.pillar,
            "pillar_name": self.pillar_name,
            "text": self.text,
            "detail": self.detail,
            "accountable": self.accountable,
        }


@dataclass(frozen=True)
class Agenda:
    board: str
    today: date
    next_meeting: date | None
    escalated: list[AgendaItem]  # every escalated agreement, wherever it goes
    overdue: list[AgendaItem]
    newly_red: list[AgendaItem]
    ladders: list[Ladder] = field(default_factory=list)

    @property
    def escalated_to_board(self) -> list[AgendaItem]:
        return [i for i in self.escalated if i.accountable == self.board]

    @property
    def escalated_elsewhere(self) -> dict[str, list[AgendaItem]]:
        """Escalations that go to another body (Veilig: the Driehoek), by body."""
        found: dict[str, list[AgendaItem]] = {}
        for item in self.escalated:
            if item.accountable != self.board:
                found.setdefault(item.accountable, []).append(item)
        return found

    @property
    def items(self) -> list[AgendaItem]:
        """What is on the board's own agenda, in order: escalations, overdue, newly red."""
        return [*self.escalated_to_board, *self.overdue, *self.newly_red]

    def record(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "today": self.today.isoformat(),
            "next_meeting": self.next_meeting.isoformat() if self.next_meeting else None,
            "escalated": [i.record() for i in self.escalated_to_board],
            "escalated_elsewhere": {
                body: [i.record() for i in items]
                for body, items in self.escalated_elsewhere.items()
            },
            "overdue": [i.record() for i in self.overdue],
            "newly_red": [i.record() for i in self.newly_red],
            "ladders": [ladder.record() for ladder in self.ladders],
        }


def _pillar_name(plan: Plan, pillar: str | None) -> str:
    if pillar is None:
        return "programmabreed"
    try:
        return plan.pillar(pillar).name
    except KeyError:
        return pillar


def board_agenda(
    plan: Plan,
    assessments_now: Iterable[Assessment],
    assessments_before: Iterable[Assessment],
    agreement_rows: Sequence[AgreementRow],
    today: date,
    escalated: Iterable[str] = (),
) -> Agenda:
    """The agenda of the board's next meeting.

    Three parts: the agreements escalated (``escalated``: their ids, as the caller's
    escalation workflow names them), each with the body it goes to; the agreements whose due
    date has passed and that are not 'afgerond' (an escalated one is listed only once); and
    the indicators that are rood now (``assessments_now``) and were not at the last meeting
    (``assessments_before``: ``evaluate(plan, obs, as_of=<year of the last meeting>)``).
    Raises ``KeyError`` for an escalated id that is not an agreement in ``agreement_rows``.
    """
    rows = {r.id: r for r in agreement_rows}

    def agreement_item(kind: str, row: AgreementRow, detail: str) -> AgendaItem:
        return AgendaItem(
            kind,
            row.id,
            row.pillar,
            _pillar_name(plan, row.pillar),
            row.text,
            detail,
            accountable_body(plan, row.pillar),
        )

    def about(row: AgreementRow) -> str:
        due = f"deadline {row.due}" if row.due else "geen deadline"
        return f"{due}; status: {row.status}; eigenaar: {', '.join(row.owners)}"

    escalations: list[AgendaItem] = []
    for agreement in dict.fromkeys(escalated):
        if agreement not in rows:
            raise KeyError(f"unknown agreement '{agreement}'")
        row = rows[agreement]
        item = agreement_item(ESCALATED, row, f"Geëscaleerd; {about(row)}.")
        escalations.append(item)
    taken = {i.id for i in escalations}
    overdue = [
        agreement_item(OVERDUE, row, f"De deadline is verstreken; {about(row)}.")
        for row in agreement_rows
        if row.id not in taken and row.overdue_on(today)
    ]
    before = {a.indicator: a.status for a in assessments_before}
    red = []
    for now in assessments_now:
        if now.status is not Status.ROOD or before.get(now.indicator) is Status.ROOD:
            continue
        earlier = before.get(now.indicator)
        was = f"eerder {earlier.value}" if earlier is not None else "eerder geen oordeel"
        red.append(
            AgendaItem(
                NEWLY_RED,
                now.indicator,
                now.pillar,
                _pillar_name(plan, now.pillar),
                now.name,
                f"Nu rood ({was}). {now.explanation}",
                accountable_body(plan, now.pillar),
            )
        )
    board = plan.governance.board if plan.governance is not None else None
    return Agenda(
        board=board_name(plan),
        today=today,
        next_meeting=next_meeting(board, today) if board is not None else None,
        escalated=escalations,
        overdue=overdue,
        newly_red=red,
        ladders=escalation_ladders(plan),
    )


# -------------------------------------------------------------------- the board overview


@dataclass(frozen=True)
class SeatView:
    sector: str
    seats: int
    mandate: str  # Dutch label
    note: str | None

    def record(self) -> dict[str, Any]:
        return {"sector": self.sector, "seats": self.seats, "mandate": self.mandate}


@dataclass(frozen=True)
class MemberView:
    name: str
    seat: str
    mandate: str  # Dutch label
    start: date
    term_years: int
    renewed: bool
    term_end: date
    signals: list[TermSignal]

    @property
    def term_text(self) -> str:
        """``1 mei 2019 tot 1 mei 2023 (4 jaar, verlengd)``."""
        renewed = ", verlengd" if self.renewed else ""
        return (
            f"{nl.long_date(self.start)} tot {nl.long_date(self.term_end)} "
            f"({self.term_years} jaar{renewed})"
        )

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seat": self.seat,
            "mandate": self.mandate,
            "start": self.start.isoformat(),
            "term_years": self.term_years,
            "renewed": self.renewed,
            "term_end": self.term_end.isoformat(),
            "signals": [s.record() for s in self.signals],
        }


@dataclass(frozen=True)
class BoardSummary:
    """What the board is and what it must act on, as of ``today`` (CLI and Deel II)."""

    name: str
    chair: str
    secretary: str | None
    size: int  # persons including the chair
    seat_count: int  # the sector seats
    seats: list[SeatView]
    rules: list[str]  # the term, meeting and review rules in Dutch
    members: list[MemberView]
    today: date
    year: int
    meetings_per_year: int | None
    meetings: list[date]  # recorded in `year`
    held: int
    planned: int
    meeting_signals: list[str]
    review: str | None
    ladders: list[Ladder]

    @property
    def signal_count(self) -> int:
        return sum(len(m.signals) for m in self.members)

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "chair": self.chair,
            "secretary": self.secretary,
            "size": self.size,
            "seat_count": self.seat_count,
            "seats": [s.record() for s in self.seats],
            "rules": self.rules,
            "members": [m.record() for m in self.members],
            "today": self.today.isoformat(),
            "year": self.year,
            "meetings_per_year": self.meetings_per_year,
            "meetings": [d.isoformat() for d in self.meetings],
            "held": self.held,
            "planned": self.planned,
            "meeting_signals": self.meeting_signals,
            "review": self.review,
            "ladders": [ladder.record() for ladder in self.ladders],
        }


def board_rules(board: Board) -> list[str]:
    """The board's rules as the plan gives them, one Dutch line each."""
    lines = []
    terms = board.terms
    if terms is not None:
        low, high = terms.first_term_years
        lines.append(f"Eerste termijn {low} tot en met {high} jaar.")
        if terms.renewals == 0:
            lines.append("Geen verlenging.")
        else:
            rlow, rhigh = terms.renewal_years or terms.first_term_years
            times = "eenmaal" if terms.renewals == 1 else f"{terms.renewals} keer"
            lines.append(f"Verlenging {times}, voor {rlow} tot en met {rhigh} jaar.")
        if terms.appointment_vote:
            lines.append(terms.appointment_vote.strip())
        if terms.since:
            lines.append(f"Deze regels gelden sinds {terms.since}.")
    if board.meetings_per_year is not None:
        lines.append(f"Ten minste {board.meetings_per_year} vergaderingen per jaar.")
    if board.composition_review_years is not None:
        lines.append(
            f"De samenstelling wordt elke {board.composition_review_years} jaar geëvalueerd."
        )
    return lines


def board_summary(plan: Plan, today: date, *, last_review: date | None = None) -> BoardSummary:
    """The board of ``plan`` on ``today``: seats, rules, members with their term signals,
    the meetings of this year, whether the composition review is due, escalation ladders.

    Raises ``KeyError`` when the plan has no ``governance``.
    """
    if plan.governance is None:
        raise KeyError("het plan heeft geen bestuur: de sectie 'governance' ontbreekt")
    board = plan.governance.board
    dates = meetings_in(board, today.year)
    held = sum(1 for d in dates if d <= today)
    return BoardSummary(
        name=board.name,
        chair=board.chair,
        secretary=board.secretary,
        size=board.size,
        seat_count=sum(s.seats for s in board.seats),
        seats=[SeatView(s.sector, s.seats, MANDATES[s.mandate], s.note) for s in board.seats],
        rules=board_rules(board),
        members=[
            MemberView(
                m.name,
                m.seat,
                MANDATES[mandate_of(board, m)],
                m.start,
                m.term_years,
                m.renewed,
                term_end(m),
                _member_signals(board, m, today),
            )
            for m in board.members
        ],
        today=today,
        year=today.year,
        meetings_per_year=board.meetings_per_year,
        meetings=dates,
        held=held,
        planned=len(dates) - held,
        meeting_signals=meeting_signals(board, today.year, today),
        review=composition_review_due(board, last_review, today),
        ladders=escalation_ladders(plan),
    )
