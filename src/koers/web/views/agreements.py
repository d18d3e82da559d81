"""The agreements register (``/afspraken``), filtered by pillar, owner, status and overdue.

The filters are checked against the plan: an unknown pillar, partner or status is a 404
with a Dutch message that names the valid values, never an empty list that hides a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.plan.summary import NOT_REPORTED, AgreementRow
from koers.web.views import Snapshot, SnapshotDep, choices, not_found, page

router = APIRouter(include_in_schema=False)

KNOWN_STATUSES = (NOT_REPORTED, *(s.value for s in workflow.Status))


@dataclass(frozen=True)
class Listed:
    row: AgreementRow
    overdue: bool


def statuses(snap: Snapshot) -> list[str]:
    """The statuses one may filter on: those the code knows and those that occur."""
    return list(dict.fromkeys([*KNOWN_STATUSES, *(r.status for r in snap.agreement_rows())]))


def select(
    snap: Snapshot,
    *,
    pillar: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> list[Listed]:
    """The agreements that pass the filters, each with whether it is overdue today.

    Raises a 404 for a pillar, partner (id) or status the plan does not know.
    """
    if pillar is not None and pillar not in snap.pillars:
        raise not_found(
            f"Pijler '{pillar}' bestaat niet in dit plan. Kies uit {choices(list(snap.pillars))}."
        )
    if owner is not None and owner not in snap.partners:
        raise not_found(
            f"Partner '{owner}' bestaat niet in dit plan; gebruik de id van een partner, "
            f"zoals {choices(sorted(owners(snap))[:3])}."
        )
    known = statuses(snap)
    if status is not None and status not in known:
        raise not_found(f"Status '{status}' bestaat niet. Kies uit {choices(known)}.")
    listed = [
        Listed(row, row.overdue_on(snap.today))
        for row in snap.agreement_rows(pillar=pillar, owner=owner, status=status)
    ]
    return [item for item in listed if item.overdue or not overdue]


def owners(snap: Snapshot) -> dict[str, str]:
    """Partner id -> name, for the partners that own at least one agreement."""
    owning = {o for a in snap.plan.agreements for o in a.owners}
    return {pid: name for pid, name in snap.partners.items() if pid in owning}


def _flag(value: str | None) -> bool:
    if value in (None, "", "0"):
        return False
    if value == "1":
        return True
    raise HTTPException(400, f"'verlopen' is 1 (alleen verlopen afspraken) of 0, niet '{value}'.")


@router.get("/afspraken", response_class=HTMLResponse)
def agreements_page(
    request: Request,
    snap: SnapshotDep,
    pijler: Annotated[str | None, Query()] = None,
    eigenaar: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    verlopen: Annotated[str | None, Query()] = None,
) -> Response:
    """The register; an empty filter (the form's "alle") counts as no filter."""
    chosen = {
        "pijler": pijler or None,
        "eigenaar": eigenaar or None,
        "status": status or None,
        "verlopen": "1" if _flag(verlopen) else None,
    }
    listed = select(
        snap,
        pillar=chosen["pijler"],
        owner=chosen["eigenaar"],
        status=chosen["status"],
        overdue=chosen["verlopen"] == "1",
    )
    with_agreements = {a.pillar for a in snap.plan.agreements}
    return page(
        request,
        "agreements.html",
        snap,
        listed=listed,
        chosen=chosen,
        total=len(snap.plan.agreements),
        overdue_count=sum(1 for item in listed if item.overdue),
        pillar_options=[p for p in snap.ordered_pillars() if p.id in with_agreements],
        owner_options=sorted(owners(snap).items(), key=lambda item: item[1].lower()),
        status_options=statuses(snap),
    )
