"""Loading a plan directory: the plan into the store (a changed plan becomes a new version),
with the figures and boundaries of its data folder.

The data folder holds, each file imported as one batch, in this fixed order:

1. ``data/*.csv`` (figures in the long layout) and ``data/*.geojson`` (boundaries), in name
   order;
2. publishers' files as they publish them, in sub-folders named after the plan's mapping
   they are read with (``data/cbs-wbk-2024/*.csv`` with mapping ``cbs-wbk-2024``, in the
   mapping's format), folders and files in name order. Naming the mapping is the per-file
   declaration: a file never depends on which mapping would fit it best. A folder no mapping
   is named after is an error before anything of the data is imported; files other than
   :data:`PUBLISHED` (a README, a SOURCES.md) are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from koers.plan import Plan, load_plan
from koers.sources import ImportOutcome, SourceError, SourceIssue, import_file
from koers.store import PlanLoad, Store

PUBLISHED = (".csv", ".json", ".xls", ".xlsx")
"""The suffixes of publishers' files in a mapping's sub-folder of ``data/``."""


@dataclass(frozen=True)
class DirectoryLoad:
    plan: PlanLoad
    imports: tuple[ImportOutcome, ...]

    @property
    def programme(self) -> str:
        return self.plan.programme


def load_plan_directory(
    store: Store,
    directory: Path,
    *,
    with_data: bool = True,
    on_plan: Callable[[PlanLoad], None] | None = None,
    on_import: Callable[[ImportOutcome], None] | None = None,
) -> DirectoryLoad:
    """Load the plan in ``directory`` (a changed plan becomes a new version) and import the
    files of its ``data/`` folder, each as one batch, in the order of the module docstring
    (a file imported before changes nothing)."""
    plan = load_plan(directory)
    files = data_files(plan, directory / "data") if with_data else []
    result = store.save_plan(plan, source=str(directory))
    if on_plan is not None:
        on_plan(result)
    outcomes = []
    for path, format, mapping in files:
        outcome = import_file(
            store, path, programme=result.programme, format=format, mapping=mapping
        )
        outcomes.append(outcome)
        if on_import is not None:
            on_import(outcome)
    return DirectoryLoad(result, tuple(outcomes))


def data_files(plan: Plan, data: Path) -> list[tuple[Path, str, str | None]]:
    """(file, format, mapping) of every file to import from ``data``, in import order."""
    if not data.is_dir():
        return []
    files: list[tuple[Path, str, str | None]] = [
        (path, "csv" if path.suffix == ".csv" else "geojson", None)
        for path in sorted([*data.glob("*.csv"), *data.glob("*.geojson")])
    ]
    mappings = {m.id: m for m in plan.mappings}
    folders = sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith("."))
    unknown = [f for f in folders if f.name not in mappings]
    if unknown:
        raise SourceError(
            SourceIssue(
                str(folder),
                None,
                None,
                f"geen koppeling '{folder.name}' in het plan; een map in data/ heet naar de "
                f"koppeling waarmee haar bestanden gelezen worden "
                f"(koppelingen: {', '.join(sorted(mappings)) or 'geen'})",
            )
            for folder in unknown
        )
    for folder in folders:
        mapping = mappings[folder.name]
        files += [
            (path, mapping.format, mapping.id)
            for path in sorted(folder.iterdir())
            if path.is_file() and path.suffix.lower() in PUBLISHED
        ]
    return files
