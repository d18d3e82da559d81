"""Periods on a time axis: where a period lies in time, and what its tick says.

A chart's x-axis is time (Vega-Lite ``temporal``, in UTC), so ten years take twice the room
of five and a reference date sits where it falls. A period is drawn in the middle of the
time it covers: a year (``2020``) on 1 July, a school year (``2019/2020``, August to July)
on 1 February of the year it ends in, a reference date (``2022-12-31``) on that day. The
ticks are the periods themselves, labelled as the reader knows them: ``2020``,
``2019/2020``, ``31-12-2022`` (short, so a slanted label stays on the page) — never a
calendar year under a school year's point.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from koers import nl
from koers.plan.period import period_year

_SCHOOL_YEAR = re.compile(r"^(\d{4})/(\d{4})$")
_DAY_MS = 86_400_000
_YEAR_MS = 365.25 * _DAY_MS
CHAR_PX = 6.5  # a generous width of one character of the 11 px axis labels
SLANTED_PX = 16  # two labels at 45 degrees this far apart are a line height apart


def _day(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def position(period: str) -> int:
    """Where ``period`` lies on the time axis, in milliseconds since 1970 (UTC)."""
    if (school := _SCHOOL_YEAR.match(period)) is not None:
        return _day(date(int(school[2]), 2, 1))
    if len(period) == 10:
        try:
            return _day(date.fromisoformat(period))
        except ValueError:
            pass
    return _day(date(period_year(period), 7, 1))


def stamp(at: int) -> dict[str, Any]:
    """A moment as a Vega-Lite DateTime (UTC, to the day). A plain number in a temporal
    domain compiles to ``datetime(ms)``, which Vega's CSP-safe expression interpreter (the
    website's) reads as a year: the chart collapsed to its left edge in the browser."""
    day = datetime.fromtimestamp(at / 1000, UTC)
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


def of_year(year: int, like: str | None) -> str:
    """The period of ``year`` of the same kind as ``like``: a school year ending in it, the
    same day of that year, or the year itself (also when ``like`` is None)."""
    if like is not None:
        if _SCHOOL_YEAR.match(like):
            return f"{year - 1}/{year}"
        if len(like) == 10:
            try:
                day = date.fromisoformat(like)
                return date(year, day.month, min(day.day, 28 if day.month == 2 else 31)).isoformat()
            except ValueError:
                pass
    return str(year)


def domain(positions: Sequence[int]) -> list[int]:
    """The axis's extent: the periods with a margin, so no point sits on the frame; one
    period alone stands in the middle of three years. Whole days (see :func:`stamp`)."""
    low, high = min(positions), max(positions)
    pad = max((high - low) * 0.04, _YEAR_MS / 3) if high > low else _YEAR_MS
    return [int((low - pad) // _DAY_MS * _DAY_MS), int(-(-(high + pad) // _DAY_MS) * _DAY_MS)]


def ticks(periods: Sequence[str], width: int) -> tuple[list[int], str, int]:
    """The tick positions, the Vega expression that labels them and the labels' angle.

    Labels stand upright when each fits beside its neighbours, else at 45 degrees; at 45
    degrees a label too close to the previous one is left out (the last one is kept, in
    place of the one before it)."""
    shown = sorted({p: position(p) for p in periods}.items(), key=lambda item: item[1])
    if not shown:
        return [], "''", 0
    extent = domain([at for _, at in shown])
    scale = width / (extent[1] - extent[0])

    def px(at: int) -> float:
        return (at - extent[0]) * scale

    def label(period: str) -> str:
        return nl.short_period(period)

    upright = all(
        px(b_at) - px(a_at) >= (len(label(a)) + len(label(b))) / 2 * CHAR_PX + 6
        for (a, a_at), (b, b_at) in itertools.pairwise(shown)
    )
    kept = shown
    if not upright:
        kept = [shown[0]]
        for item in shown[1:]:
            if px(item[1]) - px(kept[-1][1]) >= SLANTED_PX:
                kept.append(item)
        if kept[-1] != shown[-1]:  # the last period is labelled, in place of the one before
            if len(kept) > 1:
                kept[-1] = shown[-1]
            else:
                kept.append(shown[-1])
    expression = "''"
    for period, at in reversed(kept):
        text = label(period).replace("'", "\\'")
        expression = f"time(datum.value) == {at} ? '{text}' : {expression}"
    return [at for _, at in kept], expression, 0 if upright else -45
