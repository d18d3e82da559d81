"""The Rotterdam Wijkprofiel (Gemeente Rotterdam, OBI), read as the municipality publishes it.

Two shapes of the same data:

- the workbook (``.xls``, read with xlrd; ``.xlsx`` with openpyxl) with one sheet per index
  and year: ``SI 2016``, ``FI-subj 2016``, ``FI-obj 2016``, ``VI 2016`` (and 2014), plus
  sheets such as ``Labels`` that hold no figures. In a sheet, row 1 holds flags, row 2 the
  indicator codes, row 3 their labels, and the areas follow from row 4;
- one CSV per sheet (``wijkprofiel_2016_SI.csv``): the codes as header, then the areas.

Either way the header row is found by ``wijknr`` in its second column; the first three
columns are the former deelgemeente (``gebied``), the Wijkprofiel area number (``wijknr``)
and its name (``naam``), every further column is an indicator code. A label row right under
the header (no area number, no numbers) is skipped. Rows are numbered as the user sees
them: the sheet's own row numbers in a workbook, the line in a CSV (header = 1).

Design:

- **Columns** map onto plan indicators through the plan's ``mappings`` of format
  ``wijkprofiel``, chosen per sheet (:meth:`ImportContext.choose_mapping`). Some codes mean
  different things on different sheets (``Ms`` is Meedoen-subjectief on SI and Milieu
  subjectief on FI-subj; ``Mo`` likewise), so a mapping column may name the sheet:
  ``FI-subj:Ms``. The sheet part is compared without case, year, "wijkprofiel" or the kind
  of separator, so it matches the sheet ``FI-subj 2016`` and the file
  ``wijkprofiel_2016_FI_subj.csv`` alike. A qualified column wins over a plain one.
- **Areas**: ``wijknr`` goes through ``context.resolve(wijknr, mapping.crosswalk)``; numbers
  that resolve to nothing are counted in ``Reading.unmapped_areas``. The correspondence with
  CBS buurten is not one to one (78 also covers CBS buurt 70, 1009/1010 split buurt 89,
  3001-3011 merge buurten, 4000-4013 are gebied totals, 5000 is Rotterdam), which is why it
  is declared in the plan's crosswalk and never here. A number resolving to several areas:
  counts are multiplied by the weight, anything else (an index) is copied with a note.
- **Period**: the mapping's ``period`` if it sets one, else the single year in the sheet
  name (``SI 2016``) or the file name (``wijkprofiel_2016_SI.csv``).
- **Values**: the index values are unrounded floats and are kept exactly (a workbook cell
  as stored; a CSV number through ``float``); only a ``scale`` other than 1 (the ``_p``
  columns are fractions 0-1: ``scale: 100`` for a percentage) rounds to 10 decimals. A
  percentage mapped without that scale from a ``_p`` column whose values all lie in 0-1 is
  an error, not a silent 100-fold understatement. An empty cell (suppressed by the
  municipality) or a publisher mark becomes a value None with the reason in the note; any
  other text, an Excel error value or a non-finite number is an error with row and column.
- **Checks**: a wijknr twice in one sheet is a duplicate row; the same indicator, area and
  period twice in one file (``FI`` stands on FI-subj and on FI-obj; the SI sheets repeat
  two columns) is kept once when the values agree and is an error when they do not.
  Every problem is collected and raised together; a file with any error imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from koers.areas.values import Observation
from koers.plan.model import ColumnMapping, Indicator, SourceMapping, Unit
from koers.sources.base import (
    ImportContext,
    Reading,
    SourceError,
    SourceIssue,
    apportion,
    apportion_note,
    period_problem,
    value_problems,
)
from koers.sources.toolkit import (
    csv_rows,
    decode,
    delimiter,
    finite,
    missing_mark,
    parse_number,
    sentinel,
    shown,
)
from koers.sources.workbook import ZIP, Cell, read_workbook, sheet_names

FORMAT = "wijkprofiel"
INDEX_SHEETS = ("si", "fi-subj", "fi-obj", "vi")
"""The sheet kinds of the Wijkprofiel, normalised (see :func:`sheet_kind`)."""

"""A cell: a number, or text ('' when empty)."""

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_SEPARATORS = re.compile(r"[\s_.\-]+")
_INTEGRAL = re.compile(r"^\d+\.0*$")
_OLE2 = b"\xd0\xcf\x11\xe0"
_HEADER_SEARCH = 10  # the header row lies within the first rows of a sheet
_FIRST_VALUE_COLUMN = 3  # gebied, wijknr, naam come first

_IssueFn = Callable[[int | None, str | None, str], None]


def sheet_kind(label: str) -> str:
    """'FI-subj 2016', 'wijkprofiel_2016_FI_subj', 'fi_subj' -> 'fi-subj'."""
    text = re.sub("wijkprofiel", " ", _YEAR.sub(" ", label), flags=re.IGNORECASE)
    return "-".join(part for part in _SEPARATORS.split(text.lower()) if part)


def sheet_year(label: str) -> str | None:
    """The one year in a sheet or file name; None when there is none or more than one."""
    years = set(_YEAR.findall(label))
    return years.pop() if len(years) == 1 else None


@dataclass
class _Table:
    """One sheet of a workbook, or a CSV file: rows of cells, ``rows[0]`` being row 1."""

    where: str  # the file, with the sheet for a workbook: SourceIssue.file
    label: str  # the sheet name or the file stem: year and kind come from it
    sheet: str | None
    rows: list[list[Cell]]
    dutch: bool = False  # a ';' CSV: Dutch numbers
    exact_width: bool = False  # a CSV row must have as many fields as the header


@dataclass
class _Column:
    position: int
    code: str
    mapping: ColumnMapping
    indicator: Indicator


@dataclass
class _Seen:
    value: float | None
    note: str | None
    where: str
    code: str
    sheet: str | None


@dataclass
class _State:
    name: str
    context: ImportContext
    observations: list[Observation] = field(default_factory=list)
    issues: list[SourceIssue] = field(default_factory=list)
    unmapped_areas: Counter[str] = field(default_factory=Counter)
    unmapped_columns: dict[str, None] = field(default_factory=dict)
    mappings: dict[str, None] = field(default_factory=dict)
    seen: dict[tuple[str, str, str], _Seen] = field(default_factory=dict)
    places: dict[tuple[str, str, str, str, str], tuple[str, int | None, str | None]] = field(
        default_factory=dict
    )
    data_rows: int = 0
    assumed: set[str] = field(default_factory=set)  # periods from the mapping, not the name


class WijkprofielSource:
    format = FORMAT

    def sniff(self, data: bytes, name: str) -> bool:
        lower = name.lower()
        if lower.endswith((".xls", ".xlsx")) or data[:4] in (_OLE2, ZIP):
            try:
                names = sheet_names(data)
            except Exception:  # anything unreadable is simply not this format
                return False
            return any(sheet_kind(n) in INDEX_SHEETS and sheet_year(n) is not None for n in names)
        if lower.endswith((".csv", ".txt")):
            header = data[:500].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
            compact = header.strip().lower().replace(" ", "").replace('"', "")
            return compact.startswith(("gebied,wijknr,naam", "gebied;wijknr;naam"))
        return False

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        state = _State(name, context)
        failed: list[SourceIssue] = []
        read_any = False
        for table in _tables(data, name):
            try:
                _read_table(table, state)
                read_any = True
            except SourceError as error:  # no mapping names a column of this sheet
                failed.extend(error.issues)
        if not read_any:
            raise SourceError(failed)
        if state.issues:
            raise SourceError(state.issues)
        if not state.observations:
            if state.data_rows == 0:
                message = "het bestand bevat geen rijen met een wijknr"
            else:
                codes = ", ".join(sorted(state.unmapped_areas, key=_numeric_first)[:12])
                message = (
                    "geen enkel wijknr hoort bij een gebied van het plan of de crosswalk "
                    f"(niet gekoppeld: {codes}); niets te importeren"
                )
            raise SourceError([SourceIssue(name, None, None, message)])
        return Reading(
            state.observations,
            state.unmapped_areas,
            list(state.unmapped_columns),
            mapping=", ".join(state.mappings),
            assumed_periods=state.assumed,
            places=state.places,
        )


# -- reading one sheet -------------------------------------------------------------------


def _read_table(table: _Table, state: _State) -> None:
    """Observations of one sheet into ``state``; SourceError when no mapping fits it."""
    header = _header_row(table.rows)
    assert header is not None, "_tables passes only tables with a header"
    codes = [_text(c) for c in table.rows[header][_FIRST_VALUE_COLUMN:]]
    kind = sheet_kind(table.label)
    context = state.context
    present = {
        c.column
        for m in context.mappings(FORMAT)
        for c in m.columns
        if _matches(c.column, kind, codes)
    }
    try:
        year = sheet_year(table.label)
        mapping = context.choose_mapping(FORMAT, present, table.where, [year] if year else [])
    except SourceError:
        for code in filter(None, codes):
            state.unmapped_columns[f"{table.sheet}: {code}" if table.sheet else code] = None
        raise
    state.mappings[mapping.id] = None

    def issue(row: int | None, column: str | None, message: str) -> None:
        state.issues.append(SourceIssue(table.where, row, column, message))

    period = mapping.period or sheet_year(table.label)
    if sheet_year(table.label) is None and mapping.period is not None:
        state.assumed.add(mapping.period)
    if period is None:
        issue(
            None,
            None,
            f"geen (eenduidig) jaar in de naam '{table.label}'; geef het met 'period' in "
            f"koppeling '{mapping.id}'",
        )
        return
    columns: list[_Column] = []
    for position, code in enumerate(codes, start=_FIRST_VALUE_COLUMN):
        if not code:
            continue
        chosen = _column_for(mapping, kind, code)
        if chosen is None:
            state.unmapped_columns[f"{table.sheet}: {code}" if table.sheet else code] = None
            continue
        indicator = context.indicators[chosen.indicator]
        columns.append(_Column(position, code, chosen, indicator))
        problem = period_problem(indicator, period)
        if problem:
            issue(header + 1, code, problem)
        if chosen.numerator or chosen.denominator:
            issue(
                header + 1,
                code,
                f"koppeling '{mapping.id}' noemt teller of noemer; de Wijkprofiel geeft "
                f"alleen de waarde",
            )
    _check_fractions(table, header, columns, issue)

    width = len(table.rows[header])
    first_row: dict[str, int] = {}
    for index in range(header + 1, len(table.rows)):
        row_no = index + 1
        cells = table.rows[index]
        if table.exact_width and len(cells) != width:
            more = "meer" if len(cells) > width else "minder"
            issue(
                row_no, None, f"{more} velden ({len(cells)}) dan kolommen in de kopregel ({width})"
            )
            continue
        cells = cells + [""] * (width - len(cells))
        if all(_text(c) == "" for c in cells):
            continue
        wijknr = _code(cells[1])
        if not wijknr:
            if index == header + 1 and not any(_is_number(c) for c in cells):
                continue  # the label row under the codes
            issue(row_no, "wijknr", "wijknr ontbreekt")
            continue
        state.data_rows += 1
        if wijknr in first_row:
            issue(
                row_no,
                "wijknr",
                f"dubbele rij: wijknr {wijknr} staat al in rij {first_row[wijknr]}",
            )
            continue
        first_row[wijknr] = row_no
        areas = state.context.resolve(wijknr, mapping.crosswalk)
        if not areas:
            state.unmapped_areas[wijknr] += 1
            continue
        naam = _text(cells[2])
        if "\x00" in naam:  # an .xls text cell may hold one; no database stores it
            issue(row_no, "naam", "een NUL-teken in de naam")
            continue
        for column in columns:
            _cell(table, state, mapping, period, column, cells, row_no, wijknr, naam, areas)


def _cell(
    table: _Table,
    state: _State,
    mapping: SourceMapping,
    period: str,
    column: _Column,
    cells: list[Cell],
    row_no: int,
    wijknr: str,
    naam: str,
    areas: list[tuple[str, float]],
) -> None:
    def issue(message: str) -> None:
        state.issues.append(SourceIssue(table.where, row_no, column.code, message))

    try:
        raw, missing = _number(cells[column.position], table.dutch)
    except ValueError as error:
        issue(str(error))
        return
    indicator = column.indicator
    split = len(areas) > 1 or areas[0][1] != 1.0
    source = f"{mapping.source} ({state.name}" + (
        f", blad '{table.sheet}')" if table.sheet else ")"
    )
    scaled = raw
    if raw is not None and column.mapping.scale != 1.0:
        scaled = round(raw * column.mapping.scale, 10)
    # the figure as published is checked, not its shares: a count split over areas by a
    # crosswalk's weights is a fraction of a whole number
    problems = value_problems(indicator, scaled, None, None)
    for _, message in problems:
        issue(message)
    if problems:
        return
    for area, weight in areas:
        value = apportion(indicator, weight, scaled, None, None)[0]
        notes = [missing] if missing else []
        if split:
            notes.append(apportion_note(indicator, weight, wijknr) + f" ({naam})")
        note = "; ".join(notes) or None
        key = (indicator.id, area, period)
        where = f"rij {row_no}, kolom '{column.code}'"
        if table.sheet:
            where = f"blad '{table.sheet}', {where}"
        earlier = state.seen.get(key)
        if earlier is not None:
            if (earlier.value, earlier.note) != (value, note):
                hint = ""
                if table.sheet and earlier.code == column.code and earlier.sheet != table.sheet:
                    qualified = f"{_YEAR.sub('', table.sheet).strip(' _-')}:{column.code}"
                    hint = (
                        f"; de code betekent per blad iets anders: noem het blad in de "
                        f"koppeling, bijvoorbeeld '{qualified}'"
                    )
                issue(
                    f"{indicator.id} voor gebied '{area}' in {period} staat al in {earlier.where} "
                    f"met een andere waarde ({_show(earlier.value)} tegen {_show(value)}){hint}"
                )
            continue
        state.seen[key] = _Seen(value, note, where, column.code, table.sheet)
        state.places[(*key, "", "")] = (table.where, row_no, column.code)
        state.observations.append(
            Observation(
                indicator=indicator.id,
                area=area,
                period=period,
                value=value,
                status=mapping.status,
                source=source,
                note=note,
            )
        )


def _check_fractions(
    table: _Table,
    header: int,
    columns: list[_Column],
    issue: _IssueFn,
) -> None:
    """A ``_p`` column (a fraction 0-1) mapped onto a percentage without ``scale: 100``."""
    for column in columns:
        if (
            column.indicator.unit is not Unit.PERCENT
            or column.mapping.scale != 1.0
            or not column.code.endswith("_p")
        ):
            continue
        values = []
        for cells in table.rows[header + 1 :]:
            if column.position < len(cells):
                try:
                    value, _ = _number(cells[column.position], table.dutch)
                except ValueError:
                    continue
                if value is not None:
                    values.append(value)
        if values and max(values) > 0 and all(0 <= v <= 1 for v in values):
            issue(
                header + 1,
                column.code,
                f"de Wijkprofiel geeft hier een fractie (hoogste waarde {max(values):g}), "
                f"{column.indicator.id} is een percentage; zet 'scale: 100' in de koppeling",
            )


# -- cells ----------------------------------------------------------------------------------


def _number(cell: Cell, dutch: bool) -> tuple[float | None, str | None]:
    """(value, reason it is missing); ValueError with a Dutch message when not a number."""
    if isinstance(cell, float):
        number = finite(cell)
        reason = sentinel(number)
        return (None, f"{reason} in de Wijkprofiel") if reason else (number, None)
    text = cell.strip()
    if text == "":
        return None, "leeg in de Wijkprofiel: door de gemeente niet gegeven"
    reason = missing_mark(text)
    if reason is not None:
        return None, f"{reason} in de Wijkprofiel"
    try:
        return parse_number(text, dutch), None  # always finite
    except ValueError:
        raise ValueError(f"'{shown(text)}' is geen getal") from None


def _is_number(cell: Cell) -> bool:
    if isinstance(cell, float):
        return True
    try:
        return _number(cell, False)[0] is not None
    except ValueError:
        return False


def _text(cell: Cell) -> str:
    return cell.strip() if isinstance(cell, str) else f"{cell:g}"


def _code(cell: Cell) -> str:
    """An area number as text: 71.0 and '71' are both '71'."""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    text = cell.strip()
    return text.split(".")[0] if _INTEGRAL.match(text) else text


def _show(value: float | None) -> str:
    return "leeg" if value is None else repr(value)


def _numeric_first(code: str) -> tuple[int, str]:
    """Sort key: area numbers in numeric order, then anything else (a 5000-digit number or
    a '²', which ``isdigit`` accepts, is not an area number ``int`` can read)."""
    number = code.isascii() and code.isdigit() and len(code) < 10
    return (int(code), code) if number else (10**10, code)


def _matches(column: str, kind: str, codes: list[str]) -> bool:
    if ":" in column:
        sheet, code = column.split(":", 1)
        return sheet_kind(sheet) == kind and code in codes
    return column in codes


def _column_for(mapping: SourceMapping, kind: str, code: str) -> ColumnMapping | None:
    """The mapping's column for ``code`` on a sheet of ``kind``; a qualified one first."""
    plain = None
    for column in mapping.columns:
        if ":" in column.column:
            sheet, qualified = column.column.split(":", 1)
            if qualified == code and sheet_kind(sheet) == kind:
                return column
        elif column.column == code:
            plain = column
    return plain


def _header_row(rows: list[list[Cell]]) -> int | None:
    for index, cells in enumerate(rows[:_HEADER_SEARCH]):
        if len(cells) > 2 and _text(cells[1]).lower() == "wijknr":
            return index
    return None


# -- files ----------------------------------------------------------------------------------


def _tables(data: bytes, name: str) -> list[_Table]:
    """The sheets (workbook) or the one table (CSV) that have a Wijkprofiel header."""
    if data[:4] in (_OLE2, ZIP):
        tables = [
            _Table(f"{name}, blad '{sheet}'", sheet, sheet, rows)
            for sheet, rows in read_workbook(data, name)
            if _header_row(rows) is not None
        ]
        if not tables:
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        None,
                        None,
                        "geen blad met een kopregel 'gebied, wijknr, naam' en indicatorcodes "
                        "(zoals 'SI 2016')",
                    )
                ]
            )
        return tables
    text = decode(data, name)
    separator = delimiter(text.split("\n", 1)[0])
    dutch = separator == ";"
    rows: list[list[Cell]] = [
        list(r) for r in csv_rows(csv.reader(io.StringIO(text), delimiter=separator), name)
    ]
    if _header_row(rows) is None:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    1,
                    None,
                    "geen kopregel 'gebied,wijknr,naam' gevolgd door indicatorcodes",
                )
            ]
        )
    stem = PurePath(name).stem
    return [_Table(name, stem, None, rows, dutch=dutch, exact_width=True)]
