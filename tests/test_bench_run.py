"""The one benchmark command works and its load reference replays koers's bytes.

``bench/run.py`` runs for real on its two cheap areas (plan status and the CBS import, a
few seconds in ``--quick``) and must print the machine and one table with a ratio on every
row. The report build, the load and the Basismonitor are too slow for the tests; their
parts are ``bench/reports.py``, ``bench/load.py`` and ``bench/basismonitor.py`` (the latter
tested in test_bench_basismonitor.py). The bare ASGI app behind the load row's reference is
checked here without a server.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import ROOT

BENCH = ROOT / "bench"
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"
RATIO = re.compile(r"\d+,\d\d×")


def run(*flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", *flags],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cheap_areas_print_one_table_with_ratios() -> None:
    areas = ["plan-status"] + (["cbs-import"] if EXTERNAL.is_dir() else [])
    done = run("--only", ",".join(areas))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"machine: {os.cpu_count()} cores (")
    assert " GB RAM; " in lines[0]
    header = next(i for i, line in enumerate(lines) if line.startswith("area "))
    for column in ("what", "koers", "reference", "reference is", "ratio", "target", "met?"):
        assert column in lines[header]
    rows = [line for line in lines[header + 2 :] if line.strip()]
    assert len(rows) == len(areas)
    status = rows[0]
    assert status.startswith("plan status") and "337 NPRZ indicators" in status
    assert "the values koers reads" in status  # the reference found what koers judges
    if len(areas) > 1:
        assert rows[1].startswith("CBS import") and "7 real CBS files" in rows[1]
    for row in rows:
        assert RATIO.search(row), row
        assert " s " in row  # seconds with a decimal comma, e.g. "0,046 s"


def test_markdown_and_unknown_areas() -> None:
    done = run("--only", "plan-status", "--markdown")
    assert done.returncode == 0, done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert table[0] == "| area | what | koers | reference | reference is | ratio | target | met? |"
    assert table[2].startswith("| plan status | ") and RATIO.search(table[2])
    refused = run("--only", "plan-status,everything")
    assert refused.returncode == 2 and "unknown area(s) everything" in refused.stderr


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", BENCH / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_load_reference_replays_the_saved_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load = _load_module()
    body = "<h1>Feijenoord €</h1>".encode()
    page = {
        "status": 200,
        "headers": [
            ["content-type", "text/html; charset=utf-8"],
            ["content-length", str(len(body))],
        ],
        "body": base64.b64encode(body).decode(),
    }
    saved = tmp_path / "pages.json"
    saved.write_text(json.dumps({"/afspraken?pijler=werk": page}), encoding="utf-8")
    monkeypatch.setenv(load.PAGES_ENV, str(saved))
    app = load.pages_app()

    async def get(path: str, query: bytes = b"") -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app({"type": "http", "path": path, "query_string": query}, receive, send)
        return sent

    start, content = asyncio.run(get("/afspraken", b"pijler=werk"))
    assert start["status"] == 200 and content["body"] == body
    assert start["headers"] == [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    missing = asyncio.run(get("/afspraken"))  # the query is part of the page's key
    assert missing[0]["status"] == 404
