"""Checks of GeoJSON geometries as boundary files give them: Polygon and MultiPolygon rings
of WGS84 longitude/latitude positions.

:func:`geometry_problems` says what is wrong with one geometry: an *error* (another geometry
type, malformed coordinates, an unclosed ring, a position outside WGS84 — RD New coordinates
in metres are named as such) stops the file; a *warning* (a ring of fewer than 4 positions or
with zero area, a polygon without rings) is stored as the file gives it. Pure functions over
JSON values; the boundary reader (:mod:`koers.sources.boundaries`) places the messages at
their feature.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any, Literal

from koers.sources.toolkit import shown, shown_json

ZERO_AREA = 1e-12  # square degrees (about 0.01 m² here): a ring this small has no area

Severity = Literal["error", "warning"]


def geometry_problems(geometry: Any) -> Iterator[tuple[Severity, str]]:
    """(severity, Dutch message) for what is wrong with a (non-null) geometry, in the order
    found; after an error nothing more of the geometry is checked."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    polygons: Any
    if kind == "Polygon":
        polygons = [geometry.get("coordinates")]
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates")
        if not isinstance(polygons, list):
            yield "error", "MultiPolygon zonder lijst van vlakken in 'coordinates'"
            return
    else:
        yield (
            "error",
            f"geometrietype {shown(str(kind))} is geen vlak (alleen Polygon en MultiPolygon)",
        )
        return
    for p, rings in enumerate(polygons, start=1):
        where = f"vlak {p}: " if kind == "MultiPolygon" else ""
        if not isinstance(rings, list):
            yield "error", f"{where}geen lijst van ringen"
            return
        if not rings:
            yield "warning", f"{where}vlak zonder ringen"
        for r, ring in enumerate(rings):
            ring_name = f"{where}{'buitenring' if r == 0 else f'binnenring {r}'}"
            problem = ring_problem(ring)
            if problem is not None:
                yield "error", f"{ring_name}: {problem}"
                return
            area = ring_area(ring)
            if len(ring) < 4 or abs(area) < ZERO_AREA:
                yield (
                    "warning",
                    f"{ring_name} is ontaard ({len(ring)} punten, oppervlak {_area_text(area)}); "
                    f"opgeslagen zoals het bestand hem geeft — neem zo nodig een ander grensjaar",
                )


def ring_problem(ring: Any) -> str | None:
    """Why a ring is not a closed list of WGS84 positions, or None."""
    if not isinstance(ring, list):
        return "geen lijst van posities"
    for position in ring:
        if not numbers(position, 2, at_least=True):
            return f"ongeldige positie {shown_json(position)}"
        lon, lat = position[0], position[1]
        if not (_finite(lon) and _finite(lat)):
            return f"ongeldige positie {shown_json(position)}"
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            hint = (
                " — dit lijkt RD New (EPSG:28992) in meters"
                if 0 <= lon <= 300_000 and 289_000 <= lat <= 629_000
                else ""
            )
            return (
                f"positie ({lon:g}, {lat:g}) ligt buiten WGS84 lengte/breedte "
                f"(lengte -180..180, breedte -90..90){hint}; zet het bestand om naar EPSG:4326"
            )
    if ring and ring[0][:2] != ring[-1][:2]:
        return "ring is niet gesloten (eerste en laatste positie verschillen)"
    return None


def ring_area(ring: list[list[float]]) -> float:
    """Signed area in square degrees (shoelace)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def numbers(value: Any, count: int, at_least: bool = False) -> bool:
    """Whether ``value`` is a list of ``count`` (or, with ``at_least``, more) numbers."""
    return (
        isinstance(value, list)
        and (len(value) >= count if at_least else len(value) == count)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def _finite(number: float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an integer beyond any float
        return False


def _area_text(area: float) -> str:
    return "0" if abs(area) < ZERO_AREA else f"{abs(area):.3g} graad²"
