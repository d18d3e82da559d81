"""Excel workbooks as rows of cells, for importers that read every sheet (the Wijkprofiel):
.xlsx through openpyxl and the older .xls through xlrd, each cell a number or a text
(a boolean as WAAR/ONWAAR, an error as its Excel text, a date where a number belongs as
``datum (…)``), so the importer decides what a cell means.

Large workbooks of plain values (CBS's national KWB workbook: 17 000 rows × 120 columns)
are read with python-calamine (:func:`fast_sheets`), about ten times faster than openpyxl.
Calamine gives an Excel error or a formula without a saved result as an empty cell, so it
serves only files that hold values, not partners' workbooks with formulas.
:func:`first_row` reads the header row of the first sheet straight from the zip without
loading the sheet, so recognising such a file costs milliseconds, not seconds.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree

from koers.sources.base import SourceError, SourceIssue

ZIP = b"PK\x03\x04"  # an .xlsx file is a zip archive
Cell = float | str


def sheet_names(data: bytes) -> list[str]:
    if data[:4] == ZIP:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            return [str(n) for n in book.sheetnames]
        finally:
            book.close()
    import xlrd  # type: ignore[import-untyped, unused-ignore]

    book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    try:
        return [str(n) for n in book.sheet_names()]
    finally:
        book.release_resources()


def read_workbook(data: bytes, name: str) -> list[tuple[str, list[list[Cell]]]]:
    """(sheet name, rows of cells) for every sheet of an .xls or .xlsx workbook."""
    try:
        return _xlsx(data) if data[:4] == ZIP else _xls(data)
    except Exception as error:  # xlrd and openpyxl raise many kinds on a damaged file
        raise SourceError(
            [SourceIssue(name, None, None, f"geen leesbaar Excel-bestand: {error}")]
        ) from None


def _xls(data: bytes) -> list[tuple[str, list[list[Cell]]]]:
    import xlrd  # type: ignore[import-untyped, unused-ignore]

    book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
    errors: dict[int, str] = dict(xlrd.error_text_from_code)
    try:
        sheets = []
        for sheet in book.sheets():
            rows = [
                [_xls_cell(sheet.cell(r, c), errors) for c in range(sheet.ncols)]
                for r in range(sheet.nrows)
            ]
            sheets.append((str(sheet.name), rows))
        return sheets
    finally:
        book.release_resources()


def _xls_cell(cell: Any, errors: dict[int, str]) -> Cell:
    ctype, value = cell.ctype, cell.value
    if ctype == 2:  # XL_CELL_NUMBER
        return float(value)
    if ctype == 1:  # XL_CELL_TEXT
        return str(value)
    if ctype == 4:  # XL_CELL_BOOLEAN
        return "WAAR" if value else "ONWAAR"
    if ctype == 5:  # XL_CELL_ERROR
        return errors.get(int(value), "#FOUT")
    if ctype == 3:  # XL_CELL_DATE: a date where a number belongs
        return f"datum ({float(value):g})"
    return ""  # XL_CELL_EMPTY, XL_CELL_BLANK


def _xlsx(data: bytes) -> list[tuple[str, list[list[Cell]]]]:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = [
                [_xlsx_cell(v) for v in values]
                for values in sheet.iter_rows(min_row=1, values_only=True)
            ]
            sheets.append((str(sheet.title), rows))
        return sheets
    finally:
        book.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an integer beyond any float: _number refuses its text
            return str(value)
    return str(value)


FastCell = str | float | int | bool | datetime | date | time | timedelta


def fast_sheets(data: bytes, name: str) -> Iterator[tuple[str, int, list[list[FastCell]]]]:
    """(sheet name, sheet row of the first row, rows of cells) of each worksheet in turn, read
    by python-calamine when asked for; an empty cell is ``""``."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, sheet_name in enumerate(book.sheet_names):
            sheet = book.get_sheet_by_index(index)
            rows: list[list[FastCell]] = sheet.to_python()
            yield str(sheet_name), (sheet.start or (0, 0))[0] + 1, rows
    except Exception as error:  # calamine raises its own kinds on a damaged file
        raise SourceError(
            [SourceIssue(name, None, None, f"geen leesbaar Excel-bestand: {error}")]
        ) from None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def first_row(data: bytes) -> list[str]:
    """The texts of the first row of an .xlsx workbook's first sheet, read from the zip
    without loading the sheet; empty when the file is no readable workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _first_row(archive)
    except (
        zipfile.BadZipFile,
        zlib.error,  # a damaged member
        EOFError,
        KeyError,
        IndexError,
        StopIteration,
        ElementTree.ParseError,
        ValueError,
        OSError,
    ):
        return []


def _first_row(archive: zipfile.ZipFile) -> list[str]:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = book.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        return []
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        r.get("Target", "")
        for r in rels.iter(f"{_PACKAGE_REL}Relationship")
        if r.get("Id") == sheet.get(f"{_REL}id")
    )
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    cells: list[tuple[str, str]] = []  # (type, raw value)
    with archive.open(path) as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag == f"{_MAIN}c":
                text = "".join(element.itertext()) if element.get("t") == "inlineStr" else None
                value = element.findtext(f"{_MAIN}v") or ""
                cells.append((element.get("t") or "n", text if text is not None else value))
            elif element.tag == f"{_MAIN}row":
                break
    wanted = {int(v) for t, v in cells if t == "s" and v.isdigit()}
    shared = _shared_strings(archive, max(wanted)) if wanted else []
    return [shared[int(v)] if t == "s" and v.isdigit() else v for t, v in cells]


def _shared_strings(archive: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings up to index ``last``, read no further than needed."""
    strings: list[str] = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag == f"{_MAIN}si":
                strings.append(re.sub(r"\s+", " ", "".join(element.itertext())).strip())
                element.clear()
                if len(strings) > last:
                    break
    return strings
