"""Indicator passports: what an indicator counts, where its figures come from, and when.

A passport answers, for every indicator of a plan: what is counted (definition, numerator
and denominator, unit), from which source (publisher, table or file, column, CBS table id),
how often and as of when, at which area levels it exists, who delivers it (a partner of the
plan, or a publisher), when it is expected each year, and whether a source exists at all
(:data:`STATES`). Where the plan does not say, the passport says :data:`UNKNOWN`; nothing is
guessed.

Two layers, on purpose:

- :class:`Passport` is what a plan file states explicitly (section ``passports``, keyed by
  indicator id). Every field is optional.
- :class:`IndicatorPassport` is the passport as readers see it, built by
  :func:`passport_of` from the explicit passport *and* what the rest of the plan already
  says, so no fact is written twice: the indicator's own definition, numerator, denominator,
  unit and periodicity; a source for every ``mappings`` column that feeds the indicator
  (publisher = the mapping's ``source``, table = its ``name``, the column, the edition year
  from its ``period``), which also makes the indicator ``beschikbaar``; and, for an output
  indicator, the partners that report it (:func:`reporters`, the same rule the portal uses).
  Explicit fields override what is derived; the explicit sources come first and the mapped
  ones follow (both are true: the plan's named source and the files the bureau imports).

Pure: no I/O. :func:`reporters` lives here (not in the workflow) because it is a fact of the
plan that the passport, the portal and the delivery overview all need.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field

from koers.plan.base import Id, IndicatorKind, Model, Periodicity, Unit, Year

if TYPE_CHECKING:
    from koers.plan.model import Indicator, Plan

__all__ = [
    "STATES",
    "UNKNOWN",
    "Citation",
    "Delivery",
    "Frequency",
    "IndicatorPassport",
    "Passport",
    "PassportState",
    "SourceRef",
    "passport_of",
    "passports",
    "reporters",
]

UNKNOWN = "onbekend"
"""What a passport says where the plan is silent."""


class PassportState(StrEnum):
    """Whether figures of the indicator can be had."""

    AVAILABLE = "beschikbaar"  # a source exists and delivers
    IN_DEVELOPMENT = "in ontwikkeling"  # the plan says the source is still being built
    NO_SOURCE = "geen bron"  # the plan says there is no source


STATES: tuple[str, ...] = (*(s.value for s in PassportState), UNKNOWN)


class Frequency(StrEnum):
    """How often new figures appear (Dutch values: they are shown as they are)."""

    MONTHLY = "maandelijks"
    QUARTERLY = "per kwartaal"
    YEARLY = "jaarlijks"
    BIENNIAL = "tweejaarlijks"
    QUADRENNIAL = "vierjaarlijks"
    ONCE = "eenmalig"
    IRREGULAR = "onregelmatig"


YEARLY_OR_MORE: frozenset[Frequency] = frozenset(
    {Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY}
)


class SourceRef(Model):
    """One source as a citation: who publishes it, which table or file, which column."""

    publisher: str | None = Field(None, description="e.g. 'CBS' or 'Gemeente Rotterdam, OBI'.")
    table: str | None = Field(
        None, description="The table, file or report, e.g. 'Kerncijfers wijken en buurten'."
    )
    column: str | None = Field(None, description="The column or measure in it.")
    cbs_table: str | None = Field(
        None, pattern=r"^\d{5}[A-Z]{3}$", description="CBS StatLine table id, e.g. '85984NED'."
    )
    year: Year | None = Field(None, description="The edition or year of publication.")


class Delivery(Model):
    """Who delivers the figures, and when in the year they are expected."""

    partners: list[Id] = Field(
        default_factory=list, description="Partners of the plan that deliver them."
    )
    publisher: str | None = Field(
        None, description="A publisher outside the plan that delivers them (e.g. 'CBS')."
    )
    month: int | None = Field(
        None, ge=1, le=12, description="The month of the year the figures are expected."
    )
    lag: int = Field(
        0,
        ge=0,
        le=5,
        description="Years between a figure's period and its delivery: the figure of year Y "
        "is expected in 'month' of year Y + lag.",
    )


class Passport(Model):
    """What a plan file states about an indicator's figures (section ``passports``, keyed by
    indicator id). Fields left out are derived from the rest of the plan, or ``onbekend``."""

    definition: str | None = Field(None, description="Overrides the indicator's definition.")
    numerator: str | None = None
    denominator: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    frequency: Frequency | None = None
    reference_date: str | None = Field(
        None, description="The moment a figure describes, e.g. '1 januari' or '1 oktober'."
    )
    levels: list[str] = Field(
        default_factory=list,
        description="Area levels at which figures exist: an area kind (country, "
        "municipality, district, wijk, buurt) or the id of an area (a group such as the G4).",
    )
    delivery: Delivery | None = None
    state: PassportState | None = None


class Citation(Model):
    """A source as readers see it, and where the passport took it from."""

    publisher: str | None = None
    table: str | None = None
    column: str | None = None
    cbs_table: str | None = None
    year: int | None = None
    mapping: str | None = Field(
        None, description="The plan's mapping it is derived from; null: stated in the passport."
    )

    def text(self) -> str:
        """A citation without line numbers or notes: publisher, table (CBS id), year."""
        parts = [p for p in (self.publisher, self.table) if p]
        if self.cbs_table:
            parts.append(f"CBS-tabel {self.cbs_table}")
        if self.year is not None and not any(str(self.year) in p for p in parts):
            parts.append(str(self.year))
        return ", ".join(parts) or UNKNOWN


class IndicatorPassport(Model):
    """The whole passport of one indicator (:func:`passport_of`)."""

    indicator: str
    definition: str | None
    numerator: str | None
    denominator: str | None
    unit: Unit
    periodicity: Periodicity
    sources: list[Citation]
    plan_source: str | None = Field(description="The source as the plan text words it.")
    frequency: str = Field(description="How often, or 'onbekend'.")
    reference_date: str | None
    levels: list[str]
    partners: list[str] = Field(description="Ids of the plan partners that deliver it.")
    publisher: str | None = Field(description="The publisher that delivers it, if no partner.")
    expected_month: int | None = Field(description="Month of the year it is expected.")
    expected_lag: int = Field(description="Years between a figure's period and its delivery.")
    state: str = Field(description="beschikbaar, in ontwikkeling, geen bron or onbekend.")

    @property
    def known_deliverer(self) -> bool:
        return bool(self.partners or self.publisher)

    @property
    def yearly(self) -> bool | None:
        """Whether a figure is due every year; None where the frequency is unknown."""
        if self.frequency == UNKNOWN:
            return None
        return Frequency(self.frequency) in YEARLY_OR_MORE


def reporters(plan: Plan, indicator: Indicator) -> set[str]:
    """The partners that report values of ``indicator``: for an output indicator the
    partners of its intervention and those who report the agreements that list it (their
    owners, or for a collective owner its reporters); else none."""
    if indicator.kind is not IndicatorKind.OUTPUT:
        return set()
    found = {
        p
        for intervention in plan.interventions
        if intervention.id == indicator.intervention
        for p in intervention.partners
    }
    found.update(o for a in plan.agreements if indicator.id in a.indicators for o in a.reported_by)
    return found


def _mapped(plan: Plan, indicator: str) -> list[Citation]:
    """A citation per mapping column that feeds ``indicator``, in the plan's order."""
    found: list[Citation] = []
    for mapping in plan.mappings:
        year = int(mapping.period[:4]) if mapping.period and mapping.period[:4].isdigit() else None
        for column in mapping.columns:
            if column.indicator == indicator:
                found.append(
                    Citation(
                        publisher=mapping.source,
                        table=mapping.name,
                        column=column.column,
                        year=year,
                        mapping=mapping.id,
                    )
                )
    return found


def passport_of(plan: Plan, indicator: Indicator) -> IndicatorPassport:
    """The passport of ``indicator``: explicit fields, else what the plan already states,
    else ``onbekend`` (see the module docstring for the order)."""
    stated = plan.passports.get(indicator.id) or Passport()
    delivery = stated.delivery or Delivery()
    mapped = _mapped(plan, indicator.id)
    own = [Citation(**s.model_dump()) for s in stated.sources]
    partners = delivery.partners or sorted(reporters(plan, indicator))
    publisher = delivery.publisher
    if publisher is None and not partners:
        publisher = next((c.publisher for c in [*own, *mapped] if c.publisher), None)
    if stated.state is not None:
        state = stated.state.value
    else:
        state = PassportState.AVAILABLE.value if mapped else UNKNOWN
    return IndicatorPassport(
        indicator=indicator.id,
        definition=stated.definition or indicator.definition,
        numerator=stated.numerator or indicator.numerator,
        denominator=stated.denominator or indicator.denominator,
        unit=indicator.unit,
        periodicity=indicator.periodicity,
        sources=[*own, *mapped],
        plan_source=indicator.source,
        frequency=stated.frequency.value if stated.frequency else UNKNOWN,
        reference_date=stated.reference_date,
        levels=list(stated.levels),
        partners=list(partners),
        publisher=publisher,
        expected_month=delivery.month,
        expected_lag=delivery.lag,
        state=state,
    )


def passports(plan: Plan) -> dict[str, IndicatorPassport]:
    """Indicator id -> its passport, for every indicator of the plan, in the plan's order."""
    return {i.id: passport_of(plan, i) for i in plan.indicators}
