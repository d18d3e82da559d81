"""The store: one SQL database holding every programme's plans, figures and workflow.

SQLite (WAL mode, foreign keys on) is the embedded default; PostgreSQL serves many users.
Both run the same Alembic migrations. Every write is one transaction
(:meth:`Store.transaction`): a plan load or an import either lands whole or not at all. The
methods below are the common reads and writes, each in a transaction of its own; the
repositories of :mod:`koers.store.transaction` do the work.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from koers.areas.breakdowns import published
from koers.areas.values import Observation
from koers.plan.history import PlanHistory
from koers.plan.model import Plan
from koers.store import schema as t
from koers.store.base import StoreError, StoreUnavailable
from koers.store.observations import Batch, BatchResult, CurrentFigures, ImportDiff
from koers.store.plans import PlanChange, PlanLoad, VersionInfo
from koers.store.transaction import Transaction

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0009"  # the newest migration (tests check it against Alembic's head)
MIGRATION_LOCK = 0x6B6F657273  # "koers": the advisory lock an upgrade holds on PostgreSQL
DEFAULT_URL = "sqlite:///koers.db"


@dataclass(frozen=True)
class Health:
    """What :meth:`Store.health` found: reachable, at which schema version, and per
    programme the moment of its latest import (None: none yet)."""

    reachable: bool
    schema_version: str | None = None
    programmes: dict[str, datetime | None] = field(default_factory=dict)


class Store:
    """Open with :meth:`open`, which brings the schema up to date."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
        """Open the store at ``url`` (default ``KOERS_DB``, else ``koers.db`` here).

        ``create=False`` refuses a database that does not exist yet or holds no tables,
        naming the URL, instead of quietly making an empty one: a command that only reads
        then says where it looked."""
        url = url or os.environ.get("KOERS_DB") or DEFAULT_URL
        if not create:
            _refuse_missing(url)
        engine = create_engine(url, pool_pre_ping=True)  # a restarted server: reconnect
        if make_url(url).get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if not create and store.schema_version() is None:
            store.close()
            raise StoreError(f"de database {shown_url(url)} is leeg; {_FIRST_LOAD}")
        if migrate:
            try:
                store.migrate()
            except BaseException:
                store.close()  # a refused database leaves no connection behind
                raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Run every Alembic migration not yet applied, under a lock.

        A database already at :data:`HEAD` is left alone without loading Alembic, so a
        command that only reads starts quickly; one newer than this code is refused. Two
        processes that start during an upgrade take turns: the migration holds a lock (an
        advisory lock on PostgreSQL, the write lock on SQLite) and the second finds the
        work done."""
        version = self.schema_version()
        if version == HEAD:
            return
        _refuse_newer(version)
        try:
            with self.connected() as connection:
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                else:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits for another writer
                _refuse_newer(_version_of(connection))
                migrate_to(connection, "head")
        except ProgrammingError as error:  # a runtime role without rights on the schema
            reason = str(error.orig or error).strip().splitlines()[0]
            raise StoreError(
                f"de database {shown_url(str(self.engine.url))}: deze rol mag het schema niet "
                f"aanmaken of bijwerken ({reason}); voer 'koers db upgrade' uit als de "
                f"eigenaar van de database"
            ) from None

    @contextmanager
    def connected(self, *, begin: bool = True) -> Iterator[Connection]:
        """A connection (in a transaction when ``begin``); a database that cannot be reached,
        or is lost or locked on the way, becomes :class:`StoreUnavailable` in one Dutch line
        instead of a driver's traceback."""
        try:
            with self.engine.begin() if begin else self.engine.connect() as connection:
                yield connection
        except (OperationalError, InterfaceError) as error:
            reason = str(error.orig or error).strip().splitlines()[0]
            raise StoreUnavailable(
                f"de database {shown_url(str(self.engine.url))} is niet bereikbaar ({reason})"
            ) from None

    def health(self) -> Health:
        """Whether the database answers, its schema version, its programmes and when each
        last imported a batch; never raises for an unreachable database."""
        try:
            with self.connected(begin=False) as connection:
                version = _version_of(connection)
                if version != HEAD:
                    return Health(True, version)
                b = t.import_batches.c
                rows = connection.execute(
                    select(t.programmes.c.id, func.max(b.created_at))
                    .outerjoin(t.import_batches, b.programme_id == t.programmes.c.id)
                    .group_by(t.programmes.c.id)
                )
                latest: dict[str, datetime | None] = {pid: at for pid, at in rows}
        except (SQLAlchemyError, StoreUnavailable):
            return Health(False)
        return Health(True, version, dict(sorted(latest.items())))

    def schema_version(self) -> str | None:
        """The migration the database is at; None for a new, empty database."""
        with self.connected(begin=False) as connection:
            return _version_of(connection)

    @contextmanager
    def snapshot(self) -> Iterator[Transaction]:
        """A read-only view of the store at one moment, however long the reading takes.

        Reads in separate statements see what others commit in between (READ COMMITTED
        on PostgreSQL, an implicit transaction per statement on SQLite), so a backup taken
        during an import could hold figures whose batch it does not hold. A snapshot reads
        everything as of its first statement: REPEATABLE READ on PostgreSQL (a snapshot
        there), one explicit read transaction on SQLite (WAL keeps it while others write).
        Nothing may be written through it; it is rolled back at the end."""
        with self.connected(begin=False) as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            else:
                # pysqlite opens a transaction only before a write: begin the read one here
                connection.exec_driver_sql("BEGIN")
            try:
                yield Transaction(connection)
            finally:
                connection.rollback()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One transaction: committed when the block ends, rolled back on an error."""
        with self.connected() as connection:
            yield Transaction(connection)

    # -- plan ------------------------------------------------------------------------

    def programme_ids(self) -> list[str]:
        with self.transaction() as tx:
            return tx.plans.programme_ids()

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
            raise StoreError(
                f"de database {shown_url(str(self.engine.url))} bevat nog geen plan; "
                f"laad eerst een plan met 'koers load DIR'"
            )
        if len(ids) > 1:
            raise StoreError(
                f"de database bevat meerdere programma's ({', '.join(ids)}); "
                f"kies er een met --programme"
            )
        return ids[0]

    def plan(self, programme: str | None = None) -> Plan:
        programme = self.resolve_programme(programme)
        with self.transaction() as tx:
            return tx.plans.latest(programme)

    def save_plan(
        self, plan: Plan, *, source: str | None = None, user: str | None = None
    ) -> PlanLoad:
        """Store the plan; unchanged plans change nothing, changed ones get a new version."""
        with self.transaction() as tx:
            return tx.plans.save(plan, source=source, user=user)

    def plan_changes(self, programme: str) -> list[tuple[int, PlanChange]]:
        with self.transaction() as tx:
            return tx.plans.changes(programme)

    def plan_versions(self, programme: str | None = None) -> list[VersionInfo]:
        """Every stored version of the plan, oldest first, with what each changed."""
        programme = self.resolve_programme(programme)
        with self.transaction() as tx:
            return tx.plans.versions(programme)

    def plan_version(self, programme: str | None, number: int) -> Plan:
        programme = self.resolve_programme(programme)
        with self.transaction() as tx:
            return tx.plans.version(programme, number)

    def plan_history(self, programme: str | None = None) -> PlanHistory:
        """The plan's readable versions: a past year is judged against its own targets."""
        programme = self.resolve_programme(programme)
        with self.transaction() as tx:
            return tx.plans.history(programme)

    # -- figures ---------------------------------------------------------------------

    def find_batch(self, programme: str, checksum: str) -> Batch | None:
        with self.transaction() as tx:
            return tx.observations.find_batch(programme, checksum)

    def preview_import(self, programme: str, rows: Sequence[Observation]) -> ImportDiff:
        """What importing ``rows`` would change, without writing anything."""
        with self.transaction() as tx:
            return tx.observations.preview(programme, rows)

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
        check: Callable[[ImportDiff], None] | None = None,
    ) -> BatchResult:
        """Store ``rows`` as one batch (:meth:`koers.store.observations.Observations.add_batch`)."""
        with self.transaction() as tx:
            return tx.observations.add_batch(
                programme,
                rows,
                source_name=source_name,
                checksum=checksum,
                format=format,
                user=user,
                progress=progress,
                check=check,
            )

    def undo_batch(self, batch_id: str, *, user: str | None = None) -> Batch:
        """Take a batch back: its figures stop counting and what they replaced counts again."""
        with self.transaction() as tx:
            return tx.observations.undo_batch(batch_id, user=user)

    def observations(
        self,
        programme: str,
        *,
        all_revisions: bool = False,
        breakdowns: bool = False,
        plan: Plan | None = None,
    ) -> list[Observation]:
        """The totals that count (stored, or formed from breakdowns by the plan's rule:
        :func:`koers.areas.published`); with ``breakdowns`` every current figure as stored,
        breakdowns included; with ``all_revisions`` every revision. ``plan``: the
        programme's latest plan where the caller has it (its rules form the totals; else
        it is read from the store when there are breakdowns)."""
        with self.transaction() as tx:
            if all_revisions:
                return tx.observations.every_revision(programme)
            current = tx.observations.current(programme)
            if breakdowns or all(o.dimension is None for o in current):
                return current
            rules = plan if plan is not None else tx.plans.latest(programme)
            return published({i.id: i for i in rules.indicators}, current)

    def current_figures(self, programme: str, *, plan: Plan | None = None) -> CurrentFigures:
        """The totals :meth:`observations` gives, by (indicator, area, period), each made a
        figure when first read (:class:`~koers.store.observations.CurrentFigures`): for a
        caller that judges the plan (``koers status``) and reads only some of them."""
        with self.transaction() as tx:
            rows = tx.observations.current_rows(programme)
            totals = {key[:3]: row for key, row in rows.items() if not key[3]}
            parts = [Observation.stored(*row) for key, row in rows.items() if key[3]]
            formed: dict[tuple[str, str, str], Observation] = {}
            if parts:
                rules = plan if plan is not None else tx.plans.latest(programme)
                indicators = {i.id: i for i in rules.indicators}
                for total in published(indicators, parts):  # only the formed totals here
                    formed.setdefault(total.key[:3], total)
        return CurrentFigures(totals, formed)

    def batches(self, programme: str) -> list[Batch]:
        with self.transaction() as tx:
            return tx.observations.batches(programme)

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
        with self.transaction() as tx:
            tx.observations.set_narrative(programme, indicator, area, period, text, user=user)

    def narratives(self, programme: str) -> dict[tuple[str, str, str], str]:
        """(indicator, area, period) -> the story behind the curve."""
        with self.transaction() as tx:
            return tx.observations.narratives(programme)

    def generation(self, programme: str | None = None) -> tuple[object, ...]:
        """A cheap token that changes whenever what a programme (None: any programme) shows
        changes: its plan versions, its import batches (added or undone), its narratives and
        every portal change (the audit log). Readers cache by it instead of re-reading."""
        with self.transaction() as tx:
            return tuple(tx.connection.execute(_generation_query(programme)).one())

    def closed_years(self, programme: str) -> set[int]:
        """The years the bureau closed (:func:`koers.workflow.close_period`): figures for
        them change only by a logged correction in the portal, never by an import
        (:meth:`koers.store.updates.Updates.closed_years`)."""
        with self.transaction() as tx:
            return tx.updates.closed_years(programme)

    # -- boundaries ------------------------------------------------------------------

    def latest_boundaries(
        self, programme: str, up_to: int | None = None
    ) -> dict[str, dict[str, Any]]:
        """Area id -> GeoJSON geometry of the latest boundary year (at most ``up_to``) that
        has any (:meth:`koers.store.boundaries.Boundaries.latest`)."""
        with self.transaction() as tx:
            return tx.boundaries.latest(programme, up_to)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


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


def migrate_to(connection: Connection, revision: str) -> None:
    """Bring the database on ``connection`` to ``revision`` (``head``, or a number up or
    down) with Alembic, inside the connection's transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    current = _version_of(connection)
    if revision == "head" or current is None or int(revision) > int(current):
        command.upgrade(config, revision)
    elif revision != current:
        command.downgrade(config, revision)


def _version_of(connection: Connection) -> str | None:
    """The migration a database is at; None for a new, empty database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    version = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return None if version is None else str(version)


def _refuse_newer(version: str | None) -> None:
    if version is not None and version.isdigit() and int(version) > int(HEAD):
        raise StoreError(
            f"de database heeft schemaversie {version}, nieuwer dan deze koers kent ({HEAD}); "
            f"installeer de koers-versie die de database bijwerkte"
        )


_FIRST_LOAD = "laad eerst een plan met 'koers load DIR', of kies een database met --db of KOERS_DB"


def shown_url(url: str) -> str:
    """A database URL as messages show it: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _refuse_missing(url: str) -> None:
    """A SQLite file that is not there is not made by a command that only reads."""
    parsed = make_url(url)
    name = parsed.database
    file = parsed.get_backend_name() == "sqlite" and name and name != ":memory:"
    if file and not Path(str(name)).is_file():
        raise StoreError(f"de database {shown_url(url)} bestaat niet; {_FIRST_LOAD}")
