"""Who is asking: sessions in signed cookies, CSRF tokens, API tokens and the login limit.

DESIGN
- A session is a cookie signed and timestamped with the app's secret (itsdangerous): the
  user's id, the version of the user record and the user's session epoch it was issued
  for, a CSRF token and a random nonce. No session is kept on the server, so several
  workers share sessions through the secret alone (``KOERS_SECRET_KEY``; without it each
  process draws its own and sessions end when it restarts). The cookie is HttpOnly and
  SameSite=Lax, Secure when the site runs on https, and expires after :data:`SESSION_HOURS`.
- Secret rotation: ``KOERS_SECRET_KEY`` signs every new session; the keys in
  ``KOERS_PREVIOUS_SECRET_KEYS`` (comma-separated) are still accepted when a session is read,
  so a rotation logs no one out; drop them after :data:`SESSION_HOURS`, when every session
  they signed has expired. A session signed with any other key is refused.
- Every request re-reads the user: a deactivated user, or one whose role, partner or
  password changed since login (the record's ``version`` rose), is logged out at once.
- Sessions end server-side: logging out, a password change and ``koers users reset`` raise
  the user's ``session_epoch`` (a counter in the users table), and a session whose epoch is
  not the user's current one is refused, so a copied cookie is worthless after the user
  logged out. Why a counter and not a table of sessions: the user is re-read on every
  request anyway, so comparing one more integer costs nothing, workers still share nothing
  but the database, and nothing grows or needs cleaning. The price: logging out ends every
  session of that user (all their browsers), which is also what a user who fears a stolen
  cookie wants. The epoch is not the record's ``version``, so logging out does not make an
  admin's open edit form of that user stale.
- A user with a one-time password (``must_change_password``, after an import or a reset)
  is logged in but every portal page sends them to ``/portaal/wachtwoord`` until they chose
  their own password.
- Logging in always issues a new session (new nonce and CSRF token), whatever cookie came
  with the request: a session planted before login is worthless after it (no fixation).
- CSRF: every form carries the session's token; every POST of a page compares it in
  constant time. Anonymous visitors get a session without user when the login form is
  shown, so the login form is protected too. The write API takes no cookies, only an API
  token in ``Authorization: Bearer``, so a browser cannot be tricked into using it.
- Login attempts are slowed per user name and limited per client address
  (:class:`LoginLimiter`): after a few failures for a name each further attempt waits a
  delay that doubles with every failure (up to 15 minutes; a success resets it), and an
  address with very many failures (far above what one office behind a shared address
  produces) waits until its window has passed. A waiting attempt is refused with 429 and
  Retry-After before any password is checked. The counts are kept per process; behind
  several workers they apply per worker (docs/security.md).
"""

from __future__ import annotations

import hmac
import math
import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from koers import workflow
from koers.store import Store
from koers.workflow import User

SESSION_COOKIE = "koers_sessie"
SESSION_HOURS = 8
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Session:
    """What the session cookie holds."""

    csrf: str
    nonce: str
    user_id: int | None = None
    user_version: int | None = None
    user_epoch: int | None = None

    @classmethod
    def new(cls, user: User | None = None) -> Session:
        return cls(
            csrf=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(16),
            user_id=user.id if user else None,
            user_version=user.version if user else None,
            user_epoch=user.session_epoch if user else None,
        )


def previous_keys_from_env() -> list[str]:
    """The keys of ``KOERS_PREVIOUS_SECRET_KEYS`` (comma-separated; blanks ignored)."""
    raw = os.environ.get("KOERS_PREVIOUS_SECRET_KEYS", "")
    return [key.strip() for key in raw.split(",") if key.strip()]


class Sessions:
    """Reads and writes the signed session cookie: signed with ``secret`` (default
    ``KOERS_SECRET_KEY``), read with it or one of ``previous`` (default
    ``KOERS_PREVIOUS_SECRET_KEYS``)."""

    def __init__(
        self,
        secret: str | None = None,
        *,
        secure: bool = False,
        previous: Sequence[str] | None = None,
    ) -> None:
        key = secret or os.environ.get("KOERS_SECRET_KEY") or secrets.token_urlsafe(32)
        older = [k for k in (previous_keys_from_env() if previous is None else previous) if k]
        # itsdangerous signs with the last key and accepts any of them
        self._serializer = URLSafeTimedSerializer([*older, key], salt="koers-sessie")
        self.secure = secure

    def read(self, request: Request) -> Session | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self._serializer.loads(raw, max_age=SESSION_HOURS * 3600)
            return Session(
                csrf=str(data["c"]),
                nonce=str(data["n"]),
                user_id=data.get("u"),
                user_version=data.get("v"),
                user_epoch=data.get("e"),
            )
        except (BadSignature, KeyError, TypeError, ValueError):
            return None  # forged, expired or from another secret: as if there were none

    def write(self, response: Response, session: Session) -> None:
        data: dict[str, object] = {"c": session.csrf, "n": session.nonce}
        if session.user_id is not None:
            data["u"], data["v"] = session.user_id, session.user_version
            data["e"] = session.user_epoch
        response.set_cookie(
            SESSION_COOKIE,
            self._serializer.dumps(data),
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


@dataclass(frozen=True)
class Viewer:
    """Who sent a request: the session (if any) and its user (if logged in)."""

    session: Session | None
    user: User | None

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else ""


def viewer_of(request: Request) -> Viewer:
    """The request's viewer, read once per request from the session cookie."""
    found = getattr(request.state, "viewer", None)
    if isinstance(found, Viewer):
        return found
    session = request.app.state.sessions.read(request)
    viewer = Viewer(session, session_user(request.app.state.store, session))
    request.state.viewer = viewer
    return viewer


def session_user(store: Store, session: Session | None) -> User | None:
    """The session's user if it is still active, unchanged since login and has not logged
    out since (its session epoch), else None."""
    if session is None or session.user_id is None:
        return None
    user = workflow.get_user(store, session.user_id)
    if user is None or not user.active or user.version != session.user_version:
        return None
    if user.session_epoch != session.user_epoch:
        return None
    return user


def bearer_user(store: Store, request: Request) -> User | None:
    """The user of the API token in ``Authorization: Bearer``, else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return workflow.token_user(store, token.strip())


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    if session is None or not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())


@dataclass
class LoginLimiter:
    """Slows password guessing: growing delays per user name, a limit per client address.

    Per user name: the first :attr:`free_failures` failures in a row cost nothing; after
    that each attempt must wait :attr:`first_delay` seconds after the last failure, doubling
    with every further failure up to :attr:`max_delay` (3 failures: 1 s, then 2, 4, … up to
    15 minutes). A successful login resets it, and a name without failures for
    :attr:`forget_after` is forgotten. A guesser gets some 100 tries a day per name; a user
    who mistypes a few times waits seconds. Per client address: at most :attr:`per_address`
    failures within :attr:`window_seconds` (200 in 15 minutes, far above what an office of
    users behind one shared address produces), then that address waits for the window.
    """

    free_failures: int = 3
    first_delay: float = 1.0
    max_delay: float = 15 * 60
    per_address: int = 200
    window_seconds: float = 15 * 60
    forget_after: float = 24 * 3600
    clock: Callable[[], float] = time.monotonic
    _accounts: dict[str, tuple[int, float]] = field(default_factory=dict)
    _addresses: dict[str, deque[float]] = field(default_factory=dict)

    _PRUNE_ABOVE = 10_000  # names and addresses kept before the stale ones are dropped

    def delay(self, failures: int) -> float:
        """Seconds an attempt waits after the last of ``failures`` failures in a row."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 64)
        return float(min(self.max_delay, self.first_delay * 2**doublings))

    @staticmethod
    def _name(username: str) -> str:
        return username.strip().lower()

    def _account(self, username: str) -> tuple[int, float] | None:
        name = self._name(username)
        found = self._accounts.get(name)
        if found is not None and found[1] + self.forget_after <= self.clock():
            del self._accounts[name]
            return None
        return found

    def _recent(self, address: str) -> deque[float]:
        stamps = self._addresses.setdefault(address, deque())
        horizon = self.clock() - self.window_seconds
        while stamps and stamps[0] <= horizon:
            stamps.popleft()
        return stamps

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        now = self.clock()
        waits = [0.0]
        account = self._account(username)
        if account is not None:
            failures, last = account
            waits.append(last + self.delay(failures) - now)
        stamps = self._recent(address)
        if len(stamps) >= self.per_address:
            waits.append(stamps[0] + self.window_seconds - now)
        return max(0, math.ceil(max(waits)))

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        account = self._account(username)
        self._accounts[self._name(username)] = ((account[0] if account else 0) + 1, now)
        self._recent(address).append(now)
        if len(self._accounts) + len(self._addresses) > self._PRUNE_ABOVE:
            self._prune()

    def succeeded(self, username: str) -> None:
        self._accounts.pop(self._name(username), None)

    def _prune(self) -> None:
        now = self.clock()
        for name, (_, last) in list(self._accounts.items()):
            if last + self.forget_after <= now:
                del self._accounts[name]
        for address in list(self._addresses):
            if not self._recent(address):
                del self._addresses[address]
