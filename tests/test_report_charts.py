"""The charts of the yearly documents as a reader of the tagged PDF meets them: each figure's
Alt text is the chart's message (where the area went, from when to when, and what the plan
intends), not the kind of chart; and E3.1, a share computed from counts, is charted as that
share."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from pypdf import PdfReader

from koers.report import build_reports, latest_year, render_documents, to_pdf


def figure_alts(pdf: PdfReader) -> list[str]:
    """The Alt text of every Figure in the PDF's structure tree."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if node.get("/S") == "/Figure" and "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object()
            if hasattr(kid, "get"):
                walk(kid)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_a_chart_s_alt_text_in_the_pdf_is_its_message(nprz_plan, nprz_figures):
    year = latest_year(nprz_figures)
    assert year is not None
    reports = build_reports(nprz_plan, nprz_figures, year=year, generated=date(2024, 1, 1))
    views = [v for p in reports.pillars for v in (*p.effects, *p.outputs)]
    messages = {v.chart["description"] for v in views if v.chart}
    share = next(v for v in views if v.indicator.id == "E3.1")
    assert share.chart is not None
    assert share.chart["layer"][0]["encoding"]["y"]["title"] == "%"  # not "aantal"
    assert share.chart["description"].endswith("Rotterdam-Zuid 44,6% (2020).")

    deel1 = next(d for d in render_documents(reports) if d.kind == "deel-1")
    charts_in_html = deel1.html.count('<figure class="chart">')
    assert charts_in_html > 0 and 'role="img" aria-label' in deel1.html
    alts = figure_alts(PdfReader(io.BytesIO(to_pdf(deel1.html, reports.generated))))
    charted = [alt for alt in alts if alt in messages]
    assert len(charted) == charts_in_html
    assert not [alt for alt in alts if alt.startswith("Lijngrafiek")]
    assert all(": " in alt and "(" in alt for alt in charted)  # area, value and period
