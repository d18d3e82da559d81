"""The plan's money and governance: the financial task and its lines, funding and
commitments, the precondition money waits on, the bureau's budget and contributions; the
board, its seats, terms and meetings, the bodies and the escalation lines."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from koers.plan.base import Id, Model, Readable, Year


class BudgetLine(Readable):
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


class Contribution(Readable):
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


class Funding(Readable):
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


class Commitment(Readable):
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
