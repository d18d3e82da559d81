"""The partner workflow as JSON (``/api/portaal/...``), for partners' own systems.

Requests authenticate with an API token (``Authorization: Bearer koers_...``, made on the
portal page *API-sleutels*); cookies are ignored here, so a browser session cannot be
used against it (no CSRF). A token acts with the rights of its user, re-read at every
request: the same :func:`koers.workflow.can` rules as the pages, and the same
:func:`koers.workflow.may_view` filter on every read. What the portal does, the API does:
a returned update is corrected and handed in again in one call (``/resubmit``, as the
portal's "opnieuw indienen"), and the work queue (``/aandacht``) comes grouped as on the
portal's home, with the count of each group and the same filters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from koers import workflow
from koers.plan.model import Plan
from koers.store import Store, StoreError
from koers.store.audit import utc
from koers.web.views.portal.shared import WORKFLOW_ERRORS, RowId, refusal
from koers.web.views.responses import WRITE, errors
from koers.workflow import AgreementStatus, Update, User

router = APIRouter(prefix="/api/portaal", tags=["portaal"])

TAG = {
    "name": "portaal",
    "description": "Het partnerportaal: updates opstellen, indienen en (bureau) beoordelen. "
    "Met een API-sleutel: `Authorization: Bearer <sleutel>`.",
}

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="API-sleutel",
    description="Een API-sleutel, te maken op de portaalpagina 'API-sleutels'.",
)


def api_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> User:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(
            401, "Geef een API-sleutel mee: Authorization: Bearer <sleutel>.", headers=challenge
        )
    user = workflow.token_user(request.app.state.store, credentials.credentials)
    if user is None:
        raise HTTPException(
            401,
            "Deze API-sleutel is onbekend of ingetrokken, of de gebruiker is niet actief.",
            headers=challenge,
        )
    request.state.user = user  # for the request's log line (koers.web.logs)
    return user


UserDep = Annotated[User, Depends(api_user)]


class UpdateRecord(BaseModel):
    """An update as its viewer may see it."""

    id: int
    kind: str = Field(description="'status' (van een afspraak) of 'output' (een waarde).")
    state: str = Field(description="draft, submitted, approved of returned.")
    agreement: str | None
    status: str | None
    evidence: str | None
    indicator: str | None
    area: str | None
    period: str | None
    value: float | None
    contributor: str | None = Field(
        None, description="De partner wiens bijdrage de waarde is (uitsplitsing partner)."
    )
    confirmation: str | None = Field(
        None, description="Waarom een grote verandering tegenover het vorige cijfer klopt."
    )
    note: str | None
    reason: str | None = Field(description="Waarom teruggestuurd of gecorrigeerd.")
    batch: str | None = Field(description="De importbatch van een goedgekeurde waarde.")
    version: int = Field(description="Geef deze mee bij een wijziging (optimistic locking).")
    created_by: str
    updated_by: str
    updated_at: datetime


class NewStatus(BaseModel):
    """The status of an agreement, with a note and optional evidence (a text or an
    http(s) link)."""

    agreement: str
    status: AgreementStatus
    note: str
    evidence: str | None = None


class NewValue(BaseModel):
    """A value of an output indicator for an area and period, with an optional note;
    ``confirmation``: why a change of more than the plan's factor against the previous
    figure is right; ``contributor``: for the bureau, the partner whose contribution to a
    co-reported indicator the value is."""

    indicator: str
    area: str
    period: str = Field(description="'2024', schooljaar '2023/2024' of datum '2024-10-01'.")
    value: float
    note: str | None = None
    confirmation: str | None = None
    contributor: str | None = None


NewUpdate = NewStatus | NewValue


class Edit(BaseModel):
    version: int
    status: str | None = None
    note: str | None = None
    evidence: str | None = None
    value: float | None = None
    confirmation: str | None = None

    def changes(self) -> dict[str, Any]:
        """The fields an edit (or a resubmission) passes to the workflow."""
        return self.model_dump(exclude={"version"})


class Version(BaseModel):
    version: int


class Decision(BaseModel):
    version: int
    reason: str


class AttentionRecord(BaseModel):
    reason: str
    text: str
    agreement: str | None
    update: int | None
    pillar: str | None = Field(None, description="De pijler waar het over gaat.")
    partners: list[str] = Field(
        default_factory=list, description="De partners die het aangaat (partner-id's)."
    )
    kind: str = Field(
        "afspraak", description="'afspraak' (de status van een afspraak) of 'waarde'."
    )


class AttentionGroup(BaseModel):
    """One group of the work queue, as on the portal's home."""

    reason: str = Field(
        description="te beoordelen, geëscaleerd, teruggestuurd, verlopen, concept of niet "
        "gerapporteerd (in deze volgorde)."
    )
    label: str = Field(description="De naam van de groep zoals het portaal hem toont.")
    count: int
    items: list[AttentionRecord]


class Queue(BaseModel):
    """The work queue: every group in the order it is worked through (empty ones too)."""

    total: int
    groups: list[AttentionGroup]


def _record(update: Update) -> UpdateRecord:
    return UpdateRecord(
        id=update.id,
        kind=update.kind.value,
        state=update.state.value,
        agreement=update.agreement,
        status=update.status.value if update.status else None,
        evidence=update.evidence,
        indicator=update.indicator,
        area=update.area,
        period=update.period,
        value=update.value,
        contributor=update.contributor,
        confirmation=update.confirmation,
        note=update.note,
        reason=update.reason,
        batch=update.batch,
        version=update.version,
        created_by=update.created_by,
        updated_by=update.updated_by,
        updated_at=utc(update.updated_at),  # RFC 3339: with its zone
    )


def _context(request: Request, user: User) -> tuple[Store, Plan]:
    store: Store = request.app.state.store
    return store, store.plan(user.programme)


def _visible(request: Request, user: User, update_id: int) -> Update:
    store, plan = _context(request, user)
    try:
        update = workflow.get_update(store, update_id)
    except StoreError:
        update = None
    if update is None or not workflow.may_view(plan, user, update):
        raise HTTPException(404, f"Update {update_id} bestaat niet, of u mag hem niet inzien.")
    return update


def _attempt(action: Callable[[], Update]) -> UpdateRecord:
    """Run a workflow action; its refusal becomes 403, 409 or 400 with the Dutch reason."""
    try:
        return _record(action())
    except WORKFLOW_ERRORS as error:
        code, message = refusal(error)
        raise HTTPException(code, message) from None


READING = errors(401, 503)


@router.get("/updates", summary="De updates die u mag inzien", responses=READING)
def list_updates(request: Request, user: UserDep) -> list[UpdateRecord]:
    store, plan = _context(request, user)
    return [_record(u) for u in workflow.visible_updates(store, plan, user)]


@router.get("/updates/{update_id}", summary="Eén update", responses=errors(401, 404, 503))
def get_update(request: Request, user: UserDep, update_id: RowId) -> UpdateRecord:
    return _record(_visible(request, user, update_id))


@router.post(
    "/updates",
    status_code=201,
    summary="Een update opstellen (concept)",
    responses=errors(400, 401, 403, 413, 503),
)
def create_update(request: Request, user: UserDep, body: NewUpdate) -> UpdateRecord:
    store, plan = _context(request, user)
    programme = plan.programme.id
    if isinstance(body, NewStatus):
        return _attempt(
            lambda: workflow.draft_update(
                store,
                programme,
                user,
                agreement=body.agreement,
                status=body.status,
                note=body.note,
                evidence=body.evidence,
            )
        )
    return _attempt(
        lambda: workflow.draft_update(
            store,
            programme,
            user,
            indicator=body.indicator,
            area=body.area,
            period=body.period,
            value=body.value,
            note=body.note,
            confirmation=body.confirmation,
            contributor=body.contributor,
        )
    )


@router.post(
    "/updates/{update_id}/edit",
    summary="Een concept of teruggestuurde update wijzigen",
    responses=errors(*WRITE),
)
def edit_update(request: Request, user: UserDep, update_id: RowId, body: Edit) -> UpdateRecord:
    store = _context(request, user)[0]
    _visible(request, user, update_id)
    return _attempt(
        lambda: workflow.edit_draft(store, update_id, user, body.version, **body.changes())
    )


@router.post(
    "/updates/{update_id}/submit",
    summary="Een update indienen",
    responses=errors(*WRITE),
)
def submit_update(request: Request, user: UserDep, update_id: RowId, body: Version) -> UpdateRecord:
    store = _context(request, user)[0]
    _visible(request, user, update_id)
    return _attempt(lambda: workflow.submit(store, update_id, user, body.version))


@router.post(
    "/updates/{update_id}/approve",
    summary="Een update goedkeuren (bureau)",
    responses=errors(*WRITE),
)
def approve_update(
    request: Request, user: UserDep, update_id: RowId, body: Version
) -> UpdateRecord:
    store = _context(request, user)[0]
    _visible(request, user, update_id)
    return _attempt(lambda: workflow.approve(store, update_id, user, body.version))


@router.post(
    "/updates/{update_id}/return",
    summary="Een update terugsturen (bureau)",
    responses=errors(*WRITE),
)
def return_update(
    request: Request, user: UserDep, update_id: RowId, body: Decision
) -> UpdateRecord:
    store = _context(request, user)[0]
    _visible(request, user, update_id)
    return _attempt(
        lambda: workflow.return_update(store, update_id, user, body.version, body.reason)
    )


@router.post(
    "/updates/{update_id}/resubmit",
    summary="Een teruggestuurde update verbeteren en opnieuw indienen",
    description="In één stap, als 'opnieuw indienen' in het portaal: de velden van 'edit', "
    "dan 'submit'. Alleen voor een teruggestuurde update (anders 400).",
    responses=errors(*WRITE),
)
def resubmit_update(request: Request, user: UserDep, update_id: RowId, body: Edit) -> UpdateRecord:
    store = _context(request, user)[0]
    _visible(request, user, update_id)
    return _attempt(
        lambda: workflow.resubmit(store, update_id, user, body.version, **body.changes())
    )


@router.get(
    "/aandacht",
    summary="Wat aandacht vraagt, gegroepeerd als op de portaalpagina",
    responses=READING,
)
def attention(
    request: Request,
    user: UserDep,
    pijler: Annotated[str | None, Query(description="Alleen deze pijler.")] = None,
    partner: Annotated[str | None, Query(description="Alleen wat deze partner aangaat.")] = None,
    soort: Annotated[
        str | None, Query(description="'afspraak' of 'waarde': alleen deze soort werk.")
    ] = None,
) -> Queue:
    store, plan = _context(request, user)
    items = workflow.needs_attention(store, plan, user, date.today())
    groups = workflow.queue(items, pillar=pijler, partner=partner, kind=soort)
    return Queue(
        total=sum(len(found) for found in groups.values()),
        groups=[
            AttentionGroup(
                reason=reason,
                label=workflow.ATTENTION_REASONS[reason],
                count=len(found),
                items=[
                    AttentionRecord(
                        reason=a.reason,
                        text=a.text,
                        agreement=a.agreement,
                        update=a.update,
                        pillar=a.pillar,
                        partners=list(a.partners),
                        kind=a.kind,
                    )
                    for a in found
                ],
            )
            for reason, found in groups.items()
        ],
    )
