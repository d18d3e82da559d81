"""Partners' spreadsheets (koers.sources.wide, .xlsx, .tables): wide CSV and .xlsx, long and
wide layouts, numeric and Dutch text cells, marks, formulas, crosswalk splits, every problem named with
the row and column the user sees, and a round trip through the store.

The .xlsx fixtures were written once with openpyxl (formula cells then given the values
Excel saves with them); the plan in fixtures/tabular/plan declares the mappings and
crosswalks. The real files are the Rotterdam Wijkprofiel in shared/data/external."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from koers.plan import load_plan, plan_from_documents
from koers.sources.base import ImportContext, Reading, SourceError
from koers.sources.wide import WideCsv
from koers.sources.xlsx import Xlsx

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "tabular"
PLAN_DIR = FIXTURES / "plan"
PLAN = load_plan(PLAN_DIR)
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"
WIJKPROFIEL = EXTERNAL / "rotterdam_wijkprofiel"

Source = WideCsv | Xlsx


def source_for(name: str) -> Source:
    return Xlsx() if name.endswith(".xlsx") else WideCsv()


def read(name: str, mapping: str | None = None, plan=PLAN) -> Reading:
    data = (FIXTURES / name).read_bytes()
    return source_for(name).read(data, name, ImportContext(plan, mapping))


def read_text(text: str, name: str = "partner.csv", mapping: str | None = None) -> Reading:
    return WideCsv().read(text.encode(), name, ImportContext(PLAN, mapping))


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(SourceError) as caught:
        call(*args, **kwargs)
    return [str(issue) for issue in caught.value.issues]


def values(reading: Reading) -> dict[tuple[str, str, str], float | None]:
    return {(o.indicator, o.area, o.period): o.value for o in reading.observations}


def by_key(reading: Reading):
    return {(o.indicator, o.area, o.period): o for o in reading.observations}


# --- recognising files -------------------------------------------------------------------


def test_sniff_tells_workbooks_wide_csv_and_long_csv_apart():
    xlsx = (FIXTURES / "wijkcijfers.xlsx").read_bytes()
    wide = (FIXTURES / "werkloos-per-jaar.csv").read_bytes()
    assert Xlsx().sniff(xlsx, "wijkcijfers.xlsx")
    assert not Xlsx().sniff(xlsx, "wijkcijfers.zip")  # the ZIP magic alone is not enough
    assert not Xlsx().sniff(wide, "werkloos-per-jaar.xlsx")  # nor the name alone
    assert not WideCsv().sniff(xlsx, "wijkcijfers.xlsx")
    assert WideCsv().sniff(wide, "werkloos-per-jaar.csv")
    assert WideCsv().sniff(b"Gebied,Inwoners\nzuid,1\n", "a.csv")
    long_csv = b"indicator,area,period,value\ne1,zuid,2022,1\n"
    assert not WideCsv().sniff(long_csv, "cijfers.csv")  # the long CSV's file
    assert not WideCsv().sniff(b"regio;waarde\nzuid;1\n", "a.csv")  # no area column


# --- workbooks: the long layout ----------------------------------------------------------


def test_a_long_workbook_reads_numbers_text_dates_and_marks():
    reading = read("lang.xlsx")
    obs = by_key(reading)
    # the first sheet (an explanation) is passed over; the header is on row 3
    assert values(reading) == {
        ("werkloos", "zuid", "2022"): 12.4,  # numeric cell; period cell 2022 (a number)
        ("werkloos", "noord", "2022"): 8.5,  # Dutch text "8,5"
        ("havo-vwo", "zuid", "2021/2022"): 40.3,  # 0.403 formatted as 40,3%
        ("inwoners", "zuid", "2022-01-01"): 207510.0,  # the period is a date cell
        ("inwoners", "noord", "2022-01-01"): None,  # "x"
        ("geweld", "zuid", "2022"): None,  # empty, with a note
        ("woz", "zuid", "2022"): None,  # CBS -99997 as a number
    }
    noord = obs[("werkloos", "noord", "2022")]
    assert (noord.numerator, noord.denominator) == (1020.0, 12000.0)  # "1.020", "12.000"
    zuid = obs[("werkloos", "zuid", "2022")]
    assert (zuid.status, zuid.source) == ("voorlopig", "UWV (lang.xlsx)")
    assert noord.source == "lang.xlsx"
    assert obs[("inwoners", "noord", "2022-01-01")].note == "geheim (x)"
    assert obs[("geweld", "zuid", "2022")].note == "niet geleverd door de politie"
    assert obs[("woz", "zuid", "2022")].note == "geheim of niet beschikbaar (CBS -99997)"
    assert reading.mapping is None and not reading.unmapped_areas


def test_a_long_workbook_names_every_problem_by_sheet_row_and_column():
    where = "lang-fouten.xlsx, werkblad 'Cijfers'"
    assert problems(read, "lang-fouten.xlsx") == [
        f"{where}, rij 3, kolom 'indicator': onbekende indicator 'werklos' (bedoelde u: werkloos?)",
        f"{where}, rij 4, kolom 'area': onbekend gebied 'noordd' (bedoelde u: noord?)",
        f"{where}, rij 4, kolom 'value': 140 is geen percentage (moet tussen 0 en 100 liggen)",
        f"{where}, rij 5, kolom 'period': '2022' is geen schooljaar; havo-vwo wordt per "
        "schooljaar gemeten ('2022/2023'; een los jaar alleen met een toelichting in 'note')",
        f"{where}, rij 6, kolom 'numerator': teller 600 is groter dan noemer 500",
        f"{where}, rij 7, kolom 'period': dubbele rij: dezelfde indicator, gebied, periode en uitsplitsing "
        "staan al in rij 2",
        f"{where}, rij 8, kolom 'value': '12.5' is geen getal in Nederlandse schrijfwijze (een "
        "punt scheidt duizendtallen, de komma is het decimaalteken: 1.234,5)",
        f"{where}, rij 9, kolom 'value': 'veel' is geen getal",
        f"{where}, rij 10, kolom 'value': leeg; geef in 'note' aan waarom de waarde ontbreekt",
        f"{where}, rij 11, kolom 'status': 'concept' is geen status; kies uit definitief, "
        "voorlopig, geschat",
        f"{where}, rij 12, kolom 'value': -5 is negatief; een aantal kan dat niet zijn",
        f"{where}, rij 13, kolom 'indicator': formule '=\"werk\"&\"loos\"' zonder opgeslagen "
        "uitkomst; open het bestand in Excel of LibreOffice, laat het herberekenen en sla het op",
        f"{where}, rij 14, kolom 'value': '2022-03-01' is een datum, geen getal",
        f"{where}, rij 15, kolom 'value': 'WAAR' is geen getal",
    ]


def test_a_long_workbook_with_a_bad_header_or_no_rows():
    where = "lang-kopregel.xlsx, werkblad 'Cijfers', rij 1"
    assert problems(read, "lang-kopregel.xlsx") == [
        f"{where}, kolom 'area': verplichte kolom ontbreekt",
        f"{where}, kolom 'period': verplichte kolom ontbreekt",
        f"{where}, kolom 'Gebied': onbekende kolom",
        f"{where}, kolom 'Perode': onbekende kolom (bedoelde u: period?)",
    ]
    assert problems(read, "lang-leeg.xlsx") == [
        "lang-leeg.xlsx, werkblad 'Cijfers': het werkblad bevat geen rijen"
    ]


# --- workbooks: the wide layouts ---------------------------------------------------------


def test_a_wide_workbook_maps_columns_codes_and_crosswalk_splits():
    reading = read("wijkcijfers.xlsx")
    assert reading.mapping == "wijkcijfers-xlsx"  # chosen by its column headers
    obs = by_key(reading)
    assert values(reading) == {
        # BU05991571 is Tarwewijk's CBS code; WOZ "× 1.000 euro" scaled: 23.7 -> 23700
        ("werkloos", "tarwewijk", "2022"): 14.2,
        ("geweld", "tarwewijk", "2022"): 12.3,  # Dutch text "12,3"
        ("woz", "tarwewijk", "2022"): 23700.0,
        ("werkloos", "bloemhof", "2022"): 13.1,  # "13,1"
        ("geweld", "bloemhof", "2022"): 11.0,
        ("woz", "bloemhof", "2022"): 155500.0,  # "155,5" × 1000
        ("werkloos", "zuid", "2022"): 12.4,  # 0.124 shown as 12,4%
        ("geweld", "zuid", "2022"): None,  # "."
        ("woz", "zuid", "2022"): 180000.0,
        # HAVEN lies for 25% in Noord: rates copied, counts (numerator, denominator) × 0.25
        ("werkloos", "noord", "2022"): 6.0,
        ("geweld", "noord", "2022"): 2.5,
        ("woz", "noord", "2022"): 250000.0,
        ("werkloos", "amsterdam", "2022"): None,  # empty cell
        ("geweld", "amsterdam", "2022"): None,  # "x"
        ("woz", "amsterdam", "2022"): None,  # -99997
    }
    tarwewijk = obs[("werkloos", "tarwewijk", "2022")]
    assert (tarwewijk.numerator, tarwewijk.denominator) == (710.0, 5000.0)
    assert tarwewijk.source == "Partner, wijkcijfers Excel (wijkcijfers.xlsx)"
    assert tarwewijk.status == "definitief" and tarwewijk.note is None
    noord = obs[("werkloos", "noord", "2022")]
    assert (noord.numerator, noord.denominator) == (15.0, 250.0)
    assert (
        noord.note
        == "overgenomen van gebiedscode 'HAVEN', waarvan 25% in dit gebied ligt (crosswalk); een percent is niet te verdelen"
    )
    assert obs[("werkloos", "amsterdam", "2022")].note == "leeg"
    assert obs[("geweld", "zuid", "2022")].note == "geheim of niet beschikbaar (.)"
    assert obs[("woz", "amsterdam", "2022")].note == "geheim of niet beschikbaar (CBS -99997)"
    # an unknown code and the footer line are left out and counted, not errors
    assert reading.unmapped_areas == {"WK059999": 1, "Bron: partner X, maart 2023": 1}
    assert reading.unmapped_columns == ["Opmerking"]  # 'naam' is a label column


def test_a_workbook_with_years_as_columns():
    reading = read("inwoners-per-jaar.xlsx")
    assert reading.mapping == "inwoners-per-jaar-xlsx"
    assert values(reading) == {
        # header on row 2: a date cell (1-1-2021) and the text "2022-01-01"
        ("inwoners", "zuid", "2021-01-01"): 205000.0,
        ("inwoners", "zuid", "2022-01-01"): 207510.0,  # Dutch text "207.510"
        ("inwoners", "noord", "2021-01-01"): 150000.0,
        ("inwoners", "noord", "2022-01-01"): 151000.0,
        ("inwoners", "rotterdam", "2021-01-01"): 651446.0,  # GM0599
        ("inwoners", "rotterdam", "2022-01-01"): 655468.0,
        ("inwoners", "tarwewijk", "2021-01-01"): 12050.0,  # Wijkprofiel number 71, a number cell
        ("inwoners", "tarwewijk", "2022-01-01"): 12100.0,
    }


def test_formulas_count_with_the_values_excel_saved():
    reading = read("formules.xlsx")
    obs = by_key(reading)
    assert values(reading) == {
        ("werkloos", "zuid", "2022"): 12.4,  # =B2/C2*100
        ("geweld", "zuid", "2022"): 7.0,  # =3+4
        ("werkloos", "noord", "2022"): 8.5,
        ("geweld", "noord", "2022"): None,  # =IF(B3>0,"",1): an empty text
    }
    assert obs[("geweld", "noord", "2022")].note == "leeg"


def test_a_formula_without_saved_value_and_an_excel_error_are_named_by_cell():
    where = "formules-zonder-uitkomst.xlsx, werkblad 'Werkloosheid'"
    assert problems(read, "formules-zonder-uitkomst.xlsx") == [
        f"{where}, rij 2, kolom 'Werkloos %': formule '=B2/C2*100' zonder opgeslagen uitkomst; "
        "open het bestand in Excel of LibreOffice, laat het herberekenen en sla het op",
        f"{where}, rij 3, kolom 'Geweld': Excel-fout '#DIV/0!' in plaats van een getal",
        f"{where}, rij 4, kolom 'code': formule '=\"zu\"&\"id\"' zonder opgeslagen uitkomst; "
        "open het bestand in Excel of LibreOffice, laat het herberekenen en sla het op",
        f"{where}, rij 5, kolom 'code': Excel-fout '#N/A' in de cel",
    ]


def test_a_workbook_without_a_sheet_of_figures():
    assert problems(read, "geen-cijfers.xlsx") == [
        "geen-cijfers.xlsx: geen werkblad waarvan de kopregel (de eerste niet-lege rij) een "
        "kolom 'indicator' of een gebiedskolom ('area', 'code' of 'gebied') heeft; werkbladen: "
        "'Voorblad' (rij 2: 'Jaarverslag 2022', 'Partner X'); 'Leeg' (leeg)"
    ]


def test_a_damaged_workbook_is_refused():
    data = (FIXTURES / "wijkcijfers.xlsx").read_bytes()
    [message] = problems(Xlsx().read, data[:2000], "kapot.xlsx", ImportContext(PLAN))
    assert message.startswith("kapot.xlsx: geen leesbaar .xlsx-bestand (")
    # a workbook that opens, but whose sheet breaks off halfway
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body[: len(body) // 2]
            zout.writestr(item, body)
    [message] = problems(Xlsx().read, damaged.getvalue(), "half.xlsx", ImportContext(PLAN))
    assert message.startswith("half.xlsx: geen leesbaar .xlsx-bestand (")


# --- wide CSV ----------------------------------------------------------------------------


def test_a_semicolon_csv_with_years_as_columns_and_dutch_numbers():
    reading = read("werkloos-per-jaar.csv", mapping="werkloos-per-jaar")
    obs = by_key(reading)
    assert values(reading) == {
        ("werkloos", "zuid", "2019"): 13.2,  # ZUID-OUD, an old code, through the crosswalk
        ("werkloos", "zuid", "2020"): 14.1,
        ("werkloos", "zuid", "2021"): 12.9,
        ("werkloos", "tarwewijk", "2019"): 15.5,
        ("werkloos", "tarwewijk", "2020"): None,  # "."
        ("werkloos", "tarwewijk", "2021"): 14.8,
        ("werkloos", "rotterdam", "2019"): 8.9,
        ("werkloos", "rotterdam", "2020"): None,  # empty
        ("werkloos", "rotterdam", "2021"): 8.6,
        # FEIJ-NOORD is split 40/60 over Bloemhof and Hillesluis: a rate is copied to both
        ("werkloos", "bloemhof", "2019"): 16.0,
        ("werkloos", "bloemhof", "2020"): 16.4,
        ("werkloos", "bloemhof", "2021"): 15.2,
        ("werkloos", "hillesluis", "2019"): 16.0,
        ("werkloos", "hillesluis", "2020"): 16.4,
        ("werkloos", "hillesluis", "2021"): 15.2,
    }
    assert {o.status for o in reading.observations} == {"voorlopig"}  # from the mapping
    assert obs[("werkloos", "tarwewijk", "2020")].note == "geheim of niet beschikbaar (.)"
    assert obs[("werkloos", "rotterdam", "2020")].note == "leeg"
    assert obs[("werkloos", "hillesluis", "2021")].note == (
        "overgenomen van gebiedscode 'FEIJ-NOORD', waarvan 60% in dit gebied ligt (crosswalk); een percent is niet te verdelen"
    )
    assert obs[("werkloos", "zuid", "2019")].source == (
        "UWV, werkloosheid per wijk (werkloos-per-jaar.csv)"
    )
    assert reading.unmapped_areas == {"BU05990110": 1}  # Stadsdriehoek: not in this plan


def test_years_as_columns_needs_one_mapping_when_several_could_apply():
    assert problems(read, "werkloos-per-jaar.csv") == [
        "werkloos-per-jaar.csv: past bij 2 koppelingen (werkloos-per-jaar, "
        "havo-per-schooljaar) en het bestand noemt 2019, 2020, 2021, dus niet precies één "
        "koppeling waarvan de periode daarmee klopt; kies er één met --mapping"
    ]


def test_school_years_as_columns():
    text = 'gebied,2020/2021,2021/2022\nzuid,38,"39,5"\nnoord,52,51\n'
    reading = read_text(text, mapping="havo-per-schooljaar")
    assert values(reading) == {
        ("havo-vwo", "zuid", "2020/2021"): 38.0,
        ("havo-vwo", "zuid", "2021/2022"): 39.5,
        ("havo-vwo", "noord", "2020/2021"): 52.0,
        ("havo-vwo", "noord", "2021/2022"): 51.0,
    }
    wrong = "gebied,2021,2021/2022\nzuid,38,39\n"
    assert problems(read_text, wrong, mapping="havo-per-schooljaar") == [
        "partner.csv, rij 1, kolom '2021': '2021' is geen schooljaar; havo-vwo wordt per "
        "schooljaar gemeten ('2022/2023'; een los jaar alleen met een toelichting in 'note')"
    ]


def test_a_comma_csv_with_indicators_as_columns_and_a_period_column():
    reading = read("wijkcijfers.csv")
    assert reading.mapping == "wijkcijfers-csv"
    obs = by_key(reading)
    assert values(reading) == {
        ("werkloos", "tarwewijk", "2022"): 14.2,  # quoted "14,2": a Dutch decimal comma
        ("inwoners", "tarwewijk", "2022"): 12050.0,
        ("geweld", "tarwewijk", "2022"): 12.3,
        ("werkloos", "tarwewijk", "2021"): 15.1,  # same code, another period: no duplicate
        ("inwoners", "tarwewijk", "2021"): 11980.0,
        ("geweld", "tarwewijk", "2021"): 13.0,
        # FEIJ-NOORD split 40/60: the count 20000 is divided, the rates are copied
        ("werkloos", "bloemhof", "2022"): 15.0,
        ("inwoners", "bloemhof", "2022"): 8000.0,
        ("geweld", "bloemhof", "2022"): 9.5,
        ("werkloos", "hillesluis", "2022"): 15.0,
        ("inwoners", "hillesluis", "2022"): 12000.0,
        ("geweld", "hillesluis", "2022"): 9.5,
        ("werkloos", "zuid", "2022"): 12.4,
        ("inwoners", "zuid", "2022"): 207510.0,
        ("geweld", "zuid", "2022"): None,  # "x"
    }
    bloemhof = obs[("werkloos", "bloemhof", "2022")]
    assert (bloemhof.numerator, bloemhof.denominator) == (600.0, 4000.0)  # 1500, 10000 × 0.4
    assert (
        obs[("inwoners", "hillesluis", "2022")].note
        == "60% van gebiedscode 'FEIJ-NOORD' (crosswalk)"
    )
    assert obs[("geweld", "zuid", "2022")].note == "geheim (x)"
    assert reading.unmapped_areas == {"WK059999": 1}
    assert reading.unmapped_columns == ["Toelichting"]


def test_a_wide_csv_names_every_problem_by_line_and_column():
    assert problems(read, "wijkcijfers-fouten.csv") == [
        "wijkcijfers-fouten.csv, rij 3, kolom 'Werkloos': 140 is geen percentage (moet tussen 0 en 100 liggen)",
        "wijkcijfers-fouten.csv, rij 4, kolom 'Werkloos': '12.4' is geen getal in Nederlandse "
        "schrijfwijze (een punt scheidt duizendtallen, de komma is het decimaalteken: 1.234,5)",
        "wijkcijfers-fouten.csv, rij 5, kolom 'Werkloos': 'abc' is geen getal",
        "wijkcijfers-fouten.csv, rij 5, kolom 'Inwoners': -5 is negatief; een aantal kan dat niet zijn",
        "wijkcijfers-fouten.csv, rij 6, kolom 'Werklozen': teller 600 is groter dan noemer 500",
        "wijkcijfers-fouten.csv, rij 7, kolom 'periode': '2022/2023' is een schooljaar; werkloos wordt per kalenderjaar gemeten",
        "wijkcijfers-fouten.csv, rij 7, kolom 'periode': '2022/2023' is een schooljaar; geweld wordt per kalenderjaar gemeten",
        "wijkcijfers-fouten.csv, rij 8, kolom 'code': geen gebiedscode",
        "wijkcijfers-fouten.csv, rij 9, kolom 'code': dubbele rij: gebied 'zuid' staat al in rij 2",
        "wijkcijfers-fouten.csv, rij 10: meer velden dan kolommen in de kopregel",
        "wijkcijfers-fouten.csv, rij 12, kolom 'periode': leeg; geen periode",
        "wijkcijfers-fouten.csv, rij 13, kolom 'Werkloos': 'NaN' is geen getal",
    ]


def test_two_codes_for_the_same_area_are_a_duplicate():
    text = "code,periode,Inwoners\nzuid,2022,207510\nZUID-OUD,2022,207000\n"
    assert problems(read_text, text) == [
        "partner.csv, rij 3, kolom 'code': dubbele rij: gebied 'zuid' (code 'ZUID-OUD') staat "
        "al in rij 2"
    ]


def test_a_row_without_code_is_skipped_only_when_it_holds_no_figures():
    text = "code,naam,periode,Inwoners\n,Deelgemeente Charlois,,\ntarwewijk,Tarwewijk,2022,12050\n"
    assert values(read_text(text)) == {("inwoners", "tarwewijk", "2022"): 12050.0}


def test_a_count_only_partly_in_the_plan_is_weighted():
    text = "code,periode,Inwoners\nHAVEN,2022,1000\n"
    (obs,) = read_text(text).observations
    assert (obs.area, obs.value, obs.note) == (
        "noord",
        250.0,
        "25% van gebiedscode 'HAVEN' (crosswalk)",
    )


def test_header_problems_of_a_wide_csv():
    assert problems(read_text, "regio,Inwoners\nzuid,1\n") == [
        "partner.csv, rij 1: geen gebiedskolom in de kopregel; noem de kolom met gebiedscodes "
        "'area', 'code' of 'gebied'"
    ]
    assert problems(read_text, "indicator,area,period,value\nwerkloos,zuid,2022,1\n") == [
        "partner.csv, rij 1, kolom 'indicator': een kolom 'indicator' hoort bij het lange "
        "formaat; lees dit bestand met --format csv"
    ]
    assert problems(read_text, "code,Inwoners,inwoners\nzuid,1,2\n") == [
        "partner.csv, rij 1, kolom 'Inwoners': deze kolom staat meer dan eens in de kopregel"
    ]
    assert problems(read_text, "code,Inwoners\nzuid,1\n") == [
        "partner.csv, rij 1: geen periode: geef een kolom 'period', 'periode' of 'jaar', of "
        "'period' in koppeling 'wijkcijfers-csv'"
    ]
    [message] = problems(read_text, "code,Bijstand\nzuid,1\n")
    assert message.startswith(
        "partner.csv: geen koppeling ('mappings' in het plan) van formaat 'csv' noemt een kolom"
    )
    assert problems(read_text, "code,periode,Inwoners\nWK059999,2022,1\n") == [
        "partner.csv: geen enkele rij voor een gebied van het plan of crosswalk 'oude-codes'; "
        "onbekende gebiedscodes: WK059999"
    ]


def test_mapping_conventions_are_checked():
    extra = """
mappings:
  - id: jaren-en-meer
    format: csv
    name: Jaren en een kolom
    source: X
    columns: [{column: "*", indicator: geweld}, {column: Inwoners, indicator: inwoners}]
  - id: havo-2022
    format: csv
    name: Havo in een kalenderjaar
    source: X
    period: "2022"
    columns: [{column: Havo, indicator: havo-vwo}]
"""
    documents = {str(p): p.read_text(encoding="utf-8") for p in PLAN_DIR.glob("*.yaml")}
    plan = plan_from_documents({**documents, "extra.yaml": extra})

    def read_with(text: str, mapping: str) -> Reading:
        return WideCsv().read(text.encode(), "partner.csv", ImportContext(plan, mapping))

    assert problems(read_with, "code,2021\nzuid,1\n", "jaren-en-meer") == [
        "partner.csv: koppeling 'jaren-en-meer': '*' (elke jaarkolom) moet haar enige kolom zijn"
    ]
    assert problems(read_with, "code,Havo\nzuid,40\n", "havo-2022") == [
        "partner.csv, kolom 'Havo': periode '2022' uit koppeling 'havo-2022': '2022' is geen "
        "schooljaar; havo-vwo wordt per schooljaar gemeten ('2022/2023'; een los jaar alleen "
        "met een toelichting in 'note')"
    ]
    assert problems(read_with, "code,naam\nzuid,Zuid\n", "havo-per-schooljaar") == [
        "partner.csv, rij 1: koppeling 'havo-per-schooljaar' verwacht jaren als kolommen "
        "(zoals '2021' of '2021/2022'); de kopregel heeft er geen"
    ]


def test_a_mapping_to_an_indicator_the_plan_lacks():
    """A validated plan cannot hold one; a plan built otherwise still gets a message."""
    plan = PLAN.model_copy(update={"indicators": [i for i in PLAN.indicators if i.id != "geweld"]})
    text = "code,periode,Geweld\nzuid,2022,1\n"
    found = problems(WideCsv().read, text.encode(), "partner.csv", ImportContext(plan))
    assert found == [
        "partner.csv, kolom 'Geweld': koppeling 'wijkcijfers-csv' noemt onbekende indicator "
        "'geweld'"
    ]


# --- the store ---------------------------------------------------------------------------


def test_round_trip_through_the_store(store):
    store.save_plan(PLAN)
    for name in ("wijkcijfers.xlsx", "lang.xlsx", "werkloos-per-jaar.csv"):
        mapping = "werkloos-per-jaar" if name.endswith(".csv") else None
        source = source_for(name)
        data = (FIXTURES / name).read_bytes()
        reading = source.read(data, name, ImportContext(store.plan("p"), mapping))
        batch = store.import_observations(
            "p",
            reading.observations,
            source_name=name,
            checksum=hashlib.sha256(data).hexdigest(),
            format=source.format,
        )
        assert batch.rows == len(reading.observations)
    stored = {(o.indicator, o.area, o.period): o for o in store.observations("p")}
    assert stored[("woz", "tarwewijk", "2022")].value == 23700.0
    noord = stored[("werkloos", "noord", "2022")]  # wijkcijfers.xlsx (HAVEN), then lang.xlsx
    assert (noord.value, noord.numerator, noord.denominator) == (8.5, 1020.0, 12000.0)
    assert noord.revision == 2 and noord.source == "lang.xlsx"
    secret = stored[("geweld", "amsterdam", "2022")]
    assert (secret.value, secret.note) == (None, "geheim (x)")
    assert stored[("havo-vwo", "zuid", "2021/2022")].value == 40.3
    assert stored[("inwoners", "zuid", "2022-01-01")].value == 207510.0
    hillesluis = stored[("werkloos", "hillesluis", "2021")]
    assert (hillesluis.value, hillesluis.status) == (15.2, "voorlopig")
    # lang.xlsx came later and says the WOZ of Zuid is secret: that is the current figure
    woz = stored[("woz", "zuid", "2022")]
    assert (woz.value, woz.note, woz.revision) == (
        None,
        "geheim of niet beschikbaar (CBS -99997)",
        2,
    )
    # 15 + 7 + 15 observations; werkloos zuid and noord, geweld zuid and woz zuid (all
    # 2022) are in both workbooks
    assert len(stored) == 15 + 7 + 15 - 4
    assert [b.format for b in store.batches("p")] == ["xlsx", "xlsx", "csv-wide"]


# --- the real files ----------------------------------------------------------------------

needs_external = pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason="shared/data/external is not present"
)


@needs_external
def test_the_real_wijkprofiel_csv_as_a_partner_would_send_it():
    """The Wijkprofiel 2016 veiligheidsindex, its area-number column named 'code' (the
    file itself calls it 'wijknr'), read with the plan's crosswalk of Wijkprofiel numbers."""
    path = WIJKPROFIEL / "wijkprofiel_2016_VI.csv"
    data = path.read_bytes().replace(b"gebied,wijknr,naam,", b"gebied,code,naam,", 1)
    reading = WideCsv().read(data, path.name, ImportContext(PLAN))
    assert reading.mapping == "wijkprofiel-vi-2016"
    got = {k: round(v, 4) for k, v in values(reading).items() if v is not None}
    assert got == {
        ("vi", "tarwewijk", "2016"): 83.5435,  # 71 Tarwewijk
        ("vis", "tarwewijk", "2016"): 71.969,
        ("vio", "tarwewijk", "2016"): 95.1181,
        ("vi", "bloemhof", "2016"): 75.5064,  # 81
        ("vis", "bloemhof", "2016"): 61.1687,
        ("vio", "bloemhof", "2016"): 89.8441,
        ("vi", "hillesluis", "2016"): 82.4651,  # 82
        ("vis", "hillesluis", "2016"): 73.4714,
        ("vio", "hillesluis", "2016"): 91.4587,
        ("vi", "gebied-charlois", "2016"): 84.3478,  # 4009, the former deelgemeente
        ("vis", "gebied-charlois", "2016"): 76.7345,
        ("vio", "gebied-charlois", "2016"): 91.9611,
        ("vi", "gebied-feijenoord", "2016"): 85.6133,  # 4007
        ("vis", "gebied-feijenoord", "2016"): 78.6486,
        ("vio", "gebied-feijenoord", "2016"): 92.578,
        ("vi", "gebied-ijsselmonde", "2016"): 97.0333,  # 4008
        ("vis", "gebied-ijsselmonde", "2016"): 87.0737,
        ("vio", "gebied-ijsselmonde", "2016"): 106.9928,
        ("vi", "rotterdam", "2016"): 101.7488,  # 5000; SOURCES.md: Rotterdam VI 2016 = 101.7
        ("vis", "rotterdam", "2016"): 98.8042,
        ("vio", "rotterdam", "2016"): 104.6935,
    }
    # the publisher's own rule holds in every row imported: VI = (VIs + VIo) / 2
    for area in {o.area for o in reading.observations}:
        vi, vis, vio = (values(reading)[(i, area, "2016")] for i in ("vi", "vis", "vio"))
        assert vi == pytest.approx((vis + vio) / 2, abs=1e-9)
    assert len(reading.unmapped_areas) == 86 - 7  # the rest of Rotterdam's 86 rows
    assert reading.unmapped_areas["1009"] == 1  # Groot IJsselmonde-Noord: no crosswalk entry
    assert len(reading.unmapped_columns) == 65  # the sub-indicators VIs1 … no mapping names
    assert reading.unmapped_columns[:3] == ["VIs6", "VIs1", "VIs2"]


@needs_external
def test_the_real_wijkprofiel_csv_unchanged_is_refused_not_misread():
    """As published, the file's only area-like column is 'gebied': the former deelgemeente,
    the same on every row of its wijken. Read as a partner's table, every wijk row after the
    first of its deelgemeente collides with it, so nothing is imported (the Wijkprofiel
    importer reads 'wijknr')."""
    path = WIJKPROFIEL / "wijkprofiel_2016_VI.csv"
    assert WideCsv().sniff(path.read_bytes(), path.name)  # it does look like a wide CSV
    found = problems(WideCsv().read, path.read_bytes(), path.name, ImportContext(PLAN))
    assert found[0] == (
        "wijkprofiel_2016_VI.csv, rij 3, kolom 'gebied': dubbele rij: gebied "
        "'gebied-charlois' (code 'Charlois') staat al in rij 2"
    )
    # Charlois 10 rows (9 wijken + total), Feijenoord 10, IJsselmonde 6
    assert len(found) == 9 + 9 + 5


@needs_external
@pytest.mark.parametrize(
    "name", ["wijkprofiel_2014_2016_datastructuur.xls", "wijkprofiel_context_2015.xls"]
)
def test_the_real_legacy_xls_workbooks_are_refused_with_advice(name):
    data = (WIJKPROFIEL / name).read_bytes()
    assert not Xlsx().sniff(data, name)
    assert problems(Xlsx().read, data, name, ImportContext(PLAN)) == [
        f"{name}: dit is een Excel 97-2003-bestand (.xls); open het in Excel of LibreOffice "
        "en sla het op als Excel-werkmap (.xlsx)"
    ]


@needs_external
def test_the_real_cbs_tables_are_not_taken_for_partner_tables():
    for path in sorted((EXTERNAL / "cbs_kwb").glob("*.csv")):
        assert not WideCsv().sniff(path.read_bytes(), path.name), path.name


def test_every_sheet_of_a_workbook_is_read():
    reading = read("inwoners-per-blad.xlsx", mapping="inwoners-per-blad")
    assert values(reading) == {
        ("inwoners", "zuid", "2021-01-01"): 205000.0,
        ("inwoners", "noord", "2021-01-01"): 150000.0,
        ("inwoners", "zuid", "2022-01-01"): 207510.0,
    }
    with pytest.raises(SourceError) as caught:
        read("inwoners-per-blad-dubbel.xlsx", mapping="inwoners-per-blad")
    assert [str(i) for i in caught.value.issues] == [
        "inwoners-per-blad-dubbel.xlsx, werkblad '2022': inwoners zuid 2021-01-01 staat ook op "
        "werkblad '2021'"
    ]
