"""Group values derived from members: counts add up, rates from numerators and denominators,
means weighted by a declared weight; missing members are said, never hidden."""

from __future__ import annotations

import pytest

from koers.areas import AreaGraph, Observation, derive_value
from koers.assess import ObservationIndex

from .helpers import make_plan


def derive(plan, observations, indicator, area, period="2022"):
    index = ObservationIndex(observations)
    return derive_value(
        plan.indicator(indicator),
        area,
        period,
        2022,
        AreaGraph(plan.areas),
        index.get,
        plan.indicator,
    )


COUNT = {"id": "n", "unit": "count", "aggregation": "sum", "polarity": "neutral", "kind": "context"}
RATE = {"id": "r", "aggregation": "ratio"}
MEAN = {"id": "m", "aggregation": "weighted_mean", "weight": "n"}


def test_counts_add_up_and_record_their_members():
    plan = make_plan(COUNT)
    obs = [
        Observation("n", "rotterdam", "2022", 650_000),
        Observation("n", "amsterdam", "2022", 880_000),
    ]
    value = derive(plan, obs, "n", "g2")
    assert value.value == 1_530_000
    assert value.members == ("rotterdam", "amsterdam")
    assert value.missing == ()
    assert len(value.observations) == 2


def test_an_imported_group_value_wins_over_derivation():
    plan = make_plan(COUNT)
    obs = [
        Observation("n", "rotterdam", "2022", 650_000),
        Observation("n", "amsterdam", "2022", 880_000),
        Observation("n", "g2", "2022", 1_530_362),
    ]
    value = derive(plan, obs, "n", "g2")
    assert value.value == 1_530_362
    assert not value.derived


def test_a_sum_with_a_missing_member_is_not_given():
    plan = make_plan(COUNT)
    value = derive(plan, [Observation("n", "rotterdam", "2022", 650_000)], "n", "g2")
    assert value.value is None
    assert value.missing == ("amsterdam",)
    assert value.reason == "niet af te leiden: geen gegevens voor Amsterdam"


def test_rates_are_recomputed_from_numerators_and_denominators():
    plan = make_plan(RATE)
    # 10% of 1.000 and 40% of 3.000: the group is 130/4000 = 32,5%, not the mean 25%
    obs = [
        Observation("r", "zuid", "2022", 10.0, 100, 1000),
        Observation("r", "noord", "2022", 40.0, 1200, 3000),
    ]
    value = derive(plan, obs, "r", "wijken")
    assert value.value == pytest.approx(32.5)
    assert (value.numerator, value.denominator) == (1300, 4000)


def test_a_rate_with_a_missing_member_is_derived_from_the_rest_and_flagged():
    plan = make_plan(RATE)
    value = derive(plan, [Observation("r", "zuid", "2022", 10.0, 100, 1000)], "r", "wijken")
    assert value.value == pytest.approx(10.0)
    assert value.members == ("zuid",)
    assert value.missing == ("noord",)


def test_a_rate_without_numerator_is_a_missing_member():
    plan = make_plan(RATE)
    obs = [Observation("r", "zuid", "2022", 10.0), Observation("r", "noord", "2022", 40.0)]
    value = derive(plan, obs, "r", "wijken")
    assert value.value is None
    assert value.missing == ("zuid", "noord")


def test_means_are_weighted_by_the_declared_weight():
    plan = make_plan(COUNT, MEAN)
    obs = [
        Observation("m", "rotterdam", "2022", 44.0),
        Observation("m", "amsterdam", "2022", 57.0),
        Observation("n", "rotterdam", "2022", 651_269),
        Observation("n", "amsterdam", "2022", 873_338),
    ]
    value = derive(plan, obs, "m", "g2")
    expected = (44.0 * 651_269 + 57.0 * 873_338) / (651_269 + 873_338)
    assert value.value == pytest.approx(expected)
    assert value.value != pytest.approx((44.0 + 57.0) / 2)


def test_a_group_minus_a_part_subtracts_numerators_and_denominators():
    plan = make_plan(RATE)
    obs = [
        Observation("r", "rotterdam", "2022", 9.0, 900, 10_000),
        Observation("r", "zuid", "2022", 12.0, 480, 4_000),
    ]
    value = derive(plan, obs, "r", "rest")
    assert value.value == pytest.approx(420 / 6000 * 100)


def test_percentages_without_a_rule_are_not_derived():
    plan = make_plan({"id": "p"})
    obs = [Observation("p", "zuid", "2022", 10.0), Observation("p", "noord", "2022", 40.0)]
    value = derive(plan, obs, "p", "wijken")
    assert value.value is None
    assert "niet op te tellen" in value.reason


def test_members_outside_their_validity_are_skipped():
    areas = [
        {"id": "zuid", "name": "Zuid", "kind": "district"},
        {"id": "oud", "name": "Oud", "kind": "wijk", "valid_to": 2015},
        {"id": "nieuw", "name": "Nieuw", "kind": "wijk", "valid_from": 2016},
        {"id": "stad", "name": "Stad", "kind": "group", "members": ["oud", "nieuw"]},
    ]
    plan = make_plan(COUNT, areas=areas)
    value = derive(plan, [Observation("n", "nieuw", "2022", 500)], "n", "stad")
    assert value.value == 500
    assert value.missing == ()


def test_graph_lookups():
    graph = AreaGraph(make_plan(COUNT).areas)
    assert graph.ancestors("zuid") == ["rotterdam"]
    assert graph.members("rest") == (["rotterdam"], ["zuid"])
    assert graph.name("g2") == "G2"


def test_published_groups_are_compared_with_their_members():
    from koers.areas import compare_with_members, rounding_tolerance
    from koers.plan import Unit

    plan = make_plan(COUNT, RATE)
    obs = [
        Observation("n", "rotterdam", "2022", 650_000),
        Observation("n", "amsterdam", "2022", 880_000),
        Observation("n", "g2", "2022", 1_530_015),  # the publisher's total is 15 higher
        Observation("r", "zuid", "2022", 10.0, 100, 1000),
        Observation("r", "noord", "2022", 40.0, 1200, 3000),
        Observation("r", "wijken", "2022", 32.5, 1300, 4000),  # agrees exactly
    ]
    (count, rate) = compare_with_members(plan, obs)
    assert (count.area, count.published, count.derived) == ("g2", 1_530_015, 1_530_000)
    assert count.difference == 15
    assert not count.agrees(rounding_tolerance(count, Unit.COUNT, 0))  # 15 > 2 members × 5
    assert (rate.area, rate.difference) == ("wijken", 0)
    assert compare_with_members(plan, obs, indicator="r") == [rate]


def test_which_items_concern_a_wijk():
    """A wijk's page lists the items linked to it, to one of its buurten, to the gebied it
    lies in, or to a group one of its buurten belongs to; not those of another wijk."""
    from koers.plan.model import Area

    def area(id: str, kind: str, **fields: object) -> Area:
        return Area.model_validate({"id": id, "name": id, "kind": kind, **fields})

    graph = AreaGraph(
        [
            area("charlois", "district"),
            area("carnisse-zuidplein", "wijk", parent="charlois", members=["carnisse"]),
            area("carnisse", "buurt", parent="carnisse-zuidplein"),
            area("tarwewijk", "wijk", parent="charlois"),
            area("focus", "group", members=["carnisse"]),
        ]
    )
    wijk = "carnisse-zuidplein"
    assert graph.concerns(["carnisse"], wijk)  # a buurt of the wijk
    assert graph.concerns(["charlois"], wijk)  # the gebied it lies in
    assert graph.concerns(["focus"], wijk)  # a group holding one of its buurten
    assert not graph.concerns(["tarwewijk"], wijk)
    assert not graph.concerns(["focus"], "tarwewijk")
    assert not graph.concerns(["nergens"], wijk)
