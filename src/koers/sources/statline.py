"""CBS StatLine files read into records, whatever their shape, for the ``cbs`` importer
(:mod:`koers.sources.cbs`). Values are kept as the file gives them (text, number, ``null``,
or a :class:`Marked` missing value); the importer reads them.

**OData v3 JSON**, as ``cbsodata`` or the raw API writes it: the rows under ``"value"``,
either a list of records or an object of id -> record; an optional ``"DataProperties"``
list (``Key``, ``Title``, ``Unit``) gives the columns' titles. Rows are numbered by record,
from 1.

**OData v4 JSON**: the ``Observations`` set, one measure of one region (and period) per
record: ``Id``, ``Measure`` (a code such as ``M000352``), ``ValueAttribute``, ``Value``,
and the dimension columns (``WijkenEnBuurten`` or ``RegioS``, ``Perioden``). Either the
set alone (``{"value": [...]}``, as the API pages it) or one object holding
``Observations`` with the code lists beside it (``MeasureCodes``, whose ``Title`` and
``Unit`` name the measures in reports, ``WijkenEnBuurtenCodes``, ``PeriodenCodes``). The
observations are turned into one record per region and period with a column per measure
code, so a mapping names a measure by its code. ``ValueAttribute`` other than ``None``
makes the value missing with its meaning (:data:`VALUE_ATTRIBUTES`). Rows are numbered by
observation, from 1, and a problem with a value is placed at its observation, column
``Value``. A dimension besides region and period with more than one value, and the same
measure twice for one region and period, are errors. A page with ``@odata.nextLink`` (v3:
``odata.nextLink``) is refused: it is not the whole table.

**CSV** (a StatLine download, the Wijk- en Buurtkaart attribute table, an R-mangled
StatLine export, a KWB workbook saved as CSV): the separator is ``;`` or ``,`` (whichever
the header has more of), a UTF-8 BOM is dropped, column names are trimmed; rows are
numbered as lines, the header being row 1, and a row with more or fewer fields than the
header is an error. StatLine writes its headers with codes (``WijkenEnBuurten;
AantalInwoners_5``) or with titles (``Wijken en buurten;Regiocode (gemeente, wijk, buurt)
(code);Bevolking/Aantal inwoners (aantal)``); both are read as written.

**Excel workbooks** (CBS's KWB workbook ``kwb-YYYY.xlsx``): the first worksheet whose first
non-empty row names a region column (:data:`REGION_COLUMNS`) is the table, that row its
header; read with python-calamine (:func:`koers.sources.workbook.fast_sheets`), rows
numbered as Excel shows them. A column named twice in a header is an error.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from koers.sources.base import SourceError, SourceIssue
from koers.sources.tables import refuse_repeated_columns
from koers.sources.toolkit import (
    MISSING_MARKS,
    csv_rows,
    decode,
    delimiter,
    finite,
    load_json,
    missing_mark,
    not_finite,
    sentinel,
    shown,
)
from koers.sources.workbook import ZIP, fast_sheets

REGION_COLUMNS = (
    "WijkenEnBuurten",
    "RegioS",
    "Regioaanduiding.Codering..code.",
    "Regioaanduiding/Codering (code)",
    "Regiocode (gemeente, wijk, buurt) (code)",
    "Codering (code)",
    "Codering_3",
    "gwb_code_10",
    "gwb_code",
    "gwb_code_8",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "Wijken en buurten",
    "Regio's",
)
"""Columns holding a CBS region code, most specific first (matched without regard to case):
a file's ``buurtcode`` wins over its ``wijkcode``, a code column over StatLine's label
column ``Wijken en buurten`` (which holds codes only in a download with codes)."""

VALUE_ATTRIBUTES = {
    "Impossible": "kan niet voorkomen (CBS Impossible)",
    "Confidential": "geheim (CBS Confidential)",
    "NotAvailable": "niet beschikbaar (CBS NotAvailable)",
    "Missing": "niet beschikbaar (CBS Missing)",
}
"""OData v4 ``ValueAttribute`` values that mean a missing value, with their meaning. StatLine's
symbols (``.``, ``x``, ``-``) mean what :data:`~koers.sources.toolkit.MISSING_MARKS` says;
``None`` is a value as given; another attribute without a value is missing with its name."""

_V4_FIELDS = ("Id", "Measure", "ValueAttribute", "Value", "StringValue")

PERIOD_COLUMNS = ("Perioden", "jaar")


KWB_PREFIX = {"land": ("NL", 2), "gemeente": ("GM", 4), "wijk": ("WK", 6), "buurt": ("BU", 8)}
"""A KWB ``recs`` value -> the prefix and digits of its CBS code (``gwb_code_8`` has none)."""
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_PERIODEN_YEAR = re.compile(r"^(\d{4})JJ00$")
_PERIODEN_OTHER = re.compile(r"^\d{4}(KW0[1-4]|MM(0[1-9]|1[0-2])|X\d{3}|G\d{3})$")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_PERIODEN_YEAR = re.compile(r"^(\d{4})JJ00$")
_PERIODEN_OTHER = re.compile(r"^\d{4}(KW0[1-4]|MM(0[1-9]|1[0-2])|X\d{3}|G\d{3})$")


@dataclass(frozen=True)
class Marked:
    """A value the publisher marked as missing, with the reason."""

    reason: str


@dataclass(frozen=True)
class StatlineTable:
    """A file as records, whatever its shape."""

    columns: list[str]
    records: list[tuple[int, dict[str, object]]]  # (row number, record)
    titles: dict[str, str]
    header_row: int | None  # the header's row; None for JSON (no header line)
    where: str | None = None  # the worksheet of a workbook, for messages
    cells: dict[tuple[int, str], tuple[int, str]] = field(default_factory=dict)
    """Where a record's cell is in the file, when not at (row, column): OData v4."""

    def locate(self, row: int | None, column: str | None) -> tuple[int | None, str | None]:
        """The row and column of the file for a record's ``row`` and ``column``."""
        if row is None or column is None:
            return row, column
        return self.cells.get((row, column), (row, column))


def parse(data: bytes, name: str) -> StatlineTable:
    """The file as records: a workbook, OData JSON (a text starting with ``{``), or a CSV."""
    if data[:4] == ZIP:
        return _parse_workbook(data, name)
    text = decode(data, name)
    if text.lstrip().startswith("{"):
        return _parse_json(text, name)
    return _parse_csv(text, name)


def _fail(
    name: str, message: str, row: int | None = None, column: str | None = None
) -> SourceError:
    return SourceError([SourceIssue(name, row, column, message)])


def _parse_json(text: str, name: str) -> StatlineTable:
    try:
        document = load_json(text, name)
    except json.JSONDecodeError as error:
        raise _fail(name, f"geen geldige JSON: {error.msg} (regel {error.lineno})") from None
    if not isinstance(document, dict) or not ("value" in document or "Observations" in document):
        raise _fail(
            name, "geen CBS OData-bestand: de rijen horen onder 'value' of 'Observations' te staan"
        )
    for link in ("@odata.nextLink", "odata.nextLink"):
        if document.get(link):
            raise _fail(
                name,
                f"dit is één pagina van een groter resultaat ({link}); haal alle pagina's op "
                f"en voeg ze samen in één bestand",
            )
    records = document.get("Observations", document.get("value"))
    if isinstance(records, dict) and "Observations" in document:
        records = records.get("value")  # {"Observations": {"value": [...]}}
    if isinstance(records, dict):
        records = list(records.values())
    if not isinstance(records, list):
        raise _fail(name, "'value' is geen lijst of object met rijen")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise _fail(name, "deze rij is geen object met kolommen", number)
    if not records:
        raise _fail(name, "het bestand bevat geen rijen")
    if "Observations" in document or all("Measure" in r and "Value" in r for r in records):
        return _observations(document, records, name)
    columns: dict[str, None] = {}
    rows: list[tuple[int, dict[str, object]]] = []
    for number, record in enumerate(records, start=1):
        columns.update(dict.fromkeys(str(k) for k in record))
        rows.append((number, {str(k): v for k, v in record.items()}))
    titles = {}
    for prop in document.get("DataProperties") or []:
        if isinstance(prop, dict) and prop.get("Key") and prop.get("Title"):
            unit = f" [{prop['Unit']}]" if prop.get("Unit") else ""
            titles[str(prop["Key"])] = f"{prop['Title']}{unit}"
    return StatlineTable(list(columns), rows, titles, None)


def _observations(document: dict[str, Any], records: list[Any], name: str) -> StatlineTable:
    """OData v4 observations as one record per region and period (see the module doc)."""
    issues: list[SourceIssue] = []
    by_key: dict[tuple[tuple[str, str], ...], tuple[int, dict[str, object]]] = {}
    first: dict[tuple[tuple[tuple[str, str], ...], str], int] = {}
    cells: dict[tuple[int, str], tuple[int, str]] = {}
    columns: dict[str, None] = {}
    dimensions: dict[str, set[str]] = {}  # dimension -> its values ("" where it is absent)
    for number, observation in enumerate(records, start=1):
        measure = observation.get("Measure")
        if not isinstance(measure, str) or not measure.strip():
            issues.append(SourceIssue(name, number, "Measure", "geen code van een onderwerp"))
            continue
        measure = measure.strip()
        dims = {str(k): v for k, v in observation.items() if k not in _V4_FIELDS}
        for dimension, value in dims.items():
            dimensions.setdefault(dimension, set()).add(str(value))
        key = tuple(sorted((k, str(v)) for k, v in dims.items()))
        row, record = by_key.setdefault(key, (number, dict(dims)))
        if (key, measure) in first:
            where = ", ".join(f"{k} {shown(v.strip())}" for k, v in key)
            issues.append(
                SourceIssue(
                    name,
                    number,
                    "Measure",
                    f"dubbele waarneming: {measure} voor {where} staat al in rij "
                    f"{first[key, measure]}",
                )
            )
            continue
        first[key, measure] = number
        columns.update(dict.fromkeys(dims))
        columns[measure] = None
        record[measure] = _v4_value(observation.get("Value"), observation.get("ValueAttribute"))
        cells[row, measure] = (number, "Value")
    for record_key in by_key:
        for dimension in dimensions.keys() - {k for k, _ in record_key}:
            dimensions[dimension].add("")
    region = {c.lower() for c in REGION_COLUMNS}
    for dimension, values in dimensions.items():
        if dimension.lower() not in region | {"perioden"} and len(values) > 1:
            issues.append(
                SourceIssue(
                    name,
                    None,
                    dimension,
                    f"de dimensie {dimension} heeft {len(values)} waarden; koers leest per "
                    f"gebied en periode één waarde per onderwerp: kies er bij het ophalen één",
                )
            )
    if issues:
        raise SourceError(issues)
    titles = {}
    for code in _listed(document.get("MeasureCodes")):
        if isinstance(code, dict) and code.get("Identifier") and code.get("Title"):
            unit = f" [{code['Unit']}]" if code.get("Unit") else ""
            titles[str(code["Identifier"])] = f"{code['Title']}{unit}"
    return StatlineTable(list(columns), list(by_key.values()), titles, None, cells=cells)


def _listed(value: object) -> list[object]:
    """A code list as a list, also when given as ``{"value": [...]}``."""
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, list) else []


def _v4_value(value: object, attribute: object) -> object:
    """An observation's value, or :class:`Marked` when its ValueAttribute says it is missing."""
    if attribute is None or attribute == "None":
        return value
    text = str(attribute).strip()
    if text in VALUE_ATTRIBUTES:
        return Marked(VALUE_ATTRIBUTES[text])
    mark = missing_mark(text) if text else None
    if mark is not None:
        return Marked(mark)
    return value if value is not None else Marked(f"ontbreekt (CBS {shown(text)})")


def split_header(line: str) -> list[str]:
    """The column names of a CSV header line, unquoted and trimmed."""
    return [c.strip().strip('"').strip() for c in line.split(delimiter(line))]


def _parse_csv(text: str, name: str) -> StatlineTable:
    separator = delimiter(text.split("\n", 1)[0])
    reader = csv_rows(csv.reader(io.StringIO(text), delimiter=separator), name)
    header = [c.strip() for c in next(reader, [])]
    if not any(header):
        raise _fail(name, "het bestand bevat geen rijen")
    refuse_repeated_columns(name, 1, header)
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
        raise _fail(name, "het bestand bevat geen rijen")
    return StatlineTable(header, rows, {}, 1)


def _parse_workbook(data: bytes, name: str) -> StatlineTable:
    region = {c.lower() for c in REGION_COLUMNS}
    seen = []
    for sheet, first_row, cells in fast_sheets(data, name):
        at = next((i for i, row in enumerate(cells) if any(_filled(c) for c in row)), None)
        if at is None:
            seen.append(f"'{sheet}' (leeg)")
            continue
        header = [_header(c) for c in cells[at]]
        if not region & {c.lower() for c in header}:
            seen.append(f"'{sheet}' (rij {first_row + at}: {', '.join(header[:4])})")
            continue
        where = f"{name}, werkblad '{sheet}'"
        refuse_repeated_columns(where, first_row + at, header)
        named = [(i, c) for i, c in enumerate(header) if c]
        rows: list[tuple[int, dict[str, object]]] = [
            (first_row + at + offset, {c: row[i] for i, c in named})
            for offset, row in enumerate(cells[at + 1 :], start=1)
            if any(_filled(c) for c in row)
        ]
        if not rows:
            raise _fail(where, "het werkblad bevat geen rijen")
        return StatlineTable([c for _, c in named], rows, {}, first_row + at, where=where)
    raise _fail(
        name,
        "geen werkblad waarvan de kopregel (de eerste niet-lege rij) een kolom met "
        f"CBS-gebiedscodes heeft ({', '.join(REGION_COLUMNS[:10])}, …); werkbladen: "
        f"{'; '.join(seen) or 'geen'}",
    )


def _filled(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _header(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# -- cells: numbers, periods and codes as CBS writes them ------------------------------


def stated_periods(table: StatlineTable) -> set[str]:
    """The years a file states itself (its ``Perioden`` or ``jaar`` column), for choosing
    among mappings that differ in their period (a bad one is reported later, at its row)."""
    columns = {c.lower(): c for c in table.columns}
    column = next((columns[c.lower()] for c in PERIOD_COLUMNS if c.lower() in columns), None)
    found: set[str] = set()
    if column is None:
        return found
    for _, record in table.records:
        try:
            found.add(cbs_period(record.get(column)))
        except ValueError:
            continue  # reported against its row once the mapping is chosen
    return found


def parse_cbs_number(text: str) -> float:
    """A number as CBS writes it (no thousands grouping); ValueError when it is none."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    if not _NUMBER.match(raw):
        raise ValueError(f"'{shown(text.strip())}' is geen getal")
    number = float(raw)
    if not math.isfinite(number):
        raise ValueError(not_finite(text.strip(), number))
    return number


def cell_value(raw: object) -> tuple[float | None, str | None]:
    """(value, why it is missing) of one cell; ValueError when it is no number."""
    if raw is None:
        return None, MISSING_MARKS[""]
    if isinstance(raw, Marked):
        return None, raw.reason
    if isinstance(raw, bool):
        raise ValueError(f"'{raw}' is geen getal")
    if isinstance(raw, int | float):
        number = finite(raw)
    else:
        reason = missing_mark(str(raw))
        if reason is not None:
            return None, reason
        number = parse_cbs_number(str(raw))
    reason = sentinel(number)
    return (None, reason) if reason else (number, None)


def cbs_period(raw: object) -> str:
    """'2017' for '2017JJ00' or '2017'; ValueError for anything else."""
    text = plain(raw)
    if re.fullmatch(r"\d{4}", text):
        return text
    if match := _PERIODEN_YEAR.match(text):
        return match[1]
    if _PERIODEN_OTHER.match(text):
        raise ValueError(
            f"periode '{text}' is geen jaar; van CBS worden alleen jaarcijfers (JJ00) gelezen"
        )
    raise ValueError(f"'{shown(text)}' is geen CBS-periode (zoals 2017JJ00 of 2017)")


def kwb_code(code: str, recs: str) -> str:
    """The CBS code of a ``gwb_code_8`` (``599`` of a Gemeente is ``GM0599``); as given when
    ``recs`` is no level or the code is not digits."""
    prefix, digits = KWB_PREFIX.get(recs.lower(), ("", 0))
    if prefix == "NL":
        return "NL00"
    number = code.removesuffix(".0")
    if not prefix or not number.isdigit() or len(number) > digits:
        return code
    return prefix + number.zfill(digits)


def plain(raw: object) -> str:
    return "" if raw is None else str(raw).strip()
