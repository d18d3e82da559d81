"""How fast the SSB ingest builds a panel, against reading the same files with the engine alone.

    .venv/bin/python bench/ssb.py                    # 1M person-years
    .venv/bin/python bench/ssb.py --sizes 1M,10M     # and 10M
    .venv/bin/python bench/ssb.py --memory-limit 2GB # DuckDB's limit for both (default 2GB)

What is compared
    The synthetic population of ``bench/basismonitor.py``'s size (scope nl, 12 years) is
    written in the SSB layout as Parquet (``synth --layout cbs``; cached in ``--data`` like
    the panels there). Two implementations then read every table file of it:

    - **ingest**: ``koers.basismonitor.ssb.ingest`` with ``threads`` and ``memory_limit``:
      every file copied into DuckDB with its dates parsed, the checks, the panel written
      year by year;
    - **read**: DuckDB alone on a fresh connection with the same settings, reading every
      column of every file once (``SELECT max(hash(COLUMNS(*)))`` per file, so no column is
      pruned): the least any ingest of these files must do.

    The table gives wall time, time per 10 M person-years (linear scaling of the measured
    time), peak memory and the ratio of the two.

How it is measured
    As in ``bench/basismonitor.py``: each measurement in a fresh Python process
    (``--child``), wall time around the work (imports before the clock), peak memory from
    ``getrusage`` in the child, best of ``--repeat`` runs (default 1).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

SIZES = {"1M": 1_000_000, "10M": 10_000_000, "50M": 50_000_000}
YEARS, FIRST_YEAR = 12, 2011
PERSON_YEARS_PER_PERSON = 7.57  # as bench/basismonitor.py: 132,000 persons give 1.0 M rows


def persons_for(person_years: int) -> int:
    return max(1_000, round(person_years / PERSON_YEARS_PER_PERSON / 1_000) * 1_000)


def ensure_tables(data: Path, person_years: int, seed: int = 0) -> tuple[Path, int]:
    """The cached SSB tables for ``person_years`` (written into ``.partial`` and renamed)."""
    from koers.basismonitor.synth_cbs import generate_cbs

    persons = persons_for(person_years)
    path = data / f"ssb-nl-{persons}p-{YEARS}y-seed{seed}"
    meta = path.with_name(path.name + ".json")
    if path.is_dir() and meta.is_file():
        return path, int(json.loads(meta.read_text())["person_years"])
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    summary = generate_cbs(
        partial, persons=persons, years=YEARS, first_year=FIRST_YEAR, seed=seed, scope="nl"
    )
    partial.rename(path)
    meta.write_text(json.dumps({"persons": persons, "person_years": summary.person_years}))
    return path, summary.person_years


def run_ingest(tables: Path, threads: int, memory_limit: str) -> int:
    from koers.basismonitor.ssb import ingest

    with tempfile.TemporaryDirectory(prefix="bench-ssb-") as work:
        summary = ingest(
            tables,
            Path(work) / "panel",
            threads=threads,
            memory_limit=memory_limit,
            temp_dir=Path(work) / "tmp",
        )
        return summary.person_years


def run_read(tables: Path, threads: int, memory_limit: str) -> int:
    import duckdb

    with tempfile.TemporaryDirectory(prefix="bench-ssb-") as work:
        con = duckdb.connect(
            config={"threads": threads, "memory_limit": memory_limit, "temp_directory": work}
        )
        con.execute("SET enable_progress_bar = false")
        rows = 0
        for path in sorted(tables.glob("*.parquet")):
            quoted = str(path).replace("'", "''")
            found = con.execute(
                f"SELECT count(*), max(hash(COLUMNS(*))) FROM read_parquet('{quoted}')"
            ).fetchall()
            rows += int(found[0][0])
        con.close()
        return rows


RUNNERS = {"ingest": run_ingest, "read": run_read}


def child(kind: str, tables: Path, threads: int, memory_limit: str) -> None:
    import duckdb  # noqa: F401  (imports before the clock)

    import koers.basismonitor.ssb  # noqa: F401

    started = time.perf_counter()
    rows = RUNNERS[kind](tables, threads, memory_limit)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": rows}))


def measure(
    kind: str, tables: Path, threads: int, memory_limit: str, repeat: int
) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(repeat):
        command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(tables)]
        command += ["--threads", str(threads), "--memory-limit", memory_limit]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if not best or result["seconds"] < best["seconds"]:
            best = result | {"peak_mb": max(result["peak_mb"], best.get("peak_mb", 0.0))}
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data", type=Path, default=None, help="table cache directory")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "TABLES"))
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.threads, args.memory_limit)
        return 0
    data = args.data or Path(os.environ.get("KOERS_BENCH_DIR", "/tmp/koers-bench"))
    header = ("size", "step", "wall s", "s per 10M person-years", "peak MB", "× read")
    lines = []
    for size in args.sizes.split(","):
        tables, person_years = ensure_tables(data, SIZES[size.strip().upper()])
        results = {
            kind: measure(kind, tables, args.threads, args.memory_limit, args.repeat)
            for kind in ("read", "ingest")
        }
        for kind, result in results.items():
            per_10m = result["seconds"] / person_years * 10_000_000
            ratio = result["seconds"] / results["read"]["seconds"]
            lines.append(
                (
                    f"{size} ({person_years / 1e6:.2f} M)",
                    kind,
                    f"{result['seconds']:.1f}",
                    f"{per_10m:.0f}",
                    f"{result['peak_mb']:,.0f}",
                    f"{ratio:.1f}",
                )
            )
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *lines]:
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print(f"threads {args.threads}, memory limit {args.memory_limit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
