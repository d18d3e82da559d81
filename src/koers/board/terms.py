"""Board terms: a member's term, the signals a board must act on, meetings and the review.

A member's term ends ``term_years`` after its ``start`` (a 29 February start ends on
28 February). The term signals are the ones the plan's term rules make a board act on:
*termijn loopt af* (the end lies within six months), *laatste termijn* (the member has used
the renewals the rules allow), *verlenging te besluiten* (the end is near and a renewal is
still allowed: who decides depends on the member's mandate), *termijn verlopen* (the end has
passed) and *termijn buiten de regel* (the term is shorter or longer than the rule's
[min, max] years). On the end date itself a term still runs.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from koers import nl
from koers.plan.model import Board, BoardMember

WARNING_MONTHS = 6  # a term that ends within this many months asks for a decision

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
    return [signal for member in board.members for signal in member_signals(board, member, today)]


def member_signals(board: Board, member: BoardMember, today: date) -> list[TermSignal]:
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
