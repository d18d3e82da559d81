"""The document model of the yearly reports, built from the plan and its figures. Pure.

One :class:`ReportSet` holds what the three kinds of document show — Deel I *Zuid op Koers*,
Deel II, and a *jaarambitie* document per wijk — so the templates only lay it out. Every
number in it is an :class:`~koers.assess.Assessment` or an observation, with its source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from koers.areas import Observation
from koers.assess import Assessment, ObservationIndex, Status, evaluate
from koers.plan.model import (
    Area,
    AreaKind,
    Finance,
    Indicator,
    IndicatorKind,
    Intervention,
    Pillar,
    Plan,
    ReachReference,
)
from koers.plan.period import period_year
from koers.plan.summary import AgreementRow, agreement_rows
from koers.report.charts import Line, series_chart, wijk_map

PILLAR_ORDER = ("thuisbasis", "school", "werk", "wonen", "veilig")
WIJK_TOPICS = {  # the wijk-level monitoring the plan promises (ch. 2, seed:639-642)
    "taal": ("taal", "basisvaardigheden", "laaggeletterd"),
    "schulden": ("schuld",),
    "voorschoolse educatie": ("voorschool", " ve ", "ve-bereik", "doelgroeppeuters"),
}


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    assessment: Assessment
    chart: dict[str, Any] | None
    narrative: str | None
    lines: tuple[Line, ...] = ()

    @property
    def has_data(self) -> bool:
        return self.assessment.value is not None


@dataclass(frozen=True)
class PillarView:
    pillar: Pillar
    effects: list[IndicatorView]
    outputs: list[IndicatorView]
    interventions: list[Intervention]
    agreements: list[AgreementRow]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(v.assessment.status.value for v in [*self.effects, *self.outputs])
        return {status.value: counted.get(status.value, 0) for status in Status}

    @property
    def headline(self) -> list[IndicatorView]:
        """The few effect indicators Deel I shows: those with figures, at most two."""
        return [v for v in self.effects if v.has_data][:2]


@dataclass(frozen=True)
class GeneralRow:
    indicator: Indicator
    cells: dict[str, Observation | None]  # column -> the figure


@dataclass(frozen=True)
class WijkRow:
    view: IndicatorView  # the wijk's own assessment
    zuid: float | None
    rotterdam: float | None


@dataclass(frozen=True)
class WijkView:
    area: Area
    rows: list[WijkRow]
    interventions: list[Intervention]
    agreements: list[AgreementRow]
    topics: dict[str, list[WijkRow]]


@dataclass(frozen=True)
class ReportSet:
    plan: Plan
    year: int
    generated: date
    pillars: list[PillarView]
    others: list[PillarView]  # aandachtsgebieden and themes
    general_columns: list[tuple[str, str]]  # (key, label)
    general: list[GeneralRow]
    agreements: list[AgreementRow]
    overdue: set[str]
    wijken: list[WijkView]
    sources: list[str] = field(default_factory=list)
    maps: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # wijk id -> map spec
    # further Deel II sections by name: each renders with templates/_<name>.html's section()
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def finance(self) -> Finance | None:
        return self.plan.finance

    @property
    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for view in self.pillars:
            total.update(view.counts)
        return {status.value: total.get(status.value, 0) for status in Status}


def latest_year(observations: Iterable[Observation]) -> int | None:
    """The latest year any figure counts for: the default year of the reports."""
    years = [period_year(o.period) for o in observations if o.value is not None]
    return max(years) if years else None


def build_reports(
    plan: Plan,
    observations: Sequence[Observation],
    *,
    year: int,
    generated: date,
    narratives: Mapping[tuple[str, str, str], str] | None = None,
    boundaries: Mapping[str, dict[str, Any]] | None = None,
    extras: Mapping[str, Any] | None = None,
    agreement_statuses: Mapping[str, str] | None = None,
) -> ReportSet:
    """Everything the yearly documents show, as of ``year``; ``boundaries`` (area id ->
    GeoJSON geometry) give each wijk document its map; ``agreement_statuses`` are the
    statuses the bureau approved (:func:`koers.workflow.current_statuses`)."""
    index = ObservationIndex(observations)
    narratives = narratives or {}
    assessments = {a.indicator: a for a in evaluate(plan, observations, as_of=year)}
    rows = agreement_rows(plan, statuses=dict(agreement_statuses or {}))
    overdue = {r.id for r in rows if r.overdue_on(generated)}
    names = {a.id: a.name for a in plan.areas}

    def view(indicator: Indicator, assessment: Assessment) -> IndicatorView:
        lines = _lines(plan, index, indicator, assessment, year, names)
        chart = (
            series_chart(indicator, lines, trajectory=assessment.trajectory or None)
            if any(line.points for line in lines)
            else None
        )
        story = narratives.get((indicator.id, assessment.area, assessment.period or ""))
        return IndicatorView(indicator, assessment, chart, story, tuple(lines))

    views = {i.id: view(i, assessments[i.id]) for i in plan.indicators}
    pillar_views = [
        PillarView(
            pillar,
            [
                views[i.id]
                for i in plan.indicators
                if i.pillar == pillar.id and i.kind is IndicatorKind.EFFECT
            ],
            [
                views[i.id]
                for i in plan.indicators
                if i.pillar == pillar.id and i.kind is IndicatorKind.OUTPUT
            ],
            [iv for iv in plan.interventions if iv.pillar == pillar.id],
            [r for r in rows if r.pillar == pillar.id],
        )
        for pillar in plan.pillars
    ]
    order = {pid: n for n, pid in enumerate(PILLAR_ORDER)}
    main = sorted(
        (v for v in pillar_views if v.pillar.id in order), key=lambda v: order[v.pillar.id]
    )
    others = [v for v in pillar_views if v.pillar.id not in order]
    columns = _general_columns(plan)
    general = [
        GeneralRow(
            i,
            {
                key: _figure(index, i.id, area, year, baseline=key.endswith("-2011"))
                for key, area in ((k, k.removesuffix("-2011")) for k, _ in columns)
            },
        )
        for i in plan.indicators
        if i.id.startswith("T1.")
    ]
    sources = sorted({s for o in observations if o.source for s in [o.source]})
    return ReportSet(
        plan=plan,
        year=year,
        generated=generated,
        pillars=main,
        others=others,
        general_columns=columns,
        general=general,
        agreements=rows,
        overdue=overdue,
        wijken=_wijken(plan, observations, index, views, rows, year, narratives, names),
        sources=sources,
        maps=_maps(plan, boundaries or {}),
        extras=dict(extras or {}),
    )


def _maps(plan: Plan, boundaries: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A map per wijk that has a boundary, the wijk among the other wijken of Zuid.

    A wijk made of buurten gets the union of its buurten's boundaries."""
    shapes: dict[str, dict[str, Any]] = {}
    for area in plan.areas:
        if area.kind is not AreaKind.WIJK:
            continue
        if area.id in boundaries:
            shapes[area.id] = boundaries[area.id]
        elif area.members and all(m in boundaries for m in area.members):
            polygons: list[Any] = []
            for member in area.members:
                geometry = boundaries[member]
                polygons += (
                    [geometry["coordinates"]]
                    if geometry["type"] == "Polygon"
                    else geometry["coordinates"]
                )
            shapes[area.id] = {"type": "MultiPolygon", "coordinates": polygons}
    names = {a.id: a.name for a in plan.areas}
    return {wijk: wijk_map(shapes, names, wijk) for wijk in shapes}


def _lines(
    plan: Plan,
    index: ObservationIndex,
    indicator: Indicator,
    assessment: Assessment,
    year: int,
    names: Mapping[str, str],
) -> list[Line]:
    """The area of the target, its reference, and Rotterdam for context."""
    wanted = [(assessment.area, "area")]
    target = indicator.target
    if isinstance(target, ReachReference):
        wanted.append((target.reference_area, "reference"))
    if "rotterdam" in names and all(area != "rotterdam" for area, _ in wanted):
        wanted.append(("rotterdam", "other"))
    lines = []
    for area, role in wanted:
        points = [
            (period, value.value)
            for period, value in index.series(plan, indicator, area, as_of=year)
            if value.value is not None
        ]
        if points or role == "area":
            lines.append(Line(names.get(area, area), points, role))  # type: ignore[arg-type]
    return lines


def _figure(
    index: ObservationIndex, indicator: str, area: str, year: int, baseline: bool
) -> Observation | None:
    """The figure of Tabel 1 style: the 2011 baseline, or the latest up to ``year``."""
    periods = index.periods_by_year(indicator, as_of=2011 if baseline else year)
    candidates = sorted(periods.items(), reverse=True)
    if baseline:
        candidates = [(y, p) for y, p in candidates if y == 2011]
    for _, period in candidates:
        found = index.get(indicator, area, period)
        if found is not None:
            return found
    return None


def _general_columns(plan: Plan) -> list[tuple[str, str]]:
    wanted = [
        ("nl", None),
        ("g4-2011", "G4 in 2011"),
        ("g4", None),
        ("amsterdam", None),
        ("den-haag", None),
        ("utrecht", None),
        ("rotterdam", None),
        ("zuid-2011", "Zuid in 2011"),
        ("zuid", None),
        ("focuswijken", None),
    ]
    areas = {a.id: a.name for a in plan.areas}
    return [
        (key, label or areas[key]) for key, label in wanted if key.removesuffix("-2011") in areas
    ]


def _wijken(
    plan: Plan,
    observations: Sequence[Observation],
    index: ObservationIndex,
    views: Mapping[str, IndicatorView],
    rows: list[AgreementRow],
    year: int,
    narratives: Mapping[tuple[str, str, str], str],
    names: Mapping[str, str],
) -> list[WijkView]:
    wijken = [a for a in plan.areas if a.kind is AreaKind.WIJK]
    measured = {o.indicator for o in observations if o.area in {w.id for w in wijken}}
    result = []
    for wijk in wijken:
        own = {
            a.indicator: a
            for a in evaluate(plan, observations, area=wijk.id, as_of=year)
            if a.indicator in measured
        }
        wijk_rows = [
            WijkRow(
                IndicatorView(
                    views[ind].indicator,
                    own[ind],
                    None,
                    narratives.get((ind, wijk.id, own[ind].period or "")),
                ),
                _value(index, plan, views[ind].indicator, plan.programme.area, own[ind].period),
                _value(index, plan, views[ind].indicator, "rotterdam", own[ind].period),
            )
            for ind in own
            if own[ind].value is not None
        ]
        wijk_rows.sort(key=lambda r: (_pillar_rank(r.view.indicator.pillar), r.view.indicator.id))
        # the plan links interventions and agreements to wijken only in their text
        concerning = [
            iv
            for iv in plan.interventions
            if wijk.name.lower() in (iv.description or "").lower()
            or wijk.name.lower() in iv.name.lower()
        ]
        agreements = [r for r in rows if wijk.name.lower() in r.text.lower()]
        topics = {
            topic: [
                r for r in wijk_rows if any(k in f" {r.view.indicator.name.lower()} " for k in keys)
            ]
            for topic, keys in WIJK_TOPICS.items()
        }
        result.append(WijkView(wijk, wijk_rows, concerning, agreements, topics))
    return result


def _value(
    index: ObservationIndex, plan: Plan, indicator: Indicator, area: str, period: str | None
) -> float | None:
    if period is None:
        return None
    for found_period, value in index.series(plan, indicator, area):
        if found_period == period:
            return value.value
    return None


def _pillar_rank(pillar: str | None) -> int:
    return PILLAR_ORDER.index(pillar) if pillar in PILLAR_ORDER else len(PILLAR_ORDER)
