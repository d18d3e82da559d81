"""What a plan holds, counted; and its agreements as rows to list. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from koers.plan.model import Plan
from koers.plan.period import due_passed

NOT_REPORTED = "niet gerapporteerd"
NO_OWNER = "niet vermeld"
DONE = "afgerond"  # an agreement that is done is never overdue


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
        "targets": counted([i.target.kind if i.target else "geen" for i in plan.indicators]),
        "interventions": len(plan.interventions),
        "agreements": counted([a.kind for a in plan.agreements]),
        "agreements_by_pillar": counted([a.pillar or "-" for a in plan.agreements]),
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
    ref: str | None

    def record(self) -> dict[str, Any]:
        return asdict(self)

    def overdue_on(self, today: date) -> bool:
        """Past its due date and not done (an agreement that is done is never overdue)."""
        return self.status != DONE and due_passed(self.due, today)


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
        current = (statuses or {}).get(agreement.id, NOT_REPORTED)
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
                owners=[names.get(o, o) for o in agreement.owners] or [NO_OWNER],
                partners=[names.get(p, p) for p in agreement.partners],
                due=agreement.due,
                status=current,
                text=agreement.text,
                ref=agreement.ref,
            )
        )
    return rows
