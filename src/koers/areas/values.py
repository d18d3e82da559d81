"""Observed values and the derivation of group values from their members.

A group's value comes from the areas its :class:`~koers.areas.cover.Cover` adds and
subtracts: counts add up, rates are recomputed from summed numerators and denominators,
means are weighted by the declared weight. A group with a member that cannot be covered is
not given at all, for every aggregation: a share of 14 of 15 wijken is not Zuid's share,
and a partial value would look like a whole one. The reason names the missing members, or
counts them when more than :data:`NAMED_MISSING` are missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from koers import nl
from koers.areas.cover import cover
from koers.areas.graph import AreaGraph
from koers.plan.model import Aggregation, AreaKind, Indicator, Unit

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

    @classmethod
    def stored(
        cls,
        indicator: str,
        area: str,
        period: str,
        dimension: str | None,
        category: str | None,
        revision: int,
        value: float | None,
        numerator: float | None,
        denominator: float | None,
        status: str,
        source: str | None,
        note: str | None,
        batch: str | None,
        confirmation: str | None,
    ) -> Observation:
        """A figure as the store reads it, every field given in the order of its columns.
        Built without the frozen ``__init__``'s one guarded set per field: a store of 100 000
        figures is read in a third of the time (``bench/bigstore.py``)."""
        obs = object.__new__(cls)
        obs.__dict__.update(
            indicator=indicator,
            area=area,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            status=status,
            source=source,
            note=note,
            batch=batch,
            revision=revision,
            dimension=dimension or None,
            category=category or None,
            confirmation=confirmation,
            parts=(),
        )
        return obs

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What a figure is stored by: indicator, area, period and its breakdown ('' for the
        total)."""
        return (self.indicator, self.area, self.period, self.dimension or "", self.category or "")


@dataclass(frozen=True)
class Value:
    """A value as the engine uses it: observed, or derived from members.

    ``value`` is None when it cannot be given; ``reason`` then says why. ``members`` lists
    the areas a derived value came from (those added, then those subtracted), ``missing``
    the group's own members that could not be covered: then there is no value at all, never
    a partial one passed off as complete.
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


NAMED_MISSING = 3
"""Up to this many missing members are named; more are counted ("15 van de 15 wijken")."""

KIND_PLURAL = {
    AreaKind.COUNTRY: "landen",
    AreaKind.MUNICIPALITY: "gemeenten",
    AreaKind.DISTRICT: "gebieden",
    AreaKind.WIJK: "wijken",
    AreaKind.BUURT: "buurten",
    AreaKind.GROUP: "gebieden",
}


def derive_value(
    indicator: Indicator,
    area_id: str,
    period: str,
    year: int,
    graph: AreaGraph,
    lookup: ValueLookup,
    indicators: Callable[[str], Indicator],
) -> Value:
    """The value of ``indicator`` for ``area_id``: imported if present, else derived.

    A group is resolved by :func:`koers.areas.cover.cover` into the areas nearest to it that
    have a usable figure of their own (``part_of`` honoured, each area once, ``minus``
    subtracted); only a complete cover gives a value.
    """
    observed = lookup(indicator.id, area_id, period)
    if observed is not None:
        return _observed(observed)
    if area_id not in graph:
        return Value(None, reason="geen gegevens")
    if not graph.is_group(area_id):
        whole = graph[area_id].part_of
        if whole is not None and whole in graph:
            return Value(
                None,
                reason=f"geen eigen gegevens: {graph.name(area_id)} is een deel van "
                f"{graph.name(whole)}, waarvan de cijfers niet te splitsen zijn",
            )
        return Value(None, reason="geen gegevens")
    if indicator.aggregation is Aggregation.NONE:
        return Value(
            None, reason="geen gegevens; deze indicator is niet op te tellen over gebieden"
        )

    usable: dict[str, tuple[Value, Value | None] | None] = {}

    def stops(member: str) -> bool:
        """Whether ``member`` has a figure of its own that the aggregation can use."""
        if member not in usable:
            usable[member] = None
            found = lookup(indicator.id, member, period) if member != area_id else None
            if found is not None:
                value, weight = _observed(found), None
                if indicator.aggregation is Aggregation.WEIGHTED_MEAN and indicator.weight:
                    weight_of = indicators(indicator.weight)
                    weight = derive_value(
                        weight_of, member, period, year, graph, lookup, indicators
                    )
                if _usable(indicator.aggregation, value, weight):
                    usable[member] = (value, weight)
        return usable[member] is not None

    resolved = cover(graph, area_id, year, stops)
    if not resolved.complete:
        return Value(
            None,
            missing=resolved.missing,
            reason=f"niet af te leiden: {_missing_text(graph, area_id, year, resolved.missing)}",
        )
    terms: list[tuple[int, Value, Value | None]] = []  # (sign, value, weight)
    for sign, areas in ((1, resolved.plus), (-1, resolved.minus)):
        for member in areas:
            found = usable[member]
            assert found is not None  # the cover only holds areas that stop
            terms.append((sign, *found))
    derived = _combine(indicator, terms)
    return Value(
        derived[0],
        derived[1],
        derived[2],
        tuple(o for _, v, _ in terms for o in v.observations),
        members=(*resolved.plus, *resolved.minus),
        reason=None if derived[0] is not None else "niet af te leiden: noemer is nul",
    )


def _missing_text(graph: AreaGraph, area_id: str, year: int, missing: tuple[str, ...]) -> str:
    """'geen gegevens voor A, B en C', or counted when more than :data:`NAMED_MISSING` of
    the group's members are missing: 'geen gegevens voor 15 van de 15 wijken'."""
    if len(missing) <= NAMED_MISSING:
        return f"geen gegevens voor {nl.listing([graph.name(m) for m in missing])}"
    plus, minus = graph.members(area_id, year)
    return f"geen gegevens voor {len(missing)} van de {counted(graph, (*plus, *minus))}"


def counted(graph: AreaGraph, areas: tuple[str, ...]) -> str:
    """'15 wijken', '22 buurten'; '7 gebieden' when they are of several kinds."""
    kinds = {graph[a].kind if a in graph else AreaKind.GROUP for a in areas}
    noun = KIND_PLURAL[kinds.pop()] if len(kinds) == 1 else "gebieden"
    return f"{len(areas)} {noun}"


def _observed(observation: Observation) -> Value:
    return Value(observation.value, observation.numerator, observation.denominator, (observation,))


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
