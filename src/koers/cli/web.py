"""``koers serve``: run the public website (pages and JSON API) with uvicorn."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from koers.cli import main, reports_errors
from koers.web.app import DEFAULT_REPORTS
from koers.web.logs import FORMATS, LEVELS

T = TypeVar("T")


def address(host: str, port: int) -> str:
    """The URL to open: ``http://127.0.0.1:8000/``, ``http://[::1]:8000/``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADRES",
    help="Het adres waarop de website luistert.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="De poort van de website.",
)
@click.option(
    "--programme",
    metavar="ID",
    help="Het programma dat de website toont; alleen nodig als de database meer dan één "
    "programma bevat.",
)
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_REPORTS,
    show_default=True,
    help="De map waarin koers report de rapportages schrijft; de website toont ze op /rapportages.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Aantal werkprocessen (meer dan één vraagt om KOERS_SECRET_KEY, voor alle "
    "processen dezelfde).",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Stuur de sessiecookie alleen over https (achter TLS).",
)
@click.option(
    "--wait",
    "wait",
    type=click.IntRange(0, 3600),
    default=30,
    show_default=True,
    help="Seconden die de website bij het starten wacht op een database die nog niet "
    "bereikbaar is.",
)
@click.option(
    "--log-level",
    type=click.Choice(LEVELS),
    default="info",
    show_default=True,
    help="De minst belangrijke logregels die geschreven worden (info: één regel per verzoek).",
)
@click.option(
    "--log-format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Logregels als tekst of als één JSON-object per regel (naar stderr).",
)
@click.pass_context
@reports_errors
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    programme: str | None,
    reports_dir: Path,
    workers: int,
    secure_cookies: bool,
    wait: int,
    log_level: str,
    log_format: str,
) -> None:
    """Start de website: de openbare pagina's, het portaal voor partners en de JSON-API."""
    run_server(
        ctx.obj["db"],
        host,
        port,
        programme=programme,
        reports_dir=reports_dir,
        workers=workers,
        secure_cookies=secure_cookies,
        wait=wait,
        log_level=log_level,
        log_format=log_format,
    )


def run_server(
    db: str | None,
    host: str,
    port: int,
    *,
    programme: str | None,
    reports_dir: Path,
    workers: int = 1,
    secure_cookies: bool = False,
    wait: int = 0,
    log_level: str = "info",
    log_format: str = "text",
) -> None:
    """Run the website with uvicorn; koers writes the request log itself (uvicorn's access
    log is off) and uvicorn's own messages go through the same log set-up."""
    import uvicorn

    from koers.web import create_app
    from koers.web.logs import configure_logging

    if workers > 1 and not os.environ.get("KOERS_SECRET_KEY"):
        raise click.ClickException(
            "met meer dan één worker moet KOERS_SECRET_KEY gezet zijn: alle workers "
            "ondertekenen de sessies met dezelfde sleutel"
        )
    configure_logging(log_level, log_format)
    # the store first (waiting for it if asked), the banner only when that worked
    app = _when_reachable(
        lambda: create_app(
            db,
            programme=programme,
            reports_dir=reports_dir,
            secure_cookies=secure_cookies,
        ),
        wait,
    )
    click.echo(f"koers draait op {address(host, port)} (stoppen met Ctrl+C)")
    click.echo(f"portaal voor partners: {address(host, port)}inloggen")
    click.echo(f"API: {address(host, port)}openapi.json")
    click.echo(f"gezondheid: {address(host, port)}gezondheid")
    if workers == 1:
        uvicorn.run(
            app, host=host, port=port, log_level=log_level, log_config=None, access_log=False
        )
        return
    app.state.store.close()  # each worker opens its own
    os.environ.update(
        {
            "KOERS_DB": db or os.environ.get("KOERS_DB", ""),
            "KOERS_PROGRAMME": programme or "",
            "KOERS_REPORTS": str(reports_dir),
            "KOERS_SECURE_COOKIES": "1" if secure_cookies else "",
            "KOERS_LOG_LEVEL": log_level,
            "KOERS_LOG_FORMAT": log_format,
        }
    )
    uvicorn.run(
        "koers.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=None,  # each worker sets up its log in app_from_env
        access_log=False,
    )


def _when_reachable(make: Callable[[], T], wait: int) -> T:
    """``make()``, tried again every second for up to ``wait`` seconds while the database
    cannot be reached (a server that starts before its database)."""
    from koers.store import StoreUnavailable

    deadline = time.monotonic() + wait
    said = False
    while True:
        try:
            return make()
        except StoreUnavailable as error:
            if time.monotonic() >= deadline:
                raise
            if not said:
                click.echo(f"{error}; wacht tot {wait} s op de database …", err=True)
                said = True
            time.sleep(1)
