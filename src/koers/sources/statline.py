"""CBS StatLine files read into records, whatever their shape, for the ``cbs`` importer
(:mod:`koers.sources.cbs`).

**OData v3 JSON**, as ``cbsodata`` or the raw API writes it: the rows under ``"value"``,
either a list of records or an object of id -> record; an optional ``"DataProperties"``
list (``Key``, ``Title``, ``Unit``) gives the columns' titles. Rows are numbered by record,
from 1. **CSV** (an OData v4 / StatLine download, the Wijk- en Buurtkaart attribute table,
an R-mangled StatLine export): the separator is ``;`` or ``,`` (whichever the header has more
of); rows are numbered as lines, the header being row 1, and a row with more or fewer fields
than the header is an error. Values are kept as the file gives them (text, number or
``null``); the importer reads them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from koers.sources.base import SourceError, SourceIssue
from koers.sources.toolkit import csv_rows, decode, delimiter, load_json


@dataclass(frozen=True)
class StatlineTable:
    """A file as records, whatever its shape."""

    columns: list[str]
    records: list[tuple[int, dict[str, object]]]  # (row number, record)
    titles: dict[str, str]
    header_row: int | None  # 1 for a CSV, None for JSON (no header line)


def parse(data: bytes, name: str) -> StatlineTable:
    """The file as records: OData v3 JSON (a text starting with ``{``), else a CSV."""
    text = decode(data, name)
    if text.lstrip().startswith("{"):
        return _parse_json(text, name)
    return _parse_csv(text, name)


def _parse_json(text: str, name: str) -> StatlineTable:
    def fail(message: str, row: int | None = None) -> SourceError:
        return SourceError([SourceIssue(name, row, None, message)])

    try:
        document = load_json(text, name)
    except json.JSONDecodeError as error:
        raise fail(f"geen geldige JSON: {error.msg} (regel {error.lineno})") from None
    if not isinstance(document, dict) or "value" not in document:
        raise fail("geen CBS OData-bestand: de rijen horen onder 'value' te staan")
    value = document["value"]
    if isinstance(value, dict):
        records = list(value.values())
    elif isinstance(value, list):
        records = value
    else:
        raise fail("'value' is geen lijst of object met rijen")
    columns: dict[str, None] = {}
    rows: list[tuple[int, dict[str, object]]] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise fail("deze rij is geen object met kolommen", number)
        columns.update(dict.fromkeys(str(k) for k in record))
        rows.append((number, {str(k): v for k, v in record.items()}))
    titles = {}
    for prop in document.get("DataProperties") or []:
        if isinstance(prop, dict) and prop.get("Key") and prop.get("Title"):
            unit = f" [{prop['Unit']}]" if prop.get("Unit") else ""
            titles[str(prop["Key"])] = f"{prop['Title']}{unit}"
    if not rows:
        raise fail("het bestand bevat geen rijen")
    return StatlineTable(list(columns), rows, titles, None)


def split_header(line: str) -> list[str]:
    """The column names of a CSV header line, unquoted and trimmed."""
    return [c.strip().strip('"').strip() for c in line.split(delimiter(line))]


def _parse_csv(text: str, name: str) -> StatlineTable:
    separator = delimiter(text.split("\n", 1)[0])
    reader = csv_rows(csv.reader(io.StringIO(text), delimiter=separator), name)
    header = [c.strip() for c in next(reader, [])]
    if not any(header):
        raise SourceError([SourceIssue(name, None, None, "het bestand bevat geen rijen")])
    issues = []
    rows: list[tuple[int, dict[str, object]]] = []
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            more = "meer" if len(fields) > len(header) else "minder"
            issues.append(
                SourceIssue(
                    name,
                    number,
                    None,
                    f"{more} velden ({len(fields)}) dan kolommen in de kopregel ({len(header)})",
                )
            )
            continue
        rows.append((number, dict(zip(header, fields, strict=True))))
    if issues:
        raise SourceError(issues)
    if not rows:
        raise SourceError([SourceIssue(name, None, None, "het bestand bevat geen rijen")])
    return StatlineTable(header, rows, {}, 1)
