"""What every repository of the store shares: its error, the acting user, a content digest."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from typing import Any

from koers.errors import KoersError


class StoreError(KoersError, RuntimeError):
    """A write the store refuses; nothing of it was stored."""


class StoreUnavailable(StoreError):
    """The database cannot be reached (down, wrong address or password, locked): try again
    later; nothing was read or written."""


def current_user() -> str:
    return os.environ.get("KOERS_USER") or getpass.getuser()


def digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
