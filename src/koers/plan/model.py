"""Pydantic models of a programme plan.

A plan is what a programme promises: pillars and ambitions, indicators with targets,
interventions, agreements between partners, and the areas it is about. The models here
validate one item at a time (types, ranges, units); checks that need the whole plan
(references, duplicates, whether a target fits its indicator) live in
:mod:`koers.plan.validate`.

Every model forbids unknown fields, so a typo in a YAML key is an error, not a silent
default. ``ref`` fields carry where an item comes from in the source document
(convention: ``"seed:412-415"`` for lines of the plan text, or a table name).

The building blocks (ids, kinds, units) are in :mod:`koers.plan.base`, the targets in
:mod:`koers.plan.targets`, money and governance in :mod:`koers.plan.finance`, publishers'
files in :mod:`koers.plan.mappings`; every model is importable from here.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from koers.plan.base import (
    Aggregation,
    AreaKind,
    Bounds,
    BreakdownTotal,
    Id,
    IndicatorKind,
    Model,
    Periodicity,
    PlausibilityRules,
    Polarity,
    Readable,
    Reading,
    StatusRules,
    Unit,
    Year,
)
from koers.plan.finance import (
    Board,
    BoardMember,
    Body,
    BudgetLine,
    Commitment,
    Contribution,
    CostShare,
    Finance,
    Funding,
    Governance,
    Meeting,
    Precondition,
    Seat,
    TermRules,
)
from koers.plan.mappings import ColumnMapping, Crosswalk, CrosswalkEntry, SourceMapping
from koers.plan.passport import Passport
from koers.plan.targets import (
    Absolute,
    Ceiling,
    Direction,
    Indicator,
    Milestone,
    MonitorOnly,
    ProportionalShare,
    ReachReference,
    Stage,
    Staged,
    Target,
    TargetBase,
)

__all__ = [
    "COMMITMENT_KINDS",
    "KEYED_SECTIONS",
    "LIST_SECTIONS",
    "SINGLE_SECTIONS",
    "Absolute",
    "Aggregation",
    "Agreement",
    "Ambition",
    "Area",
    "AreaKind",
    "Board",
    "BoardMember",
    "Body",
    "Bounds",
    "BreakdownTotal",
    "BudgetLine",
    "Ceiling",
    "ColumnMapping",
    "Commitment",
    "Contribution",
    "CostShare",
    "Crosswalk",
    "CrosswalkEntry",
    "Direction",
    "DueKind",
    "Finance",
    "Funding",
    "Governance",
    "Id",
    "Indicator",
    "IndicatorKind",
    "Intervention",
    "InterventionLine",
    "Meeting",
    "Milestone",
    "Model",
    "MonitorOnly",
    "Overview",
    "OverviewColumn",
    "Partner",
    "Passport",
    "Periodicity",
    "Pillar",
    "Plan",
    "PlanFile",
    "PlausibilityRules",
    "Polarity",
    "Precondition",
    "Programme",
    "ProportionalShare",
    "ReachReference",
    "Readable",
    "Reading",
    "Seat",
    "SourceMapping",
    "Stage",
    "Staged",
    "StatusRules",
    "Target",
    "TargetBase",
    "TermRules",
    "Unit",
    "WijkTopic",
    "Year",
    "YearReading",
]


class Area(Readable):
    id: Id
    name: str
    short_name: str | None = Field(
        None,
        description="The name where space is short (a label on a map, a table column), for "
        "an area whose name carries a description; defaults to the name.",
    )
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

    @property
    def label(self) -> str:
        """The short name where the plan gives one, else the name."""
        return self.short_name or self.name

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


class Ambition(Model):
    id: Id
    text: str
    areas: list[Id] = Field(
        default_factory=list,
        description="The places the plan states this ambition for (a wijk, buurt or group); "
        "empty: the whole programme area. A wijk's jaarambitie document shows the ambitions "
        "stated for it, else the pillar's ambition for the programme.",
    )
    ref: str | None = None


class InterventionLine(Model):
    id: Id
    name: str
    ref: str | None = None


class Pillar(Readable):
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


class Intervention(Readable):
    id: Id
    name: str
    pillar: Id | None = Field(None, description="None for programme-wide interventions.")
    line: Id | None = Field(None, description="Intervention line within the pillar.")
    description: str | None = None
    partners: list[Id] = Field(default_factory=list)
    areas: list[Id] = Field(
        default_factory=list,
        description="The places the text names (wijken, buurten, gebieden, groups): the "
        "wijk pages and documents list the intervention under them.",
    )
    start: Year | None = None
    end: Year | None = None
    note: str | None = None
    ref: str | None = None


DueKind = Literal["uiterlijk", "start", "niet_voor", "jaarlijks"]
# What the plan promises; a wish, a principle or a reference to the same promise elsewhere
# is listed with the agreements but never counted, reported on or overdue.
COMMITMENT_KINDS: frozenset[str] = frozenset({"afspraak", "toezegging"})


class Agreement(Readable):
    """One commitment of the plan, or a wish, a principle, or a pointer to a commitment that
    another chapter holds (``verwijzing``), so that each commitment is one item."""

    id: Id
    text: str
    pillar: Id | None = Field(None, description="None for programme-wide agreements.")
    kind: Literal["afspraak", "toezegging", "wens", "uitgangspunt", "verwijzing"] = Field(
        "afspraak",
        description="A labelled Afspraak; a firm commitment stated elsewhere (toezegging); a "
        "wish (wens) or principle (uitgangspunt), which are not commitments; or a verwijzing: "
        "the place where another chapter names a commitment held by the item in 'same_as'.",
    )
    owners: list[Id] = Field(default_factory=list)
    reporters: list[Id] = Field(
        default_factory=list,
        description="Where an owner is a collective (the partners together, a steering body): "
        "the partners who report for it; each of them sees the item in the portal.",
    )
    partners: list[Id] = Field(default_factory=list)
    due: str | None = Field(
        None,
        pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?|\d{4}-\d{4}|doorlopend)$",
        description="'2024', '2024-06', '2024-06-30', a period '2023-2027', or 'doorlopend'.",
    )
    due_kind: DueKind | None = Field(
        None,
        description="What the date means: 'uiterlijk' (done by then), 'start' (begins then), "
        "'niet_voor' (not before), 'jaarlijks' (every year of the period). Only "
        "'uiterlijk' can be overdue. 'doorlopend' has no date and takes no kind. A plan file "
        "must give it with every date (plan check); a plan stored before date kinds existed "
        "reads a date without one as 'uiterlijk'.",
    )
    parent: Id | None = Field(
        None,
        description="Where the plan states several commitments in one passage: the id of "
        "that passage (e.g. 'A6.11' for A6.11a-d). Not itself an item.",
    )
    same_as: list[Id] = Field(
        default_factory=list,
        description="For a 'verwijzing': the item(s) holding the commitment.",
    )
    areas: list[Id] = Field(
        default_factory=list,
        description="The places the text names (wijken, buurten, gebieden, groups).",
    )
    deliverable: str | None = None
    interventions: list[Id] = Field(default_factory=list)
    indicators: list[Id] = Field(default_factory=list)
    note: str | None = Field(None, description="e.g. 'eigenaar niet vermeld in het plan'.")
    ref: str | None = None

    @property
    def is_commitment(self) -> bool:
        """A promise to report on: not a wish, a principle or a pointer."""
        return self.kind in COMMITMENT_KINDS

    @property
    def reported_by(self) -> list[str]:
        """The partners who report on it: its owners and, for a collective owner, the
        reporters the plan names; nobody for a wish, a principle or a pointer."""
        if not self.is_commitment:
            return []
        return list(dict.fromkeys([*self.owners, *self.reporters]))

    @model_validator(mode="after")
    def _kind_and_due(self) -> Agreement:
        if self.due_kind is not None and self.due in (None, "doorlopend"):
            raise ValueError("'due_kind' needs a date in 'due' ('doorlopend' has no kind)")
        if self.kind == "verwijzing":
            if not self.same_as:
                raise ValueError("a 'verwijzing' names the item it refers to in 'same_as'")
            if self.owners or self.reporters or self.due:
                raise ValueError(
                    "a 'verwijzing' has no owners, reporters or due date: its 'same_as' item has"
                )
        elif self.same_as:
            raise ValueError("'same_as' is only for kind 'verwijzing'")
        return self


class Partner(Model):
    id: Id
    name: str
    sector: str
    signatory: bool = Field(
        True,
        description="One of the programme's own partners (NPRZ: the list in §8.4); "
        "false for other organisations the plan names as owner or co-partner.",
    )
    collective: bool = Field(
        False,
        description="Several partners acting together (all partners, a steering body): "
        "an item it owns names the partners who report for it in 'reporters'.",
    )
    members: list[Id] = Field(
        default_factory=list, description="For a collective: the partners it consists of."
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


class Headline(Model):
    """A headline target of Deel I ("in één oogopslag"): the measured gap closure of the
    overview's indicators (``overview: true``), or one or more indicators shown together
    (the shares of help of several services)."""

    title: str = Field(description="The headline as a reader sees it, e.g. 'Bijstand'.")
    overview: bool = Field(
        False, description="The gap closure of the overview's indicators (Tabel 1)."
    )
    indicators: list[Id] = Field(default_factory=list)
    ref: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Headline:
        if self.overview == bool(self.indicators):
            raise ValueError("a headline has either 'overview: true' or 'indicators'")
        return self


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
    focus_area: Id | None = Field(
        None,
        description="The group of areas the programme gives extra focus (the NPRZ's 7 "
        "focuswijken): a wijk's document and page say whether the wijk, or which of its "
        "buurten, belongs to it.",
    )
    headlines: list[Headline] = Field(
        default_factory=list,
        description="The headline targets Deel I shows first, as large numbers with their "
        "path and pace, in this order.",
    )
    summary_maps: list[Id] = Field(
        default_factory=list,
        description="The indicators Deel I maps per wijk (two or three).",
    )

    @property
    def summary_slug(self) -> str:
        """``Zuid op Koers`` → ``deel-1-zuid-op-koers``: Deel I's file name."""
        words = re.findall(r"[a-z0-9]+", self.summary_title.lower())
        return "-".join(["deel-1", *words])

    period_start: Year
    period_end: Year
    valid_from: Year | None = Field(
        None,
        description="The first year this version of the plan is valid for (a review that "
        "changes targets from 2025 on): earlier years are judged against the version valid "
        "then. Without it a new version corrects the plan for every year.",
    )
    horizon: Year = Field(description="Year the overall ambition is to be reached.")
    start_year: Year | None = Field(None, description="Year the programme started.")
    start_year_readings: list[YearReading] = Field(
        default_factory=list,
        description="Where the source dates the start differently, each reading with its lines.",
    )
    ambition: str | None = None
    reporting_cycle: str | None = Field(None, description="How and how often it reports.")
    status_rules: StatusRules = Field(default_factory=StatusRules)
    plausibility: PlausibilityRules = Field(default_factory=PlausibilityRules)
    ref: str | None = None

    @model_validator(mode="after")
    def _period(self) -> Programme:
        if self.period_end < self.period_start:
            raise ValueError("'period_end' is before 'period_start'")
        return self


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
    passports: dict[Id, Passport] = Field(
        default_factory=dict,
        description="Indicator id -> what the plan states about its figures "
        "(koers.plan.passport); the rest of the passport is derived.",
    )


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
    passports: dict[Id, Passport] = Field(
        default_factory=dict,
        description="Indicator id -> what the plan states about its figures "
        "(koers.plan.passport); the rest of the passport is derived.",
    )

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
KEYED_SECTIONS: tuple[str, ...] = ("passports",)
"""Sections that map an id to an item; the keys of all files are merged, each once."""
