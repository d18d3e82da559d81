"""Render a :class:`~koers.report.build.ReportSet` to HTML and accessible PDF.

Jinja2 templates (``templates/``) lay out the document model; charts are inline SVG from
the Vega-Lite specs; WeasyPrint writes tagged PDF (PDF/UA-1) with bookmarks, a table of
contents with page numbers, and page numbers on every page. No network: fonts and styles
are local. Dutch formats from :mod:`koers.nl` (checked against Babel's nl_NL in the
tests): ``18,5%``, ``€ 32.300``, ``1 januari 2023``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from koers import nl
from koers.assess import Status
from koers.present import breakdown_part, shown, source_list, status_label, to_svg
from koers.report.build import ReportSet

SECTION_TITLES = {  # Deel II sections beyond the indicators (templates/_<name>.html)
    "money": "Financiën: opgave, dekking en besteding",  # as its heading says
    "proportionality": "Proportionaliteit van de hulp",
    "board": "Bestuur",
    "alliance": "Bondgenootschap met bewoners",
}


@dataclass(frozen=True)
class Document:
    kind: str  # deel-1, deel-2, wijk
    slug: str  # file name without extension
    title: str
    html: str


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("koers.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["value"] = shown
    env.filters["number"] = lambda amount, decimals=0: nl.number(amount, decimals)
    env.filters["euro"] = nl.euro
    env.filters["share"] = nl.percent
    env.filters["longdate"] = nl.long_date
    env.filters["period"] = nl.period
    env.filters["status_label"] = status_label
    env.filters["breakdown_part"] = breakdown_part
    env.filters["cited"] = source_list
    env.filters["svg"] = _svg
    env.globals["section_titles"] = lambda extras: [
        (name, SECTION_TITLES.get(name, name)) for name in extras
    ]
    env.filters["prefix"] = lambda text, before: f"{before}{text}"
    env.filters["zip"] = lambda left, right: list(zip(left, right, strict=True))
    return env


_SVG_CACHE: dict[int, str] = {}


def _svg(spec: dict[str, Any] | None) -> Markup:
    """Inline SVG for a chart spec (rendered once per spec object)."""
    if spec is None:
        return Markup("")
    key = id(spec)
    if key not in _SVG_CACHE:
        _SVG_CACHE[key] = to_svg(spec)
    return Markup(_SVG_CACHE[key])  # our own renderer's output, not user text


def render_documents(reports: ReportSet, *, site_url: str | None = None) -> Iterator[Document]:
    """Deel I, Deel II and one document per wijk, as HTML; ``site_url``: the public
    website's address, linked from every document on screen (None: no link, since koers
    does not guess where the site is published)."""
    env = _environment()
    programme = reports.plan.programme
    names = {a.id: a.name for a in reports.plan.areas}
    common = {
        "r": reports,
        "plan": reports.plan,
        "programme": reports.plan.programme,
        "year": reports.year,
        "generated": reports.generated,
        "Status": Status,
        # the programme's own area and city, named as the plan names them
        "area_name": names.get(programme.area, programme.area),
        "city_name": names.get(programme.city) if programme.city else None,
        "site_url": site_url,
    }
    yield Document(
        "deel-1",
        reports.plan.programme.summary_slug,
        f"{reports.plan.programme.summary_title} {reports.year}",
        env.get_template("deel1.html").render(**common),
    )
    yield Document(
        "deel-2",
        "deel-2-voortgangsrapportage",
        f"Voortgangsrapportage {reports.year} — Deel II",
        env.get_template("deel2.html").render(**common),
    )
    for wijk in reports.wijken:
        yield Document(
            "wijk",
            f"jaarambitie-{wijk.area.id}",
            f"Jaarambitie {reports.year} — {wijk.area.name}",
            env.get_template("wijk.html").render(wijk=wijk, **common),
        )
    _SVG_CACHE.clear()


def write_reports(
    reports: ReportSet,
    out: Path,
    *,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    site_url: str | None = None,
) -> list[Path]:
    """Write every document as HTML (and PDF) under ``out``; return the files written.

    PDFs are laid out in parallel processes (WeasyPrint is single-threaded and Deel II
    alone takes most of the time), longest document first.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    jobs: list[tuple[Path, Document]] = []
    for document in render_documents(reports, site_url=site_url):
        folder = out / "wijken" if document.kind == "wijk" else out
        folder.mkdir(exist_ok=True)
        html_path = folder / f"{document.slug}.html"
        html_path.write_text(document.html, encoding="utf-8")
        written.append(html_path)
        jobs.append((folder / f"{document.slug}.pdf", document))
    if not pdf:
        return written
    jobs.sort(key=lambda job: -len(job[1].html))
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {
            pool.submit(to_pdf, document.html, reports.generated): (path, document)
            for path, document in jobs
        }
        for future in as_completed(futures):
            path, document = futures[future]
            path.write_bytes(future.result())
            written.append(path)
            if progress is not None:
                progress(document.title)
    return sorted(written)


def to_pdf(html: str, generated: date) -> bytes:
    """Tagged PDF/UA-1 from a document's HTML (deterministic for a given day)."""
    from weasyprint import HTML

    stamp = generated.isoformat()
    result = HTML(string=html).write_pdf(
        pdf_variant="pdf/ua-1",
        custom_metadata=True,
        pdf_identifier=stamp.encode(),
        uncompressed_pdf=False,
    )
    assert isinstance(result, bytes)
    return result
