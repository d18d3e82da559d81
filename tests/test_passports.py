"""Indicator passports: stated in the plan, derived from what the plan already says, validated
like the rest of the plan, and shown in Dutch with citations instead of line numbers."""

from __future__ import annotations

import pytest

from koers.plan import PlanError, plan_from_documents
from koers.plan.passport import UNKNOWN, passport_of, passports
from koers.present import citation, passport_facts
from koers.present.passports import deliverers

from .helpers import PLAN_YAML

MAPPING = """
mappings:
  - id: kwb-2024
    format: cbs
    name: Kerncijfers wijken en buurten 2024
    source: CBS
    period: "2024-01-01"
    columns:
      - {column: aantal_inwoners, indicator: E1}
"""


def plan_with(*extra: str):
    documents = {"plan.yaml": PLAN_YAML}
    documents.update({f"extra{n}.yaml": text for n, text in enumerate(extra)})
    return plan_from_documents(documents)


def problems(*extra: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        plan_with(*extra)
    return [str(issue) for issue in caught.value.issues]


def test_a_passport_nobody_stated_says_onbekend_and_invents_nothing():
    plan = plan_with()
    passport = passport_of(plan, plan.indicator("E1"))
    assert passport.sources == []
    assert passport.state == UNKNOWN and passport.frequency == UNKNOWN
    assert (passport.partners, passport.publisher, passport.expected_month) == ([], None, None)
    facts = dict(passport_facts(plan, passport))
    assert facts["Bron"] == "onbekend" and facts["Levert"] == "onbekend"
    assert facts["Verwacht"] == "onbekend" and facts["Gebiedsniveaus"] == "onbekend"
    assert facts["Eenheid"] == "procent" and facts["Periode"] == "kalenderjaar"


def test_a_mapped_indicator_takes_its_source_from_the_mapping_and_is_available():
    plan = plan_with(MAPPING)
    passport = passport_of(plan, plan.indicator("E1"))
    [source] = passport.sources
    assert (source.publisher, source.table, source.column, source.year, source.mapping) == (
        "CBS",
        "Kerncijfers wijken en buurten 2024",
        "aantal_inwoners",
        2024,
        "kwb-2024",
    )
    assert passport.state == "beschikbaar"
    assert passport.publisher == "CBS"  # nobody of the plan delivers it: the publisher does
    assert source.text() == "CBS, Kerncijfers wijken en buurten 2024"


def test_stated_fields_override_what_is_derived_and_stated_sources_come_first():
    stated = """
passports:
  E1:
    definition: Aandeel tevreden bewoners
    sources: [{publisher: CBS, table: Gezondheidsmonitor, cbs_table: 85012NED, year: 2023}]
    frequency: tweejaarlijks
    reference_date: 1 januari
    levels: [wijk, rotterdam]
    delivery: {partners: [gemeente], month: 3, lag: 1}
    state: in ontwikkeling
"""
    plan = plan_with(MAPPING, stated)
    passport = passport_of(plan, plan.indicator("E1"))
    assert [s.mapping for s in passport.sources] == [None, "kwb-2024"]
    assert passport.state == "in ontwikkeling"  # stated, although a mapping feeds it
    assert passport.partners == ["gemeente"] and passport.publisher is None
    facts = dict(passport_facts(plan, passport))
    assert facts["Definitie"] == "Aandeel tevreden bewoners"
    assert facts["Bron"].startswith("CBS, Gezondheidsmonitor, CBS-tabel 85012NED, 2023; CBS, ")
    assert facts["Gebiedsniveaus"] == "wijken, Rotterdam"
    assert facts["Levert"] == "Gemeente Rotterdam"
    assert facts["Verwacht"] == "in maart van het jaar na de periode"
    assert facts["Frequentie"] == "tweejaarlijks"


def test_an_output_indicator_is_delivered_by_the_partners_that_report_it():
    plan = plan_with()
    by_id = passports(plan)
    assert by_id["O1"].partners == ["woonbron"]  # partner of its intervention
    assert by_id["O2"].partners == ["gemeente", "woonbron"]  # and the owner of A4, which lists it
    assert by_id["E1"].partners == []  # partners report output values only


def test_a_long_list_of_deliverers_is_shortened_where_space_is_short():
    plan = plan_with("passports:\n  E1: {delivery: {partners: [woonbron, gemeente]}}\n")
    passport = passport_of(plan, plan.indicator("E1"))
    assert deliverers(plan, passport) == "Woonbron, Gemeente Rotterdam"
    assert deliverers(plan, passport, limit=1) == "Woonbron en 1 andere"
    assert deliverers(plan, passport, limit=2) == "Woonbron, Gemeente Rotterdam"


def test_passport_problems_name_file_field_and_rule():
    found = problems(
        """
passports:
  O1: {delivery: {partners: [woonbron, niemand]}}
  X9: {levels: [wijk]}
  E1: {levels: [maan], state: misschien, delivery: {month: 13}}
"""
    )
    assert "extra0.yaml:3: passports (O1).delivery.partners.1: unknown partner 'niemand'" in found
    assert "extra0.yaml:4: passports (X9): unknown indicator 'X9'" in found
    assert any(
        p.startswith("extra0.yaml:5: passports (E1).state: Input should be 'beschikbaar'")
        for p in found
    )
    assert any(p.startswith("extra0.yaml:5: passports (E1).delivery.month:") for p in found)


def test_an_area_level_must_be_an_area_kind_or_an_area():
    found = problems("passports:\n  E1: {levels: [wijk, maan]}\n")
    assert found == [
        "extra0.yaml:2: passports (E1).levels.1: unknown area level 'maan'; expected an area "
        "kind (country, municipality, district, wijk, buurt, group) or the id of an area"
    ]


def test_a_passport_key_must_be_an_id():
    [found] = problems('passports:\n  "E 1": {}\n')
    assert found.startswith("extra0.yaml:2: passports (E 1): String should match pattern")


def test_a_passport_stated_in_two_files_is_refused():
    found = problems("passports:\n  E1: {frequency: jaarlijks}\n", "passports:\n  E1: {}\n")
    assert found == [
        "extra1.yaml:2: passports (E1): 'E1' is given more than once (also in extra0.yaml)"
    ]


def test_the_nprz_plan_has_a_passport_for_every_indicator(nprz_plan):
    found = passports(nprz_plan)
    assert set(found) == {i.id for i in nprz_plan.indicators}
    # Tabel 1 names its sources; the Basismonitor rows also come through its mapping
    r5 = found["T1.R5"]
    assert r5.sources[0].publisher == "CBS, UWV en DUO, bewerking OBI (gemeente Rotterdam)"
    assert "basismonitor" in {s.mapping for s in r5.sources}
    assert r5.state == "beschikbaar" and r5.partners == ["gemeente"]
    cohort = found["BM.G8.SK23"]
    assert [s.mapping for s in cohort.sources] == ["basismonitor"]
    assert cohort.frequency == "jaarlijks"
    assert found["E7.3"].state == "in ontwikkeling"  # "We gaan een monitorset nader uitwerken"
    # nothing in the passport file repeats a mapping: every mapped source has its mapping
    stated = {
        (s.publisher, s.table, s.column) for p in nprz_plan.passports.values() for s in p.sources
    }
    mapped = {(m.source, m.name, c.column) for m in nprz_plan.mappings for c in m.columns}
    assert stated.isdisjoint(mapped)


@pytest.mark.parametrize(
    ("source", "cited"),
    [
        ("Uitvoeringsplan 2023-2027, Tabel 1 (seed:180)", "Uitvoeringsplan 2023-2027, Tabel 1"),
        (
            "Uitvoeringsplan 2023-2027, Tabel 2 (seed:1044) en Tabel 6 (seed:2170)",
            "Uitvoeringsplan 2023-2027, Tabel 2 en Tabel 6",
        ),
        (
            "Uitvoeringsplan 2023-2027, Tabel 4 (seed:1279); tekst seed:1263-1265",
            "Uitvoeringsplan 2023-2027, Tabel 4",
        ),
        ("CBS, Kerncijfers wijken en buurten 2024", "CBS, Kerncijfers wijken en buurten 2024"),
    ],
)
def test_a_citation_drops_the_line_references_of_the_plan_text(source, cited):
    assert citation(source) == cited
