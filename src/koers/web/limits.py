"""Limits on what one request may send: the size of its body, the fields of a form.

The largest thing the website accepts is a portal form or a JSON update of the token API:
a few kilobytes (a note is at most :data:`koers.workflow.MAX_TEXT` characters). A body
over :data:`MAX_BODY_BYTES` is refused with 413 before the app parses it, so a client
cannot make the server read, hold and parse megabytes. :class:`BodyLimit` does this for
every request, whether the body announces its size (``Content-Length``: refused before a
byte is read) or streams in chunks (counted as it arrives: refused as soon as it passes
the limit, so at most the limit plus one chunk is ever read). The refusal is the app's
own error answer: a Dutch page, or JSON ``{"detail": ...}`` under ``/api/``.

Forms are also limited in their number of fields (:data:`MAX_FORM_FIELDS`) and take no
files; Starlette's form parser enforces both while it parses (``create_app`` passes them
to FastAPI as ``form_limits``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: hundreds of times the largest form or update
MAX_FORM_FIELDS = 50  # the largest form of the portal has 7 fields

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit} bytes"


class BodyTooLarge(HTTPException):
    """413: the request body is over the limit. The connection is closed after the answer:
    the rest of the body is never read."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"Deze aanvraag is te groot: er mag hoogstens {_size(limit)} meegestuurd worden.",
            headers={"Connection": "close"},
        )


class BodyLimit:
    """Pure ASGI middleware: refuse a request body over ``max_bytes`` with 413.

    ``handler`` makes the answer of a refusal made before the app runs (the app's own
    handler of HTTP errors); a body that streams past the limit raises :class:`BodyTooLarge`
    from ``receive``, inside the app, whose handler answers it the same way.
    """

    def __init__(
        self, app: ASGIApp, *, handler: ErrorHandler, max_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self.handler = handler
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, sending)
        except BodyTooLarge:
            if started:  # too late to answer: let the server end the connection
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handler(Request(scope, receive), BodyTooLarge(self.max_bytes))
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            # servers refuse a malformed length; should one pass, the count still holds
            return int(value) if value.isdigit() else None
    return None
