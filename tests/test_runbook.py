"""docs/operations.md as a tested runbook: its SQL for the database and the two roles runs
against a real PostgreSQL, the owner migrates, and the runtime role can do the daily work but
cannot touch the audit log's history."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from koers.cli import main

from .conftest import EXAMPLE, ROOT

RUNBOOK = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
SQL = re.findall(r"```sql\n(.*?)```", RUNBOOK, re.S)
pytestmark = pytest.mark.postgres


def statements(block: str) -> list[str]:
    return [s.strip() for s in block.split(";") if s.strip()]


def as_role(server: str, role: str | None, database: str = "koers") -> str:
    url = make_url(server).set(database=database)
    return url.set(username=role).render_as_string(hide_password=False) if role else str(url)


@pytest.fixture
def koers_database(postgres_url: str) -> Iterator[str]:
    """The runbook's database and roles, made from its own SQL; removed afterwards."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")

    def clean() -> None:
        with admin.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS koers WITH (FORCE)"))
            for role in ("koers_app", "koers_eigenaar"):
                c.execute(text(f"DROP ROLE IF EXISTS {role}"))

    clean()
    with admin.connect() as c:
        for statement in statements(SQL[0]):
            c.execute(text(statement))
    inside = create_engine(as_role(postgres_url, None), isolation_level="AUTOCOMMIT")
    with inside.connect() as c:
        for statement in statements(SQL[1]):
            c.execute(text(statement))
    inside.dispose()
    try:
        yield postgres_url
    finally:
        clean()
        admin.dispose()


def test_the_runbook_sets_up_an_owner_and_a_runtime_role(koers_database, monkeypatch):
    assert len(SQL) == 3, "the runbook's three SQL steps: roles, rights, the audit log"
    owner = as_role(koers_database, "koers_eigenaar")
    app = as_role(koers_database, "koers_app")
    runner = CliRunner()

    # the runtime role cannot make the schema; the owner can
    refused = runner.invoke(main, ["--db", app, "db", "upgrade"])
    assert refused.exit_code == 1
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("fout: de database ") and "mag het schema niet" in line
    made = runner.invoke(main, ["--db", owner, "db", "upgrade"])
    assert made.exit_code == 0, made.stderr
    superuser = create_engine(as_role(koers_database, None), isolation_level="AUTOCOMMIT")
    with superuser.connect() as c:
        for statement in statements(SQL[2]):
            c.execute(text(statement))

    # the daily work as the runtime role: load, status, the first admin (an audit entry)
    monkeypatch.setenv("KOERS_PASSWORD", "een lang genoeg wachtwoord")
    for command in (["load", str(EXAMPLE)], ["status"], ["users", "add", "beheer"]):
        done = runner.invoke(main, ["--db", app, *command])
        assert done.exit_code == 0, (command, done.stderr)

    # but the audit log's history is out of its reach, and so is the schema
    engine = create_engine(app)
    for forbidden in (
        "DELETE FROM audit_log",
        "UPDATE audit_log SET actor = 'niemand'",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "CREATE TABLE ander (id integer)",
    ):
        with (
            pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
            engine.begin() as c,
        ):
            c.execute(text(forbidden))
    engine.dispose()
    with superuser.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM audit_log")) >= 1
    superuser.dispose()
