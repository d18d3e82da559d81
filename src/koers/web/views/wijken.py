"""The wijken (``/wijken``) and a wijk's page (``/wijken/{wijk}``): its map, its figures
against Zuid and Rotterdam, and the agreements and interventions the plan links to it (their
``areas``: the wijk, one of its buurten, its gebied or a group it is part of)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers.areas import AreaGraph
from koers.assess import Assessment, evaluate
from koers.plan.model import Area, Indicator
from koers.plan.summary import AgreementRow
from koers.present import decimals_of, pillar_rank, wijk_maps
from koers.programme import read_boundaries
from koers.store import Store
from koers.web.views import Snapshot, SnapshotDep, not_found, page, value_at
from koers.web.views.overview import report_files

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class WijkFigure:
    indicator: Indicator
    assessment: Assessment  # the wijk's own, judged against the plan's target
    decimals: int
    zuid: float | None
    rotterdam: float | None


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
    """A wijk's map, its figures against Zuid and Rotterdam, and what names it."""
    area = find_wijk(snap, wijk)
    measured_in = {w.id for w in snap.wijken} | {m for w in snap.wijken for m in w.members}
    measured = {o.indicator for o in snap.observations if o.area in measured_in}
    zuid, city = snap.plan.programme.area, snap.plan.programme.city
    rows = []
    for assessment in evaluate(snap.plan, snap.index, area=wijk):
        if assessment.indicator not in measured or assessment.value is None:
            continue
        indicator = snap.indicators[assessment.indicator]
        rows.append(
            WijkFigure(
                indicator,
                assessment,
                decimals_of(indicator, assessment),
                value_at(snap, indicator, zuid, assessment.period),
                value_at(snap, indicator, city, assessment.period) if city in snap.names else None,
            )
        )
    rows.sort(key=lambda r: (pillar_rank(snap.plan, r.indicator.pillar), r.indicator.id))
    graph = AreaGraph(snap.plan.areas)
    agreements: list[AgreementRow] = [
        r for r in snap.agreement_rows() if r.commitment and graph.concerns(r.areas, wijk)
    ]
    overdue = {r.id for r in agreements if r.overdue_on(snap.today)}
    interventions = [iv for iv in snap.plan.interventions if graph.concerns(iv.areas, wijk)]
    # which of an item's places ties it to this wijk, by name
    linked = [(r.id, r.areas) for r in agreements] + [(i.id, i.areas) for i in interventions]
    via = {
        item: [snap.names.get(a, a) for a in areas if graph.overlaps(a, wijk)]
        for item, areas in linked
    }
    return page(
        request,
        "wijk.html",
        snap,
        wijk=area,
        gebied=snap.names.get(area.parent or "", None),
        shape=wijk_map(request.app.state.store, snap, wijk),
        rows=rows,
        zuid=snap.names.get(zuid, zuid),
        rotterdam=snap.names.get(city or ""),
        via=via,
        agreements=agreements,
        overdue=overdue,
        interventions=interventions,
        documents=[
            (year, f)
            for year, files in report_files(request.app.state.reports_dir).items()
            for f in files
            if f.title == f"jaarambitie-{wijk}"
        ],
    )
