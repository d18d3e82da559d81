"""A pillar's page (``/pijlers/{pillar}``): its effect indicators with chart, status and
explanation, and its interventions with their output indicators."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers.assess import Assessment
from koers.plan.model import Indicator, IndicatorKind, Intervention
from koers.present import decimals_of
from koers.web.views import (
    ChartView,
    Snapshot,
    SnapshotDep,
    chart_view,
    choices,
    not_found,
    of_kind,
    page,
    pillar_counts,
)

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class IndicatorBlock:
    """An indicator with its status, chart (None without figures) and story."""

    indicator: Indicator
    assessment: Assessment
    decimals: int
    chart: ChartView | None = None
    narrative: str | None = None


def block(snap: Snapshot, indicator: Indicator, *, with_chart: bool = False) -> IndicatorBlock:
    assessment = snap.assessments[indicator.id]
    return IndicatorBlock(
        indicator,
        assessment,
        decimals_of(indicator, assessment),
        chart_view(snap, indicator, assessment) if with_chart else None,
        snap.narratives.get((indicator.id, assessment.area, assessment.period or "")),
    )


@router.get("/pijlers/{pillar}", response_class=HTMLResponse)
def pillar_page(request: Request, pillar: str, snap: SnapshotDep) -> Response:
    """Effect indicators against reference and trajectory; interventions and outputs."""
    found = snap.pillars.get(pillar)
    if found is None:
        raise not_found(
            f"Pijler '{pillar}' bestaat niet in dit plan. Kies uit {choices(list(snap.pillars))}."
        )
    effects = [block(snap, i, with_chart=True) for i in of_kind(snap, pillar, IndicatorKind.EFFECT)]
    outputs = [block(snap, i) for i in of_kind(snap, pillar, IndicatorKind.OUTPUT)]
    interventions: list[tuple[Intervention, list[IndicatorBlock]]] = [
        (iv, [b for b in outputs if b.indicator.intervention == iv.id])
        for iv in snap.plan.interventions
        if iv.pillar == pillar
    ]
    linked = {iv.id for iv, _ in interventions}
    loose = [b for b in outputs if b.indicator.intervention not in linked]
    lines = {line.id: line.name for line in found.lines}
    agreements = sum(1 for a in snap.plan.agreements if a.pillar == pillar)
    return page(
        request,
        "pillar.html",
        snap,
        pillar=found,
        numbers=pillar_counts(snap, pillar),
        effects=effects,
        interventions=interventions,
        loose=loose,
        contextual=[block(snap, i) for i in of_kind(snap, pillar, IndicatorKind.CONTEXT)],
        lines=lines,
        agreements=agreements,
    )
