"""Chart and map specs for the reports: valid Vega-Lite, Dutch numbers, accessible, and
rendered offline to byte-identical SVG; the map on the real 2024 buurten of Charlois."""

from __future__ import annotations

import copy
import functools
import json
import os
import re
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
    status_bar,
)
from koers.present.maps import wijk_map
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


def test_description_is_one_exact_dutch_sentence() -> None:
    spec = series_chart(PERCENT, LINES, trajectory=TRAJECTORY)
    assert spec["description"] == (
        "Lijngrafiek van jongeren met een startkwalificatie voor Zuid, G4 en Rotterdam, "
        "2011 tot 2020."
    )
    # the rendered SVG carries it as its accessible name
    assert 'aria-label="Lijngrafiek van jongeren met een startkwalificatie' in to_svg(spec)
    one = series_chart(COUNT, [Line("Zuid", [("2021", 5.0)], "area")], trajectory=None)
    assert one["description"] == "Lijngrafiek van verbeterde woningen voor Zuid, 2021."


def test_screen_readers_hear_every_part_of_a_chart_in_dutch() -> None:
    svg = to_svg(series_chart(PERCENT, LINES, trajectory=TRAJECTORY))
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    roles = set(re.findall(r'aria-roledescription="([^"]*)"', svg))
    assert "Horizontale as met 21 waarden: 2011, 2012, 2013, 2014, 2015 … 2031" in labels
    assert "Verticale as '%' van 60 tot 80" in labels
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
    spec = series_chart(
        PERCENT,
        [
            Line(
                "Zuid",
                [("2021-10-01", 4.0), ("2020", 1.0), ("2021", 3.0), ("2020/2021", 2.0)],
                "area",
            )
        ],
        trajectory=None,
    )
    x = spec["layer"][0]["encoding"]["x"]
    # in time order, in Dutch (short on the axis)
    assert x["scale"]["domain"] == ["2020", "2020/2021", "2021", "1-10-2021"]
    # the line is drawn in that order too, not in the order of the input
    rows = spec["data"]["values"]
    assert [r["periode"] for r in sorted(rows, key=lambda r: r["volgorde"])] == x["scale"]["domain"]
    assert spec["layer"][0]["encoding"]["order"]["field"] == "volgorde"
    assert spec["description"].endswith(", 2020 tot 1 oktober 2021.")


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


def test_trajectory_years_sit_on_the_area_s_own_periods() -> None:
    spec = series_chart(
        PERCENT,
        [
            Line("Zuid", [("2020/2021", 50.0), ("2021/2022", 52.0)], "area"),
            Line("G4", [("2021", 60.0), ("2022", 61.0)], "reference"),
        ],
        trajectory={2021: 50.0, 2022: 53.0, 2023: 56.0},
    )
    trajectory = [r["periode"] for r in spec["data"]["values"] if r["serie"] == "op schema"]
    assert trajectory == ["2020/2021", "2021/2022", "2023"]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [
        "2020/2021",
        "2021",
        "2021/2022",
        "2022",
        "2023",
    ]


def test_dutch_numbers_on_the_axis_and_in_the_tooltips() -> None:
    spec = series_chart(
        PERCENT,
        [Line("Zuid", [("2020", 12.2), ("2021", 12.5), ("2022", 12.8)], "area")],
        trajectory=None,
    )
    svg = assert_valid(spec)
    assert "12,5" in texts(svg)
    assert not any(re.fullmatch(r"\d+\.\d", t) for t in texts(svg))
    assert [r["tekst"] for r in spec["data"]["values"]] == ["12,2%", "12,5%", "12,8%"]

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
        ("index", "index"),
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
        assert (
            spec["description"]
            == "Lijngrafiek van jongeren met een startkwalificatie: geen gegevens."
        )
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
