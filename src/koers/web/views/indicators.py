"""An indicator's page (``/indicatoren/{indicator}``) and its figures as CSV
(``/indicatoren/{indicator}.csv``)."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers.areas import Observation
from koers.assess import Assessment
from koers.plan.model import Indicator, ReachReference, Staged, Target
from koers.present import decimals_of, passport_facts, period_key, source_list
from koers.web.views import (
    Snapshot,
    SnapshotDep,
    chart_view,
    not_found,
    page,
    spreadsheet_safe,
)

router = APIRouter(include_in_schema=False)

CSV_COLUMNS = (
    "indicator",
    "area",
    "period",
    "value",
    "status",
    "source",
    "batch",
    "dimension",
    "category",
)


def find_indicator(snap: Snapshot, indicator: str) -> Indicator:
    found = snap.indicators.get(indicator)
    if found is None:
        raise not_found(f"Indicator '{indicator}' bestaat niet in dit plan.")
    return found


def figures(snap: Snapshot, indicator: str, *, breakdowns: bool = False) -> list[Observation]:
    """The current figures of an indicator, in the plan's order of areas, then by period;
    with ``breakdowns`` each total followed by its breakdown (a partner's contribution, a
    schoolweging band, an age group)."""
    order = {a.id: n for n, a in enumerate(snap.plan.areas)}
    found = [*snap.observations, *(snap.breakdowns if breakdowns else ())]
    return sorted(
        (o for o in found if o.indicator == indicator),
        key=lambda o: (
            order.get(o.area, len(order)),
            period_key(o.period),
            o.dimension or "",
            o.category or "",
        ),
    )


# registered before the page: an indicator id may contain dots, so "E5.4.csv" would match
def download_rows(snap: Snapshot, indicator: str) -> list[list[str | float | None]]:
    """Every current figure of the indicator: one row per area and period, with the
    figure's own status (definitief / voorlopig / geschat), source and import batch, then
    its breakdowns (``dimension`` and ``category`` empty on the total)."""
    find_indicator(snap, indicator)
    return [
        [
            *(o.indicator, o.area, o.period, o.value, o.status, o.source, o.batch),
            *(o.dimension, o.category),
        ]
        for o in figures(snap, indicator, breakdowns=True)
    ]


@router.get("/indicatoren/{indicator}.csv")
def indicator_csv(indicator: str, snap: SnapshotDep) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in download_rows(snap, indicator):
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in row])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{indicator}.csv"'},
    )


@router.get("/indicatoren/{indicator}.xlsx")
def indicator_xlsx(indicator: str, snap: SnapshotDep) -> Response:
    """The same rows as the CSV, as a workbook; values stay numbers."""
    from openpyxl import Workbook

    rows = download_rows(snap, indicator)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "cijfers"
    sheet.append(CSV_COLUMNS)
    for row in rows:
        sheet.append([spreadsheet_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{indicator}.xlsx"'},
    )


@router.get("/indicatoren/{indicator}", response_class=HTMLResponse)
def indicator_page(request: Request, indicator: str, snap: SnapshotDep) -> Response:
    """Status and chart, the passport (what is counted, the source, who delivers it and
    when), the full series of every area with figures, the target and its trajectory, and
    the story behind the curve per period."""
    found = find_indicator(snap, indicator)
    assessment = snap.assessments[indicator]
    rows = figures(snap, indicator)
    periods = sorted({o.period for o in rows}, key=period_key)
    table: dict[str, dict[str, Observation]] = {}
    for o in rows:
        table.setdefault(o.area, {})[o.period] = o
    stories = sorted(
        (
            (period, snap.names.get(area, area), text)
            for (ind, area, period), text in snap.narratives.items()
            if ind == indicator
        ),
        key=lambda story: (period_key(story[0]), story[1]),
    )
    return page(
        request,
        "indicator.html",
        snap,
        indicator=found,
        a=assessment,
        decimals=decimals_of(found, assessment),
        figure=chart_view(snap, found, assessment),
        periods=periods,
        table=table,
        breakdowns=[o for o in figures(snap, indicator, breakdowns=True) if o.dimension],
        # every target beside the others, each with its own status on the one series
        targets=[
            # where the text sets it, as a citation: line numbers are not for the public
            (
                target,
                judged,
                _reference_name(snap, target, judged),
                source_list([target.ref] if target.ref else []),
            )
            for target, judged in zip(found.targets, assessment.all, strict=False)
        ],
        stories=stories,
        narrative=snap.narratives.get((indicator, assessment.area, assessment.period or "")),
        agreements=[a for a in snap.plan.agreements if indicator in a.indicators],
        passport=passport_facts(snap.plan, snap.passports[indicator]),
        figure_sources=source_list(assessment.sources),
    )


def _reference_name(snap: Snapshot, target: Target, judged: Assessment) -> str | None:
    """The reference a target is judged against: its area, or a ladder's rungs in order
    with the one now judged against."""
    if isinstance(target, ReachReference):
        return snap.names.get(target.reference_area, target.reference_area)
    if isinstance(target, Staged):
        return " → ".join(snap.names.get(r.reference_area, r.reference_area) for r in target.stages)
    return None
