"""The output-checking gate, on hand-computed tables and random hierarchies.

The tables are small enough to check by hand; every expected decision is worked out in the
comment next to it. :func:`recomputable` is an attacker with the published figures: it
solves every relation for any single cell it does not see, and the tests assert it learns
nothing it was not shown.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koers.basismonitor.disclosure import (
    Cell,
    Decision,
    Key,
    Relation,
    Rules,
    Verdict,
    check,
    round_half_up,
)


def key(area: str, measure: str = "vsv", period: str = "2022") -> Key:
    return (measure, area, period)


def cell(area: str, numerator: float | None, denominator: float, **kw: object) -> Cell:
    return Cell(key(area), numerator, denominator, **kw)


def by_area(verdicts: Sequence[Verdict]) -> dict[str, Verdict]:
    return {v.key[1]: v for v in verdicts}


def suppressed(verdicts: Sequence[Verdict]) -> set[str]:
    return {v.key[1] for v in verdicts if v.suppressed}


def relation(total: str, *parts: str, label: str | None = None, measure: str = "vsv") -> Relation:
    return Relation(
        key(total, measure),
        tuple(key(p, measure) for p in parts),
        label or f"{total} = som van {', '.join(parts)}",
    )


def recomputable(
    verdicts: Sequence[Verdict], relations: Sequence[Relation]
) -> list[tuple[Key, str, float]]:
    """(key, field, value) of every suppressed cell an attacker recomputes from published
    cells through a single relation, by subtraction (the total) or addition (a part)."""
    published = {v.key: v for v in verdicts if not v.suppressed}
    found = []
    for rel in relations:
        unseen = [k for k in rel.keys if k not in published]
        if len(unseen) != 1:
            continue
        (target,) = unseen
        for field in ("numerator", "denominator", "total"):
            values = {k: getattr(published[k], field) for k in rel.keys if k != target}
            if any(value is None for value in values.values()):
                continue
            if target == rel.total:
                value = sum(values.values())
            else:
                value = values[rel.total] - sum(v for k, v in values.items() if k != rel.total)
            found.append((target, field, value))
    return found


# --- the minimum count --------------------------------------------------------------------


def test_a_single_small_cell_is_suppressed_and_the_reason_names_the_rule_not_the_count():
    (verdict,) = check([cell("Bloemhof", 7, 200)])
    assert verdict.decision is Decision.SUPPRESSED
    assert verdict.primary
    assert verdict.reason == "minder dan 10 eenheden met het kenmerk"  # never "7 van 200"
    assert (verdict.numerator, verdict.denominator, verdict.total, verdict.ratio) == (
        None,
        None,
        None,
        None,
    )


def test_the_complement_is_a_count_too():
    # 195 of 200 have it: the 5 who do not are as exposed as 5 who do.
    (verdict,) = check([cell("Bloemhof", 195, 200)])
    assert verdict.suppressed and verdict.primary
    assert verdict.reason == "minder dan 10 eenheden zonder het kenmerk"


def test_a_small_denominator_is_the_one_reason_given():
    (verdict,) = check([cell("Bloemhof", 3, 7)])
    assert verdict.reason == "minder dan 10 eenheden"


@pytest.mark.parametrize(
    ("numerator", "denominator", "published"),
    [
        (0, 200, True),  # nobody of 200: a 0 in a large cell is fine
        (200, 200, True),  # everybody of 200: its complement is that same 0
        (0, 0, True),  # an empty cell discloses no unit
        (0, 5, False),  # a 0 in a small cell: the denominator is too small
        (5, 5, False),
        (10, 200, True),  # the limits themselves are safe
        (190, 200, True),
        (9, 200, False),
        (191, 200, False),
        (0, 10, True),
        (0, 9, False),
    ],
)
def test_zeros_and_limits(numerator, denominator, published):
    (verdict,) = check([cell("Bloemhof", numerator, denominator)])
    assert verdict.suppressed is not published


def test_an_empty_cell_is_published_without_a_ratio():
    (verdict,) = check([cell("Haven", 0, 0)])
    assert verdict.decision is Decision.PUBLISHED
    assert (verdict.numerator, verdict.denominator, verdict.ratio) == (0, 0, None)


def test_a_published_cell_carries_its_counts_and_ratio():
    (verdict,) = check([cell("Bloemhof", 30, 200)])
    assert verdict.decision is Decision.PUBLISHED
    assert verdict.reason == "voldoet aan de outputcontrole"
    assert not verdict.primary
    assert (verdict.numerator, verdict.denominator, verdict.ratio) == (30, 200, 0.15)


def test_a_count_cell_is_checked_on_its_denominator():
    small, large = check([cell("Haven", None, 8), cell("Bloemhof", None, 4000)])
    assert small.suppressed and small.reason == "minder dan 10 eenheden"
    assert not large.suppressed and large.denominator == 4000 and large.ratio is None


def test_min_count_is_a_setting():
    cells = [cell("Bloemhof", 7, 200), cell("Carnisse", 3, 200)]
    assert suppressed(check(cells)) == {"Bloemhof", "Carnisse"}
    at_five = by_area(check(cells, rules=Rules(min_count=5)))
    assert not at_five["Bloemhof"].suppressed
    assert at_five["Carnisse"].reason == "minder dan 5 eenheden met het kenmerk"


def test_reasons_use_dutch_number_formats():
    (verdict,) = check([cell("Zuid", 1234, 100_000)], rules=Rules(min_count=2000))
    assert verdict.reason == "minder dan 2.000 eenheden met het kenmerk"


# --- secondary suppression ----------------------------------------------------------------

ZUID = relation("Zuid", "A", "B", "C", label="Zuid = som van de wijken")


def test_a_small_cell_recoverable_from_the_total_takes_the_smaller_neighbour_along():
    # B (7) is unsafe. Zuid - A - C would give it back, so one of A and C goes too: C,
    # the smaller (250 < 300). Zuid stays: with B and C hidden, Zuid - A = B + C only.
    cells = [
        cell("Zuid", 72, 750),
        cell("A", 40, 300),
        cell("B", 7, 200),
        cell("C", 25, 250),
    ]
    verdicts = by_area(check(cells, [ZUID]))
    assert verdicts["B"].primary and verdicts["B"].suppressed
    assert verdicts["C"].suppressed and not verdicts["C"].primary
    assert verdicts["C"].reason == (
        "secundair onderdrukt: anders terug te rekenen uit Zuid = som van de wijken"
    )
    assert not verdicts["A"].suppressed and not verdicts["Zuid"].suppressed
    assert recomputable(list(verdicts.values()), [ZUID]) == []


def test_without_the_relation_the_attacker_recovers_the_small_cell():
    # The brute force itself works: B's counts come back from Zuid - A - C.
    cells = [cell("Zuid", 72, 750), cell("A", 40, 300), cell("B", 7, 200), cell("C", 25, 250)]
    assert recomputable(check(cells), [ZUID]) == [
        (key("B"), "numerator", 7),
        (key("B"), "denominator", 200),
    ]


def test_ties_go_to_the_smallest_key():
    cells = [cell("Zuid", 67, 700), cell("C", 30, 250), cell("B", 7, 200), cell("A", 30, 250)]
    assert suppressed(check(cells, [ZUID])) == {"A", "B"}


def test_secondary_suppression_cascades_through_two_levels():
    # Rotterdam = Zuid + Rest, Zuid = A + B + C, Rest = D + E.
    # B has 9 cases and so has Zuid (A and C have none): both are unsafe, which protects
    # Zuid = A + B + C. Rotterdam - Rest would still give Zuid: Rest goes (a part, not the
    # total Rotterdam). Then Rest = D + E has one hidden cell: E goes (350 < 400).
    relations = [
        relation("Rotterdam", "Zuid", "Rest"),
        relation("Zuid", "A", "B", "C"),
        relation("Rest", "D", "E"),
    ]
    cells = [
        cell("Rotterdam", 44, 1500),
        cell("Zuid", 9, 750),
        cell("Rest", 35, 750),
        cell("A", 0, 300),
        cell("B", 9, 200),
        cell("C", 0, 250),
        cell("D", 20, 400),
        cell("E", 15, 350),
    ]
    verdicts = check(cells, relations)
    found = by_area(verdicts)
    assert {a for a, v in found.items() if v.primary} == {"Zuid", "B"}
    assert suppressed(verdicts) == {"Zuid", "B", "Rest", "E"}
    assert found["Rest"].reason.endswith("uit Rotterdam = som van Zuid, Rest")
    assert found["E"].reason.endswith("uit Rest = som van D, E")
    assert recomputable(verdicts, relations) == []


def test_secondary_suppression_cascades_down_to_the_buurten():
    # B (7) is unsafe; C (250) is the smaller neighbour and goes; C = c1 + c2 then has one
    # hidden cell, so c2 (100 < 150) goes as well. A's buurten are untouched.
    relations = [
        relation("Zuid", "A", "B", "C"),
        relation("A", "a1", "a2"),
        relation("C", "c1", "c2"),
    ]
    cells = [
        cell("Zuid", 72, 750),
        cell("A", 40, 300),
        cell("B", 7, 200),
        cell("C", 25, 250),
        cell("a1", 20, 150),
        cell("a2", 20, 150),
        cell("c1", 13, 150),
        cell("c2", 12, 100),
    ]
    verdicts = check(cells, relations)
    assert suppressed(verdicts) == {"B", "C", "c2"}
    assert recomputable(verdicts, relations) == []


def test_the_total_is_chosen_when_the_other_parts_are_empty():
    # A and C are empty (known to be empty, they would protect nothing); Zuid counts 5
    # residents without a known wijk, so the relation is approximate and Zuid itself
    # (12 of 30) is safe, but Zuid - A - C comes close to B: Zuid goes.
    cells = [cell("Zuid", 12, 30), cell("A", 0, 0), cell("B", 7, 20), cell("C", 0, 0)]
    verdicts = by_area(check(cells, [ZUID]))
    assert verdicts["B"].primary
    assert verdicts["Zuid"].suppressed and not verdicts["Zuid"].primary
    assert not verdicts["A"].suppressed and not verdicts["C"].suppressed


def test_measures_do_not_protect_each_other():
    # The same areas, two measures: only the relation of the measure with the small cell
    # needs a secondary suppression.
    cells = [
        cell("Zuid", 72, 750),
        cell("A", 40, 300),
        cell("B", 7, 200),
        cell("C", 25, 250),
        *(
            Cell(key(a, "werk"), n, d)
            for a, n, d in (("Zuid", 450, 750), ("A", 180, 300), ("B", 120, 200), ("C", 150, 250))
        ),
    ]
    relations = [ZUID, relation("Zuid", "A", "B", "C", measure="werk")]
    hidden = {v.key for v in check(cells, relations) if v.suppressed}
    assert hidden == {key("B"), key("C")}


def test_a_suppressed_cell_is_protected_in_every_relation_it_is_part_of():
    # B belongs to Zuid = A + B + C and, as a wijk of the focus area, to Focus = B + F.
    relations = [ZUID, relation("Focus", "B", "F")]
    cells = [
        cell("Zuid", 72, 750),
        cell("A", 40, 300),
        cell("B", 7, 200),
        cell("C", 25, 250),
        cell("Focus", 57, 600),
        cell("F", 50, 400),
    ]
    verdicts = check(cells, relations)
    assert suppressed(verdicts) == {"B", "C", "F"}
    assert recomputable(verdicts, relations) == []


# --- dominance ------------------------------------------------------------------------------


def income(area: str, households: int, total: float, top: tuple[float, ...] = ()) -> Cell:
    return Cell(key(area, "inkomen"), None, households, total=total, top=top)


def test_one_dominant_household_suppresses_the_cell():
    # One household has 310.000 of 500.000: 62% > 50%.
    (verdict,) = check([income("Bloemhof", 40, 500_000, (310_000, 20_000))])
    assert verdict.suppressed and verdict.primary
    assert verdict.reason == "dominantie: grootste bijdrage meer dan 50% van het totaal"


def test_two_dominant_households_suppress_the_cell():
    # 45% alone is fine; 45% + 41% = 86% > 85%.
    (verdict,) = check([income("Bloemhof", 40, 100_000, (45_000, 41_000))])
    assert verdict.reason == "dominantie: 2 grootste bijdragen samen meer dan 85% van het totaal"


def test_dominance_at_the_limit_is_safe_and_just_above_it_says_so():
    (at,) = check([income("Bloemhof", 40, 100_000, (50_000, 30_000))])
    assert not at.suppressed
    (above,) = check([income("Bloemhof", 40, 100_000, (50_001, 30_000))])
    assert above.reason == "dominantie: grootste bijdrage meer dan 50% van het totaal"


def test_missing_top_contributions_fail_closed():
    (none,) = check([income("Bloemhof", 40, 100_000)])
    assert none.suppressed and none.primary
    assert none.reason == "dominantie niet te toetsen: de 2 grootste bijdragen nodig, 0 opgegeven"
    (one,) = check([income("Bloemhof", 40, 100_000, (30_000,))])
    assert one.reason == "dominantie niet te toetsen: de 2 grootste bijdragen nodig, 1 opgegeven"
    (enough,) = check(
        [income("Bloemhof", 40, 100_000, (30_000,))], rules=Rules(dominance=((1, 0.5),))
    )
    assert not enough.suppressed


def test_a_magnitude_cell_needs_enough_contributors_and_publishes_its_mean():
    small, fine, nothing = check(
        [
            income("Haven", 7, 210_000, (40_000, 35_000)),
            income("Bloemhof", 40, 1_000_000, (40_000, 35_000)),
            income("Leeg", 0, 0),
        ]
    )
    assert small.reason == "minder dan 10 eenheden"
    assert (fine.total, fine.denominator, fine.ratio) == (1_000_000, 40, 25_000)
    assert not nothing.suppressed and nothing.ratio is None


def test_a_dominated_wijk_is_protected_in_its_relation():
    relations = [relation("Zuid", "A", "B", "C", measure="inkomen")]
    cells = [
        income("Zuid", 110, 2_900_000, (700_000, 60_000)),
        income("A", 40, 1_000_000, (60_000, 50_000)),
        income("B", 30, 1_000_000, (700_000, 40_000)),
        income("C", 40, 900_000, (50_000, 40_000)),
    ]
    verdicts = check(cells, relations)
    # B: 70% from one household. A and C have 40 households each: the key decides, A goes.
    assert suppressed(verdicts) == {"A", "B"}
    assert recomputable(verdicts, relations) == []


# --- rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "multiple", "expected"),
    [
        (12, 5, 10),
        (13, 5, 15),
        (12.5, 5, 15),  # half up
        (2.5, 5, 5),
        (2, 5, 0),
        (0, 5, 0),
        (15, 10, 20),
        (25, 10, 30),
        (1234, 1, 1234),
    ],
)
def test_round_half_up(value, multiple, expected):
    assert round_half_up(value, multiple) == expected


def test_rounded_counts_with_the_value_from_the_true_counts():
    rules = Rules(round_to=5)
    twelve, thirteen, small, big = check(
        [
            cell("A", 12, 200),
            cell("B", 13, 201),
            cell("C", 7, 200),
            income("D", 42, 1_000_000, (40_000, 35_000)),
        ],
        rules=rules,
    )
    assert (twelve.decision, twelve.numerator, twelve.denominator) == (Decision.ROUNDED, 10, 200)
    assert twelve.reason == "aantallen afgerond op 5"
    assert (thirteen.numerator, thirteen.denominator) == (15, 200)
    assert thirteen.ratio == 13 / 201
    assert small.suppressed and small.numerator is None  # rounding does not replace the rule
    assert (big.decision, big.denominator, big.total) == (Decision.ROUNDED, 40, 1_000_000)
    assert big.ratio == 1_000_000 / 42


# --- nothing bypasses the gate --------------------------------------------------------------


def test_a_verdict_comes_from_check_only():
    (verdict,) = check([cell("Bloemhof", 7, 200)])
    with pytest.raises(TypeError, match=r"check\(\) only"):
        Verdict(verdict.cell, Decision.PUBLISHED, "", False, 7, 200, None)
    with pytest.raises(TypeError, match=r"check\(\) only"):
        dataclasses.replace(verdict, decision=Decision.PUBLISHED)


# --- invalid input --------------------------------------------------------------------------

K = key("Bloemhof")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"numerator": -1, "denominator": 200}, "numerator -1 is negative"),
        ({"numerator": 1, "denominator": -200}, "denominator -200 is negative"),
        ({"numerator": 210, "denominator": 200}, "numerator 210 is greater than denominator 200"),
        ({"numerator": math.nan, "denominator": 200}, "numerator is not a finite number"),
        ({"numerator": 1, "denominator": math.inf}, "denominator is not a finite number"),
        ({"numerator": 7.5, "denominator": 200}, "numerator 7.5 is not a whole number"),
        ({"numerator": "7", "denominator": 200}, "numerator is not a number"),
        ({"numerator": True, "denominator": 200}, "numerator is not a number"),
        (
            {"numerator": None, "denominator": 40, "total": math.nan},
            "total is not a finite number",
        ),
        (
            {"numerator": None, "denominator": 40, "total": 100.0, "top": (60.0,), "low": 70.0},
            "smallest contribution 70 above the largest",
        ),
        ({"numerator": None, "denominator": 40, "low": 5.0}, "top contributions given without"),
        (
            {"numerator": 3, "denominator": 40, "total": 100.0},
            "a cell has a numerator .* or a total .*, not both",
        ),
        ({"numerator": None, "denominator": 40, "top": (5.0,)}, "top contributions given without"),
        (
            {"numerator": None, "denominator": 40, "total": 100.0, "top": (10.0, 20.0)},
            "top contributions are not descending",
        ),
        (
            {"numerator": None, "denominator": 40, "total": 100.0, "top": (60.0, 50.0)},
            "top contributions sum to 110, more than the total 100",
        ),
        (
            {"numerator": None, "denominator": 1, "total": 100.0, "top": (60.0, 40.0)},
            "2 top contributions but only 1 contributors",
        ),
        (
            {"numerator": None, "denominator": 0, "total": 100.0},
            "total 100 without contributors",
        ),
    ],
)
def test_invalid_cells_name_the_key_and_the_field(kwargs, message):
    with pytest.raises(ValueError, match=r"cell \('vsv', 'Bloemhof', '2022'\): " + message):
        Cell(K, **kwargs)


def test_a_cell_key_is_a_tuple_of_strings():
    with pytest.raises(ValueError, match="non-empty tuple of strings"):
        Cell(["vsv", "Bloemhof"], 1, 20)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty tuple of strings"):
        Cell((), 1, 20)


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match=r"duplicate cell key \('vsv', 'Bloemhof', '2022'\)"):
        check([cell("Bloemhof", 30, 200), cell("Bloemhof", 31, 200)])


def test_a_relation_naming_an_unknown_cell_is_refused():
    with pytest.raises(
        ValueError,
        match=r"relation 'Zuid = som van de wijken': key \('vsv', 'C', '2022'\) is not among",
    ):
        check([cell("Zuid", 72, 750), cell("A", 40, 300), cell("B", 7, 200)], [ZUID])


@pytest.mark.parametrize(
    ("total", "parts", "message"),
    [
        ("Zuid", (), "no parts"),
        ("Zuid", ("A", "Zuid"), "is also a part"),
        ("Zuid", ("A", "A"), "listed twice"),
    ],
)
def test_invalid_relations(total, parts, message):
    with pytest.raises(ValueError, match=message):
        Relation(key(total), tuple(key(p) for p in parts), "Zuid")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_count": 0}, "min_count"),
        ({"min_count": 2.5}, "min_count"),
        ({"dominance": ((0, 0.5),)}, "n must be"),
        ({"dominance": ((1, 1.5),)}, "k must lie"),
        ({"dominance": ((1, 0),)}, "k must lie"),
        ({"round_to": 0}, "round_to"),
    ],
)
def test_invalid_rules(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Rules(**kwargs)


def test_numpy_scalars_are_counts_too():
    np = pytest.importorskip("numpy")
    (verdict,) = check([Cell(K, np.int64(30), np.int64(200))])
    assert (verdict.numerator, verdict.denominator) == (30, 200)
    assert type(verdict.numerator) is float


# --- random hierarchies ---------------------------------------------------------------------

# A unit is (has the property, its income). A leaf area is a list of units; every area
# above it holds the units of its children, so every relation is exact.
units = st.lists(st.tuples(st.booleans(), st.integers(0, 5000)), max_size=30)
buurten = st.lists(units, min_size=1, max_size=3)
wijken = st.lists(buurten, min_size=1, max_size=4)
districts = st.lists(wijken, min_size=1, max_size=3)
rules_st = st.builds(
    Rules,
    min_count=st.integers(1, 12),
    dominance=st.sampled_from([(), ((1, 0.5),), ((1, 0.5), (2, 0.85)), ((3, 0.9),)]),
    round_to=st.sampled_from([None, 5]),
)


def build(tree: list[list[list[list[tuple[bool, int]]]]]):
    """Cells of two measures (a frequency and a magnitude) and their relations."""
    areas: dict[str, list[tuple[bool, int]]] = {}
    children: dict[str, list[str]] = {}

    def add(name: str, members: list[str]) -> None:
        children[name] = members
        areas[name] = [u for m in members for u in areas[m]]

    for d, wijk_list in enumerate(tree):
        for w, buurt_list in enumerate(wijk_list):
            names = []
            for b, people in enumerate(buurt_list):
                areas[f"b{d}{w}{b}"] = people
                names.append(f"b{d}{w}{b}")
            if len(names) > 1:
                add(f"w{d}{w}", names)
            else:
                areas[f"w{d}{w}"] = areas.pop(names[0])
        add(f"d{d}", [f"w{d}{w}" for w in range(len(wijk_list))])
    add("R", [f"d{d}" for d in range(len(tree))])

    cells = []
    relations = []
    for name, people in areas.items():
        cells.append(Cell(key(name, "vsv"), sum(p for p, _ in people), len(people)))
        incomes = sorted((i for _, i in people), reverse=True)
        cells.append(
            Cell(
                key(name, "inkomen"), None, len(people), total=sum(incomes), top=tuple(incomes[:3])
            )
        )
    for measure in ("vsv", "inkomen"):
        for name, members in children.items():
            relations.append(relation(name, *members, measure=measure))
    return cells, relations


def unsafe(c: Cell, rules: Rules) -> bool:
    """The primary rules, restated independently of the module."""
    m, d = rules.min_count, c.denominator
    counts = [d]
    if c.numerator is not None:
        counts += [c.numerator, d - c.numerator]
    if d > 0 and any(0 < n < m for n in counts):
        return True
    if c.total is not None and d > 0 and c.total > 0:
        for n, k in rules.dominance:
            if len(c.top) < n or sum(c.top[:n]) > k * c.total:
                return True
    return False


@settings(deadline=None, max_examples=150)
@given(tree=districts, rules=rules_st)
def test_random_hierarchies_leave_nothing_recomputable(tree, rules):
    cells, relations = build(tree)
    verdicts = check(cells, relations, rules)
    hidden = {v.key for v in verdicts if v.suppressed}

    for rel in relations:
        assert len(hidden.intersection(rel.keys)) != 1, rel.label
    assert recomputable(verdicts, relations) == []

    for v in verdicts:
        assert v.primary == unsafe(v.cell, rules), v
        if v.primary:
            assert v.suppressed
        if v.suppressed:
            assert (v.numerator, v.denominator, v.total, v.ratio) == (None, None, None, None)
        elif rules.round_to is None:
            assert v.decision is Decision.PUBLISHED
            assert (v.numerator, v.denominator) == (v.cell.numerator, v.cell.denominator)
        else:
            assert v.decision is Decision.ROUNDED
            assert v.denominator is not None and v.denominator % 5 == 0
            assert abs(v.denominator - v.cell.denominator) <= 2.5

    # Deterministic, and independent of the order of the cells.
    again = check(list(reversed(cells)), relations, rules)
    assert {v.key: v.decision for v in again} == {v.key: v.decision for v in verdicts}


@settings(max_examples=300, deadline=None)
@given(
    numerator=st.integers(min_value=0, max_value=400),
    extra=st.integers(min_value=2, max_value=400),
    top=st.integers(min_value=10_000, max_value=100_000),
)
def test_no_reason_states_a_count_or_a_share(numerator, extra, top):
    """A reason travels with the output: it names the rule broken (and its limit), never a
    count of the cell, its complement, its total or a share of it."""
    denominator = numerator + extra
    cells = [
        cell("Bloemhof", numerator, denominator),
        income("Haven", denominator, top + 10_000 * (denominator - 1), (top, 10_000)),
    ]
    limits = {"10", "50%", "85%", "2"}
    for verdict in check(cells):
        words = {w.strip("(),%") for w in verdict.reason.replace("%", "% ").split()}
        numbers = {w for w in words if any(ch.isdigit() for ch in w)}
        assert numbers <= {x.strip("%") for x in limits}, verdict.reason
