"""Loading a plan directory: the plan into the store (a changed plan becomes a new version),
with the figures (``data/*.csv``) and boundaries (``data/*.geojson``) of its data folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from koers.plan import load_plan
from koers.sources import ImportOutcome, import_file
from koers.store import PlanLoad, Store


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
    files of its ``data/`` folder, each as one batch, in name order (a file imported before
    changes nothing)."""
    result = store.save_plan(load_plan(directory), source=str(directory))
    if on_plan is not None:
        on_plan(result)
    outcomes = []
    if with_data:
        data = directory / "data"
        for path in sorted([*data.glob("*.csv"), *data.glob("*.geojson")]):
            outcome = import_file(
                store,
                path,
                programme=result.programme,
                format="csv" if path.suffix == ".csv" else "geojson",
            )
            outcomes.append(outcome)
            if on_import is not None:
                on_import(outcome)
    return DirectoryLoad(result, tuple(outcomes))
