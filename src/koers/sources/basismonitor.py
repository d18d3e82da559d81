"""The Basismonitor's release file, read back into a store outside the secure environment.

A run of ``koers basismonitor run --out FILE`` inside CBS Remote Access writes a *release
file* (:mod:`koers.basismonitor.release`): only the publishable values, rounded where the
run was told to round. Once CBS's output checkers have passed it, it leaves the
environment and ``koers import FILE`` stores its figures (format ``basismonitor``) like any
import, with the run's provenance (run id and date, panel, fingerprint, and for a
synthetic panel its seed) in every figure's source and note.

The layout: comment lines ``# key: value`` (the provenance, first line
:data:`RELEASE_MARK`), then a CSV with :data:`RELEASE_COLUMNS`. Rows without an indicator
(a distribution's total, a measure the plan does not map) and suppressed rows (no value)
are not stored. A row of a schoolweging band (the comparison of pupils in schools of
similar schoolweging) is stored as a breakdown of its indicator's figure (:func:`breakdown`:
dimension ``schoolweging``, the band as the file writes it, ``28-30``); the indicator's
total stays the row of the whole area: bands cover only pupils whose school has a
schoolweging, so a rate's ``breakdown_total`` is ``none`` and no total is formed from them.
The checker's annex (first line :data:`ANNEX_MARK`) is recognised and refused by name: it
holds the true cell counts and never leaves the environment.

Real and synthetic figures never mix (:func:`keep_apart`): figures of a synthetic panel
carry status ``synthetisch``; they are refused into a store that holds real figures unless
asked for explicitly, and even then never replace a real figure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace

from koers.areas import Observation
from koers.sources.base import (
    ImportContext,
    Reading,
    SourceError,
    SourceIssue,
    period_problem,
    value_problems,
)
from koers.store import Store, StoreError

FORMAT = "basismonitor"
RELEASE_MARK = "# koers basismonitor vrijgavebestand"
ANNEX_MARK = "# koers basismonitor controlebijlage"
RELEASE_COLUMNS = (
    "maat",
    "periode",
    "schoolwegingband",
    "gebied",
    "indicator",
    "waarde",
    "teller",
    "noemer",
    "besluit",
)
SYNTHETIC = "synthetisch"
"""The status of a figure computed from a synthetic panel."""
BAND = "schoolweging"
"""The breakdown dimension of a schoolweging band comparison."""


def breakdown(band: str | None) -> tuple[str | None, str | None]:
    """(dimension, category) of a figure of schoolweging band ``band`` ('' or None: the
    figure itself, no breakdown)."""
    return (BAND, band) if band else (None, None)


def provenance_text(provenance: dict[str, str]) -> tuple[str, str]:
    """(source, note) of a figure from a run with this provenance."""
    synthetic = provenance.get("synthetisch") == "ja"
    details = [provenance.get("engine", "?")]
    if synthetic and provenance.get("seed"):
        details.append(f"seed {provenance['seed']}")
    source = (
        f"Basismonitor, {'synthetisch ' if synthetic else ''}panel "
        f"{provenance.get('panel', '?')} ({', '.join(details)})"
    )
    note = f"run {provenance.get('run', '?')} van {provenance.get('datum', '?')}"
    return source, note


class BasismonitorRelease:
    """``koers import`` of a Basismonitor release file."""

    format = FORMAT

    def sniff(self, data: bytes, name: str) -> bool:
        head = data[:200].decode("utf-8", "replace")
        return head.startswith((RELEASE_MARK, ANNEX_MARK))

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        text = data.decode("utf-8-sig", "replace")
        if text.startswith(ANNEX_MARK):
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        1,
                        None,
                        "dit is de controlebijlage van een Basismonitor-run: alleen voor de "
                        "outputcontroleurs van het CBS, nooit te importeren; importeer het "
                        "vrijgavebestand",
                    )
                ]
            )
        lines = text.splitlines()
        provenance: dict[str, str] = {}
        header = 0
        while header < len(lines) and lines[header].startswith("#"):
            key, _, value = lines[header][1:].partition(":")
            if value:
                provenance[key.strip()] = value.strip()
            header += 1
        rows = list(csv.reader(io.StringIO("\n".join(lines[header:]))))
        if not rows or tuple(rows[0]) != RELEASE_COLUMNS:
            raise SourceError(
                [
                    SourceIssue(
                        name,
                        header + 1,
                        None,
                        f"kolommen moeten zijn: {', '.join(RELEASE_COLUMNS)}",
                    )
                ]
            )
        source, note = provenance_text(provenance)
        status = SYNTHETIC if provenance.get("synthetisch") == "ja" else "definitief"
        reading = Reading(mapping=None)
        issues = []
        for number, row in enumerate(rows[1:], start=header + 2):
            if len(row) != len(RELEASE_COLUMNS):
                issues.append(SourceIssue(name, number, None, "verkeerd aantal kolommen"))
                continue
            cell = dict(zip(RELEASE_COLUMNS, row, strict=True))
            if not cell["indicator"] or not cell["waarde"]:
                continue
            found = self._observation(name, number, cell, context, issues)
            if found is not None:
                dimension, category = breakdown(cell["schoolwegingband"])
                found = replace(
                    found,
                    status=status,
                    source=source,
                    note=f"{note}; {cell['besluit']}",
                    dimension=dimension,
                    category=category,
                )
                reading.observations.append(found)
                reading.places[found.key] = (name, number, "waarde")
        if issues:
            raise SourceError(issues)
        return reading

    def _observation(
        self,
        name: str,
        number: int,
        cell: dict[str, str],
        context: ImportContext,
        issues: list[SourceIssue],
    ) -> Observation | None:
        indicator = context.indicators.get(cell["indicator"])
        if indicator is None:
            issues.append(
                SourceIssue(name, number, "indicator", f"'{cell['indicator']}' niet in het plan")
            )
            return None
        if cell["gebied"] not in context.areas:
            issues.append(
                SourceIssue(name, number, "gebied", f"'{cell['gebied']}' niet in het plan")
            )
            return None
        numbers: dict[str, float | None] = {}
        for column in ("waarde", "teller", "noemer"):
            try:
                numbers[column] = float(cell[column]) if cell[column] else None
            except ValueError:
                issues.append(SourceIssue(name, number, column, f"'{cell[column]}' is geen getal"))
                return None
        if (problem := period_problem(indicator, cell["periode"])) is not None:
            issues.append(SourceIssue(name, number, "periode", problem))
            return None
        value, numerator, denominator = numbers["waarde"], numbers["teller"], numbers["noemer"]
        problems = value_problems(indicator, value, numerator, denominator)
        issues += [SourceIssue(name, number, column, message) for column, message in problems]
        if problems:
            return None
        return Observation(
            indicator.id, cell["gebied"], cell["periode"], value, numerator, denominator
        )


def real_figures(store: Store, programme: str) -> set[tuple[str, str, str, str, str]]:
    """The key (:attr:`~koers.areas.Observation.key`) of every current figure, breakdowns
    included, that is not synthetic."""
    return {o.key for o in store.observations(programme, breakdowns=True) if o.status != SYNTHETIC}


def refuse_synthetic(name: str, programme: str, real: set[tuple[str, str, str, str, str]]) -> None:
    """Refuse synthetic figures into a store with real ones (``StoreError``)."""
    if real:
        raise StoreError(
            f"{name}: cijfers van een synthetisch panel, en de opslag van {programme} bevat "
            f"{len(real)} echte cijfers; synthetische en echte cijfers worden niet gemengd. "
            "Gebruik een aparte opslag, of sta het uitdrukkelijk toe (--synthetisch-toestaan): "
            "dan worden ze als synthetisch opgeslagen, nooit over een echt cijfer heen"
        )


def keep_apart(
    store: Store,
    programme: str,
    name: str,
    observations: Sequence[Observation],
    *,
    allow_synthetic: bool = False,
) -> tuple[list[Observation], int]:
    """The figures that may be stored, and how many were left out.

    Figures with status ``synthetisch`` are refused (``StoreError``) when the store holds
    real figures of the programme, unless ``allow_synthetic``; then they are stored where
    no real figure is, never over one (those are left out and counted).
    """
    if not any(o.status == SYNTHETIC for o in observations):
        return list(observations), 0
    real = real_figures(store, programme)
    if not allow_synthetic:
        refuse_synthetic(name, programme, real)
    kept = [o for o in observations if o.status != SYNTHETIC or o.key not in real]
    return kept, len(observations) - len(kept)
