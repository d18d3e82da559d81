"""click's own words in Dutch, for every ``koers`` command.

The texts a command brings itself (its docstring, ``help=``, ``metavar=``) are written in
Dutch where they are defined. What click adds around them is English: the headings
("Usage:", "Options:", "Commands:"), the help of ``--help``, the notes after an option's help
(``[default: 8000; required]``), the placeholders named after a type (``INTEGER``,
``TEXT``, ``PATH``) and the ``[OPTIONS]`` and ``COMMAND [ARGS]...`` of a usage line.

click translates those through gettext, in the process-wide default domain; a catalogue
there would reach every other library that uses it. Instead every command of ``koers`` is a
:class:`DutchCommand` or a :class:`DutchGroup`: the root group hands both classes down
(``command_class``/``group_class``), so a command defined with ``@main.command()`` or
``@group.command()`` is Dutch without saying so, and the groups with their own class
(``koers import``, ``koers money``, ``koers board``) derive from :class:`DutchGroup`.
Their context formats help with :class:`DutchFormatter`, which writes the headings and
the usage prefix in Dutch.

Left in English: click's own error messages (``Error: Missing option '--persons'.``), which
are made in many places of click and could only be translated by a gettext catalogue.
tests/test_cli_help.py walks every command and holds the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

HELP = "Toon deze hulp en stop."
VERSION = "Toon de versie en stop."
VERSION_MESSAGE = "%(prog)s, versie %(version)s"

# click's section headings (as click names them) in Dutch
HEADINGS = {
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
}


class DutchFormatter(click.HelpFormatter):
    """Help text with Dutch headings and usage prefix."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Gebruik: " if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(HEADINGS.get(name, name)):
            yield


class DutchContext(click.Context):
    formatter_class = DutchFormatter


def type_metavar(param_type: click.ParamType[Any]) -> str | None:
    """The Dutch placeholder of an option's type, or None where click's is no word
    (a choice shows its values, ``[table|json]``)."""
    if isinstance(param_type, click.DateTime):
        return "JJJJ-MM-DD" if list(param_type.formats) == ["%Y-%m-%d"] else None
    if isinstance(param_type, click.Path):
        if param_type.dir_okay and not param_type.file_okay:
            return "MAP"
        return "BESTAND" if param_type.file_okay and not param_type.dir_okay else "PAD"
    if isinstance(param_type, click.types.IntParamType | click.types.FloatParamType):
        return "GETAL"
    if isinstance(param_type, click.types.StringParamType):
        return "TEKST"
    return None


def option_help(option: click.Option, ctx: click.Context) -> tuple[str, str] | None:
    """An option's line in ``--help``: click's spelling of the option, then its help with
    the notes (default, range, required, environment variable) in Dutch."""
    record = option.get_help_record(ctx)
    if record is None:  # a hidden option
        return None
    extra = option.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(f"omgevingsvariabele: {', '.join(extra['envvars'])}")
    if "default" in extra:
        notes.append(f"standaard: {extra['default']}")
    if "range" in extra:
        notes.append(extra["range"])
    if "required" in extra:
        notes.append("verplicht")
    text = option.help or ""
    if notes:
        text = f"{text}  [{'; '.join(notes)}]" if text else f"[{'; '.join(notes)}]"
    return record[0], text


class DutchCommand(click.Command):
    """A command whose help is Dutch throughout."""

    context_class = DutchContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
                param.metavar = type_metavar(param.type)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP
        return option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            row
            for param in self.get_params(ctx)
            if isinstance(param, click.Option) and (row := option_help(param, ctx)) is not None
        ]
        if rows:
            with formatter.section("Opties"):
                formatter.write_dl(rows)


class DutchGroup(DutchCommand, click.Group):
    """A group whose help, and that of every command defined on it, is Dutch."""

    command_class = DutchCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "OPDRACHT [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)


# a group defined on a Dutch group is Dutch too (not `type`: a subgroup of the root group
# would then be the lazy root group itself)
DutchGroup.group_class = DutchGroup
