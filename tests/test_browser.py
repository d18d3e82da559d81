"""The website in a real browser: Debian's Chromium driven by Playwright, against a real
server (uvicorn) on a loopback port, with the NPRZ plan and its figures loaded.

Never ``playwright install``: the browser is the system's ``/usr/bin/chromium`` (``make
test`` installs Debian's package). Without it these tests skip, unless
``KOERS_REQUIRE_BROWSER=1`` (set by ``make test``) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from koers import workflow as wf
from koers.cli import main
from koers.store import Store
from koers.web import create_app
from tests.conftest import NPRZ, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "browser" / "vendor" / "axe.min.js"
PASSWORD = "een lang genoeg wachtwoord"
# what the machine's closed network needs: no background connections, no GPU, as root
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("KOERS_REQUIRE_BROWSER") == "1":
        pytest.fail("Debian's chromium is not installed; run `make system-deps`", pytrace=False)
    pytest.skip("chromium is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running server with the NPRZ plan, a partner and a bureau user."""
    import uvicorn

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'koers.db'}"
    loaded = CliRunner().invoke(main, ["--db", url, "load", str(NPRZ)])
    assert loaded.exit_code == 0, loaded.output
    with Store.open(url) as store:
        plan = store.plan("nprz")
        agreement = next(a for a in plan.agreements if a.owners)
        admin = wf.create_user(store, "nprz", "beheer", PASSWORD, "admin", by=None)
        wf.create_user(store, "nprz", "bureau", PASSWORD, "bureau", by=admin)
        wf.create_user(store, "nprz", "partner", PASSWORD, "partner", agreement.owners[0], by=admin)
        wf.create_user(store, "nprz", "wisselaar", PASSWORD, "bureau", by=admin)
        owned = [a.id for a in wf.partner_agreements(plan, agreement.owners[0])]
        output = next(i.id for i in wf.partner_indicators(plan, agreement.owners[0]))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(url, reports_dir=None, secret_key="browser"),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield {
        "base": f"http://127.0.0.1:{port}",
        "agreement": agreement.id,
        "owner": agreement.owners[0],
        "url": url,
        "queued": owned[1],  # one agreement per test that reports on it
        "returned": owned[2],
        "wide": owned[3],
        "output": output,
    }
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, site):  # type: ignore[no-untyped-def]
    """A page in a fresh context (no cookies); every request must stay on the server."""
    contexts = []
    foreign: list[str] = []

    def make(**options: object):  # type: ignore[no-untyped-def]
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "request",
            lambda request: (
                foreign.append(request.url)
                if not request.url.startswith(site["base"]) and not request.url.startswith("data:")
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert foreign == [], "requests to elsewhere"


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/portaal")


def test_a_partner_reports_the_bureau_approves_and_the_public_sees_it(new_page, site):
    base, agreement = site["base"], site["agreement"]

    partner = new_page()
    _login(partner, base, "partner")
    partner.goto(f"{base}/portaal/afspraken/{agreement}")
    partner.get_by_label("Status").select_option("vertraagd")
    partner.get_by_label("Toelichting").fill("De aanbesteding loopt een half jaar uit.")
    partner.get_by_role("button", name="Opslaan als concept").click()
    partner.get_by_role("button", name="Indienen bij het programmabureau").click()
    assert "ingediend bij het programmabureau" in partner.locator(".done").inner_text()

    bureau = new_page()
    _login(bureau, base, "bureau")
    bureau.locator("#aandacht").get_by_role("link", name=f"afspraak {agreement}").first.click()
    assert "De aanbesteding loopt een half jaar uit." in bureau.content()
    bureau.get_by_role("button", name="Goedkeuren").click()
    assert "telt nu mee" in bureau.locator(".done").inner_text()

    public = new_page()
    public.goto(f"{base}/afspraken?eigenaar={site['owner']}")
    row = public.locator("tr", has_text=agreement).first
    assert "vertraagd" in row.inner_text()
    assert "De aanbesteding" not in public.content()  # the note stays in the portal


def test_a_chart_renders_interactively_and_degrades_to_svg_and_a_table(new_page, site):
    page = new_page()
    page.goto(f"{site['base']}/indicatoren/E5.4")
    page.wait_for_selector("figure.chart-enhanced .chart-live svg", timeout=15000)
    marks = page.locator("figure.chart-enhanced .chart-live svg path").count()
    assert marks > 3
    # the time axis spans the chart: the planned path runs from end 2023 to end 2031
    planned = page.locator('figure.chart-enhanced .chart-live svg path[aria-label="op schema"]')
    box = planned.first.bounding_box()
    assert box is not None and box["width"] > 200
    assert page.locator("figure.chart .chart-static").first.is_hidden()

    without_js = new_page(java_script_enabled=False)
    without_js.goto(f"{site['base']}/indicatoren/E5.4")
    assert without_js.locator("figure.chart .chart-static svg").first.is_visible()
    assert without_js.get_by_text("De cijfers van de grafiek als tabel").first.is_visible()


def test_the_wijk_map_renders(new_page, site):
    page = new_page()
    page.goto(f"{site['base']}/wijken/bloemhof")
    shape = page.locator("main figure svg").first
    shape.wait_for()
    box = shape.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.locator("main figure svg path").count() > 0


def test_pages_fit_a_phone(new_page, site):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    for path in ("/", "/afspraken", "/wijken/tarwewijk", "/inloggen", "/leeswijzer"):
        page.goto(f"{site['base']}{path}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, path


def _serious_violations(page) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("() => typeof axe.run") == "function"
    violations = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                  target: v.nodes[0].target.join(' ')}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/pijlers/werk",
        "/indicatoren/E5.4",
        "/indicatoren/T1.R22",
        "/wijken/bloemhof",
        "/afspraken",
        "/inloggen",
        "/plan/wijzigingen",
        "/leeswijzer",
    ],
)
def test_main_pages_have_no_serious_accessibility_violations(new_page, site, path):
    # axe is injected as a script of the test, which the site's CSP would rightly refuse
    page = new_page(bypass_csp=True)
    page.goto(f"{site['base']}{path}")
    assert _serious_violations(page) == [], path


def test_portal_pages_have_no_serious_accessibility_violations(new_page, site):
    page = new_page(bypass_csp=True)
    _login(page, site["base"], "partner")
    for path in ("/portaal", f"/portaal/afspraken/{site['agreement']}", "/portaal/sleutels"):
        page.goto(f"{site['base']}{path}")
        assert _serious_violations(page) == [], path
    bureau = new_page(bypass_csp=True)
    _login(bureau, site["base"], "bureau")
    for path in ("/portaal", "/portaal/afspraken", "/portaal/logboek", "/portaal/jaren"):
        bureau.goto(f"{site['base']}{path}")
        assert _serious_violations(bureau) == [], path
    admin = new_page(bypass_csp=True)
    _login(admin, site["base"], "beheer")
    admin.goto(f"{site['base']}/portaal/gebruikers")
    assert _serious_violations(admin) == [], "/portaal/gebruikers"


def test_the_register_filters_in_place_with_htmx_and_keeps_the_address(new_page, site):
    page = new_page()
    page.goto(f"{site['base']}/afspraken")
    everything = page.locator("#register tbody tr").count()
    page.evaluate("() => { window.sameDocument = true; }")
    page.get_by_label("Pijler").select_option("werk")
    page.wait_for_url("**/afspraken?*pijler=werk*")
    page.wait_for_function(
        "n => document.querySelectorAll('#register tbody tr').length < n", arg=everything
    )
    assert page.evaluate("() => window.sameDocument === true")  # no full page load
    assert 0 < page.locator("#register tbody tr").count() < everything
    page.reload()  # the address is the filtered register, without JavaScript too
    assert page.locator("#register tbody tr").count() < everything


# --------------------------------------------------------------------------- the portal's work


def _report_status(page, base: str, agreement: str, note: str) -> None:  # type: ignore[no-untyped-def]
    """As the logged-in partner: draft a status of ``agreement`` and submit it."""
    page.goto(f"{base}/portaal/afspraken/{agreement}")
    page.get_by_label("Status").select_option("risico")
    page.get_by_label("Toelichting").fill(note)
    page.get_by_role("button", name="Opslaan als concept").click()
    page.get_by_role("button", name="Indienen bij het programmabureau").click()
    assert "ingediend bij het programmabureau" in page.locator(".done").inner_text()


def test_the_bureau_finds_a_submitted_update_at_the_top_of_its_queue(new_page, site):
    base, agreement = site["base"], site["queued"]
    partner = new_page()
    _login(partner, base, "partner")
    _report_status(partner, base, agreement, "De bouw ligt stil door stikstof.")

    bureau = new_page(viewport={"width": 1280, "height": 800})
    _login(bureau, base, "bureau")
    first = bureau.locator("#aandacht section").first
    assert first.locator("h3").inner_text().startswith("Te beoordelen (")
    link = first.get_by_role("link", name=f"afspraak {agreement}")
    box = link.bounding_box()
    assert box is not None and box["y"] < 800  # seen without scrolling
    counts = bureau.locator(".queue-counts").inner_text()
    assert "Te beoordelen:" in counts and "Nooit gerapporteerd:" in counts
    link.click()
    assert "De bouw ligt stil door stikstof." in bureau.content()


def test_a_returned_update_is_corrected_and_resubmitted(new_page, site):
    base, agreement = site["base"], site["returned"]
    partner = new_page()
    _login(partner, base, "partner")
    _report_status(partner, base, agreement, "Loopt.")
    bureau = new_page()
    _login(bureau, base, "bureau")
    bureau.locator("#aandacht").get_by_role("link", name=f"afspraak {agreement}").first.click()
    bureau.get_by_label("Reden om terug te sturen").fill("Wat is er vertraagd, en waarom?")
    bureau.get_by_role("button", name="Terugsturen").click()
    assert "teruggestuurd" in bureau.locator(".done").inner_text()

    partner.goto(f"{base}/portaal")
    returned = partner.locator("section#teruggestuurd")
    assert "Wat is er vertraagd, en waarom?" in returned.inner_text()
    returned.get_by_role("link", name=f"afspraak {agreement}").click()
    partner.get_by_label("Toelichting").fill("De aannemer is failliet; een nieuwe start in mei.")
    partner.get_by_role("button", name="Opnieuw indienen").click()
    assert "opnieuw ingediend" in partner.locator(".done").inner_text()
    assert "ingediend" in partner.locator("h1").inner_text()


def test_a_user_changes_their_password(new_page, site):
    base = site["base"]
    page = new_page()
    _login(page, base, "wisselaar")
    page.get_by_role("link", name="Wachtwoord wijzigen").click()
    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("een nieuw lang wachtwoord")
    page.get_by_label("Nieuw wachtwoord nogmaals").fill("een nieuw lang wachtwoord")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    assert "Uw wachtwoord is gewijzigd" in page.locator(".done").inner_text()
    page.get_by_role("button", name="Uitloggen").click()
    page.goto(f"{base}/inloggen")
    page.get_by_label("Gebruikersnaam").fill("wisselaar")
    page.get_by_label("Wachtwoord").fill("een nieuw lang wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/portaal")


def test_a_year_is_closed_only_after_confirmation(new_page, site):
    base = site["base"]
    page = new_page()
    _login(page, base, "bureau")
    page.goto(f"{base}/portaal/jaren")
    assert page.get_by_label("Welk jaar?").input_value() == ""  # nothing filled in
    page.get_by_label("Welk jaar?").fill("2019")
    page.get_by_role("button", name="Verder").click()
    assert page.locator("h1").inner_text() == "Het jaar 2019 afsluiten?"
    assert "cijfers die nu voor 2019 meetellen" in page.locator(".warning").inner_text()
    with Store.open(site["url"]) as store:
        assert 2019 not in wf.closed_years(store, "nprz")  # asking closed nothing
    page.get_by_role("button", name="Ja, 2019 afsluiten").click()
    assert "Het jaar is afgesloten." in page.locator(".done").inner_text()
    with Store.open(site["url"]) as store:
        assert 2019 in wf.closed_years(store, "nprz")
    page.get_by_text("2019 heropenen", exact=True).click()  # the summary opens the form
    page.get_by_label("Waarom 2019 heropenen?").fill("Het CBS herzag de cijfers van 2019.")
    page.get_by_role("button", name="2019 heropenen (gelogd)").click()
    assert "heropend" in page.locator(".done").inner_text()
    with Store.open(site["url"]) as store:
        assert 2019 not in wf.closed_years(store, "nprz")


def _overflow(page) -> int:  # type: ignore[no-untyped-def]
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_no_portal_page_scrolls_sideways_on_a_360_px_phone(new_page, site):
    base = site["base"]
    with Store.open(site["url"]) as store:
        partner = wf.authenticate(store, "partner", PASSWORD)
        assert partner is not None
        update = wf.draft_update(
            store,
            "nprz",
            partner,
            agreement=site["wide"],
            status="vertraagd",
            note="Een lange toelichting " * 40 + "https://example.org/" + "x" * 120,
        )
    shared = [
        "/portaal",
        f"/portaal/afspraken/{site['wide']}",
        f"/portaal/indicatoren/{site['output']}",
        f"/portaal/updates/{update.id}",
        "/portaal/bronnen",
        "/portaal/sleutels",
        "/portaal/wachtwoord",
    ]
    pages = {
        "partner": shared,
        "bureau": [
            *shared,
            "/portaal?pijler=wonen",
            "/portaal/afspraken",
            "/portaal/indicatoren",
            "/portaal/logboek",
            "/portaal/jaren",
        ],
        "beheer": ["/portaal", "/portaal/gebruikers", "/portaal/sleutels", "/portaal/wachtwoord"],
    }
    wide: list[tuple[str, str, int]] = []
    for who, paths in pages.items():
        page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
        _login(page, base, who)
        for path in paths:
            page.goto(f"{base}{path}")
            if _overflow(page) > 1:
                wide.append((who, path, _overflow(page)))
        if who == "bureau":  # the confirmation of closing a year, reached by its form
            page.goto(f"{base}/portaal/jaren")
            page.get_by_label("Welk jaar?").fill("2018")
            page.get_by_role("button", name="Verder").click()
            if _overflow(page) > 1:
                wide.append((who, "bevestigen", _overflow(page)))
    assert wide == []


def test_chart_text_stays_readable_on_a_phone(new_page, site):
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    page.goto(f"{site['base']}/indicatoren/E5.4")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart svg')]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .flatMap(svg => {
                const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
                return [...svg.querySelectorAll('text')].map(
                    t => parseFloat(getComputedStyle(t).fontSize) * scale);
            })"""
    )
    assert sizes and min(sizes) >= 10.9, min(sizes)
