"""CBS StatLine: Kerncijfers wijken en buurten (KWB) and the Wijk- en Buurtkaart, as CBS
and its usual tools write them.

These shapes of the same tables are read as they come (into records by
:mod:`koers.sources.statline`, which describes each):

* **OData v3 JSON**, as ``cbsodata`` or the raw API writes it: the rows under ``"value"``;
  values are strings padded with spaces (``"    23.7"``), numbers or ``null``; the titles of
  ``"DataProperties"`` name columns in the report of what was left out.
* **OData v4 JSON**: the ``Observations`` set (``Measure``, ``ValueAttribute``, ``Value``
  and the dimensions), alone or with its code lists; a mapping names a measure by its code
  (``M000352``), and a ``ValueAttribute`` such as ``Confidential`` is a missing value with
  its meaning.
* **CSV**: a StatLine download with codes (``WijkenEnBuurten;AantalInwoners_5``) or with
  titles (``Regiocode (gemeente, wijk, buurt) (code)``, ``Regioaanduiding/Codering (code)``,
  ``Bevolking/Aantal inwoners (aantal)``), ``;``-separated with a BOM, codes and numbers
  padded with spaces; the snake_case attribute table of the Wijk- en Buurtkaart
  (``buurtcode``, ``wijkcode``, ``gemeentecode``, ``jaar``); an R-mangled StatLine export
  (``Bevolking.Aantal.inwoners..aantal.``, ``Regioaanduiding.Codering..code.``).
* **The KWB workbook** as CBS publishes it (``kwb-YYYY.xlsx``, or saved as CSV): the area
  code in ``gwb_code_10`` (other editions ``gwb_code``, or ``gwb_code_8`` without its
  prefix, which ``recs`` — Land, Gemeente, Wijk, Buurt — gives back: ``599`` of a Gemeente
  is ``GM0599``), ``regio``, ``gm_naam``, ``recs``, ``ind_wbi``, then the measures by short
  name (``a_inw``, ``p_00_14_jr``, ``g_woz``); numbers stored as text, ``.`` where CBS gives
  none. It names no period: the mapping's ``period`` or ``koers import --year`` gives it.

A mapping's ``column`` names a column as the file names it: a code, a short name or a
title, compared after trimming spaces.

The separator is ``;`` or ``,`` (whichever the header has more of). CBS never groups
thousands in these files, so a lone ``,`` or ``.`` is the decimal sign (``"2,1"`` and
``"2.1"`` are both 2.1); with both, the last one is. Columns become indicators ONLY through
the plan's ``mappings`` of format ``cbs`` (the one naming most of the file's columns, or
the one asked for); a mapping's ``scale`` multiplies the value (``× 1.000 euro`` -> 1000),
not its numerator or denominator, which are counts in columns of their own.

Areas: the region code is taken from the first of :data:`REGION_COLUMNS` the file has (so a
buurt file's ``buurtcode`` wins over its ``wijkcode``), spaces removed (``"GM0599    "``), and
goes through :meth:`ImportContext.resolve` with the mapping's crosswalk. Codes that resolve
to nothing are counted in ``unmapped_areas``. A code split over several areas by a crosswalk
gives each its weight's share of counts (numerators and denominators too); other values are
copied with a note. Several codes landing on one area (a crosswalk merging an old buurt
into a new one) are combined: counts add up; a rate is recomputed from numerators and
denominators when every part has them, copied (without numerator and denominator, which
would cover only that part) when only one part has a value, and is an error otherwise (a
rate cannot be added up without its weights).

Period: the mapping's ``period`` if set, else the year given to the import (``koers import
--year``, :attr:`ImportContext.year`), else the file's ``Perioden`` (``2017JJ00`` ->
``2017``) or ``jaar``. KWB population figures are at 1 January; without a mapping period
they get the plain year. Where two of these give a period, their years must agree; where
none does, the file is refused with the ways to give one. :func:`stated_periods` tells the
periods a file states itself, before any mapping is chosen.

Missing values: every mark in :data:`MISSING_MARKS` (``.``, empty, ``x``, ``NA``, the CBS
sentinels ``-99995`` … ``-99999``, also written ``-99997.0``), JSON ``null`` and a v4
``ValueAttribute`` that says so become ``value=None`` with the reason in the note, never 0.
The Wijk- en Buurtkaart gives each gemeente a second row for its water (``water`` = ``JA``,
all ``-99997``): those rows are skipped and counted, not taken for duplicates. The same area
code twice for one period is an error, as is anything the shared checks
(:func:`period_problem`, :func:`value_problems`) refuse; all problems are raised together
and nothing of the file is imported.

What was left out (unmapped columns with their titles, mapped columns the file lacks or
that some records lack, water rows) is reported by :meth:`CbsReading.report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from koers.areas.values import SCALE, Observation
from koers.plan.model import ColumnMapping, Indicator, SourceMapping, Unit
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
from koers.sources.statline import (
    PERIOD_COLUMNS,
    REGION_COLUMNS,
    StatlineTable,
    cbs_period,
    cell_value,
    kwb_code,
    parse,
    parse_cbs_number,
    plain,
    split_header,
    stated_periods,
)
from koers.sources.toolkit import (
    suggest,
)
from koers.sources.workbook import ZIP, first_row

__all__ = ["REGION_COLUMNS", "CbsReading", "CbsSource", "parse_cbs_number", "stated_periods"]

DESCRIPTIVE = {
    "id",
    "soort",
    "water",
    "jrstatcode",
    "gemeentenaam",
    "wijknaam",
    "buurtnaam",
    "gemeentenaam_1",
    "soortregio_2",
    "indelingswijzigingwijkenenbuurten_4",
    "indelingswijziging_wijken_en_buurten",
    "wijken.en.buurten",
    "regioaanduiding.gemeentenaam..naam.",
    "regioaanduiding.soort.regio..omschrijving.",
    "regioaanduiding.indelingswijziging.wijken.en.buurten..code.",
    "regioaanduiding/gemeentenaam (naam)",
    "regioaanduiding/soort regio (omschrijving)",
    "regioaanduiding/indelingswijziging wijken en buurten (code)",
    "gemeentenaam (naam)",
    "soort regio (omschrijving)",
    "indelingswijziging wijken en buurten (code)",
    "regio",
    "gm_naam",
    "recs",
    "ind_wbi",
}
"""Columns that describe the row, not a figure: never reported as left out."""


@dataclass
class CbsReading(Reading):
    """A :class:`Reading` that also tells what of a CBS file was left out, and why."""

    titles: dict[str, str] = field(default_factory=dict)
    periods: set[str] = field(default_factory=set)  # the years the file states itself
    absent_columns: list[tuple[str, str]] = field(default_factory=list)  # (column, effect)
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # column -> area codes
    water_rows: int = 0

    def report(self) -> list[str]:
        lines = super().report()
        if self.unmapped_columns:
            shown = [self._titled(c) for c in self.unmapped_columns[:12]]
            more = len(self.unmapped_columns) - 12
            lines.append(
                "niet gekoppeld: " + "; ".join(shown) + (f" en {more} meer" if more > 0 else "")
            )
        for column, effect in self.absent_columns:
            lines.append(
                f"kolom '{column}' uit koppeling {self.mapping} staat niet in het bestand"
                f"{suggest(column, self.unmapped_columns)}; {effect}"
            )
        for column, codes in self.incomplete.items():
            lines.append(
                f"kolom '{column}' ontbreekt in {len(codes)} rij(en) ({', '.join(codes[:12])})"
                f"{suggest(column, self.unmapped_columns)}; daar is die waarde niet geïmporteerd"
            )
        if self.water_rows:
            lines.append(
                f"{self.water_rows} rij(en) voor het waterdeel van een gemeente "
                "(water = JA) overgeslagen"
            )
        return lines

    def _titled(self, column: str) -> str:
        title = self.titles.get(column)
        return f"{column} ({title})" if title else column


@dataclass(frozen=True)
class _Part:
    """One row's figure for one plan area, before the rows that share an area are combined."""

    code: str
    row: int
    column: str
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str | None
    weight: float = 1.0
    crosswalk: bool = False  # the code reached the area through the mapping's crosswalk


class CbsSource:
    format = "cbs"

    def sniff(self, data: bytes, name: str) -> bool:
        if data[:4] == ZIP:  # the KWB workbook: its header names a region column
            return _names_region(first_row(data))
        head = data[:4000].decode("utf-8-sig", errors="replace").lstrip()
        if head.startswith("{"):
            return ('"value"' in head or '"Observations"' in head) and any(
                f'"{c}"' in head for c in ("WijkenEnBuurten", "RegioS", "Measure")
            )
        if not name.lower().endswith((".csv", ".txt")):
            return False
        return _names_region(split_header(head.split("\n", 1)[0]))

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        table = parse(data, name)
        mapping = context.choose_mapping(self.format, table.columns, name, stated_periods(table))
        reading = _Reader(table, mapping, name, context).read()
        reading.periods = stated_periods(table)
        return reading


def _names_region(header: list[str]) -> bool:
    names = {c.strip().lower() for c in header}
    return any(c.lower() in names for c in REGION_COLUMNS)


class _Reader:
    """One file read against one mapping: collects observations and every problem."""

    def __init__(
        self, table: StatlineTable, mapping: SourceMapping, name: str, context: ImportContext
    ) -> None:
        self.table, self.mapping, self.name, self.context = table, mapping, name, context
        self.issues: list[SourceIssue] = []
        self.columns = {c.lower(): c for c in table.columns}
        self.direct = context.areas | {a.cbs_code for a in context.plan.areas if a.cbs_code}
        self.reading = CbsReading(mapping=mapping.id, titles=table.titles)
        self.parts: dict[tuple[str, str, str], list[_Part]] = {}  # (indicator, area, period)
        self.cells: dict[str, tuple[float | None, str | None] | None] = {}  # the row's, parsed

    def issue(self, row: int | None, column: str | None, message: str) -> None:
        row, column = self.table.locate(row, column)
        self.issues.append(SourceIssue(self.table.where or self.name, row, column, message))

    def read(self) -> CbsReading:
        region = self._column(REGION_COLUMNS)
        if region is None:
            self.issue(
                self.table.header_row,
                None,
                f"geen kolom met CBS-gebiedscodes ({', '.join(REGION_COLUMNS)})",
            )
            raise SourceError(self.issues)
        used = self._used_columns()
        fixed_period = self._fixed_period()
        period_column = self._column(PERIOD_COLUMNS)
        if fixed_period is None and period_column is None:
            self.issue(
                None,
                None,
                f"het bestand noemt geen periode (kolom Perioden of jaar) en koppeling "
                f"{self.mapping.id} geeft geen 'period'; geef het jaar met koers import "
                f"--year JAAR, of zet 'period' in de koppeling",
            )
        if self.issues:
            raise SourceError(self.issues)
        if period_column is None and fixed_period is not None:
            self.reading.assumed_periods.add(fixed_period)

        water = self.columns.get("water")
        recs = self.columns.get("recs") if region.lower() == "gwb_code_8" else None
        seen: dict[tuple[str, str], int] = {}
        for row, record in self.table.records:
            if water is not None and plain(record.get(water)).upper() == "JA":
                self.reading.water_rows += 1
                continue
            code = re.sub(r"\s+", "", plain(record.get(region)))
            if recs is not None:
                code = kwb_code(code, plain(record.get(recs)))
            period = self._period(record, row, period_column, fixed_period)
            if not code:
                self.issue(row, region, "geen gebiedscode")
            elif period is not None and (code, period) in seen:
                self.issue(
                    row,
                    region,
                    f"dubbele rij: gebied {code}, periode {period} staat al in rij "
                    f"{seen[code, period]}",
                )
            elif period is not None:
                seen[code, period] = row
                self._read_row(record, row, code, period, used)
        for key, parts in self.parts.items():
            self._observe(key, parts)
        if self.issues:
            raise SourceError(self.issues)
        if not self.reading.observations:
            self._nothing_read()
        return self.reading

    def _read_row(
        self,
        record: dict[str, object],
        row: int,
        code: str,
        period: str,
        used: list[ColumnMapping],
    ) -> None:
        targets = self.context.resolve(code, self.mapping.crosswalk)
        if not targets:
            self.reading.unmapped_areas[code] += 1
            return
        self.cells = {}
        for column in used:
            part = self._part(record, row, code, column, period)
            if part is None:
                continue
            for area, weight in targets:
                self.parts.setdefault((column.indicator, area, period), []).append(
                    replace(part, weight=weight, crosswalk=code not in self.direct)
                )

    def _observe(self, key: tuple[str, str, str], parts: list[_Part]) -> None:
        indicator_id, area, period = key
        combined = self._combine(self.context.indicators[indicator_id], area, parts)
        if combined is None:
            return
        row, column = self.table.locate(parts[0].row, parts[0].column)
        self.reading.places[(indicator_id, area, period, "", "")] = (
            self.table.where or self.name,
            row,
            column,
        )
        self.reading.observations.append(
            Observation(
                indicator=indicator_id,
                area=area,
                period=period,
                value=combined.value,
                numerator=combined.numerator,
                denominator=combined.denominator,
                status=self.mapping.status,
                source=f"{self.mapping.source} ({self.name})",
                note=combined.note,
            )
        )

    def _nothing_read(self) -> None:
        message = "het bestand bevat geen rijen"
        if self.reading.unmapped_areas:
            codes = ", ".join(sorted(self.reading.unmapped_areas)[:12])
            message = (
                f"geen enkele gebiedscode van het bestand staat in het plan of in crosswalk "
                f"{self.mapping.crosswalk or '(geen)'}: {codes}"
            )
        raise SourceError([SourceIssue(self.name, None, None, message)])

    # -- columns and periods --------------------------------------------------------------

    def _column(self, candidates: tuple[str, ...]) -> str | None:
        for candidate in candidates:
            if candidate.lower() in self.columns:
                return self.columns[candidate.lower()]
        return None

    def _used_columns(self) -> list[ColumnMapping]:
        """The mapping's columns the file has; what the mapping or the file lacks is noted."""
        present = set(self.table.columns)
        used: list[ColumnMapping] = []
        named: set[str] = set()
        by_indicator: dict[str, str] = {}
        for column in map(_trimmed, self.mapping.columns):
            named.update(c for c in (column.column, column.numerator, column.denominator) if c)
            if column.indicator in by_indicator:
                self.issue(
                    None,
                    column.column,
                    f"koppeling {self.mapping.id}: kolommen '{by_indicator[column.indicator]}' "
                    f"en '{column.column}' geven allebei {column.indicator}",
                )
            by_indicator[column.indicator] = column.column
            if column.column not in present:
                self.reading.absent_columns.append(
                    (column.column, f"{column.indicator} niet geïmporteerd")
                )
                continue
            used.append(column)
            for role, extra in (("teller", column.numerator), ("noemer", column.denominator)):
                if extra and extra not in present:
                    self.reading.absent_columns.append(
                        (extra, f"{column.indicator} zonder {role} geïmporteerd")
                    )
        structural = DESCRIPTIVE | {c.lower() for c in REGION_COLUMNS + PERIOD_COLUMNS}
        self.reading.unmapped_columns = [
            c for c in self.table.columns if c not in named and c.lower() not in structural
        ]
        return used

    def _fixed_period(self) -> str | None:
        """The mapping's period, else the year given to the import; None when neither."""
        period, year = self.mapping.period, self.context.year
        if period is None:
            return None if year is None else str(year)
        try:
            if year is not None and period_year(period) != year:
                self.issue(
                    None,
                    None,
                    f"--year {year} en koppeling {self.mapping.id} (periode {period}) "
                    f"spreken elkaar tegen",
                )
        except ValueError as error:
            self.issue(None, None, f"koppeling {self.mapping.id}: {error}")
        return period

    def _period(
        self, record: dict[str, object], row: int, column: str | None, fixed: str | None
    ) -> str | None:
        """The row's period; None (with an issue) when it has none that fits."""
        in_file = None
        if column is not None:
            try:
                in_file = cbs_period(record.get(column))
            except ValueError as error:
                self.issue(row, column, str(error))
                return None
        if fixed is None:
            return in_file
        if in_file is not None and period_year(fixed) != int(in_file):
            said = (
                f"koppeling {self.mapping.id} zegt periode {fixed}"
                if self.mapping.period
                else f"--year zegt {fixed}"
            )
            self.issue(row, column, f"het bestand zegt {in_file}, {said}")
            return None
        return fixed

    # -- values ---------------------------------------------------------------------------

    def _number(
        self, record: dict[str, object], row: int, column: str | None
    ) -> tuple[float | None, str | None] | None:
        """(value, why missing) of a cell, parsed once per row; None when it is no number."""
        if column is None or column not in self.table.columns:
            return None, None
        if column not in self.cells:  # a column may be a value here and a denominator there
            try:
                self.cells[column] = cell_value(record.get(column))
            except ValueError as error:
                self.issue(row, column, str(error))
                self.cells[column] = None
        return self.cells[column]

    def _part(
        self, record: dict[str, object], row: int, code: str, column: ColumnMapping, period: str
    ) -> _Part | None:
        """The row's figure for one mapped column, checked; None when it has none or is bad."""
        if column.column not in record:  # a JSON record without the key
            self.reading.incomplete.setdefault(column.column, []).append(code)
            return None
        value = self._number(record, row, column.column)
        numerator = self._number(record, row, column.numerator)
        denominator = self._number(record, row, column.denominator)
        if value is None or numerator is None or denominator is None:
            return None
        number, note = value
        if number is not None and column.scale != 1:
            number = round(number * column.scale, 10)
        indicator = self.context.indicators[column.indicator]
        where = {
            "value": column.column,
            "numerator": column.numerator or column.column,
            "denominator": column.denominator or column.column,
        }
        problems = [(column.column, p) for p in [period_problem(indicator, period)] if p]
        problems += [
            (where[role], message)
            for role, message in value_problems(indicator, number, numerator[0], denominator[0])
        ]
        for where_, message in problems:
            self.issue(row, where_, message)
        if problems:
            return None
        return _Part(code, row, column.column, number, numerator[0], denominator[0], note)

    def _combine(self, indicator: Indicator, area: str, parts: list[_Part]) -> _Part | None:
        """One figure for the area from the rows that landed on it (see module docstring)."""
        crosswalk = self.mapping.crosswalk
        parts = [_weighted(indicator, p) for p in parts]
        if len(parts) == 1:
            (part,) = parts
            if part.weight == 1:
                return part
            return _noted(part, apportion_note(indicator, part.weight, part.code))
        codes = " en ".join(p.code for p in parts)
        last = parts[-1]
        if not any(p.crosswalk for p in parts):
            self.issue(last.row, last.column, f"de codes {codes} staan allebei voor gebied {area}")
            return None
        merged = f"samengevoegd uit {codes} (crosswalk {crosswalk})"
        first = replace(parts[0], numerator=None, denominator=None, note=merged)
        missing = [p for p in parts if p.value is None]
        why = "; ".join(f"{p.code}: {p.note or 'geen waarde'}" for p in missing)
        if indicator.unit is Unit.COUNT:
            if missing:
                return _noted(replace(first, value=None), f"niet op te tellen: {why}")
            return replace(first, value=round(sum(p.value or 0.0 for p in parts), 10))
        if all(p.numerator is not None and p.denominator is not None for p in parts):
            numerator = sum(p.numerator or 0.0 for p in parts)
            denominator = sum(p.denominator or 0.0 for p in parts)
            ratio = (
                numerator / denominator * SCALE.get(indicator.unit, 1.0) if denominator else None
            )
            return _noted(
                replace(
                    first,
                    value=None if ratio is None else round(ratio, 10),
                    numerator=numerator,
                    denominator=denominator,
                ),
                "herberekend uit teller en noemer" if denominator else "noemer is nul",
            )
        valued = [p for p in parts if p.value is not None]
        if not valued:
            return _noted(replace(first, value=None), why)
        if len(valued) == 1:
            only = replace(valued[0], numerator=None, denominator=None, note=merged)
            return _noted(only, f"alleen {only.code} geeft een waarde ({why})")
        self.issue(
            last.row,
            last.column,
            f"{codes} komen samen in gebied {area} (crosswalk {crosswalk}); een "
            f"{indicator.unit.value} is niet op te tellen: geef teller en noemer in de "
            f"koppeling, of laat de crosswalk de codes niet samenvoegen",
        )
        return None


def _trimmed(column: ColumnMapping) -> ColumnMapping:
    """The mapping's column with its names trimmed, as the file's header names are."""
    names = ("column", "numerator", "denominator")
    update = {n: getattr(column, n).strip() for n in names if getattr(column, n)}
    return column.model_copy(update=update)


def _weighted(indicator: Indicator, part: _Part) -> _Part:
    """The part with the crosswalk's share applied to what adds up (counts, numerators)."""
    value, numerator, denominator = apportion(
        indicator, part.weight, part.value, part.numerator, part.denominator
    )
    return replace(part, value=value, numerator=numerator, denominator=denominator)


def _noted(part: _Part, note: str) -> _Part:
    return replace(part, note="; ".join(n for n in (part.note, note) if n))
