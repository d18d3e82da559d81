"""CBS files as CBS publishes them, read through ``import_file`` into a store: the KWB
workbook (``kwb-JJJJ.xlsx`` and saved as CSV, ``gwb_code_10`` or ``gwb_code_8``), StatLine
CSV downloads with title headers (with and without a period column) and OData v4
observations; and CBS's sentinels (-99995 … -99999) as missing values in every figure
reader, not only the CBS one.

The fixtures in tests/fixtures/cbs follow CBS's documented layouts; their figures are
those of the real files in shared/data/external where those have them (Rotterdam 670 610
inhabitants in 2024's Wijk- en Buurtkaart, 644 618 in KWB 2019), else made up. The KWB
workbook is built here from ``kwb-2023.csv`` (every cell a text cell, as CBS stores its
numbers), so the two are the same table in two formats.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from koers.plan import load_plan
from koers.sources import SourceError, import_file

from .conftest import ROOT

CBS = ROOT / "tests" / "fixtures" / "cbs"
TABULAR = ROOT / "tests" / "fixtures" / "tabular"
PLAN = load_plan(CBS / "plan")


def workbook(rows: list[list[str]], sheet: str = "KWB2023") -> bytes:
    """An .xlsx with one sheet of text cells, as CBS writes its KWB workbook."""
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def kwb_rows() -> list[list[str]]:
    lines = (CBS / "kwb-2023.csv").read_text(encoding="utf-8").splitlines()
    return [line.split(";") for line in lines]


def stored(store, programme: str = "cbs-test") -> dict[tuple[str, str], object]:
    return {(o.indicator, o.area): o for o in store.observations(programme)}


def refused(store, path: Path, **options) -> list[str]:
    with pytest.raises(SourceError) as caught:
        import_file(store, path, **options)
    return [str(issue) for issue in caught.value.issues]


# -- the KWB workbook ------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_the_kwb_workbook_and_its_csv_import_alike(store, tmp_path, form):
    store.save_plan(PLAN)
    path = tmp_path / f"kwb-2023.{form}"
    if form == "xlsx":
        path.write_bytes(workbook(kwb_rows()))
    else:
        path.write_bytes((CBS / "kwb-2023.csv").read_bytes())
    assert refused(store, path) == [
        f"{path.name}{', werkblad ' + repr('KWB2023') if form == 'xlsx' else ''}: het bestand "
        "noemt geen periode (kolom Perioden of jaar) en koppeling cbs-kwb-werkmap geeft geen "
        "'period'; geef het jaar met koers import --year JAAR, of zet 'period' in de koppeling"
    ]
    assert store.batches("cbs-test") == []  # nothing stored

    outcome = import_file(store, path, year=2023)  # --format auto knows it by gwb_code_10
    assert outcome.format == "cbs" and outcome.reading.mapping == "cbs-kwb-werkmap"
    figures = stored(store)
    assert {o.period for o in figures.values()} == {"2023"}
    assert figures["inwoners", "rotterdam"].value == 670_610  # the text cell "670610"
    assert figures["inwoners", "nl"].value == 17_942_942  # NL00, recs Land
    assert figures["inkomen-per-inwoner", "bu05991571"].value == 20_200  # "20,2" × 1000
    assert figures["laag-inkomen", "wk059915"].value == 20.3
    rate = figures["geboorten-per-1000", "bu05991081"]
    assert (rate.value, rate.numerator, rate.denominator) == (12, 165, 13_930)
    wielewaal = figures["percentage-65-plus", "bu05991575"]
    assert (wielewaal.value, wielewaal.note) == (None, "geheim of niet beschikbaar (CBS -99997)")
    secret = figures["laag-inkomen", "bu05991575"]
    assert (secret.value, secret.note) == (None, "geheim of niet beschikbaar (.)")
    assert figures["inwoners", "bu05991575"].value == 1380  # the row's other figures stay
    assert outcome.reading.unmapped_areas == {"GM0014": 1}  # Groningen: not in the plan
    assert outcome.reading.unmapped_columns == ["a_opp_ha"]
    assert len(figures) == 7 * 6


def test_an_edition_with_gwb_code_8_gets_its_codes_back_from_recs(store):
    """``gwb_code_8`` has no prefix and, saved from a numeric cell, no leading zero."""
    store.save_plan(PLAN)
    import_file(store, CBS / "kwb-2016.csv", year=2016)
    figures = stored(store)
    assert figures["inwoners", "nl"].value == 16_979_120  # "0", Land
    assert figures["inwoners", "rotterdam"].value == 629_606  # "599", Gemeente -> GM0599
    assert figures["inwoners", "wk059915"].value == 65_520  # "59915", Wijk -> WK059915
    assert figures["inwoners", "bu05991571"].value == 11_605  # "05991571", Buurt


def test_a_year_that_contradicts_the_file_or_the_mapping_is_refused(store):
    store.save_plan(PLAN)
    titled = CBS / "statline_kwb_2019_titels.csv"
    problems = refused(store, titled, year=2020)
    assert problems[0] == (
        "statline_kwb_2019_titels.csv, rij 2, kolom 'Perioden': het bestand zegt 2019, "
        "--year zegt 2020"
    )
    assert refused(store, CBS / "kwb_2023_odata4.json", year=2024) == [
        "kwb_2023_odata4.json: --year 2024 en koppeling cbs-kwb-odata4 (periode 2023) "
        "spreken elkaar tegen"
    ]
    assert refused(store, TABULAR / "wijkcijfers.csv", year=2022) == [
        "wijkcijfers.csv: --year geldt alleen voor cbs, geojson; een bestand van formaat "
        "'csv-wide' noemt zijn periode zelf (of de koppeling doet dat)"
    ]
    assert store.batches("cbs-test") == []


# -- StatLine CSV downloads with titles -------------------------------------------------------


def test_statline_titles_with_a_period_column(store):
    store.save_plan(PLAN)
    outcome = import_file(store, CBS / "statline_kwb_2019_titels.csv")
    assert (outcome.format, outcome.reading.mapping) == ("cbs", "cbs-statline-titels")
    assert outcome.reading.periods == {"2019"}  # what the file itself states
    figures = stored(store)
    assert {o.period for o in figures.values()} == {"2019"}  # "2019" in column Perioden
    assert figures["inwoners", "rotterdam"].value == 644_618  # "  644618", code "GM0599    "
    assert figures["inkomen-per-inwoner", "wk059915"].value == 19_100  # "    19,1" × 1000
    assert figures["laag-inkomen", "nl"].value == 8.2
    births = figures["geboorten-per-1000", "bu05991571"]
    assert (births.value, births.numerator, births.denominator) == (15, 180, 12_070)
    assert (figures["laag-inkomen", "bu05991571"].note) == "geheim of niet beschikbaar (.)"
    wielewaal = figures["geboorten-per-1000", "bu05991575"]
    assert (wielewaal.value, wielewaal.numerator, wielewaal.note) == (None, None, "geheim (x)")
    assert outcome.reading.unmapped_columns == []  # names and kinds are descriptive


def test_statline_titles_without_a_period_column_take_the_year(store):
    store.save_plan(PLAN)
    path = CBS / "statline_kwb_2023_titels.csv"
    assert refused(store, path)[0].startswith(
        "statline_kwb_2023_titels.csv: het bestand noemt geen periode"
    )
    outcome = import_file(store, path, year=2023)
    figures = stored(store)
    assert {o.period for o in figures.values()} == {"2023"}
    assert figures["inwoners", "rotterdam"].value == 670_610
    assert figures["laag-inkomen", "bu05991575"].note == "geheim (x)"
    assert outcome.reading.unmapped_areas == {"GM0014": 1}


def test_a_mapping_names_a_title_column_with_spaces_around_it():
    from koers.sources.base import ImportContext
    from koers.sources.cbs import CbsSource

    text = (CBS / "statline_kwb_2023_titels.csv").read_text(encoding="utf-8-sig")
    padded = text.replace(
        '"Bevolking/Aantal inwoners (aantal)"', '" Bevolking/Aantal inwoners (aantal) "'
    )
    reading = CbsSource().read(padded.encode(), "t.csv", ImportContext(PLAN, None, 2023))
    found = {(o.indicator, o.area): o.value for o in reading.observations}
    assert found["inwoners", "bu05991571"] == 12_050


# -- OData v4 ---------------------------------------------------------------------------------


def test_odata_v4_observations_with_their_code_lists(store):
    store.save_plan(PLAN)
    outcome = import_file(store, CBS / "kwb_2023_odata4.json")
    assert (outcome.format, outcome.reading.mapping) == ("cbs", "cbs-kwb-odata4")
    figures = stored(store)
    assert {o.period for o in figures.values()} == {"2023"}  # from the mapping
    assert figures["inwoners", "rotterdam"].value == 670_610
    assert figures["laag-inkomen", "rotterdam"].value == 14.6
    notes = {
        area: (figures["laag-inkomen", area].value, figures["laag-inkomen", area].note)
        for area in ("bu05991571", "bu05991575", "bu05991081")
    }
    assert notes == {
        "bu05991571": (None, "geheim (CBS Confidential)"),
        "bu05991575": (None, "kan niet voorkomen (CBS Impossible)"),
        "bu05991081": (None, "niet beschikbaar (CBS NotAvailable)"),
    }
    report = outcome.reading.report()
    assert "niet gekoppeld: M000100 (Bevolkingsdichtheid [aantal inwoners per km²])" in report


def test_odata_v4_one_page_with_periods(store, tmp_path):
    store.save_plan(PLAN)
    observations = [
        {"Id": 0, "Measure": "M000352", "ValueAttribute": "None", "Value": 670610,
         "WijkenEnBuurten": "GM0599", "Perioden": "2023JJ00"},
        {"Id": 1, "Measure": "M000174_1", "ValueAttribute": "x", "Value": None,
         "WijkenEnBuurten": "GM0599", "Perioden": "2023JJ00"},
    ]  # fmt: skip
    path = tmp_path / "pagina.json"
    path.write_text(json.dumps({"value": observations}))
    assert import_file(store, path).reading.periods == {"2023"}
    figures = stored(store)
    assert figures["inwoners", "rotterdam"].value == 670_610
    assert figures["laag-inkomen", "rotterdam"].note == "geheim (x)"

    path.write_text(json.dumps({"value": observations, "@odata.nextLink": "https://…"}))
    assert refused(store, path) == [
        "pagina.json: dit is één pagina van een groter resultaat (@odata.nextLink); haal "
        "alle pagina's op en voeg ze samen in één bestand"
    ]
    twice = [*observations, {**observations[0], "Id": 2, "Geslacht": "Mannen"}]
    path.write_text(json.dumps({"value": twice}))
    assert refused(store, path) == [
        "pagina.json, kolom 'Geslacht': de dimensie Geslacht heeft 2 waarden; koers leest "
        "per gebied en periode één waarde per onderwerp: kies er bij het ophalen één"
    ]
    same = [*observations, {**observations[0], "Id": 2, "Value": 5}]
    path.write_text(json.dumps({"value": same}))
    assert refused(store, path) == [
        "pagina.json, rij 3, kolom 'Measure': dubbele waarneming: M000352 voor Perioden "
        "2023JJ00, WijkenEnBuurten GM0599 staat al in rij 1"
    ]


# -- a bad cell is named with its file, row and column, and nothing is stored ----------------


def test_every_cbs_layout_names_a_bad_cell(store, tmp_path):
    store.save_plan(PLAN)
    rows = kwb_rows()
    rows[3][7] = "veel"  # a_inw of Rotterdam
    kwb = tmp_path / "kwb-2023.xlsx"
    kwb.write_bytes(workbook(rows))
    assert refused(store, kwb, year=2023) == [
        "kwb-2023.xlsx, werkblad 'KWB2023', rij 4, kolom 'a_inw': 'veel' is geen getal"
    ]

    saved = tmp_path / "kwb-2023.csv"
    saved.write_text((CBS / "kwb-2023.csv").read_text().replace(";14;9;20,2;", ";14;9;20,x;"))
    assert refused(store, saved, year=2023) == [
        "kwb-2023.csv, rij 6, kolom 'g_ink_pi': '20,x' is geen getal"
    ]

    titled = tmp_path / "statline.csv"
    titled.write_bytes(
        (CBS / "statline_kwb_2019_titels.csv").read_bytes().replace(b"  644618", b"  6446l8")
    )
    assert refused(store, titled) == [
        "statline.csv, rij 3, kolom 'Bevolking/Aantal inwoners (aantal)': '6446l8' is geen getal"
    ]

    document = json.loads((CBS / "kwb_2023_odata4.json").read_text())
    document["Observations"][3]["Value"] = "twaalf"
    odata = tmp_path / "v4.json"
    odata.write_text(json.dumps(document))
    assert refused(store, odata) == ["v4.json, rij 4, kolom 'Value': 'twaalf' is geen getal"]
    assert store.batches("cbs-test") == []


# -- CBS sentinels in every figure reader -----------------------------------------------------


def test_sentinels_are_missing_values_in_the_wide_csv_xlsx_and_long_csv(store, tmp_path):
    """The same -99995 … -99999 that the CBS reader knows, as a partner's file carries them
    after copying CBS figures: text (``-99997.0``, ``-99997,0``) or a number cell."""
    store.save_plan(load_plan(TABULAR / "plan"))
    wide = tmp_path / "wijkcijfers.csv"
    wide.write_text(
        "code,periode,Werkloos,Werklozen,Beroepsbevolking,Inwoners,Geweld\n"
        "BU05991571,2022,-99997.0,-99997,-99997,12050,-99998\n"
        "BU05991081,2022,14.1,705,5000,-99995,9.1\n"
    )
    import_file(store, wide)
    book = openpyxl.Workbook()
    book.active.append(["code", "Werkloos %", "Werklozen", "Beroepsbevolking", "Geweld"])
    book.active.append(["BU05991082", -99996, 10, 100, "-99997,0"])
    book.active.append(["zuid", 3.5, 35, 1000, " -99999 "])
    sheet = tmp_path / "wijkcijfers.xlsx"
    book.save(sheet)
    import_file(store, sheet)
    long = tmp_path / "lang.csv"
    long.write_text(
        "indicator,area,period,value,note\n"
        "woz,zuid,2021,-99997,\n"
        "inwoners,zuid,2021,-99995.0,door CBS niet gegeven\n"
    )
    import_file(store, long)

    found = {(o.indicator, o.area, o.period): o for o in store.observations("p")}
    expected = {
        ("werkloos", "tarwewijk", "2022"): "geheim of niet beschikbaar (CBS -99997)",
        ("geweld", "tarwewijk", "2022"): "ontbreekt (CBS -99998)",
        ("inwoners", "bloemhof", "2022"): "niet van toepassing (CBS -99995)",
        ("werkloos", "hillesluis", "2022"): "niet van toepassing (CBS -99996)",
        ("geweld", "hillesluis", "2022"): "geheim of niet beschikbaar (CBS -99997)",
        ("geweld", "zuid", "2022"): "onbekend (CBS -99999)",
        ("woz", "zuid", "2021"): "geheim of niet beschikbaar (CBS -99997)",
        ("inwoners", "zuid", "2021"): "niet van toepassing (CBS -99995); door CBS niet gegeven",
    }
    for key, note in expected.items():
        assert (found[key].value, found[key].note) == (None, note), key
    tarwewijk = found["werkloos", "tarwewijk", "2022"]
    assert (tarwewijk.numerator, tarwewijk.denominator) == (None, None)
    assert found["werkloos", "bloemhof", "2022"].value == 14.1


def test_koers_import_takes_the_year_of_a_kwb_workbook(sqlite_url, tmp_path):
    from click.testing import CliRunner

    from koers.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, ["--db", sqlite_url, *args], catch_exceptions=False)

    assert run("load", str(CBS / "plan"), "--no-data").exit_code == 0
    path = tmp_path / "kwb-2023.xlsx"
    path.write_bytes(workbook(kwb_rows()))
    refused = run("import", str(path))
    assert refused.exit_code != 0
    assert "geef het jaar met koers import --year JAAR" in refused.output
    stored = run("import", str(path), "--year", "2023")
    assert stored.exit_code == 0, stored.output
    assert "(cbs)" in stored.stdout
