"""Backup and restore: every table comes back exactly, across SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
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
from koers.areas import Observation
from koers.cli import main
from koers.plan import load_plan
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


def test_a_backup_taken_while_an_import_commits_restores(store, tmp_path, request, monkeypatch):
    """The review's failure: an import that commits between the backup's reading of the
    batches and of the figures left figures whose batch the zip did not hold, and the
    restore failed on a foreign key. The backup reads one snapshot: the import is in it
    whole or not at all."""
    from koers.sources import import_file
    from koers.store import backup as backup_module
    from tests.conftest import EXAMPLE

    runner = CliRunner()
    assert runner.invoke(main, ["--db", url_of(store), "load", str(EXAMPLE)]).exit_code == 0
    figures = tmp_path / "nieuw.csv"
    figures.write_text("indicator,area,period,value\ninwoners,zuid,2024-01-01,212345\n")
    ordered = backup_module._ordered

    def import_before_the_figures_are_read(table):
        if table.name == "observations":
            with Store.open(url_of(store)) as other:  # another connection, as a user would
                import_file(other, figures, programme="voorbeeld")
        return ordered(table)

    monkeypatch.setattr(backup_module, "_ordered", import_before_the_figures_are_read)
    summary = backup(store, tmp_path / "tijdens.zip")
    with zipfile.ZipFile(tmp_path / "tijdens.zip") as z:
        batches = z.read("tables/import_batches.jsonl").count(b"\n")
    assert batches == summary.tables["import_batches"] == 1  # the import came after
    assert len(store.batches("voorbeeld")) == 2  # and it did land in the store
    with empty_store("sqlite", tmp_path, request) as fresh:
        assert restore(fresh, tmp_path / "tijdens.zip").rows == summary.rows
        assert len(fresh.observations("voorbeeld")) == summary.tables["observations"]


def test_a_backup_file_is_readable_by_its_owner_only(store, tmp_path):
    from tests.conftest import EXAMPLE

    runner = CliRunner()
    assert runner.invoke(main, ["--db", url_of(store), "load", str(EXAMPLE)]).exit_code == 0
    target = tmp_path / "koers.zip"
    target.write_bytes(b"an old file, world-readable")
    target.chmod(0o644)
    backup(store, target)
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_store_without_a_programme_gives_no_backup(store, tmp_path):
    """Run against the wrong (empty) database, a backup refuses in one line instead of
    writing '0 rijen' and exiting 0; no file is left behind."""
    refused = CliRunner().invoke(main, ["--db", url_of(store), "backup", str(tmp_path / "b.zip")])
    assert refused.exit_code == 1
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("fout: de database ") and "bevat nog geen programma" in line
    assert not list(tmp_path.glob("b.zip*"))  # neither the file nor its partial


def test_commands_that_only_read_do_not_create_a_database(tmp_path):
    missing = tmp_path / "koers.db"
    for command in (["status"], ["backup", str(tmp_path / "b.zip")], ["import", "history"]):
        refused = CliRunner().invoke(main, ["--db", f"sqlite:///{missing}", *command])
        assert refused.exit_code == 1, command
        assert f"fout: de database sqlite:///{missing} bestaat niet" in refused.stderr
    assert not missing.exists()


def test_a_refused_restore_names_the_table_and_shows_no_row(store, tmp_path, monkeypatch):
    """A backup whose figures lost their batches (checksums made to match) is refused by the
    database: the message names the table and the reason, and prints no row (a row of the
    users table holds a password hash)."""
    populate(store, monkeypatch)
    backup(store, tmp_path / "koers.zip")
    damaged = tmp_path / "zonder-batches.zip"
    with zipfile.ZipFile(tmp_path / "koers.zip") as z, zipfile.ZipFile(damaged, "w") as out:
        manifest = json.loads(z.read("manifest.json"))
        for name in manifest["tables"]:
            data = b"" if name == "import_batches" else z.read(f"tables/{name}.jsonl")
            manifest["tables"][name] = {
                "rows": data.count(b"\n"),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            out.writestr(f"tables/{name}.jsonl", data)
        out.writestr("manifest.json", json.dumps(manifest))
    with Store.open(f"sqlite:///{tmp_path / 'leeg.db'}") as fresh:
        with pytest.raises(StoreError) as refused:
            restore(fresh, damaged)
        message = str(refused.value)
        assert "kan niet worden teruggezet" in message and "er is niets teruggezet" in message
        assert "argon2" not in message and "installateur" not in message
        assert refused.value.__cause__ is None and refused.value.__suppress_context__
        assert fresh.programme_ids() == []


def _at_revision(url: str, revision: str) -> Store:
    """A new store brought only up to ``revision``, as an older koers left it."""
    from alembic import command
    from alembic.config import Config

    from koers.store.store import MIGRATIONS

    store = Store.open(url, migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return store


@pytest.mark.parametrize("target", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_backup_of_the_previous_schema_version_restores_after_an_upgrade(
    target, tmp_path, request
):
    """Backed up before an upgrade, restored after it: the backup goes in at its own
    revision and is migrated forward in the same transaction."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from koers.store.store import HEAD, MIGRATIONS
    from tests.conftest import EXAMPLE

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    previous = ScriptDirectory.from_config(config).get_revision(HEAD).down_revision
    assert isinstance(previous, str)
    with _at_revision(f"sqlite:///{tmp_path / 'oud.db'}", previous) as old:
        old.save_plan(load_plan(EXAMPLE), user="test")
        old.import_observations(
            "voorbeeld",
            [Observation("inwoners", "zuid", "2024-01-01", 212345.0)],
            source_name="oud.csv",
            checksum="oud",
            format="csv",
            user="test",
        )
        made = backup(old, tmp_path / "oud.zip")
    assert made.revision == previous
    with empty_store(target, tmp_path, request) as upgraded:
        assert upgraded.schema_version() == HEAD
        restore(upgraded, tmp_path / "oud.zip")
        assert upgraded.schema_version() == HEAD
        (figure,) = upgraded.observations("voorbeeld")
        assert (figure.area, figure.value) == ("zuid", 212345.0)
        assert upgraded.plan("voorbeeld").programme.id == "voorbeeld"


def test_a_backup_newer_than_the_database_is_refused(store, tmp_path):
    from tests.conftest import EXAMPLE

    store.save_plan(load_plan(EXAMPLE), user="test")
    backup(store, tmp_path / "koers.zip")
    newer = tmp_path / "nieuwer.zip"
    with zipfile.ZipFile(tmp_path / "koers.zip") as z, zipfile.ZipFile(newer, "w") as out:
        for item in z.namelist():
            data = z.read(item)
            if item == "manifest.json":
                manifest = json.loads(data)
                manifest["revision"] = "9999"
                data = json.dumps(manifest).encode()
            out.writestr(item, data)
    with Store.open(f"sqlite:///{tmp_path / 'leeg.db'}") as fresh:
        with pytest.raises(StoreError, match="schemaversie 9999, nieuwer dan deze database"):
            restore(fresh, newer)
        assert fresh.programme_ids() == []


def test_a_backup_taken_while_the_bureau_approves_restores(store, tmp_path, request, monkeypatch):
    """An approval writes an import batch, a figure, the update and the audit log in one
    transaction; committed in the middle of a backup, it is in the backup whole or not at
    all, and the backup restores."""
    from koers.store import backup as backup_module
    from tests.helpers import PLAN

    store.save_plan(PLAN, user="test")
    admin = wf.create_user(store, "p", "beheer", PASSWORD, "admin", by=None)
    bureau = wf.create_user(store, "p", "bureau", PASSWORD, "bureau", by=admin)
    partner = wf.create_user(store, "p", "partner", PASSWORD, "partner", "woonbron", by=admin)
    update = wf.draft_update(
        store, "p", partner, indicator="O1", area="zuid", period="2024", value=120
    )
    update = wf.submit(store, update.id, partner, update.version)
    ordered = backup_module._ordered

    def approve_while_reading(table):
        if table.name == "observations":
            with Store.open(url_of(store)) as other:
                wf.approve(other, update.id, bureau, update.version)
        return ordered(table)

    monkeypatch.setattr(backup_module, "_ordered", approve_while_reading)
    summary = backup(store, tmp_path / "tijdens.zip")
    assert summary.tables["import_batches"] == 0 and summary.tables["observations"] == 0
    assert [o.value for o in store.observations("p")] == [120]  # it did land in the store
    with empty_store("sqlite", tmp_path, request) as fresh:
        assert restore(fresh, tmp_path / "tijdens.zip").rows == summary.rows
        assert wf.get_update(fresh, update.id).state is wf.State.SUBMITTED  # as backed up
