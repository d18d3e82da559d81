"""``koers import`` end to end: every format recognised on the real files, into a store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from koers.cli import main

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"


@pytest.fixture
def run(sqlite_url):
    if not EXTERNAL.is_dir():
        pytest.skip(f"the real files are not beside this clone ({EXTERNAL})")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", sqlite_url, *args], catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    ("plan", "file", "format"),
    [
        ("cbs", "cbs_kwb/cbs_wbk_2024_rotterdam_buurten.csv", "cbs"),
        ("cbs", "cbs_kwb/cbs_kwb_2017_rotterdam_odata_extract.json", "cbs"),
        ("cbs", "cbs_kwb/cbs_kwb_2019_nl_amsterdam.csv", "cbs"),
        (
            "wijkprofiel",
            "rotterdam_wijkprofiel/wijkprofiel_2014_2016_datastructuur.xls",
            "wijkprofiel",
        ),
        ("wijkprofiel", "rotterdam_wijkprofiel/wijkprofiel_2016_VI.csv", "wijkprofiel"),
        ("boundaries", "boundaries/rotterdam_buurten_2024_wgs84.geojson", "geojson"),
    ],
)
def test_every_format_is_recognised_and_imported(run, plan, file, format):
    assert run("load", str(FIXTURES / plan / "plan"), "--no-data").exit_code == 0
    # The CBS test plan has two mappings of the 2017 columns: the file cannot choose.
    chosen = ["--mapping", "cbs-kwb-2017"] if "2017" in file else []
    result = run("import", str(EXTERNAL / file), *chosen)
    assert result.exit_code == 0, result.output
    assert f"({format})" in result.stdout
    [batch] = json.loads(run("import", "history", "--format", "json").stdout)
    assert (batch["source"], batch["format"]) == (Path(file).name, format)
    assert batch["added"] > 0
    again = run("import", str(EXTERNAL / file), *chosen)
    assert "al geïmporteerd als batch" in again.stdout


def test_spreadsheets_are_recognised(run):
    run("load", str(FIXTURES / "tabular" / "plan"), "--no-data")
    for name, format in (("wijkcijfers.xlsx", "xlsx"), ("wijkcijfers.csv", "csv-wide")):
        result = run("import", str(FIXTURES / "tabular" / name))
        assert result.exit_code == 0, result.output
        assert f"({format})" in result.stdout


def test_boundaries_dry_run_and_year(run):
    run("load", str(FIXTURES / "boundaries" / "plan"), "--no-data")
    path = EXTERNAL / "boundaries" / "rotterdam_buurten_2015_wgs84.geojson"
    preview = run("import", "--dry-run", str(path))
    assert "proefdraai (geojson), niets opgeslagen" in preview.stdout
    assert "BU05990328" in preview.stdout  # Witte Dorp has no geometry: said, not hidden
    assert json.loads(run("import", "history", "--format", "json").stdout) == []
    stored = run("import", "--year", "2015", str(path))
    assert stored.exit_code == 0 and "(geojson)" in stored.stdout


def test_a_format_that_does_not_fit_is_refused(run):
    run("load", str(FIXTURES / "cbs" / "plan"), "--no-data")
    wrong = run(
        "import", "--format", "csv", str(EXTERNAL / "cbs_kwb" / "cbs_wbk_2024_g4_gemeenten.csv")
    )
    assert wrong.exit_code == 1
    assert "verplichte kolom ontbreekt" in wrong.stderr
    unknown = run("import", "--format", "pdf", "x.pdf")
    assert unknown.exit_code == 2 and "Invalid value for '--format'" in unknown.stderr


def test_real_files_land_on_the_nprz_plan(run):
    run("load", str(ROOT / "plans" / "nprz-2023-2027"), "--no-data")
    buurten = run("import", str(EXTERNAL / "cbs_kwb" / "cbs_wbk_2024_rotterdam_buurten.csv"))
    # the 23 buurten of Zuid, each with the 20 columns the plan maps; the rest is reported
    assert "460 rijen: 460 nieuw" in buurten.stdout
    assert "68 gebiedscodes niet in het plan" in buurten.stdout
    run(
        "import",
        str(EXTERNAL / "rotterdam_wijkprofiel" / "wijkprofiel_2014_2016_datastructuur.xls"),
    )
    records = json.loads(run("status", "--area", "tarwewijk", "--format", "json").stdout)
    found = {r["indicator"]: r for r in records}
    # The mapping says 2024-01-01; T1.R1 is counted on a reference date, where 1 January is
    # written as the plain year (one spelling per moment).
    assert (found["T1.R1"]["period"], found["T1.R1"]["value"]) == ("2024", 12330)
    assert found["T1.R1"]["sources"] == [
        "CBS, Kerncijfers wijken en buurten 2024 (cbs_wbk_2024_rotterdam_buurten.csv)"
    ]
    assert found["E7.2"]["value"] == pytest.approx(83.5435, abs=1e-4)  # veiligheidsindex 2016
    assert found["E7.2"]["status"] == "groen"  # up from 2014, the target is a rise
    zuid = {r["indicator"]: r for r in json.loads(run("status", "--format", "json").stdout)}
    # Groot-IJsselmonde's two wijken split one CBS buurt, which stands in for both: Zuid is
    # the sum of its 22 buurten (the 23 of the three gebieden, 212.640, without Zuiderpark)
    assert zuid["T1.R1"]["explanation"] == "Rotterdam-Zuid 211.810 in 2024; alleen gevolgd."
    assert zuid["T1.R1"]["derived_from"].count("groot-ijsselmonde") == 1
    assert len(zuid["T1.R1"]["derived_from"]) == 22
    half = run("status", "--area", "groot-ijsselmonde-zuid", "--format", "json").stdout
    (population,) = [r for r in json.loads(half) if r["indicator"] == "T1.R1"]
    assert population["value"] is None
    assert "is een deel van Groot IJsselmonde" in population["explanation"]


def test_a_national_boundary_file_shows_the_plan_areas_first(sqlite_url, tmp_path):
    from .test_sources_boundaries import SMALL, national_buurten

    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "plan.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "buurten_2024.geojson").write_bytes(national_buurten())
    runner = CliRunner()
    db = ["--db", sqlite_url]
    assert runner.invoke(main, [*db, "load", str(tmp_path / "plan"), "--no-data"]).exit_code == 0
    result = runner.invoke(main, [*db, "import", str(tmp_path / "buurten_2024.geojson")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()  # the progress bar leaves an empty line
    assert lines[0].startswith("buurten_2024.geojson: batch ")
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "2 grenzen voor grensjaar 2024 (bestandsnaam) uit 1.203 objecten",
        "1 object overgeslagen",
        "buurten_2024.geojson, rij 2",  # Afrikaanderwijk: no geometry
        "1 gebied van het plan niet in het bestand",
        "buurten_2024.geojson",  # Noordereiland
        "1 waarschuwing",
        "buurten_2024.geojson, rij 3",  # Feijenoord: a ring of zero area
        "1.200 codes of namen niet in het plan, overgeslagen (daarbij 2 objecten zonder "
        "geometrie, 3 objecten met een ontaarde ring of een leeg vlak)",
    ]
