"""Importers: bring figures and boundaries from publishers' files into the store, one batch
per file.

Owns the seams (:mod:`koers.sources.base`): a :class:`Source` turns the bytes of a file into
observations checked against the plan, a :class:`BoundaryReader` turns a file of boundaries
into one geometry per plan area; both raise :class:`SourceError` listing every problem with
its row and column. :func:`import_file` (:mod:`koers.sources.registry`) stores a reading as
one all-or-nothing batch through the store, so a bad row never leaves half a file behind;
``dry_run`` shows what would change instead. The text and number toolkit all importers share
is :mod:`koers.sources.toolkit`.

Formats, one module each: ``csv`` (:mod:`~koers.sources.csvlong`, long, the plan's own ids),
``cbs`` (:mod:`~koers.sources.cbs`: StatLine OData v3/v4, CSV downloads, the Wijk- en
Buurtkaart), ``wijkprofiel`` (:mod:`~koers.sources.wijkprofiel`: Rotterdam's workbook and its
CSV dumps), ``csv-wide`` (:mod:`~koers.sources.wide`) and ``xlsx`` (:mod:`~koers.sources.xlsx`)
for partners' spreadsheets, ``geojson`` (:mod:`~koers.sources.boundaries`: GeoJSON and
TopoJSON boundaries per boundary year). Publisher formats map their columns and area codes
onto the plan through the plan's declared ``mappings`` and ``crosswalks``, never through code.
"""

from koers.sources.base import (
    BoundaryReader,
    BoundaryReading,
    ImportContext,
    Reading,
    Source,
    SourceError,
    SourceIssue,
)
from koers.sources.csvlong import LongCsv
from koers.sources.registry import (
    BOUNDARY_READERS,
    FORMATS,
    SOURCES,
    ImportOutcome,
    import_file,
    publisher_mismatches,
    read_plan_figures,
    refuse_closed_years,
    store_boundaries,
)

__all__ = [
    "BOUNDARY_READERS",
    "FORMATS",
    "SOURCES",
    "BoundaryReader",
    "BoundaryReading",
    "ImportContext",
    "ImportOutcome",
    "LongCsv",
    "Reading",
    "Source",
    "SourceError",
    "SourceIssue",
    "import_file",
    "publisher_mismatches",
    "read_plan_figures",
    "refuse_closed_years",
    "store_boundaries",
]
