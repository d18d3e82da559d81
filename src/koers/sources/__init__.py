"""Importers: bring figures from files into the store as one batch each.

Owns the ``Source`` seam: a source turns the bytes of one file into observations checked
against the plan (known indicator and area, valid period, numbers where numbers belong,
percentages within 0-100), or raises :class:`SourceError` listing every problem with its
row and column. :func:`import_file` then stores the observations as one all-or-nothing
batch, so a bad row never leaves half a file behind.

Formats: the long CSV (``csvlong``). CBS StatLine, Wijkprofiel, XLSX and boundaries follow.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from koers.areas.values import Observation
from koers.plan.model import Plan
from koers.sources.csvlong import LongCsv
from koers.sources.errors import SourceError, SourceIssue
from koers.store import BatchResult, Store

__all__ = [
    "ImportPreview",
    "LongCsv",
    "Source",
    "SourceError",
    "SourceIssue",
    "import_file",
    "source_for",
]


class Source(Protocol):
    """One file format. ``read`` parses and checks; it never touches the store."""

    format: str

    def read(self, data: bytes, name: str, plan: Plan) -> list[Observation]: ...


@dataclass(frozen=True)
class ImportPreview:
    """What a dry run found: the rows that would be imported."""

    programme: str
    source_name: str
    rows: int
    duplicate_of: str | None


def source_for(path: Path) -> Source:
    if path.suffix.lower() in (".csv", ".txt"):
        return LongCsv()
    raise SourceError(
        [SourceIssue(path.name, None, None, f"unknown file type '{path.suffix}'; expected .csv")]
    )


def import_file(
    store: Store,
    path: str | Path,
    *,
    programme: str | None = None,
    dry_run: bool = False,
    user: str | None = None,
) -> BatchResult | ImportPreview:
    """Read, check and store one file as a batch (or only check it, with ``dry_run``)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError([SourceIssue(str(path), None, None, "file not found")])
    data = path.read_bytes()
    programme = store.resolve_programme(programme)
    plan = store.plan(programme)
    source = source_for(path)
    rows = source.read(data, path.name, plan)
    checksum = hashlib.sha256(data).hexdigest()
    if dry_run:
        previous = store.find_batch(programme, checksum)
        return ImportPreview(programme, path.name, len(rows), previous.id if previous else None)
    return store.import_observations(
        programme, rows, source_name=path.name, checksum=checksum, format=source.format, user=user
    )
