"""Deel II's sections beyond the indicators: money, proportionality, board, alliance.

Each comes from its own module and renders with ``templates/_<name>.html``. Pure: the
caller fetches what the store holds (spending, alliance records) and passes it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from koers.alliance import MeetingRecord, bondgenootschap
from koers.areas import Observation
from koers.board import board_summary
from koers.money import Spent, money_summary
from koers.plan import Plan
from koers.proportionality import proportionality_summary


def standard_sections(
    plan: Plan,
    observations: Sequence[Observation],
    *,
    year: int,
    generated: date,
    spending: Sequence[Spent] = (),
    meetings: Sequence[MeetingRecord] = (),
) -> dict[str, Any]:
    """The sections of Deel II for ``year``, in the order they appear."""
    sections: dict[str, Any] = {}
    if plan.finance is not None:
        sections["money"] = money_summary(plan, spending, observations, year=year)
    sections["proportionality"] = proportionality_summary(
        plan, observations, years=range(2000, year + 1)
    )
    if plan.governance is not None:
        # the board as it stood in the report year (at its end, or today while it runs)
        sections["board"] = board_summary(plan, min(generated, date(year, 12, 31)))
    sections["alliance"] = bondgenootschap(plan, meetings, year)
    return sections
