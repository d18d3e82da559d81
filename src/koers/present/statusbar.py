"""The status bar: how many indicators are groen, oranje, rood and grijs, in words on the bar.

Pure like :mod:`koers.present.charts`, whose conventions hold here (Dutch numbers, a Dutch
description, nothing told by colour alone).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from koers import nl
from koers.present.charts import (
    SCHEMA,
    STATUS_COLOURS,
    STATUS_TEXT_COLOURS,
    STATUSES,
    TEXT,
    WIDTH,
    _config,
    _enumerate,
    _placeholder,
)

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
