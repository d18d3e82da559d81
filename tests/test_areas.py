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


def test_a_rate_with_a_missing_member_is_not_given_and_the_member_is_named():
    # 10% for Zuid alone is not the rate of Zuid and Noord together: no partial value
    plan = make_plan(RATE)
    value = derive(plan, [Observation("r", "zuid", "2022", 10.0, 100, 1000)], "r", "wijken")
    assert value.value is None
    assert value.missing == ("noord",)
    assert value.reason == "niet af te leiden: geen gegevens voor Noord"


def test_a_rate_without_numerator_is_a_missing_member():
    plan = make_plan(RATE)
    obs = [Observation("r", "zuid", "2022", 10.0), Observation("r", "noord", "2022", 40.0)]
    value = derive(plan, obs, "r", "wijken")
    assert value.value is None
    assert value.missing == ("zuid", "noord")
    assert value.reason == "niet af te leiden: geen gegevens voor Zuid en Noord"


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


# -- groups resolved into the areas they cover: part_of, each area once, minus --------------

SPLIT = [
    {"id": "stad", "name": "Stad", "kind": "municipality", "cbs_code": "GM0599"},
    {"id": "b1", "name": "Buurt 1", "kind": "buurt", "cbs_code": "BU05991001", "parent": "w1"},
    {"id": "b2", "name": "Buurt 2", "kind": "buurt", "cbs_code": "BU05991002", "parent": "w1"},
    {"id": "w1", "name": "Wijk 1", "kind": "wijk", "members": ["b1", "b2"]},
    {"id": "w2", "name": "Wijk 2", "kind": "wijk", "cbs_code": "BU05991003"},
    {"id": "groot", "name": "Groot", "kind": "buurt", "cbs_code": "BU05991004"},
    # two wijken that split one CBS buurt, as Groot IJsselmonde Noord and Zuid do
    {"id": "groot-n", "name": "Groot Noord", "kind": "wijk", "part_of": "groot"},
    {"id": "groot-z", "name": "Groot Zuid", "kind": "wijk", "part_of": "groot"},
    {
        "id": "zuid",
        "name": "Zuid",
        "kind": "group",
        "parent": "stad",
        "members": ["w1", "w2", "groot-n", "groot-z"],
    },
    {"id": "raad", "name": "Wijkraad", "kind": "group", "members": ["b2", "w2"]},
    {"id": "samen", "name": "Wijk 1 en wijkraad", "kind": "group", "members": ["w1", "raad"]},
    {"id": "rest", "name": "Stad zonder Zuid", "kind": "group", "members": ["stad"], "minus": ["zuid"]},
    {"id": "heel", "name": "Rest en Zuid", "kind": "group", "members": ["rest", "zuid"]},
    {"id": "half", "name": "Half", "kind": "group", "members": ["groot-n", "w2"]},
]  # fmt: skip
SPLIT_MEAN = {"id": "m", "aggregation": "weighted_mean", "weight": "n", "unit": "score"}


def split_plan() -> object:
    return make_plan(COUNT, RATE, SPLIT_MEAN, areas=SPLIT)


def counts(**values: float) -> list[Observation]:
    return [Observation("n", area, "2022", v) for area, v in values.items()]


def test_the_buurt_two_wijken_split_counts_once_for_both():
    value = derive(split_plan(), counts(b1=100, b2=200, w2=300, groot=1000), "n", "zuid")
    assert value.value == 1600
    assert value.members == ("b1", "b2", "w2", "groot")
    assert value.missing == ()


def test_a_share_of_a_group_with_a_split_buurt_is_recomputed_from_all_its_counts():
    obs = [
        Observation("r", "b1", "2022", 10.0, 10, 100),
        Observation("r", "b2", "2022", 10.0, 20, 200),
        Observation("r", "w2", "2022", 10.0, 30, 300),
        Observation("r", "groot", "2022", 30.0, 300, 1000),
    ]
    value = derive(split_plan(), obs, "r", "zuid")
    assert (value.numerator, value.denominator) == (360, 1600)
    assert value.value == pytest.approx(22.5)  # without Groot it would be 10%


def test_a_mean_of_a_group_with_a_split_buurt_is_weighted_over_the_buurt_once():
    obs = counts(b1=100, b2=200, w2=300, groot=1000) + [
        Observation("m", area, "2022", v)
        for area, v in {"b1": 10.0, "b2": 20.0, "w2": 30.0, "groot": 40.0}.items()
    ]
    value = derive(split_plan(), obs, "m", "zuid")
    assert value.value == pytest.approx((1_000 + 4_000 + 9_000 + 40_000) / 1_600)


def test_parts_with_figures_of_their_own_are_used_instead_of_their_whole():
    # the Wijkprofiel has figures for the two halves, not for the CBS buurt
    obs = counts(b1=100, b2=200, w2=300, **{"groot-n": 400, "groot-z": 600})
    value = derive(split_plan(), obs, "n", "zuid")
    assert value.value == 1600
    assert value.members == ("b1", "b2", "w2", "groot-n", "groot-z")


def test_one_part_with_figures_cannot_stand_for_both():
    # a figure for Groot Noord only: neither the whole nor both parts; the other is missing
    value = derive(split_plan(), counts(b1=100, b2=200, w2=300, **{"groot-n": 400}), "n", "zuid")
    assert (value.value, value.missing) == (None, ("groot-z",))
    assert value.reason == "niet af te leiden: geen gegevens voor Groot Zuid"


def test_a_part_without_figures_is_grey_and_says_what_it_is_part_of():
    value = derive(split_plan(), counts(groot=1000), "n", "groot-n")
    assert value.value is None
    assert value.reason == (
        "geen eigen gegevens: Groot Noord is een deel van Groot, waarvan de cijfers niet te "
        "splitsen zijn"
    )
    # a group with only one of the parts cannot use the whole either
    half = derive(split_plan(), counts(groot=1000, w2=300), "n", "half")
    assert (half.value, half.missing) == (None, ("groot-n",))
    assert half.reason == "niet af te leiden: geen gegevens voor Groot Noord"


def test_a_buurt_reached_through_two_members_counts_once():
    # samen = wijk 1 (b1, b2) and the wijkraad (b2, w2): b2 lies in both
    value = derive(split_plan(), counts(b1=100, b2=200, w2=300), "n", "samen")
    assert value.value == 600
    assert value.members == ("b1", "b2", "w2")


def test_an_area_within_another_member_with_its_own_figure_counts_once():
    # wijk 1 has a figure of its own; b2 (reached through the wijkraad) lies within it
    value = derive(split_plan(), counts(w1=333, b2=200, w2=300), "n", "samen")
    assert value.value == 633
    assert value.members == ("w1", "w2")


def test_a_group_minus_a_group_and_both_together():
    obs = counts(stad=5000, b1=100, b2=200, w2=300, groot=1000)
    assert derive(split_plan(), obs, "n", "rest").value == 3400
    together = derive(split_plan(), obs, "n", "heel")  # (Stad − Zuid) ∪ Zuid = Stad
    assert (together.value, together.members) == (5000, ("stad",))


def test_many_missing_members_are_counted_a_few_are_named():
    nothing = derive(split_plan(), counts(stad=5000), "n", "zuid")
    assert nothing.missing == ("w1", "w2", "groot-n", "groot-z")
    assert nothing.reason == "niet af te leiden: geen gegevens voor 4 van de 4 wijken"
    three = derive(split_plan(), counts(b1=100, b2=200), "n", "zuid")
    assert three.reason == (
        "niet af te leiden: geen gegevens voor Wijk 2, Groot Noord en Groot Zuid"
    )
    # one buurt of wijk 1 missing: wijk 1 cannot be given, so neither can Zuid
    inner = derive(split_plan(), counts(b1=100, w2=300, groot=1000), "n", "zuid")
    assert inner.reason == "niet af te leiden: geen gegevens voor Wijk 1"


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
