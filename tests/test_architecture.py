"""The architecture as the build holds it (docs/architecture.md): the import-linter contracts
of pyproject.toml, no private name taken from another package, modules of a readable size,
and no fact of the NPRZ programme written into the code."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from koers.plan import load_plan
from koers.plan.model import AreaKind

from .conftest import ROOT

SRC = ROOT / "src" / "koers"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 600
DATA_TABLES = {"basismonitor/synth.py"}  # the synthetic population's profile tables


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_forbidden_import_breaks_a_contract(tmp_path: Path):
    """A mechanism that reaches for the database is refused, and the report names it."""
    shutil.copytree(SRC, tmp_path / "src" / "koers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    trajectory = tmp_path / "src" / "koers" / "assess" / "trajectory.py"
    trajectory.write_text(trajectory.read_text() + "\nimport sqlalchemy  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "Only koers.store imports SQLAlchemy and Alembic BROKEN" in result.stdout
    assert "koers.assess.trajectory -> sqlalchemy" in result.stdout


def _package(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


def test_no_module_takes_a_private_name_from_another_package():
    found = []
    for path in modules():
        own = _package(".".join(path.relative_to(SRC.parent).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("koers."):
                module = node.module or ""
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private and _package(module) != own:
                    found.append(f"{path.relative_to(SRC)}: {module} {private}")
    assert found == []


def test_modules_are_of_a_readable_size():
    long = {
        str(p.relative_to(SRC)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(p.relative_to(SRC)) not in DATA_TABLES
    }
    assert long == {}


def _code_strings(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings or comments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and (body := node.body)
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_fact_of_the_nprz_programme_is_written_in_the_code():
    """Pillars, wijken, the city, the summary's title and the preconditions come from the
    plan: a second programme must not inherit Rotterdam-Zuid."""
    plan = load_plan(ROOT / "plans" / "nprz-2023-2027")
    # a pillar as a literal id; "school" and "werk" also name a school year and work
    pillars = {p.id for p in plan.pillars if p.kind == "pillar"} - {"school", "werk"}
    words = {"rotterdam", "zuid"}
    words |= {a.id for a in plan.areas if a.kind is AreaKind.WIJK}
    words |= {a.name.lower() for a in plan.areas if a.kind is AreaKind.WIJK}
    phrases = ("preventie met gezag", "driehoek", "zuid op koers")
    found = []
    for path in modules():
        if str(path.relative_to(SRC)) in DATA_TABLES:
            continue
        for text in _code_strings(path):
            lower = text.lower()
            named = {lower} & pillars
            named |= words & {lower, *lower.replace("-", " ").split()}
            named |= {p for p in phrases if p in lower}
            if named:
                found.append(f"{path.relative_to(SRC)}: {text!r} names {sorted(named)}")
    assert found == []
