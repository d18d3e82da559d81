"""The JSON API against its own OpenAPI document: schemathesis, an independent API tester,
runs every route with every check against a live server (uvicorn on a free loopback port)
with a bureau's API key, and must report no failure.

Every status code a route can give is documented with its error body
(:mod:`koers.web.views.responses`), so an undocumented 401, 404 or 400 fails here. One
allowance, stated in ``schemathesis.toml`` below: a POST whose body fits the schema may still
be refused with 400 by the workflow's own rules (the plausibility of a value, one open update
per subject, a closed year), which no JSON schema can express. The run is kept short for CI
with a limit on examples per operation and a fixed seed (``KOERS_SCHEMATHESIS_SEED`` to try
another).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from koers import workflow as wf
from koers.store import Store
from koers.web import create_app
from tests.conftest import free_port
from tests.helpers import PLAN

pytestmark = pytest.mark.usefixtures("fast_hashing")

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
CONFIG = """
# The update the fixture made: the update routes reach the workflow, not only its 404.
[parameters]
update_id = 1

# The workflow refuses some bodies that fit the schema, by rules a schema cannot state.
[[operations]]
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
"""


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A live server on the workflow's plan (:data:`tests.helpers.PLAN`) with one submitted update: (base URL, a bureau's
    API key)."""
    import uvicorn

    monkeypatch.setenv("KOERS_USER", "installateur")
    url = f"sqlite:///{tmp_path / 'koers.db'}"
    with Store.open(url) as store:
        store.save_plan(PLAN)
        programme = PLAN.programme.id
        password = "een lang genoeg wachtwoord"
        admin = wf.create_user(store, programme, "beheer", password, "admin", by=None)
        bureau = wf.create_user(store, programme, "bureau", password, "bureau", by=admin)
        agreement = PLAN.agreements[0].id
        update = wf.draft_update(
            store, programme, bureau, agreement=agreement, status="op schema", note="loopt"
        )
        wf.submit(store, update.id, bureau, update.version)
        key, _ = wf.create_token(store, bureau, "schemathesis")
    port = free_port()
    app = create_app(url, reports_dir=None, secret_key="schemathesis")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", key
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.skipif(
    SCHEMATHESIS is None, reason="schemathesis is not installed (pip install -e .[dev])"
)
def test_schemathesis_finds_no_failure_on_any_route(server: tuple[str, str], tmp_path: Path):
    base, key = server
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    assert SCHEMATHESIS is not None
    seed = os.environ.get("KOERS_SCHEMATHESIS_SEED", "20261206")
    run = subprocess.run(
        [
            SCHEMATHESIS,
            "--no-color",
            "--config-file",
            str(config),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {key}",
            "--max-examples",
            "25",
            "--seed",
            seed,
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    document = httpx.get(f"{base}/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert f"Selected: {operations}/{operations}" in report
    assert f"Tested: {operations}" in report  # every route of the API was run
    assert " passed" in report and "failed" not in report.split("SUMMARY")[-1]
