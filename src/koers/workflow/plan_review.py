"""The bureau confirms or corrects the plan's uncertain readings; each verdict is audited.

A verdict is an audit entry (subject ``reading``, the reading's key as subject id, action
``confirm_reading`` or ``correct_reading``) written in its own transaction: the audit log
is the record, no table of its own. The latest entry per key is the verdict that holds; a
later verdict on the same key names the earlier one as ``before``. A correction says what
the reading should be; the plan itself is changed in git (the plan files are reviewed
there), and the next version's reading gets a new key, to be confirmed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from koers.plan.review import ReadingToReview, reading_by_key, readings_to_review
from koers.store import Store, StoreError
from koers.store.accounts import User
from koers.workflow.common import Clock, acting, text, utc_now
from koers.workflow.roles import require

SUBJECT = "reading"
Verdict = Literal["bevestigd", "gecorrigeerd"]
ACTIONS: dict[str, str] = {"bevestigd": "confirm_reading", "gecorrigeerd": "correct_reading"}


@dataclass(frozen=True)
class ReadingVerdict:
    key: str
    verdict: Verdict
    correction: str | None
    actor: str
    at: datetime


def reviews(store: Store, programme: str) -> dict[str, ReadingVerdict]:
    """The verdict that holds per reading key: the latest."""
    with store.transaction() as tx:
        entries = tx.audit.entries(programme, subject=SUBJECT)
    found: dict[str, ReadingVerdict] = {}
    for entry in entries:
        after = entry.after or {}
        verdict = after.get("verdict")
        if verdict in ACTIONS:
            found[entry.subject_id] = ReadingVerdict(
                entry.subject_id, verdict, after.get("correction"), entry.actor, entry.at
            )
    return found


def review_reading(
    store: Store,
    programme: str,
    key: str,
    user: User,
    verdict: str,
    correction: str | None = None,
    *,
    clock: Clock = utc_now,
) -> ReadingVerdict:
    """Record the bureau's verdict on one reading: ``bevestigd``, or ``gecorrigeerd`` with
    the correct reading in ``correction``. Refused for anyone but the bureau, for a key the
    current plan does not hold, and for a correction without text."""
    plan = store.plan(programme)
    found: ReadingToReview | None = reading_by_key(readings_to_review(plan), key)
    if found is None:
        raise StoreError(
            f"lezing '{key}' staat niet (meer) in het plan; zie de lijst Te bevestigen"
        )
    if verdict not in ACTIONS:
        raise StoreError(f"oordeel '{verdict}' bestaat niet; kies bevestigd of gecorrigeerd")
    fixed = (
        text(correction, "de juiste lezing", required=True) if verdict == "gecorrigeerd" else None
    )
    with store.transaction() as tx:
        actor = acting(tx, user)
        require(actor, "review_plan", plan=plan)
        earlier = tx.audit.entries(programme, subject=SUBJECT, subject_id=key)
        at = clock()
        after = {
            "verdict": verdict,
            "correction": fixed,
            "item": found.item,
            "reading": found.reading.model_dump(),
        }
        tx.audit.append(
            programme,
            actor.username,
            ACTIONS[verdict],
            SUBJECT,
            key,
            earlier[-1].after if earlier else None,
            after,
            fixed,
            at=at,
        )
    return ReadingVerdict(key, verdict, fixed, actor.username, at)  # type: ignore[arg-type]
