"""Use cases of the library that combine several packages: what the command line, a
scheduler or a test calls, so none of them needs the command line to do it.

- :func:`load_plan_directory`: a plan directory into the store, with its figures
  (``data/*.csv``) and boundaries (``data/*.geojson``);
- :func:`write_report_set`: the yearly documents of a programme, read from the store.

Errors are :class:`~koers.errors.KoersError`; progress is reported through callbacks, so
the caller decides how (and whether) to show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from koers.errors import KoersError
from koers.plan import load_plan
from koers.programme import ProgrammeState, read_boundaries
from koers.report import build_reports, latest_year, write_reports
from koers.report.sections import standard_sections
from koers.sources import ImportOutcome, import_file
from koers.store import PlanLoad, Store

__all__ = ["DirectoryLoad", "load_plan_directory", "write_report_set"]


@dataclass(frozen=True)
class DirectoryLoad:
    plan: PlanLoad
    imports: tuple[ImportOutcome, ...]

    @property
    def programme(self) -> str:
        return self.plan.programme


def load_plan_directory(
    store: Store,
    directory: Path,
    *,
    with_data: bool = True,
    on_plan: Callable[[PlanLoad], None] | None = None,
    on_import: Callable[[ImportOutcome], None] | None = None,
) -> DirectoryLoad:
    """Load the plan in ``directory`` (a changed plan becomes a new version) and import the
    files of its ``data/`` folder, each as one batch, in name order (a file imported before
    changes nothing)."""
    result = store.save_plan(load_plan(directory), source=str(directory))
    if on_plan is not None:
        on_plan(result)
    outcomes = []
    if with_data:
        data = directory / "data"
        for path in sorted([*data.glob("*.csv"), *data.glob("*.geojson")]):
            outcome = import_file(
                store,
                path,
                programme=result.programme,
                format="csv" if path.suffix == ".csv" else "geojson",
            )
            outcomes.append(outcome)
            if on_import is not None:
                on_import(outcome)
    return DirectoryLoad(result, tuple(outcomes))


def write_report_set(
    store: Store,
    programme: str | None,
    year: int | None,
    out: Path,
    *,
    pdf: bool = True,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Build and write the documents for ``year`` (default: the latest year with figures)
    into ``out/YEAR``: Deel I, Deel II and a jaarambitie document per wijk."""
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
    return write_reports(reports, out / str(year), pdf=pdf, progress=progress)
