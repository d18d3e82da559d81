"""Load on the public pages: wrk's 50 clients against ``koers serve --workers 2`` on loopback.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--db URL]

Loads the NPRZ plan and its figures into a fresh SQLite store (or uses ``--db``), starts the
server, lets wrk (Debian's package) cycle through the public pages and the read API, and
prints one table: requests, requests per second, latency percentiles and errors. The
target of the reliability issue is 0 errors and a p95 of at most 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="a store with the plan loaded (default: a fresh one)")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed (Debian package wrk)")
    work = Path(tempfile.mkdtemp(prefix="koers-load-"))
    koers = [sys.executable, "-c", "from koers.cli import main; main()"]
    url = args.db or f"sqlite:///{work / 'koers.db'}"
    if args.db is None:
        load = [*koers, "--db", url, "load", str(ROOT / "plans" / "nprz-2023-2027")]
        subprocess.run(load, check=True, capture_output=True)
    port = 8765
    env = {**os.environ, "KOERS_SECRET_KEY": "load"}
    server = subprocess.Popen(
        [*koers, "--db", url, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        for path in PATHS:
            httpx.get(base + path, timeout=30).raise_for_status()
        script = work / "koers.lua"
        script.write_text(SCRIPT % ", ".join(f'"{p}"' for p in PATHS), encoding="utf-8")
        command = [wrk, "-t", "2", "-c", str(args.clients), "-d", f"{args.seconds}s"]
        result = subprocess.run(
            [*command, "--timeout", "5s", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"{'clients':>8} {'seconds':>8} {'requests':>9} {'req/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>7}"
    )
    print(
        f"{args.clients:>8} {found['seconds']:>8.1f} {found['requests']:>9} "
        f"{found['requests'] / found['seconds']:>7.0f} {found['p50'] / 1000:>7.1f} "
        f"{found['p95'] / 1000:>7.1f} {found['p99'] / 1000:>7.1f} {found['max'] / 1000:>7.1f} "
        f"{found['errors']:>7}"
    )
    verdict = found["errors"] == 0 and found["p95"] / 1000 <= 150
    print(f"target (0 errors, p95 <= 150 ms): {'met' if verdict else 'NOT met'}")


if __name__ == "__main__":
    main()
