"""The JSON API (``/api/...``): the same data as the pages, documented in ``/openapi.json``.

Records are those of the command line: ``/api/status`` gives the records of ``koers status
--format json``, ``/api/plan`` those of ``koers plan summary --format json``, and
``/api/agreements`` those of ``koers agreements --format json`` with ``overdue`` added.
Errors are JSON ``{"detail": "..."}`` with a Dutch message.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from koers.assess import evaluate
from koers.plan.model import Area, Indicator, IndicatorKind
from koers.plan.passport import IndicatorPassport
from koers.plan.summary import summarise
from koers.web.views import SnapshotDep, choices, not_found
from koers.web.views.agreements import select
from koers.web.views.indicators import figures, find_indicator
from koers.web.views.responses import READ, errors

# every route reads the programme (get_snapshot): 400 several programmes and none chosen,
# 404 an unknown programme (or pillar, area, indicator), 503 no plan or no store
router = APIRouter(prefix="/api", responses=errors(*READ))

TAGS = [
    {"name": "plan", "description": "Wat het plan bevat, geteld."},
    {"name": "gebieden", "description": "De gebieden van het plan: land, gemeenten, wijken…"},
    {"name": "indicatoren", "description": "De indicatoren met hun doelen, en hun cijfers."},
    {
        "name": "status",
        "description": "De status (groen, oranje, rood, grijs) van elke indicator, met uitleg.",
    },
    {"name": "afspraken", "description": "Het register van afspraken tussen de partners."},
]


class PlanSummary(BaseModel):
    """What a plan holds (``koers plan summary --format json``)."""

    programme: str
    name: str
    pillars: dict[str, int] = Field(description="Pillars by kind.")
    ambitions: int
    intervention_lines: int
    indicators: dict[str, int] = Field(description="Indicators by kind.")
    indicators_by_pillar: dict[str, int] = Field(description="'pillar/kind' -> count.")
    targets: dict[str, int] = Field(description="Indicators by target kind.")
    interventions: int
    agreements: dict[str, int] = Field(
        description="Agreement items by kind (afspraak, toezegging, wens, uitgangspunt, "
        "verwijzing)."
    )
    commitments: int = Field(description="Afspraken and toezeggingen: what is reported on.")
    agreements_by_pillar: dict[str, int] = Field(description="Commitments per pillar.")
    partners: dict[str, int] = Field(description="Signatory partners by sector.")
    other_organisations: int
    areas: dict[str, int] = Field(description="Areas by kind.")
    finance: bool
    governance: bool


class IndicatorRecord(Indicator):
    """An indicator as the plan gives it, with its passport: what is counted, the sources,
    how often, at which levels, who delivers it and when, and whether a source exists
    ('onbekend' where the plan does not say)."""

    passport: IndicatorPassport


class ObservationRecord(BaseModel):
    """One current figure: the highest revision of an applied import batch."""

    indicator: str
    area: str
    period: str = Field(description="'2022', school year '2022/2023' or date '2022-10-01'.")
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str = Field(description="The figure's own status: definitief, voorlopig, geschat.")
    source: str | None
    note: str | None
    batch: str | None = Field(description="The import batch the figure came in with.")
    revision: int
    dimension: str | None = Field(
        None,
        description="A breakdown's dimension (partner, schoolweging, leeftijd); none: the total.",
    )
    category: str | None = Field(None, description="A breakdown's category, e.g. 'havensteder'.")


class StatusRecord(BaseModel):
    """The status of one indicator (a record of ``koers status --format json``)."""

    indicator: str
    name: str
    pillar: str | None
    kind: str
    unit: str
    area: str
    area_name: str
    period: str | None
    value: float | None
    reference_area: str | None
    reference: float | None
    target_kind: str | None
    expected: float | None = Field(description="The trajectory's value for the period.")
    status: Literal["groen", "oranje", "rood", "grijs"]
    gap_closed: float | None
    expected_gap_closed: float | None
    explanation: str = Field(description="One Dutch sentence a board member understands.")
    sources: list[str]
    batches: list[str]
    derived_from: list[str]
    missing_members: list[str]
    trajectory: dict[str, float] = Field(description="Year -> expected value.")
    target_ref: str | None = Field(description="Where the plan text sets the target.")
    target_version: int | None = Field(description="The plan version the target came from.")
    judged_version: int | None = Field(
        description="The plan version whose target judged this period (valid in its year)."
    )
    also: list[StatusRecord] = Field(
        description="The statuses of the indicator's further targets, on the same figure."
    )


class AgreementRecord(BaseModel):
    """An agreement as ``koers agreements --format json`` lists it, and whether its deadline
    has passed (and it is not done). Wishes, principles and pointers (``kind`` wens,
    uitgangspunt, verwijzing) are listed with status 'geen afspraak' and are never overdue."""

    id: str
    kind: str = Field(
        description="afspraak, toezegging (commitments); wens, uitgangspunt, verwijzing (not)."
    )
    pillar: str | None
    owners: list[str] = Field(
        description="Owner names; 'niet vermeld' where the plan names none for a commitment."
    )
    partners: list[str]
    due: str | None
    due_kind: str | None = Field(
        description="What the date means: uiterlijk, start, niet_voor or jaarlijks."
    )
    status: str
    text: str
    reporters: list[str] = Field(description="Who reports for a collective owner (names).")
    areas: list[str] = Field(description="The places the plan links it to (area ids).")
    parent: str | None = Field(description="The passage of the plan it was split from.")
    same_as: list[str] = Field(description="For a pointer: the commitment(s) it points to.")
    overdue: bool
    escalation: str | None = Field(
        description="The rung of the escalation ladder it is escalated to; null: not escalated."
    )


@router.get("/plan", tags=["plan"], response_model=PlanSummary)
def plan_summary(snap: SnapshotDep) -> dict[str, Any]:
    """Counts of what the plan holds."""
    return summarise(snap.plan)


# the plan's uncertain readings are for the bureau's review, never public
PRIVATE = {"__all__": {"readings"}}


@router.get("/areas", tags=["gebieden"], response_model=list[Area], response_model_exclude=PRIVATE)
def areas(snap: SnapshotDep) -> list[Area]:
    """Every area of the plan, with its members where it is a group."""
    return snap.plan.areas


@router.get(
    "/indicators",
    tags=["indicatoren"],
    response_model=list[Indicator],
    response_model_exclude=PRIVATE,
)
def indicators(
    snap: SnapshotDep,
    pillar: Annotated[str | None, Query(description="Only this pillar (id).")] = None,
    kind: Annotated[IndicatorKind | None, Query(description="Only this kind.")] = None,
) -> list[Indicator]:
    """The indicators with their definition and target, as the plan gives them."""
    if pillar is not None and pillar not in snap.pillars:
        raise not_found(
            f"Pijler '{pillar}' bestaat niet in dit plan. Kies uit {choices(list(snap.pillars))}."
        )
    return [
        i
        for i in snap.plan.indicators
        if (pillar is None or i.pillar == pillar) and (kind is None or i.kind is kind)
    ]


@router.get("/indicators/{indicator}", tags=["indicatoren"], response_model=IndicatorRecord)
def indicator(indicator: str, snap: SnapshotDep) -> IndicatorRecord:
    """One indicator with its definition, target and passport."""
    found = find_indicator(snap, indicator)
    return IndicatorRecord(**dict(found), passport=snap.passports[indicator])


@router.get(
    "/indicators/{indicator}/observations",
    tags=["indicatoren"],
    response_model=list[ObservationRecord],
)
def observations(
    indicator: str,
    snap: SnapshotDep,
    area: Annotated[str | None, Query(description="Only this area (id).")] = None,
) -> list[dict[str, Any]]:
    """The current figures of an indicator, by area (in the plan's order) and period, each
    total followed by its breakdowns (a partner's contribution, a schoolweging band)."""
    find_indicator(snap, indicator)
    if area is not None and area not in snap.names:
        raise not_found(f"Gebied '{area}' bestaat niet in dit plan.")
    return [
        {
            "indicator": o.indicator,
            "area": o.area,
            "period": o.period,
            "value": o.value,
            "numerator": o.numerator,
            "denominator": o.denominator,
            "status": o.status,
            "source": o.source,
            "note": o.note,
            "batch": o.batch,
            "revision": o.revision,
            "dimension": o.dimension,
            "category": o.category,
        }
        for o in figures(snap, indicator, breakdowns=True)
        if area is None or o.area == area
    ]


@router.get("/status", tags=["status"], response_model=list[StatusRecord])
def status(
    snap: SnapshotDep,
    pillar: Annotated[str | None, Query(description="Only this pillar (id).")] = None,
    area: Annotated[
        str | None, Query(description="Judge every target for this area instead (a wijk).")
    ] = None,
    year: Annotated[
        int | None, Query(description="The year to judge (default: latest with data).")
    ] = None,
) -> list[dict[str, Any]]:
    """The status of every indicator with its explanation (``koers status``)."""
    if pillar is not None and pillar not in snap.pillars:
        raise not_found(
            f"Pijler '{pillar}' bestaat niet in dit plan. Kies uit {choices(list(snap.pillars))}."
        )
    if area is not None and area not in snap.names:
        raise not_found(f"Gebied '{area}' bestaat niet in dit plan.")
    if pillar is None and area is None and year is None:
        results = list(snap.assessments.values())  # computed once per request
    else:
        results = evaluate(
            snap.plan, snap.index, area=area, year=year, pillar=pillar, history=snap.history
        )
    return [r.record() for r in results]


@router.get("/agreements", tags=["afspraken"], response_model=list[AgreementRecord])
def agreements(
    snap: SnapshotDep,
    pillar: Annotated[str | None, Query(description="Only this pillar (id).")] = None,
    owner: Annotated[
        str | None, Query(description="Only agreements this partner (id) owns.")
    ] = None,
    status: Annotated[str | None, Query(description="Only agreements with this status.")] = None,
    overdue: Annotated[
        bool, Query(description="Only agreements whose due date has passed.")
    ] = False,
    due: Annotated[
        int | None, Query(description="Only agreements due in this year.", ge=1900, le=2100)
    ] = None,
    area: Annotated[
        str | None,
        Query(
            description="Only agreements the plan links to this area (id): the area, a place "
            "in it, the area it lies in or a group it overlaps."
        ),
    ] = None,
) -> list[dict[str, Any]]:
    """The agreements register, filtered as on the page ``/afspraken``."""
    listed = select(
        snap, pillar=pillar, owner=owner, status=status, overdue=overdue, due=due, area=area
    )
    return [
        {**item.row.record(), "overdue": item.overdue, "escalation": item.escalation}
        for item in listed
    ]
