"""Backup and restore: every table comes back exactly, across SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text

from koers import workflow as wf
from koers.cli import main
from koers.store import Store, StoreError
from koers.store import schema as t
from koers.store.backup import backup, restore
from tests.conftest import NPRZ

PASSWORD = "een lang genoeg wachtwoord"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        wf.PASSWORDS, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def url_of(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def populate(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan with its figures and boundaries, users, an approved update, an escalation,
    a closed year, an API token and a narrative: rows in every kind of table."""
    monkeypatch.setenv("KOERS_USER", "installateur")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", url_of(store), "load", str(NPRZ)]).exit_code == 0
    narrative = ["--db", url_of(store), "narrative", "E5.4", "2022-12-31", "Het verhaal"]
    assert runner.invoke(main, narrative).exit_code == 0
    plan = store.plan("nprz")
    agreement = next(a for a in plan.agreements if a.owners)
    admin = wf.create_user(store, "nprz", "beheer", PASSWORD, "admin", by=None)
    bureau = wf.create_user(store, "nprz", "bureau", PASSWORD, "bureau", by=admin)
    partner = wf.create_user(
        store, "nprz", "partner", PASSWORD, "partner", agreement.owners[0], by=admin
    )
    update = wf.draft_update(
        store, "nprz", partner, agreement=agreement.id, status="risico", note="ë ✓"
    )
    update = wf.submit(store, update.id, partner, update.version)
    wf.approve(store, update.id, bureau, update.version)
    wf.escalate(store, "nprz", agreement.id, bureau, 1, "loopt vast")
    wf.close_period(store, "nprz", 2020, bureau)
    wf.create_token(store, partner, "koppeling")


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in key order, times as UTC (SQLite keeps them without zone)."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    found = {}
    with store.engine.begin() as c:
        for table in t.metadata.sorted_tables:
            rows = c.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            found[table.name] = [{k: plain(v) for k, v in row.items()} for row in rows]
    return found


@contextmanager
def empty_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    if kind == "sqlite":
        with Store.open(f"sqlite:///{tmp_path / 'terug.db'}") as store:
            yield store
        return
    server = request.getfixturevalue("postgres_url")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("DROP DATABASE IF EXISTS terug"))
        c.execute(text("CREATE DATABASE terug"))
    try:
        with Store.open(server.rsplit("/", 1)[0] + "/terug") as store:
            yield store
    finally:
        with admin.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS terug WITH (FORCE)"))
        admin.dispose()


@pytest.mark.parametrize("target", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_backup_restores_every_table_exactly(store, target, tmp_path, request, monkeypatch):
    populate(store, monkeypatch)
    before = dump(store)
    assert all(before[name] for name in ("observations", "updates", "audit_log", "boundaries"))
    summary = backup(store, tmp_path / "koers.zip")
    assert summary.tables["audit_log"] == len(before["audit_log"])
    with empty_store(target, tmp_path, request) as fresh:
        restored = restore(fresh, tmp_path / "koers.zip")
        assert restored.rows == summary.rows
        assert dump(fresh) == before
        # the restored store works on: new rows get new ids, the audit log stays append-only
        admin = wf.authenticate(fresh, "beheer", PASSWORD)
        assert admin is not None
        made = wf.create_user(fresh, "nprz", "nieuw", PASSWORD, "bureau", by=admin)
        assert made.id > max(u["id"] for u in before["users"])
        with pytest.raises(Exception, match="append-only"), fresh.engine.begin() as c:
            c.execute(text("DELETE FROM audit_log"))


def test_a_restore_into_a_store_with_data_is_refused_and_changes_nothing(
    store, tmp_path, monkeypatch
):
    populate(store, monkeypatch)
    backup(store, tmp_path / "koers.zip")
    before = dump(store)
    with pytest.raises(StoreError, match="alleen in een lege database"):
        restore(store, tmp_path / "koers.zip")
    assert dump(store) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(
    store, tmp_path, monkeypatch, request
):
    populate(store, monkeypatch)
    good = tmp_path / "koers.zip"
    backup(store, good)
    damaged = tmp_path / "beschadigd.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "tables/observations.jsonl":
                data = data.replace(b"40.3", b"41.3", 1)
            target.writestr(item, data)
    with empty_store("sqlite", tmp_path, request) as fresh:
        with pytest.raises(StoreError, match="observations is beschadigd"):
            restore(fresh, damaged)
        assert all(rows == [] for rows in dump(fresh).values())
        with pytest.raises(StoreError, match="onleesbare back-up"):
            (tmp_path / "kapot.zip").write_bytes(good.read_bytes()[:500])
            restore(fresh, tmp_path / "kapot.zip")


def test_backup_and_restore_on_the_command_line(run, sqlite_url, tmp_path):
    assert run("load", str(NPRZ)).exit_code == 0
    made = run("backup", str(tmp_path / "b.zip"))
    assert made.exit_code == 0 and "back-up geschreven" in made.stdout and "rijen in" in made.stdout
    again = run("restore", str(tmp_path / "b.zip"))
    assert again.exit_code == 1 and "alleen in een lege database" in again.stderr
    fresh = f"sqlite:///{tmp_path / 'nieuw.db'}"
    restored = CliRunner().invoke(main, ["--db", fresh, "restore", str(tmp_path / "b.zip")])
    assert restored.exit_code == 0 and "teruggezet:" in restored.stdout
    status = CliRunner().invoke(main, ["--db", fresh, "status", "--format", "json"])
    assert status.exit_code == 0 and "E5.4" in status.stdout
