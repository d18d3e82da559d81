"""What a chart says, in one Dutch sentence: its alternative text.

A reader who cannot see the chart hears its message, not its type: where the area started
and where it is now, with the periods; the areas it is compared with; and what the plan
intends. For example: "Aandeel in de bijstand: Rotterdam-Zuid daalde van 40,0% (2014) naar
35,0% (2022); ter vergelijking Rotterdam 30,1% (2022); het plan beoogt 32,0% in 2031."
The sentence becomes the chart's ``description``: the SVG's ``<title>`` and ``aria-label``,
the Alt text of the figure in the tagged PDF and the caption under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from koers import nl
from koers.plan.model import Unit
from koers.plan.period import period_year

Points = Sequence[tuple[str, float]]  # (period, value) in time order


def chart_message(
    name: str,
    unit: Unit,
    decimals: int,
    series: Sequence[tuple[str, Points]],
    plan_path: Points = (),
) -> str:
    """The message of a line chart of ``name``: ``series`` are (area, points), the first
    the area the chart is about; ``plan_path`` the plan's knots (period, value) in time
    order (the start, each change of pace and the end of the planned path), each period of
    the area's kind (a school year where the area has school years)."""

    def value(amount: float) -> str:  # "€" stays on the line of its number
        return nl.value(amount, unit, decimals).replace("€ ", "€\u00a0")

    drawn = [(area, points) for area, points in series if points]
    if not drawn:
        return f"{name}: geen gegevens."
    area, points = drawn[0]
    (p0, v0), (p1, v1) = points[0], points[-1]
    if len(points) == 1:
        story = f"{area} {value(v0)} ({nl.period(p0)})"
    elif value(v0) == value(v1):
        story = f"{area} bleef {value(v1)} ({nl.period(p0)} en {nl.period(p1)})"
    else:
        verb = "steeg" if v1 > v0 else "daalde"
        story = (
            f"{area} {verb} van {value(v0)} ({nl.period(p0)}) naar {value(v1)} ({nl.period(p1)})"
        )
    parts = [story]
    compared = [
        f"{other} {value(found[-1][1])} ({nl.period(found[-1][0])})" for other, found in drawn[1:]
    ]
    if compared:
        parts.append(f"ter vergelijking {nl.listing(compared)}")
    if plan_path:
        last_year = max(period_year(p) for _, found in drawn for p, _ in found)
        ahead = [(p, v) for p, v in plan_path if period_year(p) > last_year][-2:]
        # the plan's milestones are years: a school year stays one, a date says its year
        planned = [
            f"{value(v)} in {p if '/' in p else period_year(p)}" for p, v in ahead or plan_path[-1:]
        ]
        parts.append(f"het plan {'beoogt' if ahead else 'beoogde'} {nl.listing(planned)}")
    return f"{name}: {'; '.join(parts)}."


def knots(path: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    """The knots of a piecewise-linear path given year by year: its first and last year and
    every year where its pace changes."""
    if len(path) <= 2:
        return list(path)
    kept = [path[0]]
    for before, here, after in zip(path, path[1:], path[2:], strict=False):
        pace_in = (here[1] - before[1]) / (here[0] - before[0])
        pace_out = (after[1] - here[1]) / (after[0] - here[0])
        if abs(pace_in - pace_out) > 1e-9 * max(1.0, abs(pace_in), abs(pace_out)):
            kept.append(here)
    kept.append(path[-1])
    return kept
