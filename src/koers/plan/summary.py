"""What a plan holds, counted; and its agreements as rows to list. Pure.

Only commitments (``afspraak``, ``toezegging``) count as agreements and can be overdue; a
wish, a principle or a pointer to a commitment held in another chapter is listed with its
kind but never counted, reported on or late. A due date is late only when it is a deadline
(``due_kind`` ``uiterlijk``); the words of each kind are in :data:`DUE_WORDS`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from koers.plan.model import COMMITMENT_KINDS, Plan
from koers.plan.period import due_passed

NOT_REPORTED = "niet gerapporteerd"
NO_OWNER = "niet vermeld"
NOT_A_COMMITMENT = "geen afspraak"  # the status of a wish, a principle or a pointer
DONE = "afgerond"  # an agreement that is done is never overdue
# how a due date reads, by its kind (None: a plan without date kinds, read as a deadline)
DUE_WORDS: dict[str | None, str] = {
    None: "",
    "uiterlijk": "uiterlijk",
    "start": "start in",
    "niet_voor": "niet vóór",
    "jaarlijks": "jaarlijks,",
}


def summarise(plan: Plan) -> dict[str, Any]:
    """Counts of everything in the plan, grouped the way the programme bureau checks them."""

    def counted(values: list[str]) -> dict[str, int]:
        return dict(sorted(Counter(values).items()))

    return {
        "programme": plan.programme.id,
        "name": plan.programme.name,
        "pillars": counted([p.kind for p in plan.pillars]),
        "ambitions": sum(len(p.ambitions) for p in plan.pillars),
        "intervention_lines": sum(len(p.lines) for p in plan.pillars),
        "indicators": counted([i.kind.value for i in plan.indicators]),
        "indicators_by_pillar": counted(
            [f"{i.pillar or '-'}/{i.kind.value}" for i in plan.indicators]
        ),
        # every target (an indicator may have several), and the indicators without one
        "targets": counted(
            [t.kind for i in plan.indicators for t in i.targets]
            + ["geen" for i in plan.indicators if not i.targets]
        ),
        "interventions": len(plan.interventions),
        "agreements": counted([a.kind for a in plan.agreements]),
        "commitments": sum(1 for a in plan.agreements if a.is_commitment),
        "agreements_by_pillar": counted(
            [a.pillar or "-" for a in plan.agreements if a.is_commitment]
        ),
        "partners": counted([p.sector for p in plan.partners if p.signatory]),
        "other_organisations": sum(1 for p in plan.partners if not p.signatory),
        "areas": counted([a.kind.value for a in plan.areas]),
        "finance": plan.finance is not None,
        "governance": plan.governance is not None,
    }


@dataclass(frozen=True)
class AgreementRow:
    id: str
    kind: str
    pillar: str | None
    owners: list[str]
    partners: list[str]
    due: str | None
    status: str
    text: str
    due_kind: str | None = None
    reporters: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    parent: str | None = None
    same_as: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def commitment(self) -> bool:
        """An afspraak or toezegging; not a wish, a principle or a pointer."""
        return self.kind in COMMITMENT_KINDS

    @property
    def when(self) -> str | None:
        """The due date in words: 'uiterlijk 2024', 'start in 2023', 'niet vóór 2024',
        'jaarlijks, 2023-2027', 'doorlopend'; None without a date."""
        if not self.due:
            return None
        if self.due == "doorlopend":
            return self.due
        return f"{DUE_WORDS.get(self.due_kind, '')} {self.due}".strip()

    def overdue_on(self, today: date) -> bool:
        """Past its deadline and not done: only a commitment with a due date of kind
        'uiterlijk' can be late (an agreement that is done is never overdue)."""
        return (
            self.commitment and self.status != DONE and due_passed(self.due, today, self.due_kind)
        )


def agreement_rows(
    plan: Plan,
    *,
    pillar: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    statuses: dict[str, str] | None = None,
) -> list[AgreementRow]:
    """The agreements, filtered; owners by name, 'niet vermeld' where the plan names none.

    ``statuses`` maps agreement ids to their reported status; without a report an
    agreement is 'niet gerapporteerd'.
    """
    names = {p.id: p.name for p in plan.partners}
    rows = []
    for agreement in plan.agreements:
        current = (
            (statuses or {}).get(agreement.id, NOT_REPORTED)
            if agreement.is_commitment
            else NOT_A_COMMITMENT
        )
        if pillar is not None and agreement.pillar != pillar:
            continue
        if owner is not None and owner not in agreement.owners:
            continue
        if status is not None and current != status:
            continue
        rows.append(
            AgreementRow(
                id=agreement.id,
                kind=agreement.kind,
                pillar=agreement.pillar,
                owners=[names.get(o, o) for o in agreement.owners]
                or ([NO_OWNER] if agreement.is_commitment else []),
                partners=[names.get(p, p) for p in agreement.partners],
                due=agreement.due,
                status=current,
                text=agreement.text,
                due_kind=agreement.due_kind,
                reporters=[names.get(r, r) for r in agreement.reporters],
                areas=list(agreement.areas),
                parent=agreement.parent,
                same_as=list(agreement.same_as),
            )
        )
    return rows
