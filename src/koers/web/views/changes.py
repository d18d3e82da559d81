"""The public page "Wijzigingen in het plan" (``/plan/wijzigingen``): every version of the
plan the store holds, newest first, with when it was loaded, from which year it is valid and
what changed against the version before, in words (:func:`koers.plan.diff.diff_plans`).

Who loaded a version is the bureau's business (``koers plan history``), not the public's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from koers.plan.diff import diff_plans, summary
from koers.web.views import SnapshotDep, page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class VersionView:
    number: int
    loaded_at: datetime | None
    valid_from: int | None
    summary: str
    lines: list[str]


@router.get("/plan/wijzigingen", response_class=HTMLResponse)
def plan_changes(request: Request, snap: SnapshotDep) -> Response:
    """The plan's versions with what each changed."""
    versions = snap.history.versions if snap.history is not None else []
    views = []
    for before, version in zip([None, *versions], versions, strict=False):
        differences = diff_plans(before.plan, version.plan) if before is not None else []
        views.append(
            VersionView(
                version.number,
                version.loaded_at,
                version.valid_from,
                summary(differences) if before is not None else "eerste versie",
                [d.words() for d in differences],
            )
        )
    return page(request, "plan_changes.html", snap, versions=list(reversed(views)))
