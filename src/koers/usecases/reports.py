"""Writing the yearly documents of a programme as the store holds it: Deel I, Deel II and a
jaarambitie document per wijk, as HTML and tagged PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from koers.errors import KoersError
from koers.programme import ProgrammeState, read_boundaries
from koers.report import build_reports, latest_year, write_reports
from koers.report.sections import standard_sections
from koers.store import Store


def write_report_set(
    store: Store,
    programme: str | None,
    year: int | None,
    out: Path,
    *,
    pdf: bool = True,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    site_url: str | None = None,
) -> list[Path]:
    """Build and write the documents for ``year`` (default: the latest year with figures)
    into ``out/YEAR``: Deel I, Deel II and a jaarambitie document per wijk. Deel I is
    definitief once the bureau has closed the year (its figures are locked), else concept.
    ``workers``: processes laying out the PDFs (default: one per core); ``site_url``: the
    public website each document links back to (None: none)."""
    state = ProgrammeState.read(store, programme, today=today)
    year = year or latest_year(state.observations)
    if year is None:
        raise KoersError("nog geen cijfers ingelezen; importeer eerst een bestand")
    reports = build_reports(
        state.plan,
        state.observations,
        year=year,
        generated=state.today,
        narratives=state.narratives,
        agreement_statuses=state.statuses,
        history=state.history,
        breakdowns=state.breakdowns,
        final=year in store.closed_years(state.programme),
        boundaries=read_boundaries(store, state.programme, year),
        extras=standard_sections(
            state.plan,
            state.observations,
            year=year,
            generated=state.today,
            spending=state.spending,
            meetings=state.meetings,
        ),
    )
    return write_reports(
        reports, out / str(year), pdf=pdf, progress=progress, workers=workers, site_url=site_url
    )
