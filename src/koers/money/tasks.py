"""Tabel 11: the financial task per pillar and period, its totals and the split per funder.

Periods are kept as the plan names them (``"2023-2026"``, ``"2023-2027"``, ``"per jaar"``).
The yearly task of a line is its ``per jaar`` amount (or an amount keyed by the year itself);
a year that only a provisional period covers is marked provisional, a year no period covers
has no task (:func:`year_task`). Totals are always computed from the plan's lines, never
stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.plan.model import BudgetLine, Plan

PER_YEAR = "per jaar"


@dataclass(frozen=True)
class FunderShare:
    """One funder's part of the task (the cost split, e.g. Rijk 50%)."""

    funder: str
    share: float
    amounts: dict[str, float]  # period -> euro


@dataclass(frozen=True)
class TaskRow:
    """A line of Tabel 11 with its split per funder."""

    id: str
    name: str
    pillar: str | None
    amounts: dict[str, float]
    provisional: tuple[str, ...]
    split: dict[str, dict[str, float]]  # funder -> period -> euro


@dataclass(frozen=True)
class Tasks:
    """Tabel 11: the financial task per pillar, with totals and the cost split."""

    periods: tuple[str, ...]
    rows: tuple[TaskRow, ...]
    totals: dict[str, float]
    split: tuple[FunderShare, ...]
    provisional: tuple[str, ...]  # periods provisional in any row


def task_lines(plan: Plan, pillar: str | None) -> list[BudgetLine]:
    tasks = plan.finance.tasks if plan.finance else []
    return [t for t in tasks if pillar is None or t.pillar == pillar]


def tasks(plan: Plan, pillar: str | None) -> Tasks:
    assert plan.finance is not None
    lines = task_lines(plan, pillar)
    periods = tuple(dict.fromkeys(p for line in lines for p in line.amounts))
    totals = {p: sum(line.amounts.get(p, 0.0) for line in lines) for p in periods}
    shares = plan.finance.cost_split
    rows = tuple(
        TaskRow(
            id=line.id,
            name=line.name,
            pillar=line.pillar,
            amounts=dict(line.amounts),
            provisional=tuple(line.provisional),
            split={s.funder: {p: a * s.share for p, a in line.amounts.items()} for s in shares},
        )
        for line in lines
    )
    split = tuple(
        FunderShare(s.funder, s.share, {p: totals[p] * s.share for p in periods}) for s in shares
    )
    provisional = tuple(p for p in periods if any(p in line.provisional for line in lines))
    return Tasks(periods, rows, totals, split, provisional)


def span(period: str) -> tuple[int, int] | None:
    """``"2023-2026"`` → (2023, 2026); ``"2024"`` → (2024, 2024); other keys → None."""
    parts = period.split("-")
    if len(parts) in (1, 2) and all(p.isdigit() and len(p) == 4 for p in parts):
        return int(parts[0]), int(parts[-1])
    return None


def year_task(line: BudgetLine, year: int) -> tuple[float | None, bool]:
    """A line's amount for one year and whether it is provisional ('onder voorbehoud').

    An amount keyed by the year itself wins; otherwise ``per jaar`` applies to every year
    some period of the line covers (provisional when only provisional periods cover it), or
    to every year when the line names no period at all.
    """
    key = str(year)
    if key in line.amounts:
        return line.amounts[key], key in line.provisional
    if PER_YEAR not in line.amounts:
        return None, False
    amount = line.amounts[PER_YEAR]
    flagged = PER_YEAR in line.provisional
    spans = [(s, p in line.provisional) for p in line.amounts if (s := span(p)) is not None]
    if not spans:
        return amount, flagged
    covering = [provisional for (start, end), provisional in spans if start <= year <= end]
    if not covering:
        return None, False
    return amount, flagged or all(covering)
