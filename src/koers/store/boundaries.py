"""The boundaries repository: area boundaries per boundary year, stored as import batches.

A boundary file is imported like a file of figures (:mod:`koers.store.observations`): one
``import_batches`` row with its file name, checksum, user and time, written by the same
:func:`~koers.store.observations.insert_batch`; the same file (by checksum) is never stored
twice; undoing the batch makes the boundaries it replaced count again. Its rows go into
``boundaries``: one GeoJSON geometry in WGS84 per area, boundary year and revision. A changed
geometry gets revision = highest revision of (area, year) so far + 1 (undone batches
included, so numbers stay unique); an identical one is counted as unchanged and not written
again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select

from koers.store import schema as t
from koers.store.base import StoreError
from koers.store.observations import BatchResult, Observations, insert_batch, new_batch_id

Geometry = dict[str, Any]
"""A GeoJSON geometry (Polygon or MultiPolygon) in WGS84."""


class Boundaries:
    """The boundaries of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add_batch(
        self,
        programme: str,
        year: int,
        boundaries: Mapping[str, Geometry],
        *,
        source_name: str,
        checksum: str,
        format: str,
        user: str | None = None,
    ) -> BatchResult:
        """Store the boundaries of boundary ``year`` (area id -> geometry) as one batch;
        the same file (by checksum) twice is a no-op that returns the earlier batch."""
        previous = Observations(self.c).find_batch(programme, checksum)
        if previous is not None:
            return BatchResult(previous.id, programme, previous.rows, duplicate_of=previous.id)
        c, b = self.c, t.boundaries
        known = set(c.scalars(select(t.areas.c.id).where(t.areas.c.programme_id == programme)))
        missing = sorted(set(boundaries) - known)
        if missing:
            raise StoreError(
                f"gebieden niet in het plan van '{programme}' in de store: "
                f"{', '.join(missing)}; laad het plan opnieuw (koers load DIR)"
            )
        batch_id = new_batch_id()
        current = self.current(programme, year)
        revisions = dict(
            c.execute(
                select(b.c.area_id, func.max(b.c.revision))
                .where(b.c.programme_id == programme, b.c.year == year)
                .group_by(b.c.area_id)
            ).all()
        )
        rows, added, revised, unchanged = [], 0, 0, 0
        for area_id, geometry in sorted(boundaries.items()):
            before = current.get(area_id)
            if before is not None and _same(before, geometry):
                unchanged += 1
                continue
            added, revised = (added + 1, revised) if before is None else (added, revised + 1)
            rows.append(
                {
                    "programme_id": programme,
                    "area_id": area_id,
                    "year": year,
                    "revision": revisions.get(area_id, 0) + 1,
                    "geometry": geometry,
                    "batch_id": batch_id,
                }
            )
        insert_batch(
            c,
            batch_id,
            programme,
            source_name=source_name,
            checksum=checksum,
            format=format,
            user=user,
            rows=len(boundaries),
            added=added,
            revised=revised,
            unchanged=unchanged,
        )
        if rows:
            c.execute(b.insert(), rows)
        return BatchResult(batch_id, programme, len(boundaries), added, revised, unchanged)

    def current(self, programme: str, year: int) -> dict[str, Geometry]:
        """Per area the geometry that counts for boundary ``year``: the highest revision of
        an applied batch (an undone batch's boundaries do not count)."""
        b = t.boundaries
        rows = self.c.execute(
            select(b.c.area_id, b.c.geometry)
            .join(t.import_batches, t.import_batches.c.id == b.c.batch_id)
            .where(
                b.c.programme_id == programme,
                b.c.year == year,
                t.import_batches.c.state == "applied",
            )
            .order_by(b.c.area_id, b.c.revision)
        )
        return {area_id: geometry for area_id, geometry in rows}  # the last revision wins

    def latest(self, programme: str, up_to: int | None = None) -> dict[str, Geometry]:
        """The boundaries of the latest boundary year (at most ``up_to``) that has any."""
        b = t.boundaries
        query = (
            select(func.max(b.c.year))
            .join(t.import_batches, t.import_batches.c.id == b.c.batch_id)
            .where(b.c.programme_id == programme, t.import_batches.c.state == "applied")
        )
        if up_to is not None:
            query = query.where(b.c.year <= up_to)
        year = self.c.scalar(query)
        return {} if year is None else self.current(programme, year)


def _same(a: Geometry, b: Geometry) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
