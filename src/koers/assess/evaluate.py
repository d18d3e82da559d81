"""Assess a whole plan against a set of observations: one :class:`Assessment` per indicator.

This is where the pure parts meet: observations are indexed, group values derived through
the area graph, each indicator's series built for the area its target is about (or the
area asked for), and :func:`~koers.assess.engine.assess_case` called per target. An
indicator with several targets (``also``) has one series and one status per target: the
first target's assessment carries the others in ``also``.

Given the plan's history (:class:`~koers.plan.history.PlanHistory`), each target carries
the version it came from, and a year is judged against the target of the version valid in
that year; where that target differs from today's, the explanation says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from koers.areas.graph import AreaGraph
from koers.areas.values import Observation, Value, counted, derive_value
from koers.assess.engine import Case, Outcome, Status, assess_case
from koers.errors import NotFoundError
from koers.plan.history import PlanHistory, PlanVersion, same_target
from koers.plan.model import (
    Indicator,
    Plan,
    ProportionalShare,
    ReachReference,
    Staged,
    Target,
    Unit,
)
from koers.plan.passport import PassportState
from koers.plan.period import period_year

NAMED_SOURCES = 6
"""A derived reference names up to this many areas it came from; more are counted."""


@dataclass(frozen=True)
class Assessment:
    """The status of one indicator in one area and period, ready to show or serialise."""

    indicator: str
    name: str
    pillar: str | None
    kind: str
    unit: str
    area: str
    area_name: str
    period: str | None
    value: float | None
    reference_area: str | None
    reference: float | None
    target_kind: str | None
    expected: float | None
    status: Status
    gap_closed: float | None
    expected_gap_closed: float | None
    explanation: str
    sources: tuple[str, ...] = ()
    batches: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()
    missing_members: tuple[str, ...] = ()
    trajectory: dict[int, float] = field(default_factory=dict)
    target_ref: str | None = None  # where the text sets the target
    target_version: int | None = None  # the plan version the target came from
    judged_version: int | None = None  # the plan version whose target judged this year
    also: tuple[Assessment, ...] = ()  # the indicator's further targets, same series

    @property
    def all(self) -> tuple[Assessment, ...]:
        """This assessment and those of the indicator's further targets."""
        return (self, *self.also)

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``koers status --format json`` record)."""
        data = asdict(self)
        data["status"] = self.status.value
        for key in ("sources", "batches", "derived_from", "missing_members"):
            data[key] = list(data[key])
        data["trajectory"] = {str(year): v for year, v in self.trajectory.items()}
        data["also"] = [a.record() for a in self.also]
        return data


class ObservationIndex:
    """Current observations by (indicator, area, period), and the periods of each indicator."""

    def __init__(
        self, observations: Iterable[Observation] | Mapping[tuple[str, str, str], Observation]
    ) -> None:
        """``observations``: figures (the highest revision per key counts), or a mapping of
        the current ones by (indicator, area, period), used as it is (a store's
        :class:`~koers.store.observations.CurrentFigures` makes only the figures read)."""
        by_key: Mapping[tuple[str, str, str], Observation]
        if isinstance(observations, Mapping):
            by_key = observations
        else:
            latest: dict[tuple[str, str, str], Observation] = {}
            for obs in observations:
                key = (obs.indicator, obs.area, obs.period)
                kept = latest.get(key)
                if kept is None or obs.revision > kept.revision:
                    latest[key] = obs
            by_key = latest
        self._by_key = by_key
        self._periods: dict[str, set[str]] = defaultdict(set)
        for indicator, _, period in by_key:
            self._periods[indicator].add(period)
        # (indicator, year) -> its periods that count for the year, the latest first; filled
        # as lookups ask, so a store of 100 000 figures is not sorted to answer a few
        self._of_year: dict[tuple[str, int], tuple[str, ...]] = {}
        # The area graph and indicator lookup of the plan last asked about: a page asks for
        # many series of one plan, and building the graph each time cost more than deriving.
        self._plan: tuple[Plan, AreaGraph, dict[str, Indicator]] | None = None

    def get(self, indicator: str, area: str, period: str) -> Observation | None:
        """The observation for exactly this period, else one that counts for the same year
        (a reference area may publish '2021' where the area itself has '2021-01-01'); of two
        such periods the later one."""
        exact = self._by_key.get((indicator, area, period))
        if exact is not None:
            return exact
        for other in self._periods_of_year(indicator, period_year(period)):
            found = self._by_key.get((indicator, area, other))
            if found is not None:
                return found
        return None

    def _periods_of_year(self, indicator: str, year: int) -> tuple[str, ...]:
        periods = self._of_year.get((indicator, year))
        if periods is None:
            periods = tuple(
                sorted(
                    (p for p in self._periods.get(indicator, ()) if period_year(p) == year),
                    reverse=True,
                )
            )
            self._of_year[(indicator, year)] = periods
        return periods

    def periods_by_year(self, indicator: str, as_of: int | None = None) -> dict[int, str]:
        """Year -> period (up to ``as_of``); where two periods count for one year, the later
        one wins."""
        result: dict[int, str] = {}
        for period in sorted(self._periods.get(indicator, ())):
            year = period_year(period)
            if as_of is None or year <= as_of:
                result[year] = period
        return result

    def series(
        self, plan: Plan, indicator: Indicator, area: str, as_of: int | None = None
    ) -> list[tuple[str, Value]]:
        """(period, value) of one area in time order, derived from members where needed."""
        if self._plan is None or self._plan[0] is not plan:
            self._plan = (plan, AreaGraph(plan.areas), {i.id: i for i in plan.indicators})
        _, graph, indicators = self._plan
        return [
            (
                period,
                derive_value(
                    indicator, area, period, year, graph, self.get, indicators.__getitem__
                ),
            )
            for year, period in sorted(self.periods_by_year(indicator.id, as_of).items())
        ]


def evaluate(
    plan: Plan,
    observations: Iterable[Observation]
    | Mapping[tuple[str, str, str], Observation]
    | ObservationIndex,
    *,
    area: str | None = None,
    year: int | None = None,
    as_of: int | None = None,
    pillar: str | None = None,
    history: PlanHistory | None = None,
) -> list[Assessment]:
    """Assess every indicator of ``plan`` (optionally one pillar) in its target area.

    ``area`` judges every target for another area (a wijk, say) instead; ``year`` picks
    the period that counts for that year instead of the latest one with a value; ``as_of``
    ignores figures of later years (the state of a yearly report). Callers that assess
    many areas pass one :class:`ObservationIndex` instead of the observations. ``history``
    (whose latest version is ``plan``) judges each year against the target valid then.
    """
    index = (
        observations
        if isinstance(observations, ObservationIndex)
        else ObservationIndex(observations)
    )
    graph = AreaGraph(plan.areas)
    if area is not None and area not in graph:
        raise NotFoundError(f"gebied '{area}' staat niet in het plan")
    indicators = {ind.id: ind for ind in plan.indicators}
    results = []
    for indicator in plan.indicators:
        if pillar is not None and indicator.pillar != pillar:
            continue
        results.append(
            _assess_indicator(plan, indicator, index, graph, indicators, area, year, as_of, history)
        )
    return results


def _assess_indicator(
    plan: Plan,
    indicator: Indicator,
    index: ObservationIndex,
    graph: AreaGraph,
    indicators: Mapping[str, Indicator],
    area: str | None,
    year: int | None,
    as_of: int | None,
    history: PlanHistory | None = None,
) -> Assessment:
    targets: list[Target | None] = [*indicator.targets] or [None]
    # one series for every target: the area of the first target (or the one asked for)
    first = targets[0]
    area_id = area or (first.area if first and first.area else None) or plan.programme.area
    periods = index.periods_by_year(indicator.id, as_of)

    def value_of(area_key: str, period: str, y: int) -> Value:
        return derive_value(
            indicator, area_key, period, y, graph, index.get, indicators.__getitem__
        )

    own = {y: value_of(area_id, p, y) for y, p in periods.items()}
    with_value = [y for y, v in own.items() if v.value is not None]
    chosen = year if year is not None else max(with_value or own or [plan.programme.period_start])
    # the passport's "in ontwikkeling" is only ever what the plan states (koers.plan.passport)
    stated = plan.passports.get(indicator.id)
    developing = stated is not None and stated.state is PassportState.IN_DEVELOPMENT
    judged = history.valid_in(chosen) if history is not None else None
    results = []
    for position, target in enumerate(targets):
        then = target
        note = ""
        if history is not None and judged is not None and judged is not history.latest:
            then, note = _target_then(history, judged, indicator.id, position, target, chosen)
        shown = indicator
        series = own
        if isinstance(then, ProportionalShare) and then.share_of:
            whole = then.share_of
            series = {y: _share(v, value_of(whole, periods[y], y)) for y, v in own.items()}
            # from here on the indicator is judged and shown as the share it yields
            shown = indicator.model_copy(update={"unit": Unit.PERCENT, "decimals": 1})
        reference_area = None
        reference: dict[int, Value] | None = None
        if isinstance(then, ReachReference):
            reference_area = then.reference_area
            reference = {y: value_of(reference_area, p, y) for y, p in periods.items()}
        references = {
            r.reference_area: (
                graph.name(r.reference_area),
                {y: value_of(r.reference_area, p, y) for y, p in periods.items()},
            )
            for r in (then.stages if isinstance(then, Staged) else [])
        }
        case = Case(
            indicator=shown,
            target=then,
            area_name=graph.name(area_id),
            year=chosen,
            series=series,
            rules=plan.programme.status_rules,
            reference_name=graph.name(reference_area) if reference_area else None,
            reference=reference,
            references=references,
            developing=developing,
            periods=periods,
        )
        outcome = assess_case(case)
        if outcome.reference_area is not None and reference_area is None:
            reference_area = outcome.reference_area
            reference = dict(references[reference_area][1])
        if year is None and (newer := [y for y in series if y > chosen]):
            # later figures exist but give no value for this area: say so, do not hide them
            why = series[max(newer)].reason or "geen waarde"
            outcome = replace(
                outcome, explanation=f"{outcome.explanation} Voor {max(newer)}: {why}."
            )
        if note:
            outcome = replace(outcome, explanation=f"{outcome.explanation} {note}")
        assessment = _assessment(
            shown,
            then,
            area_id,
            graph,
            periods.get(chosen),
            series.get(chosen),
            outcome,
            reference_area,
            reference.get(chosen) if reference else None,
        )
        results.append(
            replace(
                assessment,
                target_version=history.target_version(indicator.id, position) if history else None,
                judged_version=judged.number if judged is not None else None,
            )
        )
    return replace(results[0], also=tuple(results[1:]))


def _target_then(
    history: PlanHistory,
    judged: PlanVersion,
    indicator: str,
    position: int,
    today: Target | None,
    year: int,
) -> tuple[Target | None, str]:
    """The target of the version valid in ``year`` and what to say when it is not today's."""
    then = history.target_in(judged, indicator, position)
    latest = history.latest.number
    if then is None:
        if today is None:
            return None, ""
        return today, (
            f"Planversie {judged.number} (geldig in {year}) had dit doel nog niet; "
            f"beoordeeld tegen het huidige doel (versie {latest})."
        )
    if same_target(then, today):
        return then, ""
    return then, (
        f"Beoordeeld tegen het doel van planversie {judged.number}, dat in {year} gold; "
        f"het huidige doel (versie {latest}) is anders."
    )


def _share(part: Value, whole: Value) -> Value:
    if part.value is None or whole.value is None or whole.value == 0:
        return Value(
            None,
            observations=part.observations + whole.observations,
            reason=part.reason or whole.reason or "totaal is nul",
        )
    return Value(
        part.value / whole.value * 100,
        part.value,
        whole.value,
        part.observations + whole.observations,
        part.members,
        part.missing,
    )


def _assessment(
    indicator: Indicator,
    target: Target | None,
    area_id: str,
    graph: AreaGraph,
    period: str | None,
    used: Value | None,
    outcome: Outcome,
    reference_area: str | None,
    ref_value: Value | None,
) -> Assessment:
    explanation = outcome.explanation
    # a derived value is whole or not given (koers.areas.values): missing members are said
    # in the reason of the value that is not given, never beside a value
    if ref_value is not None and ref_value.derived and reference_area is not None:
        members = ref_value.members
        named = (
            ", ".join(graph.name(m) for m in members)
            if len(members) <= NAMED_SOURCES
            else counted(graph, members)  # "22 buurten", not a list of 22 names
        )
        explanation += f" {graph.name(reference_area)} is afgeleid uit {named}."
    observations = (used.observations if used else ()) + (
        ref_value.observations if ref_value else ()
    )
    return Assessment(
        indicator=indicator.id,
        name=indicator.name,
        pillar=indicator.pillar,
        kind=indicator.kind.value,
        unit=indicator.unit.value,
        area=area_id,
        area_name=graph.name(area_id),
        period=period,
        value=_rounded(used.value if used else None),
        reference_area=reference_area,
        reference=_rounded(outcome.reference),
        target_kind=target.kind if target else None,
        expected=_rounded(outcome.expected),
        status=outcome.status,
        gap_closed=_rounded(outcome.gap_closed, 4),
        expected_gap_closed=_rounded(outcome.expected_gap_closed, 4),
        explanation=explanation,
        sources=tuple(dict.fromkeys(o.source for o in observations if o.source)),
        batches=tuple(dict.fromkeys(o.batch for o in observations if o.batch)),
        derived_from=used.members if used else (),
        missing_members=used.missing if used else (),
        trajectory={y: round(v, 6) for y, v in (outcome.trajectory or {}).items()},
        target_ref=target.ref if target else None,
    )


def _rounded(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)
