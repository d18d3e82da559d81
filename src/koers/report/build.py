"""The document model of the yearly reports, built from the plan and its figures. Pure.

One :class:`ReportSet` holds what the three kinds of document show — Deel I *Zuid op Koers*,
Deel II, and a *jaarambitie* document per wijk — so the templates only lay it out. Every
number in it is an :class:`~koers.assess.Assessment` or an observation, with its source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from koers.alliance import AllianceSummary
from koers.areas import Observation
from koers.assess import Assessment, ObservationIndex, Status, evaluate
from koers.plan.history import PlanHistory
from koers.plan.model import (
    Finance,
    Indicator,
    IndicatorKind,
    Intervention,
    Pillar,
    Plan,
)
from koers.plan.passport import passports
from koers.plan.period import period_year
from koers.plan.summary import AgreementRow, agreement_rows
from koers.present import (
    Line,
    chart_lines,
    series_chart,
    shown_as,
    source_list,
    wijk_maps,
)
from koers.present.guide import ReadingGuide, reading_guide
from koers.present.passports import deliverers
from koers.report.agreements import AgreementOverview, agreement_overview, report_day
from koers.report.newspaper import Newspaper, build_newspaper
from koers.report.wijkdoc import WijkDocument, wijk_documents


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    assessment: Assessment
    chart: dict[str, Any] | None
    narrative: str | None
    lines: tuple[Line, ...] = ()
    # the breakdowns of the assessed period (schoolweging bands, partners' contributions),
    # by dimension, category, then the plan's order of areas: a small table under the
    # indicator in Deel II
    breakdowns: tuple[Observation, ...] = ()

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
class SourceRow:
    """A row of the source appendix: an indicator with figures, its passport's sources as
    citations (publisher, table or file, year), the sources its figures name, and who
    delivers it how often."""

    indicator: Indicator
    citations: list[str]
    figures_from: list[str]
    frequency: str
    delivered_by: str


@dataclass(frozen=True)
class GapProgress:
    """What the overview's indicators (Tabel 1) measured of the gap they are to close: the
    counterpart of the ambition's milestone, so the cover states the result as measured and
    the ambition as ambition."""

    table: str
    baseline: int | None  # the year the gap is measured from
    measured: int  # indicators with a baseline and a later figure
    quarter: int  # of those, with at least a quarter of the gap closed
    behind: int  # of those, further behind than at the baseline
    first: int  # the years of the latest figures: from ...
    last: int  # ... to


def gap_progress(plan: Plan, assessments: Mapping[str, Assessment]) -> GapProgress | None:
    """The measured gap closure of the plan's overview indicators (None without any)."""
    overview = plan.programme.overview
    if overview is None:
        return None
    closed = [
        (a.gap_closed, period_year(a.period))
        for i in overview.indicators
        if (a := assessments.get(i)) is not None and a.gap_closed is not None and a.period
    ]
    if not closed:
        return None
    return GapProgress(
        overview.table,
        plan.programme.start_year,
        len(closed),
        sum(1 for gap, _ in closed if gap >= 0.25),
        sum(1 for gap, _ in closed if gap < 0),
        min(year for _, year in closed),
        max(year for _, year in closed),
    )


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
    wijken: list[WijkDocument]  # the jaarambitie per wijk (koers.report.wijkdoc)
    sources: list[str] = field(default_factory=list)  # the figures' sources, cited
    source_rows: list[SourceRow] = field(default_factory=list)
    maps: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # wijk id -> map spec
    # further Deel II sections by name: each renders with templates/_<name>.html's section()
    extras: Mapping[str, Any] = field(default_factory=dict)
    gap: GapProgress | None = None
    intentions: list[AgreementRow] = field(default_factory=list)  # wishes and principles
    newspaper: Newspaper | None = None  # Deel I (koers.report.newspaper)
    # the agreements by pillar and owner with their summaries (koers.report.agreements)
    agreement_groups: AgreementOverview | None = None
    guide: ReadingGuide | None = None  # the reading guide, from the plan's status rules

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
    history: PlanHistory | None = None,
    breakdowns: Sequence[Observation] = (),
    final: bool = False,
) -> ReportSet:
    """Everything the yearly documents show, as of ``year``; ``boundaries`` (area id ->
    GeoJSON geometry) give each wijk document its map; ``agreement_statuses`` are the
    statuses the bureau approved (:func:`koers.workflow.current_statuses`); ``history``
    judges the year against the targets of the plan version valid then; ``breakdowns`` (the
    stored breakdown figures) give each indicator those of its assessed period; ``final``:
    the bureau closed the year, so Deel I is definitief rather than concept."""
    index = ObservationIndex(observations)
    narratives = narratives or {}
    assessments = {a.indicator: a for a in evaluate(plan, index, as_of=year, history=history)}
    listed = agreement_rows(plan, statuses=dict(agreement_statuses or {}))
    # only commitments are reported on; wishes and principles are listed apart, pointers
    # to a commitment held in another chapter not at all (it is listed there)
    rows = [r for r in listed if r.commitment]
    # late as of the end of the report year, not of the day the report is made
    overdue = {r.id for r in rows if r.overdue_on(report_day(year, generated))}
    parted = _by_indicator_and_period(plan, breakdowns)

    def view(indicator: Indicator, assessment: Assessment) -> IndicatorView:
        lines = chart_lines(plan, index, indicator, assessment, as_of=year)
        chart = (
            series_chart(
                shown_as(indicator, assessment), lines, trajectory=assessment.trajectory or None
            )
            if any(line.points for line in lines)
            else None
        )
        story = narratives.get((indicator.id, assessment.area, assessment.period or ""))
        parts = parted.get((indicator.id, assessment.period or ""), ())
        return IndicatorView(indicator, assessment, chart, story, tuple(lines), parts)

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
    main = [v for v in pillar_views if v.pillar.kind == "pillar"]
    others = [v for v in pillar_views if v.pillar.kind != "pillar"]
    columns, general = _overview(plan, index, year)
    sources = source_list(o.source or "" for o in observations)
    maps = wijk_maps(plan, boundaries or {})
    alliance = (extras or {}).get("alliance")
    reports = ReportSet(
        plan=plan,
        year=year,
        generated=generated,
        pillars=main,
        others=others,
        general_columns=columns,
        general=general,
        agreements=rows,
        overdue=overdue,
        intentions=[r for r in listed if r.kind in ("wens", "uitgangspunt")],
        wijken=wijk_documents(
            plan,
            index,
            year=year,
            today=generated,
            agreements=rows,
            maps=maps,
            alliance=alliance.wijken if isinstance(alliance, AllianceSummary) else (),
            narratives=narratives,
        ),
        sources=sources,
        source_rows=_source_rows(plan, observations),
        maps=maps,
        extras=dict(extras or {}),
        gap=gap_progress(plan, assessments),
        agreement_groups=agreement_overview(plan, rows, year=year, generated=generated),
        guide=reading_guide(plan),
    )
    paper = build_newspaper(reports, views, index, boundaries=boundaries or {}, final=final)
    return replace(reports, newspaper=paper)


def _source_rows(plan: Plan, observations: Sequence[Observation]) -> list[SourceRow]:
    """The source appendix: every indicator with figures, in the plan's order."""
    named: dict[str, set[str]] = {}
    for o in observations:
        if o.value is not None:
            named.setdefault(o.indicator, set()).add(o.source or "")
    rows = []
    for indicator_id, passport in passports(plan).items():
        if indicator_id not in named:
            continue
        citations = list(dict.fromkeys(c.text() for c in passport.sources))
        rows.append(
            SourceRow(
                plan.indicator(indicator_id),
                citations,
                [s for s in source_list(named[indicator_id]) if s not in citations],
                passport.frequency,
                deliverers(plan, passport, limit=3),
            )
        )
    return rows


def _figure(
    index: ObservationIndex, indicator: str, area: str, year: int, baseline: int | None
) -> Observation | None:
    """The figure of an overview cell: the ``baseline`` year's, or the latest up to ``year``."""
    periods = index.periods_by_year(indicator, as_of=baseline or year)
    candidates = sorted(periods.items(), reverse=True)
    if baseline is not None:
        candidates = [(y, p) for y, p in candidates if y == baseline]
    for _, period in candidates:
        found = index.get(indicator, area, period)
        if found is not None:
            return found
    return None


def _overview(
    plan: Plan, index: ObservationIndex, year: int
) -> tuple[list[tuple[str, str]], list[GeneralRow]]:
    """The general picture the plan asks for (``programme.overview``): its columns as (key,
    heading) and a row per indicator; a baseline column's key is ``area-YEAR``."""
    overview = plan.programme.overview
    if overview is None:
        return [], []
    names = {a.id: a.name for a in plan.areas}
    start = plan.programme.start_year
    cells = [
        (f"{c.area}-{start}" if c.baseline else c.area, c.area, start if c.baseline else None, c)
        for c in overview.columns
    ]
    columns = [(key, c.label or names[area]) for key, area, _, c in cells]
    indicators = {i.id: i for i in plan.indicators}
    rows = [
        GeneralRow(
            indicators[ind],
            {key: _figure(index, ind, area, year, base) for key, area, base, _ in cells},
        )
        for ind in overview.indicators
    ]
    return columns, rows


def _by_indicator_and_period(
    plan: Plan, breakdowns: Sequence[Observation]
) -> dict[tuple[str, str], tuple[Observation, ...]]:
    """The breakdown figures with a value per (indicator, period), by dimension, category
    and the plan's order of areas."""
    order = {a.id: n for n, a in enumerate(plan.areas)}
    ranked = sorted(
        (o for o in breakdowns if o.value is not None),
        key=lambda o: (o.dimension or "", o.category or "", order.get(o.area, len(order))),
    )
    found: dict[tuple[str, str], list[Observation]] = {}
    for o in ranked:
        found.setdefault((o.indicator, o.period), []).append(o)
    return {key: tuple(rows) for key, rows in found.items()}
