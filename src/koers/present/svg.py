"""Rendering a Vega-Lite spec to SVG, offline and byte-identical between renders: the one
place the reports and the website turn a spec (:mod:`koers.present.charts`,
:mod:`koers.present.maps`) into a picture."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from typing import Any

from koers.present.charts import NUMBER_LOCALE, TIME_LOCALE, VEGA_LITE_VERSION


def to_svg(spec: Mapping[str, Any]) -> str:
    """Render a spec to SVG with vl-convert, offline and reproducibly.

    Vega-Lite is pinned to :data:`VEGA_LITE_VERSION`; no external URL may be loaded
    (``allowed_base_urls=[]``: a spec with a data URL fails instead of fetching); the nl-NL
    locale is passed as well, for specs made elsewhere without ``config.locale``. Vega
    numbers its clip paths and gradients with a counter that runs on between renders;
    these ids are renamed in order of appearance, prefixed with a hash of the spec, so two
    renders are byte-identical and two charts inlined in one page do not share ids. Text
    stays text (``font-family`` DejaVu Sans, else sans-serif): no font is embedded or
    fetched, and label sizes are measured with the fonts of the machine.
    """
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(
        dict(spec),
        vl_version=VEGA_LITE_VERSION,
        allowed_base_urls=[],
        format_locale=NUMBER_LOCALE,
        time_format_locale=TIME_LOCALE,
    )
    svg = _gradients_on_paper(_stable_ids(svg, spec))
    return _dutch_roles(_described(svg, spec.get("description")))


# Vega names the kinds of its SVG elements for screen readers in English, and no spec
# setting reaches those of axes, legends and mark groups; the SVG says them in Dutch
ROLE_WORDS = {
    "axis": "as",
    "legend": "legenda",
    "title": "titel",
    "group mark container": "groep",
    "line mark container": "lijnen",
    "symbol mark container": "punten",
    "rect mark container": "vlakken",
    "text mark container": "teksten",
    "shape mark container": "vormen",
    "rule mark container": "lijnstukken",
    "area mark container": "vlakken",
    "point": "punt",
    "line mark": "lijn",
    "symbol": "symbool",
    "bar": "staaf",
    "shape": "vorm",
    "text": "tekst",
}
_ROLE = re.compile(r'aria-roledescription="([^"]*)"')
# Vega's own labels of axes and legends: "X-axis titled 'aantal' for a discrete scale with
# 2 values: 2020, 2021", "Symbol legend for fill color with values from 0 to 10"
_GUIDE = re.compile(
    r'aria-label="(?:([XY])-axis|(\w+) legend)(?: titled (?:\'|&#x27;|&#39;|&apos;)(.*?)'
    r"(?:\'|&#x27;|&#39;|&apos;))?(?: for [^\"]*?)? with "
    r'(?:(\d+) values: ([^"]*)|values from ([^"]*?) to ([^"]*))"'
)


def _dutch_guide(match: re.Match[str]) -> str:
    axis, _, title, count, values, low, high = match.groups()
    words = {"X": "Horizontale as", "Y": "Verticale as"}.get(axis or "", "Legenda")
    if title:
        words += f" '{title}'"
    if count is None and "UTC" in f"{low}{high}":  # a time axis: its years, not its instants
        first, last = (re.findall(r"\b\d{4}\b", end)[-1:] or [end] for end in (low, high))
        return f'aria-label="{words}: de tijd van {first[0]} tot {last[0]}"'
    if count is not None:
        listed = values.replace(", ending with ", " … ")  # a long list: first five, last
        words += f" met {count} {'waarde' if count == '1' else 'waarden'}: {listed}"
    else:
        words += f" van {low} tot {high}"  # numbers in the spec's (Dutch) locale
    return f'aria-label="{words}"'


_EMPTY_MARKS = re.compile(r'<g\b([^>]*?) role="graphics-symbol"([^>]*)/>')


def _dutch_roles(svg: str) -> str:
    """The SVG with Vega's English words for screen readers in Dutch; a layer with no marks
    (an empty ``<g>`` Vega still calls a symbol, without a name) is hidden from them."""
    svg = _EMPTY_MARKS.sub(r'<g\1 aria-hidden="true"\2/>', svg)
    svg = _GUIDE.sub(_dutch_guide, svg)
    return _ROLE.sub(lambda m: f'aria-roledescription="{ROLE_WORDS.get(m[1], m[1])}"', svg)


def _described(svg: str, description: object) -> str:
    """Give the root ``<svg>`` the spec's description as its accessible name.

    Vega puts ``description`` on the element it renders into, which a bare SVG lacks. The
    ``<svg>`` is the image (``role="img"``, on it and not on the figure around it), named by
    the chart's message; its ``<title>`` is what WeasyPrint writes as the figure's Alt text
    in the tagged PDF. The figures themselves are in the table beside the chart.
    """
    if not isinstance(description, str) or not description:
        return svg
    text = html.escape(description, quote=True)
    head = re.match(r"<svg\b[^>]*>", svg)
    if head is None:
        return svg
    opening = head[0][:-1] + f' role="img" aria-label="{text}">'
    return opening + f"<title>{text}</title>" + svg[head.end() :]


_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def _stable_ids(svg: str, spec: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(
        json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()[:8]
    renamed: dict[str, str] = {}
    for match in re.finditer(r'\bid="([^"]+)"', svg):
        old = match[1]
        if old not in renamed:
            base = re.sub(r"[_-]?\d+$", "", old) or "id"
            renamed[old] = f"k{digest}-{base}{len(renamed)}"
    return _ID.sub(lambda m: m[1] + renamed.get(m[2], m[2]), svg)


_GRADIENT_BOX = re.compile(r'd="M0,0h([\d.]+)v([\d.]+)h-[\d.]+Z" fill="url\(#([^)]+)\)"')
_GRADIENT = re.compile(
    r'<linearGradient id="([^"]+)" x1="([\d.]+)" x2="([\d.]+)" y1="([\d.]+)" y2="([\d.]+)">'
)


def _gradients_on_paper(svg: str) -> str:
    """Vega's legend gradients in the coordinates of the box they fill.

    A gradient in bounding-box units (SVG's default, which Vega uses) is drawn as nothing by
    WeasyPrint, so a PDF lost the colour scale of every choropleth; in user space it draws.
    """
    boxes = {m[3]: (float(m[1]), float(m[2])) for m in _GRADIENT_BOX.finditer(svg)}

    def scaled(m: re.Match[str]) -> str:
        if m[1] not in boxes:
            return m[0]
        width, height = boxes[m[1]]
        x1, x2, y1, y2 = (float(v) for v in m.groups()[1:])
        return (
            f'<linearGradient id="{m[1]}" gradientUnits="userSpaceOnUse" x1="{x1 * width:g}" '
            f'x2="{x2 * width:g}" y1="{y1 * height:g}" y2="{y2 * height:g}">'
        )

    return _GRADIENT.sub(scaled, svg)
