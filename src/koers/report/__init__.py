"""The yearly reports: the Voortgangsrapportage (Deel I, the readable summary, and Deel II)
and a *jaarambitie* document per wijk, as HTML and accessible PDF.

Owns the document model (:mod:`koers.report.build`, pure), Deel I as the readable newspaper
(:mod:`koers.report.newspaper` with :mod:`koers.report.headlines`), the further sections of Deel II
(:mod:`koers.report.sections`) and rendering (:mod:`koers.report.render`: Jinja2 templates,
WeasyPrint PDF/UA). Charts, maps and labels come from :mod:`koers.present`, shared with the
website; the reports lay out what they are handed and never read the store
(:func:`koers.usecases.write_report_set` reads it for them).
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
