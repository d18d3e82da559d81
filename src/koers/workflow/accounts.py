"""Users, passwords and logging in.

Passwords: at least :data:`MIN_PASSWORD` characters, stored as an argon2id hash (argon2-cffi's
defaults, RFC 9106) by a :class:`Passwords`, passed in (default :data:`PASSWORDS`).
:func:`authenticate` verifies in constant time and spends the same hashing time for an unknown
or inactive user. When the default parameters grow, a successful login rehashes the password
(a technical change, not audited).

Usernames are case-insensitive (stored lowercase), unique over the store, never renamed; a
user is deactivated, never deleted, so the usernames in history stay meaningful. An admin
manages the users of its programme; users set their own password; the last active admin of a
programme cannot be demoted or deactivated. Every change is audited (never a password hash).

From the command line (whoever has shell access to the store is its administrator, audited
as the OS user): :func:`import_users` creates many accounts at once, :func:`reset_password`
gives one a new password (which an admin also does in the portal). Both hand out one-time
passwords (:func:`one_time_password`): the account is marked ``must_change_password`` and
the portal lets it do nothing else until the user chose their own
(:func:`change_own_password`). Logging out (:func:`end_sessions`) and every password change
raise the user's session epoch, which ends every session of the user.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from koers.errors import NotAllowedError
from koers.plan.model import Plan
from koers.store import Store, StoreError, Transaction
from koers.store.accounts import Role, User
from koers.store.base import current_user
from koers.workflow.common import Clock, acting, utc_now
from koers.workflow.roles import require

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # longer is refused: hashing it would only cost the server time
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,119}$")
_DUMMY_PASSWORD = "koers: geen gebruiker met deze naam"


class Passwords:
    """Hashing and verifying passwords (argon2id through argon2-cffi's
    :class:`~argon2.PasswordHasher`; its defaults unless another ``hasher`` is given)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy: tuple[PasswordHasher, str] | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash``, in constant time."""
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)

    @property
    def dummy_hash(self) -> str:
        """Verified against when the user is unknown, so that costs the time of a known
        user; made at first use (not at import), with the current hasher."""
        if self._dummy is None or self._dummy[0] is not self.hasher:
            self._dummy = (self.hasher, self.hasher.hash(_DUMMY_PASSWORD))
        return self._dummy[1]


PASSWORDS = Passwords()
"""The default :class:`Passwords`; tests give it smaller argon2 parameters."""


def _username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise StoreError(
            f"gebruikersnaam '{username}' is ongeldig: 3 tot 120 tekens, kleine letters, "
            f"cijfers en . _ @ -, beginnend met een letter of cijfer"
        )
    return name


def _password(password: str, username: str, passwords: Passwords) -> str:
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"het wachtwoord is te kort: minstens {MIN_PASSWORD} tekens")
    if len(password) > MAX_PASSWORD:
        raise StoreError(f"het wachtwoord is te lang: hoogstens {MAX_PASSWORD} tekens")
    if password.strip().lower() == username:
        raise StoreError("het wachtwoord mag niet gelijk zijn aan de gebruikersnaam")
    return passwords.hash(password)


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


def _add(tx: Transaction, actor: str, at: datetime, **fields: Any) -> User:
    """A new account (``tx.accounts.add``'s fields), audited as made by ``actor``."""
    user = tx.accounts.add(by=actor, at=at, **fields)
    tx.audit.append(
        fields["programme"],
        actor,
        "create_user",
        "user",
        user.username,
        None,
        user.record(),
        at=at,
    )
    return user


def _named(tx: Transaction, username: str) -> tuple[User, str] | None:
    """The user with this name and its password hash, or None. A name no user can have
    (see :data:`USERNAME`) is not looked up: PostgreSQL would refuse one with a NUL."""
    name = username.strip().lower()
    if USERNAME.match(name) is None:
        return None
    return tx.accounts.named(name)


def _existing(tx: Transaction, username: str) -> User:
    found = _named(tx, username)
    if found is None:
        raise StoreError(f"gebruiker '{username}' bestaat niet")
    return found[0]


def create_user(
    store: Store,
    programme: str,
    username: str,
    password: str,
    role: str | Role,
    partner: str | None = None,
    *,
    by: User | None,
    passwords: Passwords = PASSWORDS,
    clock: Clock = utc_now,
) -> User:
    """Add a user; an admin of the programme does this (``by``).

    ``by=None`` is the set-up from the command line: allowed only to create the programme's
    first admin, while it has no active admin.
    """
    plan = store.plan(programme)
    name = _username(username)
    chosen = _role(role)
    partner = _role_partner(plan, chosen, partner)
    password_hash = _password(password, name, passwords)
    now = clock()
    with store.transaction() as tx:
        if by is None:
            if chosen is not Role.ADMIN or tx.accounts.active_admins(programme):
                raise NotAllowedError(
                    "Geen toestemming: zonder ingelogde beheerder kan alleen de eerste "
                    "beheerder van een programma worden aangemaakt."
                )
            actor_name = current_user()
        else:
            actor = acting(tx, by)
            require(actor, "manage_users", plan=plan)
            actor_name = actor.username
        if tx.accounts.exists(name):
            raise StoreError(f"gebruikersnaam '{name}' bestaat al")
        user = _add(
            tx,
            actor_name,
            now,
            username=name,
            programme=programme,
            role=chosen,
            partner=partner,
            password_hash=password_hash,
        )
    return user


def authenticate(
    store: Store, username: str, password: str, *, passwords: Passwords = PASSWORDS
) -> User | None:
    """The active user with this name and password, else None.

    The hash is verified in constant time; an unknown or inactive user, or an overlong
    password, costs the same hashing time, so timing does not tell which names exist.
    """
    with store.transaction() as tx:
        found = _named(tx, username)
    if len(password) > MAX_PASSWORD:
        passwords.verify(passwords.dummy_hash, "")
        return None
    ok = passwords.verify(found[1] if found is not None else passwords.dummy_hash, password)
    if found is None or not ok or not found[0].active:
        return None
    user, password_hash = found
    if passwords.needs_rehash(password_hash):
        with store.transaction() as tx:
            tx.accounts.rehash(user.id, password_hash, passwords.hash(password))
    return user


def get_user(store: Store, user_id: int) -> User | None:
    """The user with this id (for a session), active or not; None if there is none."""
    with store.transaction() as tx:
        return tx.accounts.get(user_id)


def users(store: Store, programme: str) -> list[User]:
    with store.transaction() as tx:
        return tx.accounts.of_programme(programme)


def _change_user(
    store: Store,
    username: str,
    *,
    by: User,
    version: int,
    action: str,
    values: Mapping[str, Any],
    check: Callable[[Transaction, User], None] | None = None,
    clock: Clock,
) -> User:
    """Change a user of ``by``'s programme, as an admin (or, for a password, the user)."""
    with store.transaction() as tx:
        actor = acting(tx, by)
        before = _existing(tx, username)
        own_password = action == "set_password" and actor.id == before.id
        if not own_password:
            require(actor, "manage_users")
        if before.programme != actor.programme:
            raise NotAllowedError(
                f"Geen toestemming: {before.username} hoort bij programma {before.programme}."
            )
        if check is not None:
            check(tx, before)
        now = clock()
        after = tx.accounts.change(before, version, values, by=actor.username, at=now)
        if action == "set_password":
            # every session of the user ends
            after = replace(after, session_epoch=tx.accounts.end_sessions(after.id))
        before_record, after_record = before.record(), after.record()
        if action == "set_password":
            before_record["password"], after_record["password"] = "oud", "gewijzigd"
        tx.audit.append(
            actor.programme,
            actor.username,
            action,
            "user",
            after.username,
            before_record,
            after_record,
            at=now,
        )
    return after


def _keeps_an_admin(tx: Transaction, before: User, role: Role, active: bool) -> None:
    leaves = before.role is Role.ADMIN and before.active and (role is not Role.ADMIN or not active)
    if leaves and tx.accounts.active_admins(before.programme) <= 1:
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
    clock: Clock = utc_now,
) -> User:
    """Give a user another role (and partner); an admin does this."""
    chosen = _role(role)
    with store.transaction() as tx:
        programme = _existing(tx, username).programme
    partner = _role_partner(store.plan(programme), chosen, partner)
    return _change_user(
        store,
        username,
        by=by,
        version=version,
        action="set_role",
        values={"role": chosen, "partner": partner},
        check=lambda tx, before: _keeps_an_admin(tx, before, chosen, before.active),
        clock=clock,
    )


def _set_active(
    store: Store, username: str, active: bool, *, by: User, version: int, clock: Clock
) -> User:
    def check(tx: Transaction, before: User) -> None:
        if before.active == active:
            state = "actief" if active else "gedeactiveerd"
            raise StoreError(f"{before.username} is al {state}")
        _keeps_an_admin(tx, before, before.role, active)

    action = "reactivate" if active else "deactivate"
    return _change_user(
        store,
        username,
        by=by,
        version=version,
        action=action,
        values={"active": active},
        check=check,
        clock=clock,
    )


def deactivate(
    store: Store, username: str, *, by: User, version: int, clock: Clock = utc_now
) -> User:
    """Stop a user from logging in and acting; the user and its history stay."""
    return _set_active(store, username, False, by=by, version=version, clock=clock)


def reactivate(
    store: Store, username: str, *, by: User, version: int, clock: Clock = utc_now
) -> User:
    return _set_active(store, username, True, by=by, version=version, clock=clock)


def set_password(
    store: Store,
    username: str,
    password: str,
    *,
    by: User,
    version: int,
    passwords: Passwords = PASSWORDS,
    clock: Clock = utc_now,
) -> User:
    """A new password: users set their own, an admin sets anyone's in its programme."""
    name = username.strip().lower()
    return _change_user(
        store,
        name,
        by=by,
        version=version,
        action="set_password",
        values={"password_hash": _password(password, name, passwords)},
        clock=clock,
    )


def one_time_password() -> str:
    """A random password to hand out once (96 bits, 16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def end_sessions(store: Store, user: User) -> None:
    """End every session of ``user`` (logging out): the sessions carry the user's epoch,
    which this raises. Not audited (a logout changes nothing of the account)."""
    with store.transaction() as tx:
        tx.accounts.end_sessions(user.id)


def change_own_password(
    store: Store,
    user: User,
    current: str,
    new: str,
    *,
    passwords: Passwords = PASSWORDS,
    clock: Clock = utc_now,
) -> User:
    """The user replaces their own password (also a one-time one) after giving the current
    one; every session of the user ends (the caller gives the browser a new one)."""
    if len(current) > MAX_PASSWORD:
        raise NotAllowedError("Het huidige wachtwoord klopt niet.")
    new_hash = _password(new, user.username, passwords)
    with store.transaction() as tx:
        actor = acting(tx, user)
        found = tx.accounts.named(actor.username)
        assert found is not None
        if not passwords.verify(found[1], current):
            raise NotAllowedError("Het huidige wachtwoord klopt niet.")
        if passwords.verify(found[1], new):
            raise StoreError("kies een ander wachtwoord dan het huidige")
        now = clock()
        after = tx.accounts.change(
            actor,
            actor.version,
            {"password_hash": new_hash, "must_change_password": False},
            by=actor.username,
            at=now,
        )
        tx.accounts.end_sessions(actor.id)
        before_record, after_record = actor.record(), after.record()
        before_record["password"], after_record["password"] = "oud", "gewijzigd"
        tx.audit.append(
            actor.programme,
            actor.username,
            "set_password",
            "user",
            actor.username,
            before_record,
            after_record,
            at=now,
        )
        fresh = tx.accounts.get(actor.id)
    assert fresh is not None
    return fresh


def reset_password(
    store: Store,
    username: str,
    *,
    by: User | None = None,
    activate: bool = False,
    passwords: Passwords = PASSWORDS,
    clock: Clock = utc_now,
) -> tuple[User, str]:
    """A new one-time password for ``username``, to be changed at the next login: by an
    admin of the user's programme in the portal (``by``), or from the command line (the
    actor is the OS user), the way back in when a password, even the only admin's, is lost.
    With ``activate`` a deactivated account is reactivated too. Every session of the user
    ends. The password is returned once and never stored."""
    password = one_time_password()
    with store.transaction() as tx:
        before = _existing(tx, username)
        actor_name = current_user()
        if by is not None:
            actor = acting(tx, by)
            require(actor, "manage_users")
            if before.programme != actor.programme:
                raise NotAllowedError(
                    f"Geen toestemming: {before.username} hoort bij programma {before.programme}."
                )
            actor_name = actor.username
        values: dict[str, Any] = {
            "password_hash": _password(password, before.username, passwords),
            "must_change_password": True,
        }
        if activate:
            values["active"] = True
        now = clock()
        after = tx.accounts.change(before, before.version, values, by=actor_name, at=now)
        after = replace(after, session_epoch=tx.accounts.end_sessions(after.id))
        before_record, after_record = before.record(), after.record()
        before_record["password"], after_record["password"] = "oud", "eenmalig"
        tx.audit.append(
            after.programme,
            actor_name,
            "reset_password",
            "user",
            after.username,
            before_record,
            after_record,
            at=now,
        )
    return after, password


@dataclass(frozen=True)
class NewAccount:
    """One account to import: a row of the import file (``row`` counts the header as 1)."""

    row: int
    username: str
    role: str
    partner: str | None = None
    email: str | None = None


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def import_users(
    store: Store,
    programme: str,
    accounts: Iterable[NewAccount],
    *,
    source: str,
    passwords: Passwords = PASSWORDS,
    clock: Clock = utc_now,
) -> list[tuple[User, str]]:
    """Create every account in one transaction (all or none), each with a one-time password
    that must be changed at first login, from the command line (the actor is the OS user;
    every account is audited). A refusal names ``source``, the row and the column.
    Returns the users with their passwords, which are never stored."""
    plan = store.plan(programme)
    partners = {p.id for p in plan.partners}
    checked: list[tuple[NewAccount, str, Role, str | None, str | None]] = []
    seen: dict[str, int] = {}
    for account in accounts:

        def refuse(column: str, reason: str, account: NewAccount = account) -> StoreError:
            return StoreError(f"{source}, rij {account.row}, kolom {column}: {reason}")

        name = account.username.strip().lower()
        if not USERNAME.match(name):
            raise refuse(
                "username",
                f"gebruikersnaam '{account.username}' is ongeldig: 3 tot 120 tekens, kleine "
                f"letters, cijfers en . _ @ -, beginnend met een letter of cijfer",
            )
        if name in seen:
            raise refuse("username", f"'{name}' staat al op rij {seen[name]}")
        seen[name] = account.row
        try:
            role = Role(account.role.strip().lower())
        except ValueError:
            raise refuse(
                "role",
                f"onbekende rol '{account.role}'; kies uit {', '.join(r.value for r in Role)}",
            ) from None
        partner = (account.partner or "").strip() or None
        if role is Role.PARTNER and partner is None:
            raise refuse("partner", "een gebruiker met de rol partner hoort bij een partner")
        if partner is not None and partner not in partners:
            raise refuse("partner", f"partner '{partner}' staat niet in het plan van {programme}")
        email = (account.email or "").strip() or None
        if email is not None and (len(email) > 254 or not EMAIL.match(email)):
            raise refuse("email", f"'{email}' is geen e-mailadres")
        checked.append((account, name, role, partner, email))
    made = [(one_time_password(), entry) for entry in checked]
    hashes = [passwords.hash(password) for password, _ in made]
    now = clock()
    actor_name = current_user()
    created: list[tuple[User, str]] = []
    with store.transaction() as tx:
        for (password, (account, name, role, partner, email)), password_hash in zip(
            made, hashes, strict=True
        ):
            if tx.accounts.exists(name):
                raise StoreError(
                    f"{source}, rij {account.row}, kolom username: gebruikersnaam '{name}' "
                    f"bestaat al"
                )
            user = _add(
                tx,
                actor_name,
                now,
                username=name,
                programme=programme,
                role=role,
                partner=partner,
                password_hash=password_hash,
                email=email,
                must_change_password=True,
            )
            created.append((user, password))
    return created
