"""The store: plans, areas, import batches and observations in one SQL database.

SQLite (WAL mode, foreign keys on) is the embedded default; PostgreSQL serves many users.
Both run the same Alembic migrations. Every write is one transaction: a plan load or an
import either lands whole or not at all.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url

from koers.areas.values import Observation
from koers.errors import KoersError
from koers.plan.model import LIST_SECTIONS, Plan
from koers.store import schema as t

MIGRATIONS = Path(__file__).with_name("migrations")
CHUNK = 2000  # rows per INSERT, and per step of a progress bar
DEFAULT_URL = "sqlite:///koers.db"


class StoreError(KoersError, RuntimeError):
    """A write the store refuses; nothing of it was stored."""


@dataclass(frozen=True)
class PlanChange:
    section: str
    item_id: str
    change: str  # added / removed / changed
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.change} {self.section} {self.item_id}{detail}"


@dataclass(frozen=True)
class PlanLoad:
    programme: str
    version: int
    changes: tuple[PlanChange, ...]

    @property
    def unchanged(self) -> bool:
        return not self.changes


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


def current_user() -> str:
    return os.environ.get("KOERS_USER") or getpass.getuser()


def digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """Open with :meth:`open`, which brings the schema up to date."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Store:
        url = url or os.environ.get("KOERS_DB") or DEFAULT_URL
        engine = create_engine(url)
        if make_url(url).get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Run every Alembic migration not yet applied."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    # -- plan ------------------------------------------------------------------------

    def programme_ids(self) -> list[str]:
        with self.transaction() as c:
            return list(c.scalars(select(t.programmes.c.id).order_by(t.programmes.c.id)))

    def resolve_programme(self, programme: str | None) -> str:
        """The programme asked for, or the only one in the store."""
        ids = self.programme_ids()
        if programme is not None:
            if programme not in ids:
                raise StoreError(
                    f"programma '{programme}' staat niet in de database; "
                    f"laad eerst het plan (koers load DIR)"
                )
            return programme
        if not ids:
            raise StoreError("de database bevat nog geen plan; laad er een met 'koers load DIR'")
        if len(ids) > 1:
            raise StoreError(
                f"de database bevat meerdere programma's ({', '.join(ids)}); "
                f"kies er een met --programme"
            )
        return ids[0]

    def plan(self, programme: str | None = None) -> Plan:
        programme = self.resolve_programme(programme)
        with self.transaction() as c:
            document = c.scalar(
                select(t.plan_versions.c.document)
                .where(t.plan_versions.c.programme_id == programme)
                .order_by(t.plan_versions.c.version.desc())
                .limit(1)
            )
        return Plan.model_validate(document)

    def save_plan(
        self, plan: Plan, *, source: str | None = None, user: str | None = None
    ) -> PlanLoad:
        """Store the plan; unchanged plans change nothing, changed ones get a new version."""
        document = plan.model_dump(mode="json")
        plan_digest = digest(document)
        pid = plan.programme.id
        with self.transaction() as c:
            row = c.execute(select(t.programmes).where(t.programmes.c.id == pid)).first()
            if row is not None and row.digest == plan_digest:
                return PlanLoad(pid, row.version, ())
            version = 1 if row is None else row.version + 1
            if row is None:
                c.execute(
                    t.programmes.insert().values(
                        id=pid, name=plan.programme.name, version=version, digest=plan_digest
                    )
                )
            else:
                c.execute(
                    t.programmes.update()
                    .where(t.programmes.c.id == pid)
                    .values(name=plan.programme.name, version=version, digest=plan_digest)
                )
            changes = _sync_items(c, pid, document)
            _sync_areas(c, pid, plan)
            _sync_indicators(c, pid, plan)
            c.execute(
                t.plan_versions.insert().values(
                    programme_id=pid,
                    version=version,
                    digest=plan_digest,
                    source=source,
                    loaded_at=datetime.now(UTC),
                    loaded_by=user or current_user(),
                    document=document,
                )
            )
            if changes:
                c.execute(
                    t.plan_changes.insert(),
                    [
                        {
                            "programme_id": pid,
                            "version": version,
                            "section": ch.section,
                            "item_id": ch.item_id,
                            "change": ch.change,
                            "fields": list(ch.fields),
                        }
                        for ch in changes
                    ],
                )
        return PlanLoad(pid, version, tuple(changes))

    def plan_changes(self, programme: str) -> list[tuple[int, PlanChange]]:
        with self.transaction() as c:
            rows = c.execute(
                select(t.plan_changes)
                .where(t.plan_changes.c.programme_id == programme)
                .order_by(t.plan_changes.c.id)
            )
            return [
                (r.version, PlanChange(r.section, r.item_id, r.change, tuple(r.fields or ())))
                for r in rows
            ]

    # -- observations ----------------------------------------------------------------

    def find_batch(self, programme: str, checksum: str) -> Batch | None:
        with self.transaction() as c:
            row = c.execute(
                select(t.import_batches).where(
                    t.import_batches.c.programme_id == programme,
                    t.import_batches.c.checksum == checksum,
                    t.import_batches.c.state == "applied",
                )
            ).first()
        return _batch(row) if row else None

    def preview_import(self, programme: str, rows: Sequence[Observation]) -> ImportDiff:
        """What importing ``rows`` would change, without writing anything."""
        with self.transaction() as c:
            return _diff(_latest(c, programme), rows)

    def import_observations(
        self,
        programme: str,
        rows: Sequence[Observation],
        *,
        source_name: str,
        checksum: str,
        format: str,
        user: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> BatchResult:
        """Store ``rows`` as one batch. Changed values become new revisions; identical
        values are skipped; the same file (by checksum) is never imported twice."""
        previous = self.find_batch(programme, checksum)
        if previous is not None:
            return BatchResult(previous.id, programme, previous.rows, duplicate_of=previous.id)
        batch_id = new_batch_id()
        with self.transaction() as c:
            diff = _diff(_latest(c, programme), rows)
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
                key = (obs.indicator, obs.area, obs.period)
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
        with self.transaction() as c:
            row = c.execute(
                select(t.import_batches).where(t.import_batches.c.id == batch_id)
            ).first()
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
                .values(
                    state="undone", undone_at=datetime.now(UTC), undone_by=user or current_user()
                )
            )
            row = c.execute(select(t.import_batches).where(t.import_batches.c.id == batch_id)).one()
        return _batch(row)

    def observations(self, programme: str, *, all_revisions: bool = False) -> list[Observation]:
        """Current observations (highest revision per key), or every revision."""
        with self.transaction() as c:
            if all_revisions:
                rows = c.execute(
                    select(t.observations)
                    .where(t.observations.c.programme_id == programme)
                    .order_by(t.observations.c.id)
                )
                return [_observation(r) for r in rows]
            return list(_latest(c, programme).values())

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
        with self.transaction() as c:
            c.execute(n.delete().where(key))
            if text.strip():
                c.execute(
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
        with self.transaction() as c:
            rows = c.execute(select(n).where(n.c.programme_id == programme))
            return {(r.indicator_id, r.area_id, r.period): r.text for r in rows}

    def generation(self, programme: str | None = None) -> tuple[object, ...]:
        """A cheap token that changes whenever what a programme (None: any programme) shows
        changes: its plan versions, its import batches (added or undone), its narratives and
        every portal change (the audit log). Readers cache by it instead of re-reading."""
        with self.transaction() as c:
            return tuple(c.execute(_generation_query(programme)).one())

    def closed_years(self, programme: str) -> set[int]:
        """The years the bureau closed (:func:`koers.workflow.close_period`): figures for
        them change only by a logged correction in the portal, never by an import."""
        with self.transaction() as c:
            column = t.closed_periods.c
            return set(c.scalars(select(column.year).where(column.programme_id == programme)))

    def batches(self, programme: str) -> list[Batch]:
        with self.transaction() as c:
            rows = c.execute(
                select(t.import_batches)
                .where(t.import_batches.c.programme_id == programme)
                .order_by(t.import_batches.c.created_at)
            )
            return [_batch(r) for r in rows]


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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@dataclass(frozen=True)
class ImportDiff:
    """Rows that would be new, rows that would revise a current figure (old, new), and how
    many are already stored as they are."""

    added: list[Observation]
    revised: list[tuple[Observation, Observation]]
    unchanged: int


def _diff(
    latest: dict[tuple[str, str, str], Observation], rows: Sequence[Observation]
) -> ImportDiff:
    added, revised, unchanged = [], [], 0
    for obs in rows:
        current = latest.get((obs.indicator, obs.area, obs.period))
        if current is None:
            added.append(obs)
        elif _same(current, obs):
            unchanged += 1
        else:
            revised.append((current, obs))
    return ImportDiff(added, revised, unchanged)


def _max_revisions(c: Connection, programme: str) -> dict[tuple[str, str, str], int]:
    """Highest revision per key over all batches, undone ones included (numbers stay unique)."""
    o = t.observations
    rows = c.execute(
        select(o.c.indicator_id, o.c.area_id, o.c.period, func.max(o.c.revision))
        .where(o.c.programme_id == programme)
        .group_by(o.c.indicator_id, o.c.area_id, o.c.period)
    )
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def _same(a: Observation, b: Observation) -> bool:
    return (a.value, a.numerator, a.denominator, a.status) == (
        b.value,
        b.numerator,
        b.denominator,
        b.status,
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
    )


@lru_cache(maxsize=64)
def _generation_query(programme: str | None) -> Any:
    """The statement behind :meth:`Store.generation`, built once per programme: every
    anonymous page view runs it, and building it cost ten times running it."""
    b, n, a, v = t.import_batches.c, t.narratives.c, t.audit_log.c, t.plan_versions.c

    def of(column: Any, table: Any, owner: Any) -> Any:
        query = select(column).select_from(table)
        if programme is not None:
            query = query.where(owner == programme)
        return query.scalar_subquery()

    return select(
        of(func.count(), t.plan_versions, v.programme_id),
        of(func.max(v.loaded_at), t.plan_versions, v.programme_id),
        of(func.count(), t.import_batches, b.programme_id),
        of(func.max(b.created_at), t.import_batches, b.programme_id),
        of(func.max(b.undone_at), t.import_batches, b.programme_id),
        of(func.count(), t.narratives, n.programme_id),
        of(func.max(n.updated_at), t.narratives, n.programme_id),
        of(func.max(a.id), t.audit_log, a.programme_id),
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


def _latest(c: Connection, programme: str) -> dict[tuple[str, str, str], Observation]:
    o = t.observations
    top = (
        select(o.c.indicator_id, o.c.area_id, o.c.period, func.max(o.c.revision).label("revision"))
        .join(t.import_batches, t.import_batches.c.id == o.c.batch_id)
        .where(o.c.programme_id == programme, t.import_batches.c.state == "applied")
        .group_by(o.c.indicator_id, o.c.area_id, o.c.period)
        .subquery()
    )
    rows = c.execute(
        select(o)
        .join(
            top,
            (o.c.indicator_id == top.c.indicator_id)
            & (o.c.area_id == top.c.area_id)
            & (o.c.period == top.c.period)
            & (o.c.revision == top.c.revision),
        )
        .where(o.c.programme_id == programme)
    )
    return {(r.indicator_id, r.area_id, r.period): _observation(r) for r in rows}


def _item_rows(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = {("programme", document["programme"]["id"]): document["programme"]}
    for section in LIST_SECTIONS:
        for item in document[section]:
            rows[(section, item["id"])] = item
    return rows


def _sync_items(c: Connection, pid: str, document: dict[str, Any]) -> list[PlanChange]:
    """Bring plan_items in line with the document and say what changed."""
    new = _item_rows(document)
    old = {
        (r.section, r.item_id): r
        for r in c.execute(select(t.plan_items).where(t.plan_items.c.programme_id == pid))
    }
    changes: list[PlanChange] = []
    for key, data in new.items():
        values = {
            "name": data.get("name") or data.get("text"),
            "pillar_id": data.get("pillar"),
            "digest": digest(data),
            "data": data,
        }
        before = old.get(key)
        if before is None:
            c.execute(
                t.plan_items.insert().values(
                    programme_id=pid, section=key[0], item_id=key[1], **values
                )
            )
            changes.append(PlanChange(key[0], key[1], "added"))
        elif before.digest != values["digest"]:
            c.execute(
                t.plan_items.update()
                .where(
                    t.plan_items.c.programme_id == pid,
                    t.plan_items.c.section == key[0],
                    t.plan_items.c.item_id == key[1],
                )
                .values(**values)
            )
            fields = sorted(k for k in {*data, *before.data} if data.get(k) != before.data.get(k))
            changes.append(PlanChange(key[0], key[1], "changed", tuple(fields)))
    for key in old.keys() - new.keys():
        c.execute(
            t.plan_items.delete().where(
                t.plan_items.c.programme_id == pid,
                t.plan_items.c.section == key[0],
                t.plan_items.c.item_id == key[1],
            )
        )
        changes.append(PlanChange(key[0], key[1], "removed"))
    return sorted(changes, key=lambda ch: (ch.section, ch.item_id))


_ROWS_NAMED = {
    "observations": "cijfers",
    "boundaries": "grenzen",
    "alliance_meetings": "gesprekken",
}


def _refuse_orphans(c: Connection, pid: str, column: Any, kept: Iterable[str], what: str) -> None:
    """Refuse a plan that drops items which stored figures or boundaries refer to."""
    orphans = c.execute(
        select(column, func.count())
        .where(column.table.c.programme_id == pid, column.not_in(list(kept)))
        .group_by(column)
    ).all()
    if orphans:
        rows = _ROWS_NAMED[column.table.name]
        listed = ", ".join(f"'{key}' ({n} {rows})" for key, n in orphans)
        raise StoreError(
            f"het nieuwe plan verwijdert {what} waar {rows} naar verwijzen: {listed}; "
            f"houd ze in het plan of maak die imports eerst ongedaan"
        )


def _sync_areas(c: Connection, pid: str, plan: Plan) -> None:
    kept = [a.id for a in plan.areas]
    _refuse_orphans(c, pid, t.observations.c.area_id, kept, "gebieden")
    _refuse_orphans(c, pid, t.boundaries.c.area_id, kept, "gebieden")
    _refuse_orphans(c, pid, t.alliance_meetings.c.area_id, kept, "gebieden")
    c.execute(t.area_members.delete().where(t.area_members.c.programme_id == pid))
    _sync_table(
        c,
        t.areas,
        pid,
        {
            a.id: {
                "name": a.name,
                "kind": a.kind.value,
                "cbs_code": a.cbs_code,
                "parent_id": a.parent,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }
            for a in plan.areas
        },
    )
    members = [
        {"programme_id": pid, "group_id": a.id, "member_id": m, "sign": sign}
        for a in plan.areas
        for sign, ids in ((1, a.members), (-1, a.minus))
        for m in ids
    ]
    if members:
        c.execute(t.area_members.insert(), members)


def _sync_indicators(c: Connection, pid: str, plan: Plan) -> None:
    _refuse_orphans(
        c, pid, t.observations.c.indicator_id, [i.id for i in plan.indicators], "indicatoren"
    )
    _sync_table(
        c,
        t.indicators,
        pid,
        {
            i.id: {
                "name": i.name,
                "kind": i.kind.value,
                "pillar_id": i.pillar,
                "unit": i.unit.value,
                "polarity": i.polarity.value,
                "target_kind": i.target.kind if i.target else None,
            }
            for i in plan.indicators
        },
    )


def _sync_table(c: Connection, table: Any, pid: str, rows: dict[str, dict[str, Any]]) -> None:
    """Update, insert and delete ``table``'s rows of this programme to match ``rows``."""
    key = table.c.programme_id == pid
    existing = set(c.scalars(select(table.c.id).where(key)))
    for item_id, values in rows.items():
        if item_id in existing:
            c.execute(table.update().where(key, table.c.id == item_id).values(**values))
        else:
            c.execute(table.insert().values(programme_id=pid, id=item_id, **values))
    gone = existing - rows.keys()
    if gone:
        c.execute(table.delete().where(key, table.c.id.in_(gone)))
