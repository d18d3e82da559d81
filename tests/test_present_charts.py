"""Chart and map specs for the reports: valid Vega-Lite, Dutch numbers, accessible, and
rendered offline to byte-identical SVG; the map on the real 2024 buurten of Charlois."""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import altair as alt
import jsonschema  # type: ignore[import-untyped]
import pytest
import vl_convert

from koers.plan.model import Indicator
from koers.present.charts import (
    PHONE_WIDTH,
    STATUS_COLOURS,
    STRONG,
    TRAJECTORY_DASH,
    VEGA_LITE_VERSION,
    Line,
    period_key,
    series_chart,
)
from koers.present.maps import wijk_map
from koers.present.statusbar import status_bar
from koers.present.svg import to_svg

from .conftest import ROOT

EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"
BUURTEN_2024 = EXTERNAL / "boundaries" / "rotterdam_buurten_2024_wgs84.geojson"
CHARLOIS = {  # the CBS buurten of Charlois (names as in plans/nprz-2023-2027/01-areas.yaml)
    "BU05991570": "Charlois Zuidrand",
    "BU05991571": "Tarwewijk",
    "BU05991572": "Carnisse",
    "BU05991573": "Zuidwijk",
    "BU05991574": "Oud Charlois",
    "BU05991575": "Wielewaal",
    "BU05991576": "Zuidplein",
    "BU05991577": "Pendrecht",
    "BU05991578": "Zuiderpark",
    "BU05991593": "Heijplaat",
}

PERCENT = Indicator(
    id="startkwalificatie",
    name="jongeren met een startkwalificatie",
    kind="effect",
    unit="percent",
    polarity="higher_is_better",
    decimals=1,
)
COUNT = Indicator(
    id="woningen",
    name="verbeterde woningen",
    kind="output",
    unit="count",
    polarity="higher_is_better",
    decimals=0,
)
LINES = [
    Line("Rotterdam", [("2011", 66.0), ("2015", 69.0), ("2020", 75.0)], "other"),
    Line("G4", [("2011", 70.2), ("2015", 74.0), ("2020", 78.5)], "reference"),
    Line("Zuid", [("2011", 60.0), ("2015", 65.5), ("2020", 72.5)], "area"),
]
TRAJECTORY = {year: 60.0 + (78.5 - 60.0) * (year - 2011) / 20 for year in range(2011, 2032)}


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(alt.vegalite.v6.schema.core.load_schema())


def assert_valid(spec: dict[str, Any]) -> str:
    """Valid against the Vega-Lite schema, and renders to SVG; returns the SVG."""
    errors = [e.message[:300] for e in _validator().iter_errors(spec)]
    assert errors == []
    svg = to_svg(spec)
    assert svg.startswith("<svg")
    return svg


def texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


def charlois() -> dict[str, dict[str, Any]]:
    if not BUURTEN_2024.exists():
        pytest.skip(f"{BUURTEN_2024} is not there")
    document = json.loads(BUURTEN_2024.read_text(encoding="utf-8"))
    return {
        f["properties"]["buurtcode"]: f["geometry"]
        for f in document["features"]
        if f["properties"]["buurtcode"].startswith("BU059915")
    }


# --------------------------------------------------------------------------- series


def test_series_chart_is_valid_vega_lite_and_renders() -> None:
    spec = series_chart(PERCENT, LINES, trajectory=TRAJECTORY, title="Startkwalificatie")
    svg = assert_valid(spec)
    assert spec["width"] == 480 and spec["height"] == 220
    shown = texts(svg)
    for name in ("Zuid", "G4", "Rotterdam", "op schema", "Startkwalificatie", "%"):
        assert name in shown
    assert "2031" in shown  # the trajectory runs to its target year


def test_description_states_the_chart_s_message_in_one_dutch_sentence() -> None:
    spec = series_chart(PERCENT, LINES, trajectory=TRAJECTORY)
    assert spec["description"] == (
        "jongeren met een startkwalificatie: Zuid steeg van 60,0% (2011) naar 72,5% (2020); "
        "ter vergelijking G4 78,5% (2020) en Rotterdam 75,0% (2020); "
        "het plan beoogt 78,5% in 2031."
    )
    # the SVG is the image, named by the message; its title is the PDF figure's Alt text
    svg = to_svg(spec)
    assert (
        "<svg" in svg and 'role="img" aria-label="jongeren met een startkwalificatie: Zuid' in svg
    )
    assert "<title>jongeren met een startkwalificatie: Zuid steeg van 60,0% (2011)" in svg
    one = series_chart(COUNT, [Line("Zuid", [("2021", 5.0)], "area")], trajectory=None)
    assert one["description"] == "verbeterde woningen: Zuid 5 (2021)."
    falling = series_chart(
        PERCENT,
        [Line("Zuid", [("2014", 40.0), ("2018", 37.0), ("2022", 35.0)], "area")],
        trajectory={2022: 35.0, 2027: 32.0},
    )
    assert falling["description"] == (
        "jongeren met een startkwalificatie: Zuid daalde van 40,0% (2014) naar 35,0% (2022); "
        "het plan beoogt 32,0% in 2027."
    )


def test_screen_readers_hear_every_part_of_a_chart_in_dutch() -> None:
    svg = to_svg(series_chart(PERCENT, LINES, trajectory=TRAJECTORY))
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    roles = set(re.findall(r'aria-roledescription="([^"]*)"', svg))
    assert "Horizontale as: de tijd van 2010 tot 2032" in labels  # the axis, with its margins
    assert "Verticale as '%' van 0 tot 80" in labels
    assert "Legenda met 4 waarden: Zuid, G4, Rotterdam, op schema" in labels
    assert roles == {"as", "legenda", "groep", "lijnen", "punten", "lijn", "punt"}
    english = ("axis", "legend", "scale", "values", "mark", "container", "ending")
    assert [label for label in labels if any(word in label for word in english)] == []


def test_a_phone_chart_is_drawn_narrow_enough_to_keep_its_11_px_text() -> None:
    def width(svg: str) -> float:
        found = re.search(r'<svg[^>]*\bwidth="([0-9.]+)"', svg)
        assert found
        return float(found[1])

    wide = to_svg(series_chart(PERCENT, LINES, trajectory=TRAJECTORY))
    phone_spec = series_chart(PERCENT, LINES, trajectory=TRAJECTORY, width=PHONE_WIDTH)
    phone = assert_valid(phone_spec)
    # a 360 px phone has about 330 px beside the page's margins: drawn at its own size
    assert width(phone) <= 330 < width(wide)
    assert set(re.findall(r'font-size="([^"]+)"', phone)) == {"11px"}
    assert phone_spec["layer"][0]["encoding"]["color"]["legend"]["columns"] == 1


def test_series_area_first_then_references_then_others_each_with_its_own_shape() -> None:
    spec = series_chart(PERCENT, LINES, trajectory=TRAJECTORY)
    line, points = spec["layer"]
    domain = line["encoding"]["color"]["scale"]["domain"]
    assert domain == ["Zuid", "G4", "Rotterdam", "op schema"]
    colours = line["encoding"]["color"]["scale"]["range"]
    assert colours[0] == STRONG
    assert len(set(colours)) == 4
    shapes = points["encoding"]["shape"]["scale"]["range"]
    dashes = line["encoding"]["strokeDash"]["scale"]["range"]
    pairs = {(shape, json.dumps(dash)) for shape, dash in zip(shapes, dashes, strict=True)}
    assert len(pairs) == 4  # never told apart by colour alone
    widths = line["encoding"]["strokeWidth"]["scale"]["range"]
    assert widths[0] == max(widths)  # the area's line is the strongest
    # the legend merges colour, shape and dash under one (untitled) legend
    assert line["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_many_series_still_differ_in_shape_or_dash() -> None:
    lines = [Line(f"wijk {i}", [("2020", float(i)), ("2021", i + 1.0)], "other") for i in range(20)]
    spec = series_chart(PERCENT, lines, trajectory={2020: 1.0, 2021: 2.0})
    line, points = spec["layer"]
    shapes = points["encoding"]["shape"]["scale"]["range"]
    dashes = line["encoding"]["strokeDash"]["scale"]["range"]
    assert len({(s, json.dumps(d)) for s, d in zip(shapes, dashes, strict=True)}) == 21
    assert assert_valid(spec)


def test_periods_are_ordered_by_the_year_they_count_for_then_by_text() -> None:
    assert sorted(["2021-10-01", "2021", "2020/2021", "2020", "2019/2020"], key=period_key) == [
        "2019/2020",  # counts for 2020, and "2019/2020" < "2020"
        "2020",
        "2020/2021",  # a school year counts for the year it ends in
        "2021",
        "2021-10-01",
    ]


def tick_labels(spec: dict[str, Any]) -> list[str]:
    """The labels the x-axis writes at its ticks, in the axis's order."""
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    labels = []
    for day in axis["values"]:
        assert day["utc"] is True
        value = int(datetime(day["year"], day["month"], day["date"], tzinfo=UTC).timestamp() * 1000)
        found = re.search(rf"time\(datum\.value\) == {value} \? '([^']*)'", axis["labelExpr"])
        assert found, (axis["labelExpr"], value)
        labels.append(found[1])
    return labels


def test_time_is_on_a_time_axis_placed_by_when_each_period_lies() -> None:
    spec = series_chart(
        PERCENT,
        [
            Line(
                "Zuid",
                [("2021-10-01", 4.0), ("2011", 1.0), ("2021", 3.0), ("2020/2021", 2.0)],
                "area",
            )
        ],
        trajectory=None,
    )
    x = spec["layer"][0]["encoding"]["x"]
    assert x["type"] == "temporal" and x["scale"]["type"] == "utc"
    rows = sorted(spec["data"]["values"], key=lambda r: r["tijd"])
    assert [r["periode"] for r in rows] == ["2011", "2020/2021", "2021", "1 oktober 2021"]
    ms = [r["tijd"] for r in rows]
    year = 365.25 * 86_400_000
    # ten years from 2011 to 2021 take ten years of axis, not one step like any other
    assert (ms[2] - ms[0]) / year == pytest.approx(10, abs=0.01)
    # a school year (August to July) in its middle, a reference date on its day
    assert (ms[2] - ms[1]) / year == pytest.approx(5 / 12, abs=0.01)
    assert (ms[3] - ms[2]) / year == pytest.approx(3 / 12, abs=0.01)
    start, end = (
        datetime(d["year"], d["month"], d["date"], tzinfo=UTC).timestamp() * 1000
        for d in x["scale"]["domain"]
    )
    assert start < ms[0] and ms[-1] < end
    labels = tick_labels(spec)
    assert set(labels) <= {"2011", "2020/2021", "2021", "1-10-2021"}
    assert labels[0] == "2011" and labels[-1] == "1-10-2021"
    assert "2021-10-01" not in json.dumps(spec)  # no ISO date anywhere a reader looks
    assert spec["description"].endswith("naar 4,0% (1 oktober 2021).")


def test_school_years_are_labelled_as_school_years() -> None:
    spec = series_chart(
        PERCENT,
        [Line("Zuid", [(f"{y}/{y + 1}", 80.0 + y - 2019) for y in range(2019, 2023)], "area")],
        trajectory={2023: 84.0, 2024: 85.0},
    )
    labels = tick_labels(spec)
    assert labels == ["2019/2020", "2020/2021", "2021/2022", "2022/2023", "2023/2024"]
    svg = assert_valid(spec)
    assert {"2019/2020", "2023/2024"} <= set(texts(svg))
    assert not {"2020", "2023", "2024"} & set(texts(svg))
    assert spec["description"].endswith("; het plan beoogt 85,0% in 2023/2024.")


def test_trajectory_is_a_dashed_line_labelled_op_schema() -> None:
    spec = series_chart(PERCENT, LINES, trajectory=TRAJECTORY)
    line = spec["layer"][0]["encoding"]
    domain = line["strokeDash"]["scale"]["domain"]
    dash = line["strokeDash"]["scale"]["range"][domain.index("op schema")]
    assert dash == TRAJECTORY_DASH
    assert all(
        d != TRAJECTORY_DASH
        for n, d in zip(domain, line["strokeDash"]["scale"]["range"], strict=True)
        if n != "op schema"
    )
    trajectory = [r for r in spec["data"]["values"] if r["serie"] == "op schema"]
    assert [r["periode"] for r in trajectory] == [str(y) for y in range(2011, 2032)]
    assert trajectory[-1]["waarde"] == pytest.approx(78.5)
    svg = to_svg(spec)
    dashed = re.findall(r'<path[^>]*stroke-dasharray="6,4"[^>]*>', svg)
    assert any('aria-label="op schema"' in p for p in dashed)
    # no trajectory: no such line
    without = series_chart(PERCENT, LINES, trajectory=None)
    assert "op schema" not in without["layer"][0]["encoding"]["color"]["scale"]["domain"]


def test_trajectory_years_sit_on_the_area_s_own_kind_of_period() -> None:
    spec = series_chart(
        PERCENT,
        [
            Line("Zuid", [("2020/2021", 50.0), ("2021/2022", 52.0)], "area"),
            Line("G4", [("2021", 60.0), ("2022", 61.0)], "reference"),
        ],
        trajectory={2021: 50.0, 2022: 53.0, 2023: 56.0},
    )
    trajectory = [r["periode"] for r in spec["data"]["values"] if r["serie"] == "op schema"]
    assert trajectory == ["2020/2021", "2021/2022", "2022/2023"]
    reference_dates = series_chart(
        PERCENT,
        [Line("Zuid", [("2022-12-31", 40.3)], "area")],
        trajectory={2023: 40.0, 2031: 32.0},
    )
    planned = [r["periode"] for r in reference_dates["data"]["values"] if r["serie"] == "op schema"]
    assert planned == ["31 december 2023", "31 december 2031"]


def test_dutch_numbers_on_the_axis_and_in_the_tooltips() -> None:
    spec = series_chart(
        PERCENT,
        [Line("Zuid", [("2020", 1.2), ("2021", 2.5), ("2022", 3.8)], "area")],
        trajectory=None,
    )
    svg = assert_valid(spec)
    assert "2,5" in texts(svg)
    assert not any(re.fullmatch(r"\d+\.\d", t) for t in texts(svg))
    assert [r["tekst"] for r in spec["data"]["values"]] == ["1,2%", "2,5%", "3,8%"]

    counts = series_chart(
        COUNT,
        [Line("Zuid", [("2020", 0.0), ("2021", 1500.0), ("2022", 2500.0)], "area")],
        trajectory={2020: 0.0, 2022: 3000.0},
    )
    svg = assert_valid(counts)
    assert "1.000" in texts(svg) and "aantal" in texts(svg)
    assert not any("," in t for t in texts(svg) if re.fullmatch(r"[\d.,]+", t))
    # the spec carries the locale itself (config.locale): so does the dashboard
    bare = vl_convert.vegalite_to_svg(counts, vl_version=VEGA_LITE_VERSION)
    assert "1.000" in texts(bare)


@pytest.mark.parametrize(
    ("unit", "title"),
    [
        ("percent", "%"),
        ("count", "aantal"),
        ("euro", "€"),
        ("index", "index, as begint niet bij 0"),
        ("per_1000", "per 1.000"),
    ],
)
def test_y_axis_is_titled_with_the_unit_in_dutch(unit: str, title: str) -> None:
    indicator = PERCENT.model_copy(update={"unit": unit})
    spec = series_chart(indicator, LINES, trajectory=None)
    assert spec["layer"][0]["encoding"]["y"]["title"] == title


def test_no_points_at_all_say_geen_gegevens() -> None:
    for lines in ([], [Line("Zuid", [], "area")], [Line("Zuid", [("2020", float("nan"))], "area")]):
        spec = series_chart(PERCENT, lines, trajectory={2020: 1.0}, title="Startkwalificatie")
        assert spec["description"] == "jongeren met een startkwalificatie: geen gegevens."
        svg = assert_valid(spec)
        assert "Geen gegevens" in texts(svg)
        assert "role-axis" not in svg and "mark-line" not in svg
        assert (spec["width"], spec["height"]) == (480, 220)


def test_lines_without_points_are_left_out_and_names_must_differ() -> None:
    spec = series_chart(PERCENT, [*LINES, Line("Noord", [], "other")], trajectory=None)
    assert "Noord" not in spec["description"]
    with pytest.raises(ValueError, match="'Zuid'"):
        series_chart(PERCENT, [*LINES, Line("Zuid", [("2020", 1.0)], "other")], trajectory=None)
    with pytest.raises(ValueError, match="occurs twice"):
        series_chart(
            PERCENT, [Line("Zuid", [("2020", 1.0), ("2020", 2.0)], "area")], trajectory=None
        )


def test_series_chart_is_deterministic() -> None:
    a = series_chart(PERCENT, LINES, trajectory=TRAJECTORY, title="T")
    b = series_chart(
        PERCENT, copy.deepcopy(LINES), trajectory=dict(reversed(TRAJECTORY.items())), title="T"
    )
    assert json.dumps(a, sort_keys=False) == json.dumps(b, sort_keys=False)
    first, second = to_svg(a), to_svg(b)
    assert first == second
    assert to_svg(status_bar({"groen": 1})) == to_svg(status_bar({"groen": 1}))


def test_counts_and_shares_start_at_zero_other_units_say_they_do_not() -> None:
    close = [Line("Zuid", [("2020", 91.6), ("2021", 92.0), ("2022", 92.3)], "area")]
    for indicator in (PERCENT, COUNT, PERCENT.model_copy(update={"unit": "euro"})):
        y = series_chart(indicator, close, trajectory=None)["layer"][0]["encoding"]["y"]
        assert y["scale"]["zero"] is True
        assert "niet bij 0" not in y["title"]
    svg = to_svg(series_chart(PERCENT, close, trajectory=None))
    assert "0" in texts(svg)  # the axis is labelled down to zero
    score = PERCENT.model_copy(update={"unit": "score"})
    y = series_chart(score, close, trajectory=None)["layer"][0]["encoding"]["y"]
    assert y["scale"]["zero"] is False and y["title"] == "score, as begint niet bij 0"
    # marked otherwise by the caller: then the chart says so too
    y = series_chart(PERCENT, close, trajectory=None, from_zero=False)["layer"][0]["encoding"]["y"]
    assert y["scale"]["zero"] is False and y["title"] == "%, as begint niet bij 0"


def test_a_single_observation_is_a_labelled_point_above_a_zero_axis() -> None:
    spec = series_chart(
        PERCENT,
        [
            Line("Zuid", [("2020", 22.2)], "area"),
            Line("G4", [("2020", 21.9)], "reference"),
            Line("Rotterdam", [("2020", 18.9)], "other"),
        ],
        trajectory=None,
    )
    svg = assert_valid(spec)
    assert {"22,2%", "21,9%", "18,9%"} <= set(texts(svg))  # each value written at its point
    # two labels as close as 22,2 and 21,9 go to either side of their points
    labels = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert sorted(layer["mark"]["align"] for layer in labels) == ["left", "right"]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["zero"] is True
    assert "role-axis" in svg and 'aria-roledescription="lijn"' not in svg
    # not from zero (a score): the scale is padded, so the point does not sit on the axis
    score = PERCENT.model_copy(update={"unit": "score"})
    one = series_chart(score, [Line("Zuid", [("2020", 7.1)], "area")], trajectory=None)
    assert one["layer"][0]["encoding"]["y"]["scale"]["padding"] > 0
    assert "7,1" in texts(assert_valid(one))


def test_two_observations_are_points_not_a_line_and_the_legend_says_so() -> None:
    spec = series_chart(
        PERCENT,
        [
            Line("Zuid", [("2011", 24.1), ("2020", 22.2)], "area"),
            Line("G4", [("2011", 17.0), ("2015", 16.5), ("2020", 16.2)], "reference"),
        ],
        trajectory={2011: 24.1, 2020: 20.1},
    )
    joined = {r["serie"] for r in spec["data"]["values"] if r["verbonden"]}
    assert joined == {"G4", "op schema"}  # three measurements, and the plan's path
    assert spec["layer"][0]["transform"] == [{"filter": "datum.verbonden"}]
    svg = assert_valid(spec)
    line_paths = [
        re.search(r'aria-label="([^"]*)"', path)[1]  # type: ignore[index]
        for path in re.findall(r'<path[^>]*aria-roledescription="lijn"[^>]*>', svg)
    ]
    assert sorted(line_paths) == ["G4", "op schema"]
    assert "Zuid (losse metingen)" in texts(svg)
    assert "G4" in texts(svg) and "G4 (losse metingen)" not in texts(svg)


def test_each_area_keeps_its_colour_and_shape_in_every_chart() -> None:
    from koers.areas import Observation
    from koers.assess import ObservationIndex, evaluate
    from koers.present import area_styles, chart_lines

    from .helpers import make_plan

    plan = make_plan(
        {
            "id": "a",
            "target": {
                "kind": "reach_reference",
                "reference_area": "g2",
                "baseline_year": 2011,
                "target_year": 2031,
            },
        },
        {"id": "b", "target": {"kind": "monitor_only"}},
    )
    plan = plan.model_copy(
        update={"programme": plan.programme.model_copy(update={"city": "rotterdam"})}
    )
    index = ObservationIndex(
        [
            Observation(i, area, year, value)
            for i in ("a", "b")
            for area, value in (("zuid", 20.0), ("rotterdam", 15.0), ("g2", 12.0))
            for year in ("2011", "2015", "2020")
        ]
    )
    drawn = {}
    for assessment in evaluate(plan, index):
        lines = chart_lines(plan, index, plan.indicator(assessment.indicator), assessment)
        spec = series_chart(plan.indicator(assessment.indicator), lines, trajectory=None)
        line, points = spec["layer"][:2]
        domain = line["encoding"]["color"]["scale"]["domain"]
        colours = line["encoding"]["color"]["scale"]["range"]
        shapes = points["encoding"]["shape"]["scale"]["range"]
        drawn[assessment.indicator] = dict(
            zip(domain, zip(colours, shapes, strict=True), strict=True)
        )
    assert set(drawn["a"]) == {"Zuid", "G2", "Rotterdam"}
    assert set(drawn["b"]) == {"Zuid", "Rotterdam"}  # no G2 in this chart
    assert drawn["a"]["Rotterdam"] == drawn["b"]["Rotterdam"]
    assert drawn["a"]["Zuid"] == drawn["b"]["Zuid"] == (STRONG, "circle")
    assert drawn["a"]["G2"] != drawn["a"]["Rotterdam"]
    assert drawn["b"]["Rotterdam"] != drawn["a"]["G2"]  # never the reference's style
    styles = area_styles(plan)
    assert (styles["rotterdam"].colour, styles["rotterdam"].shape) == drawn["b"]["Rotterdam"]


def test_the_planned_path_runs_between_the_plan_s_milestones_only() -> None:
    """The bijstand share: 40,3% at the end of 2022; the plan judged 2022 against the
    previous period's 37,4% and asks under 40% in 2023, 32% in 2031. The path must not rise
    from 37,4 to 40 before it falls."""
    from koers.areas import Observation
    from koers.assess import evaluate

    from .helpers import make_plan

    target = {
        "kind": "proportional_share",
        "reference_share": 32,
        "baseline_year": 2022,
        "target_year": 2031,
        "milestones": [{"year": 2022, "value": 37.4}, {"year": 2023, "value": 40}],
    }
    plan = make_plan({"id": "b", "decimals": 1, "target": target})
    (assessment,) = evaluate(plan, [Observation("b", "zuid", "2022-12-31", 40.3)])
    assert assessment.expected == pytest.approx(37.4)  # 2022 is still judged as intended
    path = sorted(assessment.trajectory.items())
    assert path[0] == (2023, pytest.approx(40.0)) and path[-1] == (2031, pytest.approx(32.0))
    spec = series_chart(
        plan.indicator("b"),
        [Line("Zuid", [("2022-12-31", 40.3)], "area")],
        trajectory=assessment.trajectory,
    )
    planned = sorted(
        (r["tijd"], r["waarde"]) for r in spec["data"]["values"] if r["serie"] == "op schema"
    )
    values = [v for _, v in planned]
    assert values == sorted(values, reverse=True)  # never rises
    assert planned[0][0] > next(r["tijd"] for r in spec["data"]["values"] if r["serie"] == "Zuid")
    assert spec["description"] == (
        "B: Zuid 40,3% (31 december 2022); het plan beoogt 40,0% in 2023 en 32,0% in 2031."
    )
    assert tick_labels(spec) == ["31-12-2022", "31-12-2023", "31-12-2031"]


# --------------------------------------------------------------------------- status bar


def test_status_bar_labels_every_segment_with_number_and_word() -> None:
    spec = status_bar({"groen": 3, "oranje": 5, "rood": 2, "grijs": 1})
    svg = assert_valid(spec)
    assert {"3 groen", "5 oranje", "2 rood", "1 grijs"} <= set(texts(svg))
    for colour in STATUS_COLOURS.values():
        assert f'fill="{colour}"' in svg
    assert spec["description"] == (
        "Staafdiagram van de status van 11 indicatoren: 3 groen, 5 oranje, 2 rood en 1 grijs."
    )
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"] == [
        "#2e7d32",
        "#ef6c00",
        "#c62828",
        "#757575",
    ]


@pytest.mark.parametrize(
    ("wide", "narrow"),
    [("grijs", ("groen", "oranje", "rood")), ("groen", ("oranje", "rood", "grijs"))],
)
def test_status_bar_puts_labels_of_narrow_segments_below_without_overlap(
    wide: str, narrow: tuple[str, ...]
) -> None:
    spec = status_bar({wide: 1000, **dict.fromkeys(narrow, 1)})
    svg = assert_valid(spec)
    assert {f"1.000 {wide}", *(f"1 {s}" for s in narrow)} <= set(texts(svg))
    rows = {r["status"]: r for r in spec["data"]["values"]}
    assert rows[wide]["binnen"] and not any(rows[s]["binnen"] for s in narrow)
    scale = 1003 / 480
    lefts = [rows[s]["tekst_x"] / scale for s in narrow]
    widths = [len(rows[s]["label"]) * 7 for s in narrow]
    assert all(a + w < b for a, w, b in zip(lefts, widths, lefts[1:], strict=False))
    assert all(x >= 0 and x + w <= 480 for x, w in zip(lefts, widths, strict=True))


def test_status_bar_leaves_out_zero_and_says_geen_gegevens_for_nothing() -> None:
    spec = status_bar({"groen": 0, "rood": 4})
    assert [r["status"] for r in spec["data"]["values"]] == ["rood"]
    assert "0 groen" in spec["description"]
    assert texts(assert_valid(spec)) == ["4 rood"]
    assert "Geen gegevens" in texts(assert_valid(status_bar({})))
    with pytest.raises(ValueError, match="unknown status paars"):
        status_bar({"paars": 1})
    with pytest.raises(ValueError, match="negative"):
        status_bar({"groen": -1})


# --------------------------------------------------------------------------- map


def test_wijk_map_of_charlois_highlights_tarwewijk() -> None:
    boundaries = charlois()
    assert len(boundaries) == 10
    spec = wijk_map(boundaries, CHARLOIS, "BU05991571")
    assert spec["projection"] == {"type": "mercator"}
    assert spec["description"] == "Kaart van 10 gebieden; Tarwewijk is gemarkeerd."
    svg = assert_valid(spec)
    shapes = re.findall(r'<path\b[^>]*aria-roledescription="geoshape"[^>]*>', svg)
    assert len(shapes) == 10  # a path per buurt
    labels = {re.search(r'aria-label="([^"]*)"', p)[1] for p in shapes}  # type: ignore[index]
    assert labels == {n for n in CHARLOIS.values() if n != "Tarwewijk"} | {"Tarwewijk (gemarkeerd)"}
    assert "Tarwewijk" in texts(svg)
    tarwewijk = next(p for p in shapes if "Tarwewijk" in p)
    assert f'fill="{STRONG}"' in tarwewijk and 'stroke="#ffffff"' in tarwewijk
    assert all('fill="#e0e0e0"' in p for p in shapes if p is not tarwewijk)
    # fitted: the buurten fill the 480 pixels wide frame (no world map, no tiles)
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg)[1])  # type: ignore[index]
    assert 480 <= width < 520
    assert "http" not in svg.replace("http://www.w3.org", "")


def test_wijk_map_label_lies_inside_the_highlighted_area() -> None:
    from koers.present.maps import _inside, _polygons

    boundaries = charlois()
    spec = wijk_map(boundaries, CHARLOIS, "BU05991571")
    label = spec["layer"][-1]["data"]["values"][0]
    polygon = _polygons(boundaries["BU05991571"])[0]
    assert label["naam"] == "Tarwewijk"
    assert _inside(label["lon"], label["lat"], polygon)


def test_wijk_map_choropleth_names_missing_values() -> None:
    boundaries = charlois()
    values = {code: 10.0 + i * 2.5 for i, code in enumerate(sorted(boundaries)) if i % 4}
    values["BU00000000"] = 99.0  # no boundary: not drawn
    spec = wijk_map(boundaries, CHARLOIS, "BU05991571", values, "Huishoudens met schulden (%)")
    svg = assert_valid(spec)
    shown = texts(svg)
    assert "Huishoudens met schulden (%)" in shown
    assert "geen gegevens" in shown and "Tarwewijk" in shown
    assert any(re.fullmatch(r"\d+,\d", t) or re.fullmatch(r"\d+", t) for t in shown)
    shapes = re.findall(r'<path\b[^>]*aria-roledescription="geoshape"[^>]*>', svg)
    assert len(shapes) == 10
    assert len(re.findall(r'<path\b[^>]*stroke="#000000" stroke-width="2.5"', svg)) == 1  # outline
    missing = [p for p in shapes if "geen gegevens" in p]
    assert len(missing) == 10 - (len(values) - 1)
    assert all('fill="#bdbdbd"' in p for p in missing)
    assert spec["description"] == (
        "Kaart van 10 gebieden met Huishoudens met schulden (%) (7 met een waarde); "
        "Tarwewijk is gemarkeerd."
    )


def test_wijk_map_accepts_either_ring_orientation() -> None:
    square = [[4.48, 51.88], [4.48, 51.89], [4.49, 51.89], [4.49, 51.88], [4.48, 51.88]]
    clockwise = {"a": {"type": "Polygon", "coordinates": [square]}}
    counter = {"a": {"type": "Polygon", "coordinates": [square[::-1]]}}  # RFC 7946
    specs = [wijk_map(b, {"a": "A"}, "a") for b in (clockwise, counter)]
    assert specs[0]["layer"][0]["data"] == specs[1]["layer"][0]["data"]
    svg = to_svg(specs[1])
    path = re.search(r'<path\b[^>]*aria-roledescription="geoshape"[^>]*\bd="([^"]+)"', svg)
    assert path is not None and path[1].count("L") <= 5  # the square, not the world minus it


def test_wijk_map_errors_and_empty() -> None:
    with pytest.raises(ValueError, match="highlight 'x' has no boundary"):
        wijk_map({}, {}, "x")
    assert "Geen gegevens" in texts(assert_valid(wijk_map({}, {}, None)))


def test_wijk_map_is_deterministic() -> None:
    boundaries = charlois()
    shuffled = dict(reversed(list(boundaries.items())))
    a = wijk_map(boundaries, CHARLOIS, "BU05991571", {"BU05991571": 3.5}, "x")
    b = wijk_map(shuffled, CHARLOIS, "BU05991571", {"BU05991571": 3.5}, "x")
    assert a == b
    first, second = to_svg(a), to_svg(b)
    assert first == second
    # ids (clip paths, gradients) are stable and differ between two different charts
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids and all(i.startswith("k") for i in ids)
    other = re.findall(
        r'\bid="([^"]+)"', to_svg(wijk_map(boundaries, CHARLOIS, None, {"BU05991571": 1.0}, "y"))
    )
    assert not set(ids) & set(other)


# --------------------------------------------------------------------------- rendering


def test_to_svg_fetches_nothing() -> None:
    spec = {"data": {"url": "https://example.org/data.json"}, "mark": "point"}
    with pytest.raises(ValueError, match="not allowed"):
        to_svg(spec)


def test_a_single_line_is_drawn():
    indicator = Indicator.model_validate(
        {"id": "x", "name": "X", "kind": "effect", "unit": "percent", "polarity": "lower_is_better"}
    )
    svg = to_svg(
        series_chart(
            indicator, [Line("Zuid", [("2020", 10.0), ("2021", 9.0)], "area")], trajectory=None
        )
    )
    assert "NaN" not in svg


def test_a_choropleth_legend_gradient_is_drawn_in_the_coordinates_of_its_box() -> None:
    # WeasyPrint draws a gradient in bounding-box units as nothing: the PDF lost the scale
    values = {code: 10.0 + i for i, code in enumerate(sorted(charlois()))}
    svg = assert_valid(wijk_map(charlois(), CHARLOIS, None, values, "Aandeel (%)"))
    box = re.search(r'd="M0,0h([\d.]+)v[\d.]+h-[\d.]+Z" fill="url\(#([^)]+)\)"', svg)
    assert box is not None
    gradient = re.search(rf'<linearGradient id="{re.escape(box[2])}"[^>]*>', svg)
    assert gradient is not None and 'gradientUnits="userSpaceOnUse"' in gradient[0]
    assert f'x2="{float(box[1]):g}"' in gradient[0]
