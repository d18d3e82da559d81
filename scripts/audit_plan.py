"""Audit a plan directory against the plan text it was transcribed from, and print a summary.

Three checks, each per item that cites its lines in ``ref: "seed:NNNN-MMMM"``:

- **numbers**: every number printed in an agreement's or intervention's text and
  deliverable (``4.000``, ``600``, ``2023``, ``33%``) occurs in the lines it cites;
- **words**: the share of an item's words (four letters or more) that occur in its lines:
  a transcription keeps the plan's words, a paraphrase or a wrong reference does not;
- **ids per chapter**: the agreement ids of each chapter's extract (``shared/spec``) against
  the "Afspraak" boxes of the plan (an id with a letter suffix, ``A4.12a``, is part of box
  ``A4.12``).

Usage: ``python scripts/audit_plan.py [PLAN_DIR] [--shared DIR] [--words 0.9] [--list]``;
``--shared`` (default ``$KOERS_SHARED`` or ``../shared`` beside the clone) holds
``seed/*.txt`` and ``spec/*.md``. Exit status 1 when the ids of a chapter differ, so it
can gate a change to the plan. Numbers and word shares are reported for the bureau to look
at: a transcription may rightly write "zeshonderd" as 600 or take a deliverable from the
chapter's table, and a split item rewords its passage.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from koers.plan import Plan, load_plan

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = {  # extract -> the chapter digits of its agreement ids
    "ch1-2-ambitie-wijken.md": "2",
    "ch3-thuisbasis.md": "3",
    "ch4-school.md": "4",
    "ch5-werk.md": "5",
    "ch6-wonen.md": "6",
    "ch7-8-veilig-organisatie.md": "78",
}
NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\d])|(?<![\w.,])\d+(?:,\d+)?(?![\d])")
WORD = re.compile(r"[a-zà-ÿ]{4,}")


@dataclass
class ItemAudit:
    id: str
    lines: str
    numbers_missing: list[str] = field(default_factory=list)
    word_share: float = 1.0


@dataclass
class Audit:
    items: list[ItemAudit]
    chapters: dict[str, tuple[set[str], set[str]]]  # chapter -> (in the extract, in the plan)

    @property
    def missing_numbers(self) -> list[ItemAudit]:
        return [i for i in self.items if i.numbers_missing]

    def below(self, share: float) -> list[ItemAudit]:
        return [i for i in self.items if i.word_share < share]

    @property
    def chapters_differing(self) -> list[str]:
        return [ch for ch, (spec, plan) in self.chapters.items() if spec != plan]


def line_ranges(ref: str | None) -> list[tuple[int, int]]:
    """``"seed:872-911, 930"`` -> [(872, 911), (930, 930)]; other references give none."""
    if not ref or "seed:" not in ref:
        return []
    spans = []
    for part in re.findall(r"\d+(?:-\d+)?", ref.split("seed:", 1)[1]):
        first, _, last = part.partition("-")
        spans.append((int(first), int(last or first)))
    return spans


def cited_text(seed: list[str], ref: str | None) -> str:
    """The cited lines joined, with words broken over a line end ("bewo-\\nners") rejoined."""
    text = "\n".join(
        "\n".join(seed[first - 1 : last]) for first, last in line_ranges(ref) if first <= last
    )
    return re.sub(r"(?<=[^\W\d])-\s*\n\s*(?=[^\W\d])", "", text).lower()


def _plain(number: str) -> str:
    return number.replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", number) else number


def audit_items(plan: Plan, seed: list[str]) -> Iterator[ItemAudit]:
    items = [(a.id, a.ref, [a.text, a.deliverable or ""]) for a in plan.agreements]
    items += [(i.id, i.ref, [i.name, i.description or ""]) for i in plan.interventions]
    for item_id, ref, texts in items:
        if not line_ranges(ref):
            continue
        source = cited_text(seed, ref)
        found_numbers = {_plain(n) for n in NUMBER.findall(source)}
        text = " ".join(texts)
        numbers = [n for n in NUMBER.findall(text) if _plain(n) not in found_numbers]
        words = set(WORD.findall(text.lower()))
        share = sum(1 for w in words if w in source) / len(words) if words else 1.0
        yield ItemAudit(item_id, ref or "", list(dict.fromkeys(numbers)), share)


def extract_ids(text: str) -> set[str]:
    found = re.findall(r"^\| *(A\d\.\d+)[a-z]?\b[^|]*\|", text, re.M)
    found += re.findall(r"^\*\*(A\d\.\d+)[a-z]?\b", text, re.M)
    return set(found)


def audit_chapters(plan: Plan, spec: Path) -> dict[str, tuple[set[str], set[str]]]:
    boxes = {re.sub(r"[a-z]$", "", a.id) for a in plan.agreements if re.match(r"A\d", a.id)}
    result = {}
    for name, digits in CHAPTERS.items():
        path = spec / name
        if not path.is_file():
            continue
        result[name.split("-")[0]] = (
            extract_ids(path.read_text(encoding="utf-8")),
            {b for b in boxes if b[1] in digits},
        )
    return result


def run(plan_dir: Path, shared: Path) -> Audit:
    plan = load_plan(plan_dir)
    seeds = sorted((shared / "seed").glob("*.txt"))
    if not seeds:
        raise SystemExit(f"fout: geen plantekst in {shared / 'seed'}")
    seed = seeds[0].read_text(encoding="utf-8").split("\n")
    return Audit(list(audit_items(plan, seed)), audit_chapters(plan, shared / "spec"))


def summary(audit: Audit, share: float, listing: bool) -> str:
    items = audit.items
    lines = [
        f"items met regelverwijzing: {len(items)}",
        f"getallen niet in de geciteerde regels: {sum(len(i.numbers_missing) for i in items)}"
        f" (in {len(audit.missing_numbers)} items)",
        f"items met ten minste {share:.0%} van hun woorden in hun regels: "
        f"{len(items) - len(audit.below(share))} van {len(items)}",
    ]
    for chapter, (spec, plan) in audit.chapters.items():
        verdict = "gelijk" if spec == plan else "VERSCHIL"
        lines.append(f"afspraken {chapter}: extract {len(spec)}, plan {len(plan)}: {verdict}")
        if spec != plan:
            lines.append(
                f"  alleen extract: {sorted(spec - plan)}; alleen plan: {sorted(plan - spec)}"
            )
    if listing:
        lines += [
            f"  {i.id} ({i.lines}): getallen {i.numbers_missing}" for i in audit.missing_numbers
        ]
        lines += [
            f"  {i.id} ({i.lines}): {i.word_share:.0%} van de woorden" for i in audit.below(share)
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plan", nargs="?", type=Path, default=ROOT / "plans" / "nprz-2023-2027")
    default_shared = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=default_shared)
    parser.add_argument("--words", type=float, default=0.9, help="word share to report below")
    parser.add_argument("--list", action="store_true", help="list every item found wanting")
    args = parser.parse_args(argv)
    audit = run(args.plan, args.shared)
    print(summary(audit, args.words, args.list))
    return 1 if audit.chapters_differing else 0


if __name__ == "__main__":
    sys.exit(main())
