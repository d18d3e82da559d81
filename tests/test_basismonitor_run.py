"""A Basismonitor run end to end: synthetic panel → kernels → disclosure gate → the store.

One small synthetic panel (the four cities, so thousands live on Zuid) serves the module;
each test loads the NPRZ plan into a fresh SQLite store.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from koers import workflow as wf
from koers.basismonitor import publish
from koers.basismonitor.disclosure import Rules
from koers.basismonitor.synth import calibration_targets, generate
from koers.plan.period import period_year
from koers.store import Store, StoreError
from tests.conftest import EXAMPLE, NPRZ

PERSONS = 40_000


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bm") / "panel"
    generate(out, persons=PERSONS, years=12, seed=7, scope="g4")
    return out


@pytest.fixture
def nprz_store(run, sqlite_url) -> Store:  # type: ignore[no-untyped-def]
    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    with Store.open(sqlite_url) as store:
        yield store


def test_a_run_stores_only_what_the_gate_publishes(nprz_store, panel, tmp_path):
    out = tmp_path / "aggregaten.csv"
    outcome = publish.run(nprz_store, panel, out_csv=out)
    counted = outcome.counted()
    assert counted["onderdrukt"] > 0 and counted["gepubliceerd"] > 0
    published = {v.key for v in outcome.verdicts if not v.suppressed}
    suppressed = {v.key for v in outcome.verdicts if v.suppressed}
    mapping = {
        c.column: c.indicator for c in publish.basismonitor_mapping(nprz_store.plan("nprz")).columns
    }
    measure_of = {indicator: measure for measure, indicator in mapping.items()}
    stored = [o for o in nprz_store.observations("nprz") if o.batch == outcome.batch.batch]  # type: ignore[union-attr]
    assert len(stored) == len(outcome.stored) > 1000
    for o in stored:
        key = (measure_of[o.indicator], o.period, "", o.area)
        assert key in published and key not in suppressed
        assert o.denominator is not None and o.denominator >= 10
        assert o.note is not None and o.note.startswith("onthullingscontrole: gepubliceerd")
        assert o.source == f"Basismonitor, panel {panel.name} (duckdb)"
    # the CSV has every aggregate, suppressed values empty, with the reason
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == len(outcome.verdicts)
    hidden = [r for r in rows if r["besluit"] == "onderdrukt"]
    assert hidden and all(
        r["waarde"] == r["teller"] == r["noemer"] == r["aantal_eenheden"] == "" for r in hidden
    )
    assert all(r["reden"] for r in hidden)
    assert any(r["reden"].startswith("secundair") for r in hidden)


def test_the_kernels_on_the_synthetic_panel_reproduce_tabel_1_for_zuid(nprz_store, panel):
    outcome = publish.run(nprz_store, panel)
    figures = {(o.indicator, period_year(o.period)): o for o in outcome.stored if o.area == "zuid"}
    checked = 0
    for target in calibration_targets():
        if target.area != "zuid" or target.indicator in ("T1.R1", "T1.R15"):
            continue
        found = figures.get((target.indicator, target.year))
        if found is None:
            continue
        # sampling error at this size: 3 standard errors of the share, at least 2 points
        share = target.value / 100
        se = (share * (1 - share) / found.denominator) ** 0.5 * 100  # type: ignore[operator]
        assert abs(found.value - target.value) <= max(2.0, 3 * se) + 1.5, target  # type: ignore[operator]
        checked += 1
    assert checked >= 20


def test_a_second_run_of_the_same_panel_stores_nothing_and_undo_takes_it_back(
    nprz_store, panel, run
):
    first = publish.run(nprz_store, panel)
    again = publish.run(nprz_store, panel)
    assert again.batch is not None and again.batch.duplicate_of == first.batch.batch  # type: ignore[union-attr]
    other_rules = publish.run(nprz_store, panel, rules=Rules(min_count=20))
    assert other_rules.batch.duplicate_of is None  # type: ignore[union-attr]
    history = json.loads(run("import", "history", "--format", "json").stdout)
    assert [b["format"] for b in history].count("basismonitor") == 2
    assert run("import", "undo", other_rules.batch.batch).exit_code == 0  # type: ignore[union-attr]
    assert run("import", "undo", first.batch.batch).exit_code == 0  # type: ignore[union-attr]
    assert [
        o
        for o in nprz_store.observations("nprz")
        if o.source and o.source.startswith("Basismonitor")
    ] == []


def test_a_plan_without_a_basismonitor_mapping_is_refused_and_nothing_is_stored(
    run, sqlite_url, panel
):
    run("load", "--no-data", str(EXAMPLE))
    with Store.open(sqlite_url) as store:
        with pytest.raises(StoreError, match="koppelt geen Basismonitor-maten"):
            publish.run(store, panel)
        assert store.batches("voorbeeld") == []


def test_a_closed_year_refuses_the_whole_run(nprz_store, panel, monkeypatch):
    monkeypatch.setenv("KOERS_USER", "installateur")
    admin = wf.create_user(nprz_store, "nprz", "beheer", "een lang wachtwoord", "admin", by=None)
    bureau = wf.create_user(nprz_store, "nprz", "bureau", "een lang wachtwoord", "bureau", by=admin)
    wf.close_period(nprz_store, "nprz", 2015, bureau)
    with pytest.raises(Exception, match="het jaar 2015 is afgesloten"):
        publish.run(nprz_store, panel)
    assert nprz_store.batches("nprz") == []


def test_a_distribution_cannot_give_away_its_small_category():
    """Six advice categories add up to the cohort: one suppressed category would be the
    cohort minus the others, so the gate suppresses a second one."""
    from koers.basismonitor.rollup import AreaCell

    counts = {"pro": 3, "vmbo": 40, "vmbo_havo": 20, "havo": 30, "havo_vwo": 15, "vwo": 25}
    cells = [
        AreaCell(f"cohort.g8.advice.{advice}", "2020/2021", None, "zuid", n, sum(counts.values()))
        for advice, n in counts.items()
    ]
    verdicts = {v.key[0]: v for v in publish.gate(cells, [], Rules())}
    hidden = sorted(m for m, v in verdicts.items() if v.suppressed)
    assert len(hidden) == 2 and "cohort.g8.advice.pro" in hidden
    assert verdicts["cohort.g8.advice.pro"].primary and not verdicts[hidden[0]].primary
    assert not verdicts["cohort.g8.advice"].suppressed  # the cohort itself is published


def test_the_cli_synthesises_and_runs_with_a_progress_report(run, tmp_path):
    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    panel = tmp_path / "klein"
    made = run(
        "basismonitor",
        "synth",
        "--persons",
        "3000",
        "--years",
        "4",
        "--scope",
        "g4",
        "--out",
        str(panel),
    )
    assert made.exit_code == 0 and "3.000 personen" in made.stdout
    assert (
        run("basismonitor", "synth", "--persons", "10", "--out", str(panel)).exit_code == 1
    )  # not empty
    out = tmp_path / "uit.csv"
    done = run("basismonitor", "run", str(panel), "--round-to", "5", "--out", str(out))
    assert done.exit_code == 0, done.stderr
    assert "aggregaten:" in done.stdout and "onderdrukt" in done.stdout and "batch " in done.stdout
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    published = [r for r in rows if r["besluit"] == "afgerond"]
    assert published and all(float(r["noemer"]) % 5 == 0 for r in published)
    missing = run("basismonitor", "run", str(tmp_path / "bestaatniet"))
    assert missing.exit_code == 1 and "geen panel" in missing.stderr
