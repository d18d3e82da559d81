"""The long CSV format: one observation per row, in the plan's own ids.

Columns ``indicator, area, period, value`` are required; ``numerator, denominator, status,
source, note`` are optional, in any order. The separator is ``;`` or ``,`` (read from the
header). Numbers: in a ``;`` file Dutch notation (``1.234,5``: dots group thousands, the
comma is the decimal sign); in a ``,`` file the decimal sign is a point, and a quoted
``"12,4"`` without a point is read as a Dutch decimal comma. An empty value is allowed only
with a note saying why it is missing (e.g. a CBS suppression mark).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

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


def parse_number(text: str, dutch: bool) -> float:
    """A number in Dutch or English notation; ValueError (with the reason) when it is none.

    In Dutch notation a dot only groups thousands, so ``12.4`` is refused rather than read
    as 124.
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if dutch and "." in raw and not DUTCH_NUMBER.fullmatch(raw):
        raise ValueError(
            f"'{text}' is geen getal in Nederlandse schrijfwijze (een punt scheidt "
            f"duizendtallen, de komma is het decimaalteken: 1.234,5)"
        )
    if dutch or ("," in raw and "." not in raw):
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"'{text}' is geen getal") from None


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            [SourceIssue(name, None, None, f"geen UTF-8 tekst (byte {error.start})")]
        ) from None


def dict_reader(text: str) -> tuple[csv.DictReader[str], bool]:
    """A reader with lower-cased, trimmed column names; and whether the file is Dutch (';')."""
    header = text.split("\n", 1)[0]
    dutch = header.count(";") > header.count(",")
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if dutch else ",")
    reader.fieldnames = [c.strip().lower() for c in reader.fieldnames or []]
    return reader, dutch


class LongCsv:
    format = "csv"

    def sniff(self, data: bytes, name: str) -> bool:
        header = data[:500].decode("utf-8-sig", errors="replace").split("\n", 1)[0].lower()
        return name.lower().endswith((".csv", ".txt")) and all(c in header for c in REQUIRED)

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        reader, dutch = dict_reader(decode(data, name))
        columns = list(reader.fieldnames or [])
        issues = [
            SourceIssue(name, 1, c, "verplichte kolom ontbreekt")
            for c in REQUIRED
            if c not in columns
        ]
        issues += [
            SourceIssue(name, 1, c, "onbekende kolom" + suggest(c, REQUIRED + OPTIONAL))
            for c in columns
            if c not in REQUIRED + OPTIONAL
        ]
        if issues:
            raise SourceError(issues)
        rows: list[Observation] = []
        seen: dict[tuple[str, str, str], int] = {}
        for number, record in enumerate(reader, start=2):
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
