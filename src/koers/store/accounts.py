"""The accounts repository: the portal's users (with their password hashes) and API tokens.

Usernames are unique over the store (stored lowercase, never renamed); a user is deactivated,
never deleted. A user carries a ``version`` for optimistic locking
(:mod:`koers.store.versions`). A password hash and a token hash never leave this module in a
:class:`User`: only :meth:`Accounts.named` hands a hash out, for verifying a login. Who may
change whom is the workflow's rule (:mod:`koers.workflow.accounts`), not the store's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from koers.store import schema as t
from koers.store.base import StoreError
from koers.store.versions import bump


class Role(StrEnum):
    PARTNER = "partner"  # updates what its organisation owns
    BUREAU = "bureau"  # the programme bureau: everything in the programme, approves
    ADMIN = "admin"  # manages users


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
    email: str | None = None
    must_change_password: bool = False  # a one-time password: replace it first
    session_epoch: int = 0  # raised on logout and password change: older sessions end

    def record(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "programme": self.programme,
            "role": self.role.value,
            "partner": self.partner,
            "email": self.email,
            "active": self.active,
            "must_change_password": self.must_change_password,
            "version": self.version,
        }


@dataclass(frozen=True)
class ApiToken:
    id: int
    username: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


# what a change of a user may set, and the column each is kept in
_USER_FIELDS = {
    "role": "role",
    "partner": "partner_id",
    "active": "active",
    "password_hash": "password_hash",
    "must_change_password": "must_change_password",
}


class Accounts:
    """Users and API tokens of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    # -- users -------------------------------------------------------------------------

    def get(self, user_id: int) -> User | None:
        row = self.c.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return _user(row) if row is not None else None

    def named(self, username: str) -> tuple[User, str] | None:
        """The user with this (lowercase) name and its password hash, or None."""
        if "\x00" in username:  # nobody has one, and PostgreSQL refuses to compare it
            return None
        row = self.c.execute(select(t.users).where(t.users.c.username == username)).first()
        return (_user(row), row.password_hash) if row is not None else None

    def exists(self, username: str) -> bool:
        found = self.c.execute(select(t.users.c.id).where(t.users.c.username == username))
        return found.first() is not None

    def of_programme(self, programme: str) -> list[User]:
        """The programme's users, by name."""
        u = t.users.c
        rows = self.c.execute(
            select(t.users).where(u.programme_id == programme).order_by(u.username)
        )
        return [_user(r) for r in rows]

    def active_admins(self, programme: str) -> int:
        u = t.users.c
        return int(
            self.c.scalar(
                select(func.count())
                .select_from(t.users)
                .where(u.programme_id == programme, u.role == Role.ADMIN.value, u.active)
            )
            or 0
        )

    def add(
        self,
        *,
        username: str,
        programme: str,
        role: Role,
        partner: str | None,
        password_hash: str,
        by: str,
        at: datetime,
        email: str | None = None,
        must_change_password: bool = False,
    ) -> User:
        """A new active user at version 1; a name already taken is refused."""
        try:
            inserted = self.c.execute(
                t.users.insert().values(
                    username=username,
                    programme_id=programme,
                    role=role.value,
                    partner_id=partner,
                    password_hash=password_hash,
                    active=True,
                    version=1,
                    email=email,
                    must_change_password=must_change_password,
                    session_epoch=0,
                    created_at=at,
                    created_by=by,
                    updated_at=at,
                    updated_by=by,
                )
            ).inserted_primary_key
        except IntegrityError:
            raise StoreError(f"gebruikersnaam '{username}' bestaat al") from None
        assert inserted is not None
        user = self.get(int(inserted[0]))
        assert user is not None
        return user

    def change(
        self, user: User, version: int, values: Mapping[str, Any], *, by: str, at: datetime
    ) -> User:
        """Set ``values`` (``role``, ``partner``, ``active``, ``password_hash``,
        ``must_change_password``) of ``user``, if it is still at ``version`` (else
        :class:`~koers.store.versions.ConflictError`)."""
        columns = {_USER_FIELDS[k]: _plain(v) for k, v in values.items()}
        u = t.users.c
        row = self.c.execute(select(t.users).where(u.id == user.id)).one()
        bump(
            self.c,
            t.users,
            u.id == user.id,
            row,
            version,
            f"gebruiker {user.username}",
            {**columns, "updated_at": at, "updated_by": by},
        )
        after = self.get(user.id)
        assert after is not None
        return after

    def rehash(self, user_id: int, old_hash: str, new_hash: str) -> None:
        """Replace a password hash made with weaker parameters (unless it changed meanwhile)."""
        u = t.users.c
        self.c.execute(
            t.users.update()
            .where(u.id == user_id, u.password_hash == old_hash)
            .values(password_hash=new_hash)
        )

    def end_sessions(self, user_id: int) -> int:
        """Raise the user's session epoch (every session issued before it ends); the new
        epoch. Not a change of the record: its ``version`` stays."""
        u = t.users.c
        self.c.execute(
            t.users.update().where(u.id == user_id).values(session_epoch=u.session_epoch + 1)
        )
        return int(self.c.scalar(select(u.session_epoch).where(u.id == user_id)) or 0)

    # -- API tokens --------------------------------------------------------------------

    def add_token(self, user_id: int, name: str, token_hash: str, *, at: datetime) -> int:
        inserted = self.c.execute(
            t.api_tokens.insert().values(
                user_id=user_id, name=name, token_hash=token_hash, created_at=at
            )
        ).inserted_primary_key
        assert inserted is not None
        return int(inserted[0])

    def token_user(self, token_hash: str) -> User | None:
        """The user (active or not) an unrevoked token with this hash belongs to."""
        k, u = t.api_tokens.c, t.users.c
        row = self.c.execute(
            select(t.users)
            .join(t.api_tokens, k.user_id == u.id)
            .where(k.token_hash == token_hash, k.revoked_at.is_(None))
        ).first()
        return _user(row) if row is not None else None

    def tokens(self, user: User) -> list[ApiToken]:
        """The tokens of ``user``, newest first."""
        k = t.api_tokens.c
        rows = self.c.execute(
            select(t.api_tokens).where(k.user_id == user.id).order_by(k.id.desc())
        ).all()
        return [ApiToken(r.id, user.username, r.name, r.created_at, r.revoked_at) for r in rows]

    def token(self, user: User, token_id: int) -> ApiToken | None:
        """One of ``user``'s tokens, or None."""
        k = t.api_tokens.c
        row = self.c.execute(
            select(t.api_tokens).where(k.id == token_id, k.user_id == user.id)
        ).first()
        if row is None:
            return None
        return ApiToken(row.id, user.username, row.name, row.created_at, row.revoked_at)

    def revoke_token(self, token_id: int, *, at: datetime) -> None:
        k = t.api_tokens.c
        self.c.execute(t.api_tokens.update().where(k.id == token_id).values(revoked_at=at))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Role) else value


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        programme=row.programme_id,
        role=Role(row.role),
        partner=row.partner_id,
        active=bool(row.active),
        version=row.version,
        email=row.email,
        must_change_password=bool(row.must_change_password),
        session_epoch=int(row.session_epoch),
    )
