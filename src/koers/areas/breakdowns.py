"""Breakdowns of a figure and the total they form.

A figure may be stored for a breakdown of an indicator, area and period: a dimension and a
category (``partner`` / ``havensteder``, ``leeftijd`` / ``0-17``, ``schoolweging`` /
``band-3``). Partners that report one output indicator together each store their own
contribution (dimension ``partner``), so approving one never replaces another's.

What is assessed, charted and published is the *total* (:func:`published`): a stored total
when there is one; otherwise the sum of the categories of a dimension when the indicator's
total is formed by ``sum`` (:attr:`koers.plan.Indicator.total_from_breakdown`) and every
category has a value. Where two dimensions give different sums, or the indicator's total is
``none`` (rates, averages), no total is formed: nothing is invented. Pure: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from koers.areas.values import Observation
from koers.plan.model import BreakdownTotal, Indicator

CONTRIBUTION = "partner"
"""The dimension of partners' contributions to an indicator they report together."""

_STATUS_ORDER = ("definitief", "voorlopig", "geschat")  # the weakest part sets the total's


def published(
    indicators: Mapping[str, Indicator], observations: Iterable[Observation]
) -> list[Observation]:
    """The totals: stored ones as they are, and those formed from breakdowns, each formed
    total carrying its ``parts``."""
    totals: dict[tuple[str, str, str], Observation] = {}
    parts: dict[tuple[str, str, str], dict[str, list[Observation]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for obs in observations:
        key = (obs.indicator, obs.area, obs.period)
        if obs.dimension is None:
            kept = totals.get(key)
            if kept is None or obs.revision > kept.revision:
                totals[key] = obs
        else:
            parts[key][obs.dimension].append(obs)
    result = list(totals.values())
    for key, dimensions in parts.items():
        indicator = indicators.get(key[0])
        if key in totals or indicator is None:
            continue
        formed = total_of(indicator, dimensions)
        if formed is not None:
            result.append(formed)
    return result


def total_of(
    indicator: Indicator, dimensions: Mapping[str, list[Observation]]
) -> Observation | None:
    """The total the breakdowns of one indicator, area and period form, or None."""
    if indicator.total_from_breakdown is not BreakdownTotal.SUM:
        return None
    sums: dict[str, float] = {}
    for dimension, rows in dimensions.items():
        if rows and all(r.value is not None for r in rows):
            sums[dimension] = round(sum(r.value or 0.0 for r in rows), 10)
    if not sums or len(set(sums.values())) > 1:
        return None
    dimension = CONTRIBUTION if CONTRIBUTION in sums else sorted(sums)[0]
    rows = sorted(dimensions[dimension], key=lambda r: r.category or "")
    status = max((r.status for r in rows), key=lambda s: _rank(s))
    sources = ", ".join(dict.fromkeys(r.source for r in rows if r.source)) or None
    return replace(
        rows[0],
        value=sums[dimension],
        numerator=None,
        denominator=None,
        status=status,
        source=sources,
        note=f"som van {len(rows)} {'bijdragen' if dimension == CONTRIBUTION else 'categorieën'}"
        f" ({dimension})",
        batch=None,
        revision=max(r.revision for r in rows),
        dimension=None,
        category=None,
        confirmation=None,
        parts=tuple(rows),
    )


def _rank(status: str) -> int:
    return _STATUS_ORDER.index(status) if status in _STATUS_ORDER else 0


def breakdowns_of(
    observations: Iterable[Observation], indicator: str, area: str | None = None
) -> list[Observation]:
    """The breakdown figures of ``indicator`` (in ``area``), by period, dimension, category."""
    found = [
        o
        for o in observations
        if o.dimension is not None and o.indicator == indicator and area in (None, o.area)
    ]
    return sorted(found, key=lambda o: (o.area, o.period, o.dimension or "", o.category or ""))
