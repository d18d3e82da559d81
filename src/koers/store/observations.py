"""The figures repository: import batches, observations with their revisions, narratives.

An import is one batch with its file name, checksum, user and time. A figure is keyed by
indicator, area, period and its breakdown (:attr:`~koers.areas.Observation.key`): a partner's
contribution (``partner=havensteder``) is a figure of its own, never a revision of another
partner's or of the total. A changed figure becomes a new revision and the old one stays in
history; the same file (by checksum) is never imported
twice; undoing a batch makes what it replaced count again. Boundaries take the same batch path
(:mod:`koers.store.boundaries`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from sqlalchemy import Connection, func, select

from koers.areas.values import Observation
from koers.store import schema as t
from koers.store.base import StoreError, current_user

CHUNK = 2000  # rows per INSERT, and per step of a progress bar


@dataclass(frozen=True)
class BatchResult:
    batch: str
    programme: str
    rows: int
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    duplicate_of: str | None = None  # the same file was imported before as this batch


@dataclass(frozen=True)
class Batch:
    id: str
    programme: str
    source_name: str
    checksum: str
    format: str
    created_at: datetime
    created_by: str | None
    rows: int
    state: str
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    undone_at: datetime | None = None
    undone_by: str | None = None


@dataclass(frozen=True)
class ImportDiff:
    """Rows that would be new, rows that would revise a current figure (old, new), and how
    many are already stored as they are."""

    added: list[Observation]
    revised: list[tuple[Observation, Observation]]
    unchanged: int


class Observations:
    """The figures of every programme in the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def find_batch(self, programme: str, checksum: str) -> Batch | None:
        row = self.c.execute(
            select(t.import_batches).where(
                t.import_batches.c.programme_id == programme,
                t.import_batches.c.checksum == checksum,
                t.import_batches.c.state == "applied",
            )
        ).first()
        return _batch(row) if row else None

    def preview(self, programme: str, rows: Sequence[Observation]) -> ImportDiff:
        """What importing ``rows`` would change, without writing anything."""
        return _diff(_latest(self.c, programme), rows)

    def add_batch(
        self,
        programme: str,
        rows: Sequence[Observation],
        *,
        source_name: str,
        checksum: str,
        format: str,
        user: str | None = None,
        progress: Callable[[int], None] | None = None,
        check: Callable[[ImportDiff], None] | None = None,
    ) -> BatchResult:
        """Store ``rows`` as one batch. Changed values become new revisions; identical
        values are skipped; the same file (by checksum) is never imported twice. ``check``
        sees what would change before anything is written and may refuse it by raising."""
        previous = self.find_batch(programme, checksum)
        if previous is not None:
            return BatchResult(previous.id, programme, previous.rows, duplicate_of=previous.id)
        c = self.c
        batch_id = new_batch_id()
        diff = _diff(_latest(c, programme), rows)
        if check is not None:
            check(diff)
        insert_batch(
            c,
            batch_id,
            programme,
            source_name=source_name,
            checksum=checksum,
            format=format,
            user=user,
            rows=len(rows),
            added=len(diff.added),
            revised=len(diff.revised),
            unchanged=diff.unchanged,
        )
        revisions = _max_revisions(c, programme)
        inserts = []
        for obs in [*diff.added, *(new for _, new in diff.revised)]:
            key = obs.key
            revisions[key] = revisions.get(key, 0) + 1
            inserts.append(
                {
                    "programme_id": programme,
                    "indicator_id": obs.indicator,
                    "area_id": obs.area,
                    "period": obs.period,
                    "revision": revisions[key],
                    "value": obs.value,
                    "numerator": obs.numerator,
                    "denominator": obs.denominator,
                    "status": obs.status,
                    "source": obs.source,
                    "note": obs.note,
                    "batch_id": batch_id,
                    "dimension": obs.dimension or "",
                    "category": obs.category or "",
                    "confirmation": obs.confirmation,
                }
            )
        for start in range(0, len(inserts), CHUNK):
            c.execute(t.observations.insert(), inserts[start : start + CHUNK])
            if progress is not None:
                progress(min(start + CHUNK, len(inserts)))
        return BatchResult(
            batch_id, programme, len(rows), len(diff.added), len(diff.revised), diff.unchanged
        )

    def undo_batch(self, batch_id: str, *, user: str | None = None) -> Batch:
        """Take a batch back: its figures stop counting and what they replaced counts again.

        The rows stay, marked undone, so history shows what happened.
        """
        c = self.c
        row = c.execute(select(t.import_batches).where(t.import_batches.c.id == batch_id)).first()
        if row is None:
            raise StoreError(f"import '{batch_id}' bestaat niet; zie 'koers import history'")
        if row.state != "applied":
            raise StoreError(
                f"import '{batch_id}' is al ongedaan gemaakt op "
                f"{row.undone_at:%d-%m-%Y %H:%M} door {row.undone_by}"
            )
        c.execute(
            t.import_batches.update()
            .where(t.import_batches.c.id == batch_id)
            .values(state="undone", undone_at=datetime.now(UTC), undone_by=user or current_user())
        )
        row = c.execute(select(t.import_batches).where(t.import_batches.c.id == batch_id)).one()
        return _batch(row)

    def current(self, programme: str) -> list[Observation]:
        """The figures that count: the highest revision per key of the applied batches,
        totals and breakdowns alike (:func:`koers.areas.published` forms the totals)."""
        return list(_latest(self.c, programme).values())

    def current_rows(self, programme: str) -> dict[Key, tuple[Any, ...]]:
        """:meth:`current` as rows in the order of :meth:`Observation.stored`'s parameters,
        for a reader that makes figures of only the rows it reads (:class:`CurrentFigures`)."""
        return _latest_rows(self.c, programme)

    def current_at(
        self, programme: str, indicator: str, area: str, period: str
    ) -> list[Observation]:
        """The current figures of one indicator, area and period (the total and every
        breakdown): what a partner's draft is checked against, without reading the whole
        programme."""
        return list(_latest(self.c, programme, (indicator, area, period)).values())

    def every_revision(self, programme: str) -> list[Observation]:
        rows = self.c.execute(
            select(t.observations)
            .where(t.observations.c.programme_id == programme)
            .order_by(t.observations.c.id)
        )
        return [_observation(r) for r in rows]

    def batches(self, programme: str) -> list[Batch]:
        rows = self.c.execute(
            select(t.import_batches)
            .where(t.import_batches.c.programme_id == programme)
            .order_by(t.import_batches.c.created_at)
        )
        return [_batch(r) for r in rows]

    def set_narrative(
        self,
        programme: str,
        indicator: str,
        area: str,
        period: str,
        text: str,
        *,
        user: str | None = None,
    ) -> None:
        """Store (or replace) the story behind the curve; an empty text removes it."""
        n = t.narratives
        key = (
            (n.c.programme_id == programme)
            & (n.c.indicator_id == indicator)
            & (n.c.area_id == area)
            & (n.c.period == period)
        )
        self.c.execute(n.delete().where(key))
        if text.strip():
            self.c.execute(
                n.insert().values(
                    programme_id=programme,
                    indicator_id=indicator,
                    area_id=area,
                    period=period,
                    text=text.strip(),
                    author=user or current_user(),
                    updated_at=datetime.now(UTC),
                )
            )

    def narratives(self, programme: str) -> dict[tuple[str, str, str], str]:
        """(indicator, area, period) -> the story behind the curve."""
        n = t.narratives
        rows = self.c.execute(select(n).where(n.c.programme_id == programme))
        return {(r.indicator_id, r.area_id, r.period): r.text for r in rows}


def new_batch_id() -> str:
    return uuid.uuid4().hex[:12]


def insert_batch(
    c: Connection,
    batch_id: str,
    programme: str,
    *,
    source_name: str,
    checksum: str,
    format: str,
    user: str | None,
    rows: int,
    added: int,
    revised: int,
    unchanged: int,
) -> None:
    """The ``import_batches`` row of one import (figures or boundaries), inside its
    transaction."""
    c.execute(
        t.import_batches.insert().values(
            id=batch_id,
            programme_id=programme,
            source_name=source_name,
            checksum=checksum,
            format=format,
            created_at=datetime.now(UTC),
            created_by=user or current_user(),
            rows=rows,
            state="applied",
            added=added,
            revised=revised,
            unchanged=unchanged,
        )
    )


Key = tuple[str, str, str, str, str]  # indicator, area, period, dimension, category


def _diff(latest: dict[Key, Observation], rows: Sequence[Observation]) -> ImportDiff:
    added, revised, unchanged = [], [], 0
    for obs in rows:
        current = latest.get(obs.key)
        if current is None:
            added.append(obs)
        elif _same(current, obs):
            unchanged += 1
        else:
            revised.append((current, obs))
    return ImportDiff(added, revised, unchanged)


def _key_columns() -> tuple[Any, ...]:
    o = t.observations
    return (o.c.indicator_id, o.c.area_id, o.c.period, o.c.dimension, o.c.category)


def _max_revisions(c: Connection, programme: str) -> dict[Key, int]:
    """Highest revision per key over all batches, undone ones included (numbers stay unique)."""
    o = t.observations
    rows = c.execute(
        select(*_key_columns(), func.max(o.c.revision))
        .where(o.c.programme_id == programme)
        .group_by(*_key_columns())
    )
    return {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in rows}


def _same(a: Observation, b: Observation) -> bool:
    return (a.value, a.numerator, a.denominator, a.status, a.confirmation) == (
        b.value,
        b.numerator,
        b.denominator,
        b.status,
        b.confirmation,
    )


def _observation(row: Any) -> Observation:
    return Observation(
        indicator=row.indicator_id,
        area=row.area_id,
        period=row.period,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        status=row.status,
        source=row.source,
        note=row.note,
        batch=row.batch_id,
        revision=row.revision,
        dimension=row.dimension or None,
        category=row.category or None,
        confirmation=row.confirmation,
    )


def _batch(row: Any) -> Batch:
    return Batch(
        row.id,
        row.programme_id,
        row.source_name,
        row.checksum,
        row.format,
        row.created_at,
        row.created_by,
        row.rows,
        row.state,
        row.added,
        row.revised,
        row.unchanged,
        row.undone_at,
        row.undone_by,
    )


def _plain_rows(c: Connection, query: Any) -> list[tuple[Any, ...]]:
    """All rows of ``query`` as the database driver gives them: for 100 000 figures a
    fifth faster than SQLAlchemy's rows, which this scan needs none of (the columns are
    plain text and numbers on both backends)."""
    compiled = query.compile(dialect=c.dialect)
    params = compiled.params
    arguments = (
        [params[name] for name in compiled.positiontup or ()] if compiled.positional else params
    )
    cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), arguments)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def _latest(
    c: Connection, programme: str, place: tuple[str, str, str] | None = None
) -> dict[Key, Observation]:
    """:func:`_latest_rows` as figures."""
    stored = Observation.stored
    return {key: stored(*row) for key, row in _latest_rows(c, programme, place).items()}


def _latest_rows(
    c: Connection, programme: str, place: tuple[str, str, str] | None = None
) -> dict[Key, tuple[Any, ...]]:
    """The highest revision per key of the applied batches: one plain scan of their rows,
    the highest revision kept here. (A GROUP BY subquery joined back on the five key
    columns took four times as long as the scan with 100 000 figures, and reading each row
    by column name doubled the rest.) ``place``: only the figures of this indicator, area
    and period."""
    o, b = t.observations, t.import_batches
    query = (
        select(  # the order of Observation.stored's parameters
            *_key_columns(),
            o.c.revision,
            o.c.value,
            o.c.numerator,
            o.c.denominator,
            o.c.status,
            o.c.source,
            o.c.note,
            o.c.batch_id,
            o.c.confirmation,
        )
        .join(b, b.c.id == o.c.batch_id)
        .where(o.c.programme_id == programme, b.c.state == "applied")
    )
    if place is not None:
        query = query.where(
            o.c.indicator_id == place[0], o.c.area_id == place[1], o.c.period == place[2]
        )
    best: dict[Key, tuple[Any, ...]] = {}
    for row in _plain_rows(c, query):
        key = (row[0], row[1], row[2], row[3], row[4])
        kept = best.get(key)
        if kept is None or row[5] > kept[5]:
            best[key] = row
    return best


Place = tuple[str, str, str]


class CurrentFigures(Mapping[Place, Observation]):
    """The totals that count by (indicator, area, period), as
    :meth:`koers.store.Store.observations` gives them, each made a figure from its row when
    first read. Judging a plan reads a fraction of a large store's figures (its target and
    reference areas, members only where a value is derived), and making all 100 000 of them
    took longer than judging. ``formed``: totals formed from breakdowns, already made; where
    a total is stored too, the stored one counts."""

    def __init__(self, rows: dict[Place, tuple[Any, ...]], formed: dict[Place, Observation]):
        self._rows = rows
        # a stored total counts over one formed from breakdowns (koers.areas.published)
        self._made = {key: total for key, total in formed.items() if key not in rows}
        self._formed = list(self._made)

    def get(self, key: Place, default: Any = None) -> Any:  # the index's hot path
        found = self._made.get(key)
        if found is None:
            row = self._rows.get(key)
            if row is None:
                return default
            found = self._made[key] = Observation.stored(*row)
        return found

    def __getitem__(self, key: Place) -> Observation:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Place]:
        return chain(self._rows, self._formed)

    def __len__(self) -> int:
        return len(self._rows) + len(self._formed)
