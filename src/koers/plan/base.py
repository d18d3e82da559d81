"""The building blocks of every plan model: ids, years, the strict base model, the kinds and
units an indicator can have, and the plan's settings for status rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Stable identifier: letters, digits, '.', '_' and '-'.",
    ),
]
Year = Annotated[int, Field(ge=1900, le=2100)]


class Model(BaseModel):
    # allow_inf_nan: a quoted or YAML-1.1 string such as "1e400" would otherwise become inf
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_enum_values=False, allow_inf_nan=False
    )


class IndicatorKind(StrEnum):
    EFFECT = "effect"  # outcome at population level: what the programme yields
    OUTPUT = "output"  # what was done (interventie-indicator)
    CONTEXT = "context"  # monitored, never steered on


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"


class Unit(StrEnum):
    PERCENT = "percent"  # 0-100
    COUNT = "count"
    PER_1000 = "per_1000"
    EURO = "euro"
    INDEX = "index"
    SCORE = "score"
    YEARS = "years"
    RATIO = "ratio"


class Aggregation(StrEnum):
    """How a group's value is derived from its members' values."""

    SUM = "sum"  # counts add up
    RATIO = "ratio"  # recompute from summed numerators and denominators
    WEIGHTED_MEAN = "weighted_mean"  # weighted by another indicator (e.g. population)
    NONE = "none"  # cannot be derived: must be imported for the group itself


class BreakdownTotal(StrEnum):
    """How an indicator's total is formed from a breakdown of it (by partner, age group,
    schoolweging band, ...) when no total is stored."""

    SUM = "sum"  # the categories of a dimension add up to the total
    NONE = "none"  # they do not (rates, averages): only a stored total counts


class Periodicity(StrEnum):
    CALENDAR_YEAR = "calendar_year"
    SCHOOL_YEAR = "school_year"
    REFERENCE_DATE = "reference_date"
    IRREGULAR = "irregular"


class AreaKind(StrEnum):
    COUNTRY = "country"
    MUNICIPALITY = "municipality"
    DISTRICT = "district"  # stadsdeel / gebied
    WIJK = "wijk"
    BUURT = "buurt"
    GROUP = "group"  # defined by its members


class StatusRules(Model):
    """Thresholds that turn a comparison into a traffic light. Plan settings, not code.

    The defaults are documented in ``docs/targets.md``; a target may override them.
    """

    gap_tolerance: float = Field(
        0.10,
        ge=0,
        le=1,
        description="reach_reference/proportional_share: behind the trajectory by at most "
        "this share of the baseline gap still counts as oranje.",
    )
    relative_tolerance: float = Field(
        0.05,
        ge=0,
        le=1,
        description="absolute/ceiling: missing the expected value by at most this share "
        "of it still counts as oranje.",
    )
    stable_band: float = Field(
        0.01,
        ge=0,
        le=1,
        description="direction/ceiling: a relative change smaller than this counts as no change.",
    )


class PlausibilityRules(Model):
    """What a reported or imported figure must satisfy beyond its unit's range. Plan
    settings, not code; the defaults are documented in ``docs/targets.md``."""

    change_factor: float | None = Field(
        10.0,
        gt=1,
        description="A figure more than this many times larger or smaller than the previous "
        "one of the same indicator, area and breakdown needs a confirmation with a reason "
        "(stored with the figure); none: no such check.",
    )


class Bounds(Model):
    """The range an indicator's values can plausibly take, beyond its unit's own range."""

    min: float | None = None
    max: float | None = None
    ref: str | None = None


class Reading(Model):
    """One way the source was read that is not certain: the bureau confirms or corrects it.

    Transcribing a plan text means choosing where the text is ambiguous (a PDF's columns
    interleaved, an owner named as "we", a year left out). Each such choice is data on the
    item, never a remark in a public note: ``onzeker`` where the text can be read more than
    one way, ``afgeleid`` where the value is inferred from the context rather than printed.
    The bureau's review page lists them ("Te bevestigen"); public pages never show them.
    """

    reading: Literal["onzeker", "afgeleid"]
    about: str | None = Field(
        None, description="What the reading is about: a field ('owners', 'due') or an aspect."
    )
    reason: str = Field(min_length=1, description="What was read and why it is not certain.")
    lines: str | None = Field(
        None,
        pattern=r"^\d+(-\d+)?(, *\d+(-\d+)?)*$",
        description="The lines of the source the reading rests on, e.g. '8516-8522, 8530'.",
    )


class Readable(Model):
    """An item of the plan that may carry uncertain or inferred readings."""

    readings: list[Reading] = Field(
        default_factory=list,
        description="Readings of the source that are uncertain or inferred (bureau only).",
    )

    @property
    def reading(self) -> Literal["zeker", "onzeker", "afgeleid"]:
        """``zeker`` without readings; ``onzeker`` if any is; else ``afgeleid``."""
        kinds = {r.reading for r in self.readings}
        return "onzeker" if "onzeker" in kinds else "afgeleid" if kinds else "zeker"
