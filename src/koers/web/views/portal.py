"""The partner portal: log in, report on what your organisation owns, and (bureau) approve.

Every page here sits on :mod:`koers.workflow`, which holds the rules: who may do what, the
draft → submitted → approved/returned flow, optimistic locking, closed years and the audit
log. These handlers only read the form, call one workflow function and show the outcome:
on success a redirect (POST-redirect-GET, with a fixed message key so no user text is
reflected), on a refusal the same page again with the reason and a fitting status code
(403 no right, 409 someone else changed it first, 400 bad input).

Restricted data (the notes and evidence of updates, the audit log, users) is filtered by the
*viewer's* rights on every read, including the CSV exports. An update someone may not see
is a 404, so its existence is not revealed either.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from koers import nl, workflow
from koers.plan.model import Agreement, Indicator, IndicatorKind, Plan
from koers.plan.period import period_year
from koers.store import Store, StoreError
from koers.web.auth import Session, Viewer, csrf_ok, viewer_of
from koers.web.views import Snapshot, SnapshotCache, not_found, page, spreadsheet_safe
from koers.workflow import ConflictError, Role, State, Update, User

router = APIRouter(include_in_schema=False)

# the refusals of koers.workflow and the status code each gets
REFUSALS: tuple[tuple[type[Exception], int], ...] = (
    (ConflictError, 409),
    (PermissionError, 403),
    (StoreError, 400),
)
WORKFLOW_ERRORS = (ConflictError, PermissionError, StoreError)

# the id of an update or API token: a number the database can hold (SQLite refuses to bind
# one over 64 bits: that would be a 500, where a bad id is a 400)
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

DONE_MESSAGES = {  # ?gedaan=... after a redirect; fixed texts, never the request's own
    "opgesteld": "De update is opgeslagen als concept. Dien hem in als hij klaar is.",
    "bewerkt": "De wijzigingen zijn opgeslagen.",
    "ingediend": "De update is ingediend bij het programmabureau.",
    "goedgekeurd": "De update is goedgekeurd en telt nu mee.",
    "teruggestuurd": "De update is teruggestuurd met de reden.",
    "gecorrigeerd": "De correctie is doorgevoerd en gelogd.",
    "geescaleerd": "De afspraak is geëscaleerd.",
    "gedeescaleerd": "De escalatie is beëindigd.",
    "afgesloten": "Het jaar is afgesloten.",
    "gebruiker": "De gebruiker is aangemaakt.",
    "gewijzigd": "De gebruiker is gewijzigd.",
    "ingetrokken": "De sleutel is ingetrokken.",
}


class LoginRequired(Exception):
    """Raised by a portal page without a logged-in user: the app redirects to the login."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


async def login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(f"/inloggen?volgende={quote(exc.path)}", status_code=303)


@dataclass
class Portal:
    """A portal request: who is asking and their programme as the store holds it now."""

    request: Request
    user: User
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


def _agreement(portal: Portal, agreement_id: str) -> Agreement:
    for agreement in portal.plan.agreements:
        if agreement.id == agreement_id:
            return agreement
    raise not_found(f"Afspraak '{agreement_id}' bestaat niet in dit plan.")


def _indicator(portal: Portal, indicator_id: str) -> Indicator:
    indicator = portal.snap.indicators.get(indicator_id)
    if indicator is None or indicator.kind is not IndicatorKind.OUTPUT:
        raise not_found(f"Outputindicator '{indicator_id}' bestaat niet in dit plan.")
    return indicator


def _update(portal: Portal, update_id: int) -> Update:
    """The update, if the viewer may see it; else a 404 that does not say which."""
    try:
        update = workflow.get_update(portal.store, update_id)
    except StoreError:
        update = None
    if update is None or not workflow.may_view(portal.plan, portal.user, update):
        raise not_found(f"Update {update_id} bestaat niet, of u mag hem niet inzien.")
    return update


def _require_role(portal: Portal, *roles: Role) -> None:
    if portal.user.role not in roles:
        names = " of ".join(workflow.ROLE_LABELS[r] for r in roles)
        raise HTTPException(403, f"Deze pagina is alleen voor het {names}.")


# --------------------------------------------------------------------------- logging in


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
        minutes = max(1, round(wait / 60))
        response = _login_page(
            request,
            status_code=429,
            error=f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw.",
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
    response = RedirectResponse("/", status_code=303)
    request.app.state.sessions.clear(response)
    return response


# --------------------------------------------------------------------------- home


@router.get("/portaal", response_class=HTMLResponse)
def home(portal: PortalDep) -> Response:
    user, plan = portal.user, portal.plan
    attention = workflow.needs_attention(portal.store, plan, user, portal.snap.today)
    agreements = (
        workflow.partner_agreements(plan, user.partner or "") if user.role is Role.PARTNER else []
    )
    indicators = (
        workflow.partner_indicators(plan, user.partner or "") if user.role is Role.PARTNER else []
    )
    return show(
        portal,
        "portal_home.html",
        attention=attention,
        attention_labels=workflow.ATTENTION_REASONS,
        agreements=agreements,
        indicators=indicators,
        statuses=workflow.current_statuses_of(portal.snap.agreement_states),
    )


# --------------------------------------------------------------------------- agreements


def agreement_page(
    portal: Portal, agreement_id: str, *, error: Exception | None = None
) -> Response:
    agreement = _agreement(portal, agreement_id)
    state = workflow.agreement_state(portal.store, portal.programme, agreement_id)
    visible = [
        u
        for u in workflow.updates(portal.store, portal.programme, agreement=agreement_id)
        if workflow.may_view(portal.plan, portal.user, u)
    ]
    open_update = next((u for u in visible if u.state in workflow.OPEN_STATES), None)
    may_read_history = (
        portal.user.role is Role.BUREAU or bool(visible) or portal.can("draft", agreement=agreement)
    )
    history = (
        workflow.agreement_history(portal.store, portal.programme, agreement_id)
        if may_read_history
        else []
    )
    position = -1 if state.escalation is None else workflow.LADDER.index(state.escalation)
    next_rung = workflow.LADDER[position + 1] if position + 1 < len(workflow.LADDER) else None
    return show(
        portal,
        "portal_agreement.html",
        error=error,
        agreement=agreement,
        state=state,
        updates=visible,
        open_update=open_update,
        may_draft=portal.can("draft", agreement=agreement) and open_update is None,
        may_escalate=portal.can("escalate", agreement=agreement),
        next_rung=next_rung,
        history=history,
        status_options=[s.value for s in workflow.AgreementStatus],
        when=nl.moment,
    )


@router.get("/portaal/afspraken/{agreement_id}", response_class=HTMLResponse)
def agreement_view(portal: PortalDep, agreement_id: str) -> Response:
    return agreement_page(portal, agreement_id)


@router.post("/portaal/afspraken/{agreement_id}/update", dependencies=CSRF)
def draft_status(
    portal: PortalDep,
    agreement_id: str,
    status: Annotated[str, Form()],
    toelichting: Annotated[str, Form()] = "",
    bewijs: Annotated[str, Form()] = "",
) -> Response:
    _agreement(portal, agreement_id)
    try:
        update = workflow.draft_update(
            portal.store,
            portal.programme,
            portal.user,
            agreement=agreement_id,
            status=status,
            note=toelichting,
            evidence=bewijs or None,
        )
    except WORKFLOW_ERRORS as error:
        return agreement_page(portal, agreement_id, error=error)
    return done(f"/portaal/updates/{update.id}", "opgesteld")


@router.post("/portaal/afspraken/{agreement_id}/escaleren", dependencies=CSRF)
def escalate(
    portal: PortalDep,
    agreement_id: str,
    trede: Annotated[str, Form()],
    reden: Annotated[str, Form()] = "",
    versie: Annotated[int | None, Form()] = None,
) -> Response:
    _agreement(portal, agreement_id)
    try:
        workflow.escalate(
            portal.store, portal.programme, agreement_id, portal.user, trede, reden, version=versie
        )
    except WORKFLOW_ERRORS as error:
        return agreement_page(portal, agreement_id, error=error)
    return done(f"/portaal/afspraken/{agreement_id}", "geescaleerd")


@router.post("/portaal/afspraken/{agreement_id}/deescaleren", dependencies=CSRF)
def deescalate(
    portal: PortalDep,
    agreement_id: str,
    reden: Annotated[str, Form()] = "",
    versie: Annotated[int | None, Form()] = None,
) -> Response:
    _agreement(portal, agreement_id)
    try:
        workflow.deescalate(
            portal.store, portal.programme, agreement_id, portal.user, reden, version=versie
        )
    except WORKFLOW_ERRORS as error:
        return agreement_page(portal, agreement_id, error=error)
    return done(f"/portaal/afspraken/{agreement_id}", "gedeescaleerd")


# --------------------------------------------------------------------------- output values


def indicator_page(
    portal: Portal, indicator_id: str, *, error: Exception | None = None
) -> Response:
    indicator = _indicator(portal, indicator_id)
    visible = [
        u
        for u in workflow.updates(portal.store, portal.programme, indicator=indicator_id)
        if workflow.may_view(portal.plan, portal.user, u)
    ]
    figures = sorted(
        (o for o in portal.snap.observations if o.indicator == indicator_id),
        key=lambda o: (o.period, o.area),
    )
    return show(
        portal,
        "portal_indicator.html",
        error=error,
        indicator=indicator,
        updates=visible,
        figures=figures,
        may_draft=portal.can("draft", indicator=indicator),
        areas=portal.plan.areas,
        default_area=getattr(indicator.target, "area", None) or "zuid",
    )


@router.get("/portaal/indicatoren/{indicator_id}", response_class=HTMLResponse)
def indicator_view(portal: PortalDep, indicator_id: str) -> Response:
    return indicator_page(portal, indicator_id)


@router.post("/portaal/indicatoren/{indicator_id}/waarde", dependencies=CSRF)
def draft_value(
    portal: PortalDep,
    indicator_id: str,
    gebied: Annotated[str, Form()],
    periode: Annotated[str, Form()],
    waarde: Annotated[str, Form()],
    toelichting: Annotated[str, Form()] = "",
) -> Response:
    _indicator(portal, indicator_id)
    try:
        update = workflow.draft_update(
            portal.store,
            portal.programme,
            portal.user,
            indicator=indicator_id,
            area=gebied,
            period=periode,
            value=_number(waarde),
            note=toelichting or None,
        )
    except WORKFLOW_ERRORS as error:
        return indicator_page(portal, indicator_id, error=error)
    return done(f"/portaal/updates/{update.id}", "opgesteld")


def _number(text: str) -> float:
    """A number as a Dutch user types it: ``1.234,5`` or ``1234.5``."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise StoreError(f"'{text}' is geen getal; schrijf bijvoorbeeld 1.234,5") from None


# --------------------------------------------------------------------------- updates


def update_page(portal: Portal, update_id: int, *, error: Exception | None = None) -> Response:
    update = _update(portal, update_id)
    agreement, indicator = (
        (_agreement(portal, update.agreement), None)
        if update.agreement
        else (None, _indicator(portal, update.indicator or ""))
    )
    subject: dict[str, Agreement | Indicator | None] = {
        "agreement": agreement,
        "indicator": indicator,
    }
    editable = update.state in (State.DRAFT, State.RETURNED) and portal.can("draft", **subject)
    closed = {p.year for p in workflow.closed_periods(portal.store, portal.programme)}
    in_closed_year = update.period is not None and _year(update.period) in closed
    return show(
        portal,
        "portal_update.html",
        error=error,
        update=update,
        agreement=agreement,
        indicator=indicator,
        editable=editable,
        may_submit=update.state is State.DRAFT and portal.can("submit", **subject),
        may_decide=update.state is State.SUBMITTED and portal.can("approve"),
        in_closed_year=in_closed_year,
        status_options=[s.value for s in workflow.AgreementStatus],
        history=workflow.audit_log(
            portal.store, portal.programme, subject="update", subject_id=str(update.id)
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
    _update(portal, update_id)  # a 404 for an update the viewer may not see
    try:
        action()
    except WORKFLOW_ERRORS as error:
        return update_page(portal, update_id, error=error)
    return done(f"/portaal/updates/{update_id}", message)


@router.post("/portaal/updates/{update_id}/bewerken", dependencies=CSRF)
def edit_update(
    portal: PortalDep,
    update_id: RowId,
    versie: Annotated[int, Form()],
    status: Annotated[str | None, Form()] = None,
    toelichting: Annotated[str | None, Form()] = None,
    bewijs: Annotated[str | None, Form()] = None,
    waarde: Annotated[str | None, Form()] = None,
) -> Response:
    def edit() -> object:
        return workflow.edit_draft(
            portal.store,
            update_id,
            portal.user,
            versie,
            status=status or None,
            note=toelichting,
            evidence=bewijs,
            value=_number(waarde) if waarde else None,
        )

    return _act(portal, update_id, edit, "bewerkt")


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


# --------------------------------------------------------------------------- exports


def _csv(rows: list[list[object]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so Excel reads the UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
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
    return _csv(rows, f"updates-{portal.programme}.csv")


# --------------------------------------------------------------------------- bureau


@router.get("/portaal/logboek", response_class=HTMLResponse)
def audit_page(portal: PortalDep, onderwerp: str | None = None, id: str | None = None) -> Response:
    _require_role(portal, Role.BUREAU)
    entries = workflow.audit_log(
        portal.store, portal.programme, subject=onderwerp or None, subject_id=id or None
    )
    return show(
        portal,
        "portal_audit.html",
        entries=list(reversed(entries))[:500],
        total=len(entries),
        when=nl.moment,
        dumps=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True),
    )


@router.get("/portaal/logboek.csv")
def audit_csv(portal: PortalDep) -> Response:
    _require_role(portal, Role.BUREAU)
    rows: list[list[object]] = [
        ["id", "tijdstip", "door", "actie", "onderwerp", "onderwerp_id", "voor", "na", "reden"]
    ]
    for e in workflow.audit_log(portal.store, portal.programme):
        rows.append(
            [
                e.id,
                e.at.isoformat(),
                e.actor,
                e.action,
                e.subject,
                e.subject_id,
                json.dumps(e.before, ensure_ascii=False) if e.before is not None else None,
                json.dumps(e.after, ensure_ascii=False) if e.after is not None else None,
                e.reason,
            ]
        )
    return _csv(rows, f"logboek-{portal.programme}.csv")


def periods_page(portal: Portal, *, error: Exception | None = None) -> Response:
    _require_role(portal, Role.BUREAU)
    return show(
        portal,
        "portal_periods.html",
        error=error,
        closed=workflow.closed_periods(portal.store, portal.programme),
        when=nl.moment,
        this_year=datetime.now(UTC).year,
    )


@router.get("/portaal/jaren", response_class=HTMLResponse)
def periods_view(portal: PortalDep) -> Response:
    return periods_page(portal)


@router.post("/portaal/jaren", dependencies=CSRF)
def close_year(portal: PortalDep, jaar: Annotated[int, Form()]) -> Response:
    _require_role(portal, Role.BUREAU)
    try:
        workflow.close_period(portal.store, portal.programme, jaar, portal.user)
    except WORKFLOW_ERRORS as error:
        return periods_page(portal, error=error)
    return done("/portaal/jaren", "afgesloten")


# --------------------------------------------------------------------------- admin


def users_page(portal: Portal, *, error: Exception | None = None) -> Response:
    _require_role(portal, Role.ADMIN)
    return show(
        portal,
        "portal_users.html",
        error=error,
        users=workflow.users(portal.store, portal.programme),
        roles=[r.value for r in Role],
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
    _require_role(portal, Role.ADMIN)
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
    _require_role(portal, Role.ADMIN)
    change = workflow.reactivate if actief == "1" else workflow.deactivate
    try:
        change(portal.store, username, by=portal.user, version=versie)
    except WORKFLOW_ERRORS as error:
        return users_page(portal, error=error)
    return done("/portaal/gebruikers", "gewijzigd")


# --------------------------------------------------------------------------- API tokens


def tokens_page(
    portal: Portal, *, new_token: str | None = None, error: Exception | None = None
) -> Response:
    response = show(
        portal,
        "portal_tokens.html",
        error=error,
        tokens=workflow.tokens(portal.store, portal.user),
        new_token=new_token,
        when=nl.moment,
    )
    if new_token:  # shown once: keep it out of every cache
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/portaal/sleutels", response_class=HTMLResponse)
def tokens_view(portal: PortalDep) -> Response:
    return tokens_page(portal)


@router.post("/portaal/sleutels", dependencies=CSRF)
def create_token(portal: PortalDep, naam: Annotated[str, Form(max_length=120)]) -> Response:
    try:
        token, _ = workflow.create_token(portal.store, portal.user, naam)
    except WORKFLOW_ERRORS as error:
        return tokens_page(portal, error=error)
    return tokens_page(portal, new_token=token)


@router.post("/portaal/sleutels/{token_id}/intrekken", dependencies=CSRF)
def revoke_token(portal: PortalDep, token_id: RowId) -> Response:
    try:
        workflow.revoke_token(portal.store, portal.user, token_id)
    except WORKFLOW_ERRORS as error:
        return tokens_page(portal, error=error)
    return done("/portaal/sleutels", "ingetrokken")
