"""YAML parsing that remembers where every value was written.

PyYAML's composer gives each node a start mark; we walk the node tree once and record, for
every path of keys and list indices, the line it stands on. Validation errors (which carry a
path) can then name the file and line a user has to fix. Duplicate keys, which plain
``yaml.safe_load`` silently resolves in favour of the last one, are reported as errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str, ...]


@dataclass(frozen=True)
class Located:
    """Parsed YAML data plus the line of every path in it (1-based)."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path, int]] = field(default_factory=list)

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Line of the deepest prefix of ``loc`` that exists in the document.

        Components that are not in the document (Pydantic's union tags, for instance)
        are skipped, so an error deep inside a discriminated union still finds its line.
        """
        current: Path = ()
        for part in loc:
            candidate = (*current, str(part))
            if candidate in self.lines:
                current = candidate
        return self.lines.get(current, 1)

    def sub(self, prefix: Sequence[str | int]) -> Located:
        """The same document seen from inside ``prefix`` (lines keep their numbers)."""
        head = tuple(str(p) for p in prefix)
        n = len(head)
        lines = {path[n:]: line for path, line in self.lines.items() if path[:n] == head}
        data = self.data
        for part in prefix:
            data = data[part]
        return Located(self.file, data, lines)


class YamlSyntaxError(ValueError):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


def parse_yaml(text: str, file: str) -> Located:
    """Parse one YAML document and index the line of each path in it."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(file, line, f"invalid YAML: {error.problem}") from None
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    duplicates: list[tuple[Path, int]] = []
    if node is not None:
        _index(node, (), lines, duplicates)
    return Located(file, data, lines, duplicates)


def _index(
    node: yaml.Node, path: Path, lines: dict[Path, int], dups: list[tuple[Path, int]]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                dups.append((child, key_node.start_mark.line + 1))
                continue
            seen.add(key)
            # the key's line is where a reader looks for the field
            lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, str(index)), lines, dups)
