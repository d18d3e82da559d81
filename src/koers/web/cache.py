"""Whole responses for anonymous visitors, cached by the store's generation.

Every anonymous visitor sees the same public page for the same address, and that page
changes only when the store does (a load, an import or undo, a narrative, a portal
change: :meth:`koers.store.Store.generation`) or the day does (overdue agreements). So a
``GET`` without a session cookie or API token is answered from the cache when the address,
the generation and the date are the same; one small query decides. What depends on who asks
(the portal, the write API, the login page, anything with a cookie or token) passes by,
and so do files (static assets, report downloads) and responses that set a cookie.

The cache holds at most ``size`` responses and ``budget`` bytes in all, dropping the least
recently used first. A single response may be large (a pillar page of a store with years of
figures for every area carries a chart per indicator: 2,4 MB with 100 000 figures); it is
kept unless it alone is over ``max_bytes``, since rendering it again costs far more than
keeping it. A page is made once however many visitors ask for it at the same moment: the
first makes it, the others wait for it (as the read model does,
:class:`koers.web.views.SnapshotCache`).
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from koers.store import StoreUnavailable

PASSING_PATHS = (
    "/portaal",
    "/api/portaal",
    "/inloggen",
    "/uitloggen",
    "/static",
    "/rapportages/",
    "/gezondheid",
)


class PageCache:
    """Pure ASGI middleware; ``size`` responses of at most ``max_bytes`` each and at most
    ``budget`` bytes together."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        size: int = 512,
        max_bytes: int = 16_000_000,
        budget: int = 128_000_000,
    ) -> None:
        self.app = app
        self.size = size
        self.max_bytes = max_bytes
        self.budget = budget
        self._found: OrderedDict[tuple[object, ...], tuple[Message, bytes]] = OrderedDict()
        self._bytes = 0  # of the bodies kept
        self._lock = threading.Lock()
        # pages being made now, in this worker's event loop: a visitor who asks for one of
        # them waits for it instead of making it again (fifty visitors making a pillar page
        # of a large store at once each waited for all fifty)
        self._making: dict[tuple[object, ...], asyncio.Event] = {}

    def _cacheable(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if scope["path"].startswith(PASSING_PATHS):
            return False
        headers = dict(scope["headers"])
        return b"authorization" not in headers and b"koers_sessie=" not in headers.get(
            b"cookie", b""
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        # one small indexed query (well under a millisecond): cheaper in the event loop than
        # a hop to a worker thread and back
        try:
            generation = scope["app"].state.store.generation()
        except StoreUnavailable:  # the page says so itself (503), and is not kept
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"], generation, date.today())
        if await self._answer(key, send):
            return
        making = self._making.get(key)
        if making is not None:  # the same page is being made for another visitor: wait
            await making.wait()
            if await self._answer(key, send):
                return
            await self.app(scope, receive, send)  # it was not kept (an error, too large)
            return
        self._making[key] = made = asyncio.Event()
        try:
            await self.app(scope, receive, self._recorder(key, send))
        finally:
            del self._making[key]
            made.set()

    async def _answer(self, key: tuple[object, ...], send: Send) -> bool:
        """Send the kept response for ``key``; False when there is none."""
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
        if found is None:
            return False
        start, body = found
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return True

    def _recorder(self, key: tuple[object, ...], send: Send) -> Send:
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, start, b"".join(parts))
            await send(message)

        return record

    def _keep(self, key: tuple[object, ...], start: Message, body: bytes) -> None:
        headers = dict(start.get("headers", []))
        if start.get("status") != 200 or b"set-cookie" in headers or len(body) > self.max_bytes:
            return
        with self._lock:
            replaced = self._found.pop(key, None)
            if replaced is not None:
                self._bytes -= len(replaced[1])
            self._found[key] = (dict(start), body)
            self._bytes += len(body)
            while len(self._found) > self.size or self._bytes > self.budget:
                self._bytes -= len(self._found.popitem(last=False)[1][1])
