"""``koers plan``: check a plan directory, count what it holds, export its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from koers.cli import _console, _store, main, reports_errors
from koers.cli.render import plan_counts, summary_table
from koers.plan import Plan, json_schema, load_plan
from koers.plan.summary import summarise


@main.group()
def plan() -> None:
    """Check a plan directory or export its JSON Schema."""


@plan.command("check")
@click.argument("directory", type=click.Path(path_type=Path))
@reports_errors
def plan_check(directory: Path) -> None:
    """Validate a plan directory; every problem is reported with file, line and field."""
    loaded = load_plan(directory)
    click.echo(f"plan in orde: {plan_counts(loaded)}")


@plan.command("summary")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--programme", help="Summarise this programme from the store instead.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@reports_errors
def plan_summary(
    ctx: click.Context, directory: Path | None, programme: str | None, fmt: str
) -> None:
    """Count what a plan holds (a directory, or the plan loaded in the store)."""
    summary = summarise(_plan_from(ctx, directory, programme))
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _console().print(summary_table(summary))


def _plan_from(ctx: click.Context, directory: Path | None, programme: str | None) -> Plan:
    if directory is not None:
        return load_plan(directory)
    with _store(ctx) as store:
        return store.plan(programme)


@plan.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
def plan_schema(output: Path | None) -> None:
    """Print the JSON Schema of a plan file (for editors)."""
    if output:
        output.write_text(json_schema() + "\n", encoding="utf-8")
    else:
        click.echo(json_schema())
