"""Governance: the board's seats and members, term signals, meetings and the board agenda.

Pure: everything here is computed from the plan (``governance``), the statuses the caller
assessed and a date ``today`` the caller passes, so the same inputs give the same answer.
One module per concern:

- :mod:`~koers.board.terms`: terms and their signals, meetings, the composition review;
- :mod:`~koers.board.ladders`: the body accountable for a pillar, the escalation ladders and
  the rungs an agreement climbs;
- :mod:`~koers.board.agenda`: the agenda of the board's next meeting;
- :mod:`~koers.board.summary`: :func:`board_summary`, the board overview.

The programme's facts (its board, bodies, ladders, who is accountable for which pillar)
come from the plan; the Dutch wording here (signal names, mandate labels, ``het bestuur``
for a plan without a board) is generic.
"""

from koers.board.agenda import (
    ESCALATED,
    NEWLY_RED,
    OVERDUE,
    Agenda,
    AgendaItem,
    board_agenda,
)
from koers.board.ladders import (
    BOARD_FALLBACK,
    BOARD_KEY,
    Ladder,
    Rung,
    accountable_body,
    agreement_ladder,
    board_name,
    escalation_ladders,
    rung_at,
)
from koers.board.summary import BoardSummary, MemberView, SeatView, board_rules, board_summary
from koers.board.terms import (
    ENDING,
    EXPIRED,
    LAST_TERM,
    MANDATES,
    OUTSIDE_RULE,
    RENEWAL_DUE,
    WARNING_MONTHS,
    TermSignal,
    add_months,
    add_years,
    composition_review_due,
    last_meeting,
    mandate_of,
    meeting_signals,
    meetings_in,
    next_meeting,
    term_end,
    term_signals,
)

__all__ = [
    "BOARD_FALLBACK",
    "BOARD_KEY",
    "ENDING",
    "ESCALATED",
    "EXPIRED",
    "LAST_TERM",
    "MANDATES",
    "NEWLY_RED",
    "OUTSIDE_RULE",
    "OVERDUE",
    "RENEWAL_DUE",
    "WARNING_MONTHS",
    "Agenda",
    "AgendaItem",
    "BoardSummary",
    "Ladder",
    "MemberView",
    "Rung",
    "SeatView",
    "TermSignal",
    "accountable_body",
    "add_months",
    "add_years",
    "agreement_ladder",
    "board_agenda",
    "board_name",
    "board_rules",
    "board_summary",
    "composition_review_due",
    "escalation_ladders",
    "last_meeting",
    "mandate_of",
    "meeting_signals",
    "meetings_in",
    "next_meeting",
    "rung_at",
    "term_end",
    "term_signals",
]
