"""Load a plan directory: parse every YAML file, validate, and report all problems at once.

A plan is a directory of YAML files (reviewable in git). Each file may hold any of the
sections of :class:`~koers.plan.model.PlanFile`; list sections are merged across files in
file-name order, so a big plan can be split per chapter. ``programme`` must occur once.

Loading never stops at the first problem: every file is parsed, every item validated, and
every cross-reference checked, and the resulting :class:`PlanError` lists each problem
with its file, line and field. The loader reads files; :func:`plan_from_documents` is the
pure part and takes already-read text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from koers.errors import KoersError
from koers.plan.model import (
    KEYED_SECTIONS,
    LIST_SECTIONS,
    SINGLE_SECTIONS,
    Agreement,
    Area,
    Crosswalk,
    Finance,
    Governance,
    Id,
    Indicator,
    Intervention,
    Partner,
    Passport,
    Pillar,
    Plan,
    Programme,
    SourceMapping,
)
from koers.plan.validate import check_plan
from koers.plan.yamlsrc import Located, YamlSyntaxError, parse_yaml

SECTION_MODELS: dict[str, type[BaseModel]] = {
    "pillars": Pillar,
    "areas": Area,
    "indicators": Indicator,
    "interventions": Intervention,
    "agreements": Agreement,
    "partners": Partner,
    "mappings": SourceMapping,
    "crosswalks": Crosswalk,
}
SINGLE_MODELS: dict[str, type[BaseModel]] = {
    "programme": Programme,
    "finance": Finance,
    "governance": Governance,
}
KEYED_MODELS: dict[str, type[BaseModel]] = {"passports": Passport}
ALL_SECTIONS = (*SINGLE_SECTIONS, *LIST_SECTIONS, *KEYED_SECTIONS)

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings a plan file may have (a plan needs about 6)."""
MAX_VALUES = 100_000
"""Most values one plan file may hold with its aliases expanded (the largest NPRZ file has
about 4 500): a file of nested aliases ("billion laughs") is refused before it is built."""


@dataclass(frozen=True, order=True)
class PlanIssue:
    """One problem in a plan, located as precisely as the source allows."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class PlanError(KoersError, ValueError):
    """A plan that cannot be loaded; ``issues`` holds every problem found."""

    def __init__(self, issues: Iterable[PlanIssue]) -> None:
        self.issues = sorted(issues)
        count = len(self.issues)
        head = f"{count} probleem" if count == 1 else f"{count} problemen"
        super().__init__(f"plan is niet geldig ({head}):\n" + "\n".join(map(str, self.issues)))


@dataclass(frozen=True)
class _Item:
    section: str
    index: int
    doc: Located
    key: str | None = None  # the item's key in a keyed section (passports)

    def issue(self, field: str, message: str, item_id: str | None) -> PlanIssue:
        parts = field.split(".") if field else []
        place = self.index if self.key is None else self.key
        loc: tuple[str | int, ...] = (self.section, place, *parts)
        if self.key is not None:
            label = f"{self.section} ({self.key})"
        else:
            label = self.section if self.index < 0 else f"{self.section}[{self.index}]"
            label += f" ({item_id})" if item_id else ""
        name = f"{label}.{field}" if field else label
        return PlanIssue(self.doc.file, self.doc.line_of(loc), name, message)


def load_plan(directory: str | Path) -> Plan:
    """Read every ``*.yaml`` file under ``directory`` and return the validated plan."""
    root = Path(directory)
    if not root.is_dir():
        raise PlanError([PlanIssue(str(root), 0, "", "plan directory not found")])
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise PlanError([PlanIssue(str(root), 0, "", "no YAML files in plan directory")])
    documents: dict[str, str] = {}
    issues: list[PlanIssue] = []
    for path in files:
        data = path.read_bytes()
        try:
            documents[str(path)] = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            issues.append(
                PlanIssue(
                    str(path), line, "", f"not UTF-8 text (byte {error.start}); save it as UTF-8"
                )
            )
    if issues:
        raise PlanError(issues)
    return plan_from_documents(documents)


def plan_from_documents(documents: Mapping[str, str]) -> Plan:
    """Validate a plan given as {file name: YAML text}; pure, for tests and tools."""
    issues: list[PlanIssue] = []
    sections: dict[str, list[tuple[Any, _Item]]] = {name: [] for name in ALL_SECTIONS}

    for file, text in documents.items():
        hostile = _hostile(text, file)
        if hostile is not None:
            issues.append(hostile)
            continue
        try:
            doc = parse_yaml(text, file)
        except YamlSyntaxError as error:
            issues.append(PlanIssue(error.file, error.line, "", error.message))
            continue
        issues.extend(
            PlanIssue(file, line, ".".join(path), "duplicate key")
            for path, line in doc.duplicate_keys
        )
        if doc.data is None:
            continue
        issues.extend(_not_finite(doc))
        if not isinstance(doc.data, dict):
            issues.append(PlanIssue(file, 1, "", "a plan file must be a mapping of sections"))
            continue
        for key, value in doc.data.items():
            if key not in ALL_SECTIONS:
                issues.append(
                    PlanIssue(
                        file,
                        doc.line_of((key,)),
                        str(key),
                        f"unknown section; expected one of {', '.join(ALL_SECTIONS)}",
                    )
                )
            elif key in SINGLE_MODELS:
                _validate(SINGLE_MODELS[key], value, _Item(key, -1, doc), sections[key], issues)
            elif key in KEYED_MODELS:
                _keyed(key, value, doc, sections[key], issues)
            elif not isinstance(value, list):
                issues.append(PlanIssue(file, doc.line_of((key,)), key, "must be a list"))
            else:
                for index, raw in enumerate(value):
                    _validate(
                        SECTION_MODELS[key], raw, _Item(key, index, doc), sections[key], issues
                    )

    programmes = sections["programme"]
    if not programmes and not any(i.field.startswith("programme") for i in issues):
        first = next(iter(documents), "<plan>")
        issues.append(PlanIssue(first, 1, "programme", "the plan has no 'programme' section"))
    for name in SINGLE_SECTIONS:
        for _, item in sections[name][1:]:
            issues.append(
                PlanIssue(
                    item.doc.file,
                    item.doc.line_of((name,)),
                    name,
                    f"'{name}' is defined more than once",
                )
            )

    # Cross-checks run even when the programme itself is invalid, so that one pass
    # reports everything; such a plan is never returned.
    lists: dict[str, Any] = {name: [model for model, _ in sections[name]] for name in LIST_SECTIONS}
    lists |= {name: {item.key: model for model, item in sections[name]} for name in KEYED_SECTIONS}
    programme = programmes[0][0] if programmes else None
    singles = {
        name: sections[name][0][0] if sections[name] else None for name in SINGLE_SECTIONS[1:]
    }
    draft = (
        Plan(programme=programme, **singles, **lists)
        if programme
        else Plan.model_construct(None, programme=None, **singles, **lists)  # type: ignore[arg-type]
    )
    for finding in check_plan(draft):
        model, item = sections[finding.section][max(finding.index, 0)]
        issues.append(item.issue(finding.field, finding.message, getattr(model, "id", None)))
    if issues or programme is None:
        raise PlanError(issues)
    return draft


def _hostile(text: str, file: str) -> PlanIssue | None:
    """Why ``text`` must not be parsed into values, or None.

    Refused: characters YAML forbids (NUL, other control characters), typed scalars PyYAML
    cannot construct (see :func:`_scalar_problem`), nesting deeper than :data:`MAX_DEPTH`
    (the composer and the line index recurse per level), an alias inside
    the value it names (a recursive structure), and aliases that expand to more than
    :data:`MAX_VALUES` values. PyYAML's event parser neither recurses nor expands aliases,
    so this pass is safe on any input; syntax errors are left to :func:`parse_yaml`.
    """
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    open_: list[tuple[str | None, int]] = []  # (anchor, values so far) per open collection
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append((event.anchor, 1))
                if len(open_) > MAX_DEPTH:
                    return PlanIssue(
                        file, line, "", f"invalid YAML: nested more than {MAX_DEPTH} levels deep"
                    )
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                anchor, size = open_.pop()
                if anchor is not None:
                    sizes[anchor] = size
            elif isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in open_):
                    return PlanIssue(
                        file,
                        line,
                        "",
                        f"invalid YAML: alias *{event.anchor} stands inside the value it names",
                    )
                size = sizes.get(event.anchor or "", 1)
            elif isinstance(event, yaml.ScalarEvent):
                size = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                problem = _scalar_problem(event)
                if problem is not None:
                    return PlanIssue(file, line, "", f"invalid YAML: {problem}")
            else:
                continue
            if open_:
                anchor, count = open_[-1]
                open_[-1] = (anchor, count + size)
                if count + size > MAX_VALUES:
                    return PlanIssue(
                        file,
                        line,
                        "",
                        f"invalid YAML: more than {MAX_VALUES} values with the aliases "
                        f"expanded; a plan file needs far fewer",
                    )
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return PlanIssue(
            file,
            line,
            "",
            f"invalid YAML: character #x{code:04x} is not allowed (position {error.position})",
        )
    except yaml.YAMLError:
        return None  # parse_yaml reports it, with its line
    return None


_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TYPED = ("bool", "int", "float", "timestamp", "binary")


def _scalar_problem(event: yaml.ScalarEvent) -> str | None:
    """Why a scalar of a typed tag cannot be read (a month 13, a 5000-digit integer, a
    ``!!bool maybe``): PyYAML raises plain Python errors for those, without a line."""
    tag = event.tag
    if tag in (None, "!"):
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    kind = (tag or "").removeprefix("tag:yaml.org,2002:")
    if kind not in _TYPED:
        return None
    node = yaml.ScalarNode(tag, event.value)
    try:
        _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    except yaml.YAMLError:
        return None  # parse_yaml reports it, with its line
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as error:
        value = event.value if len(event.value) <= 40 else f"{event.value[:40]}..."
        reason = f" ({str(error).split(';')[0]})" if isinstance(error, ValueError) else ""
        return f"'{value}' is not a valid {kind}{reason}"
    return None


def _not_finite(doc: Located) -> list[PlanIssue]:
    """Numbers that are not finite (``.nan``, ``.inf``, ``1.0e400``), at their lines."""
    issues = []
    stack: list[tuple[tuple[str, ...], Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, str(i)), v) for i, v in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            issues.append(
                PlanIssue(doc.file, doc.line_of(path), ".".join(path), "not a finite number")
            )
    return issues


def _keyed(
    section: str,
    value: Any,
    doc: Located,
    out: list[tuple[Any, _Item]],
    issues: list[PlanIssue],
) -> None:
    """The items of a keyed section (``id: item``); a key given in two files is refused,
    since neither may silently replace the other."""
    if not isinstance(value, dict):
        issues.append(
            PlanIssue(doc.file, doc.line_of((section,)), section, "must be a mapping of id to item")
        )
        return
    for raw_key, raw in value.items():
        key = str(raw_key)
        try:
            TypeAdapter(Id).validate_python(key)
        except ValidationError as error:
            reason = _message(error.errors(include_url=False)[0])
            issues.append(
                PlanIssue(doc.file, doc.line_of((section, key)), f"{section} ({key})", reason)
            )
            continue
        earlier = next((item for _, item in out if item.key == key), None)
        if earlier is not None:
            issues.append(
                PlanIssue(
                    doc.file,
                    doc.line_of((section, key)),
                    f"{section} ({key})",
                    f"'{key}' is given more than once (also in {earlier.doc.file})",
                )
            )
            continue
        _validate(KEYED_MODELS[section], raw, _Item(section, len(out), doc, key), out, issues)


def _validate(
    model: type[BaseModel],
    raw: Any,
    item: _Item,
    out: list[tuple[Any, _Item]],
    issues: list[PlanIssue],
) -> None:
    try:
        out.append((TypeAdapter(model).validate_python(raw), item))
    except ValidationError as error:
        item_id = raw.get("id") if isinstance(raw, dict) else None
        for detail in error.errors(include_url=False):
            field = ".".join(str(part) for part in detail["loc"])
            issues.append(item.issue(field, _message(detail), item_id))


def _message(detail: Mapping[str, Any]) -> str:
    message = str(detail["msg"])
    if detail["type"] == "extra_forbidden":
        return "unknown field"
    if detail["type"] == "missing":
        return "required field is missing"
    return message.removeprefix("Value error, ")
