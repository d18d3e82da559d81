"""``/gezondheid``: whether this website can serve the programme, for a load balancer,
systemd or a monitoring check.

200 only when the store answers, is at the schema version of this code and holds the
programme the site shows; 503 (with ``Retry-After``) otherwise, with the reason in Dutch.
The body is small JSON: the code's version, the schema versions and the programme with its
latest import. Never cached (:mod:`koers.web.cache` lets it pass), so it tells the truth at
every call.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from koers.store import Store
from koers.store.store import HEAD

router = APIRouter()
TAG = {"name": "gezondheid", "description": "Of de website het programma kan tonen."}
RETRY_AFTER = "30"  # seconds: how soon to ask again after any 503 of the site


@router.get(
    "/gezondheid",
    tags=["gezondheid"],
    summary="Of de website het programma kan tonen",
    response_description="200 als alles werkt; 503 met de reden als dat niet zo is",
    responses={
        503: {
            "description": "De website kan het programma nu niet tonen: 'reden' zegt waarom "
            "(met Retry-After).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def health(request: Request) -> JSONResponse:
    store: Store = request.app.state.store
    found = store.health()
    answer: dict[str, Any] = {
        "versie": version("koers"),
        "schemaversie": found.schema_version,
        "verwachte_schemaversie": HEAD,
    }
    if not found.reachable:
        return _unhealthy(answer, "de database is niet bereikbaar")
    if found.schema_version != HEAD:
        return _unhealthy(answer, f"de database heeft schemaversie {found.schema_version}")
    chosen = request.app.state.programme
    if chosen is None and len(found.programmes) == 1:
        (chosen,) = found.programmes
    if chosen not in found.programmes:
        return _unhealthy(answer, "de database bevat geen programma om te tonen")
    latest = found.programmes[chosen]
    answer |= {
        "status": "ok",
        "programma": chosen,
        "laatste_import": latest.isoformat() if latest else None,
    }
    return JSONResponse(answer)


def _unhealthy(answer: dict[str, Any], reason: str) -> JSONResponse:
    return JSONResponse(
        answer | {"status": "fout", "reden": reason},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )
