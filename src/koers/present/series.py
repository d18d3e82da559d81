"""Which lines an indicator's chart draws and which figure a table cell shows — one choice
for the reports and the website, so the two cannot drift apart.

A chart draws the target's area, the target's reference area and the programme's city for
context (``programme.city`` in the plan), each in the area's own colour and shape
(:mod:`koers.present.styles`); a share computed from counts (a proportional share with
``share_of``) is drawn as that share only, on a percentage axis (:func:`shown_as`): a chart
never puts counts beside the share the text states. The order of the pillars is the
plan's own: its pillars first, then its aandachtsgebieden, then its programme-wide themes.
"""

from __future__ import annotations

from koers.assess import Assessment, ObservationIndex
from koers.plan.model import Indicator, Pillar, Plan, ProportionalShare, ReachReference, Unit
from koers.present.charts import Line
from koers.present.styles import area_styles

KIND_RANK = {"pillar": 0, "aandachtsgebied": 1, "thema": 2}


def ordered_pillars(plan: Plan) -> list[Pillar]:
    """Pillars in the plan's order, then aandachtsgebieden, then themes."""
    return sorted(plan.pillars, key=lambda p: KIND_RANK[p.kind])  # stable: plan order within


def pillar_rank(plan: Plan, pillar: str | None) -> int:
    """Position of a pillar (kind ``pillar``) in the plan; everything else after them."""
    main = [p.id for p in plan.pillars if p.kind == "pillar"]
    return main.index(pillar) if pillar in main else len(main)


def _points(
    plan: Plan, index: ObservationIndex, indicator: Indicator, area: str, as_of: int | None
) -> dict[str, float]:
    return {
        period: value.value
        for period, value in index.series(plan, indicator, area, as_of=as_of)
        if value.value is not None
    }


def chart_lines(
    plan: Plan,
    index: ObservationIndex,
    indicator: Indicator,
    assessment: Assessment,
    *,
    as_of: int | None = None,
) -> list[Line]:
    """The lines of an indicator's chart, with figures up to ``as_of`` (a report's year)."""
    names = {a.id: a.name for a in plan.areas}
    styles = area_styles(plan)
    target = indicator.target
    if isinstance(target, ProportionalShare) and target.share_of:
        part = _points(plan, index, indicator, assessment.area, as_of)
        whole = _points(plan, index, indicator, target.share_of, as_of)
        shares = [(p, v / whole[p] * 100) for p, v in part.items() if whole.get(p)]
        name = names.get(assessment.area, assessment.area)
        return [Line(name, shares, "area", styles.get(assessment.area))]
    wanted: list[tuple[str, str]] = [(assessment.area, "area")]
    if isinstance(target, ReachReference):
        wanted.append((target.reference_area, "reference"))
    city = plan.programme.city
    if city in names and all(area != city for area, _ in wanted):
        wanted.append((city, "other"))
    lines = []
    for area, role in wanted:
        found = _points(plan, index, indicator, area, as_of)
        if found or role == "area":
            lines.append(
                Line(names.get(area, area), list(found.items()), role, styles.get(area))  # type: ignore[arg-type]
            )
    return lines


def shown_as(indicator: Indicator, assessment: Assessment) -> Indicator:
    """The indicator as its chart shows it: a share computed from counts (the assessment's
    unit differs from the indicator's) is a percentage with one decimal."""
    if assessment.unit == indicator.unit.value:
        return indicator
    return indicator.model_copy(update={"unit": Unit(assessment.unit), "decimals": 1})


def value_at(
    plan: Plan, index: ObservationIndex, indicator: Indicator, area: str, period: str | None
) -> float | None:
    """The value of ``area`` for exactly ``period`` (derived from members where needed);
    for a share computed from counts (``share_of``), that share."""
    if period is None:
        return None

    def raw(key: str) -> float | None:
        for found, value in index.series(plan, indicator, key):
            if found == period:
                return value.value
        return None

    value = raw(area)
    target = indicator.target
    if value is not None and isinstance(target, ProportionalShare) and target.share_of:
        whole = raw(target.share_of)
        return value / whole * 100 if whole else None
    return value
