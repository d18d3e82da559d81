"""TopoJSON topologies decoded into GeoJSON geometries.

Arcs are joined into rings: a negative index ``~i`` is arc ``i`` reversed, and every arc
after the first drops its first position, which repeats the last one of the previous arc. A
quantized topology (``transform``) has delta-encoded arcs, decoded as
``x = (x0 + dx0 + ... + dxk) * scale + translate`` and rounded to :data:`DECIMALS` decimals.
What cannot be decoded is a :class:`TopologyError` with a Dutch message, which the boundary
reader (:mod:`koers.sources.boundaries`) places at its object.
"""

from __future__ import annotations

from typing import Any

from koers import nl
from koers.sources.base import Geometry
from koers.sources.geometry import numbers
from koers.sources.toolkit import shown, shown_json

DECIMALS = 10  # decoded TopoJSON coordinates are rounded to this many decimals


class TopologyError(ValueError):
    """A topology that cannot be decoded (message in Dutch)."""


def decode_arcs(topology: dict[str, Any]) -> list[list[list[float]]]:
    """The topology's arcs as absolute positions (delta- and transform-decoded)."""
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise TopologyError("een Topology zonder lijst 'arcs'")
    transform = topology.get("transform")
    scale: Any = None
    translate: Any = [0.0, 0.0]
    if transform is not None:
        scale = transform.get("scale") if isinstance(transform, dict) else None
        translate = transform.get("translate") if isinstance(transform, dict) else None
        if not (numbers(scale, 2) and numbers(translate, 2)):
            raise TopologyError("'transform' heeft geen 'scale' en 'translate' van twee getallen")
    decoded = []
    for index, arc in enumerate(arcs):
        if not isinstance(arc, list) or not all(numbers(p, 2, at_least=True) for p in arc):
            raise TopologyError(f"boog {index} is geen lijst van posities")
        try:
            decoded.append(_decode_arc(arc, scale, translate))
        except OverflowError:  # an integer beyond any float
            raise TopologyError(f"boog {index} heeft een getal dat te groot is") from None
    return decoded


def _decode_arc(arc: list[Any], scale: Any, translate: Any) -> list[list[float]]:
    if scale is None:
        return [[float(p[0]), float(p[1])] for p in arc]
    x = y = 0
    positions = []
    for dx, dy, *_ in arc:
        x, y = x + dx, y + dy
        positions.append(
            [
                round(x * scale[0] + translate[0], DECIMALS),
                round(y * scale[1] + translate[1], DECIMALS),
            ]
        )
    return positions


def decode_geometry(obj: dict[str, Any], arcs: list[list[list[float]]]) -> Geometry | None:
    """A TopoJSON Polygon or MultiPolygon as a GeoJSON geometry; None for a null type."""
    kind = obj.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(obj.get("arcs"), arcs)}
    if kind == "MultiPolygon":
        parts = obj.get("arcs")
        if not isinstance(parts, list):
            raise TopologyError("een MultiPolygon zonder lijst 'arcs'")
        return {"type": "MultiPolygon", "coordinates": [_polygon(p, arcs) for p in parts]}
    raise TopologyError(
        f"geometrietype {shown(str(kind))} is geen vlak (alleen Polygon en MultiPolygon)"
    )


def _polygon(rings: Any, arcs: list[list[list[float]]]) -> list[list[list[float]]]:
    if not isinstance(rings, list):
        raise TopologyError("een vlak zonder lijst van ringen in 'arcs'")
    return [_ring(ring, arcs) for ring in rings]


def _ring(indices: Any, arcs: list[list[list[float]]]) -> list[list[float]]:
    if not isinstance(indices, list):
        raise TopologyError("een ring is geen lijst van boognummers")
    positions: list[list[float]] = []
    for k, index in enumerate(indices):
        if not isinstance(index, int) or isinstance(index, bool):
            raise TopologyError(f"boognummer {shown_json(index)} is geen geheel getal")
        number = ~index if index < 0 else index  # ~i: arc i, reversed
        if number >= len(arcs):
            which = f"boog {index}" + (f" (boog {number} omgekeerd)" if index < 0 else "")
            raise TopologyError(
                f"{which} bestaat niet; de topologie heeft {nl.count(len(arcs), 'boog', 'bogen')}"
            )
        arc = arcs[number][::-1] if index < 0 else arcs[number]
        positions.extend(list(p) for p in (arc if k == 0 else arc[1:]))
    return positions
