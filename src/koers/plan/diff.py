"""What changed between two versions of a plan, in words. Pure.

:func:`diff_plans` compares two plans item by item (by id within each section) and field by
field, and returns one :class:`Difference` per change: an item added or removed, a field of
an item changed, and for an indicator each target apart (``doel 1`` is ``target``, ``doel
2`` … the targets in ``also``), added, removed or changed field by field. Both plans are
compared as the current model dumps them, so a field that an older version did not have yet
and that holds its default is no change.

``koers plan diff`` prints these lines, the public page "Wijzigingen in het plan" lists them
per version, and ``koers load`` stores the item-level summary with each new version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from koers.plan.model import KEYED_SECTIONS, LIST_SECTIONS, SINGLE_SECTIONS, Plan

__all__ = ["SECTION_WORDS", "Difference", "diff_plans", "summary"]

SECTION_WORDS: dict[str, str] = {
    "programme": "programma",
    "finance": "financiën",
    "governance": "bestuur",
    "pillars": "pijler",
    "areas": "gebied",
    "indicators": "indicator",
    "interventions": "interventie",
    "agreements": "afspraak",
    "partners": "partner",
    "mappings": "bronkoppeling",
    "crosswalks": "omzetting",
    "passports": "indicatorpaspoort",
}
"""The Dutch word for one item of each section."""

TEXT_FIELDS = frozenset({"name", "text", "statement", "definition", "description", "ambition"})
"""Fields that hold the plan's wording: their change reads as a changed text."""

SHOWN = 70
"""A value longer than this many characters is cut short in the words."""

ADDED, REMOVED, CHANGED = "toegevoegd", "verwijderd", "gewijzigd"


@dataclass(frozen=True)
class Difference:
    """One change: an item, or a field of it, or a target of an indicator."""

    section: str
    item: str
    change: str  # toegevoegd / verwijderd / gewijzigd
    target: int | None = None  # 1 for ``target``, 2… for ``also``; None: the item itself
    field: str | None = None
    old: Any = None
    new: Any = None

    @property
    def what(self) -> str:
        """``indicator T1.R22`` or ``indicator T1.R22, doel 2``."""
        head = f"{SECTION_WORDS.get(self.section, self.section)} {self.item}".rstrip()
        return head + (f", doel {self.target}" if self.target is not None else "")

    def words(self) -> str:
        """The change as one Dutch line."""
        if self.field is None:
            about = self.new if self.change == ADDED else self.old
            # a target is described in words of its own; an item by its name, quoted
            shown = about if self.target is not None else _shown(about)
            return f"{self.what} {self.change}" + (f": {shown}" if about else "")
        kind = "tekst van " if self.field in TEXT_FIELDS else ""
        return (
            f"{self.what}: {kind}{self.field} {self.change} van {_shown(self.old)} "
            f"naar {_shown(self.new)}"
        )

    def record(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "item": self.item,
            "change": self.change,
            "target": self.target,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "text": self.words(),
        }


def _shown(value: Any) -> str:
    if value is None:
        return "leeg"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        return f"{value:g}".replace(".", ",")  # Dutch decimals: 37,4
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    if len(text) > SHOWN:
        text = text[: SHOWN - 1].rstrip() + "…"
    return f"'{text}'" if isinstance(value, str) else text


def _label(item: dict[str, Any]) -> str | None:
    """What an added or removed item is called: its name, text or statement."""
    for key in ("name", "text", "statement"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return None


def _target_label(target: dict[str, Any]) -> str:
    parts = [str(target.get("kind"))]
    for key in ("area", "reference_area", "value", "upper", "level", "reference_share"):
        if target.get(key) is not None:
            parts.append(f"{key} {_shown(target[key]).strip(chr(39))}")
    for key in ("direction", "target_year"):
        if target.get(key) is not None:
            parts.append(f"{key} {target[key]}")
    if target.get("stages"):
        parts.append("treden " + " → ".join(s["reference_area"] for s in target["stages"]))
    label = ", ".join(parts)
    return label + (f" ({target['ref']})" if target.get("ref") else "")


def _fields(
    section: str, item: str, old: dict[str, Any], new: dict[str, Any], target: int | None = None
) -> list[Difference]:
    return [
        Difference(section, item, CHANGED, target, key, old.get(key), new.get(key))
        for key in [*old, *(k for k in new if k not in old)]
        if old.get(key) != new.get(key)
    ]


def _targets(item: str, old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    before = ([old["target"]] if old.get("target") else []) + list(old.get("also") or [])
    after = ([new["target"]] if new.get("target") else []) + list(new.get("also") or [])
    found: list[Difference] = []
    for pos in range(max(len(before), len(after))):
        a = before[pos] if pos < len(before) else None
        b = after[pos] if pos < len(after) else None
        if a is None and b is not None:
            found.append(Difference("indicators", item, ADDED, pos + 1, new=_target_label(b)))
        elif b is None and a is not None:
            found.append(Difference("indicators", item, REMOVED, pos + 1, old=_target_label(a)))
        elif a is not None and b is not None:
            found += _fields("indicators", item, a, b, pos + 1)
    return found


def _items(section: str, old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    found: list[Difference] = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key), new.get(key)
        if a is None and b is not None:
            found.append(Difference(section, key, ADDED, new=_label(b)))
        elif b is None and a is not None:
            found.append(Difference(section, key, REMOVED, old=_label(a)))
        elif a != b and a is not None and b is not None:
            if section == "indicators":
                plain = {"target", "also"}
                found += _fields(
                    section,
                    key,
                    {k: v for k, v in a.items() if k not in plain},
                    {k: v for k, v in b.items() if k not in plain},
                )
                found += _targets(key, a, b)
            else:
                found += _fields(section, key, a, b)
    return found


def diff_plans(old: Plan, new: Plan) -> list[Difference]:
    """Every change from ``old`` to ``new``, in the plan's section order."""
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    found: list[Difference] = []
    for section in SINGLE_SECTIONS:
        if a.get(section) is None or b.get(section) is None:
            if a.get(section) != b.get(section):
                change = ADDED if a.get(section) is None else REMOVED
                found.append(Difference(section, "", change))
        elif a[section] != b[section]:
            found += _fields(section, "", a[section], b[section])
    for section in LIST_SECTIONS:
        found += _items(section, {i["id"]: i for i in a[section]}, {i["id"]: i for i in b[section]})
    for section in KEYED_SECTIONS:
        found += _items(section, a[section], b[section])
    return found


def summary(differences: list[Difference]) -> str:
    """``2 toegevoegd, 5 gewijzigd, 1 verwijderd`` (items; a changed target counts once for
    its indicator), or ``geen wijzigingen``."""
    items: dict[tuple[str, str], str] = {}
    for d in differences:
        key = (d.section, d.item)
        whole = d.target is None and d.field is None
        items[key] = d.change if whole else items.get(key, CHANGED)
    counts = {c: sum(1 for v in items.values() if v == c) for c in (ADDED, CHANGED, REMOVED)}
    parts = [f"{n} {c}" for c, n in counts.items() if n]
    return ", ".join(parts) if parts else "geen wijzigingen"
