"""Value for money: the share of an intervention's output target reached against the share
of its budget spent.

Judged per intervention with commitments, for one year: the year asked for, or else its
latest commitment year. Output share: mean over its output indicators with an absolute,
yearly, higher-is-better target with a value of latest value (up to that year, in the
target's area) / target value. Budget share: spent on that year's commitments / committed
amount of that year. Within ``BALANCE_BAND`` (10 percentage points) of each other: in balans.
Cumulative targets span years and are left out (with the reason).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from koers import nl
from koers.areas.values import Observation
from koers.money.common import CENT, CSS, IN_BALANCE, REACHED_MORE, SPENT_MORE, UNDECIDED
from koers.money.coverage import PillarOf, is_committed
from koers.plan.model import Absolute, Commitment, Indicator, IndicatorKind, Plan, Polarity
from koers.plan.period import period_year


@dataclass(frozen=True)
class OutputReach:
    """How far one output indicator got towards its target."""

    indicator: str
    name: str
    target: float | None
    period: str | None
    value: float | None
    share: float | None
    reason: str | None = None  # why it does not count


@dataclass(frozen=True)
class ValueForMoney:
    """Share of the output target reached against the share of the budget spent."""

    intervention: str
    name: str
    pillar: str | None
    year: int
    committed: float
    spent: float
    budget_share: float | None
    output_share: float | None
    outputs: tuple[OutputReach, ...]
    signal: str  # in balans / meer uitgegeven dan bereikt / meer bereikt dan ... / niet te bepalen
    reason: str | None  # for 'niet te bepalen'
    explanation: str
    precondition: str | None = None

    @property
    def css(self) -> str:
        return CSS[self.signal]


def _series(
    observations: Iterable[Observation],
) -> dict[tuple[str, str], list[tuple[int, str, float]]]:
    """(indicator, area) -> [(year, period, value)] in time order, latest revisions only."""
    best: dict[tuple[str, str, str], Observation] = {}
    for o in observations:
        key = (o.indicator, o.area, o.period)
        if key not in best or o.revision > best[key].revision:
            best[key] = o
    series: dict[tuple[str, str], list[tuple[int, str, float]]] = defaultdict(list)
    for (indicator, area, period), o in best.items():
        if o.value is not None:
            series[(indicator, area)].append((period_year(period), period, o.value))
    for values in series.values():
        values.sort()
    return series


def value_for_money(
    plan: Plan,
    commitments: Sequence[Commitment],
    pillar_of: PillarOf,
    spent_by: Mapping[str, float],
    observations: Sequence[Observation] | None,
    year: int | None,
    pillar: str | None,
    dependent: set[str],
    band: float,
) -> tuple[ValueForMoney, ...]:
    by_intervention: dict[str, list[Commitment]] = defaultdict(list)
    for c in commitments:
        if c.intervention and (pillar is None or pillar_of(c) == pillar):
            by_intervention[c.intervention].append(c)
    interventions = {iv.id: iv for iv in plan.interventions}
    order = {iv.id: n for n, iv in enumerate(plan.interventions)}
    series = _series(observations or [])
    result = []
    for iv_id in sorted(by_intervention, key=lambda i: (order.get(i, len(order)), i)):
        cs = by_intervention[iv_id]
        judged = year if year is not None else max(c.year for c in cs)
        of_year = [c for c in cs if c.year == judged]
        committed = sum((c.amount for c in of_year if is_committed(c)), 0.0)
        spent = sum((spent_by.get(c.id, 0.0) for c in of_year), 0.0)
        budget_share = spent / committed if committed > CENT else None
        outputs = tuple(
            _reach(plan, i, series, judged, observations is not None)
            for i in plan.indicators
            if i.kind is IndicatorKind.OUTPUT
            and i.intervention == iv_id
            and isinstance(i.target, Absolute)
        )
        shares = [o.share for o in outputs if o.share is not None]
        output_share = sum(shares) / len(shares) if shares else None
        iv = interventions.get(iv_id)
        reasons = []
        if budget_share is None:
            reasons.append(f"geen toegezegd budget voor {judged}")
        if output_share is None:
            if not outputs:
                reasons.append("geen outputindicator met een absoluut doel")
            else:
                reasons.append(
                    "geen outputdoel te meten: "
                    + "; ".join(f"{o.indicator}: {o.reason}" for o in outputs)
                )
        budget_text = (
            f"{nl.percent(budget_share)} van het toegezegde budget voor {judged} besteed "
            f"({nl.euro(spent)} van {nl.euro(committed)})"
        )
        if reasons:
            signal, reason = UNDECIDED, "; ".join(reasons)
            explanation = f"{UNDECIDED}: {reason}."
        else:
            assert output_share is not None and budget_share is not None
            difference = output_share - budget_share
            if abs(difference) <= band + 1e-9:
                signal = IN_BALANCE
            elif difference < 0:
                signal = SPENT_MORE
            else:
                signal = REACHED_MORE
            reason = None
            reached = "; ".join(
                f"{o.indicator}: {nl.number(o.value or 0, 0)} van {nl.number(o.target or 0, 0)}"
                f" ({o.period})"
                for o in outputs
                if o.share is not None
            )
            explanation = (
                f"{nl.percent(output_share)} van het outputdoel bereikt ({reached}); "
                f"{budget_text}: {signal}."
            )
        result.append(
            ValueForMoney(
                intervention=iv_id,
                name=iv.name if iv else iv_id,
                pillar=iv.pillar if iv else pillar_of(cs[0]),
                year=judged,
                committed=committed,
                spent=spent,
                budget_share=budget_share,
                output_share=output_share,
                outputs=outputs,
                signal=signal,
                reason=reason,
                explanation=explanation,
                precondition="voorwaarde" if iv_id in dependent else None,
            )
        )
    return tuple(result)


def _reach(
    plan: Plan,
    indicator: Indicator,
    series: Mapping[tuple[str, str], list[tuple[int, str, float]]],
    year: int,
    have_observations: bool,
) -> OutputReach:
    target = indicator.target
    assert isinstance(target, Absolute)

    def skip(reason: str, period: str | None = None, value: float | None = None) -> OutputReach:
        return OutputReach(indicator.id, indicator.name, target.value, period, value, None, reason)

    if target.value is None:
        return skip("het plan geeft geen streefwaarde")
    if target.cumulative:
        return skip("cumulatief doel over meerdere jaren, niet met één jaar te vergelijken")
    if indicator.polarity is not Polarity.HIGHER_IS_BETTER:
        return skip("lager is beter: een aandeel bereikt is niet te bepalen")
    if target.value <= 0:
        return skip("streefwaarde 0")
    if not have_observations:
        return skip("geen cijfers meegegeven")
    area = target.area or plan.programme.area
    values = [v for v in series.get((indicator.id, area), []) if v[0] <= year]
    if not values:
        return skip(f"geen cijfer tot en met {year}")
    _, period, value = values[-1]
    return OutputReach(
        indicator.id, indicator.name, target.value, period, value, value / target.value
    )
