"""The partner portal: log in, report on what your organisation owns, and (bureau) approve.

Every page here sits on :mod:`koers.workflow`, which holds the rules: who may do what, the
draft → submitted → approved/returned flow, optimistic locking, closed years and the audit
log. These handlers only read the form, call one workflow function and show the outcome:
on success a redirect (POST-redirect-GET, with a fixed message key so no user text is
reflected), on a refusal the same page again with the reason and a fitting status code
(403 no right, 409 someone else changed it first, 400 bad input).

Restricted data (the notes and evidence of updates, the audit log, users) is filtered by the
*viewer's* rights on every read, including the CSV exports. An update someone may not see
is a 404, so its existence is not revealed either.

One module per page family: :mod:`.login`, :mod:`.home`, :mod:`.agreements`,
:mod:`.indicators`, :mod:`.updates`, :mod:`.audit`, :mod:`.periods`, :mod:`.deliveries`
(data delivery: what is in, late or without a source), :mod:`.review` (the plan's readings to
confirm), :mod:`.users`,
:mod:`.tokens`, :mod:`.password` and :mod:`.catalogue` (every agreement and indicator with
its portal page, for the bureau); what they share (the :class:`~.shared.Portal` dependency,
the CSRF check, ``show``, ``done``, ``refusal``) is in :mod:`.shared`. :data:`router` holds
all their routes.
"""

from fastapi import APIRouter

from koers.web.views.portal import (
    agreements,
    audit,
    catalogue,
    deliveries,
    home,
    indicators,
    login,
    password,
    periods,
    review,
    tokens,
    updates,
    users,
)
from koers.web.views.portal.shared import (
    WORKFLOW_ERRORS,
    LoginRequired,
    Portal,
    RowId,
    login_required,
    refusal,
)

router = APIRouter(include_in_schema=False)
_FAMILIES = (
    login,
    password,
    home,
    catalogue,
    agreements,
    indicators,
    updates,
    audit,
    periods,
    deliveries,
    review,
    users,
    tokens,
)
for _family in _FAMILIES:
    router.include_router(_family.router)

__all__ = [
    "WORKFLOW_ERRORS",
    "LoginRequired",
    "Portal",
    "RowId",
    "login_required",
    "refusal",
    "router",
]
