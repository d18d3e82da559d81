"""The wijk map: a choropleth of the programme's wijken as a Vega-Lite ``geoshape`` spec.

Pure like :mod:`koers.present.charts` (whose conventions hold here: Dutch numbers, a Dutch
``description``, words besides colours). Boundaries arrive as GeoJSON geometries in WGS84
per area id; a wijk made of buurten gets the union of its buurten's polygons
(:func:`wijk_maps`). Rings are rewound to the orientation d3 expects and the map's height
follows the boundaries' extent under the Mercator projection.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from koers import nl
from koers.plan.model import AreaKind, Plan
from koers.present.charts import SCHEMA, STRONG, WIDTH, _config, _finite, _placeholder

MAP_FILL = "#e0e0e0"
MAP_NO_DATA_FILL = "#bdbdbd"
MAP_BORDER = "#ffffff"


def wijk_maps(plan: Plan, boundaries: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A map per wijk that has a boundary, the wijk among the other wijken of the programme.

    A wijk made of buurten gets the union of its buurten's boundaries. Wijken that are parts
    of one coded area (``part_of``: two wijken sharing a CBS buurt) are drawn as that area,
    once, named after all of them; each of their maps highlights it under its own name."""
    shapes = wijk_shapes(plan, boundaries)
    shape_of = {wijk: wijk for wijk in shapes}  # wijk -> the shape it is drawn as
    sharing: dict[str, list[str]] = {}  # a shared shape -> the wijken it stands for
    labels = {a.id: a.label for a in plan.areas}  # short names: labels on a small map
    for area in plan.areas:
        if area.kind is AreaKind.WIJK and area.id not in shapes and area.part_of in boundaries:
            assert area.part_of is not None
            shapes[area.part_of] = boundaries[area.part_of]
            sharing.setdefault(area.part_of, []).append(labels[area.id])
            shape_of[area.id] = area.part_of
    names = {**labels, **{shape: nl.listing(parts) for shape, parts in sharing.items()}}
    return {
        wijk: wijk_map(
            shapes,
            names,
            shape,
            label=labels[wijk],
            shared={s: len(parts) for s, parts in sharing.items()},
        )
        for wijk, shape in shape_of.items()
    }


def wijk_map(
    boundaries: Mapping[str, dict[str, Any]],
    names: Mapping[str, str],
    highlight: str | None,
    values: Mapping[str, float] | None = None,
    value_title: str | None = None,
    *,
    decimals: int = 1,
    label: str | None = None,
    shared: Mapping[str, int] | None = None,
    legend_title: str | None = None,
) -> dict[str, Any]:
    """A map of areas from their GeoJSON geometries (WGS84), keyed by area id.

    Without ``values``: every area light grey with white borders, ``highlight`` in the
    strong colour. With ``values``: a choropleth (sequential blues, legend titled
    ``value_title``, labels with ``decimals``); areas without a value are grey and named
    "geen gegevens" in the legend and the tooltip; ``highlight`` gets a black outline. The
    highlighted area's name is written on it. Projection: Mercator fitted to the features.
    ``legend_title``: the legend's title where ``value_title`` is too long for it ('' for
    none: a caption beside the map names what it shows).
    The map's height follows the shape of the features (width 480). Rings are rewound to
    the orientation Vega's d3-geo expects (exterior clockwise), so RFC 7946 files work too.
    ``label`` names the highlighted area on the map (default: its name); ``shared`` counts
    the areas a shape stands for where it is more than one (the description counts them all).
    """
    if highlight is not None and highlight not in boundaries:
        raise ValueError(f"highlight '{highlight}' has no boundary")
    if not boundaries:
        return _placeholder("Kaart: geen gegevens.", None)
    choropleth = values is not None
    shown_values = {
        area: float(v) for area, v in (values or {}).items() if area in boundaries and _finite(v)
    }
    features = []
    for area in sorted(boundaries):
        geometry = _rewound(boundaries[area])
        name = names.get(area, area)
        value = shown_values.get(area)
        if value is not None:
            text = nl.number(value, decimals)
        elif choropleth:
            text = "geen gegevens"
        else:
            text = ""
        features.append(
            {
                "type": "Feature",
                "id": area,
                "properties": {
                    "id": area,
                    "naam": name,
                    "waarde": value,
                    "tekst": text,
                    "gekozen": area == highlight,
                    "beschrijving": ", ".join(
                        [name + (" (gemarkeerd)" if area == highlight else "")]
                        + ([text] if text else [])
                    ),
                },
                "geometry": geometry,
            }
        )
    width, height = WIDTH, _map_height(features)
    collection = {"values": features}
    projection = {"type": "mercator"}

    tooltip: list[dict[str, Any]] = [
        {"field": "properties.naam", "type": "nominal", "title": "Gebied"}
    ]
    if choropleth:
        tooltip.append(
            {"field": "properties.tekst", "type": "nominal", "title": value_title or "Waarde"}
        )
    shape = {"type": "geoshape", "stroke": MAP_BORDER, "strokeWidth": 1}
    layers: list[dict[str, Any]] = []
    if not choropleth:
        layers.append(
            {
                "data": collection,
                "mark": shape,
                "encoding": {
                    "fill": {
                        "field": "properties.gekozen",
                        "type": "nominal",
                        "scale": {"domain": [False, True], "range": [MAP_FILL, STRONG]},
                        "legend": None,
                    },
                    "tooltip": tooltip,
                    "description": {"field": "properties.beschrijving", "type": "nominal"},
                },
            }
        )
    else:
        layers.append(
            {
                "data": collection,
                "transform": [{"filter": "datum.properties.waarde == null"}],
                "mark": shape,
                "encoding": {
                    "fill": {
                        "field": "properties.tekst",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": ["geen gegevens"], "range": [MAP_NO_DATA_FILL]},
                        "legend": {"orient": "bottom", "symbolType": "square", "labelFontSize": 11},
                    },
                    "tooltip": tooltip,
                    "description": {"field": "properties.beschrijving", "type": "nominal"},
                },
            }
        )
        layers.append(
            {
                "data": collection,
                "transform": [{"filter": "datum.properties.waarde != null"}],
                "mark": shape,
                "encoding": {
                    "color": {
                        "field": "properties.waarde",
                        "type": "quantitative",
                        "title": value_title if legend_title is None else legend_title or None,
                        "scale": {"scheme": {"name": "blues", "extent": [0.25, 1]}},
                        "legend": {
                            "orient": "bottom",
                            "direction": "horizontal",
                            "format": f",.{decimals}~f",
                            "formatType": "number",
                            "gradientLength": 200,
                            "titleLimit": 400,  # measured in DejaVu Sans, the PDFs' font
                        },
                    },
                    "tooltip": tooltip,
                    "description": {"field": "properties.beschrijving", "type": "nominal"},
                },
            }
        )
    if highlight is not None:
        if choropleth:
            layers.append(
                {
                    "data": collection,
                    "transform": [{"filter": "datum.properties.gekozen"}],
                    "mark": {
                        "type": "geoshape",
                        "filled": False,
                        "stroke": "#000000",
                        "strokeWidth": 2.5,
                        "aria": False,  # the filled shape says "(gemarkeerd)"
                    },
                }
            )
        lon, lat = _label_point(boundaries[highlight])
        west, east = _longitudes(boundaries.values())
        # a label near an edge runs inward instead of past the map's edge
        third = (east - west) / 3
        align = "left" if lon < west + third else "right" if lon > east - third else "center"
        written = label or names.get(highlight, highlight)
        label_data = {"data": {"values": [{"naam": written, "lon": lon, "lat": lat}]}}
        encoding = {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "text": {"field": "naam", "type": "nominal"},
        }
        text_mark = {
            "type": "text",
            "fontSize": 12,
            "fontWeight": "bold",
            "align": align,
            "baseline": "middle",
            "aria": False,  # the shape of the area carries its name already
        }
        layers.append(
            {
                **label_data,
                "mark": {
                    **text_mark,
                    "stroke": "#ffffff",
                    "strokeWidth": 3,
                    "strokeJoin": "round",
                },
                "encoding": encoding,
            }
        )
        layers.append(
            {**label_data, "mark": {**text_mark, "color": "#000000"}, "encoding": encoding}
        )

    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": _map_description(
            len(features) + sum(n - 1 for a, n in (shared or {}).items() if a in boundaries),
            (label or names.get(highlight, highlight)) if highlight else None,
            value_title if choropleth else None,
            len(shown_values),
            [
                names.get(a, a)
                for a, n in sorted((shared or {}).items())
                if n > 1 and a in boundaries
            ],
        ),
        "width": width,
        "height": height,
        "projection": projection,
        "layer": layers,
        "config": _config(view_stroke=None),
    }
    if choropleth:
        spec["resolve"] = {"scale": {"fill": "independent", "color": "independent"}}
    return spec


def _map_description(
    count: int,
    highlight: str | None,
    value_title: str | None,
    with_value: int,
    together: Sequence[str] = (),
) -> str:
    areas = "gebied" if count == 1 else "gebieden"
    text = f"Kaart van {count} {areas}"
    if value_title is not None:
        text += f" met {value_title} ({with_value} met een waarde)"
    elif with_value:
        text += f" ({with_value} met een waarde)"
    for names in together:
        text += f"; {names} als één vlak getekend"
    if highlight:
        text += f"; {highlight} is gemarkeerd"
    return text + "."


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"geometry type {kind!r} is not a Polygon or MultiPolygon")


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)) / 2


def _rewound(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """The geometry with exterior rings clockwise and holes counter-clockwise (d3-geo)."""

    def ring(points: Sequence[Sequence[float]], exterior: bool) -> list[list[float]]:
        clockwise = _signed_area(points) < 0
        ordered = list(points) if clockwise == exterior else list(reversed(points))
        return [list(p) for p in ordered]

    polygons = [[ring(r, i == 0) for i, r in enumerate(polygon)] for polygon in _polygons(geometry)]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _longitudes(geometries: Iterable[Mapping[str, Any]]) -> tuple[float, float]:
    """(west, east) of the geometries."""
    lons = [
        point[0]
        for geometry in geometries
        for polygon in _polygons(geometry)
        for ring in polygon
        for point in ring
    ]
    return min(lons), max(lons)


def _map_height(features: Sequence[Mapping[str, Any]]) -> int:
    xs: list[float] = []
    ys: list[float] = []
    for feature in features:
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                for lon, lat, *_ in ring:
                    xs.append(math.radians(lon))
                    ys.append(_mercator_y(lat))
    dx, dy = max(xs) - min(xs), max(ys) - min(ys)
    if dx <= 0:
        return WIDTH
    return max(160, min(600, round(WIDTH * dy / dx)))


def _label_point(geometry: Mapping[str, Any]) -> tuple[float, float]:
    """A point inside the largest polygon: its centroid, else the middle of the widest
    stretch of the polygon on the centroid's latitude."""
    polygon = max(_polygons(geometry), key=lambda p: abs(_signed_area(p[0])))
    exterior = polygon[0]
    area = _signed_area(exterior)
    if area == 0:
        lon, lat = exterior[0][0], exterior[0][1]
    else:
        cx = cy = 0.0
        for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(exterior):
            cross = x0 * y1 - x1 * y0
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        lon, lat = cx / (6 * area), cy / (6 * area)
        if not _inside(lon, lat, polygon):
            crossings = sorted(
                x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
                for ring in polygon
                for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)
                if (y0 > lat) != (y1 > lat)
            )
            stretches = list(zip(crossings[::2], crossings[1::2], strict=False))
            if stretches:
                a, b = max(stretches, key=lambda s: s[1] - s[0])
                lon = (a + b) / 2
    return round(lon, 6), round(lat, 6)


def _inside(x: float, y: float, polygon: Sequence[Sequence[Sequence[float]]]) -> bool:
    inside = False
    for ring in polygon:
        for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def wijk_shapes(plan: Plan, boundaries: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The boundary of every wijk that has one: its own, or the union of its buurten's."""
    shapes: dict[str, dict[str, Any]] = {}
    for area in plan.areas:
        if area.kind is not AreaKind.WIJK:
            continue
        if area.id in boundaries:
            shapes[area.id] = boundaries[area.id]
        elif area.members and all(m in boundaries for m in area.members):
            polygons: list[Any] = []
            for member in area.members:
                polygons += _polygons(boundaries[member])
            shapes[area.id] = {"type": "MultiPolygon", "coordinates": polygons}
    return shapes
