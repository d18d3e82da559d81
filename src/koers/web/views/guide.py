"""The public reading guide (``/leeswijzer``): how a status is decided, what grey means, what
a (moving) reference is and which periods figures have — the same text as Deel II's
reading guide, built from the plan's own status rules (:func:`koers.present.guide.reading_guide`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers.present.guide import reading_guide
from koers.web.views import SnapshotDep, page

router = APIRouter(include_in_schema=False)


@router.get("/leeswijzer", response_class=HTMLResponse)
def guide(request: Request, snap: SnapshotDep) -> Response:
    """The reading guide of the programme's plan."""
    return page(request, "guide.html", snap, guide=reading_guide(snap.plan))
