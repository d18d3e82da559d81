"""The FastAPI application of the website: :func:`create_app`.

The store is opened once, when the app is created (so a wrong URL or an unknown
``programme`` fails at start-up, not at the first visitor), and closed when the app shuts
down. What a request shows is read through two caches keyed by the store's generation
(:meth:`koers.store.Store.generation`, one small query that changes with every load,
import, undo, narrative and portal change) and the day: the programme's read model
(:class:`koers.web.views.SnapshotCache`) and, for anonymous visitors, the whole response
(:class:`koers.web.cache.PageCache`). So whatever ``koers load``, ``koers import`` or the
portal stored shows on the next page view, and an unchanged store is not read again. The
SVG of a chart is kept per chart spec, because the same spec always gives the same SVG.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from koers.store import Store, StoreUnavailable
from koers.web.auth import LoginLimiter, Sessions
from koers.web.cache import PageCache
from koers.web.limits import MAX_BODY_BYTES, MAX_FORM_FIELDS, BodyLimit
from koers.web.logs import RequestLog, configure_logging
from koers.web.views import (
    SnapshotCache,
    agreements,
    api,
    api_portal,
    changes,
    guide,
    health,
    indicators,
    overview,
    page,
    pillars,
    portal,
    wijken,
)
from koers.web.views.responses import empty_means_no_filter

DEFAULT_REPORTS = Path("out") / "rapportage"  # where `koers report` writes by default
LOG = logging.getLogger("koers.web")  # set up by koers.web.logs.configure_logging

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

DUTCH_ERRORS = {  # title, and the message when the code gives none of its own
    400: ("Ongeldige vraag", "Deze vraag kan niet beantwoord worden."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet."),
    405: ("Niet toegestaan", "Deze pagina kan alleen bekeken worden, niet gewijzigd."),
    413: ("Te groot", "Deze aanvraag is te groot."),
    503: ("Nog niet beschikbaar", "De gegevens zijn nog niet beschikbaar."),
}

# refusals that Starlette and FastAPI word in English, by how their detail begins
FOREIGN_DETAILS = (
    ("Too many fields", "Dit formulier heeft te veel velden."),
    ("Too many files", "Dit formulier neemt geen bestanden aan."),
    ("Field exceeded", "Een veld van dit formulier is te lang."),
    ("Part exceeded", "Een veld van dit formulier is te lang."),
    ("There was an error parsing the body", "De inhoud van deze aanvraag is onleesbaar."),
)

DESCRIPTION = """\
De cijfers, statussen en afspraken van het programma, zonder inlog.

Dezelfde gegevens als de pagina's van de website en als de opdrachtregel: `/api/status`
geeft de records van `koers status --format json`. Bevat de database meer dan één
programma, kies er dan een met `?programme=`. Foutmeldingen zijn JSON
`{"detail": "..."}` met een Nederlandse tekst.
"""


PRIVATE_PATHS = ("/portaal", "/api/portaal", "/inloggen")  # never kept in a shared cache


class SecurityHeaders:
    """Pure ASGI middleware: the security headers on every HTTP response, unless the
    response set them itself; what only a logged-in user may see is never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if scope["path"].startswith(PRIVATE_PATHS):
                    headers["Cache-Control"] = "no-store"  # over a page's own "private"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class EmptyMeansNoFilter:
    """Pure ASGI middleware: in the JSON API an empty query parameter means no filter
    (``/api/status?pillar=&area=`` is ``/api/status``), as a form with empty fields sends it;
    without this an empty ``year=`` would be refused as no number and an empty ``pillar=``
    as an unknown pillar."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query: bytes = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if query and scope["path"].startswith("/api/"):
            kept = [p for p in query.split(b"&") if p and not p.endswith(b"=") and b"=" in p]
            scope = {**scope, "query_string": b"&".join(kept)}
        await self.app(scope, receive, send)


class HeadAsGet:
    """Pure ASGI middleware: ``HEAD`` on any page answers as ``GET`` would, without the
    body (a check that asks ``HEAD /`` gets 200, not 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


async def http_error(request: Request, exc: Exception) -> Response:
    """A Dutch error page, or for the API JSON ``{"detail": ...}`` with a Dutch text."""
    assert isinstance(exc, StarletteHTTPException)
    title, default = DUTCH_ERRORS.get(exc.status_code, ("Fout", "Er ging iets mis."))
    english = _phrase(exc.status_code)
    message = default if exc.detail in (None, "", english) else str(exc.detail)
    message = next((nl for en, nl in FOREIGN_DETAILS if message.startswith(en)), message)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed(request)
    if _is_api(request):
        return JSONResponse({"detail": message}, exc.status_code, headers=headers)
    response = page(
        request,
        "error.html",
        None,
        status_code=exc.status_code,
        title=title,
        message=message,
        code=exc.status_code,
    )
    response.headers.update(headers)  # e.g. Allow with a 405, Connection with a 413
    return response


def _allowed(request: Request) -> str:
    """The methods some route answers at this path: Starlette's 405 names only those of the
    first route that matched it (``/api/portaal/updates`` has a GET and a POST route)."""
    found = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(found)


async def validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 for the API; a Dutch page naming the parameter for the pages."""
    assert isinstance(exc, RequestValidationError)
    if _is_api(request):
        return await request_validation_exception_handler(request, exc)
    names = ", ".join(f"'{error['loc'][-1]}'" for error in exc.errors() if error.get("loc"))
    return page(
        request,
        "error.html",
        None,
        status_code=400,
        title=DUTCH_ERRORS[400][0],
        message=f"Ongeldige waarde voor {names or 'de vraag'}.",
        code=400,
    )


async def store_unavailable(request: Request, exc: Exception) -> Response:
    """An unreachable database is a 503 with ``Retry-After`` and one line in the log, not a
    500 with a traceback per request."""
    LOG.warning("%s %s: 503, %s", request.method, request.url.path, exc)
    return await http_error(
        request,
        StarletteHTTPException(
            503,
            "De gegevens zijn even niet bereikbaar. Probeer het over een halve minuut opnieuw.",
            headers={"Retry-After": health.RETRY_AFTER},
        ),
    )


SERVER_ERROR = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Er ging iets mis</title></head>
<body><h1>Er ging iets mis</h1>
<p>Deze pagina kon niet gemaakt worden. Probeer het later opnieuw.</p>
<p><a href="/">Naar het overzicht</a></p></body></html>
"""


async def server_error(request: Request, exc: Exception) -> Response:
    """A plain Dutch 500 (no template: that may be what failed). This runs outside the
    middleware, so it sets the security headers itself."""
    if _is_api(request):
        return JSONResponse({"detail": "Er ging iets mis."}, 500, headers=SECURITY_HEADERS)
    return HTMLResponse(SERVER_ERROR, 500, headers=SECURITY_HEADERS)


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def app_from_env() -> FastAPI:
    """The app as ``koers serve --workers N`` starts it in each worker process (uvicorn's
    ``--factory``): the store, programme and report folder from the environment
    (``KOERS_DB``, ``KOERS_PROGRAMME``, ``KOERS_REPORTS``, ``KOERS_SECURE_COOKIES=1``); the
    workers share sessions through ``KOERS_SECRET_KEY``. Each worker sets up its own log
    (:func:`~koers.web.logs.configure_logging`) from ``KOERS_LOG_LEVEL`` and
    ``KOERS_LOG_FORMAT``."""
    configure_logging(
        os.environ.get("KOERS_LOG_LEVEL") or "info", os.environ.get("KOERS_LOG_FORMAT") or "text"
    )
    return create_app(
        os.environ.get("KOERS_DB"),
        programme=os.environ.get("KOERS_PROGRAMME") or None,
        reports_dir=Path(os.environ.get("KOERS_REPORTS") or DEFAULT_REPORTS),
        secure_cookies=os.environ.get("KOERS_SECURE_COOKIES") == "1",
    )


def create_app(
    db_url: str | None = None,
    *,
    programme: str | None = None,
    reports_dir: Path | None = DEFAULT_REPORTS,
    secret_key: str | None = None,
    secure_cookies: bool = False,
    login_limiter: LoginLimiter | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The website on the store at ``db_url`` (default: ``KOERS_DB``, else ``koers.db``).

    ``programme`` is shown by default (else the only one in the store; a request may
    choose another with ``?programme=``). ``reports_dir`` is the folder ``koers report``
    writes to, listed at ``/rapportages``; None lists nothing. ``secret_key`` signs the
    session cookies (default ``KOERS_SECRET_KEY``, else one per process); ``secure_cookies``
    marks them https-only (set it behind an https proxy). A request body over
    ``max_body_bytes`` (default :data:`~koers.web.limits.MAX_BODY_BYTES`, 1 MiB) is refused
    with 413, and a form of more than :data:`~koers.web.limits.MAX_FORM_FIELDS` fields or
    with a file with 400 (:mod:`koers.web.limits`).
    """
    store = Store.open(db_url)
    if programme is not None:
        store.resolve_programme(programme)  # a StoreError now, not on every page

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="koers",
        summary="Sturen en monitoren van het programma: openbare gegevens.",
        description=DESCRIPTION,
        version="0.1.0",
        openapi_tags=[*api.TAGS, api_portal.TAG, health.TAG],
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not here
        redoc_url=None,
        lifespan=lifespan,
        form_limits={"max_fields": MAX_FORM_FIELDS, "max_files": 0},
    )
    documented = app.openapi
    app.openapi = lambda: empty_means_no_filter(documented())  # type: ignore[method-assign]
    app.state.store = store
    app.state.programme = programme
    app.state.reports_dir = reports_dir
    app.state.sessions = Sessions(secret_key, secure=secure_cookies)
    app.state.login_limiter = login_limiter or LoginLimiter()
    app.state.snapshots = SnapshotCache()
    app.mount("/static", StaticFiles(packages=[("koers.web", "static")]), name="static")
    # the innermost of ours, so that its refusals get the security headers too
    app.add_middleware(BodyLimit, handler=http_error, max_bytes=max_body_bytes)
    app.add_middleware(PageCache)  # inside SecurityHeaders: cached answers get them too
    app.add_middleware(SecurityHeaders)
    app.add_middleware(EmptyMeansNoFilter)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestLog)  # the outermost: it logs every answer, HEAD as HEAD
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StoreUnavailable, store_unavailable)
    app.add_exception_handler(Exception, server_error)
    app.add_exception_handler(portal.LoginRequired, portal.login_required)
    routers = (
        overview,
        pillars,
        indicators,
        wijken,
        agreements,
        changes,
        guide,
        portal,
        api,
        api_portal,
        health,
    )
    for module in routers:
        app.include_router(module.router)
    return app
