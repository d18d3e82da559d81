"""Errors of importers: every problem of a file, each with its row and column."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceIssue:
    file: str
    row: int | None  # 1-based line in the file, the header being row 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rij {self.row}"
        if self.column is not None:
            where += f", kolom '{self.column}'"
        return f"{where}: {self.message}"


class SourceError(ValueError):
    """A file that cannot be imported; nothing of it was stored."""

    def __init__(self, issues: Iterable[SourceIssue], limit: int = 50) -> None:
        self.issues = list(issues)
        shown = [str(issue) for issue in self.issues[:limit]]
        if len(self.issues) > limit:
            shown.append(f"... en nog {len(self.issues) - limit} problemen")
        super().__init__("niets geïmporteerd:\n" + "\n".join(shown))
