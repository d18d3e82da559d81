"""The public website of koers: what anyone may see, without a login.

Owns the web application (:func:`create_app`, FastAPI): server-rendered Dutch pages — the
programme overview, a page per pillar, per indicator (with its figures as CSV) and per
wijk, the agreements register, the written reports — and a JSON API under ``/api`` with the
same data, documented at ``/openapi.json``. Pages work without JavaScript: charts and maps
are inline SVG rendered on the server by :mod:`koers.report.charts`, each with its figures
as a table; the styles are inline and nothing is loaded from elsewhere. Every response
carries security headers (a strict Content-Security-Policy among them), and every text
is escaped.

It only reads: what is shown comes from the store, judged by :func:`koers.assess.evaluate`
exactly as ``koers status`` does. Logging in, roles and reporting by partners are not part
of it. ``koers serve`` runs it with uvicorn.
"""

from koers.web.app import create_app

__all__ = ["create_app"]
