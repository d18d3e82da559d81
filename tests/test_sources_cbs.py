"""The CBS importer on the real KWB and Wijk- en Buurtkaart files in shared/data/external and
on small hand-made files (tests/fixtures/cbs) for every branch.

The plan is tests/fixtures/cbs/plan: Rotterdam with its 21 wijken and 91 buurten of 2024
(wijk = group of its buurten, city = group of its wijken), the G4 and NL, a few KWB
indicators, the mappings of format ``cbs`` and a crosswalk from the 2017 codes to 2024.

Hand-checked numbers (plain csv/json reads of the files, outside koers):
* 2024 inhabitants: GM0599 670,610; its 21 wijken 670,595; its 91 buurten 670,585.
* 2017 age groups: GM0599 634,660; the 22 wijken 634,680; the 92 buurten 634,670, of which
  275 (65+ in BU05990836) sit in the JSON under the misspelled key ``k_65JaarrOfOude_12``.
* CBS rounds persons to 5, so a published total may differ from its n members by 5 × n;
  integer rates and percentages by 1 (0.5 for the group + at most 0.5 from its members).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from koers.areas import compare_with_members, derive_value
from koers.areas.consistency import Comparison
from koers.areas.graph import AreaGraph
from koers.areas.values import Observation
from koers.plan import load_plan
from koers.sources import SOURCES, SourceError, import_file, publisher_mismatches
from koers.sources.base import ImportContext, Reading
from koers.sources.cbs import CbsReading, CbsSource, parse_cbs_number

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "cbs"
PLAN = load_plan(FIXTURES / "plan")
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"
KWB = EXTERNAL / "cbs_kwb"
real = pytest.mark.skipif(not EXTERNAL.is_dir(), reason="shared/data/external is not here")

WBK_2024 = (
    "cbs_wbk_2024_rotterdam_buurten.csv",
    "cbs_wbk_2024_rotterdam_wijken.csv",
    "cbs_wbk_2024_g4_gemeenten.csv",
)
AGES = ("inwoners-0-14", "inwoners-15-24", "inwoners-25-44", "inwoners-45-64", "inwoners-65-plus")


def read(path: Path, mapping: str | None = None) -> CbsReading:
    reading = CbsSource().read(path.read_bytes(), path.name, ImportContext(PLAN, mapping))
    assert isinstance(reading, CbsReading)
    return reading


def problems(path: Path, mapping: str | None = None) -> list[str]:
    with pytest.raises(SourceError) as caught:
        read(path, mapping)
    return [str(issue) for issue in caught.value.issues]


def values(observations: list[Observation]) -> dict[tuple[str, str, str], float | None]:
    return {(o.indicator, o.area, o.period): o.value for o in observations}


def total(observations: list[Observation], indicators: tuple[str, ...], prefix: str) -> float:
    return sum(
        o.value or 0.0
        for o in observations
        if o.indicator in indicators and o.area.startswith(prefix)
    )


def within_rounding(comparison: Comparison) -> bool:
    if comparison.indicator in ("inwoners", *AGES):
        return comparison.agrees(5 * len(comparison.members))
    return comparison.agrees(1.0)


@pytest.fixture
def with_cbs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``import_file`` knows the format (registering it in SOURCES is not this module's job)."""
    monkeypatch.setitem(SOURCES, "cbs", CbsSource())


# -- the real files ----------------------------------------------------------------------------


@real
def test_2024_buurten_add_up_to_their_wijken_and_the_wijken_to_rotterdam(store, with_cbs):
    store.save_plan(PLAN)
    rows = []
    for name in WBK_2024:
        outcome = import_file(store, KWB / name)  # --format auto finds CBS by its header
        assert outcome.format == "cbs"
        rows.append(outcome.batch.added)
    assert rows == [91 * 3, 21 * 3, 4 * 3]
    stored = store.observations("cbs-test")
    inhabitants = {o.area: o.value for o in stored if o.indicator == "inwoners"}
    assert inhabitants["rotterdam"] == 670_610
    assert total(stored, ("inwoners",), "wk") == 670_595
    assert total(stored, ("inwoners",), "bu") == 670_585
    assert (inhabitants["amsterdam"], inhabitants["den-haag"], inhabitants["utrecht"]) == (
        931_298,
        566_221,
        374_238,
    )

    counts = {c.area: c for c in compare_with_members(PLAN, stored, indicator="inwoners")}
    assert len(counts) == 22  # Rotterdam and its 21 wijken
    city = counts["rotterdam"]
    assert (city.published, city.derived, len(city.members)) == (670_610, 670_595, 21)
    assert all(within_rounding(c) for c in counts.values())
    differing = {a: c.difference for a, c in counts.items() if c.difference}
    assert differing == {
        "rotterdam": 15,
        "wk059903": 5,  # Delfshaven 77,250 against 77,245 from 9 buurten
        "wk059904": 10,
        "wk059910": -5,
        "wk059913": -5,
        "wk059916": 5,
        "wk059923": -5,
        "wk059924": 5,  # Rotterdam-Noord-West: 5 inhabitants, its one buurt 0
    }

    # The G4 is not in the files: koers derives it from the four cities.
    graph = AreaGraph(PLAN.areas)
    lookup = {(o.indicator, o.area, o.period): o for o in stored}
    g4 = derive_value(
        PLAN.indicator("inwoners"),
        "g4",
        "2024",
        2024,
        graph,
        lambda i, a, p: lookup.get((i, a, p)),
        PLAN.indicator,
    )
    assert (g4.value, g4.missing) == (931_298 + 670_610 + 566_221 + 374_238, ())

    source = {o.source for o in stored if o.area == "bu05991081"}
    assert source == {"CBS, Wijk- en Buurtkaart 2024 (cbs_wbk_2024_rotterdam_buurten.csv)"}
    assert {o.status for o in stored} == {"definitief"}
    again = import_file(store, KWB / WBK_2024[0])
    assert again.duplicate_of is not None and len(store.batches("cbs-test")) == 3


@real
def test_a_wijk_rate_recomputed_from_its_buurten_matches_the_published_rate():
    """65+ share: weighted mean of the buurten's integer percentages by their inhabitants.
    Births per 1,000: numerator (geboorte_totaal) and denominator (aantal_inwoners) summed
    over the buurten. Both are published as whole numbers: a wijk may differ by 0.5 from
    its own rounding plus at most 0.5 from its buurten's (counts rounded to 5 weigh little
    in a wijk of thousands), so the tolerance is 1."""
    observations = [o for name in WBK_2024[:2] for o in read(KWB / name).observations]
    population = {o.area: o.value or 0 for o in observations if o.indicator == "inwoners"}
    share = {
        c.area: c for c in compare_with_members(PLAN, observations, indicator="percentage-65-plus")
    }
    births = {
        c.area: c for c in compare_with_members(PLAN, observations, indicator="geboorten-per-1000")
    }

    feijenoord = share["wk059910"]
    assert feijenoord.published == 13
    assert feijenoord.derived == pytest.approx(13.583, abs=0.001)  # by hand: 1,079,120 / 79,445
    assert births["wk059910"].published == 12
    assert births["wk059910"].derived == pytest.approx(930 / 79_445 * 1000)  # 11.706
    bloemhof = next(
        o for o in observations if o.area == "bu05991081" and o.indicator == "geboorten-per-1000"
    )
    assert (bloemhof.value, bloemhof.numerator, bloemhof.denominator) == (12, 165, 13_930)

    # Wijken with any suppressed buurt (-99997) are not compared: 15 of 21 have all figures.
    assert len(share) == 15 and "wk059927" not in share  # Rozenburg: Noordzeeweg suppressed
    assert all(within_rounding(c) for c in share.values())
    large = [c for area, c in births.items() if population[area] >= 1000]
    assert len(large) == 15 and all(within_rounding(c) for c in large)
    # In wijken of a few dozen people CBS's rate (from unrounded counts) and the rounded
    # counts part ways: reported, not hidden.
    tiny = {
        a: (c.published, round(c.derived, 1)) for a, c in births.items() if not within_rounding(c)
    }
    assert tiny == {"wk059918": (14, 71.4), "wk059921": (29, 0.0)}
    flagged = publisher_mismatches(PLAN, Reading(observations))
    assert [(c.indicator, c.area) for c in flagged] == [
        ("geboorten-per-1000", "wk059918"),
        ("geboorten-per-1000", "wk059921"),
    ]


@real
def test_the_g4_water_rows_are_skipped_not_taken_for_duplicates():
    reading = read(KWB / "cbs_wbk_2024_g4_gemeenten.csv")
    assert reading.water_rows == 3  # Amsterdam, Den Haag, Rotterdam; Utrecht has none
    assert values(reading.observations)[("percentage-65-plus", "rotterdam", "2024")] == 16
    assert values(reading.observations)[("inwoners", "den-haag", "2024")] == 566_221
    assert (
        "3 rij(en) voor het waterdeel van een gemeente (water = JA) overgeslagen"
        in reading.report()
    )


@real
def test_2017_odata_extract_cbs_disagrees_with_itself_within_rounding():
    reading = read(KWB / "cbs_kwb_2017_rotterdam_odata_extract.json", "cbs-kwb-2017")
    assert reading.mapping == "cbs-kwb-2017"
    observations = reading.observations
    # 115 rows; two 2017 codes merge into 2024 areas (113 areas) × 8 columns, less the one
    # 65+ figure the JSON keeps under a misspelled key.
    assert len(observations) == 113 * 8 - 1
    assert total(observations, AGES, "rotterdam") == 634_660
    assert total(observations, AGES, "wk") == 634_680
    assert total(observations, AGES, "bu") == 634_670 - 275
    assert reading.incomplete == {"k_65JaarOfOuder_12": ["BU05990836"]}
    assert "k_65JaarrOfOude_12" in reading.unmapped_columns
    assert (
        "kolom 'k_65JaarOfOuder_12' ontbreekt in 1 rij(en) (BU05990836) "
        "(bedoelde u: k_65JaarrOfOude_12?); daar is die waarde niet geïmporteerd"
    ) in reading.report()

    comparisons = compare_with_members(PLAN, observations)
    city = [c for c in comparisons if c.area == "rotterdam"]
    assert [(c.indicator, c.difference) for c in city] == [
        ("inwoners-0-14", 5),
        ("inwoners-15-24", -5),
        ("inwoners-25-44", -10),
        ("inwoners-45-64", -5),
        ("inwoners-65-plus", -5),
    ]
    assert sum(c.published for c in city) == 634_660
    assert sum(c.derived for c in city) == 634_680
    # The publisher disagrees with itself (no zero-tolerance agreement) ...
    assert not all(c.agrees(0) for c in city)
    wijken = [c for c in comparisons if c.area != "rotterdam"]
    assert len(wijken) == 21 * 5 - 1  # Kralingen-Crooswijk 65+ lacks BU05990836
    assert sum(1 for c in wijken if not c.agrees(0)) == 27
    # ... but only within its rounding to 5 per member.
    assert all(within_rounding(c) for c in comparisons)
    assert max(abs(c.difference) for c in wijken) == 5
    assert publisher_mismatches(PLAN, reading) == []  # nothing beyond rounding to warn about


@real
def test_2017_selection_csv_has_the_moved_65_plus_figure():
    reading = read(KWB / "cbs_kwb_2017_rotterdam_selection.csv", "cbs-kwb-2017")
    observations = reading.observations
    assert len(observations) == 113 * 8
    assert total(observations, AGES, "bu") == 634_670
    assert values(observations)[("inwoners-65-plus", "bu05990836", "2017")] == 275
    assert reading.incomplete == {}


@real
def test_2017_values_income_times_1000_and_suppression():
    observations = read(
        KWB / "cbs_kwb_2017_rotterdam_odata_extract.json", "cbs-kwb-2017"
    ).observations
    found = values(observations)
    assert found[("inkomen-per-inwoner", "rotterdam", "2017")] == 23_700  # "    23.7"
    assert found[("inkomen-per-inwoner", "bu05991571", "2017")] == 16_600  # Tarwewijk
    assert found[("koopwoningen", "bu05991571", "2017")] == 27
    assert found[("geweld-per-1000", "bu05991571", "2017")] == 12
    missing = Counter((o.indicator, o.note) for o in observations if o.value is None)
    # 23 "." incomes in the file; 2 of them belong to codes merged into a valued 2024 area
    assert missing == {
        ("inkomen-per-inwoner", "geheim of niet beschikbaar (.)"): 21,
        ("koopwoningen", "geheim of niet beschikbaar (.)"): 18,
        ("geweld-per-1000", "geheim of niet beschikbaar (.)"): 11,
        ("geweld-per-1000", "leeg"): 6,
    }


@real
def test_2017_codes_land_on_2024_areas_through_the_crosswalk():
    path = KWB / "cbs_kwb_2017_rotterdam_odata_extract.json"
    without = read(path, mapping="cbs-kwb-2017-zonder-crosswalk")
    assert without.unmapped_areas == Counter({"BU05992650": 1, "WK059926": 1})
    assert without.report()[0] == (
        "2 gebiedscodes niet in het plan of een crosswalk, overgeslagen: BU05992650, WK059926"
    )
    assert len(without.observations) == 113 * 8 - 1

    # The two mappings name the same columns and the same year: the file cannot choose.
    with pytest.raises(SourceError) as caught:
        read(path)
    assert [str(issue) for issue in caught.value.issues] == [
        "cbs_kwb_2017_rotterdam_odata_extract.json: past bij 2 koppelingen (cbs-kwb-2017, "
        "cbs-kwb-2017-zonder-crosswalk) en het bestand noemt zelf geen periode, dus niet "
        "precies één koppeling waarvan de periode daarmee klopt; kies er één met --mapping"
    ]
    crossed = read(path, mapping="cbs-kwb-2017")
    assert crossed.unmapped_areas == Counter()
    schieveen = {o.indicator: o for o in crossed.observations if o.area == "bu05990454"}
    assert schieveen["inwoners-45-64"].value == 105  # 105 + 0 of Bedrijventerrein Schieveen
    assert schieveen["inwoners-45-64"].note == (
        "samengevoegd uit BU05990454 en BU05992650 (crosswalk cbs-2017-2024)"
    )
    assert schieveen["inkomen-per-inwoner"].value == 30_400
    assert schieveen["inkomen-per-inwoner"].note == (
        "samengevoegd uit BU05990454 en BU05992650 (crosswalk cbs-2017-2024); alleen "
        "BU05990454 geeft een waarde (BU05992650: geheim of niet beschikbaar (.))"
    )
    overschie = {o.indicator: o for o in crossed.observations if o.area == "wk059904"}
    assert overschie["inwoners-0-14"].note == (
        "samengevoegd uit WK059904 en WK059926 (crosswalk cbs-2017-2024)"
    )


@real
@pytest.mark.parametrize(
    ("name", "year", "inhabitants", "low_income", "income", "births"),
    [
        ("cbs_kwb_2017_nl_amsterdam.csv", "2017", 844_947, 13.7, 28_900, (12, 10_857)),
        ("cbs_kwb_2019_nl_amsterdam.csv", "2019", 862_965, 12.8, 31_300, (12, 10_588)),
    ],
)
def test_r_mangled_statline_export(name, year, inhabitants, low_income, income, births):
    reading = read(KWB / name)
    assert reading.mapping == "cbs-kwb-statline-r"
    found = {(o.indicator, o.area): o for o in reading.observations}
    assert found["inwoners", "amsterdam"].value == inhabitants
    assert found["laag-inkomen", "amsterdam"].value == low_income  # 2019 writes "12,8"
    assert found["inkomen-per-inwoner", "amsterdam"].value == income  # "31,3" × 1000
    rate = found["geboorten-per-1000", "amsterdam"]
    assert (rate.value, rate.numerator, rate.denominator) == (*births, inhabitants)
    assert {o.period for o in reading.observations} == {year}
    assert found["inwoners", "nl"].value == {"2017": 17_081_507, "2019": 17_282_163}[year]
    assert reading.unmapped_areas == Counter()


# -- hand-made files ----------------------------------------------------------------------------


def test_every_suppression_mark_becomes_missing_with_its_reason():
    reading = read(FIXTURES / "onderdrukt.csv")
    notes = {
        o.area: (o.value, o.note) for o in reading.observations if o.indicator == "laag-inkomen"
    }
    assert notes == {
        "bu05991570": (None, "geheim of niet beschikbaar (.)"),
        "bu05991571": (None, "leeg"),
        "bu05991572": (None, "geheim (x)"),
        "bu05991573": (None, "nihil of niet van toepassing (-)"),
        "bu05991574": (None, "niet beschikbaar (NA)"),
        "bu05991575": (None, "geheim of niet beschikbaar (CBS -99997)"),
        "bu05991576": (None, "niet van toepassing (CBS -99995)"),
        "bu05991577": (None, "niet van toepassing (CBS -99996)"),
        "bu05991578": (None, "onbekend (CBS -99999)"),
        "bu05991593": (None, "geheim of niet beschikbaar (CBS -99997)"),  # written -99997.0
        "bu05991081": (12.5, None),  # "12,5" in a comma file
    }
    bloemhof = values(reading.observations)[("inwoners", "bu05991081", "2022")]
    assert bloemhof is None  # a suppressed count is missing, never 0
    assert {o.status for o in reading.observations} == {"voorlopig"}  # the mapping's status


def test_suppressed_values_are_stored_as_missing_with_their_reason(store, with_cbs):
    store.save_plan(PLAN)
    outcome = import_file(store, FIXTURES / "onderdrukt.csv", format="cbs")
    assert (outcome.batch.rows, outcome.mismatches) == (22, ())
    stored = {(o.indicator, o.area): o for o in store.observations("cbs-test")}
    secret = stored["laag-inkomen", "bu05991575"]
    assert (secret.value, secret.note, secret.status) == (
        None,
        "geheim of niet beschikbaar (CBS -99997)",
        "voorlopig",
    )
    assert stored["inwoners", "bu05991081"].value is None
    assert stored["laag-inkomen", "bu05991081"].value == 12.5


def test_odata_v3_list_with_periods_numbers_nulls_and_titles():
    reading = read(FIXTURES / "odata_v3_lijst.json")
    found = {(o.indicator, o.area, o.period): o for o in reading.observations}
    assert found["inwoners", "rotterdam", "2017"].value == 634_660  # "  634660"
    assert found["inwoners", "rotterdam", "2018"].value == 638_712  # a JSON number
    assert found["inkomen-per-inwoner", "rotterdam", "2017"].value == 23_700
    assert found["inkomen-per-inwoner", "rotterdam", "2018"].value == 24_600
    bloemhof = found["inkomen-per-inwoner", "bu05991081", "2017"]
    assert (bloemhof.value, bloemhof.note) == (None, "leeg")  # JSON null
    rate = found["geboorten-per-1000", "bu05991081", "2017"]
    assert (rate.value, rate.numerator, rate.denominator) == (15, 205, 13_950)
    assert rate.source == "CBS, testbestand (odata_v3_lijst.json)"
    assert reading.unmapped_columns == ["Mannen_6"]
    assert "niet gekoppeld: Mannen_6 (Mannen [aantal])" in reading.report()


def test_v4_csv_with_semicolons_padding_and_dutch_decimals():
    found = values(read(FIXTURES / "kwb_v4_puntkomma.csv").observations)
    assert found == {
        ("inwoners", "rotterdam", "2019"): 644_618,
        ("laag-inkomen", "rotterdam", "2019"): 14.9,
        ("inkomen-per-inwoner", "rotterdam", "2019"): 24_600,
        ("inwoners", "wk059915", "2019"): 68_995,
        ("laag-inkomen", "wk059915", "2019"): 20.7,
        ("inkomen-per-inwoner", "wk059915", "2019"): 19_100,
        ("inwoners", "bu05991571", "2019"): 12_070,
        ("laag-inkomen", "bu05991571", "2019"): None,
        ("inkomen-per-inwoner", "bu05991571", "2019"): 16_200,
    }


def test_bad_rows_are_all_named_and_nothing_is_read():
    assert problems(FIXTURES / "fouten.csv") == [
        "fouten.csv, rij 2, kolom 'GeboorteTotaal_24': teller 500 is groter dan noemer 400",
        "fouten.csv, rij 3, kolom 'HuishoudensMetEenLaagInkomen_78': 140.5 is geen percentage (moet tussen 0 en 100 liggen)",
        "fouten.csv, rij 4, kolom 'WijkenEnBuurten': dubbele rij: gebied BU05991081, periode 2022 staat al in rij 2",
        "fouten.csv, rij 5, kolom 'AantalInwoners_5': 'abc' is geen getal",
        "fouten.csv, rij 6, kolom 'AantalInwoners_5': -5 is negatief; een count kan dat niet zijn",
        "fouten.csv, rij 6, kolom 'GeboorteTotaal_24': teller 90 is groter dan noemer -5",
        "fouten.csv, rij 6, kolom 'AantalInwoners_5': teller en noemer mogen niet negatief zijn",
        "fouten.csv, rij 7, kolom 'Perioden': periode '2022KW01' is geen jaar; van CBS worden alleen jaarcijfers (JJ00) gelezen",
        "fouten.csv, rij 8, kolom 'WijkenEnBuurten': geen gebiedscode",
    ]


def test_unknown_columns_and_regions_are_reported_not_errors():
    reading = read(FIXTURES / "onbekend.csv")
    assert values(reading.observations) == {
        ("inwoners", "rotterdam", "2023"): 664_311,
        ("inwoners", "bu05991081", "2023"): 13_890,
    }
    assert reading.unmapped_areas == Counter({"GM0014": 1, "BU05999999": 1})
    assert reading.unmapped_columns == ["Bevolkingsdichtheid_33"]
    report = reading.report()
    assert report[:3] == [
        "2 gebiedscodes niet in het plan of een crosswalk, overgeslagen: BU05999999, GM0014",
        "1 kolommen zonder koppeling aan een indicator, overgeslagen",
        "niet gekoppeld: Bevolkingsdichtheid_33",
    ]
    assert (
        "kolom 'HuishoudensMetEenLaagInkomen_78' uit koppeling cbs-test staat niet in het "
        "bestand; laag-inkomen niet geïmporteerd"
    ) in report


def test_water_rows_are_skipped():
    reading = read(FIXTURES / "water.csv")
    assert values(reading.observations) == {
        ("inwoners", "amsterdam", "2024"): 931_298,
        ("percentage-65-plus", "amsterdam", "2024"): 14,
        ("inwoners", "rotterdam", "2024"): 670_610,
        ("percentage-65-plus", "rotterdam", "2024"): 16,
    }
    assert reading.water_rows == 2


def test_a_crosswalk_splits_and_merges():
    found = {(o.indicator, o.area): o for o in read(FIXTURES / "crosswalk.csv").observations}
    # BU05991500 split 0.75 / 0.25: counts shared out, rates copied with a note
    assert found["inwoners", "bu05991573"].value == 750
    assert found["inwoners", "bu05991578"].value == 250
    assert found["inwoners", "bu05991578"].note == "25% van gebiedscode 'BU05991500' (crosswalk)"
    zuidwijk = found["geboorten-per-1000", "bu05991573"]
    assert (zuidwijk.value, zuidwijk.numerator, zuidwijk.denominator) == (12, 9, 750)
    assert found["laag-inkomen", "bu05991578"].value == 20.5
    assert found["laag-inkomen", "bu05991578"].note == (
        "overgenomen van gebiedscode 'BU05991500', waarvan 25% in dit gebied ligt (crosswalk); "
        "een percent is niet te verdelen"
    )
    # BU05991501 merged into Bloemhof: counts add up, a rate is recomputed from its parts
    assert found["inwoners", "bu05991081"].value == 14_600
    rate = found["geboorten-per-1000", "bu05991081"]
    assert (rate.numerator, rate.denominator) == (216, 14_600)
    assert rate.value == pytest.approx(216 / 14_600 * 1000)
    assert rate.note == (
        "samengevoegd uit BU05991081 en BU05991501 (crosswalk test-crosswalk); "
        "herberekend uit teller en noemer"
    )
    assert found["laag-inkomen", "bu05991081"].value == 21.0  # the other part is "."


def test_a_merged_count_with_a_suppressed_part_is_missing():
    data = b"RegioS,Perioden,AantalInwoners_5\nBU05991081,2016JJ00,14000\nBU05991501,2016JJ00,.\n"
    (merged,) = CbsSource().read(data, "m.csv", ImportContext(PLAN)).observations
    assert (merged.area, merged.value) == ("bu05991081", None)
    assert merged.note == (
        "samengevoegd uit BU05991081 en BU05991501 (crosswalk test-crosswalk); "
        "niet op te tellen: BU05991501: geheim of niet beschikbaar (.)"
    )


def test_two_rates_merged_without_numerators_is_an_error():
    assert problems(FIXTURES / "samenvoegen_fout.csv") == [
        "samenvoegen_fout.csv, rij 3, kolom 'HuishoudensMetEenLaagInkomen_78': BU05991081 en "
        "BU05991501 komen samen in gebied bu05991081 (crosswalk test-crosswalk); een percent "
        "is niet op te tellen: geef teller en noemer in de koppeling, of laat de crosswalk de "
        "codes niet samenvoegen"
    ]


def test_periods_must_be_known_and_agree():
    assert problems(FIXTURES / "geen_periode.csv") == [
        "geen_periode.csv: het bestand noemt geen periode (kolom Perioden of jaar) en "
        "koppeling cbs-test geeft geen 'period'"
    ]
    assert problems(FIXTURES / "kwb2017_verkeerd_jaar.json", "cbs-kwb-2017") == [
        "kwb2017_verkeerd_jaar.json, rij 1, kolom 'Perioden': het bestand zegt 2018, "
        "koppeling cbs-kwb-2017 zegt periode 2017"
    ]
    assert problems(FIXTURES / "schooljaar.csv") == [
        "schooljaar.csv, rij 2, kolom 'LeerlingenVo_99': '2023' is geen schooljaar; "
        "leerlingen-vo wordt per schooljaar gemeten ('2022/2023'; een los jaar alleen met een "
        "toelichting in 'note')"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{ kapot",
            "bestand.json: geen geldige JSON: Expecting property name enclosed in double quotes (regel 1)",
        ),
        (
            '{"rows": []}',
            "bestand.json: geen CBS OData-bestand: de rijen horen onder 'value' te staan",
        ),
        ('{"value": 3}', "bestand.json: 'value' is geen lijst of object met rijen"),
        ('{"value": [1]}', "bestand.json, rij 1: deze rij is geen object met kolommen"),
        ('{"value": []}', "bestand.json: het bestand bevat geen rijen"),
        (
            '{"value": [{"Codes": "GM0599", "AantalInwoners_5": "1"}]}',
            "bestand.json: geen kolom met CBS-gebiedscodes (WijkenEnBuurten, RegioS, "
            "Regioaanduiding.Codering..code., Codering_3, buurtcode, wijkcode, gemeentecode)",
        ),
        (
            '{"value": [{"RegioS": "GM0599", "Mannen_6": "1"}]}',
            "bestand.json: geen koppeling ('mappings' in het plan) van formaat 'cbs' noemt een "
            "kolom van dit bestand; koppelingen in het plan: cbs-wbk-2024, cbs-kwb-2017, "
            "cbs-kwb-2017-zonder-crosswalk, cbs-kwb-statline-r, cbs-test",
        ),
        (
            '{"value": [{"RegioS": "GM0599", "Perioden": "2020JJ00", "AantalInwoners_5": NaN}]}',
            "bestand.json, rij 1, kolom 'AantalInwoners_5': 'nan' is geen getal",
        ),
        (
            '{"value": [{"RegioS": "GM0599", "Perioden": "2020JJ00", "AantalInwoners_5": "1"},'
            ' {"RegioS": "rotterdam", "Perioden": "2020JJ00", "AantalInwoners_5": "1"}]}',
            "bestand.json, rij 2, kolom 'AantalInwoners_5': de codes GM0599 en rotterdam "
            "staan allebei voor gebied rotterdam",
        ),
        (
            '{"value": [{"RegioS": "GM0014", "Perioden": "2020JJ00", "AantalInwoners_5": "1"}]}',
            "bestand.json: geen enkele gebiedscode van het bestand staat in het plan of in "
            "crosswalk test-crosswalk: GM0014",
        ),
    ],
)
def test_files_that_are_not_cbs_tables(text, message):
    with pytest.raises(SourceError) as caught:
        CbsSource().read(text.encode(), "bestand.json", ImportContext(PLAN))
    assert [str(i) for i in caught.value.issues] == [message]


def test_a_ragged_csv_row_is_an_error():
    data = b"RegioS,Perioden,AantalInwoners_5\nGM0599,2020JJ00,1,2\nGM0363,2020JJ00\n"
    with pytest.raises(SourceError) as caught:
        CbsSource().read(data, "r.csv", ImportContext(PLAN))
    assert [str(i) for i in caught.value.issues] == [
        "r.csv, rij 2: meer velden (4) dan kolommen in de kopregel (3)",
        "r.csv, rij 3: minder velden (2) dan kolommen in de kopregel (3)",
    ]


def test_a_mapping_that_names_one_indicator_twice_is_refused():
    from koers.plan import plan_from_documents

    document = (
        (FIXTURES / "plan" / "plan.yaml")
        .read_text(encoding="utf-8")
        .replace("indicator: leerlingen-vo", "indicator: inwoners")
    )
    areas = (FIXTURES / "plan" / "areas-rotterdam-2024.yaml").read_text(encoding="utf-8")
    plan = plan_from_documents({"plan.yaml": document, "areas.yaml": areas})
    data = (FIXTURES / "onbekend.csv").read_bytes()
    with pytest.raises(SourceError) as caught:
        CbsSource().read(data, "onbekend.csv", ImportContext(plan))
    assert [str(i) for i in caught.value.issues] == [
        "onbekend.csv, kolom 'LeerlingenVo_99': koppeling cbs-test: kolommen "
        "'AantalInwoners_5' en 'LeerlingenVo_99' geven allebei inwoners"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cbs_kwb_2017_rotterdam_odata_extract.json", True),
        ("cbs_wbk_2024_rotterdam_buurten.csv", True),
        ("cbs_wbk_2024_rotterdam_wijken.csv", True),
        ("cbs_wbk_2024_g4_gemeenten.csv", True),
        ("cbs_kwb_2017_nl_amsterdam.csv", True),
    ],
)
@real
def test_sniff_recognises_the_real_files(name, expected):
    assert CbsSource().sniff((KWB / name).read_bytes(), name) is expected


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b'{"value": [{"RegioS": "GM0599"}]}', "x.json", True),
        (b'\xef\xbb\xbf"ID";"WijkenEnBuurten";"AantalInwoners_5"\n', "x.csv", True),
        (b"indicator,area,period,value\n", "x.csv", False),
        (b'{"value": [{"Code": "GM0599"}]}', "x.json", False),
        (b"buurtcode,aantal_inwoners\n", "x.xlsx", False),
        (b"gebied,wijknr,naam\n", "x.csv", False),
    ],
)
def test_sniff(data, name, expected):
    assert CbsSource().sniff(data, name) is expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("   23.7", 23.7),
        ("2,1", 2.1),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("-99997.0", -99997.0),
        (".5", 0.5),
    ],
)
def test_cbs_numbers(text, value):
    assert parse_cbs_number(text) == value


@pytest.mark.parametrize("text", ["abc", "1_000", "nan", "inf", "1e5", ""])
def test_cbs_numbers_refused(text):
    with pytest.raises(ValueError, match="is geen getal"):
        parse_cbs_number(text)
