"""The tables both spreadsheet importers read: a header and rows from a wide CSV
(:mod:`koers.sources.wide`) or a worksheet (:mod:`koers.sources.xlsx`), their cells, and the
two "wide" layouts with their mappings.

Partners send figures as the table they keep, not as one observation per row. The wide
layouts need a mapping declared in the plan (``mappings``: format ``csv`` for a wide CSV,
``xlsx`` for a workbook), never in code.

**Wide, indicators as columns**: one row per area, one column per indicator. The mapping
whose ``columns`` name most of the file's column headers is chosen (or the one given with
``--mapping``); each named column holds that indicator, multiplied by its ``scale``, with
the columns ``numerator``/``denominator`` it names. The period is the row's cell in a
column ``period``, ``periode`` or ``jaar``; without such a column, the mapping's
``period``. The file name never supplies a period or an indicator.

**Wide, years as columns**: one row per area, one column per period, for ONE indicator.
The column headers are periods (``2021``, ``2021/2022`` or ``2021-01-01``; in a workbook
also a number or a date cell). The mapping has exactly one column entry, whose ``column``
is ``*``, meaning "every period column", and names the indicator (and ``scale``)::

    mappings:
      - id: werkloosheid-per-jaar
        format: csv
        name: Werkloosheid per jaar (partner)
        source: UWV, werkloosheid per wijk
        columns: [{column: "*", indicator: werkloos}]

When several such mappings exist for the format, ``--mapping`` must say which one.

**Area column** of the wide layouts: the first of ``area``, ``code``, ``gebied`` the
header has. A code is a plan area id, a CBS code (``GM0599``, ``BU05991571``) or a code of
the mapping's ``crosswalk``, resolved through :meth:`ImportContext.resolve`. Codes that
resolve to nothing are counted in ``unmapped_areas`` and their rows skipped (not an error).
A code that a crosswalk splits over several areas, or only partly assigns (weight < 1):
counts (unit ``count``) are multiplied by the weight, other units are copied and the note
says where the figure came from; numerator and denominator, being counts, are always
multiplied. Two rows that land on the same indicator, area and period are a duplicate.
A row without an area code is an error when it holds figures, and skipped when it does
not (a section title). Other area-like columns and the label columns
``naam``/``name``/``omschrijving`` are ignored; any other column that no mapping names is
listed in ``unmapped_columns``. Every figure's ``source`` is the mapping's ``source`` with
the file name, its ``status`` the mapping's.

**Numbers.** A ``;``-separated CSV uses Dutch notation (``1.234,5``), a ``,``-separated
one English (a quoted ``"12,4"`` is a Dutch decimal comma), exactly as the long CSV. In a
workbook, numeric cells are taken as they are, and a cell formatted as a percentage counts
as Excel shows it (0.403 shown as 40,3% is 40.3); text cells are Dutch notation. Where
Dutch notation is expected, a point must group thousands: ``12.4`` is refused as ambiguous
instead of being read as 124. ``scale`` results are rounded to 10 decimals.

**Missing values.** An empty cell or a publisher's mark (:data:`MISSING_MARKS`: ``.``,
``x``, ``-``, ``NA``, and CBS's sentinels ``-99995`` … ``-99999`` as text, also written
``-99997.0``, or as a number) is an observation without a value whose note gives the
reason, never 0 and never a negative number. In the long layout an empty value still needs a
``note``, as in the long CSV.

**Row numbers** in messages are the CSV's line numbers and the sheet's row numbers as
Excel shows them (1-based), so a user can go straight to the cell.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from koers.areas.values import Observation
from koers.plan.model import ColumnMapping, Indicator, SourceMapping
from koers.plan.period import period_year
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
from koers.sources.toolkit import finite, missing_mark, parse_number, sentinel

AREA_COLUMNS = ("area", "code", "gebied")
"""Area column of a wide layout: the first of these the header has."""
PERIOD_COLUMNS = ("period", "periode", "jaar")
LABEL_COLUMNS = ("naam", "name", "omschrijving")
EVERY_PERIOD = "*"
"""A mapping's only ``column``, for the years-as-columns layout."""

PERIOD_HEADER = re.compile(r"\d{4}(/\d{4})?|\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Formula:
    """A formula cell whose file holds no calculated value."""

    text: str


@dataclass(frozen=True)
class ExcelError:
    code: str


Cell = str | int | float | datetime | date | time | Formula | ExcelError | None


class CellError(ValueError):
    """A cell that cannot be read as what its column needs; the message is for the user."""


@dataclass
class Row:
    number: int  # the CSV line or sheet row as the user sees it
    cells: list[Cell]
    too_long: bool = False


@dataclass
class Table:
    """A header and the rows below it, from a CSV or a worksheet."""

    file: str
    header_row: int
    columns: list[str]  # as written (trimmed)
    rows: list[Row]
    dutch: bool  # whether text numbers are in Dutch notation
    sheet: str | None = None
    keys: list[str] = field(init=False)  # lower-cased, for matching

    def __post_init__(self) -> None:
        self.keys = [c.lower() for c in self.columns]
        width = len(self.columns)
        for row in self.rows:
            row.cells = (row.cells + [None] * width)[:width]

    @property
    def name(self) -> str:
        """Where the table is, for messages: the file, and the worksheet in a workbook."""
        return self.file if self.sheet is None else f"{self.file}, werkblad '{self.sheet}'"

    def index(self, *names: str) -> int | None:
        """The position of the first of ``names`` in the header."""
        for name in names:
            if name in self.keys:
                return self.keys.index(name)
        return None

    def issue(self, row: int | None, column: int | str | None, message: str) -> SourceIssue:
        label = self.columns[column] if isinstance(column, int) else column
        return SourceIssue(self.name, row, label, message)


NO_AREA_COLUMN = (
    "geen gebiedskolom in de kopregel; noem de kolom met gebiedscodes 'area', 'code' of 'gebied'"
)


def refuse_repeated_columns(name: str, row: int, columns: Sequence[str]) -> None:
    counts = Counter(c.lower() for c in columns if c)
    first = {c.lower(): c for c in reversed(columns)}  # each as first written
    repeated = [first[key] for key, count in counts.items() if count > 1]
    if repeated:
        raise SourceError(
            SourceIssue(name, row, c, "deze kolom staat meer dan eens in de kopregel")
            for c in repeated
        )


# --- cells -----------------------------------------------------------------------------


def filled(cell: Cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def header_text(cell: Cell) -> str:
    if isinstance(cell, Formula):
        return cell.text
    if isinstance(cell, ExcelError):
        return cell.code
    return cell_text(cell)


def cell_text(cell: Cell) -> str:
    """A cell as text: codes, periods, notes. Whole numbers lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, Formula):
        raise CellError(_formula_message(cell))
    if isinstance(cell, ExcelError):
        raise CellError(f"Excel-fout '{cell.code}' in de cel")
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _formula_message(cell: Formula) -> str:
    return (
        f"formule '{cell.text}' zonder opgeslagen uitkomst; open het bestand in Excel of "
        "LibreOffice, laat het herberekenen en sla het op"
    )


def cell_number(cell: Cell, dutch: bool) -> tuple[float | None, str | None]:
    """(number, None), or (None, why it is missing); CellError when it is neither."""
    if isinstance(cell, Formula):
        raise CellError(_formula_message(cell))
    if isinstance(cell, ExcelError):
        raise CellError(f"Excel-fout '{cell.code}' in plaats van een getal")
    if isinstance(cell, datetime | date | time):
        raise CellError(f"'{cell_text(cell)}' is een datum, geen getal")
    if isinstance(cell, int | float):
        try:
            number = finite(cell)
        except ValueError as error:
            raise CellError(str(error)) from None
        reason = sentinel(number)
        return (None, reason) if reason else (number, None)
    text = (cell or "").strip()
    reason = missing_mark(text)
    if reason is not None:
        return None, reason
    try:
        number = parse_number(text, dutch)
    except ValueError as error:
        raise CellError(str(error)) from None
    return number, None


# --- the wide layouts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """One column of a wide file that holds an indicator."""

    column: int
    indicator: Indicator
    mapping: ColumnMapping
    period: str | None  # from the header (years as columns); else the row's or mapping's
    numerator: int | None = None
    denominator: int | None = None


def read_wide(table: Table, context: ImportContext, format: str) -> Reading:
    area_at = table.index(*AREA_COLUMNS)
    if area_at is None:
        raise SourceError([table.issue(table.header_row, None, NO_AREA_COLUMN)])
    period_columns = [i for i, c in enumerate(table.columns) if PERIOD_HEADER.fullmatch(c)]
    mapping = _choose_mapping(table, context, format, bool(period_columns))
    period_at = None if _every_period(mapping) else table.index(*PERIOD_COLUMNS)
    targets, issues = _targets(table, context, mapping, period_columns, period_at)
    if issues:
        raise SourceError(issues)
    data_columns = {t.column for t in targets}
    data_columns |= {i for t in targets for i in (t.numerator, t.denominator) if i is not None}
    used = {area_at, *data_columns}
    if period_at is not None:
        used.add(period_at)
    ignored = set(AREA_COLUMNS + LABEL_COLUMNS)
    reading = Reading(mapping=mapping.id)
    if mapping.period is not None and any(t.period is None for t in targets) and period_at is None:
        reading.assumed_periods.add(mapping.period)
    reading.unmapped_columns = [
        column
        for i, column in enumerate(table.columns)
        if column and i not in used and table.keys[i] not in ignored
    ]
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        if not any(map(filled, row.cells)):
            continue
        if row.too_long:
            issues.append(table.issue(row.number, None, "meer velden dan kolommen in de kopregel"))
            continue
        try:
            code = cell_text(row.cells[area_at])
        except CellError as error:
            issues.append(table.issue(row.number, area_at, str(error)))
            continue
        if not code:
            if any(filled(row.cells[i]) for i in data_columns):
                issues.append(table.issue(row.number, area_at, "geen gebiedscode"))
            continue  # without figures: a label or section row
        areas = context.resolve(code, mapping.crosswalk)
        if not areas:
            reading.unmapped_areas[code] += 1
            continue
        found: list[SourceIssue] = []
        values = _wide_row(table, mapping, targets, period_at, row, found)
        if found:
            issues += found
            continue
        observations = [
            obs
            for area, weight in areas
            for obs in _split(values, code, area, weight, len(areas), mapping, table)
        ]
        keys = [(o.indicator, o.area, o.period) for o in observations]
        if any(key in seen for key in keys):
            first = min(seen[key] for key in keys if key in seen)
            area = next(key[1] for key in keys if seen.get(key) == first)
            via = f" (code '{code}')" if code != area else ""
            issues.append(
                table.issue(
                    row.number,
                    area_at,
                    f"dubbele rij: gebied '{area}'{via} staat al in rij {first}",
                )
            )
            continue
        seen.update(dict.fromkeys(keys, row.number))
        reading.observations += observations
        columns = {v.target.indicator.id: v.target.column for v in values}
        for obs in observations:
            place = table.issue(row.number, columns.get(obs.indicator), "")
            reading.places[obs.key] = (place.file, place.row, place.column)
    if issues:
        raise SourceError(issues)
    if not reading.observations:
        codes = ", ".join(sorted(reading.unmapped_areas)[:12])
        raise SourceError(
            [
                SourceIssue(
                    table.name,
                    None,
                    None,
                    "geen enkele rij voor een gebied van het plan"
                    + (f" of crosswalk '{mapping.crosswalk}'" if mapping.crosswalk else "")
                    + (f"; onbekende gebiedscodes: {codes}" if codes else ""),
                )
            ]
        )
    return reading


def _stated(table: Table) -> set[str]:
    """The years the file names itself: its year columns, or its period column's cells."""
    stated = {c for c in table.columns if PERIOD_HEADER.fullmatch(c)}
    at = table.index(*PERIOD_COLUMNS)
    if at is None:
        return stated
    for row in table.rows:
        try:
            text = cell_text(row.cells[at]) if at < len(row.cells) else ""
            period_year(text)
        except (CellError, ValueError):
            continue  # reported against its row once the mapping is chosen
        stated.add(text)
    return stated


def _every_period(mapping: SourceMapping) -> bool:
    return any(c.column == EVERY_PERIOD for c in mapping.columns)


def _choose_mapping(
    table: Table, context: ImportContext, format: str, has_periods: bool
) -> SourceMapping:
    keys = set(table.keys)
    candidates = context.mappings(format)
    present = [c.column for m in candidates for c in m.columns if c.column.lower() in keys]
    if has_periods:
        present.append(EVERY_PERIOD)
    file = table.file
    if not has_periods and candidates and all(map(_every_period, candidates)):
        raise SourceError(  # e.g. --mapping named one for years as columns
            [
                SourceIssue(
                    file,
                    table.header_row,
                    None,
                    f"koppeling '{candidates[0].id}' verwacht jaren als kolommen (zoals '2021' "
                    f"of '2021/2022'); de kopregel heeft er geen",
                )
            ]
        )
    mapping = context.choose_mapping(format, present, file, _stated(table))
    if _every_period(mapping) and len(mapping.columns) != 1:
        raise SourceError(
            [
                SourceIssue(
                    file,
                    None,
                    None,
                    f"koppeling '{mapping.id}': '*' (elke jaarkolom) moet haar enige kolom zijn",
                )
            ]
        )
    return mapping


def _targets(
    table: Table,
    context: ImportContext,
    mapping: SourceMapping,
    period_columns: list[int],
    period_at: int | None,
) -> tuple[list[_Target], list[SourceIssue]]:
    """The columns to read, and what is wrong with the header for them."""
    issues: list[SourceIssue] = []
    targets: list[_Target] = []
    row = table.header_row
    for entry in mapping.columns:
        indicator = context.indicators.get(entry.indicator)
        if indicator is None:  # the plan validation refuses this; keep the reader safe
            issues.append(
                table.issue(
                    None,
                    entry.column,
                    f"koppeling '{mapping.id}' noemt onbekende indicator '{entry.indicator}'",
                )
            )
            continue
        if entry.column == EVERY_PERIOD:
            for i in period_columns:
                problem = period_problem(indicator, table.columns[i])
                if problem:
                    issues.append(table.issue(row, i, problem))
                else:
                    targets.append(_Target(i, indicator, entry, table.columns[i]))
            continue
        at = table.index(entry.column.lower())
        if at is None:
            continue  # the mapping may name more columns than this file has
        if period_at is None:
            if mapping.period is None:
                issues.append(
                    table.issue(
                        row,
                        None,
                        "geen periode: geef een kolom 'period', 'periode' of 'jaar', of "
                        f"'period' in koppeling '{mapping.id}'",
                    )
                )
                return [], issues
            problem = period_problem(indicator, mapping.period)
            if problem:
                issues.append(
                    table.issue(
                        None,
                        at,
                        f"periode '{mapping.period}' uit koppeling '{mapping.id}': {problem}",
                    )
                )
                continue
        targets.append(
            _Target(
                at,
                indicator,
                entry,
                None,
                table.index(entry.numerator.lower()) if entry.numerator else None,
                table.index(entry.denominator.lower()) if entry.denominator else None,
            )
        )
    return targets, issues


@dataclass(frozen=True)
class _Values:
    target: _Target
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    missing: str | None


def _wide_row(
    table: Table,
    mapping: SourceMapping,
    targets: list[_Target],
    period_at: int | None,
    row: Row,
    issues: list[SourceIssue],
) -> list[_Values]:
    row_period = mapping.period
    if period_at is not None:
        try:
            row_period = cell_text(row.cells[period_at])
        except CellError as error:
            issues.append(table.issue(row.number, period_at, str(error)))
            return []
        if not row_period:
            issues.append(table.issue(row.number, period_at, "leeg; geen periode"))
            return []
    found = []
    for target in targets:
        period = target.period or row_period or ""
        if period_at is not None:
            problem = period_problem(target.indicator, period)
            if problem:
                issues.append(table.issue(row.number, period_at, problem))
                continue
        numbers: dict[str, float | None] = {}
        missing: str | None = None
        failed = False
        for part, at in (
            ("value", target.column),
            ("numerator", target.numerator),
            ("denominator", target.denominator),
        ):
            if at is None:
                numbers[part] = None
                continue
            try:
                numbers[part], reason = cell_number(row.cells[at], table.dutch)
            except CellError as error:
                issues.append(table.issue(row.number, at, str(error)))
                failed = True
                continue
            if part == "value":
                missing = reason
        if failed:
            continue
        value = numbers["value"]
        if value is not None and target.mapping.scale != 1:
            value = round(value * target.mapping.scale, 10)
        problems = value_problems(
            target.indicator, value, numbers["numerator"], numbers["denominator"]
        )
        for part, message in problems:
            at = {"numerator": target.numerator, "denominator": target.denominator}.get(part)
            issues.append(table.issue(row.number, at if at is not None else target.column, message))
        if problems:
            continue
        found.append(
            _Values(target, period, value, numbers["numerator"], numbers["denominator"], missing)
        )
    return found


def _split(
    values: list[_Values],
    code: str,
    area: str,
    weight: float,
    parts: int,
    mapping: SourceMapping,
    table: Table,
) -> Iterator[Observation]:
    """The row's figures for one of the areas its code resolves to."""
    split = parts > 1 or weight != 1.0
    for found in values:
        indicator = found.target.indicator
        value, numerator, denominator = apportion(
            indicator, weight, found.value, found.numerator, found.denominator
        )
        notes = [found.missing, apportion_note(indicator, weight, code) if split else None]
        yield Observation(
            indicator=indicator.id,
            area=area,
            period=found.period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            status=mapping.status,
            source=f"{mapping.source} ({table.file})",
            note="; ".join(n for n in notes if n) or None,
        )
