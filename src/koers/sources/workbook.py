"""Excel workbooks as rows of cells, for importers that read every sheet (the Wijkprofiel):
.xlsx through openpyxl and the older .xls through xlrd, each cell a number or a text
(a boolean as WAAR/ONWAAR, an error as its Excel text, a date where a number belongs as
``datum (…)``), so the importer decides what a cell means."""

from __future__ import annotations

import io
import warnings
from typing import Any

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
