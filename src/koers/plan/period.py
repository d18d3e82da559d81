"""Periods as observations carry them, and the year each one counts for.

Three forms: a calendar year ``"2022"``, a school year ``"2022/2023"`` and a reference date
``"2022-10-01"``. Trajectories are per year, so each period maps to one year: a calendar year
to itself, a school year to the year it ends in (results of 2022/2023 are known in 2023),
and a reference date to its year.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})/(\d{4})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

PERIOD_FORMS = "a year '2022', a school year '2022/2023' or a date '2022-10-01'"


@lru_cache(maxsize=4096)  # a few dozen distinct periods among many thousands of figures
def period_year(period: str) -> int:
    """The year a period counts for; ValueError names the accepted forms."""
    text = period.strip()
    if match := _YEAR.match(text):
        return int(match[1])
    if match := _SCHOOL_YEAR.match(text):
        start, end = int(match[1]), int(match[2])
        if end != start + 1:
            raise ValueError(f"school year '{period}' must span two consecutive years")
        return end
    if match := _DATE.match(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).year
        except ValueError:
            raise ValueError(f"'{period}' is not a valid date") from None
    raise ValueError(f"period '{period}' is not {PERIOD_FORMS}")


def canonical_period(period: str, periodicity: str) -> str:
    """One spelling per point in time, so that a file's ``2023`` and a mapping's
    ``2023-01-01`` are one figure, not two.

    Only for an indicator measured on a reference date (``periodicity`` ``reference_date``):
    the first of January is written as the plain year (the year such a figure counts for; a
    plain year there says "at the start of the year, or the date was not given"). Other
    dates are other reference dates and stay; for an indicator counted per calendar year a
    date is a deliberate point in time (a baseline "bij aanvang") and stays too.
    """
    match = _DATE.match(period.strip())
    if periodicity == "reference_date" and match and match[2] == match[3] == "01":
        return match[1]
    return period


def due_passed(due: str | None, today: date, kind: str | None = None) -> bool:
    """Whether a deadline (``2024``, ``2024-06``, ``2024-06-30``, a period ``2023-2027``)
    lies before ``today``. Only a deadline can pass: a date of kind ``start``, ``niet_voor``
    or ``jaarlijks`` says when something begins, may begin or recurs, and ``doorlopend`` has
    no date. ``kind`` None is a deadline (plans without date kinds)."""
    if not due or due == "doorlopend" or kind not in (None, "uiterlijk"):
        return False
    last = due.split("-")[-1] if len(due) == 9 else due  # a period: its last year
    parts = [int(p) for p in last.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return date(year, month, day) < today
