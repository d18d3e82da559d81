"""The website's log: one line per request written by koers, in text or JSON, at the level
``koers serve`` was given."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from koers import workflow as wf
from koers.cli import main
from koers.web import create_app
from koers.web.app import app_from_env
from koers.web.logs import configure_logging

from .conftest import EXAMPLE
from .helpers import PASSWORD

UNREACHABLE = "postgresql+psycopg://koers@127.0.0.1:1/koers"  # nothing listens on port 1
MOMENT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"

Log = Callable[..., io.StringIO]


@pytest.fixture
def log() -> Log:
    """``log(level, fmt)``: the process's logging set up as `koers serve` does, into a
    buffer to read (conftest puts logging back as it was)."""

    def setup(level: str = "info", fmt: str = "text") -> io.StringIO:
        buffer = io.StringIO()
        configure_logging(level, fmt, stream=buffer)
        return buffer

    return setup


@pytest.fixture
def site(sqlite_url: str) -> Iterator[TestClient]:
    assert CliRunner().invoke(main, ["--db", sqlite_url, "load", str(EXAMPLE)]).exit_code == 0
    with TestClient(create_app(sqlite_url, reports_dir=None)) as client:
        yield client


def koers_lines(buffer: io.StringIO) -> list[str]:
    """The lines koers wrote (the test client's own library logs its requests too)."""
    return [line for line in buffer.getvalue().splitlines() if " koers.web " in line]


def test_a_request_is_one_line_with_its_moment_method_path_status_duration_and_worker(site, log):
    buffer = log()
    assert site.get("/pijlers/werk?zoek=geheim+adres").status_code == 200
    (line,) = koers_lines(buffer)
    pattern = rf"{MOMENT} INFO koers\.web GET /pijlers/werk 200 (\d+\.\d) ms \(worker (\d+)\)"
    found = re.fullmatch(pattern, line)
    assert found, line
    assert float(found[1]) > 0 and int(found[2]) == os.getpid()
    assert "geheim" not in line  # the query string is left out


def test_not_found_too_large_and_head_are_logged_too(sqlite_url, log):
    assert CliRunner().invoke(main, ["--db", sqlite_url, "load", str(EXAMPLE)]).exit_code == 0
    buffer = log()
    with TestClient(create_app(sqlite_url, reports_dir=None, max_body_bytes=100)) as client:
        assert client.get("/bestaat/niet").status_code == 404
        assert client.post("/inloggen", content=b"x" * 1000).status_code == 413
        assert client.head("/").status_code == 200
    requests = [line.split(" koers.web ")[1].split(" ms ")[0] for line in koers_lines(buffer)]
    assert [r.rsplit(" ", 1)[0] for r in requests] == [
        "GET /bestaat/niet 404",
        "POST /inloggen 413",
        "HEAD / 200",
    ]


def test_a_control_character_in_the_path_cannot_start_a_line_of_its_own(site, log):
    buffer = log()
    site.get("/a%0A2026-01-01T00:00:00+01:00 ERROR nep")
    (line,) = koers_lines(buffer)
    assert "GET /a\\x0a2026-01-01T00:00:00+01:00 ERROR nep 404 " in line
    assert not any(row.startswith("2026-01-01") for row in buffer.getvalue().splitlines())


def test_a_failure_is_logged_as_a_500(sqlite_url, log, monkeypatch):
    buffer = log()
    app = create_app(sqlite_url)
    monkeypatch.setattr(app.state.store, "programme_ids", lambda: 1 / 0)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500
    (line,) = koers_lines(buffer)
    assert " INFO koers.web GET / 500 " in line


def test_json_lines_parse_and_name_the_fields_in_english(site, log):
    buffer = log(fmt="json")
    site.get("/api/status?programme=voorbeeld")
    records = [json.loads(line) for line in buffer.getvalue().splitlines()]
    (request,) = [r for r in records if r["logger"] == "koers.web"]
    assert request.keys() == {
        "time",
        "level",
        "logger",
        "message",
        "method",
        "path",
        "status",
        "duration_ms",
        "worker",
    }
    assert re.fullmatch(MOMENT, request["time"])
    assert (request["level"], request["method"], request["path"]) == ("INFO", "GET", "/api/status")
    assert request["status"] == 200 and request["worker"] == os.getpid()
    assert isinstance(request["duration_ms"], float)
    assert request["message"].startswith("GET /api/status 200 ")


def _unreachable(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.engine.dispose()
    store.engine = create_engine(UNREACHABLE)


def test_an_unreachable_database_is_a_warning_and_a_503_request_line(site, log):
    buffer = log(fmt="json")
    _unreachable(site)
    assert site.get("/pijlers/werk").status_code == 503
    site.app.state.store.engine.dispose()  # type: ignore[attr-defined]
    records = [json.loads(line) for line in buffer.getvalue().splitlines()]
    warning, request = [r for r in records if r["logger"] == "koers.web"]
    assert warning["level"] == "WARNING" and "niet bereikbaar" in warning["message"]
    assert (request["level"], request["path"], request["status"]) == ("INFO", "/pijlers/werk", 503)


def test_at_level_warning_requests_are_not_logged_but_an_unreachable_database_is(site, log):
    buffer = log(level="warning")
    assert site.get("/").status_code == 200
    assert koers_lines(buffer) == []
    _unreachable(site)
    assert site.get("/pijlers/werk").status_code == 503
    site.app.state.store.engine.dispose()  # type: ignore[attr-defined]
    (line,) = koers_lines(buffer)
    assert re.fullmatch(
        rf"{MOMENT} WARNING koers\.web GET /pijlers/werk: 503, de database .*", line
    )


def test_the_user_of_a_session_or_an_api_key_is_named(portal, log):
    buffer = log(fmt="json")
    assert portal.client("wouter").get("/portaal").status_code == 200
    user = wf.authenticate(portal.store, "gerda", PASSWORD)
    assert user is not None
    token, _ = wf.create_token(portal.store, user, "koppeling")
    api = TestClient(portal.app, headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/portaal/updates").status_code == 200
    assert TestClient(portal.app).get("/").status_code == 200
    records = [json.loads(line) for line in buffer.getvalue().splitlines()]
    named = {(r["path"], r.get("user")) for r in records if r["logger"] == "koers.web"}
    assert {("/portaal", "wouter"), ("/api/portaal/updates", "gerda"), ("/", None)} <= named
    assert any("(worker " in r["message"] and ", user wouter)" in r["message"] for r in records)


def _serve(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, *options: str) -> dict[str, Any]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = CliRunner().invoke(main, ["--db", sqlite_url, "serve", *options])
    assert result.exit_code == 0, result.stderr
    if not isinstance(calls[0]["app"], str):
        calls[0]["app"].state.store.close()
    return calls[0]


def test_serve_hands_the_level_to_uvicorn_and_switches_its_access_log_off(
    sqlite_url, monkeypatch, capsys
):
    assert CliRunner().invoke(main, ["--db", sqlite_url, "load", str(EXAMPLE)]).exit_code == 0
    one = _serve(sqlite_url, monkeypatch, "--log-level", "warning")
    assert one["access_log"] is False and one["log_level"] == "warning"
    assert one["log_config"] is None  # uvicorn's messages go through koers's set-up

    monkeypatch.setenv("KOERS_SECRET_KEY", "gedeeld")
    for name in ("KOERS_DB", "KOERS_LOG_LEVEL", "KOERS_LOG_FORMAT"):
        monkeypatch.setenv(name, "")  # so that monkeypatch puts them back
    many = _serve(sqlite_url, monkeypatch, "--workers", "2", "--log-format", "json")
    assert many["access_log"] is False and many["app"] == "koers.web.app:app_from_env"
    assert os.environ["KOERS_LOG_LEVEL"] == "info" and os.environ["KOERS_LOG_FORMAT"] == "json"
    # and each worker sets up its log from there
    capsys.readouterr()
    with TestClient(app_from_env()) as client:
        client.get("/wijken")
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [r["path"] for r in records if r["logger"] == "koers.web"] == ["/wijken"]


@pytest.mark.parametrize(("option", "value"), [("--log-level", "verbose"), ("--log-format", "xml")])
def test_serve_refuses_an_unknown_level_or_format(sqlite_url, option, value):
    result = CliRunner().invoke(main, ["--db", sqlite_url, "serve", option, value])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr
