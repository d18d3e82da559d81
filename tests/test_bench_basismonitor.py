"""The Basismonitor benchmark's references stay honest: koers, hand SQL and pandas agree.

``bench/basismonitor.py`` times koers against a hand-written DuckDB SQL version and a pandas
version of every kernel; a ratio means something only if the three compute the same leaf
cells. These tests run the three on a tiny synthetic panel (in process, no timing) and
compare them cell by cell, and check that ``synth.generate`` writes the same files whatever
the number of worker processes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from koers.basismonitor import synth
from koers.basismonitor.kernels import LEAF_SCHEMA

BENCH = Path(__file__).resolve().parents[1] / "bench" / "basismonitor.py"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_basismonitor", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _load_bench()


@pytest.fixture(scope="module")
def tiny_panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "panel"
    synth.generate(out, persons=3_000, scope="g4", seed=3)
    return out


@pytest.fixture(scope="module")
def results(bench: ModuleType, tiny_panel: Path) -> dict[str, pa.Table]:
    tables: dict[str, pa.Table] = bench.run_all(tiny_panel, threads=2)
    return tables


def test_the_three_implementations_give_identical_cells(
    bench: ModuleType, results: dict[str, pa.Table]
) -> None:
    assert set(results) == {"koers", "sql", "pandas"}
    for table in results.values():
        assert table.schema.equals(LEAF_SCHEMA)
    assert bench.compare_all(results) is None
    measures = set(results["koers"].column("measure").to_pylist())
    # every kernel contributes cells, so no reference is compared on an empty result
    assert {"T1.R2", "T1.R3", "T1.R15"} <= measures
    assert any(m.startswith("cohort.g8.") for m in measures)
    assert any(m.startswith("cohort.bijstand.") for m in measures)
    assert results["koers"].column("band").null_count < results["koers"].num_rows


def test_a_difference_is_reported(bench: ModuleType, results: dict[str, pa.Table]) -> None:
    koers = results["koers"]
    numerators = koers.column("numerator").to_pylist()
    numerators[0] += 1
    changed = koers.set_column(
        koers.schema.get_field_index("numerator"),
        LEAF_SCHEMA.field("numerator"),
        pa.array(numerators, pa.float64()),
    )
    difference = bench.first_difference(koers, changed)
    assert difference is not None and "numerator" in difference
    assert bench.first_difference(koers, koers.slice(1)) is not None
    assert bench.compare_all({"koers": koers, "sql": changed}) is not None


def test_sizes_and_the_pandas_memory_estimate(bench: ModuleType) -> None:
    assert bench.persons_for(210_000_000) == 27_704_000  # about 17.5 M persons a year
    assert bench.pandas_fits(bench.WHOLE, 10_000_000)
    assert not bench.pandas_fits(bench.WHOLE, 210_000_000)


def test_generation_does_not_depend_on_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(synth, "CHUNK_PERSONS", 400)  # two chunks of a 700-person panel
    one = synth.generate(tmp_path / "one", persons=700, years=3, scope="g4", seed=5)
    two = synth.generate(tmp_path / "two", persons=700, years=3, scope="g4", seed=5, workers=2)
    assert one.person_years == two.person_years > 0
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*"))
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*"))
    parts = [f for f in files if f.suffix == ".parquet"]
    assert {f.name for f in parts} == {"part-00000.parquet", "part-00001.parquet"}
    for part in parts:
        assert pq.read_table(tmp_path / "one" / part).equals(pq.read_table(tmp_path / "two" / part))
    ids = pq.read_table(tmp_path / "one" / parts[-1]).column("person").to_pylist()
    assert min(ids) >= 400  # person ids of chunk 1 start at 1 × the (patched) chunk size
    with pytest.raises(ValueError, match="workers"):
        synth.generate(tmp_path / "three", persons=10, workers=0)
