"""Dutch number formatting for explanations, tables and reports: ``12,4%``, ``€ 32.300``.

Kept dependency-free so the pure core can use it; grouping with '.', decimals with ','.
"""

from __future__ import annotations

from datetime import date

from koers.plan.model import Unit

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def number(value: float, decimals: int = 0) -> str:
    """``1234567.891, 2`` → ``1.234.567,89``."""
    text = f"{abs(value):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if round(value, decimals) < 0 else "") + text


def value(amount: float | None, unit: Unit, decimals: int = 1) -> str:
    """A value in its unit: ``12,4%``, ``€ 32.300``, ``13.292``, ``4,2‰``."""
    if amount is None:
        return "onbekend"
    if unit is Unit.PERCENT:
        return f"{number(amount, decimals)}%"
    if unit is Unit.EURO:
        return f"€ {number(amount, decimals)}"
    if unit is Unit.PER_1000:
        return f"{number(amount, decimals)}‰"
    if unit is Unit.YEARS:
        return f"{number(amount, decimals)} jaar"
    return number(amount, decimals)


def difference(amount: float, unit: Unit, decimals: int = 1) -> str:
    """A gap between two values: ``2,3 procentpunt``, ``€ 6.200``, ``1.500``."""
    if unit is Unit.PERCENT:
        return f"{number(amount, decimals)} procentpunt"
    if unit in (Unit.INDEX, Unit.SCORE):
        return f"{number(amount, decimals)} punt"
    return value(amount, unit, decimals)


def share(fraction: float) -> str:
    """A fraction as a whole percentage: ``0.41`` → ``41%``."""
    return f"{number(fraction * 100, 0)}%"


def unit_follows(unit: Unit) -> bool:
    """Whether a difference in this unit is written as a number followed by a word."""
    return unit in (Unit.PERCENT, Unit.INDEX, Unit.SCORE)


def long_date(day: date) -> str:
    """``date(2023, 1, 1)`` → ``1 januari 2023``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
