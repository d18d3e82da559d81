"""Trajectories: the expected value for every year between baseline and target year.

A trajectory is a piecewise-linear path through knots (year, value): the baseline, the
plan's milestones and the target. Before the first knot nothing is expected yet; after the
last one the target value holds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trajectory:
    knots: tuple[tuple[int, float], ...]

    @classmethod
    def through(cls, *knots: tuple[int, float]) -> Trajectory:
        """Knots sorted by year; a later knot for the same year wins (milestones over defaults)."""
        by_year: dict[int, float] = {}
        for year, value in knots:
            by_year[year] = value
        return cls(tuple(sorted(by_year.items())))

    @property
    def start(self) -> int:
        return self.knots[0][0]

    @property
    def end(self) -> int:
        return self.knots[-1][0]

    def at(self, year: int) -> float | None:
        if not self.knots or year < self.start:
            return None
        for (y0, v0), (y1, v1) in zip(self.knots, self.knots[1:], strict=False):
            if y0 <= year <= y1:
                return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
        return self.knots[-1][1]

    def values(self) -> dict[int, float]:
        """The expected value of every year from the first to the last knot."""
        return {
            year: v for year in range(self.start, self.end + 1) if (v := self.at(year)) is not None
        }
