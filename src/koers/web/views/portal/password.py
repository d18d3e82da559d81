"""A user changes their own password: at any time, and before anything else after logging
in with a one-time password (an import or ``koers users reset``), which every other portal
page redirects here until it is replaced (:func:`~.shared.get_portal`).

Wrong current passwords count as failed logins of the user
(:class:`~koers.web.auth.LoginLimiter`), so a stolen session cannot be used to guess the
password. A change ends every session of the user
(:func:`koers.workflow.change_own_password`); this browser gets a new session for the changed
user, so only the others are logged out.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers import workflow
from koers.errors import NotAllowedError
from koers.store import StoreError
from koers.web.auth import Session
from koers.web.views.portal.shared import (
    CSRF,
    PASSWORD_PAGE,
    WORKFLOW_ERRORS,
    Portal,
    PortalDep,
    done,
    duration,
    show,
)

router = APIRouter(include_in_schema=False)

PasswordField = Annotated[str, Form(max_length=workflow.MAX_PASSWORD + 1)]


def password_page(portal: Portal, *, error: Exception | None = None) -> Response:
    return show(portal, "portal_password.html", error=error, min_length=workflow.MIN_PASSWORD)


@router.get(PASSWORD_PAGE, response_class=HTMLResponse)
def password_form(portal: PortalDep) -> Response:
    return password_page(portal)


@router.post(PASSWORD_PAGE, dependencies=CSRF)
def change_password(
    portal: PortalDep, huidig: PasswordField, nieuw: PasswordField, herhaling: PasswordField
) -> Response:
    # guessing the current password here is slowed like at the login
    limiter = portal.request.app.state.login_limiter
    client = portal.request.client
    address = client.host if client else "onbekend"
    wait = limiter.retry_after(portal.user.username, address)
    if wait:
        response = password_page(
            portal,
            error=NotAllowedError(
                f"Te veel mislukte pogingen. Probeer het over {duration(wait)} opnieuw."
            ),
        )
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        if nieuw != herhaling:
            raise StoreError("de twee nieuwe wachtwoorden verschillen; typ ze opnieuw")
        user = workflow.change_own_password(portal.store, portal.user, huidig, nieuw)
    except NotAllowedError as error:  # the current password is wrong
        limiter.failed(portal.user.username, address)
        return password_page(portal, error=error)
    except WORKFLOW_ERRORS as error:
        return password_page(portal, error=error)
    response = done("/portaal", "wachtwoord")
    portal.request.app.state.sessions.write(response, Session.new(user))
    return response
