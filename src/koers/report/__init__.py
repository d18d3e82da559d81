"""The yearly reports: the Voortgangsrapportage (Deel I *Zuid op Koers*, Deel II) and a
*jaarambitie* document per wijk, as HTML and accessible PDF.

Owns the document model (:mod:`koers.report.build`, pure), the chart and map specifications
shared with the web dashboard (:mod:`koers.report.charts`, Vega-Lite rendered offline to
SVG), and rendering (:mod:`koers.report.render`: Jinja2 templates, WeasyPrint PDF/UA).
"""

from koers.report.build import ReportSet, build_reports, latest_year
from koers.report.render import render_documents, to_pdf, write_reports

__all__ = [
    "ReportSet",
    "build_reports",
    "latest_year",
    "render_documents",
    "to_pdf",
    "write_reports",
]
