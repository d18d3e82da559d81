"""API tokens: a user makes its own, for its organisation's systems (``/api/portaal``).

A token carries 256 random bits and is shown once; the store keeps only its SHA-256. It acts
with its user's role and rights, re-read at every request, so a deactivated or demoted
user's tokens lose their power at once. Making and revoking one is audited.
"""

from __future__ import annotations

import hashlib
import secrets

from koers.store import Store, StoreError
from koers.store.accounts import ApiToken, User
from koers.workflow.common import Clock, acting, text, utc_now


def _token_hash(token: str) -> str:
    # a token carries 256 random bits, so a plain SHA-256 suffices (no slow hash needed)
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    store: Store, user: User, name: str, *, clock: Clock = utc_now
) -> tuple[str, ApiToken]:
    """A new API token for ``user`` itself: the token (shown once) and its record."""
    label = text(name, "de naam van de sleutel", required=True)
    assert label is not None
    token = "koers_" + secrets.token_urlsafe(32)
    now = clock()
    with store.transaction() as tx:
        actor = acting(tx, user)
        token_id = tx.accounts.add_token(actor.id, label, _token_hash(token), at=now)
        tx.audit.append(
            actor.programme,
            actor.username,
            "create_token",
            "user",
            actor.username,
            None,
            {"token": label},
            at=now,
        )
    return token, ApiToken(token_id, actor.username, label, now, None)


def token_user(store: Store, token: str) -> User | None:
    """The active user an unrevoked ``token`` belongs to, else None."""
    with store.transaction() as tx:
        user = tx.accounts.token_user(_token_hash(token))
    if user is None or not user.active:
        return None
    return user


def tokens(store: Store, user: User) -> list[ApiToken]:
    """The tokens of ``user``, newest first."""
    with store.transaction() as tx:
        return tx.accounts.tokens(user)


def revoke_token(store: Store, user: User, token_id: int, *, clock: Clock = utc_now) -> ApiToken:
    """Revoke one of ``user``'s own tokens."""
    now = clock()
    with store.transaction() as tx:
        actor = acting(tx, user)
        found = tx.accounts.token(actor, token_id)
        if found is None:
            raise StoreError(f"sleutel {token_id} bestaat niet of is niet van {actor.username}")
        if found.revoked_at is None:
            tx.accounts.revoke_token(token_id, at=now)
            tx.audit.append(
                actor.programme,
                actor.username,
                "revoke_token",
                "user",
                actor.username,
                {"token": found.name},
                None,
                at=now,
            )
    return ApiToken(found.id, actor.username, found.name, found.created_at, found.revoked_at or now)
