"""The ``xlsx`` format: Excel workbooks in the long layout or one of the wide layouts of
:mod:`koers.sources.tables`.

**Long** (in a workbook; a long CSV is format ``csv``): the columns of the long CSV,
``indicator, area, period, value[, numerator, denominator, status, source, note]``, in any
order and any case. Rows get exactly the long CSV's checks: areas are the plan's own ids
(an unknown one is an error, with suggestions), an empty value needs a ``note``. The
``source`` is the row's ``source`` with the file name (the file name alone without one).

**Workbooks** are read with openpyxl (read-only, cached values): from every worksheet
whose header row has an ``indicator`` column or an area column; the header row is the
sheet's first non-empty row; a figure on two sheets is an error. Formulas count with the
value Excel saved for them; a formula without a saved value (a file written by a program
that does not calculate) and Excel error values (``#DIV/0!``) are errors naming the cell.
Legacy ``.xls`` workbooks are refused with the advice to save them as ``.xlsx``.

In a workbook, numeric cells are taken as they are, and a cell formatted as a percentage
counts as Excel shows it (0.403 shown as 40,3% is 40.3); text cells are Dutch notation.
Row numbers in messages are the sheet's row numbers as Excel shows them (1-based).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from koers.areas.values import Observation
from koers.sources.base import (
    OPTIONAL,
    REQUIRED,
    STATUSES,
    ImportContext,
    Reading,
    SourceError,
    SourceIssue,
    breakdown_problems,
    period_problem,
    value_problems,
)
from koers.sources.tables import (
    AREA_COLUMNS,
    Cell,
    CellError,
    ExcelError,
    Formula,
    Row,
    Table,
    cell_number,
    cell_text,
    filled,
    header_text,
    read_wide,
    refuse_repeated_columns,
)
from koers.sources.toolkit import suggest

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)


class Xlsx:
    """An Excel workbook: long layout or one of the wide layouts (see the module doc)."""

    format = "xlsx"

    def sniff(self, data: bytes, name: str) -> bool:
        return data[:4] == _ZIP_MAGIC and name.lower().endswith((".xlsx", ".xlsm"))

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        """Every worksheet whose header fits a layout (one sheet per year is common);
        problems of all sheets are reported together."""
        combined = Reading()
        issues: list[SourceIssue] = []
        seen: dict[tuple[str, str, str, str, str], str] = {}
        for table in _worksheet_tables(data, name):
            try:
                reading = (
                    _read_long(table, context)
                    if "indicator" in table.keys
                    else read_wide(table, context, "xlsx")
                )
            except SourceError as error:
                issues += error.issues
                continue
            for obs in reading.observations:
                key = obs.key
                if key in seen:
                    message = f"{obs.indicator} {obs.area} {obs.period} staat ook op werkblad"
                    issues.append(SourceIssue(table.name, None, None, f"{message} '{seen[key]}'"))
                seen[key] = table.sheet or ""
            combined.observations += reading.observations
            combined.places |= reading.places
            combined.unmapped_areas.update(reading.unmapped_areas)
            combined.unmapped_columns += reading.unmapped_columns
            combined.assumed_periods |= reading.assumed_periods
            if reading.mapping:
                combined.mapping = ", ".join(filter(None, (combined.mapping, reading.mapping)))
        if issues:
            raise SourceError(issues)
        return combined


# --- reading workbooks into tables ---------------------------------------------------


def _worksheet_tables(data: bytes, name: str) -> list[Table]:
    """Every worksheet whose header row (its first non-empty row) fits a layout."""
    if data[:8] == _OLE_MAGIC:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    None,
                    None,
                    "dit is een Excel 97-2003-bestand (.xls); open het in Excel of LibreOffice "
                    "en sla het op als Excel-werkmap (.xlsx)",
                )
            ]
        )
    values = _open_workbook(data, name, data_only=True)
    try:
        formulas = _open_workbook(data, name, data_only=False)
    except SourceError:
        values.close()
        raise
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # see _open_workbook
            return _fitting_tables(values, formulas, name)
    except SourceError:
        raise
    except Exception as error:  # a damaged sheet fails while its rows are read
        raise SourceError(
            [SourceIssue(name, None, None, f"geen leesbaar .xlsx-bestand ({error})")]
        ) from None
    finally:
        values.close()
        formulas.close()


def _fitting_tables(values: Any, formulas: Any, name: str) -> list[Table]:
    seen, tables = [], []
    for value_sheet, formula_sheet in zip(values.worksheets, formulas.worksheets, strict=True):
        value_sheet.reset_dimensions()  # trust the cells, not the stated sheet size
        formula_sheet.reset_dimensions()
        rows = _sheet_rows(value_sheet, formula_sheet)
        header = next((row for row in rows if any(map(filled, row.cells))), None)
        if header is None:
            seen.append(f"'{value_sheet.title}' (leeg)")
            continue
        columns = [header_text(cell) for cell in header.cells]
        keys = {c.lower() for c in columns}
        if "indicator" in keys or keys & set(AREA_COLUMNS):
            refuse_repeated_columns(name, header.number, columns)
            tables.append(
                Table(name, header.number, columns, list(rows), dutch=True, sheet=value_sheet.title)
            )
            continue
        shown = ", ".join([f"'{c}'" for c in columns if c][:4])
        seen.append(f"'{value_sheet.title}' (rij {header.number}: {shown})")
    if tables:
        return tables
    raise SourceError(
        [
            SourceIssue(
                name,
                None,
                None,
                "geen werkblad waarvan de kopregel (de eerste niet-lege rij) een kolom "
                "'indicator' of een gebiedskolom ('area', 'code' of 'gebied') heeft; "
                f"werkbladen: {'; '.join(seen) or 'geen'}",
            )
        ]
    )


def _open_workbook(data: bytes, name: str, *, data_only: bool) -> Any:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, styles); those do
            # not concern the figures, and the user cannot act on them.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # a damaged file can fail anywhere inside openpyxl
        raise SourceError(
            [SourceIssue(name, None, None, f"geen leesbaar .xlsx-bestand ({error})")]
        ) from None


def _sheet_rows(value_sheet: Any, formula_sheet: Any) -> Iterator[Row]:
    """Every row from row 1 on, numbered as Excel shows them."""
    pairs = zip(value_sheet.iter_rows(), formula_sheet.iter_rows(), strict=True)
    for number, (value_row, formula_row) in enumerate(pairs, start=1):
        cells = [_cell(v, f) for v, f in zip(value_row, formula_row, strict=True)]
        yield Row(number, cells)


def _cell(value_cell: Any, formula_cell: Any) -> Cell:
    value = value_cell.value
    kind = value_cell.data_type
    if kind == "e":
        return ExcelError(str(value))
    if value is None or value == "":
        if formula_cell.data_type == "f" and kind != "str":  # "str": a cached empty text
            return Formula(str(formula_cell.value))
        return None
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, int | float) and "%" in (value_cell.number_format or ""):
        return round(value * 100, 10)  # shown as a percentage: count what the user sees
    if isinstance(value, str | int | float | datetime | date | time):
        return value
    return str(value)


# --- the long layout (workbooks) -------------------------------------------------------


def _read_long(table: Table, context: ImportContext) -> Reading:
    issues = [
        table.issue(table.header_row, column, "verplichte kolom ontbreekt")
        for column in REQUIRED
        if column not in table.keys
    ]
    issues += [
        table.issue(table.header_row, i, "onbekende kolom" + suggest(key, REQUIRED + OPTIONAL))
        for i, key in enumerate(table.keys)
        if key and key not in REQUIRED + OPTIONAL
    ]
    if issues:
        raise SourceError(issues)
    at = {key: i for i, key in enumerate(table.keys) if key}
    observations: list[Observation] = []
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for row in table.rows:
        if not any(map(filled, row.cells)):
            continue
        found: list[SourceIssue] = []
        obs = _long_row(table, context, row, at, found)
        if found or obs is None:
            issues += found
            continue
        key = obs.key
        if key in seen:
            issues.append(
                table.issue(
                    row.number,
                    at["period"],
                    "dubbele rij: dezelfde indicator, gebied, periode en uitsplitsing staan al "
                    f"in rij "
                    f"{seen[key]}",
                )
            )
            continue
        seen[key] = row.number
        observations.append(obs)
    if issues:
        raise SourceError(issues)
    if not observations:
        raise SourceError([SourceIssue(table.name, None, None, "het werkblad bevat geen rijen")])
    value = table.columns[at["value"]]
    return Reading(observations, places={k: (table.name, n, value) for k, n in seen.items()})


def _long_row(
    table: Table,
    context: ImportContext,
    row: Row,
    at: dict[str, int],
    issues: list[SourceIssue],
) -> Observation | None:
    """The row's observation; problems go to ``issues`` (None when it has any)."""

    def issue(column: str, message: str) -> None:
        issues.append(table.issue(row.number, at.get(column, column), message))

    texts: dict[str, str] = {}
    for column in (
        "indicator",
        "area",
        "period",
        "status",
        "source",
        "note",
        "dimension",
        "category",
    ):
        try:
            texts[column] = cell_text(row.cells[at[column]]) if column in at else ""
        except CellError as error:
            issue(column, str(error))
    if issues:
        return None
    indicator_id, area, period, note = (
        texts["indicator"],
        texts["area"],
        texts["period"],
        texts["note"],
    )
    indicator = context.indicators.get(indicator_id)
    if indicator is None:
        issue(
            "indicator",
            f"onbekende indicator '{indicator_id}'" + suggest(indicator_id, context.indicators),
        )
    if area not in context.areas:
        issue("area", f"onbekend gebied '{area}'" + suggest(area, context.areas))
    numbers: dict[str, float | None] = {}
    missing: str | None = None
    for column in ("value", "numerator", "denominator"):
        cell = row.cells[at[column]] if column in at else None
        try:
            numbers[column], reason = cell_number(cell, table.dutch)
        except CellError as error:
            numbers[column] = None
            issue(column, str(error))
            continue
        if column == "value" and filled(cell):
            missing = reason  # a publisher's mark, not an empty cell
    if indicator is not None:
        problem = period_problem(indicator, period, explained=bool(note))
        if problem:
            issue("period", problem)
        for column, message in value_problems(
            indicator, numbers["value"], numbers["numerator"], numbers["denominator"]
        ):
            issue(column, message)
        for column, message in context.placement_problems(indicator, area, period):
            issue(column, message)
    for column, message in breakdown_problems(texts["dimension"], texts["category"]):
        issue(column, message)
    if not filled(row.cells[at["value"]]) and not note:
        issue("value", "leeg; geef in 'note' aan waarom de waarde ontbreekt")
    status = texts["status"]
    if status and status not in STATUSES:
        issue("status", f"'{status}' is geen status; kies uit {', '.join(STATUSES)}")
    if issues:
        return None
    source = texts["source"]
    return Observation(
        indicator=indicator_id,
        area=area,
        period=period,
        value=numbers["value"],
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        status=status or "definitief",
        source=f"{source} ({table.file})" if source else table.file,
        note="; ".join(part for part in (missing, note) if part) or None,
        dimension=texts["dimension"] or None,
        category=texts["category"] or None,
    )
