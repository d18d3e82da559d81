"""``koers serve``: run the public website (pages and JSON API) with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import click

from koers.cli import main, reports_errors
from koers.web.app import DEFAULT_REPORTS


def address(host: str, port: int) -> str:
    """The URL to open: ``http://127.0.0.1:8000/``, ``http://[::1]:8000/``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--programme", help="Programme id to show (needed when the store holds several).")
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_REPORTS,
    show_default=True,
    help="Folder `koers report` writes to, listed at /rapportages.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (more than one needs KOERS_SECRET_KEY, shared by all).",
)
@click.option(
    "--secure-cookies", is_flag=True, help="Send the session cookie over https only (behind TLS)."
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
) -> None:
    """Serve the website: the public pages, the partner portal and the JSON API."""
    run_server(
        ctx.obj["db"],
        host,
        port,
        programme=programme,
        reports_dir=reports_dir,
        workers=workers,
        secure_cookies=secure_cookies,
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
) -> None:
    import uvicorn

    from koers.web import create_app

    click.echo(f"koers draait op {address(host, port)} (stoppen met Ctrl+C)")
    click.echo(f"portaal voor partners: {address(host, port)}inloggen")
    click.echo(f"API: {address(host, port)}openapi.json")
    if workers == 1:
        app = create_app(
            db, programme=programme, reports_dir=reports_dir, secure_cookies=secure_cookies
        )
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    if not os.environ.get("KOERS_SECRET_KEY"):
        raise click.ClickException(
            "met meer dan één worker moet KOERS_SECRET_KEY gezet zijn: alle workers "
            "ondertekenen de sessies met dezelfde sleutel"
        )
    create_app(db, programme=programme, reports_dir=None).state.store.close()  # fail early
    os.environ.update(
        {
            "KOERS_DB": db or os.environ.get("KOERS_DB", ""),
            "KOERS_PROGRAMME": programme or "",
            "KOERS_REPORTS": str(reports_dir),
            "KOERS_SECURE_COOKIES": "1" if secure_cookies else "",
        }
    )
    uvicorn.run(
        "koers.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
