"""Pydantic models of a programme plan.

A plan is what a programme promises: pillars and ambitions, indicators with targets,
interventions, agreements between partners, and the areas it is about. The models here
validate one item at a time (types, ranges, units); checks that need the whole plan
(references, duplicates, whether a target fits its indicator) live in
:mod:`koers.plan.validate`.

Every model forbids unknown fields, so a typo in a YAML key is an error, not a silent
default. ``ref`` fields carry where an item comes from in the source document
(convention: ``"seed:412-415"`` for lines of the plan text, or a table name).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class Area(Model):
    id: Id
    name: str
    kind: AreaKind
    cbs_code: str | None = Field(
        None, pattern=r"^(NL\d\d|GM\d{4}|WK\d{6}|BU\d{8})$", description="e.g. GM0599"
    )
    parent: Id | None = Field(None, description="The area this one lies in.")
    members: list[Id] = Field(
        default_factory=list, description="A group's members; their values add up to it."
    )
    minus: list[Id] = Field(
        default_factory=list,
        description="Areas subtracted from the members (e.g. a city without the programme's area).",
    )
    part_of: Id | None = Field(
        None,
        description="A coded area this one is a part of, which statistics cannot split "
        "(e.g. a wijk that is half a CBS buurt): where only that whole has figures, it "
        "stands in for all its parts together.",
    )
    valid_from: Year | None = None
    valid_to: Year | None = None
    population: int | None = Field(
        None,
        ge=0,
        description="Inhabitants as the plan states them where it gives no date "
        "(dated figures are observations).",
    )
    note: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _group_has_members(self) -> Area:
        if self.kind is AreaKind.GROUP and not self.members:
            raise ValueError("a group area needs 'members'")
        if self.minus and not self.members:
            raise ValueError("'minus' needs 'members' to subtract from")
        if self.part_of is not None and self.cbs_code is not None:
            raise ValueError("an area with a 'cbs_code' has figures of its own; drop 'part_of'")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("'valid_to' is before 'valid_from'")
        return self

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


class Ambition(Model):
    id: Id
    text: str
    ref: str | None = None


class InterventionLine(Model):
    id: Id
    name: str
    ref: str | None = None


class Pillar(Model):
    id: Id
    name: str
    kind: Literal["pillar", "aandachtsgebied", "thema"] = Field(
        "pillar", description="A pillar, an aandachtsgebied, or a programme-wide theme."
    )
    ambition: str | None = Field(None, description="The pillar's overall ambition.")
    ambitions: list[Ambition] = Field(default_factory=list)
    lines: list[InterventionLine] = Field(default_factory=list)
    accountable: str | None = Field(None, description="Body accountable for the pillar.")
    note: str | None = None
    ref: str | None = None


class Indicator(Model):
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
    target: Target | None = None
    note: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _weight_for_mean(self) -> Indicator:
        if self.aggregation is Aggregation.WEIGHTED_MEAN and self.weight is None:
            raise ValueError("aggregation 'weighted_mean' needs a 'weight' indicator")
        return self


class Intervention(Model):
    id: Id
    name: str
    pillar: Id | None = Field(None, description="None for programme-wide interventions.")
    line: Id | None = Field(None, description="Intervention line within the pillar.")
    description: str | None = None
    partners: list[Id] = Field(default_factory=list)
    start: Year | None = None
    end: Year | None = None
    note: str | None = None
    ref: str | None = None


class Agreement(Model):
    id: Id
    text: str
    pillar: Id | None = Field(None, description="None for programme-wide agreements.")
    kind: Literal["afspraak", "toezegging"] = Field(
        "afspraak", description="A labelled Afspraak, or a firm commitment stated elsewhere."
    )
    owners: list[Id] = Field(default_factory=list)
    partners: list[Id] = Field(default_factory=list)
    due: str | None = Field(
        None,
        pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?|\d{4}-\d{4}|doorlopend)$",
        description="'2024', '2024-06', '2024-06-30', a period '2023-2027', or 'doorlopend'.",
    )
    deliverable: str | None = None
    interventions: list[Id] = Field(default_factory=list)
    indicators: list[Id] = Field(default_factory=list)
    note: str | None = Field(None, description="e.g. 'eigenaar niet vermeld in het plan'.")
    ref: str | None = None


class Partner(Model):
    id: Id
    name: str
    sector: str
    signatory: bool = Field(
        True,
        description="One of the programme's own partners (NPRZ: the list in §8.4); "
        "false for other organisations the plan names as owner or co-partner.",
    )
    ref: str | None = None


class YearReading(Model):
    year: Year
    ref: str
    note: str | None = None


class OverviewColumn(Model):
    """One column of the general picture: an area's latest figure, or its baseline."""

    area: Id
    baseline: bool = Field(
        False, description="Show the figure of the programme's start year, not the latest."
    )
    label: str | None = Field(None, description="Column heading; default the area's name.")


class Overview(Model):
    """The general picture of the yearly report: chosen indicators side by side for chosen
    areas (the NPRZ plan's Tabel 1), each column the latest figure or the start year's."""

    table: str = Field(description="How the plan names this table, e.g. 'Tabel 1'.")
    indicators: list[Id] = Field(default_factory=list)
    columns: list[OverviewColumn] = Field(default_factory=list)
    ref: str | None = None


class WijkTopic(Model):
    """A theme the plan promises to follow per wijk; an indicator belongs to it when one of
    the keywords occurs in its name (matched on whole-word boundaries with spaces)."""

    name: str
    keywords: list[str] = Field(min_length=1)
    ref: str | None = None


class Programme(Model):
    id: Id
    name: str
    area: Id = Field(description="The area the programme is about.")
    city: Id | None = Field(
        None,
        description="The city the area lies in: charts and wijk tables show it for context.",
    )
    summary_title: str = Field(
        "Deel I",
        description="The title of Deel I, the yearly report's readable summary (its year "
        "follows it); its file name is deel-1- with the title in lower case and dashes.",
    )
    overview: Overview | None = None
    wijk_topics: list[WijkTopic] = Field(default_factory=list)

    @property
    def summary_slug(self) -> str:
        """``Zuid op Koers`` → ``deel-1-zuid-op-koers``: Deel I's file name."""
        words = re.findall(r"[a-z0-9]+", self.summary_title.lower())
        return "-".join(["deel-1", *words])
    period_start: Year
    period_end: Year
    horizon: Year = Field(description="Year the overall ambition is to be reached.")
    start_year: Year | None = Field(None, description="Year the programme started.")
    start_year_readings: list[YearReading] = Field(
        default_factory=list,
        description="Where the source dates the start differently, each reading with its lines.",
    )
    ambition: str | None = None
    reporting_cycle: str | None = Field(None, description="How and how often it reports.")
    status_rules: StatusRules = Field(default_factory=StatusRules)
    ref: str | None = None

    @model_validator(mode="after")
    def _period(self) -> Programme:
        if self.period_end < self.period_start:
            raise ValueError("'period_end' is before 'period_start'")
        return self


class BudgetLine(Model):
    """A row of a money table: amounts in euro per period (e.g. '2023-2026', 'per jaar')."""

    id: Id
    name: str
    pillar: Id | None = None
    amounts: dict[str, float] = Field(description="Period -> amount in euro.")
    provisional: list[str] = Field(
        default_factory=list, description="Periods whose amount is 'onder voorbehoud'."
    )
    note: str | None = None
    ref: str | None = None


class Contribution(Model):
    """A partner's yearly contribution to the programme bureau (in money or in kind)."""

    id: Id
    name: str
    partner: Id | None = None
    amount_per_year: float = Field(ge=0)
    form: Literal["geld", "in_natura", "geld_en_faciliteiten"]
    from_year: Year | None = None
    to_year: Year | None = None
    note: str | None = None
    ref: str | None = None


class Funding(Model):
    """Money committed, conditional, requested or received for the programme."""

    id: Id
    name: str
    funder: str
    amount: float | None = Field(None, ge=0, description="Euro; null where the plan gives none.")
    per_year: bool = False
    period: str | None = None
    status: Literal["ontvangen", "toegezegd", "voorwaardelijk", "aangevraagd", "in_gesprek"]
    condition: str | None = None
    pillar: Id | None = None
    note: str | None = None
    ref: str | None = None


class Commitment(Model):
    """Money for one intervention (or pillar) in one year, with how sure it is."""

    id: Id
    name: str
    intervention: Id | None = None
    pillar: Id | None = None
    funder: str
    year: Year
    amount: float = Field(ge=0, description="Euro.")
    status: Literal["toegezegd", "voorwaardelijk", "aangevraagd", "onzeker"]
    condition: str | None = Field(None, description="For 'voorwaardelijk': the condition.")
    condition_met: bool = False
    note: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _condition(self) -> Commitment:
        if self.status == "voorwaardelijk" and not self.condition:
            raise ValueError("a 'voorwaardelijk' commitment needs its 'condition'")
        return self


class CostShare(Model):
    funder: str
    share: float = Field(ge=0, le=1)


class Precondition(Model):
    """A condition the money of some pillars depends on, such as the award of a national
    programme: while a funding line or commitment that mentions it is not granted, the
    interventions of those pillars carry 'voorwaarde' in the money overview."""

    name: str = Field(description="The condition as reports name it (NPRZ: the programme awarded).")
    pillars: list[Id] = Field(
        default_factory=list, description="The pillars whose interventions depend on it."
    )
    mentions: list[str] = Field(
        default_factory=list,
        description=(
            "A funding line or commitment is part of the precondition when its name, funder or "
            "condition mentions one of these texts (case-insensitive); empty: the name."
        ),
    )
    note: str | None = None
    ref: str | None = None


class Finance(Model):
    price_level: str | None = None
    cost_split: list[CostShare] = Field(default_factory=list)
    tasks: list[BudgetLine] = Field(
        default_factory=list, description="The financial task per pillar (NPRZ: Tabel 11)."
    )
    bureau_budget: list[BudgetLine] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    commitments: list[Commitment] = Field(
        default_factory=list, description="Money per intervention and year."
    )
    precondition: Precondition | None = Field(
        None, description="The condition the money of some pillars depends on, if any."
    )
    ref: str | None = None

    @model_validator(mode="after")
    def _split_adds_up(self) -> Finance:
        if self.cost_split and abs(sum(s.share for s in self.cost_split) - 1) > 1e-9:
            raise ValueError("the shares of 'cost_split' must add up to 1")
        return self


class Seat(Model):
    sector: str
    seats: int = Field(ge=1)
    mandate: Literal["achterban", "uit_de_kring_van", "niet_vermeld"] = "niet_vermeld"
    note: str | None = None
    ref: str | None = None


class TermRules(Model):
    since: str | None = None
    first_term_years: tuple[int, int] = Field(description="[min, max] years of a first term.")
    renewals: int = Field(ge=0)
    renewal_years: tuple[int, int] | None = None
    appointment_vote: str | None = None
    ref: str | None = None


class BoardMember(Model):
    name: str
    seat: str = Field(description="The sector whose seat the member holds.")
    mandate: Literal["achterban", "uit_de_kring_van", "niet_vermeld"] = "niet_vermeld"
    start: date
    term_years: int = Field(ge=1, le=10)
    renewed: bool = Field(False, description="Whether this is the (one) renewed term.")
    note: str | None = None


class Meeting(Model):
    date: date
    note: str | None = None


class Board(Model):
    name: str
    chair: str
    size: int = Field(ge=1, description="Members including the chair.")
    secretary: str | None = None
    seats: list[Seat]
    meetings_per_year: int | None = Field(None, ge=1, description="At least this many.")
    composition_review_years: int | None = None
    terms: TermRules | None = None
    members: list[BoardMember] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    note: str | None = None
    ref: str | None = None


class Body(Model):
    """A table, steering group or consultation where the programme is steered."""

    id: Id
    name: str
    pillar: Id | None = None
    members: list[str] = Field(default_factory=list)
    role: str | None = None
    meetings: str | None = Field(None, description="How often, as the plan says it.")
    escalates_to: Id | None = None
    note: str | None = None
    ref: str | None = None


class Governance(Model):
    board: Board
    bodies: list[Body] = Field(default_factory=list)
    escalation: list[Id] = Field(default_factory=list, description="Body ids, lowest level first.")
    bureau: str | None = Field(None, description="The programme bureau: size and role.")
    ref: str | None = None


class ColumnMapping(Model):
    """One column of a source file that holds an indicator."""

    column: str = Field(description="The column's code in the file, e.g. 'AantalInwoners_5'.")
    indicator: Id
    scale: float = Field(1.0, description="Multiply by this (CBS '× 1.000 euro': 1000).")
    numerator: str | None = Field(None, description="Column holding the numerator.")
    denominator: str | None = Field(None, description="Column holding the denominator.")
    note: str | None = None


class SourceMapping(Model):
    """How the columns of a publisher's file map onto the plan's indicators.

    Declared in the plan, not in code, so the bureau can add a CBS column without a release.
    """

    id: Id
    format: Literal["cbs", "wijkprofiel", "csv", "xlsx", "basismonitor"]
    name: str
    source: str = Field(
        description="Written on every figure, e.g. 'CBS, Kerncijfers wijken en buurten 2024'."
    )
    columns: list[ColumnMapping]
    period: str | None = Field(
        None, description="The period of every figure, where the file does not say it."
    )
    crosswalk: Id | None = Field(
        None, description="Crosswalk for area codes that are not an area's cbs_code."
    )
    status: Literal["definitief", "voorlopig", "geschat"] = "definitief"
    ref: str | None = None


class CrosswalkEntry(Model):
    code: str
    area: Id
    weight: float = Field(
        1.0, gt=0, le=1, description="Share of the code's counts that falls in the area."
    )
    note: str | None = None


class Crosswalk(Model):
    """Links foreign area codes (an older CBS year, Wijkprofiel numbers) to plan areas."""

    id: Id
    name: str
    entries: list[CrosswalkEntry]
    note: str | None = None
    ref: str | None = None


class PlanFile(Model):
    """One YAML file of a plan directory. Sections from all files are merged."""

    programme: Programme | None = None
    finance: Finance | None = None
    governance: Governance | None = None
    pillars: list[Pillar] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    mappings: list[SourceMapping] = Field(default_factory=list)
    crosswalks: list[Crosswalk] = Field(default_factory=list)


class Plan(Model):
    """A whole, validated plan. Build it with :func:`koers.plan.load_plan`."""

    programme: Programme
    finance: Finance | None = None
    governance: Governance | None = None
    pillars: list[Pillar] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    mappings: list[SourceMapping] = Field(default_factory=list)
    crosswalks: list[Crosswalk] = Field(default_factory=list)

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def pillar(self, pillar_id: str) -> Pillar:
        for pillar in self.pillars:
            if pillar.id == pillar_id:
                return pillar
        raise KeyError(pillar_id)


SINGLE_SECTIONS: tuple[str, ...] = ("programme", "finance", "governance")
LIST_SECTIONS: tuple[str, ...] = (
    "pillars",
    "areas",
    "indicators",
    "interventions",
    "agreements",
    "partners",
    "mappings",
    "crosswalks",
)
