"""The plan's history: its stored versions, which version is valid in a year, and the
version each target came from. Pure: the store hands the versions in.

Which version is valid in a year: the newest version whose ``programme.valid_from`` is that
year or earlier, or that has no ``valid_from`` at all — a version without it corrects the
plan and counts for every year; a version with it (a midterm review that sets new targets
from 2025 on) leaves the years before to the version that was valid then. A year before
every version's ``valid_from`` is judged against the oldest version. The load date plays no
part: plans are loaded years after the figures they judge, and a correction of a misread
target is meant for every year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from koers.plan.model import Indicator, Plan
from koers.plan.targets import Target

__all__ = ["PlanHistory", "PlanVersion", "same_target"]


@dataclass(frozen=True)
class PlanVersion:
    """One stored version of a plan."""

    number: int
    plan: Plan
    loaded_at: datetime | None = None
    loaded_by: str | None = None
    source: str | None = None

    @property
    def valid_from(self) -> int | None:
        return self.plan.programme.valid_from


def _dump(target: Target) -> dict[str, Any]:
    return target.model_dump(mode="json", exclude={"ref", "statement"})


def same_target(a: Target | None, b: Target | None) -> bool:
    """Whether two targets judge alike (their wording and source lines may differ)."""
    if a is None or b is None:
        return a is b
    return _dump(a) == _dump(b)


class PlanHistory:
    """The versions of one plan, oldest first."""

    def __init__(self, versions: Sequence[PlanVersion]) -> None:
        if not versions:
            raise ValueError("a plan history holds at least one version")
        self.versions = sorted(versions, key=lambda v: v.number)
        self._indicators: dict[int, dict[str, Indicator]] = {}

    @property
    def latest(self) -> PlanVersion:
        return self.versions[-1]

    def valid_in(self, year: int) -> PlanVersion:
        """The version valid in ``year`` (see the module docstring)."""
        for version in reversed(self.versions):
            if version.valid_from is None or version.valid_from <= year:
                return version
        return self.versions[0]

    def indicator(self, version: PlanVersion, indicator_id: str) -> Indicator | None:
        if version.number not in self._indicators:
            self._indicators[version.number] = {i.id: i for i in version.plan.indicators}
        return self._indicators[version.number].get(indicator_id)

    def target_in(self, version: PlanVersion, indicator_id: str, position: int) -> Target | None:
        """The indicator's target at ``position`` (0: ``target``, 1…: ``also``) in a version."""
        indicator = self.indicator(version, indicator_id)
        targets = indicator.targets if indicator is not None else []
        return targets[position] if position < len(targets) else None

    def target_version(self, indicator_id: str, position: int) -> int | None:
        """The version the latest target at ``position`` came from: the oldest version from
        which on it judged alike in every version up to the latest."""
        current = self.target_in(self.latest, indicator_id, position)
        if current is None:
            return None
        found = self.latest.number
        for version in reversed(self.versions[:-1]):
            if not same_target(self.target_in(version, indicator_id, position), current):
                break
            found = version.number
        return found
