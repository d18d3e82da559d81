"""The website's log: one line per request, written by koers, and the logging set-up of
``koers serve``.

:class:`RequestLog` is the outermost middleware, so it sees every answer, the refusals of
the other middleware (413) and the 500 of an unhandled error included. Its line holds the
moment (ISO 8601, local time with its offset), the method, the path, the status, the
duration in milliseconds, the worker's process id and, when the request's session cookie or
API key named a user that the request looked up anyway, the user name (no extra database
read for the log). The path is logged without its query string: a query may hold what a
visitor searched for. Control characters in the path are escaped, so a request cannot
write a line of its own.

:func:`configure_logging` sets up Python's logging once for the process: one handler on
stderr at the root logger, in text (``2026-12-06T14:03:07+01:00 INFO koers.web GET
/pijlers/werk 200 12.3 ms (worker 4711)``) or JSON (one object per line: ``time``,
``level``, ``logger``, ``message``, and for requests ``method``, ``path``, ``status``,
``duration_ms``, ``worker``, ``user``). koers's own loggers and uvicorn's propagate to it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from koers.errors import KoersError

LOG = logging.getLogger("koers.web")

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")

_CONTROL = {code: f"\\x{code:02x}" for code in [*range(32), 127]}


@dataclass(frozen=True)
class RequestLine:
    """What the log says about one request."""

    method: str
    path: str
    status: int | None  # None: the client went away before an answer started
    duration_ms: float
    worker: int
    user: str | None = None

    def message(self) -> str:
        status = "-" if self.status is None else str(self.status)
        who = f", user {self.user}" if self.user else ""
        return (
            f"{self.method} {self.path} {status} {self.duration_ms:.1f} ms "
            f"(worker {self.worker}{who})"
        )


def _user_of(scope: Scope) -> str | None:
    """The user that the request itself identified: a portal page's viewer, or the user of
    an API key (``request.state.user``). Never looked up for the log."""
    state = scope.get("state")
    if not isinstance(state, dict):
        return None
    for found in (state.get("user"), getattr(state.get("viewer"), "user", None)):
        name = getattr(found, "username", None)
        if isinstance(name, str):
            return name
    return None


class RequestLog:
    """Pure ASGI middleware: one log line (INFO, logger ``koers.web``) per HTTP request,
    written when the answer has been sent (or the app failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # shared with the app's request.state
        start = time.perf_counter()
        status: int | None = None

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        except Exception:
            if status is None:
                status = 500  # what Starlette's ServerErrorMiddleware answers
            raise
        finally:
            line = RequestLine(
                method=scope["method"],
                path=str(scope["path"]).translate(_CONTROL),
                status=status,
                duration_ms=round((time.perf_counter() - start) * 1000, 1),
                worker=os.getpid(),
                user=_user_of(scope),
            )
            LOG.info("%s", line.message(), extra={"koers_request": line})


def _moment(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")


class TextFormatter(logging.Formatter):
    """``<time> <LEVEL> <logger> <message>``, a traceback on the lines after it."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_moment(record)} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback goes in its ``exception`` field."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _moment(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "koers_request", None)
        if isinstance(request, RequestLine):
            data.update({k: v for k, v in asdict(request).items() if v is not None})
            data["status"] = request.status
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is when a line is written (as logging's last
    resort does), not to the one there was when logging was set up."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


_handler: logging.Handler | None = None  # the one handler configure_logging installed


def configure_logging(
    level: str = "info", fmt: str = "text", stream: TextIO | None = None
) -> logging.Handler:
    """Log everything at ``level`` or above to ``stream`` (default stderr) in ``fmt``.

    Installs one handler on the root logger; called again, it replaces that handler (other
    handlers are left alone). Returns the handler."""
    global _handler
    if level not in LEVELS:
        raise KoersError(f"onbekend logniveau {level!r}: kies uit {', '.join(LEVELS)}")
    if fmt not in FORMATS:
        raise KoersError(f"onbekende logvorm {fmt!r}: kies uit {', '.join(FORMATS)}")
    handler = StderrHandler() if stream is None else logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    root.addHandler(handler)
    root.setLevel(level.upper())
    _handler = handler
    return handler
