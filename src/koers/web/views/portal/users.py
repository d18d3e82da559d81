"""Users in the portal (admin only): the programme's users, adding one, and (de)activating."""

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


def users_page(portal: Portal, *, error: Exception | None = None) -> Response:
    require_role(portal, workflow.Role.ADMIN)
    return show(
        portal,
        "portal_users.html",
        error=error,
        users=workflow.users(portal.store, portal.programme),
        roles=[r.value for r in workflow.Role],
        partners=sorted(portal.plan.partners, key=lambda p: p.name.lower()),
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
