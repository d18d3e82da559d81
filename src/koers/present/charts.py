"""Chart specifications that the reports and the website both show.

Every function is pure: it takes plain values and returns a Vega-Lite
(v6) specification as a dict, built by hand (no pandas, no Altair objects), so the same
input gives an identical dict. The dashboard can hand such a dict to Vega-Embed unchanged;
the reports render it with :func:`koers.present.svg.to_svg`, which uses ``vl-convert`` offline.

Conventions shared by all specs:

- Dutch numbers: ``config.locale.number`` sets the d3 locale to nl-NL (decimal ``,``,
  thousands ``.``), which both Vega-Embed and vl-convert honour, so axis and legend labels
  read ``12,5`` and ``1.000``. Texts shown in tooltips are formatted here with
  :mod:`koers.nl` (``12,4%``, ``€ 32.300``), not by Vega.
- Accessible: the ``description`` of every spec is its message in one Dutch sentence
  (:mod:`koers.present.messages`: where the area went, from when to when, compared with
  whom, and what the plan intends); it becomes the SVG's ``<title>`` and ``aria-label`` and
  the figure's Alt text in the PDF. Nothing is told by colour alone: the series of a line
  chart differ in point shape and, for the trajectory, in dash; the status bar and the map
  carry words.
- An empty chart is a text "Geen gegevens" of the same size, not an empty frame.

Honest axes (:func:`series_chart`):

- Time runs on a time axis (:mod:`koers.present.timeaxis`): ten years take twice the room of
  five, each period is labelled as the reader knows it (``2022/2023`` stays a school year).
- Counts, shares, amounts and rates start at zero; an index, a score, years or a ratio do
  not, and then the axis title says so ("score, as begint niet bij 0").
- A series of one observation is a point with its value written beside it; a series of two
  is two points, not joined: a straight line through two measurements would suggest a trend
  nobody measured. Its legend entry says "losse metingen". From three observations on, the
  points are joined.
- The planned path ("op schema") is drawn only over the years the target's trajectory
  covers, between the milestones the plan gives; its years sit on the area's own kind of
  period (a school year, the same reference date).
- Each area has one colour and shape everywhere (:mod:`koers.present.styles`), handed over
  on the :class:`Line`.

Periods are ordered by :func:`period_key`: the year of :func:`koers.plan.period.period_year`
(a school year for the year it ends in), then the text, so ``2020`` < ``2020/2021`` <
``2021`` < ``2021-10-01``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from koers import nl
from koers.plan.model import Indicator, Unit
from koers.plan.period import period_year
from koers.present import timeaxis
from koers.present.messages import chart_message, knots
from koers.present.styles import OTHERS, PROGRAMME_AREA, REFERENCES, SHAPES, SeriesStyle
from koers.present.styles import STRONG as STRONG  # the maps' highlight

VEGA_LITE_VERSION = "6.4"
"""The Vega-Lite version the specs are written for; :func:`to_svg` pins it in vl-convert."""

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

WIDTH = 480
PHONE_WIDTH = 250  # with its axis and padding about 320 px: a 360 px phone shows it unscaled
HEIGHT = 220

NUMBER_LOCALE: dict[str, Any] = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["€\u00a0", ""],
}
TIME_LOCALE: dict[str, Any] = {
    "dateTime": "%a %e %B %Y %X",
    "date": "%d-%m-%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
    "months": list(nl.MONTHS),
    "shortMonths": [
        "jan",
        "feb",
        "mrt",
        "apr",
        "mei",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ],
}

# The PDFs draw chart text in DejaVu Sans (the reports' font); Vega measures labels in the
# font it is given, so it is named here (a legend label measured in a narrower font ran
# into the next entry on paper); a browser without it falls back to its sans-serif.
FONT = "DejaVu Sans, sans-serif"
NO_DATA = "Geen gegevens"
TRAJECTORY_LABEL = "op schema"
LOOSE = "losse metingen"  # the legend's words for a series of two points, not joined

STATUSES = ("groen", "oranje", "rood", "grijs")
STATUS_COLOURS = {"groen": "#2e7d32", "oranje": "#ef6c00", "rood": "#c62828", "grijs": "#757575"}
# text on a segment: white where it contrasts enough (WCAG AA), black on orange
STATUS_TEXT_COLOURS = {
    "groen": "#ffffff",
    "oranje": "#000000",
    "rood": "#ffffff",
    "grijs": "#ffffff",
}

TEXT = "#212121"
TRAJECTORY_COLOUR = "#424242"
TRAJECTORY_DASH = [6, 4]
LINE_DASHES = ([1, 0], [2, 2], [8, 2, 2, 2])  # solid first; never the trajectory's dash
STROKE_WIDTHS = {"area": 3.0, "reference": 2.0, "other": 1.5, "trajectory": 2.0}
POINT_SIZES = {"area": 70, "reference": 50, "other": 35, "trajectory": 120}
LABEL_GAP = 14  # px: two single-point labels closer than this go to either side

UNIT_TITLES = {
    Unit.PERCENT: "%",
    Unit.COUNT: "aantal",
    Unit.PER_1000: "per 1.000",
    Unit.EURO: "€",
    Unit.INDEX: "index",
    Unit.SCORE: "score",
    Unit.YEARS: "jaren",
    Unit.RATIO: "verhouding",
}
FROM_ZERO = frozenset({Unit.PERCENT, Unit.COUNT, Unit.PER_1000, Unit.EURO})
NOT_FROM_ZERO = "as begint niet bij 0"

Role = Literal["area", "reference", "other"]
_ROLE_ORDER = {"area": 0, "reference": 1, "other": 2}


@dataclass(frozen=True)
class Line:
    """One series of a line chart: an area's values by period.

    ``points`` are ``(period as printed, value)``: ``("2011", 12.5)``,
    ``("2020/2021", 80.1)``, ``("2021-01-01", 13292)``. ``role`` sets the weight: ``area``
    (the area of the target, strongest), ``reference`` (G4, Rotterdam), ``other`` (lighter).
    ``style``: the area's colour and shape from :func:`koers.present.styles.area_styles`;
    None draws the role's first free style.
    """

    area_name: str
    points: Sequence[tuple[str, float]]
    role: Role = "other"
    style: SeriesStyle | None = None


# --------------------------------------------------------------------------- series


def period_key(period: str) -> tuple[int, str]:
    """Sort key of a period: the year it counts for, then its text."""
    return (period_year(period), period)


def series_chart(
    indicator: Indicator,
    lines: Sequence[Line],
    *,
    trajectory: Mapping[int, float] | None,
    title: str | None = None,
    width: int = WIDTH,
    from_zero: bool | None = None,
) -> dict[str, Any]:
    """A line chart of ``indicator`` for each of ``lines``, with the trajectory dashed.

    Lines are drawn area first, then references, then other areas (each group in the order
    given); a line without points is left out, and so are values that are not finite. The
    trajectory ({year: expected value}) is the dashed line "op schema"; each of its years is
    placed on the area's own period of that year, else on the period of that year of the
    area's kind. ``title`` None: no title (the report prints its own heading). Without any
    point the chart is the text "Geen gegevens"; a trajectory alone is not shown.
    ``width``: of the plot; :data:`PHONE_WIDTH` gives a chart a phone shows at its own size
    (its 11 px text stays 11 px), with the legend in one column. ``from_zero``: whether the
    value axis starts at zero (default: for counts, shares, amounts and rates).

    Screen readers hear Dutch: the chart's message as its ``description``, each point its
    area, period and value, the kinds of marks ("lijn", "punt");
    :func:`~koers.present.svg.to_svg` words in Dutch what Vega says itself in English (its
    axes, legends and mark groups).
    """
    ordered = sorted(
        (line for line in lines if any(_finite(v) for _, v in line.points)),
        key=lambda line: _ROLE_ORDER[line.role],
    )
    names = [line.area_name for line in ordered]
    duplicates = sorted({n for n in names if names.count(n) > 1} | ({TRAJECTORY_LABEL} & {*names}))
    if duplicates:
        raise ValueError(f"two series are named {', '.join(repr(d) for d in duplicates)}")
    drawn: list[tuple[Line, list[tuple[str, float]]]] = []
    for line in ordered:
        points = sorted(
            ((p, v) for p, v in line.points if _finite(v)), key=lambda pv: period_key(pv[0])
        )
        if len({p for p, _ in points}) < len(points):
            twice = next(p for p, _ in points if [q for q, _ in points].count(p) > 1)
            raise ValueError(f"{line.area_name}: period {twice!r} occurs twice")
        drawn.append((line, points))
    if not drawn:
        return _placeholder(f"{indicator.name}: geen gegevens.", title)
    zero = indicator.unit in FROM_ZERO if from_zero is None else from_zero

    # the trajectory's years on the area's own periods, else on its kind of period
    own = next((points for line, points in drawn if line.role == "area"), drawn[0][1])
    own_period = {period_year(p): p for p, _ in reversed(own)}  # the first of a year wins
    steps = sorted((year, value) for year, value in (trajectory or {}).items() if _finite(value))
    planned = [(own_period.get(y) or timeaxis.of_year(y, own[-1][0]), v) for y, v in steps]

    rows: list[dict[str, Any]] = []
    series: list[tuple[str, str]] = []  # (name, role) in legend order
    for line, points in drawn:
        series.append((line.area_name, line.role))
        for period, value in points:
            row = _row(line.area_name, line.role, period, value, indicator)
            row["verbonden"] = len(points) >= 3
            row["enkel"] = len(points) == 1
            rows.append(row)
    if planned:
        series.append((TRAJECTORY_LABEL, "trajectory"))
        for period, value in planned:
            row = _row(TRAJECTORY_LABEL, "trajectory", period, value, indicator)
            row["verbonden"] = len(planned) >= 2
            row["enkel"] = False
            rows.append(row)
    _place_single_labels(rows, zero)

    positions = [row["tijd"] for row in rows]
    tick_periods = [p for _, points in drawn for p, _ in points]
    knot_years = {year for year, _ in knots(steps)}
    tick_periods += [
        p for (year, _), (p, _) in zip(steps, planned, strict=True) if year in knot_years
    ]
    tick_values, label_expr, angle = timeaxis.ticks(tick_periods, width)
    names_in_legend = [name for name, _ in series]
    colours, shapes, dashes, widths, sizes = _series_styles(drawn, planned_too=bool(planned))
    loose = [line.area_name for line, points in drawn if len(points) == 2]
    legend: dict[str, Any] = {
        "orient": "bottom",
        "direction": "horizontal",
        "columns": min(len(series), 3 if width > PHONE_WIDTH else 1),
        "symbolStrokeWidth": 2,
        "symbolSize": 120,
        "labelLimit": 260,
        "labelFontSize": 11,
        "columnPadding": 16,
        "labelOffset": 6,
    }
    if loose:
        listed = ", ".join("'" + n.replace("'", "\\'") + "'" for n in loose)
        legend["labelExpr"] = (
            f"indexof([{listed}], datum.label) >= 0 ? datum.label + ' ({LOOSE})' : datum.label"
        )
    colour = {
        "field": "serie",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names_in_legend, "range": colours},
        "legend": legend,
    }
    x = {
        "field": "tijd",
        "type": "temporal",
        "title": None,
        "scale": {"type": "utc", "domain": [timeaxis.stamp(t) for t in timeaxis.domain(positions)]},
        "axis": {
            "values": [timeaxis.stamp(t) for t in tick_values],
            "labelExpr": label_expr,
            "labelAngle": angle,
            "labelOverlap": False,  # thinned already (timeaxis.ticks); Vega would drop more
            "labelColor": TEXT,
            "grid": False,
        },
    }
    decimals = indicator.decimals
    unit_title = UNIT_TITLES[indicator.unit]
    y = {
        "field": "waarde",
        "type": "quantitative",
        "title": unit_title if zero else f"{unit_title}, {NOT_FROM_ZERO}",
        "scale": {"zero": True, "nice": True}
        if zero
        else {"zero": False, "nice": True, "padding": 16},
        "axis": {
            "format": f",.{decimals}~f",
            "formatType": "number",
            "tickMinStep": 10.0**-decimals,
            "labelColor": TEXT,
            "titleColor": TEXT,
        },
    }
    tooltip = [
        {"field": "serie", "type": "nominal", "title": "Gebied"},
        {"field": "periode", "type": "nominal", "title": "Periode"},
        {"field": "tekst", "type": "nominal", "title": indicator.name},
    ]
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "datum.verbonden"}],
            "mark": {"type": "line", "strokeCap": "butt", "ariaRoleDescription": "lijn"},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "strokeDash": {
                    "field": "serie",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": names_in_legend, "range": dashes},
                },
                "strokeWidth": {
                    "field": "serie",
                    "type": "nominal",
                    "scale": {"domain": names_in_legend, "range": widths},
                    "legend": None,
                },
                "order": {"field": "tijd", "type": "quantitative"},
                "description": {"field": "serie", "type": "nominal"},
            },
        },
        {
            "mark": {
                "type": "point",
                "filled": True,
                "opacity": 1,
                "strokeWidth": 2,
                "ariaRoleDescription": "punt",
            },
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "shape": {
                    "field": "serie",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": names_in_legend, "range": shapes},
                },
                "size": {
                    "field": "serie",
                    "type": "nominal",
                    "scale": {"domain": names_in_legend, "range": sizes},
                    "legend": None,
                },
                "tooltip": tooltip,
                "description": {"field": "beschrijving", "type": "nominal"},
            },
        },
    ]
    for left in (False, True):  # a single observation: its value written beside it
        if any(row["enkel"] and row["links"] == left for row in rows):
            layers.append(_value_labels(x, y, left))
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": chart_message(
            indicator.name,
            indicator.unit,
            decimals,
            [(line.area_name, points) for line, points in drawn],
            [pv for (year, _), pv in zip(steps, planned, strict=True) if year in knot_years],
        ),
        "width": width,
        "height": HEIGHT,
        "data": {"values": rows},
        "layer": layers,
        "config": _config(),
    }
    if len(series) == 1:
        # a one-value range on these channels gives NaN in Vega: use the value itself
        spec["layer"][0]["encoding"]["strokeWidth"] = {"value": widths[0]}
        spec["layer"][1]["encoding"]["size"] = {"value": sizes[0]}
    if title:
        spec["title"] = {"text": title, "anchor": "start", "color": TEXT}
    return spec


def _row(name: str, role: str, period: str, value: float, indicator: Indicator) -> dict[str, Any]:
    text = nl.value(value, indicator.unit, indicator.decimals)
    return {
        "serie": name,
        "rol": role,
        "periode": nl.period(period),
        "tijd": timeaxis.position(period),
        "waarde": value,
        "tekst": text,
        "beschrijving": f"{name}, {nl.period(period)}: {text}",
        "links": False,
    }


def _place_single_labels(rows: list[dict[str, Any]], zero: bool) -> None:
    """Put the value label of a single observation to the left of its point where it would
    come too close to the label of another at the same time (estimated on the value axis)."""
    values = [row["waarde"] for row in rows]
    low = min(0.0, *values) if zero else min(values)
    span = (max(values) - low) or 1.0
    placed: dict[int, list[float]] = {}
    for row in sorted((r for r in rows if r["enkel"]), key=lambda r: -r["waarde"]):
        height = (row["waarde"] - low) / span * HEIGHT
        taken = placed.setdefault(row["tijd"], [])
        row["links"] = any(abs(height - other) < LABEL_GAP for other in taken[-1:])
        if not row["links"]:
            taken.append(height)


def _value_labels(x: dict[str, Any], y: dict[str, Any], left: bool) -> dict[str, Any]:
    return {
        "transform": [{"filter": f"datum.enkel && {'' if left else '!'}datum.links"}],
        "mark": {
            "type": "text",
            "align": "right" if left else "left",
            "dx": -9 if left else 9,
            "fontSize": 11,
            "fontWeight": "bold",
            "color": TEXT,
            "aria": False,  # the point itself says it
        },
        "encoding": {"x": x, "y": y, "text": {"field": "tekst", "type": "nominal"}},
    }


def _series_styles(
    drawn: Sequence[tuple[Line, Sequence[tuple[str, float]]]], *, planned_too: bool
) -> tuple[list[str], list[str], list[list[int]], list[float], list[int]]:
    """Colour, shape, dash, width and size per series: each area its own style; a shape
    already used in this chart is replaced by the next free one, and past the last shape
    the line's dash tells the series apart."""
    colours: list[str] = []
    shapes: list[str] = []
    dashes: list[list[int]] = []
    widths: list[float] = []
    sizes: list[int] = []
    defaults = {"area": [PROGRAMME_AREA], "reference": list(REFERENCES), "other": list(OTHERS)}
    used: dict[str, int] = {"area": 0, "reference": 0, "other": 0}
    taken: set[tuple[str, int]] = set()
    for line, _ in drawn:
        style = line.style
        if style is None:
            palette = defaults[line.role]
            style = palette[used[line.role] % len(palette)]
            used[line.role] += 1
        order = [style.shape, *(s for s in SHAPES if s != style.shape)]
        pair = next(
            (
                (shape, dash)
                for dash in range(len(LINE_DASHES))
                for shape in order
                if (shape, dash) not in taken
            ),
            (style.shape, 0),
        )
        taken.add(pair)
        colours.append(style.colour)
        shapes.append(pair[0])
        dashes.append(LINE_DASHES[pair[1]])
        widths.append(STROKE_WIDTHS[line.role])
        sizes.append(POINT_SIZES[line.role])
    if planned_too:
        colours.append(TRAJECTORY_COLOUR)
        shapes.append("stroke")
        dashes.append(TRAJECTORY_DASH)
        widths.append(STROKE_WIDTHS["trajectory"])
        sizes.append(POINT_SIZES["trajectory"])
    return colours, shapes, dashes, widths, sizes


# --------------------------------------------------------------------------- helpers


def _config(view_stroke: str | None = "#dddddd") -> dict[str, Any]:
    return {
        "locale": {"number": NUMBER_LOCALE, "time": TIME_LOCALE},
        "font": FONT,
        "view": {"stroke": view_stroke},
        "axis": {"labelFontSize": 11, "titleFontSize": 11},
        "legend": {"labelFontSize": 11, "titleFontSize": 11},
    }


def _placeholder(description: str, title: str | None) -> dict[str, Any]:
    """A chart of the usual size that says "Geen gegevens"."""
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": [{"tekst": NO_DATA}]},
        "mark": {
            "type": "text",
            "fontSize": 14,
            "color": TEXT,
            "align": "center",
            "baseline": "middle",
        },
        "encoding": {
            "text": {"field": "tekst", "type": "nominal"},
            "x": {"value": WIDTH / 2},
            "y": {"value": HEIGHT / 2},
        },
        "config": _config(view_stroke=None),
    }
    if title:
        spec["title"] = {"text": title, "anchor": "start", "color": TEXT}
    return spec


def _enumerate(items: Sequence[str]) -> str:
    """``a``, ``a en b``, ``a, b en c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
