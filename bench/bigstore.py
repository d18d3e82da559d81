"""A store of 100 000 figures: ``koers status`` and the public pages at that size.

    .venv/bin/python bench/bigstore.py [--figures 100000] [--runs 5] [--seconds 30]
                                        [--clients 50] [--workers 2] [--keep DIR]

The issue "Partner reporting that never loses a figure" sets two targets for a store of
100 000 figures (15 wijken and the groups × the NPRZ indicators × 25 periods, breakdowns
included): ``koers status`` for the whole plan within 1,5 s of wall time, and the public
pages at a p95 of at most 150 ms with 50 clients. This script makes such a store and
measures both, each against a reference in the same run:

- **the store** (:func:`make_store`): the NPRZ plan (``koers load --no-data``) and, in one
  import batch, a figure for every NPRZ indicator × area × period in turn until there are
  ``--figures``: the areas are the 15 wijken and every group, district, city and country
  of the plan (no buurten), the periods 25 years up to last year, written as each
  indicator's periodicity wants them (``2024``, ``2023/2024``, ``2024-01-01``); values
  within the unit's range, seeded. About a tenth are breakdowns: the schoolweging bands of
  T1.R5-T1.R7 for Zuid, the G4 and NL (five bands, as a Basismonitor run stores them) and
  the contributions of two partners to each output indicator that several partners report,
  for the programme's area;
- **koers status**: the wall time of ``koers status`` on that store in a fresh process,
  output to /dev/null, the median of ``--runs``; reference ``python -c pass``;
- **pages**: ``bench/load.py``'s wrk run (its paths: home, pillars, indicators with
  breakdowns, wijken, agreements, the read API) against ``koers serve --workers N`` on the
  store, against the bare ASGI app replaying koers's bytes under the same uvicorn.

``bench/run.py --only big-store`` prints the same rows in its table.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import load

from koers.areas import Observation
from koers.plan import Plan, load_plan
from koers.plan.model import AreaKind, Indicator, Periodicity, Unit
from koers.plan.passport import reporters
from koers.plan.plausibility import indicator_areas
from koers.store import Store

ROOT = Path(__file__).resolve().parents[1]
NPRZ = ROOT / "plans" / "nprz-2023-2027"
FIGURES = 100_000
PERIODS = 25
STATUS_TARGET = 1.5  # seconds of wall time for `koers status` on this store
BANDS = ("28-30", "30-32", "32-34", "34-36", "36-38")
BANDED = ("T1.R5", "T1.R6", "T1.R7")
KEPT_KINDS = {
    AreaKind.WIJK,
    AreaKind.GROUP,
    AreaKind.DISTRICT,
    AreaKind.MUNICIPALITY,
    AreaKind.COUNTRY,
}


@dataclass(frozen=True)
class Made:
    """What :func:`make_store` stored."""

    url: str
    figures: int
    breakdowns: int
    indicators: int
    areas: int


def period_of(indicator: Indicator, year: int) -> str:
    if indicator.periodicity is Periodicity.SCHOOL_YEAR:
        return f"{year - 1}/{year}"
    if indicator.periodicity is Periodicity.CALENDAR_YEAR:
        return str(year)
    return f"{year}-01-01"


def value_of(indicator: Indicator, rng: random.Random) -> float:
    if indicator.unit is Unit.PERCENT:
        return round(rng.uniform(5, 95), 1)
    if indicator.unit is Unit.COUNT:
        return float(rng.randint(10, 50_000))
    return round(rng.uniform(1, 1000), 1)


def bench_areas(plan: Plan) -> list[str]:
    """The wijken and the groups: every area but buurten and wijkraden (another division
    of the same wijken)."""
    return [a.id for a in plan.areas if a.kind in KEPT_KINDS and not a.id.startswith("wijkraad")]


def figures(plan: Plan, target: int, seed: int = 18) -> Iterator[Observation]:
    """About ``target`` figures, totals and breakdowns (see the module doc), deterministic:
    in rounds, each round one more area of every indicator (in the plan's order: the
    country, the G4, the city and Zuid before the wijken; only areas where the indicator
    exists), 25 periods each, until ``target`` is reached."""
    rng = random.Random(seed)
    kept = set(bench_areas(plan))
    areas = {i.id: [a for a in indicator_areas(plan, i) if a in kept] for i in plan.indicators}
    years = range(date.today().year - PERIODS, date.today().year)
    made = 0
    for rank in range(max(len(found) for found in areas.values())):
        for indicator in plan.indicators:
            if rank >= len(areas[indicator.id]):
                continue
            area = areas[indicator.id][rank]
            together = sorted(reporters(plan, indicator))
            for year in years:
                if made >= target:
                    return
                period = period_of(indicator, year)
                yield Observation(indicator.id, area, period, value_of(indicator, rng))
                made += 1
                if indicator.id in BANDED and area in ("zuid", "g4", "nl"):
                    for band in BANDS:
                        yield Observation(
                            indicator.id,
                            area,
                            period,
                            value_of(indicator, rng),
                            dimension="schoolweging",
                            category=band,
                        )
                    made += len(BANDS)
                if area == plan.programme.area and len(together) > 1:
                    for partner in together[:2]:
                        yield Observation(
                            indicator.id,
                            area,
                            period,
                            value_of(indicator, rng),
                            dimension="partner",
                            category=partner,
                        )
                    made += 2


def make_store(folder: Path, target: int = FIGURES) -> Made:
    """A fresh SQLite store in ``folder`` with the NPRZ plan and ``target`` figures."""
    url = f"sqlite:///{folder / 'groot.db'}"
    subprocess.run(
        [*load.KOERS, "--db", url, "load", "--no-data", str(NPRZ)], check=True, capture_output=True
    )
    plan = load_plan(NPRZ)
    rows = list(figures(plan, target))
    with Store.open(url) as store:
        store.import_observations(
            plan.programme.id, rows, source_name="bench", checksum="bench", format="csv"
        )
    return Made(
        url,
        len(rows),
        sum(o.dimension is not None for o in rows),
        len({o.indicator for o in rows}),
        len({o.area for o in rows}),
    )


def wall(command: Sequence[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of ``command`` in a fresh process, its output discarded."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(frozen=True)
class Status:
    koers: float
    python: float
    runs: int


def status_wall(url: str, runs: int) -> Status:
    koers = str(Path(sys.executable).with_name("koers"))
    env = {**os.environ, "KOERS_DB": url}
    wall([koers, "status"], 1, env)  # warm the file cache; not counted
    return Status(
        wall([koers, "status"], runs, env), wall([sys.executable, "-c", "pass"], runs), runs
    )


def pages(
    url: str, folder: Path, seconds: int, clients: int, workers: int
) -> tuple[dict[str, float], dict[str, float]]:
    """(koers, reference) of the wrk run over ``load.PATHS`` on the store at ``url``."""
    saved = folder / "pages.json"
    with load.koers_server(url, workers) as base:
        koers = load.run_wrk(base, seconds, clients, folder)
        load.save_pages(base, saved)
    with load.pages_server(saved, workers) as base:
        reference = load.run_wrk(base, seconds, clients, folder)
    return koers, reference


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--figures", type=int, default=FIGURES)
    parser.add_argument("--runs", type=int, default=5, help="runs of koers status (median)")
    parser.add_argument("--seconds", type=int, default=30, help="wrk duration")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="make (or reuse) the store in this folder")
    parser.add_argument("--no-pages", action="store_true", help="only koers status")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="koers-bigstore-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        made = make_store(work, args.figures)
        print(
            f"store: {made.figures} figures ({made.breakdowns} breakdowns), "
            f"{made.indicators} indicators × {made.areas} areas, made in "
            f"{time.perf_counter() - start:.1f} s"
        )
        status = status_wall(made.url, args.runs)
        met = "met" if status.koers <= STATUS_TARGET else "NOT met"
        print(
            f"koers status: {status.koers:.3f} s wall (median of {status.runs}); "
            f"python -c pass {status.python:.3f} s; target {STATUS_TARGET} s: {met}"
        )
        if not args.no_pages:
            koers, reference = pages(made.url, work, args.seconds, args.clients, args.workers)
            load.print_table([("koers", koers), ("reference", reference)], args.clients)
            print(f"koers after {koers['warm_up_rounds']:.0f} warm-up runs of 3 s")
            print(
                f"target (0 errors, p95 <= {load.TARGET_P95_MS:.0f} ms): "
                f"{'met' if load.met(koers) else 'NOT met'}"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
