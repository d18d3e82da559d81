"""The board overview: seats, rules, members with their term signals, this year's meetings,
whether the composition review is due, and the escalation ladders (CLI and Deel II)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from koers import nl
from koers.board.ladders import Ladder, escalation_ladders
from koers.board.terms import (
    MANDATES,
    TermSignal,
    composition_review_due,
    mandate_of,
    meeting_signals,
    meetings_in,
    member_signals,
    term_end,
)
from koers.errors import NotFoundError
from koers.plan.model import Board, Plan


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
            lines.append(f"Deze regels gelden sinds {nl.period(str(terms.since))}.")
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
        raise NotFoundError("het plan heeft geen bestuur: de sectie 'governance' ontbreekt")
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
                member_signals(board, m, today),
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
