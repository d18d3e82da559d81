"""Tabel 12 and 13: the programme bureau's budget against the contributions per year.

A contribution counts in a year when the year lies within ``from_year``/``to_year`` (open
ends: always). Every year of the programme period is shown, whatever year is asked for, so
that a contribution ending within the period is visible in every report.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.money.common import CENT, CSS
from koers.money.tasks import PER_YEAR, year_task
from koers.plan.model import Plan


@dataclass(frozen=True)
class BudgetRow:
    id: str
    name: str
    amount: float  # per year


@dataclass(frozen=True)
class ContributionRow:
    id: str
    name: str
    partner: str | None
    form: str
    amount_per_year: float
    from_year: int | None
    to_year: int | None


@dataclass(frozen=True)
class BureauYear:
    """The bureau's budget against the contributions that run in one year."""

    year: int
    budget: float
    contributions: float
    shortfall: float  # budget - contributions; negative: more contributed than budgeted
    ended: tuple[str, ...]  # contributions that ran out before this year
    status: str  # gedekt / tekort
    selected: bool = False

    @property
    def css(self) -> str:
        return CSS[self.status]


@dataclass(frozen=True)
class Bureau:
    """Tabel 12 (budget) and Tabel 13 (contributions) of the programme bureau."""

    budget: tuple[BudgetRow, ...]
    budget_total: float
    contributions: tuple[ContributionRow, ...]
    contributions_total: float
    balanced: bool  # the nominal totals are equal
    years: tuple[BureauYear, ...]
    price_level: str | None = None


def runs(from_year: int | None, to_year: int | None, year: int) -> bool:
    return (from_year is None or from_year <= year) and (to_year is None or year <= to_year)


def bureau(plan: Plan, year: int | None) -> Bureau:
    assert plan.finance is not None
    finance = plan.finance
    budget = tuple(
        BudgetRow(line.id, line.name, line.amounts.get(PER_YEAR, 0.0))
        for line in finance.bureau_budget
    )
    contributions = tuple(
        ContributionRow(c.id, c.name, c.partner, c.form, c.amount_per_year, c.from_year, c.to_year)
        for c in finance.contributions
    )
    budget_total = sum((b.amount for b in budget), 0.0)
    contributions_total = sum((c.amount_per_year for c in contributions), 0.0)
    programme = plan.programme
    years = []
    for y in range(programme.period_start, programme.period_end + 1):
        need = sum((year_task(line, y)[0] or 0.0 for line in finance.bureau_budget), 0.0)
        have = sum(
            (c.amount_per_year for c in contributions if runs(c.from_year, c.to_year, y)), 0.0
        )
        ended = tuple(c.name for c in contributions if c.to_year is not None and c.to_year < y)
        years.append(
            BureauYear(
                year=y,
                budget=need,
                contributions=have,
                shortfall=need - have,
                ended=ended,
                status="tekort" if need - have > CENT else "gedekt",
                selected=y == year,
            )
        )
    return Bureau(
        budget=budget,
        budget_total=budget_total,
        contributions=contributions,
        contributions_total=contributions_total,
        balanced=abs(budget_total - contributions_total) <= CENT,
        years=tuple(years),
        price_level=finance.price_level,
    )
