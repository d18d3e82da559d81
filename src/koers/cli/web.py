"""``koers serve``: run the public website (pages and JSON API) with uvicorn."""

from __future__ import annotations

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
@click.pass_context
@reports_errors
def serve(
    ctx: click.Context, host: str, port: int, programme: str | None, reports_dir: Path
) -> None:
    """Serve the website: the public pages, the partner portal and the JSON API."""
    run_server(ctx.obj["db"], host, port, programme=programme, reports_dir=reports_dir)


def run_server(
    db: str | None, host: str, port: int, *, programme: str | None, reports_dir: Path
) -> None:
    import uvicorn

    from koers.web import create_app

    app = create_app(db, programme=programme, reports_dir=reports_dir)
    click.echo(f"koers draait op {address(host, port)} (stoppen met Ctrl+C)")
    click.echo(f"portaal voor partners: {address(host, port)}inloggen")
    click.echo(f"API: {address(host, port)}openapi.json")
    uvicorn.run(app, host=host, port=port, log_level="info")
