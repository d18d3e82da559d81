"""A group resolved into the areas it covers, and Zuid derived from the real CBS 2024 buurt
figures with the NPRZ plan's own areas.

The fixture tests/fixtures/cbs/wbk_2024_zuid_buurten.csv holds the 23 rows of the three
gebieden of Zuid (CBS wijken WK059910, WK059912, WK059915) from
shared/data/external/cbs_kwb/cbs_wbk_2024_rotterdam_buurten.csv, as CBS publishes them,
with a few of its columns. Zuid (the 15 wijken) covers 22 of those buurten: Zuiderpark is
in no wijk of the plan. Groot IJsselmonde (29.660 inhabitants, 14% of Zuid) is one CBS buurt
that the two wijken Groot IJsselmonde Noord and Zuid split (``part_of`` in the plan).
"""

from __future__ import annotations

import csv
from functools import cache

import pytest

from koers.areas import AreaGraph, cover, derive_value
from koers.assess import ObservationIndex, evaluate
from koers.plan import plan_from_documents
from koers.sources.base import ImportContext
from koers.sources.cbs import CbsSource

from .conftest import ROOT
from .test_areas import SPLIT, split_plan

NPRZ = ROOT / "plans" / "nprz-2023-2027"
BUURTEN = ROOT / "tests" / "fixtures" / "cbs" / "wbk_2024_zuid_buurten.csv"

EXTRA = """
indicators:
  - id: geboorten
    name: Levendgeborenen per 1.000 inwoners
    kind: context
    unit: per_1000
    polarity: neutral
    aggregation: ratio
    numerator: levendgeborenen in het jaar
    denominator: inwoners
    decimals: 1
mappings:
  - id: zuid-buurten
    format: cbs
    name: Wijk- en Buurtkaart 2024, de buurten van Zuid
    source: CBS, Wijk- en Buurtkaart 2024
    period: "2024-01-01"
    columns:
      - {column: aantal_inwoners, indicator: T1.R1}
      - column: geboortes_per_1000_inwoners
        indicator: geboorten
        numerator: geboorte_totaal
        denominator: aantal_inwoners
"""


@cache
def nprz_with_births():
    """The NPRZ plan as it is, with one ratio indicator and a mapping for the fixture."""
    documents = {p.name: p.read_text(encoding="utf-8") for p in sorted(NPRZ.glob("*.yaml"))}
    return plan_from_documents({**documents, "99-test.yaml": EXTRA})


# -- the cover of a group ----------------------------------------------------------------------


def test_a_group_is_covered_by_coded_areas_with_the_split_buurt_once():
    graph = AreaGraph(split_plan().areas)
    assert cover(graph, "zuid").plus == ("b1", "b2", "w2", "groot")
    rest = cover(graph, "rest")
    assert (rest.plus, rest.minus) == (("stad",), ("b1", "b2", "w2", "groot"))
    assert cover(graph, "heel").plus == ("stad",) and cover(graph, "heel").minus == ()
    assert cover(graph, "samen").plus == ("b1", "b2", "w2")  # b2 once
    half = cover(graph, "half")  # one of the two parts: its whole cannot stand in for it
    assert (half.plus, half.missing, half.complete) == ((), ("groot-n",), False)


def test_containment_by_parent_membership_part_of_and_code():
    graph = AreaGraph(split_plan().areas)
    assert graph.contains("w1", "b2")  # parent
    assert graph.contains("zuid", "b1")  # member of a member
    assert graph.contains("groot", "groot-n")  # part_of
    assert graph.contains("stad", "w2")  # BU05991003 lies in GM0599
    assert not graph.contains("rest", "stad")  # a group with minus holds less than its members
    assert not graph.contains("w2", "b1") and not graph.contains("b1", "b1")
    assert {a["id"] for a in SPLIT} >= {"w1", "zuid", "groot", "stad"}


def test_the_nprz_groups_are_covered_by_their_cbs_buurten():
    plan = nprz_with_births()
    graph = AreaGraph(plan.areas)
    zuid = cover(graph, "zuid", 2024)
    assert len(zuid.plus) == 22 and zuid.plus.count("groot-ijsselmonde") == 1
    assert "zuiderpark" not in zuid.plus
    assert not {"groot-ijsselmonde-noord", "groot-ijsselmonde-zuid"} & set(zuid.plus)
    raad = cover(graph, "wijkraad-groot-ijsselmonde-en-oud-ijsselmonde", 2024)
    assert raad.plus == ("groot-ijsselmonde", "oud-ijsselmonde")


# -- Zuid from the real CBS 2024 buurt figures ------------------------------------------------


def test_zuid_from_the_2024_buurten_counts_groot_ijsselmonde_once():
    plan = nprz_with_births()
    data = BUURTEN.read_bytes()
    reading = CbsSource().read(data, BUURTEN.name, ImportContext(plan, "zuid-buurten"))
    graph = AreaGraph(plan.areas)
    index = ObservationIndex(reading.observations)

    def derived(indicator: str, area: str):
        return derive_value(
            plan.indicator(indicator), area, "2024-01-01", 2024, graph, index.get, plan.indicator
        )

    with BUURTEN.open(encoding="utf-8") as f:
        rows = {r["buurtcode"]: r for r in csv.DictReader(f)}
    in_zuid = {graph[a].cbs_code for a in cover(graph, "zuid", 2024).plus}
    inhabitants = sum(int(rows[c]["aantal_inwoners"]) for c in in_zuid)
    births = sum(int(rows[c]["geboorte_totaal"]) for c in in_zuid)
    assert len(in_zuid) == 22 and "BU05991289" in in_zuid  # Groot IJsselmonde, once

    population = derived("T1.R1", "zuid")
    # the 23 buurten of the three gebieden count 212.640 (the plan's note); without Zuiderpark
    assert population.value == inhabitants == 212_640 - 830
    assert population.members.count("groot-ijsselmonde") == 1

    share = derived("geboorten", "zuid")
    assert (share.numerator, share.denominator) == (births, inhabitants)
    assert share.value == pytest.approx(births / inhabitants * 1000)
    # leaving Groot IJsselmonde out, as before, would be off by more than rounding
    without = (births - 310) / (inhabitants - 29_660) * 1000
    assert abs(share.value - without) > 0.1

    # the two halves have no figures of their own: grey, with the reason, not a guess
    for half, name in (("groot-ijsselmonde-noord", "Noord"), ("groot-ijsselmonde-zuid", "Zuid")):
        value = derived("T1.R1", half)
        assert value.value is None
        assert value.reason == (
            f"geen eigen gegevens: Groot IJsselmonde {name} is een deel van Groot IJsselmonde, "
            "waarvan de cijfers niet te splitsen zijn"
        )

    # the status of Zuid says the same number; a half says why it has none
    status = {a.indicator: a for a in evaluate(plan, reading.observations, area="zuid")}
    assert status["T1.R1"].value == inhabitants
    assert status["T1.R1"].missing_members == ()
    noord = evaluate(plan, reading.observations, area="groot-ijsselmonde-noord")
    (half,) = [a for a in noord if a.indicator == "T1.R1"]
    assert half.value is None
    assert half.explanation == (
        "Groot IJsselmonde Noord, 1 januari 2024: geen eigen gegevens: Groot IJsselmonde Noord "
        "is een deel van Groot IJsselmonde, waarvan de cijfers niet te splitsen zijn."
    )
