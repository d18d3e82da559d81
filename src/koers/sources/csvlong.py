"""The long CSV format: one observation per row, in the plan's own ids.

Columns ``indicator, area, period, value`` are required; ``numerator, denominator, status,
source, note`` are optional, in any order. The separator is ``;`` or ``,`` (read from the
header). Numbers: in a ``;`` file Dutch notation (``1.234,5``: dots group thousands, the
comma is the decimal sign); in a ``,`` file the decimal sign is a point, and a quoted
``"12,4"`` without a point is read as a Dutch decimal comma. A number is digits with at
most a sign, a decimal sign and an exponent (never ``nan``, ``inf`` or ``1_000``) and must fit
a float (``1e400`` does not). An empty value is allowed only with a note saying why it is
missing (e.g. a CBS suppression mark).

What the ``csv`` module cannot read (a field over its size limit, a carriage return inside
an unquoted field), a NUL character and a line of more than :data:`MAX_FIELDS` fields are a
:class:`SourceError` naming the line; every CSV importer reads through :func:`decode`,
:func:`dict_reader` and :func:`csv_rows` for that.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from typing import TypeVar

from koers.areas.values import Observation
from koers.sources.base import (
    ImportContext,
    Reading,
    SourceError,
    SourceIssue,
    period_problem,
    suggest,
    value_problems,
)

REQUIRED = ("indicator", "area", "period", "value")
OPTIONAL = ("numerator", "denominator", "status", "source", "note")
STATUSES = ("definitief", "voorlopig", "geschat")


DUTCH_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
"""Dutch notation with grouping dots: ``1.234`` or ``1.234,5`` (never ``12.4``)."""
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
"""What ``float`` may read after the notation is settled: no ``nan``, ``inf``, ``1_000``."""
SHOWN = 40
"""Characters of a cell quoted in a message; a longer cell is cut."""
UNKNOWN_SHOWN = 20
"""Unknown columns named one by one (with suggestions); the rest are counted."""
MAX_FIELDS = 10_000
"""Most fields a CSV line may have (the widest real file, a Wijkprofiel sheet, has ~200)."""

_T = TypeVar("_T")


def shown(text: str) -> str:
    """A cell's text for a message: cut when it is long."""
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({len(text)} tekens)"


def parse_number(text: str, dutch: bool) -> float:
    """A number in Dutch or English notation; ValueError (with the reason) when it is none.

    In Dutch notation a dot only groups thousands, so ``12.4`` is refused rather than read
    as 124.
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if dutch and "." in raw and not DUTCH_NUMBER.fullmatch(raw):
        raise ValueError(
            f"'{shown(text)}' is geen getal in Nederlandse schrijfwijze (een punt scheidt "
            f"duizendtallen, de komma is het decimaalteken: 1.234,5)"
        )
    if dutch or ("," in raw and "." not in raw):
        raw = raw.replace(".", "").replace(",", ".")
    if not PLAIN_NUMBER.fullmatch(raw):
        raise ValueError(f"'{shown(text)}' is geen getal")
    number = float(raw)
    if not math.isfinite(number):
        raise ValueError(not_finite(text, number))
    return number


def not_finite(text: str, number: float) -> str:
    """Why a cell that reads as NaN or infinity (``1e400``, 400 digits) is refused."""
    if math.isnan(number):
        return f"'{shown(text)}' is geen getal"
    return f"'{shown(text)}' is te groot om als getal te bewaren"


def finite(raw: int | float) -> float:
    """A native number (a spreadsheet or JSON cell) as a float; ValueError, worded by
    :func:`not_finite`, for NaN, infinity and an integer beyond any float."""
    try:
        number = float(raw)
    except OverflowError:  # an integer beyond any float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(not_finite(str(raw), number))
    return number


def decode(data: bytes, name: str) -> str:
    """The text of a file: UTF-8 (with or without BOM) and without NUL characters, which no
    text file has (UTF-16 without a BOM is full of them) and PostgreSQL cannot store."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            [SourceIssue(name, None, None, f"geen UTF-8 tekst (byte {error.start})")]
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    text.count("\n", 0, nul) + 1,
                    None,
                    "een NUL-teken: geen tekstbestand, of UTF-16; sla het op als UTF-8",
                )
            ]
        )
    return text


def dict_reader(text: str, name: str) -> tuple[csv.DictReader[str], bool]:
    """A reader with lower-cased, trimmed column names; and whether the file is Dutch (';').

    Iterate it through :func:`csv_rows`, which turns what the csv module cannot read into a
    :class:`SourceError`."""
    header = text.split("\n", 1)[0]
    dutch = header.count(";") > header.count(",")
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if dutch else ",")
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise csv_error(name, reader.line_num + 1, error) from None
    if len(fieldnames) > MAX_FIELDS:
        raise _too_wide(name, 1, len(fieldnames))
    reader.fieldnames = [c.strip().lower() for c in fieldnames]
    return reader, dutch


def csv_rows(reader: Iterator[_T], name: str) -> Iterator[_T]:
    """The rows of a ``csv`` reader; a :class:`SourceError` naming the line where the csv
    module gives up (a field over its size limit, a stray carriage return)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # line_num counts the lines read before this one
            raise csv_error(name, getattr(reader, "line_num", 0) + 1, error) from None
        if isinstance(row, dict):  # a DictReader's: fields past the header are under None
            width = len(row) + len(row.get(None) or ())
        else:
            width = len(row) if isinstance(row, list) else 0
        if width > MAX_FIELDS:
            raise _too_wide(name, getattr(reader, "line_num", None), width)
        yield row


def _too_wide(name: str, line: int | None, width: int) -> SourceError:
    message = f"{width} velden op één regel; meer dan {MAX_FIELDS} kan geen tabel zijn"
    return SourceError([SourceIssue(name, line, None, message)])


def csv_error(name: str, line: int, error: csv.Error) -> SourceError:
    text = str(error)
    if "field limit" in text:
        message = (
            f"een veld is langer dan {csv.field_size_limit()} tekens; is dit wel een "
            f"CSV-bestand, en is elk aanhalingsteken gesloten?"
        )
    elif "new-line character" in text:
        message = (
            "een regeleinde (CR) midden in een veld zonder aanhalingstekens; sla het "
            "bestand op met gewone regeleinden"
        )
    else:
        message = f"geen geldige CSV-regel ({text})"
    return SourceError([SourceIssue(name, line, None, message)])


class LongCsv:
    format = "csv"

    def sniff(self, data: bytes, name: str) -> bool:
        header = data[:500].decode("utf-8-sig", errors="replace").split("\n", 1)[0].lower()
        return name.lower().endswith((".csv", ".txt")) and all(c in header for c in REQUIRED)

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        reader, dutch = dict_reader(decode(data, name), name)
        columns = list(reader.fieldnames or [])
        issues = [
            SourceIssue(name, 1, c, "verplichte kolom ontbreekt")
            for c in REQUIRED
            if c not in columns
        ]
        unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
        issues += [
            SourceIssue(name, 1, c, "onbekende kolom" + suggest(c, REQUIRED + OPTIONAL))
            for c in unknown[:UNKNOWN_SHOWN]
        ]
        if len(unknown) > UNKNOWN_SHOWN:
            issues.append(
                SourceIssue(
                    name, 1, None, f"en nog {len(unknown) - UNKNOWN_SHOWN} onbekende kolommen"
                )
            )
        if issues:
            raise SourceError(issues)
        rows: list[Observation] = []
        seen: dict[tuple[str, str, str], int] = {}
        for number, record in enumerate(csv_rows(reader, name), start=2):
            row_issues = list(self._check(record, name, number, context, dutch))
            if row_issues:
                issues.extend(row_issues)
                continue
            obs = self._observation(record, dutch)
            key = (obs.indicator, obs.area, obs.period)
            if key in seen:
                issues.append(
                    SourceIssue(
                        name,
                        number,
                        "period",
                        f"dubbele rij: dezelfde indicator, gebied en periode "
                        f"staan al in rij {seen[key]}",
                    )
                )
                continue
            seen[key] = number
            rows.append(obs)
        if issues:
            raise SourceError(issues)
        if not rows:
            raise SourceError([SourceIssue(name, None, None, "het bestand bevat geen rijen")])
        return Reading(rows)

    def _check(
        self,
        record: dict[str, str | None],
        name: str,
        row: int,
        context: ImportContext,
        dutch: bool,
    ) -> Iterator[SourceIssue]:
        if None in record:  # more fields than the header has
            yield SourceIssue(name, row, None, "meer velden dan kolommen in de kopregel")
            return

        def issue(column: str, message: str) -> SourceIssue:
            return SourceIssue(name, row, column, message)

        indicator_id, area = _text(record, "indicator"), _text(record, "area")
        indicator = context.indicators.get(indicator_id)
        if indicator is None:
            yield issue(
                "indicator",
                f"onbekende indicator '{indicator_id}'" + suggest(indicator_id, context.indicators),
            )
        if area not in context.areas:
            yield issue("area", f"onbekend gebied '{area}'" + suggest(area, context.areas))
        numbers: dict[str, float | None] = {}
        for column in ("value", "numerator", "denominator"):
            raw = _text(record, column)
            try:
                numbers[column] = parse_number(raw, dutch) if raw else None
            except ValueError as error:
                numbers[column] = None
                yield issue(column, str(error))
        if indicator is not None:
            problem = period_problem(
                indicator, _text(record, "period"), explained=bool(_text(record, "note"))
            )
            if problem:
                yield issue("period", problem)
            for column, message in value_problems(
                indicator, numbers["value"], numbers["numerator"], numbers["denominator"]
            ):
                yield issue(column, message)
        if not _text(record, "value") and not _text(record, "note"):
            yield issue("value", "leeg; geef in 'note' aan waarom de waarde ontbreekt")
        status = _text(record, "status")
        if status and status not in STATUSES:
            yield issue("status", f"'{status}' is geen status; kies uit {', '.join(STATUSES)}")

    @staticmethod
    def _observation(record: dict[str, str | None], dutch: bool) -> Observation:
        def number(column: str) -> float | None:
            raw = _text(record, column)
            return parse_number(raw, dutch) if raw else None

        return Observation(
            indicator=_text(record, "indicator"),
            area=_text(record, "area"),
            period=_text(record, "period"),
            value=number("value"),
            numerator=number("numerator"),
            denominator=number("denominator"),
            status=_text(record, "status") or "definitief",
            source=_text(record, "source") or None,
            note=_text(record, "note") or None,
        )


def _text(record: dict[str, str | None], column: str) -> str:
    return (record.get(column) or "").strip()
