"""Golden comparison: show that a refactoring of koers changes no observable behaviour.

Run with the code under test first on the path (``PYTHONPATH=CHECKOUT/src python
scripts/golden.py ...``), so one script drives the code before and after. It uses only
entry points a refactoring keeps: the ``koers`` command line (a subprocess running ``from
koers.cli import main; main()``), ``koers.web.app.create_app`` and HTTP requests to it
(``fastapi.testclient.TestClient``, in process).

``store DB_FILE`` builds a SQLite store once: ``koers load`` of this repository's NPRZ plan,
narratives, spending (only if the plan has commitments: NPRZ has none), alliance meetings
with actions, the first admin; then, through the portal's forms and ``/api/portaal``: users
(one deactivated), updates in every state, approvals, a return, escalations, output values
(one corrected after its year was closed) and API tokens (one revoked).

``capture DB_FILE OUT_DIR`` works on a copy of the store. It writes the reports with ``koers
report --no-pdf`` for the latest year and the year before (``reports/``), then requests every
GET route of the app, path parameters filled from the public API (every pillar, indicator,
wijk, agreement, update and report file): anonymously (``public/``, ``api/``, ``static/``),
logged in through ``/inloggen`` as admin, bureau and partner (``portal-<role>/``), and last
``/api/portaal`` with a token made on the copy per role (``api-portaal-<role>/``). It follows
the pages' links and GET-form options too. One file per response, named after the URL:
request, status, kept headers, body. ``ROUTES.txt``: route shapes with their URL counts;
``SKIPPED.txt``: routes it could not fill; ``MANIFEST.json``: code and day (not compared).

``compare BEFORE AFTER`` prints per file identical, differs (with a diff excerpt) or only on
one side, and exits 1 unless all are identical.

Normalised, as it varies between two captures of one store (all else counts):

* the CSRF token in forms (``name="csrf" value="..."``): random per session;
* headers: only ``KEEP_HEADERS`` are kept (``set-cookie`` holds the session; ``etag`` and
  ``last-modified`` of static files follow the checkout's file times);
* an ``.xlsx`` is kept as the text of its zip members (the zip holds write times), with the
  ``dcterms:created``/``modified`` stamps, which openpyxl sets to now, blanked.

Pages depend on the day (overdue agreements, attention lists, "gemaakt op" in the reports),
so compare captures made on one day: ``compare`` warns when the manifests' days differ, and
the baseline is captured anew from the kept store with the baseline checkout in a minute.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import html
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI
from fastapi.testclient import TestClient

if TYPE_CHECKING:  # the test client's response (httpx2 under Starlette 1.x)
    from httpx2 import Response

ROOT = Path(__file__).resolve().parents[1]
PLAN_DIR = ROOT / "plans" / "nprz-2023-2027"
PASSWORD = "golden-wachtwoord-2024"
USERS = {"admin": "beheer", "bureau": "bea", "partner": "wouter"}  # the roles captured
PARTNER = "woonbron"  # wouter's organisation
KEEP_HEADERS = (
    "content-type", "content-disposition", "location", "cache-control", "allow",
    "www-authenticate", "retry-after", "content-security-policy", "x-content-type-options",
    "referrer-policy", "x-frame-options",
)  # fmt: skip
CSRF = re.compile(r'(name="csrf" value=")[^"]*(")')
XLSX_STAMP = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")
LINK = re.compile(r'(?:href|src)="(/[^"#]*)')
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*action="(/[^"]*)"[^>]*>(.*?)</form>', re.S)
SELECT = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
PARAM = re.compile(r"\{[^}]*\}")
BY_INDICATOR = ("/indicatoren/{}", "/indicatoren/{}.csv", "/indicatoren/{}.xlsx",
                "/api/indicators/{}/observations")  # fmt: skip
UNSAFE = re.compile(r"[^\w.~=&@-]", re.ASCII)  # in a file name
MAX_URLS = 5000  # per folder: a guard against a link loop, far above what the plan needs


# --------------------------------------------------------------------------- entry points


def koers(db: Path, *args: str) -> str:
    """Run the ``koers`` command line on the store ``db``: its stdout; exit on failure."""
    env = {**os.environ, "KOERS_DB": f"sqlite:///{db}", "KOERS_USER": "golden"}
    command = [sys.executable, "-c", "from koers.cli import main; main()", *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"koers {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


@contextmanager
def website(db: Path, reports: Path | None = None) -> Iterator[FastAPI]:
    from koers.web.app import create_app

    app = create_app(f"sqlite:///{db}", reports_dir=reports, secret_key="golden")
    with TestClient(app):  # runs the lifespan: the store is closed at the end
        yield app


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    if not found:
        sys.exit("no CSRF field on the page")
    return page[found.end(1) : found.start(2)]


def login(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    form = {"gebruikersnaam": username, "wachtwoord": PASSWORD}
    answer = client.post("/inloggen", data={**form, "csrf": csrf_of(client.get("/inloggen").text)})
    if answer.status_code != 303:
        sys.exit(f"login as {username} failed: {answer.status_code}")
    return client


def post(client: TestClient, path: str, data: dict[str, Any], page: str) -> Response:
    """Post a portal form with the CSRF token of ``page``; a refusal ends the run."""
    answer = client.post(path, data={**data, "csrf": csrf_of(client.get(page).text)})
    if answer.status_code not in (200, 303):
        sys.exit(f"POST {path} failed: {answer.status_code}\n{answer.text[:2000]}")
    return answer


def field(client: TestClient, page: str, action: str, name: str) -> str:
    """The value of field ``name`` in the form on ``page`` that posts to ``action``."""
    text = client.get(page).text
    form = text[text.index(f'action="{action}"') :].split("</form>")[0]
    found = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert found, f"no field {name} for {action} on {page}"
    return found[1]


# --------------------------------------------------------------------------- store


def build_store(db: Path) -> None:
    if db.exists():
        sys.exit(f"{db} exists; the store is built once, into a new file")
    db.parent.mkdir(parents=True, exist_ok=True)
    koers(db, "load", str(PLAN_DIR))
    koers(db, "users", "add", USERS["admin"], "--role", "admin", "--password", PASSWORD)
    status = json.loads(koers(db, "status", "--format", "json"))
    first = next(r for r in status if r["value"] is not None and r["kind"] == "effect")
    story = [first["indicator"], first["period"]]
    koers(db, "narrative", *story, "Het verhaal achter de curve.")
    for item in json.loads(koers(db, "money", "--format", "json"))["commitments"][:1]:
        koers(db, "money", "spend", item["id"], "2024", "125000", "--note", "eerste tranche")
    with website(db) as app:
        public = TestClient(app)
        wijk = next(a["id"] for a in public.get("/api/areas").json() if a["kind"] == "wijk")
        owned = [sorted(a["id"] for a in public.get(f"/api/agreements?owner={owner}").json())
                 for owner in (PARTNER, "gemeente")]  # fmt: skip
        koers(db, "narrative", *story, "Het verhaal in de wijk.", "--area", wijk)
        koers(db, "alliance", "add", "--kind", "wijkraad", "--area", wijk, "--date", "2025-03-12",
              "--summary", "Gesprek over veiligheid en groen.", "--participants", "wijkraad",
              "--goal", "veilig", "--action", "Verlichting in het park|gemeente|2025-06-30",
              "--action", "Terugkoppeling aan de wijkraad|nprz|2026-12-31")  # fmt: skip
        koers(db, "alliance", "add", "--kind", "burgerberaad", "--date", "2025-05-20",
              "--summary", "Over wonen.", "--action", "Advies|nprz|2025-09-01")  # fmt: skip
        action = json.loads(koers(db, "alliance", "list", "--format", "json"))[0]["actions"][0]
        koers(db, "alliance", "done", str(action["id"]), "--date", "2025-06-15")
        workflow(app, *owned)


def workflow(app: FastAPI, owned: list[str], gemeente: list[str]) -> None:
    """Users, updates in every state, decisions, escalations, a closed year and tokens."""
    admin = login(app, USERS["admin"])
    for name, role, org in (("bea", "bureau", ""), ("bram", "bureau", ""),
                            ("wouter", "partner", PARTNER), ("gerrit", "partner", "gemeente"),
                            ("oud", "partner", PARTNER)):  # fmt: skip
        form = {"gebruikersnaam": name, "wachtwoord": PASSWORD, "rol": role, "partner": org}
        post(admin, "/portaal/gebruikers", form, "/portaal/gebruikers")
    action = "/portaal/gebruikers/oud/actief"
    versie = field(admin, "/portaal/gebruikers", action, "versie")
    post(admin, action, {"actief": "0", "versie": versie}, "/portaal/gebruikers")
    partner, bureau, other = login(app, "wouter"), login(app, "bea"), login(app, "gerrit")

    def new(client: TestClient, page: str, action: str, form: dict[str, str]) -> str:
        location = post(client, f"{page}/{action}", form, page).headers["location"]
        return location.split("?")[0]  # the new update's page

    def draft(client: TestClient, agreement: str, status: str, note: str) -> str:
        form = {"status": status, "toelichting": note, "bewijs": "https://example.org/bewijs"}
        return new(client, f"/portaal/afspraken/{agreement}", "update", form)

    def act(client: TestClient, page: str, verb: str, **extra: str) -> None:
        versie = field(client, page, f"{page}/{verb}", "versie")
        post(client, f"{page}/{verb}", {"versie": versie, **extra}, page)

    draft(partner, owned[0], "niet gestart", "Nog in voorbereiding.")  # stays a draft
    act(partner, draft(partner, owned[1], "op schema", "Loopt."), "indienen")  # submitted
    for agreement, status in ((owned[2], "op schema"), (owned[3], "afgerond"),
                              (owned[4], "risico"), (owned[4], "vertraagd")):  # fmt: skip
        update = draft(partner, agreement, status, f"Stand van zaken: {status}.")
        act(partner, update, "indienen")
        act(bureau, update, "goedkeuren")
    returned = draft(partner, owned[5], "risico", "Onzeker.")
    act(partner, returned, "indienen")
    act(bureau, returned, "terugsturen", reden="Graag met cijfers onderbouwen.")
    act(other, draft(other, gemeente[0], "vertraagd", "Capaciteit."), "indienen")
    for agreement in (owned[5], owned[5], gemeente[1]):  # owned[5] two rungs up
        page = f"/portaal/afspraken/{agreement}"
        trede = field(bureau, page, f"{page}/escaleren", "trede")
        post(bureau, f"{page}/escaleren", {"trede": trede, "reden": "Loopt vast."}, page)
    page = f"/portaal/afspraken/{gemeente[1]}"
    post(bureau, f"{page}/deescaleren", {"reden": "Weer op gang."}, page)

    outputs = re.findall(r'href="/portaal/indicatoren/([^"?]+)"', partner.get("/portaal").text)
    made = []
    for indicator, period, value in ((outputs[0], "2023", "41"), (outputs[0], "2024", "42"),
                                     (outputs[1], "2024", "7,5")):  # fmt: skip
        form = {"gebied": "zuid", "periode": period, "waarde": value, "toelichting": "Telling."}
        made.append(new(partner, f"/portaal/indicatoren/{indicator}", "waarde", form))
        act(partner, made[-1], "indienen")  # made[2] stays submitted
    act(bureau, made[1], "goedkeuren")
    post(bureau, "/portaal/jaren", {"jaar": "2023"}, "/portaal/jaren")
    act(bureau, made[0], "corrigeren", reden="Telling na het afsluiten binnengekomen.")

    tokens = {}
    for name, client in (("partner", partner), ("bureau", bureau), ("vervangen", bureau)):
        page = post(client, "/portaal/sleutels", {"naam": name}, "/portaal/sleutels").text
        tokens[name] = re.findall(r"koers_[\w-]+", page)[0]
    revoke = re.findall(r'action="(/portaal/sleutels/\d+/intrekken)"', page)[0]
    post(bureau, revoke, {}, "/portaal/sleutels")  # the newest: "vervangen"

    def api(who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        bearer = {"Authorization": f"Bearer {tokens[who]}"}
        answer = TestClient(app).post(f"/api/portaal/updates{path}", json=body, headers=bearer)
        if answer.status_code not in (200, 201):
            sys.exit(f"API {path} failed: {answer.status_code} {answer.text}")
        return dict(answer.json())

    output = {"indicator": outputs[2], "area": "zuid", "period": "2024", "value": 12}
    sent = api("partner", "", {**output, "note": "Via de API."})
    sent = api("partner", f"/{sent['id']}/submit", {"version": sent["version"]})
    api("bureau", f"/{sent['id']}/approve", {"version": sent["version"]})
    api("partner", "", {"agreement": owned[6], "status": "op schema", "note": "Via de API."})


# --------------------------------------------------------------------------- capture


def route_templates(routes: list[Any], prefix: str = "") -> list[str]:
    """The path of every GET route, also inside included routers (FastAPI 0.165 keeps one
    route per ``include_router``); static files are reached through the pages' links."""
    found: set[str] = set()
    for route in routes:
        if (inner := getattr(route, "original_router", None)) is not None:
            context = getattr(route, "include_context", None)
            found.update(route_templates(inner.routes, prefix + getattr(context, "prefix", "")))
        elif "GET" in (getattr(route, "methods", None) or ()):
            found.add(prefix + route.path)
    return sorted(found)


def fill(template: str, row: tuple[str, ...]) -> str:
    values = iter(row)
    return PARAM.sub(lambda m: quote(next(values), safe="/" if ":path" in m[0] else ""), template)


def fill_table(public: TestClient, bureau: TestClient, reports: Path) -> dict[str, Any]:
    """Route shape (parameters as ``{}``: their names are no behaviour) -> the parameter rows
    to request it with; and (keys without '/') the lists the query variants use."""
    indicators = public.get("/api/indicators").json()
    listed = public.get("/api/agreements").json()
    agreements = [(a["id"],) for a in listed]
    wijken = [a["id"] for a in public.get("/api/areas").json() if a["kind"] == "wijk"]
    ids = [(i["id"],) for i in indicators]
    export = bureau.get("/portaal/updates.csv").text.lstrip("\ufeff")
    updates = [(row[0],) for row in list(csv.reader(io.StringIO(export), delimiter=";"))[1:]]
    files = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file())
    pillars = sorted({i["pillar"] for i in [*indicators, *listed]} - {None})
    table: dict[str, Any] = dict.fromkeys(BY_INDICATOR, ids)
    table |= dict.fromkeys(("/afspraken/{}", "/portaal/afspraken/{}"), agreements)
    table |= dict.fromkeys(("/portaal/updates/{}", "/api/portaal/updates/{}"), updates)
    table["/pijlers/{}"] = [(p,) for p in pillars]
    table["/wijken/{}"] = [(w,) for w in wijken]
    table["/portaal/indicatoren/{}"] = [(i["id"],) for i in indicators if i["kind"] == "output"]
    table["/rapportages/{}/{}"] = [tuple(f.split("/", 1)) for f in files]
    effect = next(i["id"] for i in indicators if i["kind"] == "effect")
    years = sorted({f.split("/")[0] for f in files})
    return table | {"pillars": pillars, "wijken": wijken, "years": years, "effect": effect}


def public_variants(table: dict[str, Any]) -> list[str]:
    """Filters and refusals of the pages and the API that no link or form option shows."""
    urls = ["/?programme=nprz", "/api/plan?programme=nprz", "/afspraken?verlopen=1",
            "/afspraken?verlopen=x", "/afspraken?gepland=twintig", "/bestaat-niet",
            "/indicatoren/bestaat-niet", "/wijken/bestaat-niet", "/pijlers/bestaat-niet",
            "/afspraken/bestaat-niet", "/rapportages/1999/x.html", "/api/indicators?kind=x",
            "/api/indicators/bestaat-niet/observations", "/api/status?pillar=bestaat-niet",
            "/api/agreements?due=1800", "/api/agreements?overdue=true", "/api/agreements?due=2025",
            f"/api/agreements?owner={PARTNER}", "/portaal", "/portaal/logboek",
            f"/api/indicators/{table['effect']}/observations?area=zuid",
            "/api/portaal/updates"]  # fmt: skip
    urls += [f"/api/indicators?kind={kind}" for kind in ("effect", "output", "context")]
    for status in ("niet gerapporteerd", "op schema", "afgerond", "risico", "vertraagd"):
        urls.append(f"/api/agreements?{urlencode({'status': status})}")
    for pillar in table["pillars"]:
        urls += [f"/api/{what}?pillar={pillar}" for what in ("status", "indicators", "agreements")]
    urls += [f"/api/status?area={wijk}" for wijk in table["wijken"]]
    return urls + [f"/api/status?year={year}" for year in table["years"]]


def links(page: str) -> list[str]:
    """Same-site links, and each option of a GET form's selects (``/afspraken?pijler=...``)."""
    found = [html.unescape(link) for link in LINK.findall(page)]
    for action, form in GET_FORM.findall(page):
        for name, options in SELECT.findall(form):
            choices = [html.unescape(value) for value in OPTION.findall(options)]
            found += [f"{action}?{urlencode({name: value})}" for value in choices]
    return [link for link in found if not link.startswith("//")]


def body_of(answer: Response) -> bytes:
    kind = answer.headers.get("content-type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(answer.content)) as book:
            parts = [f"== {n}\n{book.read(n).decode()}" for n in sorted(book.namelist())]
        return XLSX_STAMP.sub(r"\1(stamp)\2", "\n".join(parts)).encode()
    if kind.startswith("text/") or "json" in kind or "javascript" in kind:
        text = answer.content.decode("utf-8", "surrogateescape")
        return CSRF.sub(r"\1(csrf)\2", text).encode("utf-8", "surrogateescape")
    return answer.content


class Capture:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.seen: dict[str, set[str]] = {}
        self.spilled: list[str] = []  # public links found on portal pages

    def fetch(self, client: TestClient, folder: str, url: str, **headers: str) -> Response:
        answer = client.get(url, headers=headers)
        if folder == "public" and url.startswith(("/api/", "/openapi.json", "/static/")):
            folder = "static" if url.startswith("/static/") else "api"
        name = url.strip("/").replace("/", "~").replace("?", "@") or "index"
        target = self.out / folder / UNSAFE.sub("_", name)
        if UNSAFE.search(name) or target.exists():  # unique, whatever the order
            digest = hashlib.sha1(url.encode()).hexdigest()[:8]
            target = target.with_name(f"{target.name}-{digest}")
        lines = [f"GET {url}", f"status: {answer.status_code}"]
        lines += [f"{h}: {answer.headers[h]}" for h in KEEP_HEADERS if h in answer.headers]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes("\n".join(lines).encode() + b"\n\n" + body_of(answer))
        return answer

    def crawl(self, client: TestClient, folder: str, urls: list[str], portal: bool) -> None:
        """Request ``urls`` and what their pages link to; a logged-in crawl follows only the
        portal's links and hands the others to the anonymous crawl."""
        seen = self.seen.setdefault(folder, set())
        queue = list(urls)
        while queue:
            if (url := queue.pop(0)) in seen:
                continue
            if len(seen) >= MAX_URLS:
                sys.exit(f"more than {MAX_URLS} URLs in {folder}: a link loop?")
            seen.add(url)
            answer = self.fetch(client, folder, url)
            if "text/html" in answer.headers.get("content-type", ""):
                for link in links(answer.text):
                    if not portal or link.startswith("/portaal"):
                        queue.append(link)
                    else:
                        self.spilled.append(link)


def capture(db: Path, out: Path) -> None:
    code = importlib.import_module("koers.web.app").__file__
    print(f"code: {code}")
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} is not empty")
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        work, reports = Path(tmp) / "store.db", Path(tmp) / "rapportage"
        shutil.copyfile(db, work)  # the input is never written
        koers(work, "report", "--no-pdf", "--out", str(reports))  # the latest year
        latest = max(int(p.name) for p in reports.iterdir() if p.name.isdigit())
        koers(work, "report", "--no-pdf", "--year", str(latest - 1), "--out", str(reports))
        shutil.copytree(reports, out / "reports")
        with website(work, reports) as app:
            crawl(app, out, reports)
    manifest = {"day": date.today().isoformat(), "code": code, "store": str(db)}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        print(f"{sum(1 for p in folder.rglob('*') if p.is_file()):5d}  {folder.name}")


def crawl(app: FastAPI, out: Path, reports: Path) -> None:
    public = TestClient(app, follow_redirects=False)
    clients = {role: login(app, user) for role, user in USERS.items()}
    table = fill_table(public, clients["bureau"], reports)
    urls: dict[str, list[str]] = {"public": [], "portal": [], "api-portaal": [], "plain": []}
    listed, skipped = [], []
    for template in route_templates(app.routes):
        kind = "api-portaal" if template.startswith("/api/portaal") else "public"
        kind = "portal" if template.startswith("/portaal") else kind
        rows = table.get(PARAM.sub("{}", template)) if PARAM.search(template) else [()]
        if rows is None:
            skipped.append(f"GET {template}: no values known for its parameters")
            continue
        urls[kind] += [fill(template, row) for row in rows]
        listed.append(f"GET {PARAM.sub('{}', template)}  {kind}  {len(rows)}")
        if kind == "public" and rows == [()] and not template.startswith(("/api/", "/openapi")):
            urls["plain"].append(template)  # a page each logged-in user requests too
    (out / "ROUTES.txt").write_text("\n".join(listed) + "\n")
    (out / "SKIPPED.txt").write_text("".join(f"{line}\n" for line in skipped) or "nothing\n")
    capture = Capture(out)
    capture.crawl(public, "public", urls["public"] + public_variants(table), portal=False)
    for role, client in clients.items():
        extra = ["/portaal/logboek?onderwerp=update", "/portaal/logboek?onderwerp=user",
                 "/portaal/updates/999999", "/portaal/afspraken/bestaat-niet",
                 f"/portaal/indicatoren/{table['effect']}"]  # fmt: skip
        capture.crawl(client, f"portal-{role}", urls["portal"] + extra + urls["plain"], True)
    capture.crawl(public, "public", capture.spilled, portal=False)
    capture.fetch(public, "public", "/api/portaal/aandacht", authorization="Bearer koers_x")
    for role, client in clients.items():  # last: making a token writes to the copy
        page = post(client, "/portaal/sleutels", {"naam": "golden"}, "/portaal/sleutels").text
        bearer = "Bearer " + re.findall(r"koers_[\w-]+", page)[0]
        for url in urls["api-portaal"]:
            capture.fetch(TestClient(app), f"api-portaal-{role}", url, authorization=bearer)


# --------------------------------------------------------------------------- compare


def readable(data: bytes) -> list[str]:
    """The lines of a capture for the diff excerpt, a JSON body indented (whether two files
    differ is decided on their bytes)."""
    head, _, body = data.decode("utf-8", "replace").partition("\n\n")
    with suppress(ValueError):
        body = json.dumps(json.loads(body), indent=1, ensure_ascii=False)
    return [*head.splitlines(), "", *body.splitlines()]


def compare(before: Path, after: Path, quiet: bool) -> int:
    def files(root: Path) -> set[str]:
        found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        return found - {"MANIFEST.json"}

    days = [json.loads((d / "MANIFEST.json").read_text())["day"] for d in (before, after)]
    if days[0] != days[1]:
        print(f"WARNING: captured on {days[0]} and {days[1]}; pages depend on the day")
    old, new = files(before), files(after)
    counts = dict.fromkeys(("identical", "differ", "only before", "only after"), 0)
    for name in sorted(old | new):
        if name not in old or name not in new:
            side = "only before" if name in old else "only after"
            counts[side] += 1
            print(f"{side}: {name}")
            continue
        a, b = (before / name).read_bytes(), (after / name).read_bytes()
        if a == b:
            counts["identical"] += 1
            if not quiet:
                print(f"identical: {name}")
            continue
        counts["differ"] += 1
        lines = readable(a), readable(b), f"before/{name}", f"after/{name}"
        diff = list(difflib.unified_diff(*lines, lineterm=""))
        changed = sum(1 for line in diff[2:] if line[:1] in "+-")
        print(f"differs: {name} ({changed} lines changed)")
        for line in diff[:40]:
            print("    " + (line if len(line) <= 200 else line[:200] + " …"))
    print(", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0 if counts["identical"] == len(old | new) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("store", help="build a store").add_argument("db", type=Path)
    shot = commands.add_parser("capture", help="capture every response of a store")
    shot.add_argument("db", type=Path)
    shot.add_argument("out", type=Path)
    check = commands.add_parser("compare", help="compare two captures")
    check.add_argument("before", type=Path)
    check.add_argument("after", type=Path)
    check.add_argument("--quiet", action="store_true", help="do not list identical files")
    args = parser.parse_args()
    if args.command == "store":
        build_store(args.db.resolve())
    elif args.command == "capture":
        capture(args.db.resolve(), args.out.resolve())
    else:
        sys.exit(compare(args.before, args.after, args.quiet))


if __name__ == "__main__":
    main()
