"""Observed values and the derivation of group values from their members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from koers.areas.graph import AreaGraph
from koers.plan.model import Aggregation, Indicator, Unit

SCALE = {Unit.PERCENT: 100.0, Unit.PER_1000: 1000.0}


@dataclass(frozen=True)
class Observation:
    """One value of an indicator for an area and period, with where it came from."""

    indicator: str
    area: str
    period: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "definitief"  # voorlopig / definitief / geschat
    source: str | None = None
    note: str | None = None
    batch: str | None = None
    revision: int = 1
    # a breakdown of the figure (dimension ``partner``, category ``havensteder``); none: the
    # figure is the total for the indicator, area and period
    dimension: str | None = None
    category: str | None = None
    confirmation: str | None = None  # why a large change against the previous figure is right
    # a total formed from a breakdown: the figures it adds up (koers.areas.breakdowns)
    parts: tuple[Observation, ...] = ()

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What a figure is stored by: indicator, area, period and its breakdown ('' for the
        total)."""
        return (self.indicator, self.area, self.period, self.dimension or "", self.category or "")


@dataclass(frozen=True)
class Value:
    """A value as the engine uses it: observed, or derived from members.

    ``value`` is None when it cannot be given; ``reason`` then says why. ``members`` lists
    the areas a derived value came from, ``missing`` the members that had no value (a
    partial derivation is flagged, never silently passed off as complete).
    """

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    observations: tuple[Observation, ...] = ()
    members: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def derived(self) -> bool:
        return bool(self.members)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.source for o in self.observations if o.source))


ValueLookup = Callable[[str, str, str], Observation | None]
"""(indicator id, area id, period) -> the current observation, or None."""


@dataclass
class _Parts:
    used: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


def derive_value(
    indicator: Indicator,
    area_id: str,
    period: str,
    year: int,
    graph: AreaGraph,
    lookup: ValueLookup,
    indicators: Callable[[str], Indicator],
) -> Value:
    """The value of ``indicator`` for ``area_id``: imported if present, else derived."""
    observed = lookup(indicator.id, area_id, period)
    if observed is not None:
        return Value(observed.value, observed.numerator, observed.denominator, (observed,))
    if area_id not in graph or not graph.is_group(area_id):
        return Value(None, reason="geen gegevens")
    if indicator.aggregation is Aggregation.NONE:
        return Value(
            None, reason="geen gegevens; deze indicator is niet op te tellen over gebieden"
        )

    plus, minus = graph.members(area_id, year)
    parts = _Parts()
    terms: list[tuple[int, Value, Value | None]] = []  # (sign, value, weight)
    for sign, members in ((1, plus), (-1, minus)):
        for member in members:
            value = derive_value(indicator, member, period, year, graph, lookup, indicators)
            weight = None
            if indicator.aggregation is Aggregation.WEIGHTED_MEAN and indicator.weight:
                weight = derive_value(
                    indicators(indicator.weight), member, period, year, graph, lookup, indicators
                )
            if _usable(indicator.aggregation, value, weight):
                parts.used.append(member)
                parts.observations.extend(value.observations)
                terms.append((sign, value, weight))
            else:
                parts.missing.append(member)

    complete_needed = indicator.aggregation is Aggregation.SUM or bool(minus)
    if not parts.used or (parts.missing and complete_needed):
        what = ", ".join(graph.name(m) for m in parts.missing)
        return Value(
            None,
            members=tuple(parts.used),
            missing=tuple(parts.missing),
            reason=f"niet af te leiden: geen gegevens voor {what}",
        )
    derived = _combine(indicator, terms)
    return Value(
        derived[0],
        derived[1],
        derived[2],
        tuple(parts.observations),
        members=tuple(parts.used),
        missing=tuple(parts.missing),
        reason=None if derived[0] is not None else "niet af te leiden: noemer is nul",
    )


def _usable(aggregation: Aggregation, value: Value, weight: Value | None) -> bool:
    if aggregation is Aggregation.SUM:
        return value.value is not None
    if aggregation is Aggregation.RATIO:
        return value.numerator is not None and value.denominator is not None
    return value.value is not None and weight is not None and weight.value is not None


def _combine(
    indicator: Indicator, terms: list[tuple[int, Value, Value | None]]
) -> tuple[float | None, float | None, float | None]:
    """(value, numerator, denominator) of the group."""
    if indicator.aggregation is Aggregation.SUM:
        return sum(sign * (v.value or 0.0) for sign, v, _ in terms), None, None
    if indicator.aggregation is Aggregation.RATIO:
        numerator = sum(sign * (v.numerator or 0.0) for sign, v, _ in terms)
        denominator = sum(sign * (v.denominator or 0.0) for sign, v, _ in terms)
        if denominator == 0:
            return None, numerator, denominator
        return numerator / denominator * SCALE.get(indicator.unit, 1.0), numerator, denominator
    weighted = sum(sign * (v.value or 0.0) * (w.value or 0.0) for sign, v, w in terms if w)
    weights = sum(sign * (w.value or 0.0) for sign, _, w in terms if w)
    if weights == 0:
        return None, None, None
    return weighted / weights, None, None
