"""How publishers' files map onto a plan: a mapping names, per file format, which column holds
which indicator (with scale, numerator and denominator); a crosswalk links foreign area codes
(an older CBS year, Wijkprofiel numbers) to plan areas, with weights where a code is split.

Declared in the plan, not in code, so the bureau can add a CBS column without a release.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from koers.plan.base import Id, Model


class ColumnMapping(Model):
    """One column of a source file that holds an indicator."""

    column: str = Field(description="The column's code in the file, e.g. 'AantalInwoners_5'.")
    indicator: Id
    scale: float = Field(1.0, description="Multiply by this (CBS '× 1.000 euro': 1000).")
    numerator: str | None = Field(None, description="Column holding the numerator.")
    denominator: str | None = Field(None, description="Column holding the denominator.")
    note: str | None = None
    disclosure: Literal["algemeen", "inkomen", "uitkering"] | None = Field(
        None,
        description="Basismonitor only: the kind of measure, which sets its output rules "
        "(default: the measure's own kind, docs/basismonitor.md).",
    )
    sensitive: bool | None = Field(
        None,
        description="Basismonitor only: suppress cells where nobody or everybody has the "
        "property (default: yes for income and benefit measures).",
    )


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
