"""Logging in and out of the portal: the login form, the check of name and password (rate
limited per user name and address), a new session for every login, and logging out, which
ends every session of the user.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from koers import workflow
from koers.web.auth import Session, Viewer, viewer_of
from koers.web.views import page
from koers.web.views.portal.shared import CSRF, duration

router = APIRouter(include_in_schema=False)


def _login_page(
    request: Request, *, status_code: int = 200, error: str | None = None, next_path: str = ""
) -> Response:
    viewer = viewer_of(request)
    session = viewer.session
    fresh = session is None
    if session is None:  # an anonymous session, so the login form has a CSRF token too
        session = Session.new()
        request.state.viewer = Viewer(session, None)
    response = page(
        request,
        "login.html",
        None,
        status_code=status_code,
        error=error,
        next_path=next_path,
    )
    if fresh:
        request.app.state.sessions.write(response, session)
    return response


def _safe_next(path: str | None) -> str:
    """Only a path on this site (no ``//host`` or scheme): no open redirect."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/portaal"


@router.get("/inloggen", response_class=HTMLResponse)
def login_form(request: Request, volgende: str | None = None) -> Response:
    if viewer_of(request).user is not None:
        return RedirectResponse(_safe_next(volgende), status_code=303)
    return _login_page(request, next_path=_safe_next(volgende))


@router.post("/inloggen", response_class=HTMLResponse, dependencies=CSRF)
def login(
    request: Request,
    gebruikersnaam: Annotated[str, Form(max_length=200)],
    wachtwoord: Annotated[str, Form(max_length=workflow.MAX_PASSWORD + 1)],
    volgende: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    limiter = request.app.state.login_limiter
    address = request.client.host if request.client else "onbekend"
    wait = limiter.retry_after(gebruikersnaam, address)
    if wait:
        response = _login_page(
            request,
            status_code=429,
            error=f"Te veel mislukte pogingen. Probeer het over {duration(wait)} opnieuw.",
            next_path=_safe_next(volgende),
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = workflow.authenticate(request.app.state.store, gebruikersnaam, wachtwoord)
    if user is None:
        limiter.failed(gebruikersnaam, address)
        return _login_page(
            request,
            status_code=401,
            error="Deze combinatie van gebruikersnaam en wachtwoord is onbekend.",
            next_path=_safe_next(volgende),
        )
    limiter.succeeded(gebruikersnaam)
    response = RedirectResponse(_safe_next(volgende), status_code=303)
    request.app.state.sessions.write(response, Session.new(user))  # a new session: no fixation
    return response


@router.post("/uitloggen", dependencies=CSRF)
def logout(request: Request) -> Response:
    """Log out: every session of the user ends, here and in any other browser (or a copied
    cookie), not only this cookie."""
    user = viewer_of(request).user
    if user is not None:
        workflow.end_sessions(request.app.state.store, user)
    response = RedirectResponse("/", status_code=303)
    request.app.state.sessions.clear(response)
    return response
