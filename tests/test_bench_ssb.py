"""The SSB ingest benchmark measures what it says: the read reference reads every row of
every delivered file, and the ingest it times builds the whole panel."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

BENCH = Path(__file__).resolve().parents[1] / "bench" / "ssb.py"


def test_the_reference_reads_every_row_and_the_ingest_builds_the_panel(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_ssb", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)

    tables, person_years = bench.ensure_tables(tmp_path, 8_000)
    assert bench.ensure_tables(tmp_path, 8_000) == (tables, person_years)  # cached
    files = list(tables.glob("*.parquet"))
    assert len(files) > 40
    rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    assert bench.run_read(tables, 2, "512MB") == rows
    assert bench.run_ingest(tables, 2, "512MB") == person_years
    assert json.loads(tables.with_name(tables.name + ".json").read_text())["person_years"] == (
        person_years
    )
