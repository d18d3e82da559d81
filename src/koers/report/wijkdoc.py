"""The *jaarambitie* of one wijk: what the plan wants there and what is done for it. Pure.

The plan asks for a short document per wijk that says "welke ambitie er is en welke
uitvoering daaraan wordt gegeven", following its pillars. :func:`wijk_document` builds it
once, for the yearly report and the wijk's public page alike:

- the wijk's own figures beside those of the programme's area and city for the same period,
  with the direction since the wijk's previous figure in words; a colour only where the plan
  sets a target (judged against the target the plan sets for the programme's area), never
  on a context figure;
- whether the wijk, or which of its buurten, belongs to the programme's focus group
  (``programme.focus_area``);
- per pillar the ambitions the plan states for the wijk (an ambition's ``areas``), or else
  the pillar's ambition for the whole programme, said as such;
- the interventions and agreements linked to the wijk through their ``areas`` (the wijk, one
  of its buurten, its gebied or a group it is part of; :meth:`AreaGraph.concerns`), with the
  places that link them and an agreement's status once its owner reported it;
- the topics the plan follows per wijk (``programme.wijk_topics``) with the figures found;
- the wijkraad conversations of the year (:class:`~koers.alliance.WijkAlliance`);
- the map and its caption, which says so where the wijk shares its drawn area with another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from koers import nl
from koers.alliance import WijkAlliance
from koers.areas import AreaGraph
from koers.assess import Assessment, ObservationIndex, Status, evaluate
from koers.plan.model import (
    Area,
    AreaKind,
    Indicator,
    IndicatorKind,
    Intervention,
    Pillar,
    Plan,
    Polarity,
    ProportionalShare,
    Unit,
)
from koers.plan.summary import NO_OWNER, NOT_REPORTED, AgreementRow
from koers.present import decimals_of, value_at

CONTEXT_NOTE = (
    "Contextcijfers volgt het plan zonder doel; zij hebben daarom geen kleur. Een kleur staat "
    "alleen bij een cijfer waarvoor het plan een doel stelt: de wijk wordt dan gemeten aan het "
    "doel dat het plan voor {area} stelt. Een streepje: voor die periode is er geen cijfer."
)


@dataclass(frozen=True)
class WijkFigure:
    """The wijk's latest figure of one indicator beside the programme's area and city."""

    indicator: Indicator
    assessment: Assessment  # the wijk's own, judged against the programme's target
    decimals: int
    area_value: float | None  # the programme's area (Zuid), same period
    city_value: float | None  # the programme's city (Rotterdam), same period
    trend: str  # the direction since the wijk's previous figure, in words
    narrative: str | None = None

    @property
    def judged(self) -> bool:
        """Whether the colour means something: the plan sets a target and there is a verdict."""
        return (
            self.indicator.kind is not IndicatorKind.CONTEXT
            and self.assessment.target_kind not in (None, "monitor_only")
            and self.assessment.status is not Status.GRIJS
        )


@dataclass(frozen=True)
class LinkedIntervention:
    intervention: Intervention
    via: tuple[str, ...]  # the places named in the plan that tie it to the wijk


@dataclass(frozen=True)
class LinkedAgreement:
    row: AgreementRow
    via: tuple[str, ...]
    when: str | None  # the due date in words, dates written out
    overdue: bool

    @property
    def reported(self) -> bool:
        return self.row.status != NOT_REPORTED

    @property
    def owners(self) -> str:
        """Who owns it, in words (``eigenaar niet vermeld`` where the plan names none)."""
        named = [o for o in self.row.owners if o != NO_OWNER]
        return ", ".join(named) if named else f"eigenaar {NO_OWNER}"


@dataclass(frozen=True)
class Ambition:
    text: str
    places: tuple[str, ...]  # where the plan states it; empty: the whole programme


@dataclass(frozen=True)
class PillarPart:
    """One pillar of the document: its ambition, the wijk's figures, what is done."""

    pillar: Pillar
    ambitions: tuple[Ambition, ...]  # stated for this wijk (or a place it lies in)
    programme_ambition: str | None  # the pillar's ambition, shown when there is no own one
    figures: tuple[WijkFigure, ...]
    interventions: tuple[LinkedIntervention, ...]
    agreements: tuple[LinkedAgreement, ...]

    @property
    def reported(self) -> int:
        return sum(1 for a in self.agreements if a.reported)


@dataclass(frozen=True)
class Topic:
    name: str
    figures: tuple[WijkFigure, ...]


@dataclass(frozen=True)
class WijkDocument:
    area: Area
    year: int
    area_name: str  # the programme's area (Rotterdam-Zuid)
    city_name: str | None
    gebied: str | None
    buurten: tuple[str, ...]
    focus: str | None  # whether the wijk belongs to the focus group, in a sentence
    map: dict[str, Any] | None
    map_caption: str
    general: tuple[WijkFigure, ...]  # figures of no pillar of the plan's own
    pillars: tuple[PillarPart, ...]  # the plan's pillars, in its order
    others: tuple[PillarPart, ...]  # aandachtsgebieden and themes with anything to show
    topics: tuple[Topic, ...]
    alliance: WijkAlliance | None

    @property
    def figures(self) -> list[WijkFigure]:
        return [*self.general, *(f for p in (*self.pillars, *self.others) for f in p.figures)]

    @property
    def interventions(self) -> list[LinkedIntervention]:
        return [i for p in (*self.pillars, *self.others) for i in p.interventions]

    @property
    def agreements(self) -> list[LinkedAgreement]:
        return [a for p in (*self.pillars, *self.others) for a in p.agreements]

    @property
    def topic_names(self) -> str:
        """The topics followed per wijk, in a Dutch list."""
        return nl.listing([t.name for t in self.topics])

    @property
    def topics_without(self) -> str:
        """The topics without any figure of the wijk, in a Dutch list ('' if none)."""
        return nl.listing([t.name for t in self.topics if not t.figures])

    @property
    def buurten_text(self) -> str:
        return nl.listing(list(self.buurten))

    @property
    def context_note(self) -> str:
        return CONTEXT_NOTE.format(area=self.area_name)

    @property
    def periods(self) -> str | None:
        """The years of the figures shown: ``2014-2024``, or one year."""
        years = sorted({f.assessment.period[:4] for f in self.figures if f.assessment.period})
        if not years:
            return None
        return years[0] if years[0] == years[-1] else f"{years[0]}-{years[-1]}"

    @property
    def dated(self) -> bool:
        """Whether the wijk's newest figure is older than the document's year."""
        years = [int(f.assessment.period[:4]) for f in self.figures if f.assessment.period]
        return bool(years) and max(years) < self.year


def trend(
    indicator: Indicator,
    series: Sequence[tuple[str, float]],
    period: str | None,
    unit: Unit,
    decimals: int,
) -> str:
    """The direction of the figure of ``period`` since the one before it, in words:
    ``gestegen van 24,6% (2014); beter``, ``gelijk aan 2014``, ``geen eerder cijfer``."""
    periods = [p for p, _ in series]
    if period not in periods or periods.index(period) == 0:
        return "geen eerder cijfer"
    position = periods.index(period)
    before, previous = series[position - 1]
    now = series[position][1]
    shown_before = nl.value(previous, unit, decimals)
    if shown_before == nl.value(now, unit, decimals):
        return f"gelijk aan {nl.period(before)}"
    up = now > previous
    words = f"{'gestegen' if up else 'gedaald'} van {shown_before} ({nl.period(before)})"
    if indicator.polarity is Polarity.NEUTRAL:
        return words
    better = up == (indicator.polarity is Polarity.HIGHER_IS_BETTER)
    return f"{words}; {'beter' if better else 'slechter'}"


def _due(row: AgreementRow) -> str | None:
    """The due date in words with a date written out (``uiterlijk 31 december 2023``)."""
    if row.when is None or row.due is None:
        return row.when
    return row.when.replace(row.due, nl.period(row.due))


def wijk_documents(
    plan: Plan,
    index: ObservationIndex,
    *,
    year: int,
    today: date,
    agreements: Sequence[AgreementRow],
    maps: Mapping[str, dict[str, Any]] | None = None,
    alliance: Sequence[WijkAlliance] = (),
    narratives: Mapping[tuple[str, str, str], str] | None = None,
) -> list[WijkDocument]:
    """The document of every wijk of the plan, in its order (see :func:`wijk_document`)."""
    graph = AreaGraph(plan.areas)
    talks = {w.id: w for w in alliance}
    return [
        wijk_document(
            plan,
            index,
            wijk.id,
            year=year,
            today=today,
            agreements=agreements,
            maps=maps,
            alliance=talks.get(wijk.id),
            narratives=narratives,
            graph=graph,
        )
        for wijk in plan.areas
        if wijk.kind is AreaKind.WIJK
    ]


def wijk_document(
    plan: Plan,
    index: ObservationIndex,
    wijk: str,
    *,
    year: int | None,
    today: date,
    agreements: Sequence[AgreementRow],
    maps: Mapping[str, dict[str, Any]] | None = None,
    alliance: WijkAlliance | None = None,
    narratives: Mapping[tuple[str, str, str], str] | None = None,
    graph: AreaGraph | None = None,
) -> WijkDocument:
    """The jaarambitie of ``wijk`` with figures up to ``year`` (None: every figure).

    ``agreements`` are the plan's commitments as rows with their reported statuses;
    ``maps`` the wijk maps by wijk id (:func:`koers.present.wijk_maps`); ``alliance`` the
    wijk's conversations of the year."""
    graph = graph or AreaGraph(plan.areas)
    area = graph[wijk]
    names = {a.id: a.name for a in plan.areas}
    programme = plan.programme
    figures = _figures(plan, index, graph, wijk, year, narratives or {})
    by_pillar: dict[str | None, list[WijkFigure]] = {}
    for figure in figures:
        by_pillar.setdefault(figure.indicator.pillar, []).append(figure)

    def via(areas: Sequence[str]) -> tuple[str, ...]:
        return tuple(_place(graph[a]) for a in areas if a in graph and graph.overlaps(a, wijk))

    interventions = [
        LinkedIntervention(iv, via(iv.areas))
        for iv in plan.interventions
        if graph.concerns(iv.areas, wijk)
    ]
    linked = [
        LinkedAgreement(row, via(row.areas), _due(row), row.overdue_on(today))
        for row in agreements
        if row.commitment and graph.concerns(row.areas, wijk)
    ]
    parts = []
    for pillar in plan.pillars:
        own = tuple(
            Ambition(a.text, via(a.areas))
            for a in pillar.ambitions
            if a.areas and graph.concerns(a.areas, wijk)
        )
        parts.append(
            PillarPart(
                pillar,
                own,
                pillar.ambition,
                tuple(by_pillar.pop(pillar.id, [])),
                tuple(i for i in interventions if i.intervention.pillar == pillar.id),
                tuple(a for a in linked if a.row.pillar == pillar.id),
            )
        )
    main = tuple(p for p in parts if p.pillar.kind == "pillar")
    others = tuple(
        p
        for p in parts
        if p.pillar.kind != "pillar"
        and (p.ambitions or p.figures or p.interventions or p.agreements)
    )
    general = tuple(f for figures_ in by_pillar.values() for f in figures_)
    topics = tuple(
        Topic(
            topic.name,
            tuple(
                f
                for f in figures
                if any(k in f" {f.indicator.name.lower()} " for k in topic.keywords)
            ),
        )
        for topic in programme.wijk_topics
    )
    shape = (maps or {}).get(wijk)
    return WijkDocument(
        area=area,
        year=year or today.year,
        area_name=names.get(programme.area, programme.area),
        city_name=names.get(programme.city) if programme.city else None,
        gebied=names.get(area.parent) if area.parent else None,
        buurten=tuple(names.get(m, m) for m in area.members),
        focus=_focus(plan, graph, area),
        map=shape,
        map_caption=_caption(graph, area, names.get(programme.area, programme.area), shape),
        general=general,
        pillars=main,
        others=others,
        topics=topics,
        alliance=alliance,
    )


def _figures(
    plan: Plan,
    index: ObservationIndex,
    graph: AreaGraph,
    wijk: str,
    year: int | None,
    narratives: Mapping[tuple[str, str, str], str],
) -> list[WijkFigure]:
    """The wijk's latest figure of every indicator measured at wijk level, in plan order."""
    indicators = {i.id: i for i in plan.indicators}
    programme = plan.programme
    result = []
    for assessment in evaluate(plan, index, area=wijk, as_of=year):
        indicator = indicators[assessment.indicator]
        if assessment.value is None:
            continue
        series = [
            (period, value.value)
            for period, value in index.series(plan, indicator, wijk, as_of=year)
            if value.value is not None
        ]
        if isinstance(indicator.target, ProportionalShare) and indicator.target.share_of:
            # the share is what is shown and judged, so its direction is what counts
            shares = ((p, value_at(plan, index, indicator, wijk, p)) for p, _ in series)
            series = [(p, v) for p, v in shares if v is not None]
        decimals = decimals_of(indicator, assessment)
        city = programme.city
        result.append(
            WijkFigure(
                indicator,
                assessment,
                decimals,
                value_at(plan, index, indicator, programme.area, assessment.period),
                value_at(plan, index, indicator, city, assessment.period) if city else None,
                trend(indicator, series, assessment.period, Unit(assessment.unit), decimals),
                narratives.get((indicator.id, wijk, assessment.period or "")),
            )
        )
    return result


def _place(area: Area) -> str:
    """An area as a linked item names it: ``de buurt Carnisse``, ``het gebied Charlois``."""
    kind = {
        AreaKind.WIJK: "de wijk",
        AreaKind.BUURT: "de buurt",
        AreaKind.DISTRICT: "het gebied",
        AreaKind.GROUP: "de groep",
    }.get(area.kind)
    return f"{kind} {area.name}" if kind else area.name


def _focus(plan: Plan, graph: AreaGraph, wijk: Area) -> str | None:
    """Whether the wijk, or which of its buurten, belongs to the programme's focus group."""
    group = plan.programme.focus_area
    if group is None or group not in graph:
        return None
    named = graph[group].name
    if graph.contains(group, wijk.id):
        return f"{wijk.name} is een van de {named}."
    inside = [m for m in wijk.members if graph.contains(group, m)]
    if not inside:
        return f"{wijk.name} hoort niet bij de {named}."
    outside = [graph.name(m) for m in wijk.members if m not in inside]
    text = (
        f"Van {wijk.name} hoort de buurt {nl.listing([graph.name(m) for m in inside])} bij "
        f"de {named}"
    )
    if len(inside) > 1:
        text = text.replace("hoort de buurt", "horen de buurten")
    if outside:
        text += f"; {nl.listing(outside)} niet"
    return text + "."


def _caption(graph: AreaGraph, wijk: Area, area_name: str, shape: dict[str, Any] | None) -> str:
    """The map's caption; a wijk drawn as the area it shares says so."""
    if shape is None:
        return f"Geen kaart: voor {wijk.name} zijn geen grenzen ingelezen."
    text = f"Ligging van {wijk.name} in {area_name}."
    if wijk.part_of is not None:
        others = [graph.name(p) for p in graph.parts(wijk.part_of) if p != wijk.id]
        text += (
            f" {wijk.name} heeft geen eigen grens: het deelt de CBS-buurt "
            f"{graph.name(wijk.part_of)} met {nl.listing(others)}. De kaart toont die buurt als "
            "geheel."
        )
    return text
