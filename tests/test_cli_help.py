"""The command line speaks Dutch: every command of ``koers`` (walked through the groups, the
lazily registered and the hidden default commands too) has Dutch help, each of its options
a Dutch help and placeholder, click's own headings are Dutch, and ``koers --help`` lists
every command with a Dutch line."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from koers.cli import COMMANDS, main

# common English words that are no Dutch words ("of", "in", "is", "data" are both)
ENGLISH = re.compile(
    r"\b(the|and|with|for|this|that|only|when|from|into|which|every|each|until|instead|"
    r"whether|will|are|has|its|their|default|file|files|write|writes|store|stored|see|by)\b",
    re.IGNORECASE,
)
# "show" is also the name of the hidden command `koers money show`, which help may name
SHOW = re.compile(r"\bShows?\b")
# click's placeholders named after a type, and the English ones koers used to have
ENGLISH_PLACEHOLDERS = {
    "INTEGER",
    "TEXT",
    "PATH",
    "FILE",
    "FILENAME",
    "DIRECTORY",
    "DIR",
    "FLOAT",
    "BOOLEAN",
    "OPTIONS",
    "COMMAND",
    "ARGS",
    "YYYY-MM-DD",
    "YEAR",
    "PERIOD",
    "AMOUNT",
    "COMMITMENT",
    "AGREEMENT",
    "USERNAME",
    "ACTION_ID",
}
# what click writes around a command's own texts when it is left to itself
CLICK_ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Positional arguments",
    "Show this message and exit",
    "Show the version and exit",
    "default:",
    "required",
    "env var",
    "[OPTIONS]",
    "COMMAND [ARGS]",
)


def english(text: str) -> list[str]:
    return ENGLISH.findall(text) + SHOW.findall(text)


def walk(group: click.Group, path: tuple[str, ...] = ("koers",)) -> Iterator[tuple[str, ...]]:
    """Every command path below ``group``, hidden ones included."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


PATHS = list(walk(main))


def command_at(path: tuple[str, ...]) -> tuple[click.Command, click.Context]:
    command: click.Command = main
    ctx = click.Context(main, info_name="koers")
    for name in path[1:]:
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, name)
        assert found is not None, name
        command, ctx = found, click.Context(found, info_name=name, parent=ctx)
    return command, ctx


def test_the_walk_reaches_every_command_the_lazy_and_the_hidden_ones():
    names = {" ".join(path) for path in PATHS}
    assert {f"koers {name}" for name in COMMANDS} <= names
    assert {
        "koers money show",  # hidden: `koers money [options]` runs it
        "koers import file",  # hidden: `koers import FILE` runs it
        "koers board show",
        "koers users reset",
        "koers basismonitor run",
        "koers db upgrade",
    } <= names


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_command_option_and_placeholder_is_dutch(path: tuple[str, ...]):
    command, ctx = command_at(path)
    assert command.help, "a command without help shows nothing in --help"
    assert english(command.help) == [], command.help
    for param in command.get_params(ctx):
        name = param.opts[0] if param.opts else param.name
        if isinstance(param, click.Option):
            assert param.help, f"{name} has no help"
            assert english(param.help) == [], f"{name}: {param.help}"
        if isinstance(param, click.Option) and param.is_flag:
            continue
        placeholder = param.make_metavar(ctx)
        words = set(re.findall(r"[A-Z][A-Z_-]+", placeholder))
        assert words & ENGLISH_PLACEHOLDERS == set(), f"{name}: {placeholder}"


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_the_help_click_writes_is_dutch(path: tuple[str, ...]):
    result = CliRunner().invoke(main, [*path[1:], "--help"], prog_name="koers")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Gebruik: {' '.join(path)} [OPTIES]")
    assert "Opties:\n" in result.output
    assert "--help  " in result.output and "Toon deze hulp en stop." in result.output
    assert [words for words in CLICK_ENGLISH if words in result.output] == []
    command, _ = command_at(path)
    visible = isinstance(command, click.Group) and any(
        not sub.hidden for sub in command.commands.values()
    )
    assert ("Opdrachten:\n" in result.output) == visible


def test_koers_help_lists_every_command_with_a_dutch_line():
    result = CliRunner().invoke(main, ["--help"], prog_name="koers")
    assert result.exit_code == 0
    assert result.output.startswith("Gebruik: koers [OPTIES] OPDRACHT [ARGUMENTEN]...")
    listing = result.output.split("Opdrachten:\n", 1)[1].splitlines()
    lines = dict(line.split(maxsplit=1) for line in listing if line.strip())
    assert sorted(lines) == sorted(COMMANDS)
    for name, line in lines.items():
        assert english(line) == [], f"{name}: {line}"
    assert "--version  Toon de versie en stop." in result.output
    assert "standaard: sqlite:///koers.db" in result.output


def test_version_and_a_usage_error_speak_dutch():
    version = CliRunner().invoke(main, ["--version"], prog_name="koers")
    assert version.exit_code == 0 and version.output.startswith("koers, versie ")
    # click's message itself stays English ("Missing argument"); the usage line is Dutch
    missing = CliRunner().invoke(main, ["backup"], prog_name="koers")
    assert missing.exit_code == 2
    assert "Gebruik: koers backup [OPTIES] BESTAND" in missing.stderr
