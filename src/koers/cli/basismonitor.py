"""``koers basismonitor``: a synthetic panel, and a run that computes, gates and stores.

``synth`` writes a seeded synthetic person-year panel (:mod:`koers.basismonitor.synth`);
``run`` computes the Basismonitor's indicators on a panel with DuckDB or Spark, passes every
aggregate through the disclosure gate and stores what passes as one import batch
(:mod:`koers.basismonitor.publish`), so ``koers import history`` and ``koers import undo``
work on it as on any import.

How the engine may use the machine comes from options that every command with an engine
step shares (:func:`engine_options`): ``--threads``, ``--memory-limit`` and ``--temp-dir``
(DuckDB's limit, past which it spills to the temp directory; on Spark the driver's heap and
``spark.local.dir``), and for Spark ``--spark-master``, ``--spark-driver-memory``,
``--spark-executor-memory`` and ``--spark-conf KEY=VALUE`` (repeatable).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from koers import nl
from koers.basismonitor.engines import ENGINES, EngineOptions, memory_bytes
from koers.cli import _store, main, reports_errors

F = TypeVar("F", bound=Callable[..., Any])


class MemorySize(click.ParamType[str]):
    """A memory size such as ``8GB`` (:func:`~koers.basismonitor.engines.memory_bytes`),
    kept as written."""

    name = "grootte"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            memory_bytes(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
        return str(value)


class SparkSetting(click.ParamType[tuple[str, str]]):
    """One ``KEY=VALUE`` of Spark's configuration."""

    name = "sleutel=waarde"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        key, equals, setting = str(value).partition("=")
        if not equals or not key.strip().startswith("spark.") or not setting.strip():
            self.fail(
                f"'{value}' is geen Spark-instelling: schrijf SLEUTEL=WAARDE, met een sleutel "
                "die met spark. begint (zoals spark.executor.cores=2)",
                param,
                ctx,
            )
        return key.strip(), setting.strip()


memory_limit_option = click.option(
    "--memory-limit",
    type=MemorySize(),
    metavar="GROOTTE",
    help="Hoeveel geheugen de berekening mag gebruiken, zoals 8GB; DuckDB krijgt daarvan 85% "
    "en schrijft daarboven tussenresultaten naar --temp-dir (op Spark: het geheugen van de "
    "driver).",
)
temp_dir_option = click.option(
    "--temp-dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="MAP",
    help="De map voor tussenresultaten die niet in het geheugen passen (standaard: die van "
    "de rekenmachine).",
)
SPARK_OPTIONS = ("spark_master", "spark_driver_memory", "spark_executor_memory", "spark_conf")


def engine_options(command: F) -> F:
    """The options of a command with an engine step: threads, memory, temp directory and
    Spark's settings; the command receives them as keyword arguments
    (:func:`options_of` makes them one :class:`~koers.basismonitor.engines.EngineOptions`)."""
    decorators = [
        click.option(
            "--threads",
            type=click.IntRange(1),
            help="Aantal threads van de rekenmachine (standaard: wat die zelf kiest).",
        ),
        memory_limit_option,
        temp_dir_option,
        click.option(
            "--spark-master",
            metavar="URL",
            help="Spark: het cluster, zoals spark://host:7077 of yarn (standaard: "
            "KOERS_SPARK_MASTER, anders Spark op deze computer).",
        ),
        click.option(
            "--spark-driver-memory",
            type=MemorySize(),
            metavar="GROOTTE",
            help="Spark: het geheugen van de driver (standaard: --memory-limit, anders 1 GB).",
        ),
        click.option(
            "--spark-executor-memory",
            type=MemorySize(),
            metavar="GROOTTE",
            help="Spark: het geheugen van elke executor op het cluster.",
        ),
        click.option(
            "--spark-conf",
            type=SparkSetting(),
            multiple=True,
            metavar="SLEUTEL=WAARDE",
            help="Spark: nog een instelling, zoals spark.executor.cores=2 (herhaalbaar).",
        ),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def options_of(engine: str, settings: dict[str, Any]) -> EngineOptions:
    """The engine options a command received (:func:`engine_options`); Spark's settings
    are refused for DuckDB, so nobody believes they took effect."""
    given = [name for name in SPARK_OPTIONS if settings.get(name)]
    if engine != "spark" and given:
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        raise click.UsageError(f"{flags} geldt alleen voor --engine spark")
    return EngineOptions(
        threads=settings.get("threads"),
        memory_limit=settings.get("memory_limit"),
        temp_dir=settings.get("temp_dir"),
        spark_master=settings.get("spark_master"),
        spark_driver_memory=settings.get("spark_driver_memory"),
        spark_executor_memory=settings.get("spark_executor_memory"),
        spark_conf=tuple(settings.get("spark_conf") or ()),
    )


@main.group()
def basismonitor() -> None:
    """Basismonitor: loopbanen in school, werk en inkomen uit een gepseudonimiseerd panel
    (een rij per persoon per jaar)."""


@basismonitor.command()
@click.option(
    "--persons", type=click.IntRange(1), required=True, help="Aantal personen in het panel."
)
@click.option(
    "--years", type=click.IntRange(1, 40), default=12, show_default=True, help="Aantal jaren."
)
@click.option(
    "--first-year",
    type=click.IntRange(1990, 2100),
    default=2011,
    show_default=True,
    metavar="JAAR",
    help="Het eerste jaar van het panel.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Startwaarde van het toeval: dezelfde waarde geeft hetzelfde panel.",
)
@click.option(
    "--scope",
    type=click.Choice(["nl", "g4"]),
    default="nl",
    show_default=True,
    help="nl: heel Nederland; g4: alleen de vier grote steden (een klein panel met veel "
    "personen in het programmagebied).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    metavar="MAP",
    help="De map voor het panel.",
)
@click.option(
    "--layout",
    type=click.Choice(["panel", "cbs"]),
    default="panel",
    show_default=True,
    help="panel: het panel dat 'run' leest; cbs: dezelfde personen als de SSB-tabellen die "
    "het CBS levert (voor 'ingest').",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["parquet", "csv", "sav"]),
    default="parquet",
    show_default=True,
    help="Bestandsformaat van de tabellen bij --layout cbs (sav: SPSS, voor kleine panels).",
)
@reports_errors
def synth(
    persons: int,
    years: int,
    first_year: int,
    seed: int,
    scope: str,
    out: Path,
    layout: str,
    file_format: str,
) -> None:
    """Schrijf een synthetisch panel dat de cijfers van Tabel 1 nabootst (Parquet, een
    bestand per jaar); met dezelfde --seed steeds hetzelfde panel. Met --layout cbs dezelfde
    personen als SSB-tabellen."""
    from koers.basismonitor.synth import generate
    from koers.basismonitor.synth_cbs import generate_cbs

    if layout == "panel" and file_format != "parquet":
        raise click.UsageError("--format geldt alleen bij --layout cbs (een panel is Parquet)")
    with _bar() as bar:
        task = bar.add_task("panel schrijven", total=None)
        try:
            arguments = {
                "persons": persons,
                "years": years,
                "first_year": first_year,
                "seed": seed,
                "scope": scope,
                "progress": lambda done: bar.update(task, completed=done),
            }
            if layout == "cbs":
                summary = generate_cbs(out, file_format=file_format, **arguments)  # type: ignore[arg-type]
            else:
                summary = generate(out, **arguments)  # type: ignore[arg-type]
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"{nl.number(summary.persons)} personen, {nl.number(summary.person_years)} "
        f"persoonsjaren in {out} ({nl.number(summary.seconds, 1)} s)"
    )


@basismonitor.command("ingest")
@click.argument("source", type=click.Path(path_type=Path, file_okay=False), metavar="MAP")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    metavar="PANEL",
    help="De map voor het panel (nieuw of leeg).",
)
@click.option(
    "--years",
    metavar="JAAR-JAAR",
    help="De panel-jaren (standaard: elk jaar waarvoor alle verplichte jaartabellen er zijn).",
)
@click.option(
    "--indeling",
    type=click.IntRange(1990, 2100),
    metavar="JAAR",
    help="De wijk- en buurtindeling van VSLGWBTAB voor alle jaren (standaard: de laatste).",
)
@click.option(
    "--buurten",
    "buurt_gemeenten",
    multiple=True,
    metavar="GMCODE",
    help="Houd buurtcodes alleen in deze gemeenten (herhaalbaar; standaard: overal).",
)
@click.option(
    "--memory-limit",
    metavar="GROOTTE",
    help="Geheugengrens van DuckDB, bijvoorbeeld 4GB (standaard: wat DuckDB zelf kiest).",
)
@click.option(
    "--temp-dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="MAP",
    help="Map voor tijdelijke bestanden (DuckDB en omgezette .sav-bestanden).",
)
@click.option(
    "--threads",
    type=click.IntRange(1),
    help="Aantal threads van DuckDB (standaard: wat DuckDB zelf kiest).",
)
@reports_errors
def ingest_command(
    source: Path,
    out: Path,
    years: str | None,
    indeling: int | None,
    buurt_gemeenten: tuple[str, ...],
    memory_limit: str | None,
    temp_dir: Path | None,
    threads: int | None,
) -> None:
    """Bouw het panel uit de SSB-tabellen zoals het CBS ze levert (.sav, .csv of .parquet):
    eerst gecontroleerd, dan jaar voor jaar geschreven."""
    from koers.basismonitor.ssb import ingest

    with _bar() as bar:
        task = bar.add_task("starten", total=None)
        summary = ingest(
            source,
            out,
            years=_year_range(years),
            vintage=indeling,
            buurt_gemeenten=buurt_gemeenten,
            memory_limit=memory_limit,
            temp_dir=temp_dir,
            threads=threads,
            progress=lambda message: bar.update(task, description=message),
        )
    first, last = summary.years[0], summary.years[-1]
    click.echo(
        f"{nl.number(summary.person_years)} persoonsjaren, {first}-{last}, buurten in de "
        f"indeling van {summary.vintage}, in {out} ({nl.number(summary.seconds, 1)} s)"
    )
    for note in summary.notes:
        click.echo(f"let op: {note}")


def _year_range(text: str | None) -> list[int] | None:
    if text is None:
        return None
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise click.BadParameter(f"'{text}' is geen JAAR-JAAR", param_hint="--years") from None
    if end < start:
        raise click.BadParameter(f"{end} ligt vóór {start}", param_hint="--years")
    return list(range(start, end + 1))


@basismonitor.command("run")
@click.argument("panel", type=click.Path(path_type=Path, file_okay=False), metavar="PANEL")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="duckdb",
    show_default=True,
    help="De rekenmachine: DuckDB op deze computer, of Spark.",
)
@engine_options
@click.option(
    "--min-count",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="Controle: het minimum aantal personen in een cel.",
)
@click.option(
    "--round-to",
    type=click.IntRange(1),
    help="Controle: rond gepubliceerde aantallen af op een veelvoud hiervan.",
)
@click.option(
    "--mapping",
    metavar="KOPPELING",
    help="De Basismonitor-koppeling van het plan (als het er meer dan één heeft).",
)
@click.option(
    "--programme",
    metavar="ID",
    help="Programma-id; alleen nodig als de database meer dan één programma bevat.",
)
@click.option(
    "--min-count-income",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="Controle: het minimum aantal personen in een cel over inkomen of uitkeringen (CBS: 100).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Schrijf het vrijgavebestand: alleen de publiceerbare waarden (koers import leest het).",
)
@click.option(
    "--annex",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Schrijf de controlebijlage: aantallen per cel en de toegepaste regels, alleen voor de "
    "outputcontroleurs van het CBS.",
)
@click.option(
    "--synthetisch-toestaan",
    "allow_synthetic",
    is_flag=True,
    help="Sla de cijfers van een synthetisch panel op in een database met echte cijfers "
    "(gemarkeerd als synthetisch, nooit over een echt cijfer).",
)
@click.pass_context
@reports_errors
def run_command(
    ctx: click.Context,
    /,
    panel: Path,
    engine: str,
    min_count: int,
    min_count_income: int,
    round_to: int | None,
    mapping: str | None,
    programme: str | None,
    out: Path | None,
    annex: Path | None,
    allow_synthetic: bool,
    **settings: Any,
) -> None:
    """Bereken de indicatoren op een panel, controleer elk aggregaat op onthulling en sla op
    wat de controle doorlaat (als één batch)."""
    from koers.basismonitor.policy import RuleBook
    from koers.basismonitor.publish import run

    options = options_of(engine, settings)
    rules = RuleBook.of(min_count, min_count_income, round_to)
    with _store(ctx) as store, _bar() as bar:
        task = bar.add_task("starten", total=3)

        def step(message: str) -> None:
            bar.update(task, description=message, advance=1)

        outcome = run(
            store,
            panel,
            programme=programme,
            engine=engine,  # type: ignore[arg-type]
            rules=rules,
            mapping=mapping,
            out=out,
            annex=annex,
            allow_synthetic=allow_synthetic,
            options=options,
            progress=step,
        )
        bar.update(task, completed=3, description="klaar")
    counted = outcome.counted()
    click.echo(
        f"{nl.number(len(outcome.verdicts))} aggregaten: {nl.number(counted['gepubliceerd'])} "
        f"gepubliceerd, {nl.number(counted['afgerond'])} afgerond, "
        f"{nl.number(counted['onderdrukt'])} onderdrukt; geen onderdrukte cel is terug te "
        "rekenen uit de gepubliceerde"
    )
    if outcome.provenance.get("synthetisch") == "ja":
        click.echo("synthetisch panel: de cijfers zijn opgeslagen met status 'synthetisch'")
    if outcome.skipped_real:
        click.echo(
            f"{nl.number(outcome.skipped_real)} synthetische cijfers niet opgeslagen: daar staat "
            "een echt cijfer"
        )
    batch = outcome.batch
    if batch is not None and batch.duplicate_of:
        click.echo(f"dit panel is al opgeslagen als batch {batch.duplicate_of}; niets gewijzigd")
    elif batch is not None:
        click.echo(
            f"batch {batch.batch}: {nl.number(batch.added)} nieuw, {nl.number(batch.revised)} "
            f"herzien, {nl.number(batch.unchanged)} ongewijzigd"
        )
    if outcome.unmapped:
        click.echo(
            f"niet gekoppeld in het plan (alleen in de bestanden): {', '.join(outcome.unmapped)}"
        )
    if out is not None:
        click.echo(f"vrijgavebestand (alleen publiceerbare waarden): {out}")
    if annex is not None:
        click.echo(f"controlebijlage (alleen voor de outputcontroleurs): {annex}")


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}"),
        TimeElapsedColumn(),
        transient=True,
    )
