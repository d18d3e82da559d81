"""What today's pace means for a target: the measured pace, the pace needed from now, and
the year the target is reached if the measured trend continues. Pure.

DESIGN
A board member asks two questions of a headline target: how fast must we go from now, and
when do we get there if things go on as they went. :func:`project` answers both from the
measured points of one series (year, value) and the target's level (and year, if any):

- *Needed pace*: (target − last value) / (target year − last year), per year; only where
  the target has a year after the last point and is not reached yet.
- *Measured pace*: the least-squares slope over all measured points, per year (with two
  points simply the change between them divided by the years between them).
- *Projection*: the year the least-squares line reaches the target, given only with at
  least :data:`MIN_POINTS` points: two points always lie on a line and say nothing about
  how sure the trend is. The uncertainty is a stated rule, not a statistical promise: the
  line through the points' mean with the slope one standard error steeper gives the
  earliest year, one standard error flatter the latest; when the flatter slope no longer
  moves toward the target, there is no latest year ("of later"). The standard error of the
  slope is s / sqrt(Sxx), with s² the residual sum of squares over n − 2.
- A year is the first whole year whose value on the line is at or past the target, and
  never the last measured year or before (that point had not reached it).
- No projection when the target is reached, when the trend moves away from it or stands
  still (``reason`` says which, in Dutch), or when the projected year is more than
  :data:`HORIZON` years after the last point (a line is no forecast of a century).

:func:`target_goal` gives the level and year a target kind aims at, where one number does:
a proportional share (the reference share, or the band's lower bound), an absolute level,
a ceiling's level. A target against a moving reference (reach the G4) has no fixed level;
its gap to the reference is projected toward zero instead (:func:`gap_points`).

Callers label the result as what it is: "prognose, als het tempo van FIRST tot LAST
aanhoudt" — never as a result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from koers.plan.model import Absolute, Ceiling, Polarity, ProportionalShare, Target

MIN_POINTS = 3  # measured points a projection needs
HORIZON = 100  # years after the last point beyond which a line says nothing


@dataclass(frozen=True)
class Projection:
    """The pace of one series toward one target level."""

    points: int  # measured points
    first: int | None  # year of the first point
    last: int | None  # year of the last point
    last_value: float | None
    target: float
    target_year: int | None
    higher_is_better: bool
    measured_pace: float | None  # per year (least squares); None with fewer than 2 points
    needed_pace: float | None  # per year from the last point to the target by its year
    reached: bool  # the last value is at or past the target
    year: int | None = None  # projected first year at or past the target
    earliest: int | None = None
    latest: int | None = None  # None beside a year: no latest year can be given
    reason: str | None = None  # why there is no projection, in Dutch

    @property
    def projected(self) -> bool:
        return self.year is not None


def project(
    points: Sequence[tuple[int, float]],
    target: float,
    *,
    higher_is_better: bool,
    target_year: int | None = None,
) -> Projection:
    """The measured and needed pace of ``points`` toward ``target`` and, with at least
    :data:`MIN_POINTS` points moving toward it, the year it is reached (see the module)."""
    ordered = sorted(points)
    if len({year for year, _ in ordered}) != len(ordered):
        raise ValueError("one point per year")
    n = len(ordered)
    if n == 0:
        return Projection(
            0, None, None, None, target, target_year, higher_is_better, None, None, False,
            reason="geen metingen",
        )  # fmt: skip
    last_year, last_value = ordered[-1]
    toward = 1.0 if higher_is_better else -1.0  # the better direction
    reached = (last_value - target) * toward >= 0
    needed = (
        (target - last_value) / (target_year - last_year)
        if target_year is not None and target_year > last_year and not reached
        else None
    )
    slope, mean_t, mean_v, error = _fit(ordered)
    base = Projection(
        n, ordered[0][0], last_year, last_value, target, target_year, higher_is_better,
        slope, needed, reached,
    )  # fmt: skip
    if reached:
        return _without(base, "het doel is gehaald")
    if n < MIN_POINTS:
        return _without(
            base,
            f"te weinig metingen voor een prognose ({n}; er zijn er minstens {MIN_POINTS} nodig)",
        )
    assert slope is not None and error is not None
    if slope * toward <= 0:
        return _without(base, "het gemeten tempo gaat niet in de richting van het doel")

    def year_at(pace: float) -> int:
        crossing = mean_t + (target - mean_v) / pace
        return max(math.ceil(crossing - 1e-9), last_year + 1)

    year = year_at(slope)
    if year > last_year + HORIZON:
        return _without(base, f"bij dit tempo duurt het meer dan {HORIZON} jaar")
    earliest = year_at(slope + error * toward)
    flatter = slope - error * toward
    latest = year_at(flatter) if flatter * toward > 0 else None
    if latest is not None and latest > last_year + HORIZON:
        latest = None
    return replace(base, year=year, earliest=earliest, latest=latest)


def _fit(
    points: Sequence[tuple[int, float]],
) -> tuple[float | None, float, float, float | None]:
    """Least squares: (slope, mean year, mean value, standard error of the slope)."""
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    sxx = sum((t - mean_t) ** 2 for t, _ in points)
    if n < 2 or sxx == 0:
        return None, mean_t, mean_v, None
    slope = sum((t - mean_t) * (v - mean_v) for t, v in points) / sxx
    if n < 3:
        return slope, mean_t, mean_v, None
    residuals = sum((v - (mean_v + slope * (t - mean_t))) ** 2 for t, v in points)
    return slope, mean_t, mean_v, math.sqrt(residuals / (n - 2) / sxx)


def _without(projection: Projection, reason: str) -> Projection:
    return replace(projection, reason=reason)


def target_goal(target: Target | None) -> tuple[float, int | None] | None:
    """The level a target aims at and the year it is due (None: no single level)."""
    if isinstance(target, ProportionalShare):
        level = target.reference_share
        if target.mode == "at_least" and target.band is not None:
            level = target.band[0]  # the proportional share itself: the band's lower bound
        return None if level is None else (level, target.target_year)
    if isinstance(target, Absolute) and target.value is not None and not target.cumulative:
        return target.value, target.target_year
    if isinstance(target, Ceiling) and target.level is not None:
        return target.level, None
    return None


def higher_is_better(polarity: Polarity) -> bool:
    """Which way a series must move (a neutral indicator is read as higher is better)."""
    return polarity is not Polarity.LOWER_IS_BETTER


def gap_points(
    area: Mapping[int, float], reference: Mapping[int, float], polarity: Polarity
) -> list[tuple[int, float]]:
    """The gap to a reference per year both have, as the shortfall (positive: behind the
    reference in the better direction); a gap's target is zero, lower is better."""
    toward = 1.0 if higher_is_better(polarity) else -1.0
    return [
        (year, (reference[year] - area[year]) * toward)
        for year in sorted(area.keys() & reference.keys())
    ]
