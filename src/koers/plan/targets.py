"""The targets an indicator can have, one model per kind (docs/targets.md): reach a
reference area, a proportional share, an absolute level, a ceiling, a direction, or monitor
only; with milestones on the way."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from koers.plan.base import Id, Model, Year


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
    ref: str | None = None


class ReachReference(TargetBase):
    """Reach the (moving) value of a reference area by a target year."""

    kind: Literal["reach_reference"] = "reach_reference"
    reference_area: Id
    baseline_year: Year
    target_year: Year


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
            missing = [
                name
                for name in ("reference_share", "baseline_year", "target_year")
                if getattr(self, name) is None
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
    ReachReference | ProportionalShare | Absolute | Ceiling | Direction | MonitorOnly,
    Field(discriminator="kind"),
]
