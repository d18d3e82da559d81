"""Do a publisher's own figures agree? Published group values against their members.

When a file gives both a city or wijk and its buurten, the group's published value and the
value derived from its members should agree within the publisher's rounding. Where they do
not, koers says so (``Mismatch``) instead of silently preferring one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from koers.areas.graph import AreaGraph
from koers.areas.values import Observation, derive_value
from koers.plan.model import Aggregation, Plan, Unit
from koers.plan.period import period_year


@dataclass(frozen=True)
class Comparison:
    indicator: str
    area: str
    period: str
    published: float
    derived: float
    members: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def difference(self) -> float:
        return self.published - self.derived

    def agrees(self, tolerance: float) -> bool:
        return abs(self.difference) <= tolerance


def rounding_tolerance(comparison: Comparison, unit: Unit, decimals: int) -> float:
    """How far a published group may differ from its members by rounding alone.

    Counts: each member rounded to 5 (CBS rounds persons to 5), so 5 per member. Other
    units: one unit of the last printed decimal.
    """
    if unit is Unit.COUNT:
        return 5.0 * len(comparison.members)
    return 10.0**-decimals


def compare_with_members(
    plan: Plan, observations: Iterable[Observation], *, indicator: str | None = None
) -> list[Comparison]:
    """Every published group value that can also be derived from its members."""
    # totals only: a breakdown (a partner's contribution, a schoolweging band) is no
    # published group value
    by_key = {(o.indicator, o.area, o.period): o for o in observations if o.dimension is None}
    graph = AreaGraph(plan.areas)
    indicators = {i.id: i for i in plan.indicators}

    def members_only(ind: str, area: str, period: str) -> Observation | None:
        return by_key.get((ind, area, period))

    results = []
    for (ind_id, area, period), published in sorted(by_key.items()):
        definition = indicators.get(ind_id)
        if (indicator is not None and ind_id != indicator) or definition is None:
            continue
        if (
            area not in graph
            or not graph.is_group(area)
            or published.value is None
            or definition.aggregation is Aggregation.NONE
        ):
            continue
        derived = derive_value(
            definition,
            area,
            period,
            period_year(period),
            graph,
            _without(members_only, area),
            indicators.__getitem__,
        )
        if derived.value is None or derived.missing:
            continue
        results.append(
            Comparison(
                ind_id,
                area,
                period,
                published.value,
                derived.value,
                derived.members,
                derived.missing,
            )
        )
    return results


def _without(
    lookup: Callable[[str, str, str], Observation | None], area: str
) -> Callable[[str, str, str], Observation | None]:
    """The lookup, blind to the group's own published value (so it is derived)."""

    def wrapped(indicator: str, asked: str, period: str) -> Observation | None:
        return None if asked == area else lookup(indicator, asked, period)

    return wrapped
