"""The headline targets of Deel I ("Zuid in één oogopslag"): each a large number with its
path and what today's pace means. Pure; part of :mod:`koers.report.newspaper`.

A headline is one of the plan's ``programme.headlines``:

- the overview (Tabel 1): how many indicators closed a quarter of their gap, a bar per
  indicator of the gap closed against what the path expected by that year, the measured
  and the needed pace (medians over the indicators), and a projection of each gap toward
  zero where its series allows one (:func:`koers.assess.projection.project`);
- one indicator: its latest figure, its target (:func:`~koers.assess.projection.target_goal`),
  its chart, the measured and needed pace and the projection or why there is none;
- several indicators of one kind (the services of Tabel 4): how many reach their level,
  each with its figure and the one before.

Every projection is labelled "Prognose, als het tempo van … aanhoudt"; where there is none,
the reason is said ("te weinig metingen …").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import TYPE_CHECKING

from koers import nl
from koers.assess import Status
from koers.assess.projection import (
    MIN_POINTS,
    Projection,
    gap_points,
    higher_is_better,
    project,
    target_goal,
)
from koers.plan.model import (
    Absolute,
    Headline,
    Indicator,
    Plan,
    ProportionalShare,
    ReachReference,
    Unit,
)
from koers.plan.period import period_year
from koers.present import shown, status_label

if TYPE_CHECKING:
    from koers.report.build import GapProgress, IndicatorView


@dataclass(frozen=True)
class GapBar:
    """One row of the overview's picture: the share of the gap closed, and the path's."""

    name: str
    period: str
    gap_closed: float
    expected: float | None  # what the path expected closed by that year
    status: Status

    @property
    def left(self) -> float:
        """Where the bar starts, in percent of the scale from -100% to +100% closed."""
        return 50 + 50 * min(0.0, max(-1.0, self.gap_closed))

    @property
    def width(self) -> float:
        return 50 * min(1.0, abs(self.gap_closed))

    @property
    def mark(self) -> float | None:
        return None if self.expected is None else 50 + 50 * max(-1.0, min(1.0, self.expected))


@dataclass(frozen=True)
class ShareRow:
    """One indicator of a headline with several (the shares of help per service)."""

    name: str
    value: str
    period: str
    previous: str | None  # "25% in 2021"
    reached: bool | None
    status: Status


@dataclass(frozen=True)
class HeadlineView:
    title: str
    big: str  # the large number
    big_label: str  # what it counts, with its year
    path: str  # the target in words
    status: Status | None
    view: IndicatorView | None = None  # the indicator whose chart shows the path
    bars: tuple[GapBar, ...] = ()
    rows: tuple[ShareRow, ...] = ()
    pace: tuple[str, ...] = ()  # measured pace, needed pace
    projection: str | None = None  # "Prognose, als het tempo van ... aanhoudt: ..."
    no_projection: str | None = None  # why there is none
    message: str | None = None  # the cover's key message
    indicators: tuple[str, ...] = ()  # the indicators it shows


def headline_view(
    plan: Plan,
    headline: Headline,
    views: Mapping[str, IndicatorView],
    gap: GapProgress | None,
    year: int,
) -> HeadlineView:
    if headline.overview:
        return _overview_headline(plan, headline, views, gap)
    chosen = [views[i] for i in headline.indicators]
    if len(chosen) == 1:
        return _single(headline.title, chosen[0], year)
    return _several(headline.title, chosen)


def _overview_headline(
    plan: Plan, headline: Headline, views: Mapping[str, IndicatorView], gap: GapProgress | None
) -> HeadlineView:
    overview = plan.programme.overview
    assert overview is not None  # the plan's validation holds it
    bars = tuple(
        GapBar(v.indicator.name, a.period or "", a.gap_closed, a.expected_gap_closed, a.status)
        for i in overview.indicators
        if (v := views.get(i)) is not None
        and (a := v.assessment).gap_closed is not None
        and a.period
    )
    if gap is None or not bars:
        return HeadlineView(
            headline.title, "—", f"geen cijfers voor {overview.table}", "", None, bars=bars
        )
    measured_pace: list[float] = []
    needed_pace: list[float] = []
    projections: list[tuple[str, Projection]] = []
    for i in overview.indicators:
        view = views.get(i)
        target = view.indicator.target if view else None
        if view is None or not isinstance(target, ReachReference):
            continue
        a = view.assessment
        if a.gap_closed is None or not a.period:
            continue
        years = period_year(a.period) - target.baseline_year
        if years > 0:
            measured_pace.append(a.gap_closed / years)
        if target.target_year > period_year(a.period):
            needed_pace.append((1 - a.gap_closed) / (target.target_year - period_year(a.period)))
        own, reference = area_points(view)
        gaps = gap_points(own, reference, view.indicator.polarity)
        projections.append((view.indicator.name, project(gaps, 0, higher_is_better=False)))
    target_years = {
        t.target_year
        for i in overview.indicators
        if (v := views.get(i)) and isinstance(t := v.indicator.target, ReachReference)
    }
    horizon = max(target_years) if target_years else plan.programme.horizon
    pace = []
    if measured_pace:
        pace_now = median(measured_pace)
        pace.append(
            f"Gemeten sinds {gap.baseline} "
            + (
                f"is gemiddeld (mediaan) {_fraction(pace_now)} van de achterstand per jaar "
                f"ingelopen."
                if pace_now >= 0
                else f"werd de achterstand gemiddeld (mediaan) {_fraction(-pace_now)} per jaar "
                f"groter."
            )
        )
    if needed_pace:
        pace.append(
            f"Nodig vanaf nu om in {horizon} geen achterstand meer te hebben: gemiddeld "
            f"(mediaan) {_fraction(median(needed_pace))} van de achterstand van {gap.baseline} "
            f"per jaar."
        )
    done = [(name, p) for name, p in projections if p.projected]
    projection = (
        "Prognose, als het gemeten tempo aanhoudt: "
        + "; ".join(f"{name}: geen achterstand meer in {_when(p)}" for name, p in done)
        + "."
        if done
        else None
    )
    reasons = Counter(p.reason for _, p in projections if not p.projected)
    no_projection = (
        " ".join(
            f"Geen prognose bij {nl.count(count, 'indicator', 'indicatoren')}: {reason}."
            for reason, count in reasons.items()
        )
        or None
    )
    return HeadlineView(
        headline.title,
        f"{gap.quarter} van {gap.measured}",
        f"indicatoren van {gap.table} met een kwart of meer van de achterstand ingelopen "
        f"(cijfers {gap.first}–{gap.last})",
        plan.programme.ambition or "",
        None,
        bars=bars,
        pace=tuple(pace),
        projection=projection,
        no_projection=no_projection,
        indicators=tuple(overview.indicators),
    )


def overview_reference(plan: Plan, views: Mapping[str, IndicatorView]) -> str | None:
    """The area the overview's indicators are to reach (the G4), named as the plan does."""
    overview = plan.programme.overview
    for i in overview.indicators if overview else []:
        target = views[i].indicator.target if i in views else None
        if isinstance(target, ReachReference):
            return next((a.name for a in plan.areas if a.id == target.reference_area), None)
    return None


def _single(title: str, view: IndicatorView, year: int) -> HeadlineView:
    a, indicator = view.assessment, view.indicator
    goal = target_goal(indicator.target)
    decimals = indicator.decimals
    if a.value is None:
        return HeadlineView(
            title,
            "—",
            f"nog geen cijfer ingelezen voor {_lower(indicator.name)}",
            _path(view),
            a.status,
            message=f"{title}: nog geen cijfer ingelezen.",
            indicators=(indicator.id,),
        )
    points = area_points(view)[0]
    target = indicator.target
    if (
        isinstance(target, Absolute)
        and target.baseline_year is not None
        and target.baseline_value is not None
        and target.baseline_year < min(points, default=target.baseline_year)
    ):
        # a count since the start is zero at the start by definition: the plan says so
        points[target.baseline_year] = target.baseline_value
    pace: list[str] = []
    projection = no_projection = None
    if goal is not None:
        level, target_year = goal
        result = project(
            sorted(points.items()),
            level,
            higher_is_better=higher_is_better(indicator.polarity),
            target_year=target_year,
        )
        if result.measured_pace is not None:
            pace.append(
                f"Gemeten tempo ({result.first} tot en met {result.last}): "
                f"{_per_year(result.measured_pace, indicator.unit, decimals)}."
            )
        if result.needed_pace is not None:
            pace.append(
                f"Nodig vanaf nu om in {result.target_year} op {_level(level, indicator)} te "
                f"komen: {_per_year(result.needed_pace, indicator.unit, decimals)}."
            )
        if result.projected:
            projection = (
                f"Prognose, als het tempo van {result.first} tot en met {result.last} aanhoudt: "
                f"{_level(level, indicator)} in {_when(result)}."
            )
        elif result.points == 1:
            no_projection = (
                f"Eén meting ({nl.period(a.period)}): nog geen tempo en geen prognose "
                f"(daarvoor zijn er minstens {MIN_POINTS} nodig)."
            )
        else:
            no_projection = f"Geen prognose: {result.reason}."
    return HeadlineView(
        title,
        shown(a.value, a.unit, decimals),
        f"{_lower(indicator.name)} ({nl.period(a.period)}, {a.area_name})",
        _path(view),
        a.status,
        view=view,
        pace=tuple(pace),
        projection=projection,
        no_projection=no_projection,
        message=(
            f"{title}: {shown(a.value, a.unit, decimals)} ({nl.period(a.period)}), "
            f"{status_label(a.status)}"
            + (f"; {_path(view)[0].lower()}{_path(view)[1:]}" if _path(view) else ".")
        ),
        indicators=(indicator.id,),
    )


def _several(title: str, chosen: Sequence[IndicatorView]) -> HeadlineView:
    rows = []
    for view in chosen:
        a, indicator = view.assessment, view.indicator
        goal = target_goal(indicator.target)
        points = sorted(area_points(view)[0].items())
        previous = (
            f"{shown(points[-2][1], a.unit, indicator.decimals)} in {points[-2][0]}"
            if len(points) > 1
            else None
        )
        reached = (
            None
            if goal is None or a.value is None
            else (a.value - goal[0]) * (1 if higher_is_better(indicator.polarity) else -1) >= 0
        )
        rows.append(
            ShareRow(
                _short(indicator.name),
                shown(a.value, a.unit, indicator.decimals),
                nl.period(a.period) if a.period else "—",
                previous,
                reached,
                a.status,
            )
        )
    measured = [r for r in rows if r.reached is not None]
    periods = sorted({r.period for r in measured})
    goals = [target_goal(v.indicator.target) for v in chosen]
    levels = {g[0] for g in goals if g is not None}
    shares = all(isinstance(v.indicator.target, ProportionalShare) for v in chosen)
    level = nl.value(min(levels), chosen[0].indicator.unit, 0) if levels else None
    what = (
        f"met minstens het proportionele aandeel ({level})"
        if shares and len(levels) == 1
        else "op of voorbij hun doel"
    )
    big = f"{sum(1 for r in measured if r.reached)} van de {len(rows)}"
    label = f"{what} in {nl.listing(periods)}" if measured else "nog geen cijfers ingelezen"
    return HeadlineView(
        title,
        big,
        label,
        f"Het plan: “{statement}”" if (statement := _statement(chosen)) else "",
        None,
        rows=tuple(rows),
        pace=(
            ()
            if any(g is not None and g[1] is not None for g in goals)
            else (
                "Het plan noemt geen jaar waarin het doel bereikt moet zijn, dus ook geen "
                "tempo dat daarvoor nodig is.",
            )
        ),
        no_projection=(
            "Geen prognose: per dienst zijn er hooguit "
            f"{max(len(area_points(v)[0]) for v in chosen)} metingen (minstens 3 nodig)."
        ),
        message=f"{title}: {big} {label}." if measured else f"{title}: {label}.",
        indicators=tuple(v.indicator.id for v in chosen),
    )


def _statement(chosen: Sequence[IndicatorView]) -> str | None:
    """The plan's own words for a group of indicators: their first target's statement."""
    target = chosen[0].indicator.target
    return " ".join(target.statement.split()) if target and target.statement else None


def _when(result: Projection) -> str:
    """``2032 (tussen 2028 en 2044)``: the projected year with its range."""
    if result.latest is None:
        return (
            f"{result.year} (op zijn vroegst {result.earliest}; een uiterste jaar is niet te geven)"
        )
    if result.earliest == result.latest:
        return str(result.year)
    return f"{result.year} (tussen {result.earliest} en {result.latest})"


def _level(level: float, indicator: Indicator) -> str:
    """A target level as the plan writes it: ``32%``, not ``32,0%``."""
    decimals = 0 if level == round(level) else indicator.decimals
    return nl.value(level, indicator.unit, decimals)


def _path(view: IndicatorView) -> str:
    goal = target_goal(view.indicator.target)
    if goal is None:
        return ""
    level, year = goal
    text = f"Doel: {_level(level, view.indicator)}"
    return text + (f" in {year}." if year else ".")


def area_points(view: IndicatorView) -> tuple[dict[int, float], dict[int, float]]:
    """The area's and the reference's figures by year, from the view's chart lines."""
    own: dict[int, float] = {}
    reference: dict[int, float] = {}
    for line in view.lines:
        into = own if line.role == "area" else reference if line.role == "reference" else None
        if into is not None:
            for period, value in line.points:
                into[period_year(period)] = value
    return own, reference


def _per_year(amount: float, unit: Unit, decimals: int) -> str:
    """``0,9 procentpunt per jaar omlaag``, ``1.718 per jaar erbij``."""
    while amount and round(amount, decimals) == 0 and decimals < 4:
        decimals += 1  # a real pace is never "0 per jaar"
    size = nl.difference(abs(amount), unit, decimals)
    if unit is Unit.COUNT:
        return f"{size} per jaar {'erbij' if amount > 0 else 'eraf'}"
    return f"{size} per jaar {'omhoog' if amount > 0 else 'omlaag'}"


def _fraction(fraction: float) -> str:
    return f"{nl.number(fraction * 100, 1)}%"


def _lower(name: str) -> str:
    """A name inside a sentence: its first letter small, unless it starts an abbreviation."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def _short(name: str) -> str:
    """A service's name in a list of services of one kind: what follows the colon, if any."""
    return name.split(": ", 1)[1] if ": " in name else name
