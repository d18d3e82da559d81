"""How long the full set of yearly documents takes, as `koers report` builds it.

On a store holding the NPRZ plan and its figures (`koers load`, as `koers demo` makes it:
boundaries for the wijk maps, the money, board and alliance sections), three builds of the
full set — Deel I, Deel II and the 15 wijk documents, HTML and tagged PDF — each timed on
the wall clock:

- koers: ``koers report`` in a fresh process, as a user runs it (start-up, reading the
  store, the document model, HTML with the charts rendered to SVG, and the PDFs laid out
  in parallel processes, one per core);
- the reference: the same documents one after another (the same use case with a single
  PDF process), in this process;
- HTML only (``koers report --no-pdf``), to show how much of the time is the PDFs.

Target: the full set in at most 30 s on this (2-core) machine.

    .venv/bin/python bench/reports.py [--db URL]

``bench/run.py`` takes its report row from :func:`measure`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import load  # bench/load.py (this folder is on the path): the NPRZ store, the koers command

from koers.store import Store
from koers.usecases import write_report_set

TARGET_SECONDS = 30.0


@dataclass(frozen=True)
class Timings:
    """Wall seconds of one build of the full set, each way."""

    documents: int  # documents written (HTML and PDF each count once)
    koers: float  # `koers report` in a fresh process, PDFs in parallel
    one_after_another: float  # the same use case with one PDF process, in this process
    html_only: float  # `koers report --no-pdf` in a fresh process
    processes: int


def _koers_report(url: str, out: Path, *flags: str) -> tuple[float, int]:
    start = time.perf_counter()
    subprocess.run(
        [*load.KOERS, "--db", url, "report", "--out", str(out), *flags],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    return seconds, len(list(out.rglob("*.html")))


def measure(url: str | None = None) -> Timings:
    """Build the NPRZ full set each way (a fresh store is loaded first without ``url``)."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = url or load.load_store(work)
        full, documents = _koers_report(url, work / "koers")
        html_only, _ = _koers_report(url, work / "html", "--no-pdf")
        start = time.perf_counter()
        with Store.open(url) as store:
            write_report_set(store, None, None, work / "serial", workers=1)
        serial = time.perf_counter() - start
    return Timings(documents, full, serial, html_only, os.cpu_count() or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a store with the NPRZ plan and figures (default: a new one)")
    t = measure(parser.parse_args().db)
    timings = [
        (f"`koers report`, full set ({t.documents} documents, {t.processes} processes)", t.koers),
        ("the same, PDFs one after another (reference)", t.one_after_another),
        ("`koers report --no-pdf` (HTML only)", t.html_only),
    ]
    width = max(len(name) for name, _ in timings)
    print(f"{'build':<{width}}  seconds")
    for name, seconds in timings:
        print(f"{name:<{width}}  {seconds:7.2f}")
    print(f"{'speed-up of the parallel PDFs':<{width}}  {t.one_after_another / t.koers:6.2f}×")
    verdict = "met" if t.koers <= TARGET_SECONDS else "NOT met"
    print(f"target: full set in at most {TARGET_SECONDS:.0f} s -> {verdict}")
    print(f"load average after the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
