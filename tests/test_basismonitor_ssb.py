"""The SSB ingest: tables as CBS delivers them → the panel, checked first.

A tiny hand-made delivery (two persons, one year, CSV) shows each derivation rule and each
refusal; the synthetic population written in the SSB layout shows the three file formats
and the round trip synth (cbs) → ingest → run = synth (panel) → run.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from koers.basismonitor import publish, schema
from koers.basismonitor.ssb import ingest
from koers.basismonitor.synth import generate
from koers.basismonitor.synth_cbs import generate_cbs
from koers.sources.base import SourceError
from koers.store import Store
from tests.conftest import NPRZ

P1, P2 = "000000101", "000000102"  # two persons (RINPERSOON keeps its leading zeros)


def delivery() -> dict[str, list[dict[str, str]]]:
    """A minimal delivery for panel year 2020: a mother (born 1985, works, middelbaar) and
    her son (born 2010, groep 5 in 2019/20), living together in one buurt."""
    person = {"RINPERSOONS": "R"}
    return {
        "GBAPERSOON2021TABV1": [
            # GBAGENERATIE: one of the variables koers does not read
            {
                **person,
                "RINPERSOON": P1,
                "GBAGESLACHT": "2",
                "GBAGEBOORTEJAAR": "1985",
                "GBAGENERATIE": "0",
            },
            {
                **person,
                "RINPERSOON": P2,
                "GBAGESLACHT": "1",
                "GBAGEBOORTEJAAR": "2010",
                "GBAGENERATIE": "0",
            },
        ],
        "GBAADRESOBJECT2021BUSV1": [
            {
                **person,
                "RINPERSOON": p,
                "GBADATUMAANVANGADRESHOUDING": "20150601",
                "GBADATUMEINDEADRESHOUDING": "20501231",
                "SOORTOBJECTNUMMER": "V",
                "RINOBJECTNUMMER": "0000123456",
            }
            for p in (P1, P2)
        ],
        "VSLGWB2021TAB01V1": [
            {
                "SOORTOBJECTNUMMER": "V",
                "RINOBJECTNUMMER": "0000123456",
                "gem2019": "0344",
                "bc2019": "03440101",
                "gem2021": "0599",
                "bc2021": "05991571",
            }
        ],
        "GBAHUISHOUDENS2021BUSV1": [
            {
                **person,
                "RINPERSOON": p,
                "DATUMAANVANGHH": "20190301",
                "DATUMEINDEHH": "20501231",
                "HUISHOUDNR": "H000042",
                "TYPHH": "6",
                "PLHH": plhh,
            }
            for p, plhh in ((P1, "7"), (P2, "1"))
        ],
        "SECM2021BUSV1": [
            {
                **person,
                "RINPERSOON": P1,
                "AANVSECM": "20200101",
                "EINDSECM": "20201231",
                "SECM": "11",
            }
        ],
        "SPOLIS2020BUSV1": [
            {
                **person,
                "RINPERSOON": P1,
                "IKVID": "77",
                "SDATUMAANVANGIKO": "20180101",
                "SDATUMEINDEIKO": "20211231",
            }
        ],
        "HDIPLOMAREG2020TABV1": [{**person, "RINPERSOON": P1, "STARTKWALIFICATIE": "1"}],
        "VSV2019TABV1": [],
        "HOOGSTEOPL2020TABV1": [
            {
                **person,
                "RINPERSOON": P1,
                "OPLNIVSOI2021AGG4HBMETNIRWO": "2111",
                "GEWICHTHOOGSTEOPL": "1.25",
            }
        ],
        "INSCHRWPOTAB2019V1": [
            {
                **person,
                "RINPERSOON": P2,
                "WPOBRIN_CRYPT": "XK12",
                "WPOBRINVEST": "01",
                "WPOLEERJAAR": " 5",
                "WPOTAALLV": "",
                "WPOREKENEN": "",
                "WPOADVIESVO": "",
            }
        ],
    }


HEADERS = {  # an empty table still has its header
    "VSV2019TABV1": ["RINPERSOONS", "RINPERSOON"],
}


def write(directory: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        fields = list(rows[0]) if rows else HEADERS[name]
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fields)
            writer.writeheader()
            writer.writerows(rows)
    return directory


def panel_rows(panel: Path) -> list[dict[str, object]]:
    table = duckdb.sql(
        f"SELECT * FROM read_parquet('{panel}/*/*.parquet', hive_partitioning = false) "
        "ORDER BY year, person"
    ).to_arrow_table()
    return table.to_pylist()


def test_a_hand_made_delivery_gives_the_panel_the_rules_say(tmp_path):
    source = write(tmp_path / "ssb", delivery())
    summary = ingest(source, tmp_path / "panel")
    assert summary.years == (2020,) and summary.vintage == 2021 and summary.person_years == 2
    mother, son = panel_rows(tmp_path / "panel")
    assert (mother["person"], mother["sex"], mother["birth_year"]) == (101, "v", 1985)
    # the buurt of the latest indeling, not the 2019 one the file also has
    assert (mother["gemeente"], mother["buurt"]) == ("GM0599", "BU05991571")
    assert mother["household"] == son["household"]
    assert (mother["household_type"], mother["household_position"]) == ("eenouder", "ouder")
    assert son["household_position"] == "kind"
    assert mother["employed"] and mother["labour_force"] and mother["benefit"] is None
    assert mother["education"] == "middelbaar" and mother["startkwalificatie"]
    assert (son["sector"], son["level"], son["study_year"]) == ("po", "po", 5)
    assert son["parents_education"] == "middelbaar"  # the mother's, who lives with him
    assert son["school"] is not None and son["education"] is None
    assert not son["employed"] and not son["startkwalificatie"] and not son["early_leaver"]
    assert mother["household_income"] is None  # no INHATAB delivered: empty, not invented
    assert any("INHATAB" in note for note in summary.notes)
    assert any("BEROEPSBEVOLKING" in note for note in summary.notes)
    # another indeling places the same address object in that indeling's buurt
    ingest(source, tmp_path / "panel-2019", vintage=2019)
    assert {r["buurt"] for r in panel_rows(tmp_path / "panel-2019")} == {"BU03440101"}


def refusal(tmp_path: Path, tables: dict[str, list[dict[str, str]]]) -> str:
    with pytest.raises(SourceError) as raised:
        ingest(write(tmp_path / "ssb", tables), tmp_path / "panel")
    assert not (tmp_path / "panel").exists()  # nothing half-written
    return str(raised.value)


def test_a_missing_variable_is_refused_with_table_and_variable(tmp_path):
    tables = delivery()
    for row in tables["GBAPERSOON2021TABV1"]:
        del row["GBAGESLACHT"]
    message = refusal(tmp_path, tables)
    assert "GBAPERSOON2021TABV1.csv, kolom 'GBAGESLACHT': deze variabele ontbreekt" in message


def test_a_duplicate_key_is_refused_with_its_count(tmp_path):
    tables = delivery()
    tables["GBAPERSOON2021TABV1"].append(dict(tables["GBAPERSOON2021TABV1"][0]))
    message = refusal(tmp_path, tables)
    assert "GBAPERSOON2021TABV1.csv, kolom 'RINPERSOONS, RINPERSOON': 1 dubbele sleutel" in message


def test_a_date_out_of_range_is_refused_with_variable_and_count(tmp_path):
    tables = delivery()
    tables["GBAADRESOBJECT2021BUSV1"][0]["GBADATUMAANVANGADRESHOUDING"] = "17000101"
    tables["GBAADRESOBJECT2021BUSV1"][1]["GBADATUMAANVANGADRESHOUDING"] = "2015-06-01"
    message = refusal(tmp_path, tables)
    assert (
        "GBAADRESOBJECT2021BUSV1.csv, kolom 'GBADATUMAANVANGADRESHOUDING': 2 datums leeg, geen "
        "datum (JJJJMMDD) of vóór 1850"
    ) in message


def test_an_unknown_code_a_missing_table_and_a_second_address_are_refused(tmp_path):
    tables = delivery()
    tables["GBAHUISHOUDENS2021BUSV1"][0]["TYPHH"] = "42"
    message = refusal(tmp_path / "a", tables)
    assert "kolom 'TYPHH': 1 rij met een onbekende code" in message

    tables = delivery()
    del tables["SECM2021BUSV1"]
    assert "SECMBUS: ontbreekt in" in refusal(tmp_path / "b", tables)

    tables = delivery()
    second = dict(tables["GBAADRESOBJECT2021BUSV1"][0], GBADATUMAANVANGADRESHOUDING="20191231")
    second["GBADATUMEINDEADRESHOUDING"] = "20200601"
    tables["GBAADRESOBJECT2021BUSV1"].append(second)
    assert "1 personen met meer dan één adres op 1 januari 2020" in refusal(tmp_path / "c", tables)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic population as a panel (the reference for the formats)."""
    out = tmp_path_factory.mktemp("ssb") / "panel"
    generate(out, persons=400, years=2, seed=5, scope="g4")
    return out


@pytest.mark.parametrize("file_format", ["parquet", "csv", "sav"])
def test_each_file_format_gives_back_the_same_panel(small, tmp_path, file_format):
    source = tmp_path / "ssb"
    generate_cbs(source, persons=400, years=2, seed=5, scope="g4", file_format=file_format)
    assert {p.suffix for p in source.iterdir() if p.suffix} == {f".{file_format}", ".json"}
    ingest(source, tmp_path / "panel", memory_limit="256MB", temp_dir=tmp_path / "tmp")
    assert panel_rows(tmp_path / "panel") == panel_rows(small)
    assert pq.read_schema(next((tmp_path / "panel").glob("*/*.parquet"))) == schema.SCHEMA
    assert schema.is_synthetic(schema.read_meta(tmp_path / "panel"))


def without_fingerprint(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith(("# run:", "# vingerafdruk:"))]


def test_synth_cbs_then_ingest_then_run_equals_synth_then_run(run, sqlite_url, tmp_path):
    persons, seed = 20_000, 11
    generate(tmp_path / "direct" / "panel", persons=persons, seed=seed, scope="g4")
    generate_cbs(tmp_path / "ssb", persons=persons, seed=seed, scope="g4")
    ingest(tmp_path / "ssb", tmp_path / "ingested" / "panel")
    assert panel_rows(tmp_path / "ingested" / "panel") == panel_rows(tmp_path / "direct" / "panel")
    assert run("load", "--no-data", str(NPRZ)).exit_code == 0
    releases = []
    with Store.open(sqlite_url) as store:
        for name in ("direct", "ingested"):
            out = tmp_path / f"{name}.csv"
            publish.run(store, tmp_path / name / "panel", out=out)
            releases.append(without_fingerprint(out))
    direct, ingested = releases
    assert len(direct) > 1000 and "# synthetisch: ja" in direct
    assert ingested == direct


def test_the_cli_writes_the_cbs_layout_and_ingests_it(run, tmp_path):
    made = run(
        "basismonitor", "synth", "--persons", "300", "--years", "2", "--scope", "g4",
        "--layout", "cbs", "--format", "csv", "--out", str(tmp_path / "ssb"),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert (tmp_path / "ssb" / "GBAPERSOON2012TABV1.csv").is_file()
    meta = json.loads((tmp_path / "ssb" / schema.META_FILE).read_text())
    assert meta["layout"] == "cbs" and meta["synthetisch"]
    done = run(
        "basismonitor", "ingest", str(tmp_path / "ssb"), "--out", str(tmp_path / "panel"),
        "--memory-limit", "256MB", "--temp-dir", str(tmp_path / "tmp"), "--years", "2011-2012",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "persoonsjaren, 2011-2012" in done.output
    (tmp_path / "ssb" / "SECM2012BUSV1.csv").unlink()
    refused = run("basismonitor", "ingest", str(tmp_path / "ssb"), "--out", str(tmp_path / "p2"))
    assert refused.exit_code == 1
    assert "SECMBUS: ontbreekt in" in refused.output
    bad_limit = run(
        "basismonitor", "ingest", str(tmp_path / "ssb"), "--out", str(tmp_path / "p3"),
        "--memory-limit", "veel",
    )  # fmt: skip
    assert bad_limit.exit_code == 1
    assert "'veel' is geen geheugengrootte (zoals 4GB of 512MB)" in bad_limit.output
    wrong = run("basismonitor", "synth", "--persons", "5", "--format", "csv", "--out", "x")
    assert wrong.exit_code == 2 and "--layout cbs" in wrong.output
