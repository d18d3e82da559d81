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
    stays text (``font-family`` sans-serif): no font is embedded or fetched, and label
    sizes are measured with the fonts of the machine.
    """
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(
        dict(spec),
        vl_version=VEGA_LITE_VERSION,
        allowed_base_urls=[],
        format_locale=NUMBER_LOCALE,
        time_format_locale=TIME_LOCALE,
    )
    return _described(_stable_ids(svg, spec), spec.get("description"))


def _described(svg: str, description: object) -> str:
    """Give the root ``<svg>`` the spec's description as its accessible name.

    Vega puts ``description`` on the element it renders into, which a bare SVG lacks.
    """
    if not isinstance(description, str) or not description:
        return svg
    text = html.escape(description, quote=True)
    head = re.match(r"<svg\b[^>]*>", svg)
    if head is None:
        return svg
    opening = head[0][:-1] + f' role="graphics-document document" aria-label="{text}">'
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
