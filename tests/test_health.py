"""``/gezondheid`` tells the truth, and ``HEAD`` answers on every page."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from koers.cli import main
from koers.store.store import HEAD
from koers.web import create_app

from .conftest import EXAMPLE


def loaded(url: str) -> TestClient:
    assert CliRunner().invoke(main, ["--db", url, "load", str(EXAMPLE)]).exit_code == 0
    return TestClient(create_app(url, reports_dir=None))


def test_a_working_site_is_healthy(sqlite_url):
    with loaded(sqlite_url) as client:
        response = client.get("/gezondheid")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["programma"] == "voorbeeld"
    assert body["schemaversie"] == body["verwachte_schemaversie"] == HEAD
    assert body["laatste_import"] is not None  # the example's figures


def test_a_store_without_a_programme_is_not_healthy(sqlite_url):
    assert CliRunner().invoke(main, ["--db", sqlite_url, "db", "upgrade"]).exit_code == 0
    with TestClient(create_app(sqlite_url, reports_dir=None)) as client:
        response = client.get("/gezondheid")
        assert client.get("/").status_code == 503  # as the pages say
    assert response.status_code == 503 and response.headers["retry-after"] == "30"
    assert response.json()["reden"] == "de database bevat geen programma om te tonen"


def test_a_database_upgraded_behind_the_sites_back_is_not_healthy(sqlite_url):
    with loaded(sqlite_url) as client:
        assert client.get("/gezondheid").status_code == 200
        engine = create_engine(sqlite_url)
        with engine.begin() as c:
            c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        response = client.get("/gezondheid")
    assert response.status_code == 503
    assert response.json()["reden"] == "de database heeft schemaversie 9999"


def test_an_unreachable_database_is_not_healthy(sqlite_url):
    with loaded(sqlite_url) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        store.engine.dispose()
        # nothing listens on port 1 of this machine: the connection is refused at once
        store.engine = create_engine("postgresql+psycopg://koers@127.0.0.1:1/koers")
        response = client.get("/gezondheid")
        store.engine.dispose()
    assert response.status_code == 503
    assert response.json()["reden"] == "de database is niet bereikbaar"


def test_head_answers_like_get_without_a_body(sqlite_url):
    with loaded(sqlite_url) as client:
        for path in ("/", "/gezondheid", "/api/status", "/pijlers/werk"):
            got, head = client.get(path), client.head(path)
            assert head.status_code == got.status_code == 200, path
            assert head.content == b""
            assert head.headers["content-type"] == got.headers["content-type"]


UNREACHABLE = "postgresql+psycopg://koers@127.0.0.1:1/koers"  # nothing listens on port 1


def test_an_unreachable_database_is_a_503_with_one_log_line(sqlite_url, caplog):
    with loaded(sqlite_url) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        store.engine.dispose()
        store.engine = create_engine(UNREACHABLE)
        with caplog.at_level("WARNING", logger="koers.web"):
            page, api = client.get("/pijlers/werk"), client.get("/api/status")
        store.engine.dispose()
    assert page.status_code == api.status_code == 503
    assert page.headers["retry-after"] == api.headers["retry-after"] == "30"
    assert "Probeer het over een halve minuut opnieuw" in page.text
    assert api.json() == {
        "detail": "De gegevens zijn even niet bereikbaar. Probeer het over een halve minuut "
        "opnieuw."
    }
    lines = [r.getMessage() for r in caplog.records if r.name == "koers.web"]
    assert len(lines) == 2 and lines[0].startswith("GET /pijlers/werk: 503, de database ")
    assert all("\n" not in line for line in lines)


def test_an_unreachable_database_is_one_line_on_the_command_line():
    refused = CliRunner().invoke(main, ["--db", UNREACHABLE, "status"])
    assert refused.exit_code == 1
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith(f"fout: de database {UNREACHABLE} is niet bereikbaar (")


def test_serve_waits_for_the_database_then_says_so_in_one_line():
    started = time.monotonic()
    refused = CliRunner().invoke(main, ["--db", UNREACHABLE, "serve", "--wait", "2"])
    assert time.monotonic() - started >= 2  # it waited
    assert refused.exit_code == 1
    assert "koers draait op" not in refused.stdout  # no banner for a server that is not up
    lines = refused.stderr.strip().splitlines()
    assert lines[0].endswith("wacht tot 2 s op de database …")
    assert lines[-1].startswith(f"fout: de database {UNREACHABLE} is niet bereikbaar (")


@pytest.mark.postgres
def test_a_restarted_postgres_costs_no_request():
    """Every pooled connection dies when PostgreSQL restarts; checked before use (pre-ping),
    the next requests get fresh ones instead of a 500 each."""
    from .conftest import postgres_server

    with postgres_server() as (url, restart), loaded(url) as client:
        for path in ("/", "/api/status", "/pijlers/werk"):  # fill the pool
            assert client.get(path).status_code == 200
        restart()
        store = client.app.state.store  # type: ignore[attr-defined]
        assert store.programme_ids() == ["voorbeeld"]  # the first use after the restart
        answers = [client.get(p).status_code for p in ("/", "/api/status", "/gezondheid")]
        assert answers == [200, 200, 200]
