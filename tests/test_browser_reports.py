"""The yearly documents' HTML in a real browser (Debian's Chromium, as in test_browser.py):
axe finds nothing on a desk and on a phone, with the WCAG 2.2 AA rules (targets of 24 px)
and axe's best practices (one ``<main>``, no ``role=img`` on a ``<figure>``).

The documents are written by ``koers report --no-pdf`` from the NPRZ plan and its figures
and opened as files, as a reader opens a downloaded report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from koers.cli import main

from .conftest import NPRZ
from .test_browser import AXE, CHROMIUM, LAUNCH_ARGS

sync_api = pytest.importorskip("playwright.sync_api")
SITE = "https://koers.example.org/"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("report-html")
    url = f"sqlite:///{base / 'koers.db'}"
    out = base / "rapportage"
    runner = CliRunner()
    for args in (
        ["load", str(NPRZ)],
        ["report", "--no-pdf", "--out", str(out), "--website", SITE],
    ):
        result = runner.invoke(main, ["--db", url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    found = {p.stem: p for p in out.rglob("*.html")}
    assert len(found) == 17
    return {
        "Deel I": next(p for name, p in found.items() if name.startswith("deel-1")),
        "Deel II": found["deel-2-voortgangsrapportage"],
        "Tarwewijk": found["jaarambitie-tarwewijk"],
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_report_html_has_no_accessibility_violations(browser, documents, width):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for name, path in documents.items():
            page.goto(path.as_uri())
            assert page.locator("main").count() == 1, name
            back = page.get_by_role("link", name="Naar de website van")
            assert back.get_attribute("href") == SITE, name
            box = back.bounding_box()
            assert box is not None and box["height"] >= 24, name  # a target of 24 px
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                """async rules => (await axe.run(document, {
                    runOnly: {type: 'tag', values: rules}
                })).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                          target: v.nodes[0].target.join(' ')}))""",
                RULES,
            )
            assert violations == [], (name, width)
    finally:
        context.close()
