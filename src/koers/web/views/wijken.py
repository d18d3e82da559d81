"""The wijken (``/wijken``) and a wijk's page (``/wijken/{wijk}``): the same jaarambitie as
the wijk's yearly document (:mod:`koers.report.wijkdoc`) — its map, its figures against Zuid
and Rotterdam, focuswijk or not, per pillar the ambition and the agreements and
interventions the plan links to it (their ``areas``: the wijk, one of its buurten, its
gebied or a group it is part of), and the wijkraad's conversations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers.alliance import bondgenootschap
from koers.plan.model import Area
from koers.present import wijk_maps
from koers.programme import read_boundaries
from koers.report.wijkdoc import wijk_document
from koers.store import Store
from koers.web.views import Snapshot, SnapshotDep, not_found, page
from koers.web.views.overview import report_files

router = APIRouter(include_in_schema=False)


def find_wijk(snap: Snapshot, wijk: str) -> Area:
    for area in snap.wijken:
        if area.id == wijk:
            return area
    raise not_found(f"Wijk '{wijk}' bestaat niet. Zie de lijst van wijken op /wijken.")


@router.get("/wijken", response_class=HTMLResponse)
def wijken(request: Request, snap: SnapshotDep) -> Response:
    """The wijken of the programme, with the gebied each lies in."""
    counted = {w.id: 0 for w in snap.wijken}
    members = {m: w.id for w in snap.wijken for m in w.members}
    for o in snap.observations:
        owner = o.area if o.area in counted else members.get(o.area)
        if owner is not None:
            counted[owner] += 1
    return page(request, "wijken.html", snap, wijken=snap.wijken, counted=counted)


def wijk_map(store: Store, snap: Snapshot, wijk: str) -> dict[str, Any] | None:
    """The wijk among the other wijken of the programme, from the latest boundaries."""
    boundaries = read_boundaries(store, snap.programme)
    return wijk_maps(snap.plan, boundaries).get(wijk) if boundaries else None


@router.get("/wijken/{wijk}", response_class=HTMLResponse)
def wijk_page(request: Request, wijk: str, snap: SnapshotDep) -> Response:
    """The wijk's jaarambitie as the yearly document tells it, with every figure up to today:
    its map, its figures against Zuid and Rotterdam, focuswijk or not, per pillar the ambition
    and what the plan links to it, and the wijkraad's conversations of this year."""
    area = find_wijk(snap, wijk)
    shape = wijk_map(request.app.state.store, snap, wijk)
    talks = bondgenootschap(snap.plan, snap.meetings, snap.today.year, as_of=snap.today)
    document = wijk_document(
        snap.plan,
        snap.index,
        area.id,
        year=None,
        today=snap.today,
        agreements=snap.agreement_rows(),
        maps={area.id: shape} if shape else None,
        alliance=next((w for w in talks.wijken if w.id == area.id), None),
        narratives=snap.narratives,
    )
    return page(
        request,
        "wijk.html",
        snap,
        wijk=area,
        doc=document,
        year=snap.today.year,
        documents=[
            (year, f)
            for year, files in report_files(request.app.state.reports_dir).items()
            for f in files
            if f.title == f"jaarambitie-{wijk}"
        ],
    )
