"""Commitments with their spending, and coverage: a pillar's yearly task against the money
committed for it.

- A commitment counts as *committed* when it is ``toegezegd``, or ``voorwaardelijk`` with its
  condition met (:func:`is_committed`). Everything else is *uncovered*, per status
  (voorwaardelijk, aangevraagd, onzeker). The coverage gap of a pillar in a year is its
  yearly task minus what is committed. A commitment belongs to its own ``pillar`` or else to
  its intervention's pillar; the programme-wide Tabel 11 line (programmabureau) and
  commitments without a pillar form the row ``programmabreed``.
- Spending is recorded against one commitment; more than its amount is allowed and flagged
  ``overschreden``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from koers.money.common import CENT, CSS, STATUSES
from koers.money.tasks import year_task
from koers.plan.model import Commitment, Intervention, Plan

PillarOf = Callable[[Commitment], str | None]


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
    precondition: str | None = None  # "voorwaarde" while the plan's precondition is not met

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


def is_committed(c: Commitment) -> bool:
    """Toegezegd, or voorwaardelijk with its condition met."""
    return c.status == "toegezegd" or (c.status == "voorwaardelijk" and c.condition_met)


def _category(c: Commitment) -> str:
    return "toegezegd" if is_committed(c) else c.status


def commitment_row(
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


def coverage(
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
