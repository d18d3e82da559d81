"""Deel I, *Zuid op Koers*: the yearly report as a readable newspaper, built from the
figures without hand editing. Pure: it lays out what :mod:`koers.report.build` assessed.

DESIGN
The plan calls Deel I "de leesbare krant": a board member, a wijkraad member or a resident
reads it in ten minutes. Every sentence follows from a figure and carries its year; where
the data gives nothing, the page says so instead of inventing a value.

- **Cover**: the year, the ambition in the plan's words (an ambition, never a result), and
  three to five key messages (:class:`Newspaper.messages`): the measured gap closure of the
  overview (Tabel 1), one message per headline target, and the agreements' progress.
- **In één oogopslag**: the plan's ``programme.headlines``, each a large number with its
  path and what today's pace means (:mod:`koers.assess.projection`): the measured pace,
  the pace needed from now, and — only where at least three points allow it — the year the
  target is reached if the trend continues, with its range, labelled as a projection.
- **Per pillar**: a headline sentence from its statuses, what goes well (green, or better
  than the previous figure) and what is behind (red), each named with its year and the
  stored narrative, one chart, and the agreements: counts by status, overdue ones with
  their owner.
- **Money**: per pillar the year's task, what is committed and the gap; "nog niet
  ingevuld" where no commitment was entered (never € 0 as a shortfall).
- **Wijken**: a choropleth of the programme's wijken for each of ``programme.summary_maps``,
  at the latest period most wijken have a figure for, with the highest and lowest named.
- **Residents**: the alliance's conversations, initiatives and follow-up actions of the year.
- **Colophon**: the date, concept or definitief (definitief once the bureau has closed the
  year in the store), and the sources as publishers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from koers import nl
from koers.alliance import MeetingView
from koers.assess import Assessment, ObservationIndex, Status
from koers.assess.projection import higher_is_better
from koers.plan.model import AreaKind, Indicator, Plan, Polarity
from koers.plan.period import period_year
from koers.plan.summary import NOT_REPORTED
from koers.present import shown, wijk_map
from koers.present.maps import wijk_shapes
from koers.report.agreements import late_moment, report_day
from koers.report.headlines import HeadlineView, area_points, headline_view, overview_reference

if TYPE_CHECKING:
    from koers.report.build import GapProgress, IndicatorView, PillarView, ReportSet

MAX_MESSAGES = 5
LISTED = 3  # indicators named per pillar under "goes well" and "behind"
OVERDUE_LISTED = 3  # overdue agreements named per pillar


@dataclass(frozen=True)
class Named:
    """An indicator named on a pillar's page, with its year and its story."""

    indicator: str
    name: str
    period: str
    explanation: str
    narrative: str | None
    status: Status
    change: str | None = None  # "beter dan 25% in 2021"


@dataclass(frozen=True)
class Overdue:
    """An agreement past its deadline, with its owner and its first sentence."""

    id: str
    when: str | None
    owners: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class PillarSpread:
    view: PillarView
    sentence: str
    well: tuple[Named, ...]
    behind: tuple[Named, ...]
    more_well: int
    more_behind: int
    featured: IndicatorView | None
    agreements: int
    by_status: tuple[tuple[str, int], ...]
    overdue: tuple[Overdue, ...]
    more_overdue: int


@dataclass(frozen=True)
class MoneyLine:
    name: str
    task: float | None
    committed: float | None  # None: nothing entered for this pillar and year
    gap: float | None


@dataclass(frozen=True)
class WijkMap:
    title: str
    period: str
    spec: dict[str, Any]
    sentence: str


@dataclass(frozen=True)
class Newspaper:
    messages: tuple[str, ...]
    headlines: tuple[HeadlineView, ...]
    spreads: tuple[PillarSpread, ...]
    money: tuple[MoneyLine, ...]
    money_entered: bool
    money_note: str | None
    maps: tuple[WijkMap, ...]
    maps_missing: str | None
    residents: tuple[str, ...]
    conversations: tuple[MeetingView, ...]  # the year's, newest first
    final: bool
    sources: tuple[str, ...]
    reference_name: str | None = None  # the overview's reference area (the G4)
    late_moment: str = ""  # when lateness is judged: 'aan het eind van 2024'


def build_newspaper(
    reports: ReportSet,
    views: Mapping[str, IndicatorView],
    index: ObservationIndex,
    *,
    boundaries: Mapping[str, dict[str, Any]],
    final: bool,
) -> Newspaper:
    """Deel I of ``reports``: ``views`` holds every indicator's view, ``boundaries`` the
    areas' GeoJSON geometries, ``final`` whether the bureau closed the report year."""
    plan = reports.plan
    headlines = tuple(
        headline_view(plan, h, views, reports.gap, reports.year) for h in plan.programme.headlines
    )
    overdue = reports.overdue
    spreads = tuple(_spread(plan, v, overdue) for v in reports.pillars)
    money, entered, note = _money(reports)
    maps, missing, mapped = _maps(plan, views, index, boundaries, reports.year)
    residents, conversations = _residents(reports)
    used = {i for h in headlines for i in h.indicators}
    for spread in spreads:
        used |= {n.indicator for n in [*spread.well, *spread.behind]}
        used |= {spread.featured.indicator.id} if spread.featured else set()
    shown_sources = [
        s for i in sorted(used) if (v := views.get(i)) and v.has_data for s in v.assessment.sources
    ] + list(mapped)
    return Newspaper(
        messages=tuple(_messages(reports, headlines, plan)),
        headlines=headlines,
        spreads=spreads,
        money=money,
        money_entered=entered,
        money_note=note,
        maps=maps,
        maps_missing=missing,
        residents=residents,
        conversations=conversations,
        final=final,
        sources=publishers(shown_sources),
        reference_name=overview_reference(plan, views),
        late_moment=late_moment(report_day(reports.year, reports.generated)),
    )


# ------------------------------------------------------------------------------ cover


def _messages(reports: ReportSet, headlines: Sequence[HeadlineView], plan: Plan) -> list[str]:
    messages = [gap_sentence(reports.gap)] if reports.gap else []
    messages += [h.message for h in headlines if h.message]
    rows = reports.agreements
    reported = sum(1 for r in rows if r.status != NOT_REPORTED)
    late = len(reports.overdue)
    messages.append(
        f"Afspraken: partners rapporteerden over {reported} van de {len(rows)} afspraken"
        + (
            f"; {late} zijn {late_moment(report_day(reports.year, reports.generated))} over hun "
            "datum en niet afgerond."
            if late
            else "."
        )
    )
    return messages[:MAX_MESSAGES]


def gap_sentence(gap: GapProgress) -> str:
    """The measured counterpart of the ambition's milestone, in one sentence."""
    years = str(gap.last) if gap.first == gap.last else f"{gap.first} tot en met {gap.last}"
    baseline = f" ({gap.baseline})" if gap.baseline else ""
    text = (
        f"Gemeten: van de {gap.measured} indicatoren van {gap.table} met een nulmeting"
        f"{baseline} en een later cijfer ({years}) is bij {gap.quarter} een kwart of meer "
        f"van de achterstand ingelopen"
    )
    return text + (f"; bij {gap.behind} is de achterstand groter geworden." if gap.behind else ".")


# ----------------------------------------------------------------------------- pillars


def _improved(view: IndicatorView) -> tuple[int, float] | None:
    """The previous figure (year, value) when the latest is better, else None."""
    points = sorted(area_points(view)[0].items())
    if len(points) < 2 or view.indicator.polarity is Polarity.NEUTRAL:
        return None
    toward = 1 if higher_is_better(view.indicator.polarity) else -1
    return points[-2] if (points[-1][1] - points[-2][1]) * toward > 0 else None


def _named(view: IndicatorView) -> Named:
    a = view.assessment
    before = _improved(view)
    return Named(
        view.indicator.id,
        view.indicator.name,
        nl.period(a.period),
        a.explanation,
        view.narrative,
        a.status,
        f"beter dan {shown(before[1], a.unit, view.indicator.decimals)} in {before[0]}"
        if before
        else None,
    )


def _spread(plan: Plan, view: PillarView, overdue: set[str]) -> PillarSpread:
    every = [*view.effects, *view.outputs]
    well = [
        v
        for v in every
        if v.has_data
        and (
            v.assessment.status is Status.GROEN
            or (_improved(v) is not None and v.assessment.status is not Status.ROOD)
        )
    ]
    behind = [v for v in every if v.assessment.status is Status.ROOD]
    featured = next(
        (v for v in [*behind, *well, *view.headline] if v.chart is not None and v.has_data), None
    )
    late = [r for r in view.agreements if r.id in overdue]
    statuses = Counter(r.status for r in view.agreements)
    return PillarSpread(
        view,
        pillar_sentence(view.counts, [v.assessment for v in every]),
        tuple(_named(v) for v in well[:LISTED]),
        tuple(_named(v) for v in behind[:LISTED]),
        max(0, len(well) - LISTED),
        max(0, len(behind) - LISTED),
        featured,
        len(view.agreements),
        tuple(sorted(statuses.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple(
            Overdue(r.id, nl.dates_in(r.when or ""), tuple(r.owners), first_sentence(r.text))
            for r in late[:OVERDUE_LISTED]
        ),
        max(0, len(late) - OVERDUE_LISTED),
    )


def pillar_sentence(counts: Mapping[str, int], assessments: Sequence[Assessment]) -> str:
    """The headline of a pillar's page: what its statuses say, with the years they are of."""
    green, orange, red = counts["groen"], counts["oranje"], counts["rood"]
    judged = green + orange + red
    if judged == 0:
        return (
            "Nog geen enkele indicator met een oordeel: er zijn nog geen cijfers, of het plan "
            "noemt geen getal om mee te vergelijken."
        )
    years = sorted(
        period_year(a.period) for a in assessments if a.period and a.status is not Status.GRIJS
    )
    span = str(years[0]) if years[0] == years[-1] else f"{years[0]} tot en met {years[-1]}"
    if red * 2 > judged:
        lead = f"De meeste indicatoren met een oordeel liggen achter: {red} van de {judged}"
    elif green * 2 > judged:
        lead = f"De meeste indicatoren met een oordeel zijn op koers: {green} van de {judged}"
    else:
        lead = (
            f"Een gemengd beeld: van de {judged} indicatoren met een oordeel zijn er {green} op "
            f"koers, {orange} vragen aandacht en {red} liggen achter"
        )
    return f"{lead} (laatste cijfers uit {span})."


_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])[.!?](?=\s+[A-Z(])")


def first_sentence(text: str) -> str:
    """The first complete sentence of a text (never cut in the middle of one)."""
    match = _SENTENCE_END.search(text)
    return text if match is None else text[: match.start()] + "."


# ------------------------------------------------------------------------------- money


def _money(reports: ReportSet) -> tuple[tuple[MoneyLine, ...], bool, str | None]:
    summary = reports.extras.get("money")
    if summary is None:
        return (), False, "Het plan bevat geen financiële opgave."
    lines = []
    for row in summary.coverage:
        if row.year != reports.year:
            continue
        entered = row.committed + row.uncovered > 0
        lines.append(
            MoneyLine(
                row.pillar_name,
                row.task,
                row.committed if entered else None,
                row.task - row.committed if entered and row.task is not None else None,
            )
        )
    entered = any(line.committed is not None for line in lines)
    notes = (
        []
        if entered
        else [
            f"Voor {reports.year} zijn nog geen toezeggingen van geld ingevuld: wat de "
            f"partners bijdragen is dus nog niet te vergelijken met de opgave."
        ]
    )
    if summary.precondition is not None and not summary.precondition.met:
        notes.append(summary.precondition.text)
    return tuple(lines), entered, " ".join(notes) or None


# ------------------------------------------------------------------------------ wijken


def _maps(
    plan: Plan,
    views: Mapping[str, IndicatorView],
    index: ObservationIndex,
    boundaries: Mapping[str, dict[str, Any]],
    year: int,
) -> tuple[tuple[WijkMap, ...], str | None, tuple[str, ...]]:
    if not plan.programme.summary_maps:
        return (), None, ()
    shapes = wijk_shapes(plan, boundaries)
    if not shapes:
        return (), "Geen kaarten: er zijn nog geen grenzen van de wijken ingelezen.", ()
    wijken = [a for a in plan.areas if a.kind is AreaKind.WIJK]
    names = {a.id: a.label for a in plan.areas}
    maps = []
    sources: list[str] = []
    for indicator_id in plan.programme.summary_maps:
        indicator = views[indicator_id].indicator
        by_period: dict[str, dict[str, float]] = {}
        cited: dict[str, list[str]] = {}
        for wijk in wijken:
            for period, value in index.series(plan, indicator, wijk.id, as_of=year):
                if value.value is not None:
                    by_period.setdefault(period, {})[wijk.id] = value.value
                    cited.setdefault(period, []).extend(
                        o.source for o in value.observations if o.source
                    )
        if not by_period:
            continue
        # the latest period at least half the wijken have a figure for
        enough = [p for p, found in by_period.items() if len(found) * 2 >= len(wijken)]
        period = max(enough or by_period, key=lambda p: (period_year(p), p))
        maps.append(_map(indicator, period, by_period[period], shapes, names, wijken))
        sources += cited[period]
    missing = None if maps else "Geen kaarten: er zijn nog geen cijfers per wijk ingelezen."
    return tuple(maps), missing, tuple(dict.fromkeys(sources))


def _map(
    indicator: Indicator,
    period: str,
    values: Mapping[str, float],
    shapes: Mapping[str, dict[str, Any]],
    names: Mapping[str, str],
    wijken: Sequence[Any],
) -> WijkMap:
    title = f"{indicator.name}, {nl.period(period)}"
    spec = wijk_map(
        shapes,
        names,
        None,
        values,
        title,
        decimals=indicator.decimals,
        legend_title="",  # the caption beside the map names the indicator and its year
    )
    ranked = sorted(values.items(), key=lambda kv: kv[1])

    def said(area: str, value: float) -> str:
        return f"{names[area]} ({shown(value, indicator.unit, indicator.decimals)})"

    sentence = f"Het hoogst in {said(*ranked[-1])}, het laagst in {said(*ranked[0])}."
    without = [names[w.id] for w in wijken if w.id not in values]
    if without:
        sentence += f" Geen cijfer voor {nl.listing(without)}."
    return WijkMap(title, period, spec, sentence)


# ---------------------------------------------------------------------------- residents


def _residents(reports: ReportSet) -> tuple[tuple[str, ...], tuple[MeetingView, ...]]:
    data = reports.extras.get("alliance")
    if data is None:
        return ("Er zijn geen gegevens over het bondgenootschap met bewoners.",), ()
    counts, actions, year = data.counts, data.actions, data.year
    talks = counts.get("wijkraad", 0)
    lines = [
        (
            f"In {year} {'is' if talks == 1 else 'zijn'} "
            f"{nl.count(talks, 'gesprek', 'gesprekken')} met wijkraden "
            f"vastgelegd, in {counts.get('wijken_met_gesprek', 0)} van de "
            f"{counts.get('wijken', 0)} wijken."
            if talks
            else f"Voor {year} is nog geen gesprek met een wijkraad vastgelegd (in geen van de "
            f"{counts.get('wijken', 0)} wijken)."
        ),
    ]
    others = [
        nl.count(counts.get(kind, 0), one, many)
        for kind, one, many in (
            ("burgerberaad", "burgerberaad", "burgerberaden"),
            ("burgertop", "burgertop", "burgertoppen"),
            ("initiatief", "bewonersinitiatief", "bewonersinitiatieven"),
        )
        if counts.get(kind, 0)
    ]
    if others:
        lines.append(f"Daarnaast {nl.listing(others)}.")
    if actions.agreed:
        lines.append(
            f"Afgesproken vervolgacties: {actions.agreed}, waarvan {actions.done} afgerond, "
            f"{actions.open} open en {actions.overdue} verlopen (stand {data.as_of_text})."
        )
    meetings = sorted(
        [
            *(m for w in data.wijken for m in w.conversations),
            *data.councils,
            *data.initiatives,
        ],
        key=lambda m: m.held_on,
        reverse=True,
    )
    return tuple(lines), tuple(meetings[:5])


# ------------------------------------------------------------------------------ sources


_BRACKETS = re.compile(r"\s*\([^)]*\)")


def publishers(sources: Sequence[str]) -> tuple[str, ...]:
    """The sources of figures as a reader cites them: per publisher its publications, without
    file names, table codes or line references (the appendix of Deel II has the details).

    ``Uitvoeringsplan 2023-2027, Figuur 7 (seed:6208); Figuur 9`` is the publisher
    ``Uitvoeringsplan 2023-2027`` with the publications ``Figuur 7`` and ``Figuur 9``."""
    found: dict[str, list[str]] = {}
    for source in sources:
        publisher, _, rest = _BRACKETS.sub("", source).strip().partition(", ")
        if not publisher:
            continue
        titles = found.setdefault(publisher, [])
        for part in rest.split(";"):
            title = part.strip()
            if title and title not in titles:
                titles.append(title)
    result = []
    for publisher, titles in sorted(found.items()):
        listed = sorted(titles)[:4]
        more = len(titles) - len(listed)
        named = ", ".join(listed) + (f" en {more} andere" if more else "")
        result.append(f"{publisher} ({named})" if listed else publisher)
    return tuple(result)
