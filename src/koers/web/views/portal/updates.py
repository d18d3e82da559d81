"""An update in the portal: viewing it with its history, editing and submitting it, (bureau)
approving, returning or correcting it; and the CSV of the updates the viewer may read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.plan.model import Agreement, Indicator
from koers.plan.period import period_year
from koers.web.views.portal.shared import (
    CSRF,
    WORKFLOW_ERRORS,
    Portal,
    PortalDep,
    RowId,
    agreement_of,
    csv_response,
    described,
    done,
    indicator_of,
    number,
    show,
    visible_update,
)

router = APIRouter(include_in_schema=False)


def update_page(portal: Portal, update_id: int, *, error: Exception | None = None) -> Response:
    update = visible_update(portal, update_id)
    agreement, indicator = (
        (agreement_of(portal, update.agreement), None)
        if update.agreement
        else (None, indicator_of(portal, update.indicator or ""))
    )
    subject: dict[str, Agreement | Indicator | None] = {
        "agreement": agreement,
        "indicator": indicator,
    }
    editing = (workflow.State.DRAFT, workflow.State.RETURNED)
    editable = update.state in editing and portal.can("draft", **subject)
    closed = workflow.closed_years(portal.store, portal.programme)
    in_closed_year = update.period is not None and _year(update.period) in closed
    return show(
        portal,
        "portal_update.html",
        error=error,
        update=update,
        agreement=agreement,
        indicator=indicator,
        editable=editable,
        may_submit=update.state is workflow.State.DRAFT and portal.can("submit", **subject),
        may_resubmit=portal.can("submit", **subject),
        may_decide=update.state is workflow.State.SUBMITTED and portal.can("approve"),
        in_closed_year=in_closed_year,
        review=(
            workflow.review_of(portal.store, portal.plan, update) if portal.can("approve") else None
        ),
        status_options=[s.value for s in workflow.AgreementStatus],
        history=described(
            portal,
            workflow.audit_log(
                portal.store, portal.programme, subject="update", subject_id=str(update.id)
            ),
        ),
        when=nl.moment,
    )


def _year(period: str) -> int | None:
    try:
        return period_year(period)
    except ValueError:
        return None


@router.get("/portaal/updates/{update_id}", response_class=HTMLResponse)
def update_view(portal: PortalDep, update_id: RowId) -> Response:
    return update_page(portal, update_id)


def _act(portal: Portal, update_id: int, action: Callable[[], object], message: str) -> Response:
    visible_update(portal, update_id)  # a 404 for an update the viewer may not see
    try:
        action()
    except WORKFLOW_ERRORS as error:
        return update_page(portal, update_id, error=error)
    return done(f"/portaal/updates/{update_id}", message)


OptionalField = Annotated[str | None, Form()]


def _edits(
    status: str | None,
    toelichting: str | None,
    bewijs: str | None,
    waarde: str | None,
    bevestiging: str | None,
) -> dict[str, Any]:
    """The edit form's fields as :func:`koers.workflow.edit_draft` takes them."""
    return {
        "status": status or None,
        "note": toelichting,
        "evidence": bewijs,
        "value": number(waarde) if waarde else None,
        "confirmation": bevestiging,
    }


@router.post("/portaal/updates/{update_id}/bewerken", dependencies=CSRF)
def edit_update(
    portal: PortalDep,
    update_id: RowId,
    versie: Annotated[int, Form()],
    status: OptionalField = None,
    toelichting: OptionalField = None,
    bewijs: OptionalField = None,
    waarde: OptionalField = None,
    bevestiging: OptionalField = None,
) -> Response:
    def edit() -> object:
        changes = _edits(status, toelichting, bewijs, waarde, bevestiging)
        return workflow.edit_draft(portal.store, update_id, portal.user, versie, **changes)

    return _act(portal, update_id, edit, "bewerkt")


@router.post("/portaal/updates/{update_id}/opnieuw-indienen", dependencies=CSRF)
def resubmit_update(
    portal: PortalDep,
    update_id: RowId,
    versie: Annotated[int, Form()],
    status: OptionalField = None,
    toelichting: OptionalField = None,
    bewijs: OptionalField = None,
    waarde: OptionalField = None,
    bevestiging: OptionalField = None,
) -> Response:
    """A returned update, corrected and handed in again in one step."""

    def resubmit() -> object:
        changes = _edits(status, toelichting, bewijs, waarde, bevestiging)
        return workflow.resubmit(portal.store, update_id, portal.user, versie, **changes)

    return _act(portal, update_id, resubmit, "opnieuw-ingediend")


@router.post("/portaal/updates/{update_id}/indienen", dependencies=CSRF)
def submit_update(portal: PortalDep, update_id: RowId, versie: Annotated[int, Form()]) -> Response:
    return _act(
        portal,
        update_id,
        lambda: workflow.submit(portal.store, update_id, portal.user, versie),
        "ingediend",
    )


@router.post("/portaal/updates/{update_id}/goedkeuren", dependencies=CSRF)
def approve_update(portal: PortalDep, update_id: RowId, versie: Annotated[int, Form()]) -> Response:
    return _act(
        portal,
        update_id,
        lambda: workflow.approve(portal.store, update_id, portal.user, versie),
        "goedgekeurd",
    )


@router.post("/portaal/updates/{update_id}/terugsturen", dependencies=CSRF)
def return_update(
    portal: PortalDep,
    update_id: RowId,
    versie: Annotated[int, Form()],
    reden: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        portal,
        update_id,
        lambda: workflow.return_update(portal.store, update_id, portal.user, versie, reden),
        "teruggestuurd",
    )


@router.post("/portaal/updates/{update_id}/corrigeren", dependencies=CSRF)
def correct_update(
    portal: PortalDep,
    update_id: RowId,
    versie: Annotated[int, Form()],
    reden: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        portal,
        update_id,
        lambda: workflow.correct(portal.store, update_id, portal.user, versie, reden),
        "gecorrigeerd",
    )


@router.get("/portaal/updates.csv")
def updates_csv(portal: PortalDep) -> Response:
    """The updates the *viewer* may read: a partner its organisation's, the bureau all."""
    header: list[object] = [
        "id",
        "soort",
        "fase",
        "afspraak",
        "status",
        "indicator",
        "gebied",
        "periode",
        "waarde",
        "toelichting",
        "bewijs",
        "reden",
        "door",
        "bijgewerkt",
    ]
    rows: list[list[object]] = [header]
    for u in workflow.visible_updates(portal.store, portal.plan, portal.user):
        rows.append(
            [
                u.id,
                u.kind.value,
                u.state_label,
                u.agreement,
                u.status.value if u.status else None,
                u.indicator,
                u.area,
                u.period,
                u.value,
                u.note,
                u.evidence,
                u.reason,
                u.updated_by,
                u.updated_at.isoformat(),
            ]
        )
    return csv_response(rows, f"updates-{portal.programme}.csv")
