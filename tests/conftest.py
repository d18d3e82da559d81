"""Shared fixtures: the example plan, stores on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started by the test run itself (Debian's ``postgresql`` package:
initdb + pg_ctl in a temporary directory, on a free loopback port) and stopped at the end.
With ``KOERS_REQUIRE_POSTGRES=1`` (as in ``make test``) a missing server is a failure.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from koers.areas import Observation
from koers.plan import Plan, load_plan
from koers.sources import read_plan_figures
from koers.store import Store

from .helpers import Portal, fast_hasher, open_portal

# Property tests check what holds, not how fast: on a shared machine one example can take
# longer than hypothesis's default 200 ms deadline and fail a correct test.
settings.register_profile("koers", deadline=None)
settings.load_profile("koers")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "example"
NPRZ = ROOT / "plans" / "nprz-2023-2027"


@pytest.fixture(scope="session")
def example_plan() -> Plan:
    return load_plan(EXAMPLE)


@pytest.fixture(scope="session")
def nprz_plan() -> Plan:
    return load_plan(NPRZ)


@pytest.fixture(scope="session")
def nprz_figures(nprz_plan: Plan) -> list[Observation]:
    """Every figure the NPRZ plan prints, as its data/*.csv give them."""
    return read_plan_figures(nprz_plan, NPRZ)


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def koers_server(url: str, *, workers: int = 2) -> Iterator[str]:
    """``koers serve --workers N`` on ``url`` in a child process; yields its base URL."""
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KOERS_SECRET_KEY": "gedeeld"}
    koers = [sys.executable, "-c", "from koers.cli import main; main()", "--db", url]
    process = subprocess.Popen(
        [*koers, "serve", "--port", str(port), "--workers", str(workers), "--reports", os.devnull],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(f"{base}/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server ended"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def postgres_server() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL server of its own on a free loopback port: (its URL, restart it)."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        if os.environ.get("KOERS_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL (initdb, pg_ctl) is not installed; run `make system-deps`")
        pytest.skip("PostgreSQL is not installed")
    base = Path(tempfile.mkdtemp(prefix="koers-pg-"))
    data, port = base / "data", free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        base.chmod(0o700)
        prefix = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *prefix,
            initdb,
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    control = [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w"]
    subprocess.run([*control, "start"], check=True, capture_output=True)

    def restart() -> None:
        subprocess.run([*control, "-m", "fast", "restart"], check=True, capture_output=True)

    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", restart
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as (url, _restart):
        yield url


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'koers.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
    with Store.open(url) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _logging_as_found() -> Iterator[None]:
    """The root logger as the test found it: `koers serve` (here with uvicorn replaced) and
    ``app_from_env`` set up the process's logging."""
    from koers.web.logs import JsonFormatter, TextFormatter

    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)
    for handler in root.handlers[:]:
        if isinstance(handler.formatter, JsonFormatter | TextFormatter):
            root.removeHandler(handler)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'koers.db'}"


@pytest.fixture
def run(sqlite_url: str) -> Callable[..., Result]:
    """``run("status", "--format", "json")``: the ``koers`` command on a fresh SQLite store."""
    from koers.cli import main

    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, ["--db", sqlite_url, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Password hashing with small argon2id parameters (:func:`tests.helpers.fast_hasher`)."""
    from koers import workflow

    monkeypatch.setattr(workflow.PASSWORDS, "hasher", fast_hasher())


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> Iterator[Portal]:
    """The web app with the workflow's plan and users (:func:`tests.helpers.open_portal`)
    on a fresh SQLite store."""
    monkeypatch.setenv("KOERS_USER", "installateur")
    with open_portal(f"sqlite:///{tmp_path / 'koers.db'}") as opened:
        yield opened
