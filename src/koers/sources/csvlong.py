"""The long CSV format: one observation per row, in the plan's own ids.

Columns ``indicator, area, period, value`` are required; ``numerator, denominator, status,
source, note, dimension, category`` are optional, in any order: ``dimension`` and ``category``
give a breakdown of the figure (``leeftijd`` / ``0-17``, ``partner`` / ``havensteder``;
both or neither), a row without them is the total. Every row passes the plan's plausibility
rules (:mod:`koers.plan.plausibility`). The separator is ``;`` or ``,`` (read from the
header). Numbers: in a ``;`` file Dutch notation (``1.234,5``: dots group thousands, the
comma is the decimal sign); in a ``,`` file the decimal sign is a point, and a quoted
``"12,4"`` without a point is read as a Dutch decimal comma. A number is digits with at
most a sign, a decimal sign and an exponent (never ``nan``, ``inf`` or ``1_000``) and must fit
a float (``1e400`` does not). An empty value is allowed only with a note saying why it is
missing (e.g. a CBS suppression mark). A CBS sentinel (``-99995`` … ``-99999``, also
written ``-99997.0``) is a missing value too, never a negative number: the row is stored
without that number and the sentinel's meaning leads its note.

What the ``csv`` module cannot read (a field over its size limit, a carriage return inside
an unquoted field), a NUL character and a line of more than
:data:`~koers.sources.toolkit.MAX_FIELDS` fields are a :class:`SourceError` naming the line:
the file is read through :mod:`koers.sources.toolkit`, as every CSV importer is.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from koers.sources.toolkit import (
    csv_rows,
    decode,
    dict_reader,
    parse_number,
    sentinel_text,
    suggest,
)

UNKNOWN_SHOWN = 20
"""Unknown columns named one by one (with suggestions); the rest are counted."""


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
        seen: dict[tuple[str, str, str, str, str], int] = {}
        for number, record in enumerate(csv_rows(reader, name), start=2):
            row_issues = list(self._check(record, name, number, context, dutch))
            if row_issues:
                issues.extend(row_issues)
                continue
            obs = self._observation(record, dutch)
            key = obs.key
            if key in seen:
                issues.append(
                    SourceIssue(
                        name,
                        number,
                        "period",
                        f"dubbele rij: dezelfde indicator, gebied, periode en uitsplitsing "
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
        return Reading(rows, places={k: (name, n, "value") for k, n in seen.items()})

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
            try:
                numbers[column] = _number(_text(record, column), dutch)
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
            placed = context.placement_problems(indicator, area, _text(record, "period"))
            for column, message in placed:
                yield issue(column, message)
        for column, message in breakdown_problems(
            _text(record, "dimension"), _text(record, "category")
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
            return _number(_text(record, column), dutch)

        notes = (sentinel_text(_text(record, "value")), _text(record, "note"))
        return Observation(
            indicator=_text(record, "indicator"),
            area=_text(record, "area"),
            period=_text(record, "period"),
            value=number("value"),
            numerator=number("numerator"),
            denominator=number("denominator"),
            status=_text(record, "status") or "definitief",
            source=_text(record, "source") or None,
            note="; ".join(n for n in notes if n) or None,
            dimension=_text(record, "dimension") or None,
            category=_text(record, "category") or None,
        )


def _number(raw: str, dutch: bool) -> float | None:
    """The cell's number; None when it is empty or a CBS sentinel (ValueError if neither)."""
    if not raw or sentinel_text(raw):
        return None
    return parse_number(raw, dutch)


def _text(record: dict[str, str | None], column: str) -> str:
    return (record.get(column) or "").strip()
