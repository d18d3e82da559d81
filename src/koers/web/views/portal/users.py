"""Users in the portal (admin only): the programme's users, adding one, (de)activating, and
giving one a one-time password (:func:`koers.workflow.reset_password`, as ``koers users
reset`` does): it is shown once, on the page that answers the request (never in an address
or a redirect), and the user must choose their own at the next login.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.web.views.portal.shared import (
    CSRF,
    WORKFLOW_ERRORS,
    Portal,
    PortalDep,
    done,
    require_role,
    show,
)

router = APIRouter(include_in_schema=False)


def users_page(
    portal: Portal,
    *,
    error: Exception | None = None,
    one_time: tuple[workflow.User, str] | None = None,
) -> Response:
    require_role(portal, workflow.Role.ADMIN)
    return show(
        portal,
        "portal_users.html",
        error=error,
        users=workflow.users(portal.store, portal.programme),
        roles=workflow.ROLE_LABELS,
        partners=sorted(portal.plan.partners, key=lambda p: p.name.lower()),
        one_time=one_time,
    )


@router.get("/portaal/gebruikers", response_class=HTMLResponse)
def users_view(portal: PortalDep) -> Response:
    return users_page(portal)


@router.post("/portaal/gebruikers", dependencies=CSRF)
def add_user(
    portal: PortalDep,
    gebruikersnaam: Annotated[str, Form(max_length=200)],
    wachtwoord: Annotated[str, Form(max_length=workflow.MAX_PASSWORD + 1)],
    rol: Annotated[str, Form()],
    partner: Annotated[str, Form()] = "",
) -> Response:
    require_role(portal, workflow.Role.ADMIN)
    try:
        workflow.create_user(
            portal.store,
            portal.programme,
            gebruikersnaam,
            wachtwoord,
            rol,
            partner or None,
            by=portal.user,
        )
    except WORKFLOW_ERRORS as error:
        return users_page(portal, error=error)
    return done("/portaal/gebruikers", "gebruiker")


@router.post("/portaal/gebruikers/{username}/actief", dependencies=CSRF)
def set_active(
    portal: PortalDep,
    username: str,
    actief: Annotated[Literal["0", "1"], Form()],
    versie: Annotated[int, Form()],
) -> Response:
    require_role(portal, workflow.Role.ADMIN)
    change = workflow.reactivate if actief == "1" else workflow.deactivate
    try:
        change(portal.store, username, by=portal.user, version=versie)
    except WORKFLOW_ERRORS as error:
        return users_page(portal, error=error)
    return done("/portaal/gebruikers", "gewijzigd")


@router.post("/portaal/gebruikers/{username}/wachtwoord", dependencies=CSRF)
def reset_password(portal: PortalDep, username: str) -> Response:
    require_role(portal, workflow.Role.ADMIN)
    try:
        one_time = workflow.reset_password(portal.store, username, by=portal.user)
    except WORKFLOW_ERRORS as error:
        return users_page(portal, error=error)
    return users_page(portal, one_time=one_time)
