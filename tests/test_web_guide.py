"""The public reading guide ``/leeswijzer``: reachable from every page, stating the plan's own
margins, and the same text as Deel II's reading guide."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from koers.plan import load_plan
from koers.present.guide import reading_guide
from koers.store import Store
from koers.usecases.load import load_plan_directory
from koers.web import create_app

from .conftest import NPRZ


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('guide') / 'koers.db'}"
    with Store.open(url) as store:
        load_plan_directory(store, NPRZ, with_data=False)
    with TestClient(create_app(url)) as client:
        yield client


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_guide_states_the_plans_margins_and_every_colour(client):
    response = client.get("/leeswijzer")
    assert response.status_code == 200
    text = _text(response.text)
    rules = load_plan(NPRZ).programme.status_rules
    assert (rules.gap_tolerance, rules.relative_tolerance, rules.stable_band) == (0.1, 0.05, 0.01)
    assert "10% van de achterstand bij de nulmeting" in text
    assert "5% van de waarde op schema" in text
    assert "minder dan 1% telt als gelijk gebleven" in text
    for words in ("op koers (groen)", "aandacht (oranje)", "achter (rood)", "geen oordeel (grijs)"):
        assert words in text
    assert "Referentie en bewegende referentie" in text and "Perioden" in text
    # the references the plan's targets name, by their names
    assert "(in dit plan: G4, Rotterdam en Rotterdam zonder Zuid)" in text


def test_every_page_links_to_the_guide(client):
    page = client.get("/").text
    assert '<a href="/leeswijzer">Leeswijzer</a>' in page


def test_the_site_and_deel_2_say_the_same(client):
    guide = reading_guide(load_plan(NPRZ))
    text = _text(client.get("/leeswijzer").text)
    for section in guide.sections:
        for sentence in (*section.paragraphs, *section.items):
            assert sentence in text, sentence
