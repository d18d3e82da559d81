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
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from koers.areas.values import Observation
from koers.plan.model import Plan
from koers.store import schema as t
from koers.store.base import StoreError
from koers.store.observations import Batch, BatchResult, ImportDiff
from koers.store.plans import PlanChange, PlanLoad
from koers.store.transaction import Transaction

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0007"  # the newest migration (tests check it against Alembic's head)
DEFAULT_URL = "sqlite:///koers.db"


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
        """Run every Alembic migration not yet applied.

        A database already at :data:`HEAD` is left alone without loading Alembic, so a
        command that only reads starts quickly."""
        if self.schema_version() == HEAD:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def schema_version(self) -> str | None:
        """The migration the database is at; None for a new, empty database."""
        try:
            with self.engine.connect() as connection:
                version = connection.scalar(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no alembic_version table yet
            return None
        return None if version is None else str(version)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One transaction: committed when the block ends, rolled back on an error."""
        with self.engine.begin() as connection:
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
            raise StoreError("de database bevat nog geen plan; laad er een met 'koers load DIR'")
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
            )

    def undo_batch(self, batch_id: str, *, user: str | None = None) -> Batch:
        """Take a batch back: its figures stop counting and what they replaced counts again."""
        with self.transaction() as tx:
            return tx.observations.undo_batch(batch_id, user=user)

    def observations(self, programme: str, *, all_revisions: bool = False) -> list[Observation]:
        """Current observations (highest revision per key), or every revision."""
        with self.transaction() as tx:
            if all_revisions:
                return tx.observations.every_revision(programme)
            return tx.observations.current(programme)

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
