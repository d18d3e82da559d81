"""How long the full set of yearly documents takes, step by step.

Builds the NPRZ plan's Deel I, Deel II and 15 wijk documents from the plan's own figures and
prints a table: the document model, the HTML (with the charts rendered to SVG), and the PDFs
laid out one after another (the reference) against the parallel run `koers report` uses.
Target: the full set under 30 s on a 2-core machine.

    .venv/bin/python bench/reports.py

``bench/run.py`` takes its report row from :func:`measure`.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from koers.plan import load_plan
from koers.report import build_reports, latest_year, render_documents, to_pdf, write_reports
from koers.sources import read_plan_figures

PLAN = Path(__file__).resolve().parents[1] / "plans" / "nprz-2023-2027"
TARGET_SECONDS = 30.0


@dataclass(frozen=True)
class Timings:
    """Seconds per step of one build of the full set."""

    documents: int
    model: float
    html: float
    serial_pdf: float  # the PDFs one after another, in this process (the reference)
    full: float  # write_reports: HTML and files, the PDFs in parallel processes
    processes: int

    @property
    def koers(self) -> float:
        """The whole set as `koers report` builds it from the figures."""
        return self.model + self.full

    @property
    def one_after_another(self) -> float:
        """The same documents built one after another in one process."""
        return self.model + self.html + self.serial_pdf


def measure(plan_dir: Path = PLAN) -> Timings:
    """Build the plan's full set once each way (the figures are read before the clock)."""
    plan = load_plan(plan_dir)
    rows = read_plan_figures(plan, plan_dir)
    year = latest_year(rows)
    assert year is not None

    start = time.perf_counter()
    reports = build_reports(plan, rows, year=year, generated=date.today())
    model = time.perf_counter() - start

    start = time.perf_counter()
    documents = list(render_documents(reports))
    html = time.perf_counter() - start

    start = time.perf_counter()
    for document in documents:
        to_pdf(document.html, reports.generated)
    serial = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_reports(reports, Path(folder))
        full = time.perf_counter() - start
    return Timings(len(documents), model, html, serial, full, os.cpu_count() or 1)


def main() -> None:
    t = measure()
    timings = [
        ("document model", t.model),
        (f"HTML + SVG charts ({t.documents} documents)", t.html),
        ("PDF, one after another (reference)", t.serial_pdf),
        (f"full set as `koers report` writes it ({t.processes} processes)", t.full),
    ]
    width = max(len(name) for name, _ in timings)
    print(f"{'step':<{width}}  seconds")
    for name, seconds in timings:
        print(f"{name:<{width}}  {seconds:7.2f}")
    print(f"{'speed-up of the parallel PDFs':<{width}}  {t.serial_pdf / max(t.full, 1e-9):6.2f}×")
    verdict = "met" if t.full < TARGET_SECONDS else "NOT met"
    print(f"target: full set under {TARGET_SECONDS:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()
