"""The long CSV format: one observation per row.

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
from collections.abc import Iterator

from koers.areas.values import Observation
from koers.plan.model import Plan, Unit
from koers.plan.period import period_year
from koers.sources.errors import SourceError, SourceIssue

REQUIRED = ("indicator", "area", "period", "value")
OPTIONAL = ("numerator", "denominator", "status", "source", "note")
STATUSES = ("definitief", "voorlopig", "geschat")


def parse_number(text: str, dutch: bool) -> float:
    """A number in Dutch or English notation; ValueError when it is none."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if dutch or ("," in raw and "." not in raw):
        raw = raw.replace(".", "").replace(",", ".")
    return float(raw)


class LongCsv:
    format = "csv-long"

    def read(self, data: bytes, name: str, plan: Plan) -> list[Observation]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SourceError(
                [SourceIssue(name, None, None, f"geen UTF-8 tekst (byte {error.start})")]
            ) from None
        header = text.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        reader.fieldnames = columns
        missing = [c for c in REQUIRED if c not in columns]
        unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
        issues = [SourceIssue(name, 1, c, "verplichte kolom ontbreekt") for c in missing]
        issues += [SourceIssue(name, 1, c, "onbekende kolom") for c in unknown]
        if issues:
            raise SourceError(issues)
        rows: list[Observation] = []
        seen: dict[tuple[str, str, str], int] = {}
        for number, record in enumerate(reader, start=2):
            row_issues = list(self._check(record, name, number, plan, delimiter == ";"))
            if row_issues:
                issues.extend(row_issues)
                continue
            obs = self._observation(record, delimiter == ";")
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
        return rows

    def _check(
        self, record: dict[str, str | None], name: str, row: int, plan: Plan, dutch: bool
    ) -> Iterator[SourceIssue]:
        if None in record:  # more fields than the header has
            yield SourceIssue(name, row, None, "meer velden dan kolommen in de kopregel")
            return

        def issue(column: str, message: str) -> SourceIssue:
            return SourceIssue(name, row, column, message)

        indicators = {i.id: i for i in plan.indicators}
        areas = {a.id for a in plan.areas}
        indicator = indicators.get(_text(record, "indicator"))
        if indicator is None:
            yield issue("indicator", f"onbekende indicator '{_text(record, 'indicator')}'")
        if _text(record, "area") not in areas:
            yield issue("area", f"onbekend gebied '{_text(record, 'area')}'")
        try:
            period_year(_text(record, "period"))
        except ValueError as error:
            yield issue("period", str(error))
        for column in ("value", "numerator", "denominator"):
            raw = _text(record, column)
            if not raw:
                continue
            try:
                value = parse_number(raw, dutch)
            except ValueError:
                yield issue(column, f"'{raw}' is geen getal")
                continue
            if (
                column == "value"
                and indicator is not None
                and indicator.unit is Unit.PERCENT
                and not 0 <= value <= 100
            ):
                yield issue(column, f"{raw} is geen percentage (moet tussen 0 en 100 liggen)")
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
