"""The readings of the plan the bureau is to confirm ("Te bevestigen"). Pure.

Every item that carries :class:`~koers.plan.base.Reading` entries (an uncertain or inferred
reading of the plan text) yields one :class:`ReadingToReview` per reading. Its ``key`` is
stable while the reading is unchanged (the item id and a digest of what the reading says),
so a confirmation recorded against it stays valid across plan versions until the reading
itself is rewritten; then it is to be confirmed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from koers.plan.base import Readable, Reading
from koers.plan.model import Plan

# plan sections whose items may carry readings, with the word the review page uses
SECTIONS: tuple[tuple[str, str], ...] = (
    ("areas", "gebied"),
    ("pillars", "pijler"),
    ("indicators", "indicator"),
    ("interventions", "interventie"),
    ("agreements", "afspraak"),
)
FINANCE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("bureau_budget", "begroting programmabureau"),
    ("contributions", "bijdrage"),
    ("funding", "financiering"),
    ("commitments", "financieringstoezegging"),
)


@dataclass(frozen=True)
class ReadingToReview:
    key: str  # "<item id>:<digest>", stable while the reading is unchanged
    what: str  # the kind of item in Dutch ("afspraak", "indicator", …)
    item: str  # the item's id
    title: str  # its text or name
    reading: Reading


def reading_key(item: str, reading: Reading) -> str:
    said = "\x1f".join([item, reading.reading, reading.about or "", reading.reason])
    return f"{item}:{hashlib.sha256(said.encode()).hexdigest()[:10]}"


def _items(plan: Plan) -> Iterator[tuple[str, Readable]]:
    for section, what in SECTIONS:
        for item in getattr(plan, section):
            yield what, item
    if plan.finance is not None:
        for section, what in FINANCE_SECTIONS:
            for item in getattr(plan.finance, section):
                yield what, item


def _title(item: Readable) -> str:
    for field in ("text", "name"):
        value = getattr(item, field, None)
        if isinstance(value, str):
            return value
    return ""


def readings_to_review(plan: Plan) -> list[ReadingToReview]:
    """Every uncertain or inferred reading of the plan, in the plan's order."""
    found = []
    for what, item in _items(plan):
        item_id = str(getattr(item, "id", ""))
        for reading in item.readings:
            found.append(
                ReadingToReview(reading_key(item_id, reading), what, item_id, _title(item), reading)
            )
    return found


def reading_by_key(readings: Sequence[ReadingToReview], key: str) -> ReadingToReview | None:
    return next((r for r in readings if r.key == key), None)
