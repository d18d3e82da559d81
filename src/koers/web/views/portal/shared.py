"""What the portal's pages share: who is asking (:class:`Portal`), the CSRF check, how a page
is shown (:func:`show`), how a workflow refusal becomes a status code (:func:`refusal`), the
redirect after a change (:func:`done`) and the role check of bureau and admin pages.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from koers import workflow
from koers.errors import NotAllowedError
from koers.plan.model import Agreement, Indicator, IndicatorKind, Plan
from koers.store import ConflictError, Store, StoreError
from koers.web.auth import csrf_ok, viewer_of
from koers.web.views import Snapshot, SnapshotCache, not_found, page, spreadsheet_safe

# the refusals of koers.workflow and the status code each gets
REFUSALS: tuple[tuple[type[Exception], int], ...] = (
    (ConflictError, 409),
    (NotAllowedError, 403),
    (StoreError, 400),
)
WORKFLOW_ERRORS = (ConflictError, NotAllowedError, StoreError)

# the id of an update or API token: a number the database can hold (SQLite refuses to bind
# one over 64 bits: that would be a 500, where a bad id is a 400)
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

DONE_MESSAGES = {  # ?gedaan=... after a redirect; fixed texts, never the request's own
    "opgesteld": "De update is opgeslagen als concept. Dien hem in als hij klaar is.",
    "bewerkt": "De wijzigingen zijn opgeslagen.",
    "ingediend": "De update is ingediend bij het programmabureau.",
    "opnieuw-ingediend": "De verbeterde update is opnieuw ingediend bij het programmabureau.",
    "goedgekeurd": "De update is goedgekeurd en telt nu mee.",
    "teruggestuurd": "De update is teruggestuurd met de reden.",
    "gecorrigeerd": "De correctie is doorgevoerd en gelogd.",
    "geescaleerd": "De afspraak is geëscaleerd.",
    "gedeescaleerd": "De escalatie is beëindigd.",
    "afgesloten": "Het jaar is afgesloten.",
    "bevestigd": "De lezing is bevestigd en gelogd.",
    "lezing-gecorrigeerd": "De correctie is gelogd; voer haar door in het plan.",
    "heropend": "Het jaar is heropend; partners kunnen er weer waarden voor indienen.",
    "gebruiker": "De gebruiker is aangemaakt.",
    "gewijzigd": "De gebruiker is gewijzigd.",
    "ingetrokken": "De sleutel is ingetrokken.",
    "wachtwoord": "Uw wachtwoord is gewijzigd; op andere apparaten bent u uitgelogd.",
}


PASSWORD_PAGE = "/portaal/wachtwoord"  # where a user changes their own password


class LoginRequired(Exception):
    """Raised by a portal page without a logged-in user: the app redirects to the login;
    or (``password_change``) by one for a user with a one-time password: to
    :data:`PASSWORD_PAGE`."""

    def __init__(self, path: str, *, password_change: bool = False) -> None:
        super().__init__(path)
        self.path = path
        self.password_change = password_change


async def login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if exc.password_change:
        return RedirectResponse(PASSWORD_PAGE, status_code=303)
    return RedirectResponse(f"/inloggen?volgende={quote(exc.path)}", status_code=303)


@dataclass
class Portal:
    """A portal request: who is asking and their programme as the store holds it now."""

    request: Request
    user: workflow.User
    snap: Snapshot

    @property
    def store(self) -> Store:
        store: Store = self.request.app.state.store
        return store

    @property
    def plan(self) -> Plan:
        return self.snap.plan

    @property
    def programme(self) -> str:
        return self.snap.programme

    def can(self, action: workflow.Action, **subject: Agreement | Indicator | None) -> bool:
        return workflow.can(self.user, action, plan=self.plan, **subject)  # type: ignore[arg-type]


def get_portal(request: Request) -> Portal:
    user = viewer_of(request).user
    if user is None:
        raise LoginRequired(request.url.path)
    if user.must_change_password and request.url.path != PASSWORD_PAGE:
        raise LoginRequired(request.url.path, password_change=True)
    snapshots: SnapshotCache = request.app.state.snapshots
    snapshot = snapshots.get(request.app.state.store, user.programme)
    return Portal(request, user, snapshot)


PortalDep = Annotated[Portal, Depends(get_portal)]


async def check_csrf(request: Request) -> None:
    """Every form POST carries the session's CSRF token (the form data is cached, so the
    handler's own Form parameters still read it)."""
    form = await request.form()
    submitted = form.get("csrf")
    if not csrf_ok(viewer_of(request).session, submitted if isinstance(submitted, str) else None):
        raise HTTPException(
            403,
            "Dit formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw "
            "en probeer het nog eens.",
        )


CSRF = [Depends(check_csrf)]


def done(path: str, message: str) -> RedirectResponse:
    assert message in DONE_MESSAGES
    return RedirectResponse(f"{path}?gedaan={message}", status_code=303)


def duration(seconds: int) -> str:
    """``1 seconde``, ``40 seconden``, ``1 minuut``, ``15 minuten`` (rounded up)."""
    if seconds < 60:
        return "1 seconde" if seconds == 1 else f"{seconds} seconden"
    minutes = -(-seconds // 60)
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


def refusal(error: Exception) -> tuple[int, str]:
    for kind, code in REFUSALS:
        if isinstance(error, kind):
            text = str(error)
            return code, text[:1].upper() + text[1:]
    raise error


def show(
    portal: Portal, template: str, *, error: Exception | None = None, **context: object
) -> Response:
    """A portal page; with ``error`` the reason of a refusal above the page."""
    status, message = refusal(error) if error is not None else (200, None)
    done_key = portal.request.query_params.get("gedaan")
    return page(
        portal.request,
        template,
        portal.snap,
        status_code=status,
        user=portal.user,
        role_labels=workflow.ROLE_LABELS,
        error=message,
        done=DONE_MESSAGES.get(done_key or ""),
        **context,
    )


def agreement_of(portal: Portal, agreement_id: str) -> Agreement:
    for agreement in portal.plan.agreements:
        if agreement.id == agreement_id:
            return agreement
    raise not_found(f"Afspraak '{agreement_id}' bestaat niet in dit plan.")


def indicator_of(portal: Portal, indicator_id: str) -> Indicator:
    indicator = portal.snap.indicators.get(indicator_id)
    if indicator is None or indicator.kind is not IndicatorKind.OUTPUT:
        raise not_found(f"Outputindicator '{indicator_id}' bestaat niet in dit plan.")
    return indicator


def visible_update(portal: Portal, update_id: int) -> workflow.Update:
    """The update, if the viewer may see it; else a 404 that does not say which."""
    try:
        update = workflow.get_update(portal.store, update_id)
    except StoreError:
        update = None
    if update is None or not workflow.may_view(portal.plan, portal.user, update):
        raise not_found(f"Update {update_id} bestaat niet, of u mag hem niet inzien.")
    return update


def described(portal: Portal, entries: list[workflow.AuditEntry]) -> list[workflow.AuditLine]:
    """Audit entries in Dutch words, naming partners and areas as the plan does."""
    names = {**portal.snap.names, **portal.snap.partners}
    return [workflow.describe(entry, names) for entry in entries]


def require_role(portal: Portal, *roles: workflow.Role) -> None:
    if portal.user.role not in roles:
        names = " of ".join(workflow.ROLE_LABELS[r] for r in roles)
        raise HTTPException(403, f"Deze pagina is alleen voor het {names}.")


def number(text: str) -> float:
    """A number as a Dutch user types it: ``1.234,5``, ``1.234`` (dots group thousands) or
    ``1234.5``."""
    # the minus sign and non-breaking space koers.nl writes read back as typed ones
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    if "," in cleaned or re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise StoreError(f"waarde: '{text}' is geen getal; schrijf bijvoorbeeld 1.234,5") from None


def csv_response(rows: list[list[object]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so Excel reads the UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
