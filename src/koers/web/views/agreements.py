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

from koers import nl, workflow
from koers.areas import AreaGraph
from koers.board import agreement_ladder, rung_at
from koers.plan.summary import NOT_REPORTED, AgreementRow
from koers.web.views import Snapshot, SnapshotDep, choices, not_found, page

router = APIRouter(include_in_schema=False)

KNOWN_STATUSES = (NOT_REPORTED, *(s.value for s in workflow.AgreementStatus))


@dataclass(frozen=True)
class Listed:
    row: AgreementRow
    overdue: bool
    escalation: str | None  # the label of the rung it is escalated to (the plan's bodies)


def due_year(due: str | None) -> int | None:
    """The year an agreement is due: of ``2024``, ``2024-06`` or ``2024-06-30`` that year, of
    a period ``2023-2027`` its last year; None for ``doorlopend`` or no date."""
    if not due or not due[:4].isdigit():
        return None
    return int(due[-4:]) if len(due) == 9 and due[4] == "-" and due[5:].isdigit() else int(due[:4])


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
    due: int | None = None,
    area: str | None = None,
) -> list[Listed]:
    """The agreements that pass the filters, each with whether it is overdue today; ``area``
    keeps those the plan links to that area (or a place in it, around it or overlapping it).

    Raises a 404 for a pillar, partner (id), status or area the plan does not know.
    """
    if area is not None and area not in snap.names:
        raise not_found(f"Gebied '{area}' bestaat niet in dit plan; gebruik de id van een gebied.")
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
    states = snap.agreement_states
    listed = [
        Listed(row, row.overdue_on(snap.today), _rung(snap, row, states.get(row.id)))
        for row in snap.agreement_rows(pillar=pillar, owner=owner, status=status)
        if due is None or due_year(row.due) == due
    ]
    if area is not None:
        graph = AreaGraph(snap.plan.areas)
        listed = [item for item in listed if graph.concerns(item.row.areas, area)]
    return [item for item in listed if item.overdue or not overdue]


def _rung(snap: Snapshot, row: AgreementRow, state: workflow.AgreementState | None) -> str | None:
    """The label of the rung an agreement is escalated to; None: not escalated."""
    if state is None or state.escalation is None:
        return None
    rung = rung_at(agreement_ladder(snap.plan, row), state.escalation)
    return rung.label if rung is not None else None


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
    gepland: Annotated[str | None, Query()] = None,
) -> Response:
    """The register; an empty filter (the form's "alle") counts as no filter."""
    chosen = {
        "pijler": pijler or None,
        "eigenaar": eigenaar or None,
        "status": status or None,
        "verlopen": "1" if _flag(verlopen) else None,
        "gepland": gepland or None,
    }
    if gepland and not (gepland.isdigit() and len(gepland) == 4):
        raise HTTPException(400, f"'gepland' is een jaar zoals 2025, niet '{gepland}'.")
    listed = select(
        snap,
        pillar=chosen["pijler"],
        owner=chosen["eigenaar"],
        status=chosen["status"],
        overdue=chosen["verlopen"] == "1",
        due=int(gepland) if gepland else None,
    )
    with_agreements = {a.pillar for a in snap.plan.agreements}
    return page(
        request,
        "agreements.html",
        snap,
        listed=listed,
        chosen=chosen,
        total=sum(1 for a in snap.plan.agreements if a.is_commitment),
        overdue_count=sum(1 for item in listed if item.overdue),
        pillar_options=[p for p in snap.ordered_pillars() if p.id in with_agreements],
        owner_options=sorted(owners(snap).items(), key=lambda item: item[1].lower()),
        status_options=statuses(snap),
        due_options=sorted({y for a in snap.plan.agreements if (y := due_year(a.due)) is not None}),
    )


@router.get("/afspraken/{agreement_id}", response_class=HTMLResponse)
def agreement_page(request: Request, agreement_id: str, snap: SnapshotDep) -> Response:
    """One agreement: its text, owners, due date, approved status and escalation, and its
    public history (each approved status and escalation step, with its date)."""
    listed = next((item for item in select(snap) if item.row.id == agreement_id), None)
    if listed is None:
        raise not_found(f"Afspraak '{agreement_id}' bestaat niet in dit plan.")
    store = request.app.state.store
    return page(
        request,
        "agreement.html",
        snap,
        item=listed,
        history=workflow.public_history(store, snap.programme, agreement_id),
        when=nl.moment,
    )
