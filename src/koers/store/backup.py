"""Backup and restore of a whole store, portable between SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format version, the schema's Alembic revision,
when and from which backend, and per table its row count and the SHA-256 of its file) and
one ``tables/NAME.jsonl`` per table, a JSON object per row in primary-key order. Values are
written by column type (dates and times as ISO 8601 with their offset, JSON columns as
JSON), so a backup of SQLite restores into PostgreSQL and back, and two backups of the same
data are byte-identical apart from the manifest's time.

A backup is read from one snapshot (:meth:`~koers.store.Store.snapshot`: what was
committed when it began, however many imports commit while it reads), and its file is
readable by its owner only (it holds password and token hashes and partners' unapproved
reports). A restore goes only into an empty store, in one transaction: all of it or
nothing; a backup of an older schema revision goes in at its own revision and is migrated
forward; a row the database refuses is reported by its table and the database's reason,
never by its values. It checks every table's checksum and row count before writing, inserts
the tables in foreign-key order, and on PostgreSQL moves each id sequence past the restored
ids, so new rows get fresh ids. The audit log's append-only triggers allow this: a restore
only inserts. Tables are read from the database itself, so a backup holds what the database
has at its own revision.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Date, DateTime, Integer, MetaData, Table, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import Column

from koers.store.base import StoreError
from koers.store.store import Store, _version_of, migrate_to, shown_url

FORMAT = "koers-backup"
VERSION = 1
CHUNK = 1000


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    tables: dict[str, int]  # table -> rows

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _tables(c: Connection) -> list[Table]:
    """The tables of the database as it is, at its own schema revision (so a backup of an
    older database holds what it has), parents before children."""
    found = MetaData()
    found.reflect(c)
    return [table for table in found.sorted_tables if table.name != "alembic_version"]


def _revision(c: Connection) -> str:
    found = _version_of(c)
    if found is None:
        raise StoreError("de database heeft geen schemaversie; open hem eerst met koers")
    return found


def _encode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        moment: datetime = value
        if moment.tzinfo is None:  # SQLite hands back naive datetimes: they are UTC
            moment = moment.replace(tzinfo=UTC)
        return moment.isoformat()
    if isinstance(column.type, Date):
        day: date = value
        return day.isoformat()
    return value


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _ordered(table: Table) -> Any:
    return select(table).order_by(*(table.primary_key.columns or table.columns))


def backup(store: Store, path: str | Path) -> BackupSummary:
    """Write every table of ``store`` to the zip file ``path`` (replaced if it exists)."""
    target = Path(path)
    partial = target.with_name(target.name + ".deel")
    # owner-only from the first byte: a backup holds password and token hashes
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(handle, 0o600)  # also when the file was there already
        with os.fdopen(handle, "wb") as file:
            revision, counts = _write(store, file)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)  # a backup file is complete or absent
    return BackupSummary(target, revision, counts)


def _write(store: Store, file: IO[bytes]) -> tuple[str, dict[str, int]]:
    """The zip of every table, read from one snapshot: (schema revision, rows per table)."""
    counts: dict[str, int] = {}
    checksums: dict[str, str] = {}
    with store.snapshot() as tx, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as z:
        c = tx.connection
        revision = _revision(c)
        if not tx.plans.programme_ids():
            raise StoreError(
                f"de database {shown_url(str(store.engine.url))} bevat nog geen programma; "
                f"er is niets om een back-up van te maken"
            )
        for table in _tables(c):
            buffer = io.BytesIO()
            rows = 0
            for row in c.execute(_ordered(table)).mappings():
                record = {col.name: _encode(col, row[col.name]) for col in table.columns}
                buffer.write(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
                buffer.write(b"\n")
                rows += 1
            data = buffer.getvalue()
            z.writestr(f"tables/{table.name}.jsonl", data)
            counts[table.name] = rows
            checksums[table.name] = hashlib.sha256(data).hexdigest()
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "revision": revision,
            "created_at": datetime.now(UTC).isoformat(),
            "backend": store.engine.dialect.name,
            "tables": {name: {"rows": counts[name], "sha256": checksums[name]} for name in counts},
        }
        z.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return revision, counts


def _read(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    if not path.is_file():
        raise StoreError(f"{path}: back-upbestand niet gevonden")
    try:
        with zipfile.ZipFile(path) as z:
            manifest = json.loads(z.read("manifest.json"))
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise StoreError(f"{path}: geen koers-back-up (versie {VERSION})")
            files = {name: z.read(f"tables/{name}.jsonl") for name in manifest["tables"]}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise StoreError(f"{path}: onleesbare back-up ({error})") from None
    for name, data in files.items():
        expected = manifest["tables"][name]
        if hashlib.sha256(data).hexdigest() != expected["sha256"]:
            raise StoreError(f"{path}: tabel {name} is beschadigd (controlegetal klopt niet)")
        if data.count(b"\n") != expected["rows"]:
            raise StoreError(f"{path}: tabel {name} heeft niet {expected['rows']} rijen")
    return manifest, files


def restore(store: Store, path: str | Path) -> BackupSummary:
    """Restore the backup ``path`` into ``store``, which must be empty; all of it or nothing.

    A backup of an older schema revision (made before an upgrade) is restored at that
    revision and then brought up to this code's, in the same transaction; one newer than
    the database is refused."""
    source = Path(path)
    manifest, files = _read(source)
    wanted = str(manifest["revision"])
    with store.connected() as c:
        revision = _revision(c)
        if not wanted.isdigit() or int(wanted) > int(revision):
            raise StoreError(
                f"{source}: back-up van schemaversie {wanted}, nieuwer dan deze database "
                f"({revision}); werk koers en de database eerst bij"
            )
        filled = [
            table.name for table in _tables(c) if c.scalar(select(func.count()).select_from(table))
        ]
        if filled:
            raise StoreError(
                f"terugzetten kan alleen in een lege database; deze heeft al gegevens in "
                f"{', '.join(filled)}"
            )
        migrate_to(c, wanted)
        tables = _tables(c)
        unknown = sorted(set(files) - {table.name for table in tables})
        if unknown:
            raise StoreError(f"{source}: onbekende tabellen {', '.join(unknown)}")
        for table in tables:
            _insert(c, source, table, files.get(table.name, b""))
        migrate_to(c, revision)
        if c.dialect.name == "postgresql":
            _reset_sequences(c)
    return BackupSummary(
        source, manifest["revision"], {n: m["rows"] for n, m in manifest["tables"].items()}
    )


def _insert(c: Connection, source: Path, table: Table, data: bytes) -> None:
    rows = [
        {col.name: _decode(col, json.loads(line).get(col.name)) for col in table.columns}
        for line in data.splitlines()
    ]
    for start in range(0, len(rows), CHUNK):
        try:
            c.execute(table.insert(), rows[start : start + CHUNK])
        except DBAPIError as error:
            # the database's own words, never the rows (they hold password hashes)
            reason = str(error.orig).strip().splitlines()[0]
            raise StoreError(
                f"{source}: tabel {table.name} kan niet worden teruggezet ({reason}); "
                f"er is niets teruggezet"
            ) from None


def _reset_sequences(c: Connection) -> None:
    """Move every id sequence past the restored ids (tables without one are skipped:
    ``setval`` of a NULL sequence name is NULL)."""
    for table in _tables(c):
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and isinstance(keys[0].type, Integer):
            key = keys[0].name  # names from our own schema, not from the backup
            c.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key}'), "
                    f"COALESCE(MAX({key}), 0) + 1, false) FROM {table.name}"
                )
            )
