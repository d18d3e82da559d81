"""All Dutch formatting of koers: numbers, money, shares, dates and moments.

``12,4%``, ``€ 32.300``, ``2,3 procentpunt``, ``1 januari 2023``, ``5 maart 2025 om 14:03``.
Grouping with '.', decimals with ','; a missing amount or date is ``—``. Kept free of
frameworks so the pure core, the reports, the website and the command line all use it.

Typography as a Dutch typesetter would do it: a non-breaking space between ``€`` and its
amount (:data:`NBSP`), so a line never ends in ``€``; a real minus sign (:data:`MINUS`,
U+2212) before a negative number, never a hyphen.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from koers.plan.model import Unit

NBSP = "\u00a0"  # between € and its amount
MINUS = "\u2212"  # the minus sign of a negative number

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
    """``1234567.891, 2`` → ``1.234.567,89``; ``-3`` → ``−3`` (the minus sign)."""
    text = f"{abs(value):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return (MINUS if round(value, decimals) < 0 else "") + text


def value(amount: float | None, unit: Unit, decimals: int = 1) -> str:
    """A value in its unit: ``12,4%``, ``€ 32.300``, ``13.292``, ``4,2‰``."""
    if amount is None:
        return "onbekend"
    if unit is Unit.PERCENT:
        return f"{number(amount, decimals)}%"
    if unit is Unit.EURO:
        return f"€{NBSP}{number(amount, decimals)}"
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


def count(n: int, one: str, many: str) -> str:
    """'1 grens', '3 grenzen', '1.204 objecten'."""
    return f"{number(n)} {one if n == 1 else many}"


def share(fraction: float) -> str:
    """A fraction as a whole percentage: ``0.41`` → ``41%``."""
    return f"{number(fraction * 100, 0)}%"


def listing(items: list[str]) -> str:
    """Words in a Dutch list: ``A``, ``A en B``, ``A, B en C``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"


def unit_follows(unit: Unit) -> bool:
    """Whether a difference in this unit is written as a number followed by a word."""
    return unit in (Unit.PERCENT, Unit.INDEX, Unit.SCORE)


def euro(amount: float | None) -> str:
    """``1465000`` → ``€ 1.465.000`` (a non-breaking space); None → ``—``."""
    return "—" if amount is None else f"€{NBSP}{number(amount, 0)}"


def percent(fraction: float | None) -> str:
    """``0.75`` → ``75%``; None → ``—``."""
    return "—" if fraction is None else share(fraction)


def long_date(day: date | None) -> str:
    """``date(2023, 1, 1)`` → ``1 januari 2023``; no date → ``—``."""
    if day is None:
        return "—"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period(text: str | None) -> str:
    """A period as a reader says it: a reference date ``2024-01-01`` as ``1 januari 2024``,
    a month ``2019-05`` as ``mei 2019``; a year (``2024``) and a school year (``2022/2023``)
    as they are."""
    if not text:
        return "—"
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        month = int(text[5:])
        return f"{MONTHS[month - 1]} {text[:4]}" if 1 <= month <= 12 else text
    try:
        return long_date(date.fromisoformat(text)) if len(text) == 10 else text
    except ValueError:
        return text


def short_period(text: str) -> str:
    """A period where space is short (a chart's axis): ``2024-01-01`` as ``1-1-2024``; a
    year and a school year as they are."""
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    return f"{day.day}-{day.month}-{day.year}" if day else text


def moment(at: datetime) -> str:
    """``5 maart 2025 om 14:03`` in Dutch time (UTC where no time zone data is installed).

    A naive datetime is taken as UTC, as the store keeps every moment."""
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    try:
        local = at.astimezone(ZoneInfo("Europe/Amsterdam"))
        suffix = ""
    except ZoneInfoNotFoundError:  # pragma: no cover - depends on the system's tzdata
        local, suffix = at, " UTC"
    return f"{long_date(local.date())} om {local:%H:%M}{suffix}"


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])\b(?!-)")


def dates_in(text: str) -> str:
    """The ISO dates inside a text written as a reader says them: ``uiterlijk 2023-12-31``
    → ``uiterlijk 31 december 2023``, ``2023-06`` → ``juni 2023``; a period of years
    (``2023-2027``) stays as it is."""
    text = _ISO_DAY.sub(lambda m: long_date(date(int(m[1]), int(m[2]), int(m[3]))), text)
    return _ISO_MONTH.sub(lambda m: f"{MONTHS[int(m[2]) - 1]} {m[1]}", text)


def percentage(fraction: float) -> str:
    """A setting as a percentage with the decimals it needs: ``0.1`` → ``10%``, ``0.025``
    → ``2,5%`` (:func:`share` rounds to whole percents)."""
    for decimals in range(3):
        if abs(round(fraction * 100, decimals) - fraction * 100) < 1e-9:
            return f"{number(fraction * 100, decimals)}%"
    return f"{number(fraction * 100, 2)}%"
