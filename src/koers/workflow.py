"""The partner workflow: users and roles, updates the bureau approves, escalation, closed
years and the audit log. The store layer of the partner portal; web pages sit on top of it.

Partners report on what their organisation owns: the status of an agreement (one of
:class:`Status`, a note and optional evidence) and the values of output indicators. The
programme bureau approves or returns what they submit; only approved updates count.

DESIGN
- Roles (:class:`Role`). A *partner* user works for one plan partner and drafts and submits
  updates for what that partner owns. The *bureau* may do everything in its programme:
  draft, submit, approve, return, close a year, correct a closed year, escalate. An *admin*
  manages users and nothing else (no role implies another). :func:`can` is the one rule;
  every write re-reads the acting user in its own transaction (a deactivated or demoted user
  cannot act on a stale session object) and refuses with :class:`PermissionError`.
- What a partner owns. An agreement: the partner is one of its ``owners`` (an agreement
  without owners is the bureau's). An output value: the indicator is an output indicator
  and the partner is one of the ``partners`` of the indicator's ``intervention``, or owns an
  agreement that lists the indicator in its ``indicators`` (:func:`reporters`). Co-owners
  share: each may edit and submit the other's draft.
- An update goes draft → submitted → approved or returned; a returned update is edited
  (back to draft) and submitted again. One update per subject is open at a time (draft,
  submitted or returned): per agreement, and per indicator, area and period. A second
  drafter edits the open one; the unique ``updates.open_key`` (NULL once decided) holds that
  on both backends, also under concurrent requests.
- Approving a status sets the agreement's row in ``agreement_state``. Approving an output
  value imports it with :meth:`Store.import_observations` as a batch of format ``portal``
  (one batch per approval), so history, revisions and ``koers import undo`` work as for files;
  the import runs inside the approval's transaction, so both land or neither does. An undone
  batch leaves its update approved; the value stops counting, as for a file.
- A closed year (:func:`close_period`, bureau) is locked for the figures whose period counts
  for it (:func:`koers.plan.period.period_year`): partners can no longer draft, edit or submit
  values for it, and :func:`approve` refuses them; the bureau changes it only with
  :func:`correct`, which needs a reason that the audit log keeps.
- Escalation climbs :data:`LADDER` one rung at a time (uitvoeringsoverleg → strategisch
  overleg → bestuurlijk overleg/bestuur); an agreement starts unescalated; each step and
  :func:`deescalate` (back to unescalated) needs a reason. Bureau only: partners signal
  trouble with the status (risico, vertraagd) and its note.
- Optimistic locking: users, updates and agreement states carry a ``version`` that every
  change raises. A write names the version it saw; a stale one raises :class:`ConflictError`
  saying who changed it and when. The write itself is conditional on the version, so two
  concurrent requests cannot both pass.
- Every change writes an ``audit_log`` row in the same transaction: who, when, the action,
  the subject, before and after (records without password hashes), and the reason. Nothing
  here updates or deletes audit rows, and database triggers refuse it (migration 0005).
- Passwords: at least :data:`MIN_PASSWORD` characters, stored as an argon2id hash
  (argon2-cffi's defaults, RFC 9106). :func:`authenticate` verifies in constant time and
  spends the same hashing time for an unknown or inactive user. When the default parameters
  grow, a successful login rehashes the password (a technical change, not audited).
- Usernames are case-insensitive (stored lowercase), unique over the store, never renamed;
  a user is deactivated, never deleted, so the usernames in history stay meaningful.
- Messages are Dutch: the portal's users read them. Refusals are :class:`StoreError` (bad
  input, wrong state) with nothing written.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Table, select
from sqlalchemy.exc import IntegrityError

from koers import nl
from koers.areas.values import Observation
from koers.plan.model import Agreement, Indicator, IndicatorKind, Plan, Unit
from koers.plan.period import period_year
from koers.plan.summary import agreement_rows
from koers.store import Store, StoreError
from koers.store import schema as t
from koers.store.base import current_user, digest
from koers.store.observations import Observations

PORTAL_FORMAT = "portal"  # the format of the batches approved output values become
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # longer is refused: hashing it would only cost the server time
MAX_TEXT = 4000  # a note, evidence or reason
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,119}$")
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


class Role(StrEnum):
    PARTNER = "partner"  # updates what its organisation owns
    BUREAU = "bureau"  # the programme bureau: everything in the programme, approves
    ADMIN = "admin"  # manages users


ROLE_LABELS: dict[Role, str] = {
    Role.PARTNER: "partner",
    Role.BUREAU: "programmabureau",
    Role.ADMIN: "beheerder",
}


class Status(StrEnum):
    """The status of an agreement as its owner reports it."""

    NIET_GESTART = "niet gestart"
    OP_SCHEMA = "op schema"
    RISICO = "risico"
    VERTRAAGD = "vertraagd"
    AFGEROND = "afgerond"
    VERVALLEN = "vervallen"


class Kind(StrEnum):
    STATUS = "status"  # the status of an agreement
    OUTPUT = "output"  # a value of an output indicator


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


STATE_LABELS: dict[State, str] = {
    State.DRAFT: "concept",
    State.SUBMITTED: "ingediend",
    State.APPROVED: "goedgekeurd",
    State.RETURNED: "teruggestuurd",
}
OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)


class Escalation(StrEnum):
    """The rungs of the escalation ladder, lowest first."""

    UITVOERINGSOVERLEG = "uitvoeringsoverleg"
    STRATEGISCH_OVERLEG = "strategisch overleg"
    BESTUURLIJK_OVERLEG = "bestuurlijk overleg"  # or the body where the pillar's escalations
    # end (koers.board.accountable_body: the board, or for Veilig the Driehoek)


LADDER: tuple[Escalation, ...] = tuple(Escalation)

Action = Literal[
    "draft", "submit", "approve", "return", "close_period", "correct", "escalate", "manage_users"
]
ACTIONS: tuple[Action, ...] = get_args(Action)
PARTNER_ACTIONS: frozenset[Action] = frozenset({"draft", "submit"})
BUREAU_ACTIONS: frozenset[Action] = frozenset(ACTIONS) - {"manage_users"}

REFUSED: dict[Action, str] = {
    "draft": "geen update opstellen",
    "submit": "geen update indienen",
    "approve": "geen updates goedkeuren",
    "return": "geen updates terugsturen",
    "close_period": "geen jaar afsluiten",
    "correct": "geen afgesloten jaar corrigeren",
    "escalate": "geen afspraken escaleren",
    "manage_users": "geen gebruikers beheren",
}


class ConflictError(StoreError):
    """A write based on a version that someone else changed in the meantime."""

    def __init__(
        self,
        what: str,
        yours: int,
        current: int | None,
        changed_by: str | None,
        changed_at: datetime | None,
    ) -> None:
        self.what = what
        self.yours = yours
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
        by = f" door {changed_by}" if changed_by else ""
        at = f" op {nl.moment(changed_at)}" if changed_at else ""
        now = f" (versie {current}; u werkte met versie {yours})" if current is not None else ""
        super().__init__(
            f"{what} is intussen gewijzigd{by}{at}{now}. "
            f"Laad de pagina opnieuw en probeer het nog eens."
        )


# -- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """A user as the portal sees it; the password hash never leaves the store."""

    id: int
    username: str
    programme: str
    role: Role
    partner: str | None
    active: bool
    version: int

    def record(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "programme": self.programme,
            "role": self.role.value,
            "partner": self.partner,
            "active": self.active,
            "version": self.version,
        }


@dataclass(frozen=True)
class Update:
    id: int
    programme: str
    kind: Kind
    state: State
    agreement: str | None  # kind status
    status: Status | None
    evidence: str | None
    indicator: str | None  # kind output
    area: str | None
    period: str | None
    value: float | None
    source: str | None
    note: str | None
    reason: str | None  # why it was returned, or why a closed year was corrected
    batch: str | None  # the import batch of an approved output value
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def record(self) -> dict[str, Any]:
        """What the audit log keeps of an update."""
        return {
            "kind": self.kind.value,
            "state": self.state.value,
            "agreement": self.agreement,
            "status": self.status.value if self.status else None,
            "evidence": self.evidence,
            "indicator": self.indicator,
            "area": self.area,
            "period": self.period,
            "value": self.value,
            "note": self.note,
            "reason": self.reason,
            "batch": self.batch,
            "version": self.version,
        }


@dataclass(frozen=True)
class AgreementState:
    """An agreement's approved status and its escalation."""

    agreement: str
    status: Status | None  # none: not reported yet
    escalation: Escalation | None  # none: not escalated
    version: int
    updated_at: datetime | None
    updated_by: str | None
    update: int | None  # the approved update that set the status

    def record(self) -> dict[str, Any]:
        return {
            "status": self.status.value if self.status else None,
            "escalation": self.escalation.value if self.escalation else None,
            "update": self.update,
            "version": self.version,
        }


@dataclass(frozen=True)
class ClosedPeriod:
    year: int
    closed_at: datetime
    closed_by: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    programme: str
    at: datetime
    actor: str
    action: str
    subject: str  # user / update / agreement / observation / period
    subject_id: str
    before: dict[str, Any] | None  # none: the subject is new
    after: dict[str, Any] | None
    reason: str | None


# -- permissions ---------------------------------------------------------------------------


def reporters(plan: Plan, indicator: Indicator) -> set[str]:
    """The partners that report values of ``indicator``: for an output indicator the
    partners of its intervention and the owners of agreements that list it; else none."""
    if indicator.kind is not IndicatorKind.OUTPUT:
        return set()
    found = {
        p
        for intervention in plan.interventions
        if intervention.id == indicator.intervention
        for p in intervention.partners
    }
    found.update(o for a in plan.agreements if indicator.id in a.indicators for o in a.owners)
    return found


def partner_agreements(plan: Plan, partner: str) -> list[Agreement]:
    """The agreements ``partner`` reports the status of."""
    return [a for a in plan.agreements if partner in a.owners]


def partner_indicators(plan: Plan, partner: str) -> list[Indicator]:
    """The output indicators ``partner`` reports values of."""
    return [i for i in plan.indicators if partner in reporters(plan, i)]


def can(
    user: User,
    action: Action,
    *,
    agreement: Agreement | None = None,
    indicator: Indicator | None = None,
    plan: Plan | None = None,
) -> bool:
    """Whether ``user`` may do ``action`` (on ``agreement`` or ``indicator``).

    Inactive users may do nothing, and nobody acts in another programme's ``plan``. An admin
    manages users; the bureau does everything else; a partner drafts and submits updates for
    an agreement it owns, or a value of an output indicator it reports (:func:`reporters`,
    which needs ``plan``).
    """
    if not user.active or (plan is not None and plan.programme.id != user.programme):
        return False
    if user.role is Role.ADMIN:
        return action == "manage_users"
    if user.role is Role.BUREAU:
        return action in BUREAU_ACTIONS
    if action not in PARTNER_ACTIONS or user.partner is None:
        return False
    if agreement is not None:
        return user.partner in agreement.owners
    if indicator is not None and plan is not None:
        return user.partner in reporters(plan, indicator)
    return False


def _require(
    user: User,
    action: Action,
    *,
    agreement: Agreement | None = None,
    indicator: Indicator | None = None,
    plan: Plan | None = None,
) -> None:
    if can(user, action, agreement=agreement, indicator=indicator, plan=plan):
        return
    who = f"{user.username} ({ROLE_LABELS[user.role]}"
    who += f" van {user.partner})" if user.partner else ")"
    about = ""
    if agreement is not None:
        about = f" voor afspraak {agreement.id}"
    elif indicator is not None:
        about = f" voor indicator {indicator.id}"
    if not user.active:
        hint = f" Het account {user.username} is niet actief."
    elif plan is not None and plan.programme.id != user.programme:
        hint = f" {user.username} hoort bij programma {user.programme}."
    elif action == "manage_users":
        hint = " Dat mag alleen een beheerder."
    elif action not in PARTNER_ACTIONS or (agreement is None and indicator is None):
        hint = " Dat mag alleen het programmabureau."
    elif agreement is not None:
        owners = ", ".join(agreement.owners) or "geen"
        hint = f" Dat mogen de eigenaren van de afspraak ({owners}) en het programmabureau."
    elif indicator is not None and indicator.kind is IndicatorKind.OUTPUT and plan is not None:
        names = ", ".join(sorted(reporters(plan, indicator))) or "geen"
        hint = f" Dat mogen de partners die hem rapporteren ({names}) en het programmabureau."
    else:
        hint = " Partners rapporteren alleen waarden van outputindicatoren."
    raise PermissionError(f"Geen toestemming: {who} mag {REFUSED[action]}{about}.{hint}")


# -- users -------------------------------------------------------------------------------

_HASHER = PasswordHasher()
# verified against when the user is unknown, so that costs the same time as a known user
_DUMMY_HASH = _HASHER.hash("koers: geen gebruiker met deze naam")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise StoreError(
            f"gebruikersnaam '{username}' is ongeldig: 3 tot 120 tekens, kleine letters, "
            f"cijfers en . _ @ -, beginnend met een letter of cijfer"
        )
    return name


def _password(password: str, username: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"het wachtwoord is te kort: minstens {MIN_PASSWORD} tekens")
    if len(password) > MAX_PASSWORD:
        raise StoreError(f"het wachtwoord is te lang: hoogstens {MAX_PASSWORD} tekens")
    if password.strip().lower() == username:
        raise StoreError("het wachtwoord mag niet gelijk zijn aan de gebruikersnaam")
    return _HASHER.hash(password)


def _role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise StoreError(
            f"onbekende rol '{role}'; kies uit {', '.join(r.value for r in Role)}"
        ) from None


def _role_partner(plan: Plan, role: Role, partner: str | None) -> str | None:
    if role is Role.PARTNER and not partner:
        raise StoreError("een gebruiker met de rol partner hoort bij een partner van het plan")
    if partner and partner not in {p.id for p in plan.partners}:
        raise StoreError(f"partner '{partner}' staat niet in het plan van {plan.programme.id}")
    return partner or None


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        programme=row.programme_id,
        role=Role(row.role),
        partner=row.partner_id,
        active=bool(row.active),
        version=row.version,
    )


def _user_row(c: Connection, username: str) -> Any:
    row = _named(c, username)
    if row is None:
        raise StoreError(f"gebruiker '{username}' bestaat niet")
    return row


def _named(c: Connection, username: str) -> Any:
    """The row of the user with this name, or None. A name no user can have (see
    :data:`USERNAME`) is not looked up: PostgreSQL would refuse one with a NUL character."""
    name = username.strip().lower()
    if USERNAME.match(name) is None:
        return None
    return c.execute(select(t.users).where(t.users.c.username == name)).first()


def _actor(c: Connection, user: User) -> User:
    """The acting user as the store knows it now."""
    row = c.execute(select(t.users).where(t.users.c.id == user.id)).first()
    if row is None or not row.active:
        raise PermissionError(f"Geen toestemming: het account {user.username} is niet actief.")
    return _user(row)


def _admins(c: Connection, programme: str) -> int:
    u = t.users.c
    rows = c.execute(
        select(u.id).where(u.programme_id == programme, u.role == Role.ADMIN.value, u.active)
    )
    return len(rows.all())


def create_user(
    store: Store,
    programme: str,
    username: str,
    password: str,
    role: str | Role,
    partner: str | None = None,
    *,
    by: User | None,
) -> User:
    """Add a user; an admin of the programme does this (``by``).

    ``by=None`` is the set-up from the command line: allowed only to create the programme's
    first admin, while it has no active admin.
    """
    plan = store.plan(programme)
    name = _username(username)
    chosen = _role(role)
    partner = _role_partner(plan, chosen, partner)
    password_hash = _password(password, name)
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        if by is None:
            if chosen is not Role.ADMIN or _admins(c, programme):
                raise PermissionError(
                    "Geen toestemming: zonder ingelogde beheerder kan alleen de eerste "
                    "beheerder van een programma worden aangemaakt."
                )
            actor_name = current_user()
        else:
            actor = _actor(c, by)
            _require(actor, "manage_users", plan=plan)
            actor_name = actor.username
        if c.execute(select(t.users.c.id).where(t.users.c.username == name)).first():
            raise StoreError(f"gebruikersnaam '{name}' bestaat al")
        try:
            inserted = c.execute(
                t.users.insert().values(
                    username=name,
                    programme_id=programme,
                    role=chosen.value,
                    partner_id=partner,
                    password_hash=password_hash,
                    active=True,
                    version=1,
                    created_at=now,
                    created_by=actor_name,
                    updated_at=now,
                    updated_by=actor_name,
                )
            ).inserted_primary_key
        except IntegrityError:
            raise StoreError(f"gebruikersnaam '{name}' bestaat al") from None
        assert inserted is not None
        user = _user(c.execute(select(t.users).where(t.users.c.id == inserted[0])).one())
        _audit(c, programme, actor_name, "create_user", "user", name, None, user.record())
    return user


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user with this name and password, else None.

    The hash is verified in constant time; an unknown or inactive user, or an overlong
    password, costs the same hashing time, so timing does not tell which names exist.
    """
    with store.engine.begin() as c:
        row = _named(c, username)
    if len(password) > MAX_PASSWORD:
        _verify(_DUMMY_HASH, "")
        return None
    ok = _verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    if row is None or not ok or not row.active:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        with store.engine.begin() as c:
            c.execute(
                t.users.update()
                .where(t.users.c.id == row.id, t.users.c.password_hash == row.password_hash)
                .values(password_hash=_HASHER.hash(password))
            )
    return _user(row)


def get_user(store: Store, user_id: int) -> User | None:
    """The user with this id (for a session), active or not; None if there is none."""
    with store.engine.begin() as c:
        row = c.execute(select(t.users).where(t.users.c.id == user_id)).first()
    return _user(row) if row is not None else None


def users(store: Store, programme: str) -> list[User]:
    with store.engine.begin() as c:
        rows = c.execute(
            select(t.users).where(t.users.c.programme_id == programme).order_by(t.users.c.username)
        )
        return [_user(r) for r in rows]


def _change_user(
    store: Store,
    username: str,
    *,
    by: User,
    version: int,
    action: str,
    values: Mapping[str, Any],
    check: Callable[[Connection, User], None] | None = None,
) -> User:
    """Change a user of ``by``'s programme, as an admin (or, for a password, the user)."""
    with store.engine.begin() as c:
        actor = _actor(c, by)
        row = _user_row(c, username)
        before = _user(row)
        own_password = action == "set_password" and actor.id == before.id
        if not own_password:
            _require(actor, "manage_users")
        if before.programme != actor.programme:
            raise PermissionError(
                f"Geen toestemming: {before.username} hoort bij programma {before.programme}."
            )
        if check is not None:
            check(c, before)
        _bump(
            c,
            t.users,
            t.users.c.id == before.id,
            row,
            version,
            f"gebruiker {before.username}",
            {**values, "updated_at": datetime.now(UTC), "updated_by": actor.username},
        )
        after = _user(c.execute(select(t.users).where(t.users.c.id == before.id)).one())
        before_record, after_record = before.record(), after.record()
        if action == "set_password":
            before_record["password"], after_record["password"] = "oud", "gewijzigd"
        _audit(
            c,
            actor.programme,
            actor.username,
            action,
            "user",
            after.username,
            before_record,
            after_record,
        )
    return after


def _keeps_an_admin(c: Connection, before: User, role: Role, active: bool) -> None:
    leaves = before.role is Role.ADMIN and before.active and (role is not Role.ADMIN or not active)
    if leaves and _admins(c, before.programme) <= 1:
        raise StoreError(
            f"{before.username} is de laatste actieve beheerder van {before.programme}; "
            f"maak eerst een andere beheerder aan"
        )


def set_role(
    store: Store,
    username: str,
    role: str | Role,
    partner: str | None = None,
    *,
    by: User,
    version: int,
) -> User:
    """Give a user another role (and partner); an admin does this."""
    chosen = _role(role)
    with store.engine.begin() as c:
        programme = _user(_user_row(c, username)).programme
    partner = _role_partner(store.plan(programme), chosen, partner)
    return _change_user(
        store,
        username,
        by=by,
        version=version,
        action="set_role",
        values={"role": chosen.value, "partner_id": partner},
        check=lambda c, before: _keeps_an_admin(c, before, chosen, before.active),
    )


def _set_active(store: Store, username: str, active: bool, *, by: User, version: int) -> User:
    def check(c: Connection, before: User) -> None:
        if before.active == active:
            state = "actief" if active else "gedeactiveerd"
            raise StoreError(f"{before.username} is al {state}")
        _keeps_an_admin(c, before, before.role, active)

    action = "reactivate" if active else "deactivate"
    return _change_user(
        store,
        username,
        by=by,
        version=version,
        action=action,
        values={"active": active},
        check=check,
    )


def deactivate(store: Store, username: str, *, by: User, version: int) -> User:
    """Stop a user from logging in and acting; the user and its history stay."""
    return _set_active(store, username, False, by=by, version=version)


def reactivate(store: Store, username: str, *, by: User, version: int) -> User:
    return _set_active(store, username, True, by=by, version=version)


def set_password(store: Store, username: str, password: str, *, by: User, version: int) -> User:
    """A new password: users set their own, an admin sets anyone's in its programme."""
    name = username.strip().lower()
    return _change_user(
        store,
        name,
        by=by,
        version=version,
        action="set_password",
        values={"password_hash": _password(password, name)},
    )


# -- API tokens ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiToken:
    id: int
    username: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def _token_hash(token: str) -> str:
    # a token carries 256 random bits, so a plain SHA-256 suffices (no slow hash needed)
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: Store, user: User, name: str) -> tuple[str, ApiToken]:
    """A new API token for ``user`` itself: the token (shown once) and its record.

    The token acts with the user's role and rights, re-read at every request, so a
    deactivated or demoted user's tokens lose their power at once.
    """
    label = _text(name, "de naam van de sleutel", required=True)
    assert label is not None
    token = "koers_" + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        actor = _actor(c, user)
        if not actor.active:
            raise PermissionError(f"Geen toestemming: het account {actor.username} is niet actief.")
        inserted = c.execute(
            t.api_tokens.insert().values(
                user_id=actor.id, name=label, token_hash=_token_hash(token), created_at=now
            )
        ).inserted_primary_key
        assert inserted is not None
        _audit(
            c,
            actor.programme,
            actor.username,
            "create_token",
            "user",
            actor.username,
            None,
            {"token": label},
        )
    return token, ApiToken(int(inserted[0]), actor.username, label, now, None)


def token_user(store: Store, token: str) -> User | None:
    """The active user an unrevoked ``token`` belongs to, else None."""
    k, u = t.api_tokens.c, t.users.c
    with store.engine.begin() as c:
        row = c.execute(
            select(t.users)
            .join(t.api_tokens, k.user_id == u.id)
            .where(k.token_hash == _token_hash(token), k.revoked_at.is_(None))
        ).first()
    if row is None or not row.active:
        return None
    return _user(row)


def tokens(store: Store, user: User) -> list[ApiToken]:
    """The tokens of ``user``, newest first."""
    k = t.api_tokens.c
    with store.engine.begin() as c:
        rows = c.execute(
            select(t.api_tokens).where(k.user_id == user.id).order_by(k.id.desc())
        ).all()
    return [ApiToken(r.id, user.username, r.name, r.created_at, r.revoked_at) for r in rows]


def revoke_token(store: Store, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens."""
    k = t.api_tokens.c
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        actor = _actor(c, user)
        row = c.execute(select(t.api_tokens).where(k.id == token_id, k.user_id == actor.id)).first()
        if row is None:
            raise StoreError(f"sleutel {token_id} bestaat niet of is niet van {actor.username}")
        if row.revoked_at is None:
            c.execute(t.api_tokens.update().where(k.id == token_id).values(revoked_at=now))
            _audit(
                c,
                actor.programme,
                actor.username,
                "revoke_token",
                "user",
                actor.username,
                {"token": row.name},
                None,
            )
    return ApiToken(row.id, actor.username, row.name, row.created_at, row.revoked_at or now)


# -- updates -----------------------------------------------------------------------------


def _text(value: str | None, what: str, *, required: bool = False) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise StoreError(f"{what} is verplicht")
    if len(text) > MAX_TEXT:
        raise StoreError(f"{what} is te lang: hoogstens {MAX_TEXT} tekens")
    if "\x00" in text:  # SQLite would keep it, PostgreSQL refuses it: refused on both
        raise StoreError(f"{what} bevat een NUL-teken; laat dat weg")
    return text or None


def _evidence(value: str | None) -> str | None:
    text = _text(value, "het bewijs")
    if text is not None and text.lower().startswith(UNSAFE_SCHEMES):
        raise StoreError("het bewijs mag een tekst of een http(s)-link zijn, geen andere link")
    return text


def _status(value: str | Status | None) -> Status:
    try:
        return Status(value or "")
    except ValueError:
        raise StoreError(
            f"onbekende status '{value}'; kies uit {', '.join(s.value for s in Status)}"
        ) from None


def _agreement(plan: Plan, agreement: str) -> Agreement:
    for item in plan.agreements:
        if item.id == agreement:
            return item
    raise StoreError(f"afspraak '{agreement}' staat niet in het plan van {plan.programme.id}")


def _output(plan: Plan, indicator: str) -> Indicator:
    try:
        item = plan.indicator(indicator)
    except KeyError:
        raise StoreError(
            f"indicator '{indicator}' staat niet in het plan van {plan.programme.id}"
        ) from None
    if item.kind is not IndicatorKind.OUTPUT:
        raise StoreError(
            f"indicator '{indicator}' is een {item.kind.value}-indicator; via het portaal "
            f"komen alleen waarden van outputindicatoren binnen"
        )
    return item


def _period(period: str) -> tuple[str, int]:
    text = period.strip()
    try:
        return text, period_year(text)
    except ValueError:
        raise StoreError(
            f"periode '{period}' is geen jaar ('2024'), schooljaar ('2023/2024') of "
            f"datum ('2024-10-01')"
        ) from None


def _value(indicator: Indicator, value: float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise StoreError("de waarde moet een getal zijn")
    if indicator.unit is Unit.PERCENT and not 0 <= number <= 100:
        raise StoreError(f"de waarde van {indicator.id} is een percentage: tussen 0 en 100")
    if indicator.unit is Unit.COUNT and number < 0:
        raise StoreError(f"de waarde van {indicator.id} is een aantal: niet negatief")
    return number


def _area(plan: Plan, area: str, year: int) -> str:
    try:
        item = plan.area(area)
    except KeyError:
        raise StoreError(
            f"gebied '{area}' staat niet in het plan van {plan.programme.id}"
        ) from None
    if not item.valid_in(year):
        raise StoreError(f"gebied '{area}' bestaat niet in {year}")
    return area


def _open_key(kind: Kind, *parts: str) -> str:
    return "|".join((kind.value, *parts))


def _update(row: Any) -> Update:
    return Update(
        id=row.id,
        programme=row.programme_id,
        kind=Kind(row.kind),
        state=State(row.state),
        agreement=row.agreement_id,
        status=Status(row.status) if row.status else None,
        evidence=row.evidence,
        indicator=row.indicator_id,
        area=row.area_id,
        period=row.period,
        value=row.value,
        source=row.source,
        note=row.note,
        reason=row.reason,
        batch=row.batch_id,
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
    )


def _update_row(c: Connection, update_id: int) -> Any:
    row = c.execute(select(t.updates).where(t.updates.c.id == update_id)).first()
    if row is None:
        raise StoreError(f"update {update_id} bestaat niet")
    return row


def _closed(c: Connection, programme: str, year: int) -> Any:
    p = t.closed_periods.c
    return c.execute(
        select(t.closed_periods).where(p.programme_id == programme, p.year == year)
    ).first()


def _refuse_closed(c: Connection, actor: User, programme: str, period: str) -> None:
    """Partners cannot draft, edit or submit a value of a closed year."""
    year = period_year(period)
    if actor.role is not Role.BUREAU and _closed(c, programme, year) is not None:
        raise StoreError(
            f"het jaar {year} is afgesloten; een wijziging van periode {period} loopt via "
            f"het programmabureau"
        )


def _source(plan: Plan, actor: User) -> str:
    names = {p.id: p.name for p in plan.partners}
    who = names.get(actor.partner or "", "programmabureau")
    return f"{who} (partnerportaal)"


def draft_update(
    store: Store,
    programme: str,
    user: User,
    *,
    agreement: str | None = None,
    status: str | Status | None = None,
    note: str | None = None,
    evidence: str | None = None,
    indicator: str | None = None,
    area: str | None = None,
    period: str | None = None,
    value: float | None = None,
) -> Update:
    """Draft the status of an ``agreement`` (``status``, ``note``, optional ``evidence``),
    or a ``value`` of an output ``indicator`` for an ``area`` and ``period`` (optional
    ``note``). Refused while another update of the same subject is open."""
    plan = store.plan(programme)
    if (agreement is None) == (indicator is None):
        raise StoreError("een update gaat over een afspraak of over een outputindicator")
    values: dict[str, Any]
    subject: Agreement | None = None
    item: Indicator | None = None
    if agreement is not None:
        subject = _agreement(plan, agreement)
        values = {
            "kind": Kind.STATUS.value,
            "agreement_id": agreement,
            "status": _status(status).value,
            "note": _text(note, "de toelichting", required=True),
            "evidence": _evidence(evidence),
            "open_key": _open_key(Kind.STATUS, agreement),
        }
        what = f"afspraak {agreement}"
    else:
        assert indicator is not None
        item = _output(plan, indicator)
        if area is None or period is None or value is None:
            raise StoreError("een outputwaarde heeft een gebied, een periode en een waarde")
        text, year = _period(period)
        values = {
            "kind": Kind.OUTPUT.value,
            "indicator_id": indicator,
            "area_id": _area(plan, area, year),
            "period": text,
            "value": _value(item, value),
            "note": _text(note, "de toelichting"),
            "open_key": _open_key(Kind.OUTPUT, indicator, area, text),
        }
        what = f"indicator {indicator} in {area} over {text}"
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        actor = _actor(c, user)
        _require(actor, "draft", agreement=subject, indicator=item, plan=plan)
        if values["kind"] == Kind.OUTPUT.value:
            _refuse_closed(c, actor, programme, values["period"])
        _refuse_open(c, programme, values["open_key"], what)
        try:
            inserted = c.execute(
                t.updates.insert().values(
                    programme_id=programme,
                    state=State.DRAFT.value,
                    source=_source(plan, actor),
                    version=1,
                    created_at=now,
                    created_by=actor.username,
                    updated_at=now,
                    updated_by=actor.username,
                    **values,
                )
            ).inserted_primary_key
        except IntegrityError:
            raise StoreError(f"er is net een update voor {what} aangemaakt; laad opnieuw") from None
        assert inserted is not None
        update = _update(_update_row(c, int(inserted[0])))
        _audit(
            c, programme, actor.username, "draft", "update", str(update.id), None, update.record()
        )
    return update


def _refuse_open(c: Connection, programme: str, open_key: str, what: str) -> None:
    u = t.updates.c
    row = c.execute(
        select(t.updates).where(u.programme_id == programme, u.open_key == open_key)
    ).first()
    if row is not None:
        raise StoreError(
            f"voor {what} staat al update {row.id} open ({STATE_LABELS[State(row.state)]}, "
            f"door {row.created_by}); werk die bij in plaats van een nieuwe te maken"
        )


def _subject(plan: Plan, update: Update) -> tuple[Agreement | None, Indicator | None]:
    """The agreement or indicator an update is about, for :func:`can`."""
    if update.kind is Kind.STATUS:
        assert update.agreement is not None
        return _agreement(plan, update.agreement), None
    assert update.indicator is not None
    return None, _output(plan, update.indicator)


def _in_state(update: Update, *states: State, doing: str) -> None:
    if update.state not in states:
        allowed = " of ".join(STATE_LABELS[s] for s in states)
        raise StoreError(
            f"update {update.id} is {update.state_label}; {doing} kan alleen als hij {allowed} is"
        )


@contextmanager
def _changing(
    store: Store, update_id: int, user: User, version: int, action: Action
) -> Iterator[tuple[Connection, Plan, User, Any, Update]]:
    """One transaction to change an update: the acting user (allowed to do ``action`` on
    the update's subject), its row, and the update as it was at ``version``."""
    plan = store.plan(get_update(store, update_id).programme)
    with store.engine.begin() as c:
        row = _update_row(c, update_id)
        before = _update(row)
        actor = _actor(c, user)
        agreement, indicator = _subject(plan, before)
        _require(actor, action, agreement=agreement, indicator=indicator, plan=plan)
        _check_version(row, version, f"update {update_id}")
        yield c, plan, actor, row, before


def _save(
    c: Connection,
    row: Any,
    version: int,
    actor: User,
    action: str,
    values: Mapping[str, Any],
    reason: str | None = None,
) -> Update:
    before = _update(row)
    now = datetime.now(UTC)
    _bump(
        c,
        t.updates,
        t.updates.c.id == row.id,
        row,
        version,
        f"update {row.id}",
        {**values, "updated_at": now, "updated_by": actor.username},
    )
    after = _update(_update_row(c, row.id))
    _audit(
        c,
        after.programme,
        actor.username,
        action,
        "update",
        str(after.id),
        before.record(),
        after.record(),
        reason,
    )
    return after


def edit_draft(
    store: Store,
    update_id: int,
    user: User,
    version: int,
    *,
    status: str | Status | None = None,
    note: str | None = None,
    evidence: str | None = None,
    value: float | None = None,
) -> Update:
    """Change a draft or returned update (a returned one becomes a draft again).

    Only what is given changes; ``evidence=""`` removes the evidence.
    """
    with _changing(store, update_id, user, version, "draft") as (c, plan, actor, row, before):
        _in_state(before, State.DRAFT, State.RETURNED, doing="bewerken")
        values: dict[str, Any] = {"state": State.DRAFT.value}
        if before.kind is Kind.STATUS:
            if status is not None:
                values["status"] = _status(status).value
            if note is not None:
                values["note"] = _text(note, "de toelichting", required=True)
            if evidence is not None:
                values["evidence"] = _evidence(evidence)
        else:
            assert before.period is not None
            _refuse_closed(c, actor, before.programme, before.period)
            if status is not None or evidence is not None:
                raise StoreError("een outputwaarde heeft geen status of bewijs")
            if value is not None:
                indicator = _subject(plan, before)[1]
                assert indicator is not None
                values["value"] = _value(indicator, value)
            if note is not None:
                values["note"] = _text(note, "de toelichting")
        return _save(c, row, version, actor, "edit", values)


def submit(store: Store, update_id: int, user: User, version: int) -> Update:
    """Hand a draft to the programme bureau."""
    with _changing(store, update_id, user, version, "submit") as (c, _plan, actor, row, before):
        _in_state(before, State.DRAFT, doing="indienen")
        if before.kind is Kind.OUTPUT:
            assert before.period is not None
            _refuse_closed(c, actor, before.programme, before.period)
        now = datetime.now(UTC)
        return _save(
            c,
            row,
            version,
            actor,
            "submit",
            {"state": State.SUBMITTED.value, "submitted_at": now, "submitted_by": actor.username},
        )


def approve(store: Store, update_id: int, user: User, version: int) -> Update:
    """Accept a submitted update: a status becomes the agreement's, a value an observation
    (a batch of format ``portal``). A value of a closed year needs :func:`correct`."""
    with _changing(store, update_id, user, version, "approve") as (c, plan, actor, row, before):
        _in_state(before, State.SUBMITTED, doing="goedkeuren")
        if before.kind is Kind.OUTPUT:
            assert before.period is not None
            year = period_year(before.period)
            if _closed(c, before.programme, year) is not None:
                raise StoreError(
                    f"het jaar {year} is afgesloten; een waarde over {before.period} "
                    f"verandert alleen met een correctie door het programmabureau, met een reden"
                )
        return _decide(store, c, plan, actor, row, version, "approve", None)


def correct(store: Store, update_id: int, user: User, version: int, reason: str) -> Update:
    """Accept a submitted value of a closed year: the bureau's logged correction."""
    why = _text(reason, "de reden van de correctie", required=True)
    with _changing(store, update_id, user, version, "correct") as (c, plan, actor, row, before):
        _in_state(before, State.SUBMITTED, doing="corrigeren")
        if before.kind is not Kind.OUTPUT:
            raise StoreError("alleen outputwaarden van een afgesloten jaar worden gecorrigeerd")
        assert before.period is not None
        year = period_year(before.period)
        if _closed(c, before.programme, year) is None:
            raise StoreError(f"het jaar {year} is niet afgesloten; keur de update gewoon goed")
        return _decide(store, c, plan, actor, row, version, "correct", why)


def return_update(store: Store, update_id: int, user: User, version: int, reason: str) -> Update:
    """Send a submitted update back to its partner, saying why; it does not count."""
    why = _text(reason, "de reden van terugsturen", required=True)
    with _changing(store, update_id, user, version, "return") as (c, _plan, actor, row, before):
        _in_state(before, State.SUBMITTED, doing="terugsturen")
        now = datetime.now(UTC)
        values = {
            "state": State.RETURNED.value,
            "reason": why,
            "decided_at": now,
            "decided_by": actor.username,
        }
        return _save(c, row, version, actor, "return", values, why)


def _decide(
    store: Store,
    c: Connection,
    plan: Plan,
    actor: User,
    row: Any,
    version: int,
    action: str,
    reason: str | None,
) -> Update:
    """Approve (or correct) a submitted update: it counts from now on."""
    update = _update(row)
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "state": State.APPROVED.value,
        "open_key": None,
        "decided_at": now,
        "decided_by": actor.username,
    }
    if reason is not None:
        values["reason"] = reason
    if update.kind is Kind.STATUS:
        assert update.agreement is not None and update.status is not None
        values_state = {"status": update.status.value, "update_id": update.id}
        _set_state(
            c, update.programme, update.agreement, actor, values_state, action="status", reason=None
        )
    else:
        values["batch_id"] = _import(store, c, update, actor, reason)
    return _save(c, row, version, actor, action, values, reason)


def _import(store: Store, c: Connection, update: Update, actor: User, reason: str | None) -> str:
    """Import an approved value as its own batch; audit the figure it replaces."""
    assert update.indicator and update.area and update.period
    key = (update.indicator, update.area, update.period)
    inside = Observations(c)
    current = {(o.indicator, o.area, o.period): o for o in inside.current(update.programme)}
    previous = current.get(key)
    observation = Observation(
        indicator=update.indicator,
        area=update.area,
        period=update.period,
        value=update.value,
        source=update.source,
        note=update.note,
    )
    correction = "correctie " if reason is not None else ""
    result = inside.add_batch(
        update.programme,
        [observation],
        source_name=f"partnerportaal: {correction}update {update.id}",
        checksum=digest({"portal_update": update.id, "version": update.version}),
        format=PORTAL_FORMAT,
        user=actor.username,
    )

    def figure(obs: Observation | None, batch: str | None) -> dict[str, Any] | None:
        if obs is None:
            return None
        return {"value": obs.value, "status": obs.status, "source": obs.source, "batch": batch}

    _audit(
        c,
        update.programme,
        actor.username,
        "value",
        "observation",
        "|".join(key),
        figure(previous, previous.batch if previous else None),
        figure(observation, result.batch),
        reason,
    )
    return result.batch


def get_update(store: Store, update_id: int) -> Update:
    with store.engine.begin() as c:
        return _update(_update_row(c, update_id))


def updates(
    store: Store,
    programme: str,
    *,
    state: State | str | None = None,
    agreement: str | None = None,
    indicator: str | None = None,
) -> list[Update]:
    """The updates of a programme, oldest first, optionally of one state or subject."""
    u = t.updates.c
    query = select(t.updates).where(u.programme_id == programme).order_by(u.id)
    if state is not None:
        query = query.where(u.state == State(state).value)
    if agreement is not None:
        query = query.where(u.agreement_id == agreement)
    if indicator is not None:
        query = query.where(u.indicator_id == indicator)
    with store.engine.begin() as c:
        return [_update(r) for r in c.execute(query)]


# -- agreements: status and escalation ---------------------------------------------------


def _state(agreement: str, row: Any) -> AgreementState:
    if row is None:
        return AgreementState(agreement, None, None, 0, None, None, None)
    return AgreementState(
        agreement=agreement,
        status=Status(row.status) if row.status else None,
        escalation=Escalation(row.escalation) if row.escalation else None,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        update=row.update_id,
    )


def _state_row(c: Connection, programme: str, agreement: str) -> Any:
    s = t.agreement_state.c
    return c.execute(
        select(t.agreement_state).where(s.programme_id == programme, s.agreement_id == agreement)
    ).first()


def _set_state(
    c: Connection,
    programme: str,
    agreement: str,
    actor: User,
    values: Mapping[str, Any],
    *,
    action: str,
    reason: str | None,
    version: int | None = None,
) -> AgreementState:
    """Change an agreement's state (created at its first change); audited."""
    row = _state_row(c, programme, agreement)
    before = _state(agreement, row)
    what = f"de stand van afspraak {agreement}"
    if version is not None and row is not None:
        _check_version(row, version, what)
    elif version not in (None, 0):
        raise ConflictError(what, version or 0, 0, None, None)
    now = datetime.now(UTC)
    stamp = {"updated_at": now, "updated_by": actor.username}
    s = t.agreement_state.c
    if row is None:
        fields = {"status": None, "update_id": None, "escalation": None, **values, **stamp}
        try:
            c.execute(
                t.agreement_state.insert().values(
                    programme_id=programme, agreement_id=agreement, version=1, **fields
                )
            )
        except IntegrityError:  # someone else gave it its first state meanwhile
            raise ConflictError(what, 0, None, None, None) from None
    else:
        _bump(
            c,
            t.agreement_state,
            (s.programme_id == programme) & (s.agreement_id == agreement),
            row,
            row.version,
            what,
            {**values, **stamp},
        )
    after = _state(agreement, _state_row(c, programme, agreement))
    _audit(
        c,
        programme,
        actor.username,
        action,
        "agreement",
        agreement,
        before.record() if row is not None else None,
        after.record(),
        reason,
    )
    return after


def agreement_states(store: Store, programme: str) -> dict[str, AgreementState]:
    """Every agreement that has a state (an approved status or an escalation)."""
    s = t.agreement_state.c
    with store.engine.begin() as c:
        rows = c.execute(
            select(t.agreement_state).where(s.programme_id == programme).order_by(s.agreement_id)
        )
        return {r.agreement_id: _state(r.agreement_id, r) for r in rows}


def agreement_state(store: Store, programme: str, agreement: str) -> AgreementState:
    """The agreement's state; version 0 and nothing set when it has none yet."""
    with store.engine.begin() as c:
        return _state(agreement, _state_row(c, programme, agreement))


def current_statuses(store: Store, programme: str) -> dict[str, str]:
    """Agreement id → its last approved status (for ``agreement_rows(statuses=...)``)."""
    return current_statuses_of(agreement_states(store, programme))


def current_statuses_of(states: Mapping[str, AgreementState]) -> dict[str, str]:
    return {a: s.status.value for a, s in states.items() if s.status is not None}


def escalations(store: Store, programme: str) -> dict[str, Escalation]:
    """Agreement id → the rung it is escalated to (for the board agenda: the top rung)."""
    return {
        a: s.escalation
        for a, s in agreement_states(store, programme).items()
        if s.escalation is not None
    }


def escalate(
    store: Store,
    programme: str,
    agreement: str,
    user: User,
    level: str | Escalation,
    reason: str,
    *,
    version: int | None = None,
) -> AgreementState:
    """Escalate an agreement to ``level``, the next rung of :data:`LADDER`, with a reason."""
    plan = store.plan(programme)
    item = _agreement(plan, agreement)
    try:
        rung = Escalation(level)
    except ValueError:
        raise StoreError(
            f"onbekende escalatietrede '{level}'; de ladder is {' → '.join(LADDER)}"
        ) from None
    why = _text(reason, "de reden van escalatie", required=True)
    with store.engine.begin() as c:
        actor = _actor(c, user)
        _require(actor, "escalate", agreement=item, plan=plan)
        current = _state(agreement, _state_row(c, programme, agreement)).escalation
        position = -1 if current is None else LADDER.index(current)
        if position == len(LADDER) - 1:
            raise StoreError(f"afspraak {agreement} staat al op de hoogste trede ({current})")
        expected = LADDER[position + 1]
        if rung is not expected:
            now = f"staat nu op {current}" if current else "is nog niet geëscaleerd"
            raise StoreError(
                f"afspraak {agreement} {now}; de volgende trede is {expected}, niet {rung}"
            )
        return _set_state(
            c,
            programme,
            agreement,
            actor,
            {"escalation": rung.value},
            action="escalate",
            reason=why,
            version=version,
        )


def deescalate(
    store: Store,
    programme: str,
    agreement: str,
    user: User,
    reason: str,
    *,
    version: int | None = None,
) -> AgreementState:
    """End an agreement's escalation (resolved), with a reason."""
    plan = store.plan(programme)
    item = _agreement(plan, agreement)
    why = _text(reason, "de reden", required=True)
    with store.engine.begin() as c:
        actor = _actor(c, user)
        _require(actor, "escalate", agreement=item, plan=plan)
        if _state(agreement, _state_row(c, programme, agreement)).escalation is None:
            raise StoreError(f"afspraak {agreement} is niet geëscaleerd")
        return _set_state(
            c,
            programme,
            agreement,
            actor,
            {"escalation": None},
            action="deescalate",
            reason=why,
            version=version,
        )


# -- periods -----------------------------------------------------------------------------


def close_period(store: Store, programme: str, year: int, user: User) -> ClosedPeriod:
    """Close a year: its values change from now on only by a bureau correction."""
    plan = store.plan(programme)
    if not 1900 <= year <= 2100:
        raise StoreError(f"{year} is geen jaar")
    with store.engine.begin() as c:
        actor = _actor(c, user)
        _require(actor, "close_period", plan=plan)
        closed = _closed(c, programme, year)
        if closed is not None:
            raise StoreError(
                f"het jaar {year} is al afgesloten door {closed.closed_by} op "
                f"{nl.moment(closed.closed_at)}"
            )
        now = datetime.now(UTC)
        try:
            c.execute(
                t.closed_periods.insert().values(
                    programme_id=programme, year=year, closed_at=now, closed_by=actor.username
                )
            )
        except IntegrityError:
            raise StoreError(f"het jaar {year} is net afgesloten") from None
        _audit(
            c,
            programme,
            actor.username,
            "close_period",
            "period",
            str(year),
            {"year": year, "closed": False},
            {"year": year, "closed": True},
        )
    return ClosedPeriod(year, now, actor.username)


def closed_periods(store: Store, programme: str) -> list[ClosedPeriod]:
    p = t.closed_periods.c
    with store.engine.begin() as c:
        rows = c.execute(
            select(t.closed_periods).where(p.programme_id == programme).order_by(p.year)
        )
        return [ClosedPeriod(r.year, r.closed_at, r.closed_by) for r in rows]


# -- optimistic locking and the audit log ------------------------------------------------


def _check_version(row: Any, version: int, what: str) -> None:
    if row.version != version:
        raise ConflictError(what, version, row.version, row.updated_by, row.updated_at)


def _bump(
    c: Connection,
    table: Table,
    where: Any,
    row: Any,
    version: int,
    what: str,
    values: Mapping[str, Any],
) -> None:
    """Write ``values`` and raise the version, only if nobody changed the row meanwhile."""
    _check_version(row, version, what)
    result = c.execute(
        table.update()
        .where(where, table.c.version == version)
        .values(version=version + 1, **values)
    )
    if result.rowcount != 1:
        now = c.execute(select(table).where(where)).one()
        raise ConflictError(what, version, now.version, now.updated_by, now.updated_at)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _audit(
    c: Connection,
    programme: str,
    actor: str,
    action: str,
    subject: str,
    subject_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    c.execute(
        t.audit_log.insert().values(
            programme_id=programme,
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            subject=subject,
            subject_id=subject_id,
            before=_json(before),
            after=_json(after),
            reason=reason,
        )
    )


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive times: they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        programme=row.programme_id,
        at=_utc(row.at),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        subject_id=row.subject_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
    )


def audit_log(
    store: Store,
    programme: str,
    *,
    subject: str | None = None,
    subject_id: str | None = None,
) -> list[AuditEntry]:
    """Every change in the programme, oldest first (optionally of one subject)."""
    if "\x00" in (subject or "") + (subject_id or ""):
        return []  # nothing stored holds a NUL (see _text), and PostgreSQL cannot compare one
    a = t.audit_log.c
    query = select(t.audit_log).where(a.programme_id == programme).order_by(a.id)
    if subject is not None:
        query = query.where(a.subject == subject)
    if subject_id is not None:
        query = query.where(a.subject_id == subject_id)
    with store.engine.begin() as c:
        return [_entry(r) for r in c.execute(query)]


def agreement_history(store: Store, programme: str, agreement: str) -> list[AuditEntry]:
    """What happened to an agreement, oldest first: its updates (drafted, edited, submitted,
    returned, approved) and its state (status, escalation), each with who, when, before,
    after and reason."""
    a, u = t.audit_log.c, t.updates.c
    with store.engine.begin() as c:
        ids = [
            str(i)
            for i in c.scalars(
                select(u.id).where(u.programme_id == programme, u.agreement_id == agreement)
            )
        ]
        rows = c.execute(
            select(t.audit_log)
            .where(
                a.programme_id == programme,
                ((a.subject == "agreement") & (a.subject_id == agreement))
                | ((a.subject == "update") & a.subject_id.in_(ids)),
            )
            .order_by(a.id)
        )
        return [_entry(r) for r in rows]


# -- what a user may see, and what needs attention ------------------------------------------


def may_view(plan: Plan, user: User, update: Update) -> bool:
    """Whether ``user`` may read ``update`` (its note and evidence are not public): the
    bureau all of its programme's, a partner those about what its organisation reports."""
    if not user.active or update.programme != user.programme:
        return False
    if user.role is Role.BUREAU:
        return True
    if user.role is not Role.PARTNER or user.partner is None:
        return False
    subject, indicator = _subject(plan, update)
    if subject is not None:
        return user.partner in subject.owners
    return indicator is not None and user.partner in reporters(plan, indicator)


def visible_updates(store: Store, plan: Plan, user: User) -> list[Update]:
    """The updates ``user`` may read, oldest first."""
    return [u for u in updates(store, plan.programme.id) if may_view(plan, user, u)]


@dataclass(frozen=True)
class Attention:
    """One thing that needs someone's attention, with what it is about."""

    reason: str  # one of ATTENTION_REASONS
    text: str  # Dutch, for the list
    agreement: str | None = None
    update: int | None = None


ATTENTION_REASONS = {
    "verlopen": "Verlopen",
    "teruggestuurd": "Teruggestuurd",
    "te beoordelen": "Wacht op beoordeling",
    "concept": "Concept, nog niet ingediend",
    "niet gerapporteerd": "Nog nooit gerapporteerd",
    "geëscaleerd": "Geëscaleerd",
}


def needs_attention(store: Store, plan: Plan, user: User, today: date) -> list[Attention]:
    """What needs attention, in the order of :data:`ATTENTION_REASONS`: overdue agreements,
    returned updates, submitted ones awaiting the bureau, drafts not submitted, agreements
    never reported, and escalations; for a partner only what its organisation owns."""
    states = agreement_states(store, plan.programme.id)
    mine = (
        {a.id for a in plan.agreements}
        if user.role is Role.BUREAU
        else {a.id for a in partner_agreements(plan, user.partner or "")}
        if user.role is Role.PARTNER
        else set()
    )
    rows = [r for r in agreement_rows(plan, statuses=current_statuses_of(states)) if r.id in mine]
    found: list[Attention] = []
    for row in rows:
        if row.overdue_on(today):
            found.append(
                Attention("verlopen", f"Afspraak {row.id}: gepland voor {row.due}", row.id)
            )
    pending = [u for u in visible_updates(store, plan, user) if u.state in OPEN_STATES]
    for wanted, reason in (
        (State.RETURNED, "teruggestuurd"),
        (State.SUBMITTED, "te beoordelen"),
        (State.DRAFT, "concept"),
    ):
        for u in pending:
            if u.state is wanted:
                subject = (
                    f"afspraak {u.agreement}"
                    if u.agreement
                    else (f"{u.indicator} in {u.area} over {u.period}")
                )
                why = f": {u.reason}" if wanted is State.RETURNED and u.reason else ""
                found.append(
                    Attention(reason, f"Update {u.id} over {subject}{why}", u.agreement, u.id)
                )
    open_agreements = {u.agreement for u in pending if u.agreement}
    for row in rows:
        state = states.get(row.id)
        if (state is None or state.status is None) and row.id not in open_agreements:
            found.append(
                Attention("niet gerapporteerd", f"Afspraak {row.id}: nog geen status", row.id)
            )
    for row in rows:
        state = states.get(row.id)
        if state is not None and state.escalation is not None:
            found.append(
                Attention(
                    "geëscaleerd", f"Afspraak {row.id}: geëscaleerd naar {state.escalation}", row.id
                )
            )
    return found


def public_history(store: Store, programme: str, agreement: str) -> list[tuple[datetime, str]]:
    """What anyone may see of an agreement's history: each approved status and each step
    on the escalation ladder, with its moment; not the notes, reasons or names behind them."""
    shown: list[tuple[datetime, str]] = []
    for entry in audit_log(store, programme, subject="agreement", subject_id=agreement):
        before, after = entry.before or {}, entry.after or {}
        if after.get("status") and after.get("status") != before.get("status"):
            shown.append((entry.at, f"status {after['status']}"))
        if after.get("escalation") != before.get("escalation"):
            rung = after.get("escalation")
            shown.append((entry.at, f"geëscaleerd naar {rung}" if rung else "escalatie beëindigd"))
    return shown
