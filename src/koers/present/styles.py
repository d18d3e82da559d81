"""One colour and one shape per area, the same in every chart of the reports and the website.

The table is handed out by an area's part in the programme, never by its position in one
chart: the programme's own area comes first (the strong blue circle), then its city (grey
triangle), then the reference areas the plan compares with (first those its targets are
measured against, then the other areas of its general picture: G4, Nederland …, each group in
the plan's order of areas), then every other area. So Rotterdam is never drawn in the G4's
colour and shape, whether or not the G4 is in the chart. Which areas play which part is a
fact of the plan (``programme.area``, ``programme.city``, ``overview`` and the targets),
read here, never written in code.

Within one chart two areas can still meet on one pair (a chart of several wijken);
:func:`koers.present.charts.series_chart` then gives the later one the next free shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.plan.model import Plan, ReachReference, Staged


@dataclass(frozen=True)
class SeriesStyle:
    """How one area's series is drawn: line and point colour, point shape."""

    colour: str
    shape: str


STRONG = "#0d47a1"  # the programme's own area; the highlighted area on a map
PROGRAMME_AREA = SeriesStyle(STRONG, "circle")
CITY = SeriesStyle("#616161", "triangle-up")
REFERENCES = (  # the areas the plan compares with, in the plan's order of areas
    SeriesStyle("#00838f", "square"),
    SeriesStyle("#6a1b9a", "diamond"),
    SeriesStyle("#5d4037", "triangle-down"),
    SeriesStyle("#37474f", "cross"),
    SeriesStyle("#00695c", "triangle-right"),
    SeriesStyle("#ad1457", "triangle-left"),
    SeriesStyle("#827717", "square"),
    SeriesStyle("#4e342e", "diamond"),
)
OTHERS = (  # every further area (wijken, gebieden), lighter, cycling colour and shape
    SeriesStyle("#4a148c", "triangle-right"),
    SeriesStyle("#004d40", "triangle-left"),
    SeriesStyle("#6d4c41", "cross"),
    SeriesStyle("#283593", "diamond"),
    SeriesStyle("#00695c", "triangle-down"),
    SeriesStyle("#880e4f", "square"),
)
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

_CACHE: dict[int, tuple[Plan, dict[str, SeriesStyle]]] = {}


def area_styles(plan: Plan) -> dict[str, SeriesStyle]:
    """The style of every area of ``plan`` by area id (computed once per plan object)."""
    cached = _CACHE.get(id(plan))
    if cached is not None and cached[0] is plan:
        return cached[1]
    programme = plan.programme
    targets: set[str] = set()  # the areas targets are measured against come first
    for indicator in plan.indicators:
        for target in (indicator.target, *indicator.also):
            if isinstance(target, ReachReference):
                targets.add(target.reference_area)
            elif isinstance(target, Staged):
                targets |= {stage.reference_area for stage in target.stages}
    shown: set[str] = set()
    if programme.overview is not None:
        shown = {column.area for column in programme.overview.columns}
    styles: dict[str, SeriesStyle] = {}
    if programme.area:
        styles[programme.area] = PROGRAMME_AREA
    if programme.city:
        styles[programme.city] = CITY
    free = [a.id for a in plan.areas if a.id not in styles]
    references = [a for a in free if a in targets] + [a for a in free if a in shown - targets]
    others = [a for a in free if a not in targets | shown]
    for i, area in enumerate(references):
        styles[area] = REFERENCES[i % len(REFERENCES)]
    for i, area in enumerate(others):
        styles[area] = OTHERS[i % len(OTHERS)]
    _CACHE.clear()  # one plan at a time: a page or a report set reads one plan
    _CACHE[id(plan)] = (plan, styles)
    return styles


def area_style(plan: Plan, area: str) -> SeriesStyle | None:
    """The style of one area of the plan (None for an id the plan does not hold)."""
    return area_styles(plan).get(area)
