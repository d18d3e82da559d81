"""Load on the public pages: wrk's 50 clients against ``koers serve --workers 2`` on loopback.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--db URL] [--reference]

Loads the NPRZ plan and its figures into a fresh SQLite store (or uses ``--db``), starts the
server, lets wrk (Debian's package) cycle through the public pages and the read API (after
discarded 3-second runs until one in which no page was made: every worker's page cache is
full), and prints one table:
requests, requests per second, latency percentiles and errors. The target of the
reliability issue is 0 errors and a p95 of at most 150 ms.

``--reference`` adds the speed limit of the server stack on this machine: the same wrk run
against :func:`pages_app`, a bare ASGI app under the same uvicorn settings (``workers``,
uvloop and httptools, access log at ``info``) that answers every path with the bytes koers
gave for it, fetched once beforehand. What koers costs above that row is koers's own work.
``bench/run.py`` uses the functions here for its load row.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
NPRZ = ROOT / "plans" / "nprz-2023-2027"
KOERS = [sys.executable, "-c", "from koers.cli import main; main()"]
PAGES_ENV = "KOERS_BENCH_PAGES"
TARGET_P95_MS = 150.0
WARM_UP_SECONDS = 3
WARM_UP_ROUNDS = 10  # at most 30 s of warm-up
MADE_MS = 1000.0  # a request slower than this waited for a page being made
PATHS = [
    "/",
    "/pijlers/werk",
    "/pijlers/school",
    "/indicatoren/E5.4",
    "/indicatoren/T1.R7",
    "/wijken",
    "/wijken/bloemhof",
    "/afspraken",
    "/afspraken?pijler=werk",
    "/api/status",
    "/api/agreements",
]
SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, ' ..
    '"errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.status + e.timeout))
end
"""
# uvicorn writes these itself on every response; everything else koers sent is replayed
OWN_HEADERS = {"date", "server"}

Message = dict[str, Any]
Asgi = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def wrk_path() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed (Debian package wrk)")
    return wrk


def load_store(folder: Path) -> str:
    """A fresh SQLite store in ``folder`` with the NPRZ plan and its figures (`koers load`)."""
    url = f"sqlite:///{folder / 'koers.db'}"
    subprocess.run([*KOERS, "--db", url, "load", str(NPRZ)], check=True, capture_output=True)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(command: list[str], port: int, env: Mapping[str, str]) -> Iterator[str]:
    """Run a server command until the block ends; yields its base URL once every path of
    :data:`PATHS` answered (the first requests fill koers's page cache, not wrk's run)."""
    server = subprocess.Popen(
        command, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError(f"server exited with {server.returncode}: {command}")
            try:
                httpx.get(base + PATHS[0], timeout=30)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        for path in PATHS:
            httpx.get(base + path, timeout=30).raise_for_status()
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def koers_server(url: str, workers: int) -> AbstractContextManager[str]:
    """``koers serve --workers N`` on ``url`` (a context manager yielding the base URL)."""
    port = free_port()
    env = {**os.environ, "KOERS_SECRET_KEY": "load"}
    command = [*KOERS, "--db", url, "serve", "--port", str(port), "--workers", str(workers)]
    return serving(command, port, env)


def save_pages(base: str, out: Path) -> None:
    """Every path of :data:`PATHS` as koers answers it (status, headers, body) to ``out``."""
    pages = {}
    for path in PATHS:
        # wrk sends no Accept-Encoding: ask for what it gets
        response = httpx.get(base + path, headers={"Accept-Encoding": "identity"}, timeout=30)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in OWN_HEADERS]
        body = base64.b64encode(response.content).decode("ascii")
        pages[path] = {"status": response.status_code, "headers": headers, "body": body}
    out.write_text(json.dumps(pages), encoding="utf-8")


def pages_app() -> Asgi:
    """uvicorn factory: the pages saved by :func:`save_pages` (file in ``$KOERS_BENCH_PAGES``),
    replayed byte for byte and nothing else: no routing, templates, store or middleware."""
    saved = json.loads(Path(os.environ[PAGES_ENV]).read_text(encoding="utf-8"))
    pages = {
        path: (
            page["status"],
            [(k.encode("latin-1"), v.encode("latin-1")) for k, v in page["headers"]],
            base64.b64decode(page["body"]),
        )
        for path, page in saved.items()
    }
    missing = (404, [(b"content-length", b"0")], b"")

    async def app(
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        query = scope["query_string"].decode("latin-1")
        status, headers, body = pages.get(scope["path"] + (f"?{query}" if query else ""), missing)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def pages_server(pages: Path, workers: int) -> AbstractContextManager[str]:
    """:func:`pages_app` under uvicorn as ``koers serve`` runs it (a context manager)."""
    port = free_port()
    run = (
        "import uvicorn; uvicorn.run('load:pages_app', factory=True, host='127.0.0.1', "
        f"port={port}, workers={workers}, log_level='info', app_dir={str(ROOT / 'bench')!r})"
    )
    return serving([sys.executable, "-c", run], port, {**os.environ, PAGES_ENV: str(pages)})


def run_wrk(
    base: str, seconds: int, clients: int, folder: Path, warm_up: int = WARM_UP_SECONDS
) -> dict[str, float]:
    """wrk cycling through :data:`PATHS`: requests, seconds, p50/p95/p99/max (µs), errors,
    and ``warm_up_rounds``.

    Runs of ``warm_up`` seconds are thrown away first, until one had no error and no
    request slower than :data:`MADE_MS` (none waited for a page being made), at most
    :data:`WARM_UP_ROUNDS`: each worker process keeps its own page cache, and making the
    pages of a large store takes each worker seconds (a pillar page of 100 000 figures);
    without it a short run measures mostly first renders.
    """
    script = folder / "paths.lua"
    script.write_text(SCRIPT % ", ".join(f'"{p}"' for p in PATHS), encoding="utf-8")
    rounds = 0
    while warm_up and rounds < WARM_UP_ROUNDS:
        rounds += 1
        found = _wrk(base, warm_up, clients, script)
        if not found["errors"] and found["max"] / 1000 < MADE_MS:
            break
    return {**_wrk(base, seconds, clients, script), "warm_up_rounds": rounds}


def _wrk(base: str, seconds: int, clients: int, script: Path) -> dict[str, float]:
    command = [wrk_path(), "-t", "2", "-c", str(clients), "-d", f"{seconds}s"]
    result = subprocess.run(
        [*command, "--timeout", "5s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def met(found: Mapping[str, float]) -> bool:
    return found["errors"] == 0 and found["p95"] / 1000 <= TARGET_P95_MS


def print_table(results: Sequence[tuple[str, Mapping[str, float]]], clients: int) -> None:
    """One line per server: requests, requests/s, latency percentiles (ms) and errors."""
    print(
        f"{'server':<10} {'clients':>8} {'seconds':>8} {'requests':>9} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>7}"
    )
    for name, found in results:
        print(
            f"{name:<10} {clients:>8} {found['seconds']:>8.1f} {found['requests']:>9.0f} "
            f"{found['requests'] / found['seconds']:>7.0f} {found['p50'] / 1000:>7.1f} "
            f"{found['p95'] / 1000:>7.1f} {found['p99'] / 1000:>7.1f} "
            f"{found['max'] / 1000:>7.1f} {found['errors']:>7.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="a store with the plan loaded (default: a fresh one)")
    parser.add_argument("--reference", action="store_true", help="also the bare-ASGI reference")
    args = parser.parse_args()
    wrk_path()
    work = Path(tempfile.mkdtemp(prefix="koers-load-"))
    results: list[tuple[str, dict[str, float]]] = []
    try:
        url = args.db or load_store(work)
        with koers_server(url, args.workers) as base:
            results.append(("koers", run_wrk(base, args.seconds, args.clients, work)))
            save_pages(base, work / "pages.json")
        if args.reference:
            with pages_server(work / "pages.json", args.workers) as base:
                found = run_wrk(base, args.seconds, args.clients, work)
                results.append(("reference", found))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results, args.clients)
    verdict = met(results[0][1])
    print(f"target (0 errors, p95 <= {TARGET_P95_MS:.0f} ms): {'met' if verdict else 'NOT met'}")


if __name__ == "__main__":
    main()
