"""The programme overview (``/``) and the folder of written reports (``/rapportages``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.responses import Response

from koers.assess import Assessment, Status
from koers.plan.model import Indicator, IndicatorKind, Pillar
from koers.present import decimals_of, period_key
from koers.web.views import (
    Snapshot,
    SnapshotDep,
    not_found,
    of_kind,
    page,
    pillar_counts,
)

router = APIRouter(include_in_schema=False)

HEADLINES = 2  # effect indicators per pillar on the overview, as in Deel I
REPORT_SUFFIXES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf"}


@dataclass(frozen=True)
class Headline:
    indicator: Indicator
    assessment: Assessment
    decimals: int


@dataclass(frozen=True)
class PillarSummary:
    pillar: Pillar
    counts: dict[str, int]
    headlines: list[Headline]
    effects: int


def summaries(snap: Snapshot) -> list[PillarSummary]:
    """Every pillar, aandachtsgebied and theme with its counts and headline indicators:
    the effect indicators with a figure, at most two (as Deel I shows them)."""
    result = []
    for pillar in snap.ordered_pillars():
        effects = of_kind(snap, pillar.id, IndicatorKind.EFFECT)
        with_data = [i for i in effects if snap.assessments[i.id].value is not None]
        result.append(
            PillarSummary(
                pillar,
                pillar_counts(snap, pillar.id),
                [
                    Headline(i, snap.assessments[i.id], decimals_of(i, snap.assessments[i.id]))
                    for i in with_data[:HEADLINES]
                ],
                len(effects),
            )
        )
    return result


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, snap: SnapshotDep) -> Response:
    """Every pillar with its counts per status and its headline effect indicators."""
    pillars = summaries(snap)
    totals = {s.value: sum(p.counts[s.value] for p in pillars) for s in Status}
    periods = sorted((a.period for a in snap.assessments.values() if a.period), key=period_key)
    groups: dict[str, list[PillarSummary]] = {}
    for summary in pillars:
        groups.setdefault(summary.pillar.kind, []).append(summary)
    return page(
        request,
        "overview.html",
        snap,
        groups=groups,
        totals=totals,
        latest=periods[-1] if periods else None,
    )


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportFile:
    path: str  # relative to the year's folder, e.g. "wijken/jaarambitie-bloemhof.pdf"
    title: str
    kind: str  # HTML / PDF


def report_files(folder: Path | None) -> dict[str, list[ReportFile]]:
    """Year -> the documents ``koers report`` wrote under ``folder/YEAR``, newest first."""
    if folder is None or not folder.is_dir():
        return {}
    years: dict[str, list[ReportFile]] = {}
    for year_dir in sorted(folder.iterdir(), reverse=True):
        if not (year_dir.is_dir() and year_dir.name.isdigit()):
            continue
        files = sorted(
            p
            for p in year_dir.rglob("*")
            if p.suffix in REPORT_SUFFIXES and p.is_file() and not p.is_symlink()
        )
        if files:
            years[year_dir.name] = [
                ReportFile(
                    p.relative_to(year_dir).as_posix(), p.stem, p.suffix.removeprefix(".").upper()
                )
                for p in files
            ]
    return years


def _title(slug: str, snap: Snapshot) -> str:
    programme, names = snap.plan.programme, snap.names
    if slug == programme.summary_slug:
        return f"Deel I — {programme.summary_title}"
    if slug == "deel-2-voortgangsrapportage":
        return "Deel II — Voortgangsrapportage"
    wijk = slug.removeprefix("jaarambitie-")
    return f"Jaarambitie {names[wijk]}" if wijk in names else slug


@router.get("/rapportages", response_class=HTMLResponse)
def reports(request: Request, snap: SnapshotDep) -> Response:
    """The yearly reports written with ``koers report``, per year, as HTML and PDF."""
    folder: Path | None = request.app.state.reports_dir
    listing = {
        year: [
            (_title(title, snap), [f for f in files if f.title == title])
            for title in dict.fromkeys(f.title for f in files)
        ]
        for year, files in report_files(folder).items()
    }
    return page(request, "reports.html", snap, listing=listing)


@router.get("/rapportages/{year}/{path:path}")
def report_file(request: Request, year: str, path: str) -> Response:
    """One written report; only files the listing shows are served."""
    folder: Path | None = request.app.state.reports_dir
    files = report_files(folder).get(year, [])
    if folder is None or path not in {f.path for f in files}:
        raise not_found(f"Rapportage '{year}/{path}' bestaat niet.")
    target = folder / year / path
    return FileResponse(target, media_type=REPORT_SUFFIXES[target.suffix])
