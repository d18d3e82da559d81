"""The website of koers: the public pages, the partner portal and the JSON API.

Owns the web application (:func:`create_app`, FastAPI):

- server-rendered Dutch public pages, one module per page family in ``views/`` — the
  programme overview, a page per pillar, per indicator (with its figures as CSV) and per
  wijk, the agreements register, the written reports — and a read-only JSON API under
  ``/api`` with the same data, documented at ``/openapi.json``;
- the partner portal (``views/portal/``, one module per page family: login, home,
  agreements, indicators, updates, audit log, closed years, users, API keys) and its write
  API under ``/api/portaal``, on the rules of :mod:`koers.workflow`;
- sessions, CSRF and the login limit (``auth``), whole anonymous responses cached by the
  store's generation (``cache``), limits on request bodies and forms (``limits``), and the
  log: one line per request, text or JSON (``logs``).

Pages work without JavaScript: charts and maps are inline SVG from :mod:`koers.present`,
each with its figures as a table; nothing is loaded from elsewhere. Every response carries
security headers (a strict Content-Security-Policy among them), and every text is escaped.
What a page shows is read through the read model (:mod:`koers.programme`), judged exactly as
``koers status`` does. ``koers serve`` runs it with uvicorn.
"""

from koers.web.app import create_app

__all__ = ["create_app"]
