"""The money summary: everything ``koers money`` and the Deel II money section show, and the
signals (aandachtspunten) drawn from it.

:func:`money_summary` is pure: it takes the plan, the spending recorded so far and
(optionally) the observations, and returns a :class:`MoneySummary` that the CLI prints, the
report renders (``templates/_money.html``) and ``--format json`` serialises. With ``year``,
only spending of that year and before counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from koers import nl
from koers.areas.values import Observation
from koers.errors import NotFoundError
from koers.money.bureau import Bureau
from koers.money.bureau import bureau as bureau_of
from koers.money.common import BALANCE_BAND, CENT
from koers.money.coverage import CommitmentRow, CoverageRow, commitment_row
from koers.money.coverage import coverage as coverage_of
from koers.money.precondition import Precondition
from koers.money.precondition import precondition as precondition_of
from koers.money.records import Spent
from koers.money.tasks import Tasks, task_lines
from koers.money.tasks import tasks as tasks_of
from koers.money.value import ValueForMoney, value_for_money
from koers.plan.model import Commitment, Plan


@dataclass(frozen=True)
class MoneySummary:
    """Everything ``koers money`` and the Deel II money section show."""

    programme: str
    year: int | None
    pillar: str | None
    tasks: Tasks | None
    bureau: Bureau | None
    coverage: tuple[CoverageRow, ...]
    commitments: tuple[CommitmentRow, ...]
    precondition: Precondition | None
    value_for_money: tuple[ValueForMoney, ...]
    unknown_spending: tuple[Spent, ...]  # recorded against commitments the plan lacks
    signals: tuple[str, ...] = field(default_factory=tuple)

    # formatting for the templates, which may run without the report's filters
    euro = staticmethod(nl.euro)
    percent = staticmethod(nl.percent)

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict (``koers money --format json``)."""
        return _jsonable(asdict(self))  # type: ignore[no-any-return]


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    if isinstance(data, datetime | date):
        return data.isoformat()
    return data


def money_summary(
    plan: Plan,
    spending: Sequence[Spent],
    observations: Sequence[Observation] | None = None,
    *,
    year: int | None = None,
    pillar: str | None = None,
    band: float = BALANCE_BAND,
) -> MoneySummary:
    """The money of a plan: task, bureau, coverage, commitments, spending, value for money.

    ``year`` limits coverage, commitments, spending (up to and including it) and value for
    money to that year; ``pillar`` limits everything pillar-bound to one pillar (the bureau,
    which belongs to no pillar, is then left out).
    """
    if pillar is not None and pillar not in {p.id for p in plan.pillars}:
        raise NotFoundError(f"pijler '{pillar}' staat niet in het plan")
    finance = plan.finance
    commitments = list(finance.commitments) if finance else []
    interventions = {iv.id: iv for iv in plan.interventions}

    def pillar_of(c: Commitment) -> str | None:
        if c.pillar is not None:
            return c.pillar
        iv = interventions.get(c.intervention) if c.intervention else None
        return iv.pillar if iv else None

    counted = [s for s in spending if year is None or s.year <= year]
    spent_by: dict[str, float] = defaultdict(float)
    for s in counted:
        spent_by[s.commitment] += s.amount
    known = {c.id for c in commitments}
    unknown = tuple(s for s in counted if s.commitment not in known and pillar is None)

    precondition = precondition_of(plan, commitments, year)
    if precondition is not None and pillar is not None:
        concerned = set(precondition.pillars) | {
            interventions[iv].pillar for iv, _ in precondition.interventions
        }
        precondition = precondition if pillar in concerned else None
    dependent = (
        {iv for iv, _ in precondition.interventions}
        if precondition and not precondition.met
        else set()
    )
    dependent_pillars = (
        set(precondition.pillars) if precondition and not precondition.met else set()
    )

    in_scope = [
        c
        for c in commitments
        if (year is None or c.year == year) and (pillar is None or pillar_of(c) == pillar)
    ]
    rows = tuple(
        commitment_row(c, pillar_of(c), interventions, spent_by[c.id], dependent)
        for c in sorted(in_scope, key=lambda c: (c.year, c.id))
    )
    tasks = tasks_of(plan, pillar) if finance and task_lines(plan, pillar) else None
    bureau = bureau_of(plan, year) if finance and pillar is None else None
    coverage = coverage_of(plan, commitments, pillar_of, year, pillar, dependent_pillars)
    vfm = value_for_money(
        plan, commitments, pillar_of, spent_by, observations, year, pillar, dependent, band
    )
    summary = MoneySummary(
        programme=plan.programme.id,
        year=year,
        pillar=pillar,
        tasks=tasks,
        bureau=bureau,
        coverage=coverage,
        commitments=rows,
        precondition=precondition,
        value_for_money=vfm,
        unknown_spending=unknown,
    )
    return replace(summary, signals=tuple(_signals(summary)))


def _signals(summary: MoneySummary) -> list[str]:
    signals = []
    if summary.bureau is not None:
        for y in summary.bureau.years:
            if y.status == "tekort":
                text = (
                    f"{y.year}: de bijdragen ({nl.euro(y.contributions)}) dekken de begroting van "
                    f"het programmabureau ({nl.euro(y.budget)}) niet: tekort {nl.euro(y.shortfall)}"
                )
                ended = [c for c in summary.bureau.contributions if c.name in y.ended]
                if ended:
                    text += ", omdat " + " en ".join(
                        f"{c.name} na {c.to_year} is afgelopen" for c in ended
                    )
                signals.append(text + ".")
    p = summary.precondition
    if p is not None and not p.met:
        signals.append(p.text)
    for row in summary.commitments:
        if row.spend_status == "overschreden":
            signals.append(
                f"Verplichting {row.id} ({row.name}, {row.year}): {nl.euro(row.spent)} besteed "
                f"van {nl.euro(row.amount)}, overschreden met {nl.euro(row.spent - row.amount)}."
            )
        if row.spent > CENT and not row.committed:
            signals.append(
                f"Verplichting {row.id} ({row.name}): {nl.euro(row.spent)} besteed terwijl zij "
                f"nog niet is toegezegd ({row.status})."
            )
        if row.intervention and row.intervention_name is None:
            signals.append(
                f"Verplichting {row.id} noemt interventie '{row.intervention}', die niet in "
                f"het plan staat."
            )
    for s in summary.unknown_spending:
        signals.append(
            f"Besteding van {nl.euro(s.amount)} ({s.year}) op verplichting '{s.commitment}', "
            f"die niet (meer) in het plan staat."
        )
    return signals
