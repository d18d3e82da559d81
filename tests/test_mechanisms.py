"""The plan's mechanisms (money, alliance, board, proportionality) are pure: importing them,
or the report sections built from them, loads neither the store nor SQLAlchemy."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def test_the_mechanisms_import_neither_the_store_nor_sqlalchemy():
    code = (
        "import sys\n"
        "import koers.money, koers.alliance, koers.board, koers.proportionality\n"
        "import koers.report.sections\n"
        "loaded = sorted(m for m in sys.modules if m == 'sqlalchemy' or m.startswith('koers.store'))\n"
        "print(','.join(loaded))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == ""
