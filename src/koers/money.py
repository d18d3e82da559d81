"""Money: the financial task, the bureau's budget, commitments, spending and value for money.

DESIGN
- :func:`money_summary` is pure: it takes the plan, the spending recorded so far and
  (optionally) the observations, and returns a :class:`MoneySummary` that the CLI prints, the
  report renders (``templates/_money.html``) and ``--format json`` serialises. Totals are
  always computed from the plan's lines, never stored (Tabel 11: 644 / 805 / 161 mln).
- Tabel 11 periods are kept as the plan names them (``"2023-2026"``, ``"2023-2027"``,
  ``"per jaar"``). The yearly task of a pillar is its ``per jaar`` amount (or an amount keyed
  by the year itself); a year that only a provisional period covers (2027: ``2023-2027*``) is
  marked provisional, a year no period covers has no task.
- A commitment counts as *committed* when it is ``toegezegd``, or ``voorwaardelijk`` with its
  condition met. Everything else is *uncovered*, per status (voorwaardelijk, aangevraagd,
  onzeker). The coverage gap of a pillar in a year is its yearly task minus what is committed.
  A commitment belongs to its own ``pillar`` or else to its intervention's pillar; the
  programme-wide Tabel 11 line (programmabureau) and commitments without a pillar form the
  row ``programmabreed``.
- Bureau contributions count in a year when the year lies within ``from_year``/``to_year``
  (open ends: always). Every year of the programme period is shown, whatever ``year`` says, so
  that the end of Rijk-NPLV after 2025 is visible in every report.
- Preventie met Gezag: every funding line or commitment whose name, funder or condition
  mentions it is part of the precondition. It is met only when all of them are met (funding:
  ``ontvangen``/``toegezegd``; commitment: committed as above), so one open application keeps
  the flag and is named. Until then the interventions of pillar Veilig (id or name
  ``veilig``), and those the mentioning commitments are for, carry ``voorwaarde``.
- Spending is recorded against one commitment; more than its amount is allowed and flagged
  ``overschreden``. With ``year``, only spending of that year and before counts.
- Value for money is judged per intervention with commitments, for one year: ``year``, or
  else its latest commitment year. Output share: mean over its output indicators with an
  absolute, yearly, higher-is-better target with a value of latest value (up to that year,
  in the target's area) / target value. Budget share: spent on that year's commitments /
  committed amount of that year. Within ``BALANCE_BAND`` (10 percentage points) of each
  other: in balans. Cumulative targets span years and are left out (with the reason).
- :func:`record_spending` and :func:`spending` are the only I/O here: small functions over
  the store's ``spending`` table, one transaction per write.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from koers import nl
from koers.areas.values import Observation
from koers.plan.model import (
    Absolute,
    BudgetLine,
    Commitment,
    Indicator,
    IndicatorKind,
    Intervention,
    Plan,
    Polarity,
)
from koers.plan.period import period_year
from koers.store import Store, StoreError
from koers.store import schema as t
from koers.store.base import current_user

PillarOf = Callable[[Commitment], str | None]

PER_YEAR = "per jaar"
PRECONDITION = "Preventie met Gezag"
BALANCE_BAND = 0.10  # output share and budget share within 10 percentage points: in balans
CENT = 0.005  # amounts closer than this count as equal

STATUSES = ("toegezegd", "voorwaardelijk", "aangevraagd", "onzeker")

IN_BALANCE = "in balans"
SPENT_MORE = "meer uitgegeven dan bereikt"
REACHED_MORE = "meer bereikt dan uitgegeven"
UNDECIDED = "niet te bepalen"

# status words -> traffic-light class of base.html (words are always shown as well)
CSS = {
    "gedekt": "groen",
    "deels onzeker": "oranje",
    "tekort": "rood",
    "geen opgave": "grijs",
    "overschreden": "rood",
    "binnen budget": "groen",
    "nog niets besteed": "grijs",
    IN_BALANCE: "groen",
    REACHED_MORE: "groen",
    SPENT_MORE: "oranje",
    UNDECIDED: "grijs",
    "voorwaarde": "oranje",
    "vervuld": "groen",
}


# -- the summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Spent:
    """Money spent against one commitment in one year."""

    commitment: str
    year: int
    amount: float
    note: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class FunderShare:
    """One funder's part of the task (the cost split, e.g. Rijk 50%)."""

    funder: str
    share: float
    amounts: dict[str, float]  # period -> euro


@dataclass(frozen=True)
class TaskRow:
    """A line of Tabel 11 with its split per funder."""

    id: str
    name: str
    pillar: str | None
    amounts: dict[str, float]
    provisional: tuple[str, ...]
    split: dict[str, dict[str, float]]  # funder -> period -> euro


@dataclass(frozen=True)
class Tasks:
    """Tabel 11: the financial task per pillar, with totals and the cost split."""

    periods: tuple[str, ...]
    rows: tuple[TaskRow, ...]
    totals: dict[str, float]
    split: tuple[FunderShare, ...]
    provisional: tuple[str, ...]  # periods provisional in any row


@dataclass(frozen=True)
class BudgetRow:
    id: str
    name: str
    amount: float  # per year


@dataclass(frozen=True)
class ContributionRow:
    id: str
    name: str
    partner: str | None
    form: str
    amount_per_year: float
    from_year: int | None
    to_year: int | None


@dataclass(frozen=True)
class BureauYear:
    """The bureau's budget against the contributions that run in one year."""

    year: int
    budget: float
    contributions: float
    shortfall: float  # budget - contributions; negative: more contributed than budgeted
    ended: tuple[str, ...]  # contributions that ran out before this year
    status: str  # gedekt / tekort
    selected: bool = False

    @property
    def css(self) -> str:
        return CSS[self.status]


@dataclass(frozen=True)
class Bureau:
    """Tabel 12 (budget) and Tabel 13 (contributions) of the programme bureau."""

    budget: tuple[BudgetRow, ...]
    budget_total: float
    contributions: tuple[ContributionRow, ...]
    contributions_total: float
    balanced: bool  # the nominal totals are equal
    years: tuple[BureauYear, ...]
    price_level: str | None = None


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment with how sure it is and what has been spent against it."""

    id: str
    name: str
    intervention: str | None
    intervention_name: str | None
    pillar: str | None
    funder: str
    year: int
    amount: float
    status: str  # as in the plan
    condition: str | None
    condition_met: bool
    committed: bool  # toegezegd, or voorwaardelijk with the condition met
    category: str  # toegezegd / voorwaardelijk / aangevraagd / onzeker (what it counts as)
    spent: float
    spent_share: float | None
    spend_status: str  # overschreden / binnen budget / nog niets besteed
    precondition: str | None = None  # "voorwaarde" while Preventie met Gezag is not met

    @property
    def css(self) -> str:
        return CSS[self.spend_status]

    @property
    def status_text(self) -> str:
        if self.status == "voorwaardelijk":
            met = "vervuld" if self.condition_met else "niet vervuld"
            return f"voorwaardelijk ({met}: {self.condition})"
        return self.status


@dataclass(frozen=True)
class CoverageRow:
    """A pillar's yearly task against the money committed for it in that year."""

    pillar: str | None
    pillar_name: str
    year: int
    task: float | None
    provisional: bool  # the task for this year is 'onder voorbehoud'
    committed: float
    conditional: float  # voorwaardelijk, condition not met
    requested: float  # aangevraagd
    uncertain: float  # onzeker
    gap: float | None  # task - committed
    status: str  # gedekt / deels onzeker / tekort / geen opgave
    note: str | None = None
    precondition: str | None = None

    @property
    def uncovered(self) -> float:
        return self.conditional + self.requested + self.uncertain

    @property
    def css(self) -> str:
        return CSS[self.status]


@dataclass(frozen=True)
class PreconditionItem:
    kind: str  # financiering / verplichting
    id: str
    name: str
    status: str
    met: bool


@dataclass(frozen=True)
class Precondition:
    """Veilig's dependency on the award of Preventie met Gezag."""

    name: str
    met: bool
    status: str  # voorwaarde / vervuld
    items: tuple[PreconditionItem, ...]
    pillars: tuple[str, ...]
    interventions: tuple[tuple[str, str], ...]  # (id, name)
    text: str

    @property
    def css(self) -> str:
        return CSS[self.status]


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
        raise KeyError(f"unknown pillar '{pillar}'")
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

    precondition = _precondition(plan, commitments, year)
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
        _commitment_row(c, pillar_of(c), interventions, spent_by[c.id], dependent)
        for c in sorted(in_scope, key=lambda c: (c.year, c.id))
    )
    tasks = _tasks(plan, pillar) if finance and _task_lines(plan, pillar) else None
    bureau = _bureau(plan, year) if finance and pillar is None else None
    coverage = _coverage(plan, commitments, pillar_of, year, pillar, dependent_pillars)
    vfm = _value_for_money(
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


# -- Tabel 11 ------------------------------------------------------------------------


def _task_lines(plan: Plan, pillar: str | None) -> list[BudgetLine]:
    tasks = plan.finance.tasks if plan.finance else []
    return [t for t in tasks if pillar is None or t.pillar == pillar]


def _tasks(plan: Plan, pillar: str | None) -> Tasks:
    assert plan.finance is not None
    lines = _task_lines(plan, pillar)
    periods = tuple(dict.fromkeys(p for line in lines for p in line.amounts))
    totals = {p: sum(line.amounts.get(p, 0.0) for line in lines) for p in periods}
    shares = plan.finance.cost_split
    rows = tuple(
        TaskRow(
            id=line.id,
            name=line.name,
            pillar=line.pillar,
            amounts=dict(line.amounts),
            provisional=tuple(line.provisional),
            split={s.funder: {p: a * s.share for p, a in line.amounts.items()} for s in shares},
        )
        for line in lines
    )
    split = tuple(
        FunderShare(s.funder, s.share, {p: totals[p] * s.share for p in periods}) for s in shares
    )
    provisional = tuple(p for p in periods if any(p in line.provisional for line in lines))
    return Tasks(periods, rows, totals, split, provisional)


def _span(period: str) -> tuple[int, int] | None:
    """``"2023-2026"`` → (2023, 2026); ``"2024"`` → (2024, 2024); other keys → None."""
    parts = period.split("-")
    if len(parts) in (1, 2) and all(p.isdigit() and len(p) == 4 for p in parts):
        return int(parts[0]), int(parts[-1])
    return None


def year_task(line: BudgetLine, year: int) -> tuple[float | None, bool]:
    """A line's amount for one year and whether it is provisional ('onder voorbehoud').

    An amount keyed by the year itself wins; otherwise ``per jaar`` applies to every year
    some period of the line covers (provisional when only provisional periods cover it), or
    to every year when the line names no period at all.
    """
    key = str(year)
    if key in line.amounts:
        return line.amounts[key], key in line.provisional
    if PER_YEAR not in line.amounts:
        return None, False
    amount = line.amounts[PER_YEAR]
    flagged = PER_YEAR in line.provisional
    spans = [(s, p in line.provisional) for p in line.amounts if (s := _span(p)) is not None]
    if not spans:
        return amount, flagged
    covering = [provisional for (start, end), provisional in spans if start <= year <= end]
    if not covering:
        return None, False
    return amount, flagged or all(covering)


# -- the bureau (Tabel 12 and 13) -----------------------------------------------------


def _runs(from_year: int | None, to_year: int | None, year: int) -> bool:
    return (from_year is None or from_year <= year) and (to_year is None or year <= to_year)


def _bureau(plan: Plan, year: int | None) -> Bureau:
    assert plan.finance is not None
    finance = plan.finance
    budget = tuple(
        BudgetRow(line.id, line.name, line.amounts.get(PER_YEAR, 0.0))
        for line in finance.bureau_budget
    )
    contributions = tuple(
        ContributionRow(c.id, c.name, c.partner, c.form, c.amount_per_year, c.from_year, c.to_year)
        for c in finance.contributions
    )
    budget_total = sum((b.amount for b in budget), 0.0)
    contributions_total = sum((c.amount_per_year for c in contributions), 0.0)
    programme = plan.programme
    years = []
    for y in range(programme.period_start, programme.period_end + 1):
        need = sum((year_task(line, y)[0] or 0.0 for line in finance.bureau_budget), 0.0)
        have = sum(
            (c.amount_per_year for c in contributions if _runs(c.from_year, c.to_year, y)), 0.0
        )
        ended = tuple(c.name for c in contributions if c.to_year is not None and c.to_year < y)
        years.append(
            BureauYear(
                year=y,
                budget=need,
                contributions=have,
                shortfall=need - have,
                ended=ended,
                status="tekort" if need - have > CENT else "gedekt",
                selected=y == year,
            )
        )
    return Bureau(
        budget=budget,
        budget_total=budget_total,
        contributions=contributions,
        contributions_total=contributions_total,
        balanced=abs(budget_total - contributions_total) <= CENT,
        years=tuple(years),
        price_level=finance.price_level,
    )


# -- commitments and coverage ----------------------------------------------------------


def is_committed(c: Commitment) -> bool:
    """Toegezegd, or voorwaardelijk with its condition met."""
    return c.status == "toegezegd" or (c.status == "voorwaardelijk" and c.condition_met)


def _category(c: Commitment) -> str:
    return "toegezegd" if is_committed(c) else c.status


def _commitment_row(
    c: Commitment,
    pillar: str | None,
    interventions: Mapping[str, Intervention],
    spent: float,
    dependent: set[str],
) -> CommitmentRow:
    if spent > c.amount + CENT:
        spend_status = "overschreden"
    elif spent > CENT:
        spend_status = "binnen budget"
    else:
        spend_status = "nog niets besteed"
    iv = interventions.get(c.intervention) if c.intervention else None
    return CommitmentRow(
        id=c.id,
        name=c.name,
        intervention=c.intervention,
        intervention_name=iv.name if iv else None,
        pillar=pillar,
        funder=c.funder,
        year=c.year,
        amount=c.amount,
        status=c.status,
        condition=c.condition,
        condition_met=c.condition_met,
        committed=is_committed(c),
        category=_category(c),
        spent=spent,
        spent_share=spent / c.amount if c.amount > 0 else None,
        spend_status=spend_status,
        precondition="voorwaarde" if c.intervention in dependent else None,
    )


def _coverage(
    plan: Plan,
    commitments: Sequence[Commitment],
    pillar_of: PillarOf,
    year: int | None,
    pillar: str | None,
    dependent_pillars: set[str],
) -> tuple[CoverageRow, ...]:
    tasks = plan.finance.tasks if plan.finance else []
    programme = plan.programme
    by_key: dict[tuple[str | None, int], list[Commitment]] = defaultdict(list)
    for c in commitments:
        by_key[(pillar_of(c), c.year)].append(c)
    pillars: list[str | None] = [p.id for p in plan.pillars]
    pillars.append(None)
    known = set(pillars)
    pillars.extend(sorted({p for p, _ in by_key if p is not None and p not in known}))
    if pillar is not None:
        pillars = [pillar]
    years = (
        [year]
        if year is not None
        else sorted(
            set(range(programme.period_start, programme.period_end + 1)) | {y for _, y in by_key}
        )
    )
    names = {p.id: p.name for p in plan.pillars}
    rows = []
    for p in pillars:
        lines = [t for t in tasks if t.pillar == p]
        for y in years:
            found = [year_task(line, y) for line in lines]
            amounts = [a for a, _ in found if a is not None]
            task = sum(amounts) if amounts else None
            provisional = any(flag for a, flag in found if a is not None)
            cs = by_key.get((p, y), [])
            if task is None and not cs and p not in dependent_pillars:
                continue
            committed = sum((c.amount for c in cs if is_committed(c)), 0.0)
            pending = {
                s: sum((c.amount for c in cs if not is_committed(c) and c.status == s), 0.0)
                for s in STATUSES[1:]
            }
            gap = None if task is None else task - committed
            if gap is None:
                status = "geen opgave"
                note = "geen regel in Tabel 11: het tekort is niet te bepalen"
            elif gap <= CENT:
                status, note = "gedekt", None
            elif gap <= sum(pending.values()) + CENT:
                status = "deels onzeker"
                note = "gedekt als de voorwaardelijke, aangevraagde en onzekere bedragen doorgaan"
            else:
                status, note = "tekort", None
            if provisional:
                note = "; ".join(filter(None, [note, "opgave onder voorbehoud"]))
            rows.append(
                CoverageRow(
                    pillar=p,
                    pillar_name=names.get(p, p) if p is not None else "Programmabreed",
                    year=y,
                    task=task,
                    provisional=provisional,
                    committed=committed,
                    conditional=pending["voorwaardelijk"],
                    requested=pending["aangevraagd"],
                    uncertain=pending["onzeker"],
                    gap=gap,
                    status=status,
                    note=note,
                    precondition="voorwaarde" if p in dependent_pillars else None,
                )
            )
    return tuple(rows)


# -- Preventie met Gezag ---------------------------------------------------------------


def _mentions(*texts: str | None) -> bool:
    return any(PRECONDITION.lower() in text.lower() for text in texts if text)


def _precondition(
    plan: Plan, commitments: Sequence[Commitment], year: int | None
) -> Precondition | None:
    items: list[PreconditionItem] = []
    direct: list[str] = []
    for f in plan.finance.funding if plan.finance else []:
        if _mentions(f.name, f.funder, f.condition):
            met = f.status in ("ontvangen", "toegezegd")
            items.append(PreconditionItem("financiering", f.id, f.name, f.status, met))
    for c in commitments:
        if (year is None or c.year == year) and _mentions(c.name, c.funder, c.condition):
            status: str = c.status
            if c.status == "voorwaardelijk":
                status += ", voorwaarde vervuld" if c.condition_met else ", voorwaarde open"
            items.append(PreconditionItem("verplichting", c.id, c.name, status, is_committed(c)))
            if c.intervention:
                direct.append(c.intervention)
    if not items:
        return None
    veilig = [p for p in plan.pillars if "veilig" in (p.id.lower(), p.name.lower())]
    pillar_ids = [p.id for p in veilig]
    interventions = tuple(
        (iv.id, iv.name) for iv in plan.interventions if iv.pillar in pillar_ids or iv.id in direct
    )
    met = all(i.met for i in items)
    if met:
        text = (
            f"Voorwaarde vervuld: {PRECONDITION} is toegekend "
            f"({'; '.join(f'{i.id} {i.status}' for i in items)})."
        )
    else:
        whose = " en ".join(f"pijler {p.name}" for p in veilig) or "de genoemde interventies"
        open_items = "; ".join(f"{i.id} {i.name} ({i.status})" for i in items if not i.met)
        text = (
            f"De {len(interventions)} interventies van {whose} hangen af van de toekenning "
            f"van {PRECONDITION} (voorwaarde, nog niet vervuld). Open: {open_items}."
        )
    return Precondition(
        name=PRECONDITION,
        met=met,
        status="vervuld" if met else "voorwaarde",
        items=tuple(items),
        pillars=tuple(pillar_ids),
        interventions=interventions,
        text=text,
    )


# -- value for money -------------------------------------------------------------------


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


def _value_for_money(
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


# -- signals ---------------------------------------------------------------------------


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


# -- the store -------------------------------------------------------------------------


def record_spending(
    store: Store,
    programme: str,
    commitment: str,
    year: int,
    amount: float,
    note: str | None = None,
    user: str | None = None,
) -> Spent:
    """Record money spent against one of the plan's commitments (one transaction).

    Refuses an unknown commitment, a negative (or non-finite) amount and an impossible
    year. Spending more than the commitment's amount is allowed: the summary flags it
    ``overschreden``.
    """
    if not math.isfinite(amount) or amount < 0:
        raise StoreError(f"an amount spent must be zero or more, not {amount}")
    if not 1900 <= year <= 2100:
        raise StoreError(f"year {year} is not a year between 1900 and 2100")
    plan = store.plan(programme)
    ids = {c.id for c in plan.finance.commitments} if plan.finance else set()
    if commitment not in ids:
        known = ", ".join(sorted(ids)) or "none"
        raise StoreError(
            f"unknown commitment '{commitment}' in programme '{programme}' "
            f"(the plan's finance.commitments: {known})"
        )
    spent = Spent(
        commitment=commitment,
        year=year,
        amount=float(amount),
        note=note.strip() if note and note.strip() else None,
        recorded_by=user or current_user(),
        recorded_at=datetime.now(UTC),
    )
    with store.engine.begin() as c:
        c.execute(
            t.spending.insert().values(
                programme_id=programme,
                commitment_id=spent.commitment,
                year=spent.year,
                amount=spent.amount,
                note=spent.note,
                recorded_at=spent.recorded_at,
                recorded_by=spent.recorded_by,
            )
        )
    return spent


def spending(store: Store, programme: str) -> list[Spent]:
    """Every spending record of a programme, in the order it was recorded."""
    s = t.spending
    with store.engine.begin() as c:
        rows = c.execute(select(s).where(s.c.programme_id == programme).order_by(s.c.id))
        return [
            Spent(
                commitment=r.commitment_id,
                year=r.year,
                amount=r.amount,
                note=r.note,
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]
