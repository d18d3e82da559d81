"""Load: 50 concurrent clients for 60 seconds against the public pages and the read API of a
real server (``koers serve --workers 2``, the full NPRZ plan and its figures), driven by wrk
from Debian's packages through ``bench/load.py``: no errors and a p95 latency of at most
150 ms. The run is bounded in clients and time; ``KOERS_LOAD_SECONDS`` shortens it while
developing. Without wrk the test skips, unless ``KOERS_REQUIRE_LOAD=1`` (set by ``make test``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from click.testing import CliRunner

from koers.cli import main
from tests.conftest import NPRZ, ROOT, koers_server

CLIENTS = 50
SECONDS = int(os.environ.get("KOERS_LOAD_SECONDS", "60"))

if shutil.which("wrk") is None:
    if os.environ.get("KOERS_REQUIRE_LOAD") == "1":
        pytest.fail("wrk is not installed; run `make system-deps`", pytrace=False)
    pytest.skip("wrk is not installed", allow_module_level=True)


def _bench_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


load = _bench_load()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'koers.db'}"
    assert CliRunner().invoke(main, ["--db", url, "load", str(NPRZ)]).exit_code == 0
    with koers_server(url, workers=2) as base:
        for path in load.PATHS:  # every page answers before the load starts
            assert httpx.get(base + path, timeout=30).status_code == 200, path
        yield base


def test_fifty_clients_for_a_minute_get_every_page_without_errors_within_150_ms_p95(
    server: str, tmp_path: Path
) -> None:
    found = load.run_wrk(server, SECONDS, CLIENTS, tmp_path)
    print()
    load.print_table([("koers", found)], CLIENTS)
    assert found["requests"] > CLIENTS * SECONDS  # the load really ran
    assert found["errors"] == 0, found
    assert found["p95"] / 1000 <= load.TARGET_P95_MS, found


def test_every_address_still_gets_its_own_page_after_the_load(server: str) -> None:
    """The page cache does not mix pages up under load."""
    pages = {path: httpx.get(server + path, timeout=30).text for path in load.PATHS[:5]}
    assert len(set(pages.values())) == len(pages)
    assert "E5.4" in pages["/indicatoren/E5.4"] and "Werk" in pages["/pijlers/werk"]
