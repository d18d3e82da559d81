"""Optimistic locking of the workflow's rows: the version a write names must be the current one.

Users, updates and agreement states carry a ``version`` that every change raises. A write
names the version it saw; a stale one raises :class:`ConflictError` saying who changed the
row and when. The UPDATE itself is conditional on the version, so two concurrent requests
cannot both pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from koers import nl
from koers.store.base import StoreError


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


def check_version(row: Any, version: int, what: str) -> None:
    """Refuse a write based on ``version`` when ``row`` (with ``version``, ``updated_by``
    and ``updated_at``) has moved on."""
    if row.version != version:
        raise ConflictError(what, version, row.version, row.updated_by, row.updated_at)


def bump(
    c: Connection,
    table: Table,
    where: Any,
    row: Any,
    version: int,
    what: str,
    values: Mapping[str, Any],
) -> None:
    """Write ``values`` and raise the version, only if nobody changed the row meanwhile."""
    check_version(row, version, what)
    result = c.execute(
        table.update()
        .where(where, table.c.version == version)
        .values(version=version + 1, **values)
    )
    if result.rowcount != 1:
        now = c.execute(select(table).where(where)).one()
        raise ConflictError(what, version, now.version, now.updated_by, now.updated_at)
