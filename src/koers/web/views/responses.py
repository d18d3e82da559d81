"""What the OpenAPI document says a route of the JSON API can answer besides success.

Every refusal of the API is JSON ``{"detail": "..."}`` with a Dutch text (:class:`ErrorBody`),
except 422, FastAPI's own validation error (its ``detail`` is a list naming each field and
the rule it broke). A route lists exactly the codes its dependencies and handler can give
(:func:`errors`), so an API client, and schemathesis in the tests, knows every answer:

- 400: the request cannot be read (unparseable JSON, a malformed form) or, for the write
  API, the workflow refused the input (the reason names the field and the rule); for the
  read API also a store of several programmes asked without ``?programme=``;
- 401: no API key, or an unknown or revoked one (with ``WWW-Authenticate: Bearer``);
- 403: the key's user may not do this (the reason says who may);
- 404: the programme, pillar, area, indicator or update does not exist (or may not be seen);
- 409: someone changed the update first (a stale ``version``);
- 413: the body is over the limit (:mod:`koers.web.limits`);
- 422: a parameter or body field of the wrong type or outside its bounds;
- 503: no plan loaded, or the store is not reachable (with ``Retry-After``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """A refusal: the reason in Dutch."""

    detail: str = Field(description="Wat er mis is, in het Nederlands.")


DESCRIPTIONS = {
    400: "De vraag is onleesbaar of de invoer klopt niet; de reden staat in 'detail'.",
    401: "Geen API-sleutel, of een onbekende of ingetrokken sleutel.",
    403: "De gebruiker van de sleutel mag dit niet; 'detail' zegt wie wel.",
    404: "Bestaat niet, of u mag het niet inzien.",
    409: "Iemand anders wijzigde de update eerst: haal hem opnieuw op.",
    413: "De inhoud van de aanvraag is te groot.",
    503: "Nog geen plan geladen, of de database is even niet bereikbaar.",
}

READ = (400, 404, 503)  # every read route: get_snapshot's refusals
WRITE = (400, 401, 403, 404, 409, 413, 503)  # the write API on a body


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route for these codes, each with :class:`ErrorBody` (422 is
    documented by FastAPI itself wherever a parameter or body is validated)."""
    return {code: {"model": ErrorBody, "description": DESCRIPTIONS[code]} for code in codes}


EMPTY = {"type": "string", "maxLength": 0}


def empty_means_no_filter(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI ``schema`` with every query parameter of the JSON API also allowing the
    empty string, which the app reads as no filter (:class:`koers.web.app.EmptyMeansNoFilter`);
    changed in place, once."""
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or EMPTY in parameter["schema"].get("anyOf", []):
                    continue
                parameter["schema"] = {"anyOf": [parameter["schema"], EMPTY]}
                described = parameter.get("description", "")
                parameter["description"] = f"{described} Leeg: geen filter.".strip()
    return schema
