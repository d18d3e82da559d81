"""How long the full set of yearly documents takes, step by step.

Builds the NPRZ plan's Deel I, Deel II and 15 wijk documents from the plan's own figures and
prints a table: the document model, the HTML (with the charts rendered to SVG), and the PDFs
laid out one after another (the reference) against the parallel run `koers report` uses.
Target: the full set under 30 s on a 2-core machine.

    .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from koers.plan import load_plan
from koers.report import build_reports, latest_year, render_documents, to_pdf, write_reports
from koers.sources import read_plan_figures

PLAN = Path(__file__).resolve().parents[1] / "plans" / "nprz-2023-2027"


def main() -> None:
    plan = load_plan(PLAN)
    rows = read_plan_figures(plan, PLAN)
    year = latest_year(rows)
    assert year is not None
    timings: list[tuple[str, float]] = []

    start = time.perf_counter()
    reports = build_reports(plan, rows, year=year, generated=date.today())
    timings.append(("document model", time.perf_counter() - start))

    start = time.perf_counter()
    documents = list(render_documents(reports))
    timings.append((f"HTML + SVG charts ({len(documents)} documents)", time.perf_counter() - start))

    start = time.perf_counter()
    for document in documents:
        to_pdf(document.html, reports.generated)
    serial = time.perf_counter() - start
    timings.append(("PDF, one after another (reference)", serial))

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_reports(reports, Path(folder))
        full = time.perf_counter() - start
    timings.append((f"full set as `koers report` writes it ({os.cpu_count()} processes)", full))

    width = max(len(name) for name, _ in timings)
    print(f"{'step':<{width}}  seconds")
    for name, seconds in timings:
        print(f"{name:<{width}}  {seconds:7.2f}")
    print(f"{'speed-up of the parallel PDFs':<{width}}  {serial / max(full, 1e-9):6.2f}×")
    print(f"target: full set under 30 s -> {'met' if full < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
