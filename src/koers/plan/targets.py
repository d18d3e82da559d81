"""The targets an indicator can have, one model per kind (docs/targets.md): reach a
reference area, a ladder of references (``staged``), a proportional share, an absolute
level, a ceiling, a direction, or monitor only; with milestones on the way — and the
indicator that carries them.

An indicator has one target, or several where the text sets several on the same measure
(Tabel 1 toward the G4, a pillar's chapter toward the city): the first in ``target``, the
others in ``also``; each gets its own status on the one series. Every target may record
what the text attaches to it: a strict inequality (``strict``: "meer dan de helft") and a
condition (``condition``: "mits eerst de 33% wordt gehaald"), both shown in its explanation.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from koers.plan.base import (
    Aggregation,
    Bounds,
    BreakdownTotal,
    Id,
    IndicatorKind,
    Model,
    Periodicity,
    Polarity,
    Readable,
    Unit,
    Year,
)


class Milestone(Model):
    """A value the plan intends for a given year, or a share of the baseline gap closed."""

    year: Year
    value: float | None = None
    gap_closed: float | None = Field(None, ge=0, le=1)
    note: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Milestone:
        if (self.value is None) == (self.gap_closed is None):
            raise ValueError("a milestone needs exactly one of 'value' or 'gap_closed'")
        return self


class TargetBase(Model):
    area: Id | None = Field(
        None, description="Area the target is about; default: the programme's area."
    )
    milestones: list[Milestone] = Field(default_factory=list)
    tolerance: float | None = Field(
        None, ge=0, le=1, description="Overrides the plan's tolerance for this target."
    )
    statement: str | None = Field(None, description="The target as the plan words it.")
    strict: bool = Field(
        False,
        description="The text asks for strictly more (or less) than the level ('meer dan de "
        "helft'): reaching the level exactly is not yet on course.",
    )
    condition: str | None = Field(
        None,
        description="A condition the text attaches to the target ('mits eerst de 33% wordt "
        "gehaald'), in the text's words; shown in every explanation of its status.",
    )
    ref: str | None = None


class ReachReference(TargetBase):
    """Reach the (moving) value of a reference area by a target year."""

    kind: Literal["reach_reference"] = "reach_reference"
    reference_area: Id
    baseline_year: Year
    target_year: Year


class Stage(Model):
    """One rung of a ladder of references: the area to reach, and by when if the text says."""

    reference_area: Id
    year: Year | None = Field(
        None, description="The year by which this rung is to be reached, where the text says."
    )
    ref: str | None = None


class Staged(TargetBase):
    """First one reference, then the next ("eerst het stedelijk gemiddelde, daarna
    G4-niveau"). With years (every rung has one, and ``baseline_year``): each rung is a
    reach_reference from the previous rung's year (the baseline for the first) to its own.
    Without years: an ordered ladder, judged against the first rung not yet reached; a
    narrowing gap to it is on course. One rung without a year is "naar het stedelijk
    gemiddelde" without a target year."""

    kind: Literal["staged"] = "staged"
    stages: list[Stage] = Field(min_length=1)
    baseline_year: Year | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Staged:
        years = [s.year for s in self.stages]
        if any(y is not None for y in years):
            if any(y is None for y in years):
                raise ValueError("give every stage a 'year', or none (an ordered ladder)")
            if self.baseline_year is None:
                raise ValueError("stages with years need a 'baseline_year'")
            if years != sorted(years) or len(set(years)) != len(years):  # type: ignore[type-var]
                raise ValueError("the stages' years must rise from rung to rung")
        if len({s.reference_area for s in self.stages}) != len(self.stages):
            raise ValueError("each stage has its own 'reference_area'")
        return self

    @property
    def dated(self) -> bool:
        return self.stages[0].year is not None


class ProportionalShare(TargetBase):
    """The area's share of a city total converges to, or must reach, a reference share."""

    kind: Literal["proportional_share"] = "proportional_share"
    mode: Literal["converge", "at_least"] = "converge"
    share_of: Id | None = Field(
        None,
        description="When set, the indicator is a count and the share is computed as "
        "area / share_of × 100; otherwise the indicator itself is the share in percent.",
    )
    reference_share: float | None = Field(None, ge=0, le=100)
    band: tuple[float, float] | None = Field(
        None, description="Acceptable band of the share, e.g. [42, 47]."
    )
    baseline_year: Year | None = None
    target_year: Year | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProportionalShare:
        if self.band is not None and not (0 <= self.band[0] <= self.band[1] <= 100):
            raise ValueError("band must be [low, high] with 0 <= low <= high <= 100")
        if self.mode == "converge":
            # reference_share may be null: the text names the proportional share but gives
            # no number for it (status grijs, as an absolute target without a value)
            missing = [
                name for name in ("baseline_year", "target_year") if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"mode 'converge' needs {', '.join(missing)}")
        elif self.reference_share is None and self.band is None:
            raise ValueError("mode 'at_least' needs 'reference_share' or 'band'")
        return self


class Absolute(TargetBase):
    """A level per year, a path from a baseline, or a cumulative total by a year.

    ``value: null`` says the plan names the target but gives no number (status grijs).
    """

    kind: Literal["absolute"] = "absolute"
    value: float | None
    upper: float | None = Field(None, description="Upper end when the plan gives a range.")
    cumulative: bool = Field(
        False, description="Observations are yearly amounts summed from start_year."
    )
    start_year: Year | None = None
    target_year: Year | None = None
    baseline_year: Year | None = None
    baseline_value: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Absolute:
        if self.cumulative and (self.start_year is None or self.target_year is None):
            raise ValueError("a cumulative target needs 'start_year' and 'target_year'")
        if (self.baseline_year is None) != (self.baseline_value is None):
            raise ValueError("'baseline_year' and 'baseline_value' go together")
        if self.upper is not None and self.value is not None and self.upper < self.value:
            raise ValueError("'upper' must not be below 'value'")
        return self


class Ceiling(TargetBase):
    """Stay at or better than a level; without a level: do not get worse than the baseline."""

    kind: Literal["ceiling"] = "ceiling"
    level: float | None = None
    baseline_year: Year | None = Field(
        None, description="Without a level: the year whose value must not be exceeded."
    )


class Direction(TargetBase):
    """Must rise or fall (default: the better direction of the indicator's polarity)."""

    kind: Literal["direction"] = "direction"
    direction: Literal["rise", "fall"] | None = None
    baseline_year: Year | None = Field(
        None, description="Compare with this year; default: the previous observation."
    )


class MonitorOnly(TargetBase):
    kind: Literal["monitor_only"] = "monitor_only"


Target = Annotated[
    ReachReference | Staged | ProportionalShare | Absolute | Ceiling | Direction | MonitorOnly,
    Field(discriminator="kind"),
]


class Indicator(Readable):
    id: Id
    name: str
    kind: IndicatorKind
    pillar: Id | None = Field(None, description="None for programme-wide context indicators.")
    ambition: Id | None = None
    intervention: Id | None = Field(None, description="For output indicators.")
    unit: Unit
    polarity: Polarity
    definition: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    aggregation: Aggregation = Aggregation.NONE
    weight: Id | None = Field(
        None, description="Indicator whose values weigh a weighted_mean (e.g. population)."
    )
    source: str | None = None
    periodicity: Periodicity = Periodicity.CALENDAR_YEAR
    decimals: int = Field(1, ge=0, le=4)
    breakdown_total: BreakdownTotal | None = Field(
        None,
        description="How the total is formed from a breakdown (by partner, age group, ...) "
        "where no total is stored: 'sum' or 'none'; default 'sum' when the indicator's "
        "aggregation is 'sum', else 'none'.",
    )
    areas: list[Id] = Field(
        default_factory=list,
        description="The areas the indicator is reported for, each with the areas inside it; "
        "default: the programme's area and the areas inside it for an output indicator, "
        "every area for the others.",
    )
    bounds: Bounds | None = Field(
        None, description="The plausible range of a value, checked on every import and report."
    )
    target: Target | None = None
    also: list[Target] = Field(
        default_factory=list,
        description="Further targets the text sets on the same measure (another reference, "
        "another chapter), each with its own 'ref'; each gets its own status beside the first.",
    )
    note: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _weight_for_mean(self) -> Indicator:
        if self.aggregation is Aggregation.WEIGHTED_MEAN and self.weight is None:
            raise ValueError("aggregation 'weighted_mean' needs a 'weight' indicator")
        if self.also and self.target is None:
            raise ValueError("'also' adds targets to 'target'; give the first as 'target'")
        return self

    @property
    def targets(self) -> list[Target]:
        """Every target of the indicator, the first (``target``) first."""
        return [self.target, *self.also] if self.target is not None else []

    @property
    def total_from_breakdown(self) -> BreakdownTotal:
        """``breakdown_total``, or what the indicator's aggregation implies: counts that add
        up over areas add up over partners and age groups too."""
        if self.breakdown_total is not None:
            return self.breakdown_total
        if self.aggregation is Aggregation.SUM:
            return BreakdownTotal.SUM
        return BreakdownTotal.NONE
