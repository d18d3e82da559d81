"""Importers: bring figures from publishers' files into the store, one batch per file.

Owns the ``Source`` seam (:mod:`koers.sources.base`): one module per format turns the bytes
of a file into observations checked against the plan, or raises :class:`SourceError`
listing every problem with its row and column. :func:`import_file` then stores them as one
all-or-nothing batch, so a bad row never leaves half a file behind; ``dry_run`` shows what
would change instead.

Formats: ``csv`` (long, the plan's own ids), ``cbs`` (StatLine OData v3/v4, CSV downloads,
the Wijk- en Buurtkaart), ``wijkprofiel`` (Rotterdam's workbook and its CSV dumps),
``csv-wide`` and ``xlsx`` (partners' spreadsheets), ``geojson`` (GeoJSON and TopoJSON
boundaries per boundary year). Publisher formats map their columns and area codes onto the
plan through the plan's declared ``mappings`` and ``crosswalks``, never through code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from koers.areas import Comparison, Observation, compare_with_members, rounding_tolerance
from koers.plan.model import Plan
from koers.plan.period import period_year
from koers.sources.base import (
    ImportContext,
    Reading,
    Source,
    SourceError,
    SourceIssue,
)
from koers.sources.boundaries import (
    BoundaryReading,
    BoundarySource,
    current_boundaries,
    read_boundaries,
    store_boundaries,
)
from koers.sources.cbs import CbsSource
from koers.sources.csvlong import LongCsv
from koers.sources.tabular import WideCsv, Xlsx
from koers.sources.wijkprofiel import WijkprofielSource
from koers.store import BatchResult, ImportDiff, Store

__all__ = [
    "SOURCES",
    "ImportContext",
    "ImportOutcome",
    "LongCsv",
    "Reading",
    "Source",
    "SourceError",
    "SourceIssue",
    "current_boundaries",
    "import_file",
    "publisher_mismatches",
    "read_plan_figures",
]

SOURCES: dict[str, Source] = {
    "csv": LongCsv(),
    "cbs": CbsSource(),
    "wijkprofiel": WijkprofielSource(),
    "csv-wide": WideCsv(),
    "xlsx": Xlsx(),
    "geojson": BoundarySource(),
}
"""Every format by name, in the order ``--format auto`` tries them (most specific first)."""


@dataclass(frozen=True)
class ImportOutcome:
    """A stored batch (``batch``), or with ``dry_run`` what it would change (``diff``)."""

    source_name: str
    format: str
    reading: Reading | BoundaryReading
    batch: BatchResult | None = None
    diff: ImportDiff | None = None
    duplicate_of: str | None = None
    mismatches: tuple[Comparison, ...] = ()
    """Group totals in the file that its own member figures do not add up to."""


def import_file(
    store: Store,
    path: str | Path,
    *,
    programme: str | None = None,
    format: str = "auto",
    mapping: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    user: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Read, check and store one file as a batch (or, with ``dry_run``, only compare).

    Figures become observations; boundary files (GeoJSON, TopoJSON) become area
    boundaries of their boundary ``year``.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError([SourceIssue(str(path), None, None, "bestand niet gevonden")])
    programme = store.resolve_programme(programme)
    plan = store.plan(programme)
    data = path.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    source = _source(data, path.name, format)
    context = ImportContext(plan, mapping)
    previous = store.find_batch(programme, checksum)
    if isinstance(source, BoundarySource):
        boundaries = read_boundaries(data, path.name, context, year)
        if dry_run:
            return ImportOutcome(
                path.name,
                boundaries.format,
                boundaries,
                duplicate_of=previous.id if previous else None,
            )
        stored = store_boundaries(
            store, programme, boundaries, source_name=path.name, checksum=checksum, user=user
        )
        return ImportOutcome(
            path.name, boundaries.format, boundaries, batch=stored, duplicate_of=stored.duplicate_of
        )
    reading = source.read(data, path.name, context)
    refuse_closed_years(store, programme, path.name, reading.observations)
    mismatches = tuple(publisher_mismatches(plan, reading))
    if dry_run:
        return ImportOutcome(
            path.name,
            source.format,
            reading,
            diff=store.preview_import(programme, reading.observations),
            duplicate_of=previous.id if previous else None,
            mismatches=mismatches,
        )
    batch = store.import_observations(
        programme,
        reading.observations,
        source_name=path.name,
        checksum=checksum,
        format=source.format,
        user=user,
        progress=progress,
    )
    return ImportOutcome(
        path.name,
        source.format,
        reading,
        batch=batch,
        duplicate_of=batch.duplicate_of,
        mismatches=mismatches,
    )


def refuse_closed_years(
    store: Store, programme: str, name: str, rows: Sequence[Observation]
) -> None:
    """Refuse figures for a year the bureau closed (:func:`koers.workflow.close_period`),
    each named; nothing is stored."""
    closed = store.closed_years(programme)
    issues = [
        SourceIssue(
            name,
            None,
            None,
            f"{obs.indicator} in {obs.area} over {obs.period}: het jaar "
            f"{period_year(obs.period)} is afgesloten; alleen het programmabureau kan het nog "
            f"wijzigen, met een gelogde correctie in het portaal",
        )
        for obs in rows
        if period_year(obs.period) in closed
    ]
    if issues:
        raise SourceError(issues)


def read_plan_figures(plan: Plan, directory: str | Path) -> list[Observation]:
    """The figures a plan directory ships in ``data/*.csv`` (checked, not stored)."""
    rows: list[Observation] = []
    for path in sorted(Path(directory, "data").glob("*.csv")):
        rows += LongCsv().read(path.read_bytes(), path.name, ImportContext(plan)).observations
    return rows


def publisher_mismatches(plan: Plan, reading: Reading) -> list[Comparison]:
    """Group figures in a file that differ from the sum of its member figures by more
    than rounding: the publisher disagrees with itself, and the user should know."""
    indicators = {i.id: i for i in plan.indicators}
    return [
        comparison
        for comparison in compare_with_members(plan, reading.observations)
        if not comparison.agrees(
            rounding_tolerance(
                comparison,
                indicators[comparison.indicator].unit,
                indicators[comparison.indicator].decimals,
            )
        )
    ]


def _source(data: bytes, name: str, format: str) -> Source:
    if format != "auto":
        if format not in SOURCES:
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        None,
                        None,
                        f"onbekend formaat '{format}'; kies uit auto, {', '.join(SOURCES)}",
                    )
                ]
            )
        return SOURCES[format]
    for source in SOURCES.values():
        if source.sniff(data, name):
            return source
    raise SourceError(
        [
            SourceIssue(
                name,
                None,
                None,
                f"formaat niet herkend; geef het op met --format ({', '.join(SOURCES)})",
            )
        ]
    )
