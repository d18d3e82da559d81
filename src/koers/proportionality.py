"""Proportionality of help: Zuid's share of each service against the proportional share.

DESIGN
The NPRZ plan (3.3.1, Tabel 4) wants the help that the city grants to land in Zuid at least
in proportion to Zuid's share of the problem: "minimaal een proportioneel aandeel van de
problematiek in de stad (meestal tussen de 42% en 47%)". The plan encodes each service as
an indicator with a ``proportional_share`` target; other chapters use the same target for a
share of a problem that must come down to the proportional share (the bijstand share, 40%
to 32% in 2031). This module lists every indicator with such a target, in both modes, per
year that has a figure, and adds per year how many of them reach the proportional share.

- Status and explanation are the engine's own: :func:`koers.assess.evaluate` is called once
  per year (``year=Y``) and its assessment is taken as it is; no rule is repeated here.
- The norm is read from the plan and says which kind it is: a *band* (the lower bound is
  the proportional share, above the upper bound is "boven de bandbreedte"), a *minimum*
  (a single reference share) or a *converge* path to a reference share by a target year
  (then the engine's expected value for the year is shown beside it). The plan's own words
  (``target.statement``) travel along, so a reader sees that the Tabel 4 band is the share
  of the *problem*, not of the population.
- "Proportioneel" (``reached``) is whether the share is on the right side of the
  proportional share itself (for help: at least the band's lower bound; for a problem share
  with polarity lower_is_better: at most the reference share); the status may differ for
  converge targets, which are judged against their trajectory.
- The change is against the latest earlier year with a figure, in procentpunt, with that
  year named (Tabel 4 has 2021 and 2022, but a service may skip a year).
- The plan does not link a service to a population share. Tabel 4 does print two (the
  youth and adults shares of Zuid, context indicators C3.9 and C3.10); every percent
  context indicator that the plan takes from the same table as a listed service (the table
  named in its ``ref``) is shown per year "ter vergelijking", never as the norm.

Pure: no I/O, no framework.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from koers import nl
from koers.areas.values import Observation
from koers.assess import STATUS_LABELS, Assessment, ObservationIndex, Status, evaluate
from koers.assess.engine import sign
from koers.plan.model import Indicator, IndicatorKind, Plan, ProportionalShare, Unit
from koers.plan.period import period_year

NormKind = Literal["band", "minimum", "converge"]

NORM_KINDS: dict[str, str] = {"band": "bandbreedte", "minimum": "minimum", "converge": "traject"}
_TABLE = re.compile(r"\b(Tabel|Figuur)\s+(\d+[a-z]?)\b")


@dataclass(frozen=True)
class Norm:
    """What the plan compares a share with, and which kind of comparison it is."""

    kind: NormKind
    proportional: float  # the proportional share itself: the band's lower bound or reference
    band: tuple[float, float] | None
    reference_share: float | None
    target_year: int | None
    expected: float | None  # the engine's expected share for the year (converge: the path)
    label: str  # short: "42-47%", "minimaal 50%", "naar 32,0% in 2031"
    basis: str  # says which: "Bandbreedte uit het plan: 42-47%; ..."
    statement: str | None  # the plan's own words

    @property
    def kind_label(self) -> str:
        return NORM_KINDS[self.kind]

    @property
    def text(self) -> str:
        """``42-47% (bandbreedte)``: the norm and its kind, for a table cell."""
        return f"{self.label} ({self.kind_label})"

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "proportional": self.proportional,
            "band": list(self.band) if self.band else None,
            "reference_share": self.reference_share,
            "target_year": self.target_year,
            "expected": self.expected,
            "label": self.label,
            "kind_label": self.kind_label,
            "basis": self.basis,
            "statement": self.statement,
        }


@dataclass(frozen=True)
class ServiceShare:
    """Zuid's share of one service (or problem) in one year, against its norm."""

    indicator: str
    name: str
    pillar: str | None
    intervention: str | None
    mode: Literal["converge", "at_least"]
    year: int
    period: str | None
    area: str
    area_name: str
    share: float | None  # percent
    decimals: int
    norm: Norm
    status: Status
    explanation: str
    reached: bool | None  # on the proportional side of the norm (None: no share)
    previous_year: int | None
    previous_share: float | None
    change: float | None  # procentpunt since previous_year
    tables: tuple[str, ...] = ()  # tables of the plan the indicator comes from

    @property
    def is_help(self) -> bool:
        """A service that must reach at least the proportional share (mode at_least)."""
        return self.mode == "at_least"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def share_text(self) -> str:
        return "—" if self.share is None else nl.value(self.share, Unit.PERCENT, self.decimals)

    @property
    def reached_text(self) -> str:
        return "—" if self.reached is None else ("ja" if self.reached else "nee")

    @property
    def change_text(self) -> str:
        """``+3 procentpunt sinds 2021``, ``gelijk aan 2021``, or ``—`` (no earlier figure)."""
        if self.change is None or self.previous_year is None:
            return "—"
        if round(self.change, self.decimals) == 0:
            return f"gelijk aan {self.previous_year}"
        plus = "+" if self.change > 0 else ""
        return (
            f"{plus}{nl.difference(self.change, Unit.PERCENT, self.decimals)} "
            f"sinds {self.previous_year}"
        )

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict (one service of ``koers proportionality --format json``)."""
        return {
            "indicator": self.indicator,
            "name": self.name,
            "pillar": self.pillar,
            "intervention": self.intervention,
            "mode": self.mode,
            "year": self.year,
            "period": self.period,
            "area": self.area,
            "area_name": self.area_name,
            "share": self.share,
            "norm": self.norm.record(),
            "status": self.status.value,
            "status_label": self.status_label,
            "explanation": self.explanation,
            "proportional": self.reached,
            "previous_year": self.previous_year,
            "previous_share": self.previous_share,
            "change_pp": self.change,
            "change": self.change_text,
            "tables": list(self.tables),
        }


@dataclass(frozen=True)
class ComparisonShare:
    """A share from the same table of the plan, shown beside the services (not a norm)."""

    indicator: str
    name: str
    year: int  # the year the figure counts for: the summary's year or, lacking it, earlier
    period: str | None
    value: float
    decimals: int
    tables: tuple[str, ...]
    latest: bool = True  # False: the summary's year has no figure, this is the latest before

    @property
    def value_text(self) -> str:
        text = nl.value(self.value, Unit.PERCENT, self.decimals)
        return text if self.latest else f"{text} ({self.year})"

    def record(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "name": self.name,
            "year": self.year,
            "period": self.period,
            "value": self.value,
            "tables": list(self.tables),
        }


@dataclass(frozen=True)
class YearSummary:
    """One year: every service with its share and status, and how many are proportional."""

    year: int
    services: tuple[ServiceShare, ...]
    comparisons: tuple[ComparisonShare, ...] = ()

    @property
    def help_total(self) -> int:
        """Services (mode at_least) with a share this year."""
        return sum(1 for s in self.services if s.is_help and s.share is not None)

    @property
    def help_reached(self) -> int:
        """Services that reach at least the proportional share."""
        return sum(1 for s in self.services if s.is_help and s.reached)

    @property
    def problem_total(self) -> int:
        """Problem shares (mode converge) with a share this year."""
        return sum(1 for s in self.services if not s.is_help and s.share is not None)

    @property
    def problem_reached(self) -> int:
        """Problem shares already at (or on the good side of) the proportional share."""
        return sum(1 for s in self.services if not s.is_help and s.reached)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(s.status for s in self.services)
        return {status.value: counted.get(status, 0) for status in Status}

    @property
    def sentence(self) -> str:
        """``2022: 1 van 6 diensten minimaal proportioneel; ...``"""
        parts = []
        if self.help_total:
            noun = "dienst" if self.help_total == 1 else "diensten"
            parts.append(f"{self.help_reached} van {self.help_total} {noun} minimaal proportioneel")
        if self.problem_total:
            noun = "aandeel" if self.problem_total == 1 else "aandelen"
            parts.append(
                f"{self.problem_reached} van {self.problem_total} {noun} in de problematiek "
                f"terug op het proportionele aandeel"
            )
        if not parts:
            return f"{self.year}: geen aandeel bekend."
        return f"{self.year}: {'; '.join(parts)}."

    def record(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "help_reached": self.help_reached,
            "help_total": self.help_total,
            "problem_reached": self.problem_reached,
            "problem_total": self.problem_total,
            "counts": self.counts,
            "summary": self.sentence,
            "comparisons": [c.record() for c in self.comparisons],
            "services": [s.record() for s in self.services],
        }


def proportionality(
    plan: Plan, observations: Iterable[Observation], *, years: Sequence[int] | None = None
) -> list[ServiceShare]:
    """Every indicator with a ``proportional_share`` target, per year that has a figure
    (only ``years`` when given), in year order and plan order within a year."""
    observations = list(observations)
    # a share the text names without a number (reference_share null) has no norm to show
    targeted = [
        ind
        for ind in plan.indicators
        if isinstance(ind.target, ProportionalShare)
        and (ind.target.mode == "at_least" or ind.target.reference_share is not None)
    ]
    index = ObservationIndex(observations)
    figure_years = {ind.id: set(index.periods_by_year(ind.id)) for ind in targeted}
    every_year = sorted({year for found in figure_years.values() for year in found})
    wanted = set(every_year if years is None else years)
    # every year with a figure up to the last one asked is assessed: the change since the
    # previous year needs the earlier ones
    by_year = {
        year: {a.indicator: a for a in evaluate(plan, observations, year=year)}
        for year in every_year
        if wanted and year <= max(wanted)
    }
    rows: list[ServiceShare] = []
    for year in sorted(wanted.intersection(every_year)):
        for ind in targeted:
            if year in figure_years[ind.id]:
                previous = _previous(ind.id, year, by_year)
                rows.append(_row(ind, year, by_year[year][ind.id], previous))
    return rows


def proportionality_summary(
    plan: Plan, observations: Iterable[Observation], *, years: Sequence[int] | None = None
) -> list[YearSummary]:
    """:func:`proportionality` grouped per year, with the comparison shares of the plan's
    tables: the data of the report section and of ``koers proportionality``."""
    observations = list(observations)
    rows = proportionality(plan, observations, years=years)
    tables = {table for row in rows for table in row.tables}
    context = [
        ind
        for ind in plan.indicators
        if ind.kind is IndicatorKind.CONTEXT
        and ind.unit is Unit.PERCENT
        and tables.intersection(_tables(ind))
    ]
    summaries = []
    for year in sorted({row.year for row in rows}):
        services = tuple(row for row in rows if row.year == year)
        shown = {t for row in services for t in row.tables}
        # the context figure of the year, or else its latest earlier one (engine: as_of)
        current = (
            {a.indicator: a for a in evaluate(plan, observations, as_of=year)} if context else {}
        )
        comparisons = tuple(
            ComparisonShare(
                ind.id,
                ind.name,
                period_year(a.period),
                a.period,
                a.value,
                ind.decimals,
                tuple(t for t in _tables(ind) if t in shown),
                latest=period_year(a.period) == year,
            )
            for ind in context
            if shown.intersection(_tables(ind))
            and (a := current[ind.id]).value is not None
            and a.period is not None
        )
        summaries.append(YearSummary(year, services, comparisons))
    return summaries


def _previous(
    indicator: str, year: int, by_year: Mapping[int, Mapping[str, Assessment]]
) -> tuple[int, float] | None:
    """The latest earlier year with a value, and that value."""
    for earlier in sorted((y for y in by_year if y < year), reverse=True):
        value = by_year[earlier][indicator].value
        if value is not None:
            return earlier, value
    return None


def _row(
    indicator: Indicator,
    year: int,
    assessment: Assessment,
    previous: tuple[int, float] | None,
) -> ServiceShare:
    target = indicator.target
    assert isinstance(target, ProportionalShare)
    # as the engine shows it: a share computed from counts gets one decimal
    decimals = 1 if target.share_of else indicator.decimals
    share = assessment.value
    norm = _norm(target, year, assessment.expected, decimals)
    reached: bool | None = None
    if share is not None:
        if target.mode == "at_least":
            reached = share >= norm.proportional - 1e-9
        else:
            reached = sign(indicator) * (share - norm.proportional) >= -1e-9
    change = round(share - previous[1], 6) if share is not None and previous is not None else None
    return ServiceShare(
        indicator=indicator.id,
        name=indicator.name,
        pillar=indicator.pillar,
        intervention=indicator.intervention,
        mode=target.mode,
        year=year,
        period=assessment.period,
        area=assessment.area,
        area_name=assessment.area_name,
        share=share,
        decimals=decimals,
        norm=norm,
        status=assessment.status,
        explanation=assessment.explanation,
        reached=reached,
        previous_year=previous[0] if previous and share is not None else None,
        previous_share=previous[1] if previous and share is not None else None,
        change=change,
        tables=_tables(indicator),
    )


def _norm(target: ProportionalShare, year: int, expected: float | None, decimals: int) -> Norm:
    def pct(amount: float) -> str:
        return nl.value(amount, Unit.PERCENT, decimals)

    if target.mode == "converge":
        assert target.reference_share is not None
        label = f"naar {pct(target.reference_share)} in {target.target_year}"
        if expected is not None and round(expected - target.reference_share, decimals) != 0:
            label += f", beoogd {pct(expected)} in {year}"
        return Norm(
            kind="converge",
            proportional=target.reference_share,
            band=None,
            reference_share=target.reference_share,
            target_year=target.target_year,
            expected=expected,
            label=label,
            basis=(
                f"Proportioneel aandeel uit het plan: {pct(target.reference_share)}, "
                f"te bereiken in {target.target_year} langs een traject"
            ),
            statement=target.statement,
        )
    if target.band is not None:
        low, high = target.band
        label = f"{nl.number(low, decimals)}-{pct(high)}"
        return Norm(
            kind="band",
            proportional=low,
            band=(low, high),
            reference_share=target.reference_share,
            target_year=target.target_year,
            expected=expected,
            label=label,
            basis=(
                f"Bandbreedte uit het plan: {label}; de ondergrens {pct(low)} is het "
                f"proportionele aandeel, boven {pct(high)} is boven de bandbreedte"
            ),
            statement=target.statement,
        )
    assert target.reference_share is not None
    return Norm(
        kind="minimum",
        proportional=target.reference_share,
        band=None,
        reference_share=target.reference_share,
        target_year=target.target_year,
        expected=expected,
        label=f"minimaal {pct(target.reference_share)}",
        basis=f"Referentieaandeel uit het plan: minimaal {pct(target.reference_share)}",
        statement=target.statement,
    )


def _tables(indicator: Indicator) -> tuple[str, ...]:
    """The plan's tables an indicator is taken from, as its ``ref`` names them."""
    found = (f"{kind} {number}" for kind, number in _TABLE.findall(indicator.ref or ""))
    return tuple(dict.fromkeys(found))
