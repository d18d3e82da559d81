"""The seams importers plug into, and the plan checks they all share.

A :class:`Source` reads the bytes of one file into a :class:`Reading`: observations for plan
areas and indicators, plus what it had to leave out (codes no area or crosswalk knows,
columns no mapping names). A :class:`BoundaryReader` reads a file of boundaries into a
:class:`BoundaryReading`: one geometry per plan area for one boundary year, never
observations. Neither writes; :func:`koers.sources.import_file` stores the reading as one
batch. Problems that make a file unusable are :class:`SourceIssue` s raised together as a
:class:`SourceError`, so the user sees every one of them at once. :class:`ImportContext` is
the plan as importers need it; :func:`period_problem`, :func:`value_problems` and
:func:`apportion` are the checks and the crosswalk split every figure format applies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from koers import nl
from koers.areas.values import Observation
from koers.errors import KoersError
from koers.plan.model import Indicator, Plan, SourceMapping, Unit
from koers.plan.period import period_year
from koers.plan.plausibility import area_problem, indicator_areas, window_problem

# the plan's plausibility rules every importer applies, re-exported for the importers
from koers.plan.plausibility import period_problem as period_problem
from koers.plan.plausibility import value_problems as value_problems

REQUIRED = ("indicator", "area", "period", "value")
"""The columns of the long layout (a long CSV, a workbook sheet) every file must have."""
OPTIONAL = ("numerator", "denominator", "status", "source", "note", "dimension", "category")
"""The columns of the long layout a file may have."""
STATUSES = ("definitief", "voorlopig", "geschat")
"""A figure's status; a row without one is ``definitief``."""


@dataclass
class Reading:
    """What a source made of a file."""

    observations: list[Observation] = field(default_factory=list)
    unmapped_areas: Counter[str] = field(default_factory=Counter)
    unmapped_columns: list[str] = field(default_factory=list)
    mapping: str | None = None
    assumed_periods: set[str] = field(default_factory=set)
    """Periods the file does not state itself but took from the mapping: revising figures
    of those is refused without ``--revise`` (the file may be of another year)."""

    def report(self) -> list[str]:
        """Dutch lines on what was left out, for the import summary."""
        lines = []
        if self.unmapped_areas:
            codes = ", ".join(sorted(self.unmapped_areas)[:12])
            more = len(self.unmapped_areas) - 12
            lines.append(
                f"{len(self.unmapped_areas)} gebiedscodes niet in het plan of een "
                f"crosswalk, overgeslagen: {codes}" + (f" en {more} meer" if more > 0 else "")
            )
        if self.unmapped_columns:
            lines.append(
                f"{len(self.unmapped_columns)} kolommen zonder koppeling aan een "
                f"indicator, overgeslagen"
            )
        return lines


class Source(Protocol):
    """One file format. ``read`` parses and checks; it never touches the store."""

    format: str

    def sniff(self, data: bytes, name: str) -> bool:
        """Whether this looks like a file of this format (for ``--format auto``)."""
        ...

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading: ...


Geometry = dict[str, Any]
"""A GeoJSON geometry (Polygon or MultiPolygon) in WGS84."""


@dataclass
class BoundaryReading:
    """What a :class:`BoundaryReader` made of a file: one geometry per plan area.

    ``problems``, ``missing`` and ``warnings`` concern the plan's areas only, each worth a
    line of its own. A national file holds thousands of areas outside the plan: they are
    counted in ``unmapped_areas``, and what is wrong with their geometry only in
    ``outside_issues`` (a Dutch phrase → how many objects), for one summary line.
    """

    name: str
    format: str  # "geojson" or "topojson"
    year: int
    year_from: str  # Dutch: where the year came from
    features: int  # features in the file
    boundaries: dict[str, Geometry] = field(default_factory=dict)
    matched_by: dict[str, str] = field(default_factory=dict)  # area -> code(s) or name(s)
    unmapped_areas: Counter[str] = field(default_factory=Counter)
    problems: list[SourceIssue] = field(default_factory=list)  # features left out
    missing: list[SourceIssue] = field(default_factory=list)  # plan areas not in the file
    warnings: list[SourceIssue] = field(default_factory=list)  # stored, but check them
    outside_issues: Counter[str] = field(default_factory=Counter)

    def report(self) -> list[str]:
        """Dutch lines for the import summary: what was read, then every problem with an
        area of the plan on its own line, then one line for everything outside the plan."""
        lines = [
            f"{nl.count(len(self.boundaries), 'grens', 'grenzen')} voor grensjaar {self.year} "
            f"({self.year_from}) uit {nl.count(self.features, 'object', 'objecten')}"
        ]
        if self.problems:
            lines.append(f"{nl.count(len(self.problems), 'object', 'objecten')} overgeslagen:")
            lines += [f"  {issue}" for issue in self.problems]
        if self.missing:
            lines.append(
                f"{nl.count(len(self.missing), 'gebied', 'gebieden')} van het plan niet in het "
                f"bestand:"
            )
            lines += [f"  {issue}" for issue in self.missing]
        if self.warnings:
            lines.append(f"{nl.count(len(self.warnings), 'waarschuwing', 'waarschuwingen')}:")
            lines += [f"  {issue}" for issue in self.warnings]
        if self.unmapped_areas:
            keys = sorted(self.unmapped_areas)
            more = len(keys) - 12
            issues = ", ".join(
                f"{nl.count(n, 'object', 'objecten')} {what}"
                for what, n in self.outside_issues.items()
            )
            lines.append(
                f"{nl.count(len(keys), 'code of naam', 'codes of namen')} niet in het plan, "
                "overgeslagen"
                + (f" (daarbij {issues})" if issues else "")
                + ": "
                + ", ".join(keys[:12])
                + (f" en {nl.number(more)} meer" if more > 0 else "")
            )
        return lines


class BoundaryReader(Protocol):
    """A format of boundary files. ``read_boundaries`` parses and checks; it never touches
    the store. Boundaries are not figures: a reader has no ``read``."""

    format: str

    def sniff(self, data: bytes, name: str) -> bool:
        """Whether this looks like a file of this format (for ``--format auto``)."""
        ...

    def read_boundaries(
        self, data: bytes, name: str, context: ImportContext, year: int | None
    ) -> BoundaryReading:
        """The file's boundaries for boundary ``year`` (None: the year the file gives)."""
        ...


@dataclass(frozen=True)
class SourceIssue:
    file: str
    row: int | None  # 1-based line or sheet row, the header being row 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rij {self.row}"
        if self.column is not None:
            where += f", kolom '{self.column}'"
        return f"{where}: {self.message}"


class SourceError(KoersError, ValueError):
    """A file that cannot be imported; nothing of it was stored."""

    def __init__(self, issues: Iterable[SourceIssue], limit: int = 50) -> None:
        self.issues = list(issues)
        shown = [str(issue) for issue in self.issues[:limit]]
        if len(self.issues) > limit:
            shown.append(f"... en nog {len(self.issues) - limit} problemen")
        super().__init__("niets geïmporteerd:\n" + "\n".join(shown))


class ImportContext:
    """The plan as importers need it: indicators, area codes, mappings, shared checks."""

    def __init__(
        self,
        plan: Plan,
        mapping: str | None = None,
        year: int | None = None,
        *,
        today: date | None = None,
    ) -> None:
        self.plan = plan
        self.year = year
        """The year the user gave for a file that states none (``koers import --year``)."""
        self.today = today or date.today()
        self._areas_of: dict[str, set[str]] = {}
        self.indicators = {i.id: i for i in plan.indicators}
        self.areas = {a.id for a in plan.areas}
        self._cbs = {a.cbs_code: a.id for a in plan.areas if a.cbs_code}
        self._crosswalks = {c.id: c for c in plan.crosswalks}
        self.mapping_id = mapping

    def placement_problems(
        self, indicator: Indicator, area: str, period: str
    ) -> list[tuple[str, str]]:
        """What the plan's plausibility rules say about a figure of ``indicator`` for
        ``area`` and ``period`` beyond its form: the area is one where the indicator exists,
        the period lies in the plan's window and not after ``today``."""
        problems: list[tuple[str, str]] = []
        if indicator.id not in self._areas_of:
            self._areas_of[indicator.id] = set(indicator_areas(self.plan, indicator))
        if area in self.areas and area not in self._areas_of[indicator.id]:
            found = area_problem(self.plan, indicator, area, None)
            if found is not None:
                problems.append(("area", found))
        if (found := window_problem(self.plan, indicator, period, self.today)) is not None:
            problems.append(("period", found))
        return problems

    def mappings(self, format: str) -> list[SourceMapping]:
        found = [
            m
            for m in self.plan.mappings
            if m.format == format and (self.mapping_id is None or m.id == self.mapping_id)
        ]
        return found

    def choose_mapping(
        self, format: str, columns: Iterable[str], name: str, stated: Iterable[str] = ()
    ) -> SourceMapping:
        """The mapping of this format that names most of the file's columns.

        Several mappings naming as many columns are a tie the file must break itself: the
        one whose ``period`` agrees with a period the file ``stated`` (its period column, its
        sheet or file name) is taken. Otherwise the file is refused with the names of the
        tied mappings, since taking the first would file every figure under its period and
        silently revise the figures of another year.
        """
        present = set(columns)
        scored = [(sum(c.column in present for c in m.columns), m) for m in self.mappings(format)]
        best = max((score for score, _ in scored), default=0)
        if best == 0:
            known = ", ".join(m.id for m in self.plan.mappings) or "geen"
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        None,
                        None,
                        f"geen koppeling ('mappings' in het plan) van formaat '{format}' noemt een "
                        f"kolom van dit bestand; koppelingen in het plan: {known}",
                    )
                ]
            )
        tied = [m for score, m in scored if score == best]
        if len(tied) == 1:
            return tied[0]
        years = set()
        for period in stated:
            try:
                years.add(period_year(period))
            except ValueError:
                continue  # not a period; the reader reports it against its cell
        agreeing = [m for m in tied if m.period is not None and period_year(m.period) in years]
        if len(agreeing) == 1:
            return agreeing[0]
        names = ", ".join(m.id for m in (agreeing or tied))
        said = (
            f"het bestand noemt {', '.join(str(y) for y in sorted(years))}"
            if years
            else "het bestand noemt zelf geen periode"
        )
        raise SourceError(
            [
                SourceIssue(
                    name,
                    None,
                    None,
                    f"past bij {len(agreeing or tied)} koppelingen ({names}) en {said}, dus "
                    f"niet precies één koppeling waarvan de periode daarmee klopt; kies er "
                    f"één met --mapping",
                )
            ]
        )

    def resolve(self, code: str, crosswalk: str | None) -> list[tuple[str, float]]:
        """Plan areas (with weights) for a publisher's area code; empty when unknown.

        A crosswalk named by the mapping comes first: it says the file's codes are of another
        boundary year or division, so even a code that is also a plan area's code (a buurt
        whose boundary moved) is translated. Then plan ids, then CBS codes.
        """
        code = code.strip()
        if crosswalk is not None:
            entries = [
                (e.area, e.weight) for e in self._crosswalks[crosswalk].entries if e.code == code
            ]
            if entries:
                return entries
        if code in self.areas:
            return [(code, 1.0)]
        if code in self._cbs:
            return [(self._cbs[code], 1.0)]
        return []


BREAKDOWN_NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,79}$")
"""A breakdown's dimension and category: lower-case letters, digits, '.', '_' and '-'."""


def breakdown_problems(dimension: str, category: str) -> list[tuple[str, str]]:
    """(column, message) for a breakdown that is half given or not a plain name."""
    if bool(dimension) != bool(category):
        column = "category" if dimension else "dimension"
        return [(column, "een uitsplitsing heeft een dimensie én een categorie, of geen van beide")]
    return [
        (column, f"'{text}' is geen naam: gebruik kleine letters, cijfers, '.', '_' en '-'")
        for column, text in (("dimension", dimension), ("category", category))
        if text and not BREAKDOWN_NAME.match(text)
    ]


def apportion(
    indicator: Indicator,
    weight: float,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
) -> tuple[float | None, float | None, float | None]:
    """The share of a figure that a crosswalk gives one area (``weight``).

    Counts, numerators and denominators divide: they take the weight's share. Other values
    (a rate, an index, an average) do not: they are copied as they are.
    """

    def share(number: float | None) -> float | None:
        if number is None or weight == 1:
            return number
        return round(number * weight, 10)

    return (
        share(value) if indicator.unit is Unit.COUNT else value,
        share(numerator),
        share(denominator),
    )


def apportion_note(indicator: Indicator, weight: float, code: str) -> str:
    """What :func:`apportion` did, for the figure's note."""
    if indicator.unit is Unit.COUNT:
        return f"{weight * 100:.4g}% van gebiedscode '{code}' (crosswalk)"
    return (
        f"overgenomen van gebiedscode '{code}', waarvan {weight * 100:.4g}% in dit gebied "
        f"ligt (crosswalk); een {indicator.unit.value} is niet te verdelen"
    )
