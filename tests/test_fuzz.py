"""Fuzzing every importer and the plan loader with malformed input.

Each target gets files it was never meant to see: mutations of the real-format fixtures
(truncated at a random offset, bytes flipped, junk inserted, re-encoded as latin-1 or UTF-16
with or without BOM, separators mixed, a number replaced by ``1e400``, ``NaN``, ``inf``, a
400-digit number, a negative count, a formula ``=SUM(A1)`` or ``@cmd``), empty files,
binary junk, broken workbooks (truncated zips, damaged XML inside, cells holding formulas,
huge integers, NaN), broken JSON trees (wrong types, deep nesting, huge numbers), and for
the plan loader broken YAML (duplicate keys, 10 000 levels of nesting, alias bombs, recursive
anchors, unknown tags such as ``!!python/object``, control characters, wrong encodings).
Plain tests cover the cases that are too big to generate: a 10 MB single line for each
text format.

The properties, checked for every generated case:

1. the only exception is the documented one: :class:`~koers.sources.SourceError` (or
   :class:`~koers.store.StoreError` where the store refuses) for an import,
   :class:`~koers.plan.PlanError` for a plan; anything else is a bug;
2. every message names where: the file, and for an issue about a part of the file its row,
   column or line (an issue without either must be one of the known whole-file messages);
3. nothing is half written: after a refused import the store's observations, batches and
   boundaries are exactly what they were before;
4. an accepted file stores only finite numbers (and an accepted plan holds only finite ones).

Budget. Imports run through :func:`koers.sources.import_file` on SQLite stores (one per test
plan, shared by the examples of a test); a small sample also runs on PostgreSQL. There are
15 generated tests and 1 PostgreSQL sample, besides plain tests (enormous lines, and one
regression test per bug the fuzzing found):

* the normal suite (``pytest``): 30 examples per generated test (10 for PostgreSQL),
  derandomized so CI is reproducible; about 520 cases;
* the full run (``KOERS_FUZZ_FULL=1 .venv/bin/pytest tests/test_fuzz.py``, which ``.ci/run``
  sets): 700 examples per generated test (150 for PostgreSQL): about 10 700 cases, drawn
  from a fixed seed per test rather than new random ones each run (the draws still vary a
  little between runs: how many cases go to each format moves by a few percent).
  ``KOERS_FUZZ_RANDOM=1`` draws new cases to look for new bugs. A failure prints the
  ``@reproduce_failure`` line that pins it. The run prints the number of cases it checked.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy import select

from koers.plan import Plan, PlanError, load_plan, plan_from_documents
from koers.sources import SourceError, import_file
from koers.sources.base import ImportContext
from koers.sources.cbs import CbsSource
from koers.sources.csvlong import LongCsv
from koers.sources.wide import WideCsv
from koers.sources.wijkprofiel import WijkprofielSource
from koers.sources.xlsx import Xlsx
from koers.store import Store, StoreError
from koers.store import schema as t

from .conftest import EXAMPLE, ROOT

FULL = os.environ.get("KOERS_FUZZ_FULL") == "1"
FIXTURES = ROOT / "tests" / "fixtures"
EXTERNAL = Path(os.environ.get("KOERS_SHARED", ROOT.parent / "shared")) / "data" / "external"

settings.register_profile(
    "koers-fuzz",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "koers-fuzz-full",
    max_examples=700,
    derandomize=os.environ.get("KOERS_FUZZ_RANDOM") != "1",
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
FUZZ = settings.get_profile("koers-fuzz-full" if FULL else "koers-fuzz")
PG_FUZZ = settings(FUZZ, max_examples=150 if FULL else 10)
MB10 = 10 * 1024 * 1024

CASES: Counter[str] = Counter()
"""Cases checked per target, printed at the end of a full run."""


@pytest.fixture(scope="module", autouse=True)
def _report_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    """At the end of a full run, the number of cases checked, on the terminal."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if FULL and reporter is not None and capture is not None:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(CASES.items()))
        with capture.global_and_fixture_disabled():  # as capsys.disabled() does
            reporter.write_line(f"\ntest_fuzz: {sum(CASES.values())} cases checked ({detail})")


# -- seeds: the real-format fixtures ------------------------------------------------------------


def _seeds(directory: Path, *patterns: str) -> list[tuple[str, bytes]]:
    found = sorted(p for pattern in patterns for p in directory.glob(pattern))
    return [(p.name, p.read_bytes()) for p in found if p.is_file()]


def _csv_to_xlsx(text: str, sheet: str, delimiter: str = ",") -> bytes:
    """A workbook holding one CSV table, numbers as numbers (as the municipality's is)."""
    import csv

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        cells: list[Any] = []
        for cell in row:
            try:
                cells.append(float(cell.replace(",", ".")) if cell.strip() else None)
            except ValueError:
                cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LONG_SEEDS = [
    *_seeds(EXAMPLE / "data", "*.csv"),
    (
        "cijfers.csv",
        b"indicator;area;period;value;numerator;denominator;status;source;note\n"
        b"inwoners;rotterdam;2022-01-01;651.269;;;voorlopig;CBS;\n"
        b"inwoners;amsterdam;2022-01-01;;;;;CBS;geheim (x)\n",
    ),
]
CBS_SEEDS = _seeds(FIXTURES / "cbs", "*.csv", "*.json")
WIJKPROFIEL_CSV_SEEDS = _seeds(FIXTURES / "wijkprofiel", "*.csv")
WIJKPROFIEL_XLSX_SEEDS = [
    (
        "wijkprofiel_2016.xlsx",
        _csv_to_xlsx(
            (FIXTURES / "wijkprofiel" / "wijkprofiel_2016_puntkomma.csv").read_text("utf-8"),
            "SI 2016",
            ";",
        ),
    )
]
WIJKPROFIEL_XLS = [
    p
    for p in (
        EXTERNAL / "rotterdam_wijkprofiel" / "wijkprofiel_context_2015.xls",
        EXTERNAL / "rotterdam_wijkprofiel" / "wijkprofiel_2014_2016_datastructuur.xls",
    )
    if p.is_file()
]
TABULAR_CSV_SEEDS = _seeds(FIXTURES / "tabular", "*.csv")
TABULAR_XLSX_SEEDS = _seeds(FIXTURES / "tabular", "*.xlsx")
BOUNDARY_SEEDS = _seeds(FIXTURES / "boundaries", "*.geojson", "*.topojson")

PLANS: dict[str, Path] = {
    "example": EXAMPLE,
    "cbs": FIXTURES / "cbs" / "plan",
    "wijkprofiel": FIXTURES / "wijkprofiel" / "plan",
    "tabular": FIXTURES / "tabular" / "plan",
    "boundaries": FIXTURES / "boundaries" / "plan",
}


PLAN_DOCUMENTS = {
    key: {path.name: path.read_text("utf-8") for path in sorted(directory.glob("*.yaml"))}
    for key, directory in PLANS.items()
}
"""The valid test plans as {file: text}: what the plan fuzzing damages."""
PLAN_SEEDS = PLAN_DOCUMENTS["example"]
PLAN_TEXTS = sorted({text for documents in PLAN_DOCUMENTS.values() for text in documents.values()})


# -- the stores ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    """One SQLite store per test plan, shared by the examples of a test."""
    base = tmp_path_factory.mktemp("fuzz")
    opened: dict[str, Store] = {}
    try:
        for key, directory in PLANS.items():
            store = Store.open(f"sqlite:///{base / key}.db")
            store.save_plan(load_plan(directory))
            opened[key] = store
        yield opened
    finally:
        for store in opened.values():
            store.close()


def snapshot(store: Store) -> tuple[Any, ...]:
    """Everything an import may write: every revision, the batches, the boundaries."""
    with store.engine.begin() as c:
        boundaries = c.execute(select(t.boundaries).order_by(t.boundaries.c.id)).all()
    programme = store.resolve_programme(None)
    return (
        store.observations(programme, all_revisions=True),
        store.batches(programme),
        [tuple(row) for row in boundaries],
    )


FILE_LEVEL = re.compile(
    "|".join(
        [
            r"bestand niet gevonden",
            r"onbekend formaat",
            r"formaat niet herkend",
            r"geen UTF-8 tekst",
            r"geen tekstbestand",
            r"geen geldige JSON",
            r"te diep genest",
            r"het bestand bevat geen rijen",
            r"het werkblad bevat geen rijen",
            r"geen koppeling \('mappings' in het plan\)",
            r"past bij \d+ koppelingen",  # several mappings fit and the file cannot choose
            r"zou cijfers herzien van",  # a period the file does not state needs --revise
            r"één pagina van een groter resultaat",  # an OData page with a nextLink
            r"--year geldt alleen voor",
            r"spreken elkaar tegen",  # --year against the mapping's period
            r"geen leesbaar",
            r"geen CBS OData-bestand",
            r"'value' is geen lijst",
            r"het bestand noemt geen periode",
            r"geen enkele gebiedscode",
            r"geen enkele rij voor een gebied",
            r"geen enkel wijknr",
            r"geen blad met een kopregel",
            r"geen werkblad waarvan de kopregel",
            r"geen \(eenduidig\) jaar in de naam",
            r"Excel 97-2003",
            r"grenzen \(GeoJSON/TopoJSON\), geen cijfers",
            r"geen GeoJSON",
            r"een FeatureCollection zonder",
            r"een Topology zonder",
            r"'transform' heeft geen",
            r"^boog \d+ ",
            r"coördinatenstelsel",
            r"grensjaar",
            r"de objecten noemen verschillende jaren",
            r"geen enkel object geeft een grens",
            r"staat ook op werkblad",
            r"is afgesloten",
            r"geen kolom met CBS-gebiedscodes",
            r"meer koppelingen voor jaren als kolommen",
            r"^koppeling '?[\w-]+'?[: ]",
        ]
    )
)
"""Messages about a whole file (or a whole sheet): they need no row or column."""


def check_import(
    store: Store, directory: Path, name: str, data: bytes, format: str = "auto"
) -> str:
    """Import one generated file and check the four properties; 'ok' or 'refused'."""
    CASES[format] += 1
    path = directory / name
    path.write_bytes(data)
    before = snapshot(store)
    try:
        outcome = import_file(store, path, format=format)
    except SourceError as error:
        assert name in str(error), str(error)
        assert error.issues, "a SourceError without issues"
        for issue in error.issues:
            assert issue.file.startswith(name), issue
            if issue.row is None and issue.column is None:
                assert FILE_LEVEL.search(issue.message), f"says not where: {issue}"
        assert snapshot(store) == before, "a refused import changed the store"
        return "refused"
    except StoreError:
        assert snapshot(store) == before, "a refused import changed the store"
        return "refused"
    finally:
        path.unlink()
    programme = store.resolve_programme(None)
    for obs in store.observations(programme, all_revisions=True):
        for number in (obs.value, obs.numerator, obs.denominator):
            assert number is None or math.isfinite(number), obs
    for geometry in getattr(outcome.reading, "boundaries", {}).values():
        assert all(map(math.isfinite, _coordinates(geometry["coordinates"]))), geometry
    return "ok"


def _coordinates(value: Any) -> Iterator[float]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            yield float(item)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


# -- mutations ------------------------------------------------------------------------------


class Case(tuple[str, bytes]):
    """(file name, bytes) with a short repr: Hypothesis prints it for a failing example."""

    def __repr__(self) -> str:
        name, data = self
        shown = repr(data[:400]) + (f"... ({len(data)} bytes)" if len(data) > 400 else "")
        return f"Case({name!r}, {shown})"


NASTY = [
    "1e400",
    "-1e400",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1" * 400,
    "9" * 5000,
    "-5",
    "-12,5",
    "-0",
    "=SUM(A1)",
    "=1/0",
    "@cmd",
    "+cmd|' /C calc'!A0",
    "",
    " ",
    ".",
    "x",
    "NA",
    "-99997",
    "1.234.567,8",
    "12.4",
    "0x10",
    "1_000",
    "١٢٣",
    "12,4%",
    '"',
    "'",
    "\u00a0",
    "2022/2024",
    "9999",
    "BU05991571",
    "rotterdam",
    "\x00",
    "\u202e",
]
"""Cell contents a careless or hostile file may hold."""

_NUMBER = re.compile(rb"-?\d+(?:[.,]\d+)?")
_ENCODINGS = ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One mutation of a file's bytes."""
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "flip",
                "insert",
                "delete",
                "encoding",
                "separators",
                "number",
                "cell",
                "line",
                "endings",
                "quote",
                "bom",
                "empty",
                "junk",
            ]
        )
    )
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        if not data:
            return data
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    if kind == "encoding":
        text = data.decode("utf-8-sig", errors="replace")
        return text.encode(draw(st.sampled_from(_ENCODINGS)), errors="replace")
    if kind == "separators":
        old = draw(st.sampled_from([b",", b";"]))
        new = draw(st.sampled_from([b";", b",", b"\t", b"|"]))
        if draw(st.booleans()):
            return data.replace(old, new)
        parts = data.split(old)
        if len(parts) < 2:
            return data
        i = draw(st.integers(0, len(parts) - 2))
        return old.join(parts[: i + 1]) + new + old.join(parts[i + 1 :])
    if kind == "number":
        numbers = list(_NUMBER.finditer(data))
        if not numbers:
            return data
        match = draw(st.sampled_from(numbers))
        nasty = draw(st.sampled_from(NASTY)).encode()
        return data[: match.start()] + nasty + data[match.end() :]
    if kind == "cell":
        separator = draw(st.sampled_from([b",", b";", b'"']))
        parts = data.split(separator)
        i = draw(st.integers(0, len(parts) - 1))
        parts[i] = draw(st.sampled_from(NASTY)).encode()
        return separator.join(parts)
    if kind == "line":
        lines = data.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["duplicate", "drop", "extra"]))
        if action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "drop":
            del lines[i]
        else:
            cells = draw(st.lists(st.sampled_from(NASTY), max_size=12))
            lines.insert(i, ",".join(cells).encode("utf-8"))
        return b"\n".join(lines)
    if kind == "endings":
        return data.replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n", b"\n\n", b"\x0b"])))
    if kind == "quote":
        return data[:at] + draw(st.sampled_from([b'"', b'"""', b"'", b"\\"])) + data[at:]
    if kind == "bom":
        return draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\n", b" ", b"\xef\xbb\xbf", b"\x00"]))
    return draw(st.binary(max_size=256))  # junk


@st.composite
def mutated(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """A seed file with one to three mutations."""
    name, data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 3))):
        data = draw(byte_mutation(data))
    return Case((name, data))


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**30), 2**63, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from([*NASTY, "2017JJ00", "GM0599", "Polygon", "Topology"]),
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner)


JSON_VALUES = st.recursive(JSON_LEAVES, _containers, max_leaves=12)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


@st.composite
def json_mutated(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """A JSON seed with nodes replaced, removed or wrapped; serialised with NaN, Infinity,
    1e400, 400-digit numbers, or deeply nested."""
    name, data = draw(st.sampled_from([s for s in seeds if s[1].lstrip()[:1] == b"{"]))
    document = json.loads(data)
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths[1:] or paths))
        if not path:
            document = draw(JSON_VALUES)
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "wrap", "copy"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif action == "remove":
            del parent[path[-1]]
        elif action == "wrap":
            parent[path[-1]] = [parent[path[-1]]]
        else:
            parent[path[-1]] = copy.deepcopy(document)
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    text = text.replace('"1e400"', "1e400").replace('"-1e400"', "-1e400")
    if draw(st.integers(0, 9)) == 0:  # deep nesting where a value belongs
        depth = draw(st.sampled_from([50, 1000, 100_000]))
        text = text.replace("null", "[" * depth + "]" * depth, 1)
    return Case((name, text.encode("utf-8")))


# -- workbooks ------------------------------------------------------------------------------

XLSX_CELLS = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(
        [
            float("nan"),
            float("inf"),
            -float("inf"),
            1e308,
            -(10**20),
            -5,
            0,
            True,
            datetime(2022, 1, 1),
            None,
            "=SUM(A1:A3)",
            "=A1/0",
            '=HYPERLINK("http://x")',
            "x" * 40_000,
        ]
    ),
    st.floats(),
    st.integers(),
    st.text(max_size=20),
)


@st.composite
def xlsx_mutated(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """A workbook seed with cells replaced, sheets renamed, rows or zip entries damaged."""
    name, data = draw(st.sampled_from(seeds))
    how = draw(st.sampled_from(["cells", "cells", "xml", "zip", "bytes"]))
    if how == "bytes":
        return Case((name, draw(byte_mutation(data))))
    if how == "zip":
        return Case((name, _damage_zip(draw, data)))
    if how == "xml":
        return Case((name, _damage_xml(draw, data)))
    book = openpyxl.load_workbook(io.BytesIO(data))
    for _ in range(draw(st.integers(1, 6))):
        sheet = draw(st.sampled_from(book.worksheets))
        row = draw(st.integers(1, max(sheet.max_row, 1) + 1))
        column = draw(st.integers(1, max(sheet.max_column, 1) + 1))
        try:
            sheet.cell(row, column).value = draw(XLSX_CELLS)
        except (ValueError, TypeError, IllegalCharacterError):  # control characters
            sheet.cell(row, column).value = "?"
    if draw(st.integers(0, 4)) == 0:
        sheet = draw(st.sampled_from(book.worksheets))
        sheet.title = draw(st.sampled_from(["SI 2016", "SI 2016 2017", "Blad1", "VI", "x"]))
    out = io.BytesIO()
    book.save(out)
    return Case((name, out.getvalue()))


def _damage_zip(draw: st.DrawFn, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    victim = draw(st.sampled_from(entries))[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for filename, content in entries:
            if filename == victim:
                choice = draw(st.sampled_from(["drop", "truncate", "junk"]))
                if choice == "drop":
                    continue
                content = content[: len(content) // 2] if choice == "truncate" else b"\x00junk"
            target.writestr(filename, content)
    return out.getvalue()


_XML_SWAPS = [
    (rb"<v>[^<]*</v>", [b"<v>1e400</v>", b"<v>NaN</v>", b"<v>" + b"9" * 400 + b"</v>", b"<v/>"]),
    (rb' t="n"', [b' t="e"', b' t="s"', b' t="b"', b' t="d"', b' t="inlineStr"']),
    (rb' r="[A-Z]+\d+"', [b' r="A0"', b' r="ZZZZ99999999"', b' r="1A"', b' r=""']),
    (rb' s="\d+"', [b' s="9999"', b' s="-1"']),
    (rb"<f>[^<]*</f>", [b"<f>SUM(A1)</f>", b"<f></f>"]),
    (rb'ref="[^"]*"', [b'ref="A1:XFD1048576"', b'ref=""']),
]


def _damage_xml(draw: st.DrawFn, data: bytes) -> bytes:
    """A zip entry's XML changed in a way a zip check cannot see."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    xml = [e for e in entries if e[0].endswith(".xml")]
    victim, content = draw(st.sampled_from(xml))
    pattern, replacements = draw(st.sampled_from(_XML_SWAPS))
    matches = list(re.finditer(pattern, content))
    if matches:
        match = draw(st.sampled_from(matches))
        content = (
            content[: match.start()] + draw(st.sampled_from(replacements)) + content[match.end() :]
        )
    else:
        content = draw(byte_mutation(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for filename, original in entries:
            target.writestr(filename, content if filename == victim else original)
    return out.getvalue()


# -- the importers -----------------------------------------------------------------------------

FORMATS = st.sampled_from(["auto", "csv", "cbs", "wijkprofiel", "csv-wide", "xlsx", "geojson"])


@FUZZ
@given(case=mutated(LONG_SEEDS), format=st.sampled_from(["csv", "csv", "auto"]))
def test_long_csv(stores, workdir, case, format):
    check_import(stores["example"], workdir, *case, format)


@FUZZ
@given(case=mutated(CBS_SEEDS), format=st.sampled_from(["cbs", "cbs", "auto"]))
def test_cbs_csv_and_odata_bytes(stores, workdir, case, format):
    check_import(stores["cbs"], workdir, *case, format)


@FUZZ
@given(case=json_mutated(CBS_SEEDS))
def test_cbs_odata_json_tree(stores, workdir, case):
    check_import(stores["cbs"], workdir, *case, "cbs")


@FUZZ
@given(case=mutated(WIJKPROFIEL_CSV_SEEDS), format=st.sampled_from(["wijkprofiel", "auto"]))
def test_wijkprofiel_csv(stores, workdir, case, format):
    check_import(stores["wijkprofiel"], workdir, *case, format)


@FUZZ
@given(case=xlsx_mutated(WIJKPROFIEL_XLSX_SEEDS), format=st.sampled_from(["wijkprofiel", "auto"]))
def test_wijkprofiel_xlsx(stores, workdir, case, format):
    check_import(stores["wijkprofiel"], workdir, *case, format)


@FUZZ
@given(data=st.data())
def test_wijkprofiel_xls(stores, workdir, data):
    """Damaged .xls workbooks: the real ones when they are here, else OLE2 junk."""
    seeds = [Case((p.name, p.read_bytes())) for p in WIJKPROFIEL_XLS[:1]]
    seeds.append(Case(("wijkprofiel_2016.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))))
    name, raw = data.draw(st.sampled_from(seeds))
    kind = data.draw(st.sampled_from(["truncate", "flip", "flips"]))
    at = data.draw(st.integers(8, max(len(raw) - 1, 8)))
    if kind == "truncate":
        raw = raw[:at]
    else:
        for _ in range(1 if kind == "flip" else 20):
            at = data.draw(st.integers(8, len(raw) - 1))
            raw = raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255))]) + raw[at + 1 :]
    check_import(stores["wijkprofiel"], workdir, name, raw, "wijkprofiel")


@FUZZ
@given(case=mutated(TABULAR_CSV_SEEDS), format=st.sampled_from(["csv-wide", "auto"]))
def test_tabular_wide_csv(stores, workdir, case, format):
    check_import(stores["tabular"], workdir, *case, format)


@FUZZ
@given(case=xlsx_mutated(TABULAR_XLSX_SEEDS), format=st.sampled_from(["xlsx", "auto"]))
def test_tabular_xlsx(stores, workdir, case, format):
    check_import(stores["tabular"], workdir, *case, format)


@FUZZ
@given(case=mutated(BOUNDARY_SEEDS))
def test_boundaries_bytes(stores, workdir, case):
    check_import(stores["boundaries"], workdir, *case, "geojson")


@FUZZ
@given(case=json_mutated(BOUNDARY_SEEDS), format=st.sampled_from(["geojson", "auto"]))
def test_boundaries_json_tree(stores, workdir, case, format):
    check_import(stores["boundaries"], workdir, *case, format)


ALL_SEEDS = [
    *LONG_SEEDS,
    *CBS_SEEDS,
    *WIJKPROFIEL_CSV_SEEDS,
    *WIJKPROFIEL_XLSX_SEEDS,
    *TABULAR_CSV_SEEDS,
    *TABULAR_XLSX_SEEDS,
    *BOUNDARY_SEEDS,
]


@FUZZ
@given(
    case=st.one_of(st.sampled_from(ALL_SEEDS).map(Case), mutated(ALL_SEEDS)),
    format=FORMATS,
    plan=st.sampled_from(sorted(PLANS)),
    name=st.sampled_from([None, "bestand.csv", "bestand.xlsx", "grenzen_2024.json", "x.xls"]),
)
def test_any_file_as_any_format(stores, workdir, case, format, plan, name):
    """Every file, whole or mutated, read as every format against every plan."""
    check_import(stores[plan], workdir, name or case[0], case[1], format)


@pytest.fixture(scope="module")
def pg_store(postgres_url: str) -> Iterator[Store]:
    """The example plan in a fresh PostgreSQL store, shared by the examples of the sample."""
    from .conftest import _reset_postgres

    _reset_postgres(postgres_url)
    with Store.open(postgres_url) as store:
        store.save_plan(load_plan(PLANS["example"]))
        yield store


@pytest.mark.postgres
@PG_FUZZ
@given(case=st.one_of(mutated(LONG_SEEDS), mutated(ALL_SEEDS)), format=FORMATS)
def test_a_sample_on_postgresql(pg_store, workdir, case, format):
    """The same properties on PostgreSQL, which refuses what SQLite takes (NUL in text)."""
    check_import(pg_store, workdir, *case, format)


# -- enormous lines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "name", "header", "format"),
    [
        ("example", "lang.csv", b"indicator,area,period,value\n", "csv"),
        ("cbs", "kwb.csv", b"buurtcode,jaar,AantalInwoners_5\n", "cbs"),
        ("wijkprofiel", "wijkprofiel_2016_SI.csv", b"gebied,wijknr,naam,SI\n", "wijkprofiel"),
        ("tabular", "breed.csv", b"code,naam,periode,Werkloos\n", "csv-wide"),
    ],
)
@pytest.mark.parametrize("line", ["field", "quoted", "columns", "header"])
def test_a_10_mb_line(stores, workdir, plan, name, header, format, line):
    """A single line of 10 MB: one field, one quoted field, five million columns, or as the
    header; refused quickly, with the file and line named. Was: ``_csv.Error`` for the
    fields, and 137 s for the long CSV's header (a suggestion computed per unknown column)."""
    body = {
        "field": b"1" * MB10,
        "quoted": b'"' + b"x" * MB10 + b'"',
        "columns": b"1," * (MB10 // 2),
        "header": b"",
    }[line]
    if line == "header":
        data = header.rstrip(b"\n") + b"," + b"a," * (MB10 // 2) + b"\n"
    else:
        data = header + body + b"\n"
    assert check_import(stores[plan], workdir, name, data, format) == "refused"


def test_a_10_mb_geojson_line(stores, workdir):
    feature = {"type": "Feature", "properties": {"code": "x" * MB10}, "geometry": None}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    assert check_import(stores["boundaries"], workdir, "grenzen_2024.geojson", data) == "refused"


# -- the plan loader -------------------------------------------------------------------------


def check_plan(documents: dict[str, str]) -> Plan | None:
    """Load a generated plan; the only exception allowed is a PlanError naming a file."""
    CASES["plan"] += 1
    try:
        plan = plan_from_documents(documents)
    except PlanError as error:
        _check_plan_error(error, set(documents))
        return None
    _check_finite_plan(plan)
    return plan


def _check_plan_error(error: PlanError, files: set[str]) -> None:
    assert error.issues, "a PlanError without issues"
    for issue in error.issues:
        assert issue.file in files, issue
        assert issue.file in str(error)
        assert issue.line >= 1, issue


def _check_finite_plan(plan: Plan) -> None:
    stack: list[Any] = [plan.model_dump()]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, float):
            assert math.isfinite(item), "an accepted plan holds a number that is not finite"


YAML_NASTY = [
    "1e400",
    ".nan",
    ".inf",
    "-.inf",
    "9" * 400,
    "9" * 5000,
    "-1",
    "null",
    "~",
    "[]",
    "{}",
    "[[[[[[]]]]]]",
    "!!python/object:os.system {}",
    "!!python/name:os.system",
    "!!python/object/apply:os.system [echo]",
    "!custom x",
    "!!binary aGVsbG8=",
    "!!timestamp 2022-01-01",
    "2022-13-45",
    "*undefined",
    "&a x",
    "'=SUM(A1)'",
    "@cmd",
    "`x`",
    '"\\x00"',
    '"\\ud800"',
    "|\n  multi\n  line",
    "yes",
    "0o17",
    "0x1F",
    "1_000",
    "<<: {a: 1}",
]


class Documents(dict[str, str]):
    """A plan as {file: text} with a short repr: the test plan it started from and what
    differs from it, cut."""

    def __init__(self, seed: str, documents: dict[str, str]) -> None:
        super().__init__(documents)
        self.seed = seed

    def __repr__(self) -> str:
        changed = {
            file: text if len(text) <= 400 else f"{text[:400]}... ({len(text)} characters)"
            for file, text in self.items()
            if PLAN_DOCUMENTS[self.seed].get(file) != text
        }
        return f"Documents({self.seed!r} + {changed!r})"


_YAML_VALUE = re.compile(r"(?<=: )[^\n#]+")


@st.composite
def yaml_mutated(draw: st.DrawFn) -> dict[str, str]:
    """A test plan with YAML-level damage in one of its files."""
    seed = draw(st.sampled_from(sorted(PLAN_DOCUMENTS)))
    documents = dict(PLAN_DOCUMENTS[seed])
    file = draw(st.sampled_from(sorted(documents)))
    text = documents[file]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "duplicate", "line", "bytes", "indent", "document"]))
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "value":
            values = list(_YAML_VALUE.finditer(text))
            if values:
                match = draw(st.sampled_from(values))
                text = (
                    text[: match.start()] + draw(st.sampled_from(YAML_NASTY)) + text[match.end() :]
                )
        elif kind == "duplicate":  # a key twice in its mapping
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif kind == "line":
            del lines[i]
            text = "\n".join(lines)
        elif kind == "bytes":
            raw = draw(byte_mutation(text.encode("utf-8")))
            text = raw.decode("utf-8", errors=draw(st.sampled_from(["replace", "ignore"])))
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["\t", " ", "   ", ""])) + lines[i]
            text = "\n".join(lines)
        else:
            text += draw(st.sampled_from(["\n---\nprogramme: {}\n", "\n...\n", "\n%YAML 1.1\n"]))
    documents[file] = text
    return Documents(seed, documents)


@st.composite
def yaml_hostile(draw: st.DrawFn) -> dict[str, str]:
    """A test plan with a file made to hurt the parser: nesting, alias bombs, recursion,
    tags."""
    seed = draw(st.sampled_from(sorted(PLAN_DOCUMENTS)))
    documents = dict(PLAN_DOCUMENTS[seed])
    depth = draw(st.sampled_from([10, 200, 1000, 10_000]))
    kind = draw(
        st.sampled_from(
            ["flow", "block", "mapping", "laughs", "recursive", "tag", "keys", "merge", "control"]
        )
    )
    if kind == "flow":
        hostile = "pillars: " + "[" * depth + "]" * depth
    elif kind == "block":
        hostile = "pillars:\n" + "".join("  " * i + "-\n" for i in range(min(depth, 2000)))
    elif kind == "mapping":
        hostile = "areas: " + "{a: " * depth + "1" + "}" * depth
    elif kind == "laughs":
        levels = draw(st.integers(2, 12))
        hostile = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
            f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, levels)
        )
        hostile += f"pillars: *a{levels - 1}\n"
    elif kind == "recursive":
        hostile = draw(
            st.sampled_from(
                [
                    "pillars: &p [*p]\n",
                    "areas: &a {id: x, members: *a}\n",
                    "pillars: &p\n  - id: x\n    name: *p\n",
                ]
            )
        )
    elif kind == "tag":
        hostile = "pillars: " + draw(st.sampled_from(YAML_NASTY[12:18])) + "\n"
    elif kind == "keys":
        hostile = "programme:\n" + "  id: p\n" * draw(st.integers(2, 50))
    elif kind == "merge":
        hostile = "base: &b {id: x}\npillars:\n  - <<: *b\n    <<: *b\n    name: y\n"
    else:
        hostile = "pillars: [" + draw(st.sampled_from(["\x00", "\x07", "\ufffe", "\x1b"])) + "]\n"
    documents[draw(st.sampled_from(["extra.yaml", *sorted(documents)]))] = hostile
    return Documents(seed, documents)


@pytest.mark.parametrize("seed", sorted(PLAN_DOCUMENTS))
def test_the_seed_plans_are_valid(seed):
    assert check_plan(PLAN_DOCUMENTS[seed]) is not None


@FUZZ
@given(documents=yaml_mutated())
def test_plan_yaml_mutations(documents):
    check_plan(documents)


@FUZZ
@given(documents=yaml_hostile())
def test_plan_hostile_yaml(documents):
    check_plan(documents)


PLAN_FIELDS = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=10),
        st.sampled_from(["zuid", "werk", "2023", "2023/2024", "percent", "count", "e1"]),
    ),
    _containers,
    max_leaves=10,
)


@FUZZ
@given(data=st.data())
def test_plan_model_values(data):
    """Valid YAML, wrong values: any field of a test plan replaced by anything."""
    import yaml

    seed = data.draw(st.sampled_from(sorted(PLAN_DOCUMENTS)))
    file = data.draw(st.sampled_from(sorted(PLAN_DOCUMENTS[seed])))
    document = yaml.safe_load(PLAN_DOCUMENTS[seed][file])
    for _ in range(data.draw(st.integers(1, 4))):
        paths = list(_paths(document))[1:]
        path = data.draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = data.draw(PLAN_FIELDS)
    text = yaml.safe_dump(document, allow_unicode=data.draw(st.booleans()))
    check_plan({**PLAN_DOCUMENTS[seed], file: text})


@FUZZ
@given(
    raw=st.one_of(
        st.builds(
            lambda text, enc: text.encode(enc, errors="replace"),
            st.sampled_from(PLAN_TEXTS),
            st.sampled_from(_ENCODINGS),
        ),
        st.sampled_from(PLAN_TEXTS).map(str.encode).flatmap(byte_mutation),
        st.binary(max_size=64),
    )
)
def test_plan_directory_bytes(raw):
    """``load_plan`` on a directory whose file is in another encoding or damaged."""
    CASES["plan"] += 1
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "plan.yaml")
        path.write_bytes(raw)
        try:
            plan = load_plan(directory)
        except PlanError as error:
            _check_plan_error(error, {str(path)})
            return
        _check_finite_plan(plan)


def test_an_enormous_line_in_a_plan():
    """A 10 MB line (1 MB in the normal suite: PyYAML reads about 1 MB a second) is read."""
    size = MB10 if FULL else MB10 // 10
    documents = {**PLAN_SEEDS, "extra.yaml": "pillars: [{id: x, name: " + "x" * size + "}]\n"}
    plan = check_plan(documents)
    assert plan is not None
    assert [len(p.name) for p in plan.pillars if p.id == "x"] == [size]


def test_the_full_budget_reaches_ten_thousand_cases():
    """The documented count: 15 generated tests at 700 examples each and the PostgreSQL
    sample at 150, plus the plain cases, make at least 10 000 in a full run."""
    generated = [
        value
        for value in globals().values()
        if callable(value)
        and hasattr(value, "hypothesis")
        and value is not test_a_sample_on_postgresql
    ]
    full = settings.get_profile("koers-fuzz-full").max_examples
    assert len(generated) == 15
    assert len(generated) * full + 150 >= 10_000


# -- the bugs the fuzzing found --------------------------------------------------------------
# Each test below is the smallest input of a crash or a silent bad import the fuzzing found,
# with what it now gives.


def refused(source: Any, data: bytes, name: str, plan: str) -> list[str]:
    """The issues a source raises for ``data``, as the user reads them."""
    context = ImportContext(load_plan(PLANS[plan]))
    with pytest.raises(SourceError) as caught:
        source.read(data, name, context)
    return [str(issue) for issue in caught.value.issues]


def plan_problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        plan_from_documents({**PLAN_SEEDS, "extra.yaml": text})
    return [str(issue) for issue in caught.value.issues if issue.file == "extra.yaml"]


LONG_HEADER = b"indicator,area,period,value\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"1e400", "'1e400' is te groot om als getal te bewaren"),
        (b"1" * 400, "is te groot om als getal te bewaren"),
        (b"nan", "'nan' is geen getal"),
        (b"inf", "'inf' is geen getal"),
        (b"1_000", "'1_000' is geen getal"),
    ],
)
def test_long_csv_refuses_numbers_that_are_not_finite(value, message):
    """Was: ``1e400`` stored as infinity and ``nan`` as NaN for a count."""
    data = LONG_HEADER + b"inwoners,rotterdam,2022-01-01," + value + b"\n"
    (problem,) = refused(LongCsv(), data, "cijfers.csv", "example")
    assert problem.startswith("cijfers.csv, rij 2, kolom 'value': ")
    assert message in problem


@pytest.mark.parametrize(
    ("source", "data", "name", "plan"),
    [
        (LongCsv(), b"indicator,area,period,value\rx\n", "cijfers.csv", "example"),
        (WideCsv(), b"code,naam\rx\n", "breed.csv", "tabular"),
        (CbsSource(), b"buurtcode,jaar\nBU1\r,2022\n", "kwb.csv", "cbs"),
        (WijkprofielSource(), b"gebied,wijknr,naam,SI\nx,71\r,y,1\n", "wp_2016.csv", "wijkprofiel"),
    ],
)
def test_a_lone_carriage_return_is_named_not_a_crash(source, data, name, plan):
    """Was: ``_csv.Error: new-line character seen in unquoted field``."""
    (problem,) = refused(source, data, name, plan)
    assert problem.startswith(f"{name}, rij ")
    assert "regeleinde (CR) midden in een veld" in problem


def test_a_field_over_the_csv_limit_is_named_not_a_crash():
    """Was: ``_csv.Error: field larger than field limit (131072)``."""
    data = LONG_HEADER + b"1" * 200_000 + b"\n"
    assert refused(LongCsv(), data, "cijfers.csv", "example") == [
        "cijfers.csv, rij 2: een veld is langer dan 131072 tekens; is dit wel een CSV-bestand, "
        "en is elk aanhalingsteken gesloten?"
    ]


def test_long_csv_names_20_unknown_columns_and_counts_the_rest():
    """Was: every unknown column named with suggestions, minutes for a header of millions."""
    header = b"indicator,area,period,value," + b",".join(b"k%d" % i for i in range(25))
    problems = refused(LongCsv(), header + b"\n", "cijfers.csv", "example")
    assert len(problems) == 21
    assert problems[0] == "cijfers.csv, rij 1, kolom 'k0': onbekende kolom"
    assert problems[-1] == "cijfers.csv, rij 1: en nog 5 onbekende kolommen"


def test_a_line_of_more_than_10_000_fields_is_refused():
    data = b"buurtcode,jaar,AantalInwoners_5\n" + b"1," * 20_000 + b"\n"
    assert refused(CbsSource(), data, "kwb.csv", "cbs") == [
        "kwb.csv, rij 2: 20001 velden op één regel; meer dan 10000 kan geen tabel zijn"
    ]


def test_cbs_refuses_a_400_digit_number():
    """Was: stored as infinity."""
    data = b"buurtcode,jaar,AantalInwoners_5\nBU05991571,2022," + b"1" * 400 + b"\n"
    (problem,) = refused(CbsSource(), data, "kwb.csv", "cbs")
    assert problem.startswith("kwb.csv, rij 2, kolom 'AantalInwoners_5': '1111")
    assert problem.endswith("(400 tekens)' is te groot om als getal te bewaren")


ODATA = b'{"value": [{"RegioS": "GM0599", "Perioden": "2017JJ00", "AantalInwoners_5": %s}]}'


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (b"1" * 400, "kwb.json, rij 1, kolom 'AantalInwoners_5': '1111"),
        (b"1" * 5000, "kwb.json: geen geldige JSON: een getal met meer dan 4300 cijfers"),
        (b"[" * 100_000 + b"]" * 100_000, "kwb.json: geen geldige JSON: te diep genest"),
        (b"[" * 100 + b"]" * 100, "kwb.json: geen geldige JSON: te diep genest"),
    ],
)
def test_cbs_json_with_huge_or_deep_values(number, message):
    """Was: OverflowError, ValueError (4300 digits) and RecursionError."""
    (problem,) = refused(CbsSource(), ODATA % number, "kwb.json", "cbs")
    assert problem.startswith(message)


@pytest.mark.parametrize("wijknr", [b"9" * 5000, "\u00b2".encode()])
def test_wijkprofiel_lists_an_unknown_wijknr_int_cannot_read(wijknr):
    """Was: ValueError (4300 digits; invalid literal for int()) while sorting the unknown
    area numbers for the message."""
    data = b"gebied,wijknr,naam,SI\nx," + wijknr + b",y,1\n"
    (problem,) = refused(WijkprofielSource(), data, "wijkprofiel_2016_SI.csv", "wijkprofiel")
    assert problem.startswith("wijkprofiel_2016_SI.csv: geen enkel wijknr hoort bij een gebied")


def _xlsx_with_number(rows: list[list[Any]], sheet: str, digits: int) -> bytes:
    """A workbook whose cell holding 12345 holds a number of ``digits`` nines instead (Excel
    itself cannot write one; a program can)."""
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    source, target = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with source, zipfile.ZipFile(target, "w") as written:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content.replace(b"<v>12345</v>", b"<v>" + b"9" * digits + b"</v>")
            written.writestr(info.filename, content)
    return target.getvalue()


def test_tabular_xlsx_refuses_an_integer_beyond_any_float():
    """Was: OverflowError (int too large to convert to float)."""
    rows = [["code", "periode", "Inwoners"], ["BU05991571", 2022, 12345]]
    (problem,) = refused(Xlsx(), _xlsx_with_number(rows, "Blad1", 400), "p.xlsx", "tabular")
    assert problem.startswith("p.xlsx, werkblad 'Blad1', rij 2, kolom 'Inwoners': '9999")
    assert problem.endswith("(400 tekens)' is te groot om als getal te bewaren")


def test_wijkprofiel_xlsx_names_the_cell_of_an_integer_beyond_any_float():
    """Was: the whole workbook refused as unreadable ('int too large to convert to float')."""
    rows = [["gebied", "wijknr", "naam", "SI"], ["Charlois", 71, "Tarwewijk", 12345]]
    data = _xlsx_with_number(rows, "SI 2016", 400)
    (problem,) = refused(WijkprofielSource(), data, "wp.xlsx", "wijkprofiel")
    assert problem.startswith("wp.xlsx, blad 'SI 2016', rij 2, kolom 'SI': '9999")
    assert problem.endswith("(400 tekens)' is geen getal")


SQUARE = "[[4.49, 51.89], [4.5, 51.89], [4.5, 51.9], [4.49, 51.89]]"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1],'
            f' "geometry": {{"type": "Polygon", "coordinates": [{SQUARE}]}}}}]}}',
            "g_2024.geojson, rij 1: object 1: geen code",
        ),
        (
            '{"type": "FeatureCollection", "crs": [1], "features": []}',
            "g_2024.geojson: coördinatenstelsel '[1]'",
        ),
        (
            '{"type": "Topology", "transform": [1], "arcs": [], "objects": {}}',
            "g_2024.geojson: 'transform' heeft geen 'scale' en 'translate' van twee getallen",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            '{"statcode": "WK059910"}, "geometry": {"type": "Polygon", "coordinates": '
            f"[[[{'1' * 400}, 1], [1, 1], [1, 2], [1, 1]]]}}}}]}}",
            "g_2024.geojson, rij 1: WK059910: buitenring: ongeldige positie [1111",
        ),
        (
            '{"type": "Topology", "transform": {"scale": [0.1, 0.1], "translate": [4, 51]}, '
            f'"arcs": [[[{"1" * 400}, 0]]], "objects": {{"a": {{"type": "Polygon", "arcs": [[0]]}}}}}}',
            "g_2024.geojson: boog 0 heeft een getal dat te groot is",
        ),
        (
            '{"type": "FeatureCollection", "features": ' + "[" * 70 + "]" * 70 + "}",
            "g_2024.geojson: geen geldige JSON: te diep genest (meer dan 64 niveaus)",
        ),
    ],
)
def test_boundaries_with_wrong_types_and_huge_numbers(text, message):
    """Was: AttributeError ('list' object has no attribute 'items' / 'get') for properties,
    crs or transform that are not objects, OverflowError for a 400-digit coordinate."""
    from koers.sources.boundaries import read_boundaries

    context = ImportContext(load_plan(PLANS["boundaries"]))
    with pytest.raises(SourceError) as caught:
        read_boundaries(text.encode(), "g_2024.geojson", context, None)
    assert any(str(issue).startswith(message) for issue in caught.value.issues), [
        str(issue) for issue in caught.value.issues
    ]


def test_sniffing_a_deeply_nested_json_file_is_no_crash(stores, workdir):
    """Was: RecursionError out of the boundary sniffer (``--format auto``) for a file that
    opens with ``{"type": `` and nests arrays 100 000 deep (the full fuzz run in CI)."""
    data = b'{"type": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert check_import(stores["boundaries"], workdir, "codes_2024.geojson", data) == "refused"


@pytest.mark.parametrize("plan", ["example"])
def test_a_nul_character_is_refused_before_postgresql_sees_it(store, tmp_path, plan):
    """Was, on PostgreSQL: psycopg.DataError (text fields cannot contain NUL) out of the
    import, for a note with a NUL (or any UTF-16 file without BOM read as UTF-8)."""
    store.save_plan(load_plan(PLANS[plan]))
    path = tmp_path / "cijfers.csv"
    path.write_bytes(b"indicator,area,period,value,note\ninwoners,rotterdam,2022,5,a\x00b\n")
    with pytest.raises(SourceError) as caught:
        import_file(store, path)
    assert [str(issue) for issue in caught.value.issues] == [
        "cijfers.csv, rij 2: een NUL-teken: geen tekstbestand, of UTF-16; sla het op als UTF-8"
    ]
    assert store.observations(store.resolve_programme(None)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pillars: [\x00]\n", "extra.yaml:1: invalid YAML: character #x0000 is not allowed"),
        ("pillars: " + "[" * 10_000 + "]" * 10_000, "extra.yaml:1: invalid YAML: nested more"),
        ("pillars: &p [*p]\n", "extra.yaml:1: invalid YAML: alias *p stands inside the value"),
        ("pillars: " + "9" * 5000, "extra.yaml:1: invalid YAML: '9999"),
        ("pillars: [2022-13-45]\n", "extra.yaml:1: invalid YAML: '2022-13-45' is not a valid"),
        ("pillars: !!bool maybe\n", "extra.yaml:1: invalid YAML: 'maybe' is not a valid bool"),
        ("pillars: !!timestamp x\n", "extra.yaml:1: invalid YAML: 'x' is not a valid timestamp"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, c in zip("abcd", "bcde", strict=True)
            )
            + "pillars: *e\n",
            "extra.yaml:5: invalid YAML: more than 100000 values with the aliases expanded",
        ),
        (
            "mappings: [{id: m, format: csv, name: M, source: S,\n"
            "  columns: [{column: a, indicator: inwoners, scale: .nan}]}]\n",
            "extra.yaml:2: mappings.0.columns.0.scale: not a finite number",
        ),
        (  # YAML 1.1 reads 1e400 (no dot, no exponent sign) as text; Pydantic made it inf
            "mappings: [{id: m, format: csv, name: M, source: S,\n"
            "  columns: [{column: a, indicator: inwoners, scale: 1e400}]}]\n",
            "extra.yaml:2: mappings[0] (m).columns.0.scale: Input should be a finite number",
        ),
    ],
)
def test_plan_files_that_crashed_or_passed_the_loader(text, message):
    """Was: ReaderError, RecursionError (nesting, a recursive alias), ValueError (5000
    digits, month 13), KeyError (!!bool), AttributeError (!!timestamp x), a billion-laughs
    blow-up of memory, and ``scale: .nan`` and ``scale: 1e400`` accepted (the first then
    stored NaN in its imports; the second, text to YAML 1.1, Pydantic turned into infinity,
    as it would any plan number written so, a target too)."""
    assert any(p.startswith(message) for p in plan_problems(text)), plan_problems(text)


def test_a_plan_file_that_is_not_utf8_is_named():
    """Was: UnicodeDecodeError out of ``load_plan``."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "plan.yaml")
        path.write_bytes(b"programme:\n  name: Rotterdam-Zuid \xe9\n")
        with pytest.raises(PlanError) as caught:
            load_plan(directory)
    assert [str(i) for i in caught.value.issues] == [
        f"{path}:2: not UTF-8 text (byte 34); save it as UTF-8"
    ]
