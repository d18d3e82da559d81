"""The documentation cannot drift: every command, target kind and status rule is described."""

from __future__ import annotations

import re

import click
import pytest

from koers.cli import COMMANDS, main
from koers.plan import StatusRules
from koers.plan.model import Target

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
TARGETS = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "koers") -> list[str]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


@pytest.mark.parametrize("command", commands(main))
def test_every_command_is_in_the_readme(command):
    assert f"`{command}" in README


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_help_that_lists_a_command_is_its_own(name):
    """``koers --help`` lists the commands without importing them, from COMMANDS."""
    command = main.get_command(click.Context(main), name)
    assert command is not None
    assert COMMANDS[name][1] == " ".join((command.help or "").split("\n\n")[0].split())


def test_every_target_kind_is_documented():
    kinds = [member.model_fields["kind"].default for member in Target.__origin__.__args__]
    assert len(kinds) == 7
    for kind in kinds:
        assert f"`{kind}`" in TARGETS


@pytest.mark.parametrize("rule", list(StatusRules.model_fields))
def test_every_status_rule_and_its_default_is_documented(rule):
    default = StatusRules.model_fields[rule].default
    assert f"| `{rule}` | {default:.2f} |" in TARGETS


def test_the_readme_keeps_exactly_two_setup_commands():
    block = README.split("## Set-up: two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == [
        "make demo",
        "make test",
    ]


def test_every_import_format_is_documented():
    from koers.sources import FORMATS

    importing = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    for format in FORMATS:
        assert f"| `{format}` |" in importing


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def test_every_picture_the_docs_show_exists_and_says_what_it_shows():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    shown = 0
    for page in pages:
        for alt, target in IMAGE.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            shown += 1
            assert (page.parent / target).is_file(), f"{page.name} shows {target}, not there"
            assert len(alt) > 10, f"{page.name}: {target} needs an alt text saying what it shows"
    assert shown > 0
    assert IMAGE.findall("![Deel II](docs/img/x.png)") == [("Deel II", "docs/img/x.png")]


def test_every_committed_picture_of_the_reports_is_in_the_readme_section():
    section = README.split("## Zo zien de rapporten eruit", 1)[1].split("\n## ", 1)[0]
    linked = {target for _, target in IMAGE.findall(section)}
    committed = {f"docs/img/{p.name}" for p in (ROOT / "docs" / "img").glob("*.png")}
    assert committed - linked == set(), "show these in 'Zo zien de rapporten eruit'"
