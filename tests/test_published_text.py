"""What a reader can read: every public page of the demo site and every yearly document.

The NPRZ plan with its figures is loaded as ``koers demo`` loads it, the documents are
written as ``koers report`` writes them, and the website serving both is crawled in-process
from its home page over every link that stays on the public site (the portal, the API and
downloads are not pages to read; a query string shows the same words filtered). What a
reader sees or hears — the text, and the ``aria-label``, ``alt`` and ``title`` a screen
reader reads out — may carry no internal note of the plan's transcription (``seed:``
line references, ``[UNCERTAIN``, ``[INFERRED``) and no ISO date (2022-12-31): dates are
written as a reader says them (31 december 2022, 31-12-2022 on a chart's axis).

The documents are read in their HTML: the PDF is laid out from the same HTML, so its text
is this text (``tests/test_report.py`` reads the PDFs themselves).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from koers.cli import main
from koers.web import create_app

from .conftest import NPRZ

FORBIDDEN = {
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "line reference": re.compile(r"seed:"),
    "transcription note": re.compile(r"\[(?:UNCERTAIN|INFERRED)"),
}
NOT_PAGES = ("/portaal", "/inloggen", "/uitloggen", "/api", "/static", "/openapi", "/docs")
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".json", ".geojson")
HEARD = re.compile(r'\b(?:aria-label|alt|title)="([^"]*)"')


@dataclass(frozen=True)
class Page:
    path: str
    text: str  # what is seen and heard, tags removed


def readable(page: str) -> str:
    """The words of an HTML page a reader sees or hears (no scripts, styles or URLs)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    heard = " ".join(HEARD.findall(page))
    seen = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(f"{seen} {heard}")


def links(page: str) -> set[str]:
    found = set()
    for href in re.findall(r'\bhref="([^"#?]*)', page):
        href = html.unescape(href)
        if href.startswith("/") and not href.startswith(NOT_PAGES) and not href.endswith(DOWNLOADS):
            found.add(href)
    return found


def crawl(client: TestClient, start: str = "/") -> Iterator[Page]:
    seen, queue = {start}, [start]
    while queue:
        path = queue.pop()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if not response.headers["content-type"].startswith("text/html"):
            continue
        yield Page(path, readable(response.text))
        for target in links(response.text) - seen:
            seen.add(target)
            queue.append(target)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    base = tmp_path_factory.mktemp("published")
    url = f"sqlite:///{base / 'koers.db'}"
    runner = CliRunner()
    out = base / "rapportage"
    for args in (["load", str(NPRZ)], ["report", "--no-pdf", "--out", str(out)]):
        result = runner.invoke(main, ["--db", url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    with TestClient(create_app(url, reports_dir=out)) as client:
        return list(crawl(client))


def test_the_crawl_reaches_every_kind_of_public_page_and_every_document(
    published: list[Page],
) -> None:
    paths = {page.path for page in published}
    for kind in ("/pijlers/", "/indicatoren/", "/wijken/", "/afspraken/", "/rapportages/"):
        assert any(p.startswith(kind) for p in paths), kind
    documents = {p for p in paths if p.startswith("/rapportages/") and p.endswith(".html")}
    assert len(documents) == 17  # Deel I, Deel II and the 15 wijk documents
    assert any("deel-2" in p for p in documents)


@pytest.mark.parametrize("rule", sorted(FORBIDDEN))
def test_no_internal_note_or_iso_date_reaches_a_reader(published: list[Page], rule: str) -> None:
    pattern = FORBIDDEN[rule]
    found = {}
    for page in published:
        hits = [
            page.text[max(0, m.start() - 40) : m.end() + 20].split()
            for m in pattern.finditer(page.text)
        ]
        if hits:
            found[page.path] = (len(hits), " ".join(hits[0]))
    assert found == {}, f"{rule} on {len(found)} pages, e.g. {sorted(found.items())[:8]}"


def test_the_rules_catch_what_they_name() -> None:
    page = readable(
        '<p>Bron: Tabel 1 (seed:232), 2022-12-31</p><svg aria-label="[UNCERTAIN] x"></svg>'
        '<script type="application/json">{"datum": "2022-12-31"}</script>'
        '<a href="/afspraken?peildatum=2022-12-31">31 december 2022</a>'
    )
    assert [rule for rule, pattern in FORBIDDEN.items() if pattern.search(page)] == [
        "ISO date",
        "line reference",
        "transcription note",
    ]
    assert page.count("2022-12-31") == 1  # the text only: not the script, not the link
    assert links('<a href="/a?x=1">a</a><a href="/api/plan">b</a><a href="/x.csv">c</a>') == {"/a"}


def test_a_report_document_links_back_to_the_site_when_its_address_is_given(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'koers.db'}"
    runner = CliRunner()
    example = NPRZ.parent / "example"
    args = ["--db", url]
    assert runner.invoke(main, [*args, "load", str(example)]).exit_code == 0
    without = runner.invoke(main, [*args, "report", "--no-pdf", "--out", str(tmp_path / "a")])
    assert without.exit_code == 0, without.output
    assert "Geen adres van de website bekend" in without.output
    site = "https://koers.example.org/"
    given = runner.invoke(
        main, [*args, "report", "--no-pdf", "--out", str(tmp_path / "b"), "--website", site]
    )
    assert given.exit_code == 0, given.output
    for folder, linked in ((tmp_path / "a", False), (tmp_path / "b", True)):
        documents = sorted(folder.rglob("*.html"))
        assert documents
        for document in documents:
            page = document.read_text(encoding="utf-8")
            assert page.count("<main>") == 1 and "</main>" in page
            assert 'role="img"' not in "".join(re.findall(r"<figure\b[^>]*>", page))
            assert (f'<a href="{site}">Naar de website van' in page) is linked
    refused = runner.invoke(main, [*args, "report", "--no-pdf", "--website", "koers.example.org"])
    assert refused.exit_code != 0 and "https://" in refused.output
