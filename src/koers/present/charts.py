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
- Accessible: a one-sentence Dutch ``description`` on every spec (it becomes the SVG's
  ``aria-label``), and nothing is told by colour alone: the series of a line chart differ
  in point shape and, for the trajectory, in dash; the status bar and the map carry words.
- An empty chart is a text "Geen gegevens" of the same size, not an empty frame.

Series: the x-axis holds the periods as printed, in time order. A period counts for the year
of :func:`koers.plan.period.period_year` (a school year for the year it ends in) and
periods are ordered by ``(year, period text)``, so ``2020`` < ``2020/2021`` < ``2021`` <
``2021-10-01``. The axis is discrete: one step per period, whatever the distance in time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from koers import nl
from koers.plan.model import Indicator, Unit
from koers.plan.period import period_year

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

NO_DATA = "Geen gegevens"
TRAJECTORY_LABEL = "op schema"

STATUSES = ("groen", "oranje", "rood", "grijs")
STATUS_COLOURS = {"groen": "#2e7d32", "oranje": "#ef6c00", "rood": "#c62828", "grijs": "#757575"}
# text on a segment: white where it contrasts enough (WCAG AA), black on orange
STATUS_TEXT_COLOURS = {
    "groen": "#ffffff",
    "oranje": "#000000",
    "rood": "#ffffff",
    "grijs": "#ffffff",
}

STRONG = "#0d47a1"  # the area of the target; the highlighted area on a map
TEXT = "#212121"
AREA_COLOURS = (STRONG, "#4a148c", "#004d40")
REFERENCE_COLOURS = ("#00838f", "#6a1b9a", "#5d4037", "#37474f")
OTHER_COLOURS = ("#90a4ae", "#a1887f", "#9fa8da", "#80cbc4", "#ce93d8", "#bcaaa4")
TRAJECTORY_COLOUR = "#424242"
TRAJECTORY_DASH = [6, 4]
SHAPES = (
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "triangle-down",
    "cross",
    "triangle-right",
    "triangle-left",
)
LINE_DASHES = ([1, 0], [2, 2], [8, 2, 2, 2])  # solid first; never the trajectory's dash
STROKE_WIDTHS = {"area": 3.0, "reference": 2.0, "other": 1.5, "trajectory": 2.0}
POINT_SIZES = {"area": 70, "reference": 50, "other": 35, "trajectory": 120}


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

Role = Literal["area", "reference", "other"]
_ROLE_ORDER = {"area": 0, "reference": 1, "other": 2}


@dataclass(frozen=True)
class Line:
    """One series of a line chart: an area's values by period.

    ``points`` are ``(period as printed, value)``: ``("2011", 12.5)``,
    ``("2020/2021", 80.1)``, ``("2021-01-01", 13292)``. ``role`` sets the style: ``area``
    (the area of the target, strongest), ``reference`` (G4, Rotterdam), ``other`` (lighter).
    """

    area_name: str
    points: Sequence[tuple[str, float]]
    role: Role = "other"


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
) -> dict[str, Any]:
    """A line chart of ``indicator`` for each of ``lines``, with the trajectory dashed.

    Lines are drawn area first, then references, then other areas (each group in the order
    given); a line without points is left out, and so are values that are not finite. The
    trajectory ({year: expected value}) is the dashed line "op schema"; each of its years is
    placed on the period of that year that the lines use (the area's own first), else on
    the year itself. ``title`` None: no title (the report prints its own heading). Without
    any point the chart is the text "Geen gegevens"; a trajectory alone is not shown.
    ``width``: of the plot; :data:`PHONE_WIDTH` gives a chart a phone shows at its own size
    (its 11 px text stays 11 px), with the legend in one column.

    Screen readers hear Dutch: the chart's ``description``, each point its area, period and
    value, the kinds of marks ("lijn", "punt"); :func:`~koers.present.svg.to_svg` words in
    Dutch what Vega says itself in English (its axes, legends and mark groups).
    """
    unit_title = UNIT_TITLES[indicator.unit]
    ordered = sorted(
        (line for line in lines if any(_finite(v) for _, v in line.points)),
        key=lambda line: _ROLE_ORDER[line.role],
    )
    names = [line.area_name for line in ordered]
    duplicates = sorted({n for n in names if names.count(n) > 1} | ({TRAJECTORY_LABEL} & {*names}))
    if duplicates:
        raise ValueError(f"two series are named {', '.join(repr(d) for d in duplicates)}")
    observed = sorted({p for line in ordered for p, v in line.points if _finite(v)}, key=period_key)
    if not observed:
        return _placeholder(f"Lijngrafiek van {indicator.name}: geen gegevens.", title)
    first, last = nl.period(observed[0]), nl.period(observed[-1])
    description = f"Lijngrafiek van {indicator.name} voor {_enumerate(names)}, " + (
        f"{first} tot {last}." if len(observed) > 1 else f"{first}."
    )

    # the period each trajectory year is drawn at: the area's own period of that year,
    # else the first period of that year any line has, else the year itself
    labels: dict[int, str] = {}
    for period in observed:
        labels.setdefault(period_year(period), period)
    area_periods = sorted(
        {p for line in ordered if line.role == "area" for p, v in line.points if _finite(v)},
        key=period_key,
        reverse=True,
    )
    for period in area_periods:  # reversed: the first of a year is written last
        labels[period_year(period)] = period
    steps = sorted((year, value) for year, value in (trajectory or {}).items() if _finite(value))

    rows: list[dict[str, Any]] = []
    series: list[tuple[str, str]] = []  # (name, role) in legend order
    for line in ordered:
        series.append((line.area_name, line.role))
        points = sorted(
            ((p, v) for p, v in line.points if _finite(v)), key=lambda pv: period_key(pv[0])
        )
        seen: set[str] = set()
        for period, value in points:
            if period in seen:
                raise ValueError(f"{line.area_name}: period {period!r} occurs twice")
            seen.add(period)
            rows.append(_row(line.area_name, line.role, period, value, indicator))
    if steps:
        series.append((TRAJECTORY_LABEL, "trajectory"))
        for year, value in steps:
            period = labels.get(year, str(year))
            rows.append(_row(TRAJECTORY_LABEL, "trajectory", period, value, indicator))
    # the axis shows periods in Dutch (1-10-2020: short, so a slanted label stays on the
    # page), in time order; the descriptions say them in full
    periods = sorted({row.pop("period") for row in rows}, key=period_key)
    domain = [nl.short_period(period) for period in periods]
    order = {shown: i for i, shown in enumerate(domain)}
    for row in rows:
        row["volgorde"] = order[row["periode"]]

    names_in_legend = [name for name, _ in series]
    colours, shapes, dashes, widths, sizes = _series_styles(series)
    colour = {
        "field": "serie",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names_in_legend, "range": colours},
        "legend": {
            "orient": "bottom",
            "direction": "horizontal",
            "columns": min(len(series), 3 if width > PHONE_WIDTH else 1),
            "symbolStrokeWidth": 2,
            "symbolSize": 120,
            "labelLimit": 220,
            "labelFontSize": 11,
        },
    }
    x = {
        "field": "periode",
        "type": "ordinal",
        "title": None,
        "scale": {"domain": domain},
        "axis": {"labelAngle": _label_angle(domain, width), "labelColor": TEXT},
    }
    decimals = indicator.decimals
    y = {
        "field": "waarde",
        "type": "quantitative",
        "title": unit_title,
        "scale": {"zero": False, "nice": True},
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
        {"field": "periode", "type": "ordinal", "title": "Periode"},
        {"field": "tekst", "type": "nominal", "title": indicator.name},
    ]
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": description,
        "width": width,
        "height": HEIGHT,
        "data": {"values": rows},
        "layer": [
            {
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
                    "order": {"field": "volgorde", "type": "quantitative"},
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
        ],
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
        "period": period,  # for the time order; dropped once the axis is built
        "periode": nl.short_period(period),
        "waarde": value,
        "tekst": text,
        "beschrijving": f"{name}, {nl.period(period)}: {text}",
    }


def _series_styles(
    series: Sequence[tuple[str, str]],
) -> tuple[list[str], list[str], list[list[int]], list[float], list[int]]:
    colours: list[str] = []
    shapes: list[str] = []
    dashes: list[list[int]] = []
    widths: list[float] = []
    sizes: list[int] = []
    used: dict[str, int] = {"area": 0, "reference": 0, "other": 0}
    index = 0  # shape/dash index over the areas: every series has its own pair
    for _, role in series:
        widths.append(STROKE_WIDTHS[role])
        sizes.append(POINT_SIZES[role])
        if role == "trajectory":
            colours.append(TRAJECTORY_COLOUR)
            shapes.append("stroke")
            dashes.append(TRAJECTORY_DASH)
            continue
        palette = {"area": AREA_COLOURS, "reference": REFERENCE_COLOURS, "other": OTHER_COLOURS}
        colours.append(palette[role][used[role] % len(palette[role])])
        used[role] += 1
        shapes.append(SHAPES[index % len(SHAPES)])
        dashes.append(LINE_DASHES[(index // len(SHAPES)) % len(LINE_DASHES)])
        index += 1
    return colours, shapes, dashes, widths, sizes


def _label_angle(domain: Sequence[str], width: int = WIDTH) -> int:
    """Horizontal period labels when they fit side by side, else at 45 degrees."""
    longest = max((len(p) for p in domain), default=0)
    return 0 if len(domain) * (longest * 6.5 + 8) <= width else -45


# --------------------------------------------------------------------------- status bar


STATUS_BAR_HEIGHT = 28
_LABEL_ROW = 46  # y of the labels that do not fit in their segment
_CHAR_WIDTH = 7.0  # a generous estimate at font size 12, for placing labels


def status_bar(counts: Mapping[str, int]) -> dict[str, Any]:
    """A horizontal bar of the number of indicators per status, groen to grijs.

    Every segment carries "3 groen" in it, or (when it is too narrow) just below it, so the
    status is read from words, not colours. A status with 0 indicators has no segment; the
    description names all four. No indicators at all: the text "Geen gegevens".
    """
    unknown = sorted(set(counts) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status {', '.join(unknown)}; expected one of {STATUSES}")
    if any(n < 0 for n in counts.values()):
        raise ValueError("a count is negative")
    numbers = {s: int(counts.get(s, 0)) for s in STATUSES}
    total = sum(numbers.values())
    indicators = "indicator" if total == 1 else "indicatoren"
    parts = _enumerate([f"{nl.number(numbers[s])} {s}" for s in STATUSES])
    if total == 0:
        return _placeholder("Staafdiagram van de status van 0 indicatoren: geen gegevens.", None)
    description = f"Staafdiagram van de status van {nl.number(total)} {indicators}: {parts}."

    scale = total / WIDTH  # count units per pixel
    rows: list[dict[str, Any]] = []
    start = 0
    for status in STATUSES:
        n = numbers[status]
        if n == 0:
            continue
        label = f"{nl.number(n)} {status}"
        width_px = n / scale
        text_px = len(label) * _CHAR_WIDTH
        rows.append(
            {
                "status": status,
                "aantal": n,
                "begin": start,
                "eind": start + n,
                "midden": start + n / 2,
                "label": label,
                "tekstkleur": STATUS_TEXT_COLOURS[status],
                "binnen": width_px >= text_px + 10,
                "breedte": text_px,
                "beschrijving": f"{label}: {nl.share(n / total)} van {nl.number(total)}",
            }
        )
        start += n
    # labels outside: under their segment, pushed right so they do not overlap, then
    # pulled back left where they would run off the bar (four labels always fit)
    outside = [row for row in rows if not row["binnen"]]
    right_end = -math.inf
    for row in outside:
        row["links"] = max(row["midden"] / scale - row["breedte"] / 2, right_end + 12, 0.0)
        right_end = row["links"] + row["breedte"]
    limit = float(WIDTH)
    for row in reversed(outside):
        row["links"] = min(row["links"], limit - row["breedte"])
        limit = row["links"] - 12
    for row in rows:
        row["tekst_x"] = row["midden"] if row["binnen"] else row.pop("links") * scale
        del row["breedte"]

    x_scale = {"domain": [0, total], "range": [0, WIDTH], "nice": False, "zero": True}
    has_outside = bool(outside)
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": description,
        "width": WIDTH,
        "height": _LABEL_ROW + 10 if has_outside else STATUS_BAR_HEIGHT,
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "bar", "stroke": "#ffffff", "strokeWidth": 1},
                "encoding": {
                    "x": {"field": "begin", "type": "quantitative", "scale": x_scale, "axis": None},
                    "x2": {"field": "eind"},
                    "y": {"value": 0},
                    "y2": {"value": STATUS_BAR_HEIGHT},
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "scale": {
                            "domain": list(STATUSES),
                            "range": [STATUS_COLOURS[s] for s in STATUSES],
                        },
                        "legend": None,
                    },
                    "tooltip": {"field": "beschrijving", "type": "nominal"},
                    "description": {"field": "beschrijving", "type": "nominal"},
                },
            },
            {
                "transform": [{"filter": "datum.binnen"}],
                "mark": {
                    "type": "text",
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "align": "center",
                    "baseline": "middle",
                    "aria": False,
                },
                "encoding": {
                    "x": {"field": "tekst_x", "type": "quantitative", "scale": x_scale},
                    "y": {"value": STATUS_BAR_HEIGHT / 2},
                    "text": {"field": "label", "type": "nominal"},
                    "color": {"field": "tekstkleur", "type": "nominal", "scale": None},
                },
            },
        ],
        "config": _config(view_stroke=None),
    }
    if has_outside:
        spec["layer"] += [
            {
                "transform": [{"filter": "!datum.binnen"}],
                "mark": {"type": "rule", "color": TEXT, "strokeWidth": 1, "aria": False},
                "encoding": {
                    "x": {"field": "midden", "type": "quantitative", "scale": x_scale},
                    "y": {"value": STATUS_BAR_HEIGHT + 1},
                    "y2": {"value": _LABEL_ROW - 9},
                },
            },
            {
                "transform": [{"filter": "!datum.binnen"}],
                "mark": {
                    "type": "text",
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "align": "left",
                    "baseline": "middle",
                    "color": TEXT,
                    "aria": False,
                },
                "encoding": {
                    "x": {"field": "tekst_x", "type": "quantitative", "scale": x_scale},
                    "y": {"value": _LABEL_ROW},
                    "text": {"field": "label", "type": "nominal"},
                },
            },
        ]
    return spec


# --------------------------------------------------------------------------- helpers


def _config(view_stroke: str | None = "#dddddd") -> dict[str, Any]:
    return {
        "locale": {"number": NUMBER_LOCALE, "time": TIME_LOCALE},
        "font": "sans-serif",
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
