"""The audit script (scripts/audit_plan.py): the plan against the text it was read from."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "audit_plan.py"
SHARED = ROOT.parent / "shared"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_plan", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_plan"] = module
    spec.loader.exec_module(module)
    return module


SEED = """Afspraak:
In 2023 maken gemeente en corporaties 4.000
woningen klaar voor bewo-
ners van Zuid.
"""


def _small(tmp_path: Path, text: str) -> tuple[Path, Path]:
    plan = tmp_path / "plan"
    plan.mkdir()
    document = {
        "programme": {
            "id": "p",
            "name": "P",
            "area": "zuid",
            "period_start": 2023,
            "period_end": 2027,
            "horizon": 2031,
        },
        "areas": [{"id": "zuid", "name": "Zuid", "kind": "district"}],
        "agreements": [{"id": "A6.1", "text": text, "ref": "seed:2-4"}],
    }
    (plan / "plan.yaml").write_text(json.dumps(document), encoding="utf-8")
    shared = tmp_path / "shared"
    (shared / "seed").mkdir(parents=True)
    (shared / "spec").mkdir()
    (shared / "seed" / "plan.txt").write_text(SEED, encoding="utf-8")
    (shared / "spec" / "ch6-wonen.md").write_text("**A6.1** een afspraak\n", encoding="utf-8")
    return plan, shared


def test_a_faithful_item_passes(tmp_path, capsys):
    plan, shared = _small(tmp_path, "In 2023 maken gemeente en corporaties 4.000 woningen klaar.")
    assert _script().main([str(plan), "--shared", str(shared), "--list"]) == 0
    out = capsys.readouterr().out
    assert "getallen niet in de geciteerde regels: 0 (in 0 items)" in out
    assert "items met ten minste 90% van hun woorden in hun regels: 1 van 1" in out
    assert "afspraken ch6: extract 1, plan 1: gelijk" in out


def test_a_number_or_word_not_in_the_lines_is_reported(tmp_path, capsys):
    plan, shared = _small(tmp_path, "In 2024 bouwen gemeente en corporaties 5.000 bewoners.")
    _script().main([str(plan), "--shared", str(shared), "--list"])
    out = capsys.readouterr().out
    assert "getallen niet in de geciteerde regels: 2 (in 1 items)" in out
    assert "A6.1 (seed:2-4): getallen ['2024', '5.000']" in out
    assert "bewoners" not in out  # "bewo-\nners" is one word of the text
    assert "A6.1 (seed:2-4): 75% van de woorden" in out  # 'bouwen' is not in the lines


def test_ids_that_differ_from_the_extract_fail(tmp_path, capsys):
    plan, shared = _small(tmp_path, "In 2023 maken gemeente en corporaties 4.000 woningen klaar.")
    (shared / "spec" / "ch6-wonen.md").write_text("**A6.1** x\n**A6.2** y\n", encoding="utf-8")
    assert _script().main([str(plan), "--shared", str(shared)]) == 1
    assert "alleen extract: ['A6.2']; alleen plan: []" in capsys.readouterr().out


def test_the_nprz_plan_matches_its_text(capsys):
    if not (SHARED / "seed").is_dir():
        pytest.skip(f"the plan text is not beside this clone ({SHARED})")
    module = _script()
    assert module.main(["--shared", str(SHARED)]) == 0
    out = capsys.readouterr().out
    audit = module.run(ROOT / "plans" / "nprz-2023-2027", SHARED)
    assert len(audit.chapters) == 6 and audit.chapters_differing == []
    assert f"items met regelverwijzing: {len(audit.items)}" in out
    # most items keep the plan's own words; those that do not are listed for the bureau
    assert len(audit.below(0.9)) < len(audit.items) / 3
