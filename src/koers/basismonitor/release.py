"""The two outputs of a run: the release file and the checker's annex, kept apart.

- The **release file** (:func:`write_release`) is what leaves the secure environment once
  CBS's output checkers pass it, and what ``koers import`` reads back home
  (:mod:`koers.sources.basismonitor`): per aggregate its value and counts as they may be
  published, nothing else. With rounding the counts are the rounded ones and the value is
  rounded to the indicator's decimals; the unrounded counts, the reasons (which would tell
  a small cell from its protector) and the totals of magnitudes are not in it. A
  suppressed cell is listed with an empty value, so an absent row never means "empty".
- The **checker's annex** (:func:`write_annex`) is for the output checkers only and never
  leaves the environment: per cell the unweighted counts, its kind of measure, the rules
  applied to it, the decision and the reason, and in its header the run's provenance and
  the outcome of the recovery audit. Its first line says so, and ``koers import`` refuses
  it by that line.

:func:`release_rows` is also what the run stores (:func:`koers.basismonitor.publish.
observations`), so the figures imported from the release file are the figures a direct run
stores.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from koers.basismonitor.disclosure import Key, Rules, Verdict
from koers.basismonitor.policy import describe
from koers.plan.model import Plan, SourceMapping
from koers.sources.basismonitor import ANNEX_MARK, RELEASE_COLUMNS, RELEASE_MARK

ANNEX_COLUMNS = (
    "maat",
    "periode",
    "schoolwegingband",
    "gebied",
    "soort",
    "teller",
    "noemer",
    "totaal",
    "grootste",
    "kleinste",
    "besluit",
    "primair",
    "regels",
    "reden",
)
DEFAULT_DECIMALS = 1  # a measure the plan does not map: a percentage with one decimal


@dataclass(frozen=True)
class ReleaseRow:
    """One aggregate as it may be published (value and counts None when suppressed)."""

    measure: str
    period: str
    band: str
    area: str
    indicator: str | None
    value: float | None
    numerator: int | None
    denominator: int | None
    decision: str


def release_rows(
    plan: Plan, mapping: SourceMapping | None, verdicts: Sequence[Verdict]
) -> list[ReleaseRow]:
    """Every verdict as a release row: a share × the mapping's scale (100 for a measure it
    does not map), a mean as is, rounded to the indicator's decimals."""
    columns = {c.column: c for c in (mapping.columns if mapping else [])}
    decimals = {i.id: i.decimals for i in plan.indicators}
    rows = []
    for verdict in verdicts:
        measure, period, band, area = verdict.key
        column = columns.get(measure)
        indicator = column.indicator if column else None
        ratio = verdict.ratio
        value = None
        if ratio is not None:
            scale = column.scale if column else (1.0 if verdict.cell.magnitude else 100.0)
            places = decimals.get(indicator or "", DEFAULT_DECIMALS)
            value = round(ratio * scale, places)
        rows.append(
            ReleaseRow(
                measure,
                period,
                band,
                area,
                indicator,
                value,
                _whole(verdict.numerator if not verdict.cell.magnitude else None),
                _whole(verdict.denominator),
                verdict.decision.value,
            )
        )
    return rows


def _whole(count: float | None) -> int | None:
    return None if count is None else round(count)


def _header(path: Path, mark: str, provenance: Mapping[str, str]) -> list[str]:
    return [mark, *(f"# {key}: {value}" for key, value in provenance.items())]


def write_release(path: Path, rows: Sequence[ReleaseRow], provenance: Mapping[str, str]) -> None:
    """The release file: provenance lines, then :data:`RELEASE_COLUMNS` per aggregate."""
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write("\n".join(_header(path, RELEASE_MARK, provenance)) + "\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(RELEASE_COLUMNS)
        for r in rows:
            writer.writerow(
                [
                    r.measure,
                    r.period,
                    r.band,
                    r.area,
                    r.indicator or "",
                    "" if r.value is None else _number(r.value),
                    "" if r.numerator is None else r.numerator,
                    "" if r.denominator is None else r.denominator,
                    r.decision,
                ]
            )


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def write_annex(
    path: Path,
    verdicts: Sequence[Verdict],
    rules: Mapping[Key, Rules],
    kinds: Mapping[str, str],
    provenance: Mapping[str, str],
    summary: Sequence[str],
) -> None:
    """The checker's annex: the true counts and every rule applied, per cell."""
    lines = _header(
        path,
        f"{ANNEX_MARK}: ALLEEN VOOR DE OUTPUTCONTROLEURS VAN HET CBS; verlaat de beveiligde "
        "omgeving niet en wordt nooit geïmporteerd",
        provenance,
    )
    lines += [f"# {line}" for line in summary]
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(ANNEX_COLUMNS)
        for v in verdicts:
            cell = v.cell
            writer.writerow(
                [
                    *v.key,
                    kinds.get(v.key[0], "algemeen"),
                    "" if cell.numerator is None else round(cell.numerator),
                    round(cell.denominator),
                    "" if cell.total is None else repr(cell.total),
                    repr(cell.top[0]) if cell.top else "",
                    "" if cell.low is None else repr(cell.low),
                    v.decision.value,
                    "ja" if v.primary else "nee",
                    describe(rules[v.key]),
                    v.reason,
                ]
            )
