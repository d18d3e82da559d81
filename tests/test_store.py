"""The store on SQLite and on a real PostgreSQL server: plan versions, batches, revisions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from koers.areas import Observation
from koers.cli import main
from koers.errors import NotFoundError
from koers.store import Store, StoreError
from koers.store.schema import metadata
from koers.store.store import HEAD

from .helpers import make_plan

PLAN = make_plan(
    {"id": "e1"}, {"id": "e2", "unit": "count", "polarity": "neutral", "kind": "context"}
)


def test_migrations_create_exactly_the_schema(store):
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
    assert diff == []


def test_loading_the_same_plan_twice_changes_nothing(store):
    first = store.save_plan(PLAN, source="plan/")
    assert first.version == 1
    assert {str(ch) for ch in first.changes} >= {"added indicators e1", "added areas zuid"}
    again = store.save_plan(PLAN)
    assert again.unchanged and again.version == 1
    assert store.plan() == PLAN


def test_a_changed_plan_gets_a_new_version_and_records_what_changed(store):
    store.save_plan(PLAN)
    changed = make_plan({"id": "e1", "name": "Werkloosheid"}, {"id": "e3"})
    result = store.save_plan(changed)
    assert result.version == 2
    assert [str(c) for c in result.changes] == [
        "changed indicators e1 (name)",
        "removed indicators e2",
        "added indicators e3",
    ]
    assert [v for v, _ in store.plan_changes("p")].count(2) == 3
    assert store.plan().indicator("e1").name == "Werkloosheid"


def test_every_version_is_kept_and_read_back_as_the_plan_s_history(store):
    store.save_plan(PLAN, source="plan/", user="anna")
    changed = make_plan({"id": "e1", "name": "Werkloosheid"}, {"id": "e3"})
    store.save_plan(changed, source="plan2/", user="bert")
    versions = store.plan_versions("p")
    assert [(v.version, v.source, v.loaded_by, v.valid_from) for v in versions] == [
        (1, "plan/", "anna", None),
        (2, "plan2/", "bert", None),
    ]
    assert [str(c) for c in versions[1].changes] == [
        "changed indicators e1 (name)",
        "removed indicators e2",
        "added indicators e3",
    ]
    assert store.plan_version("p", 1) == PLAN
    history = store.plan_history("p")
    assert [v.number for v in history.versions] == [1, 2]
    assert history.latest.plan == changed and history.latest.loaded_by == "bert"
    with pytest.raises(NotFoundError, match="planversie 3 staat niet in de database"):
        store.plan_version("p", 3)


def test_removing_an_indicator_with_observations_is_refused_and_nothing_changes(store):
    store.save_plan(PLAN)
    store.import_observations(
        "p", [Observation("e2", "zuid", "2022", 5)], source_name="a.csv", checksum="a", format="csv"
    )
    with pytest.raises(
        StoreError, match=r"verwijdert indicatoren waar cijfers naar verwijzen: 'e2' \(1 cijfers\)"
    ):
        store.save_plan(make_plan({"id": "e1"}))
    assert store.plan() == PLAN
    assert len(store.observations("p")) == 1


def test_a_revision_keeps_the_old_value_in_history(store):
    store.save_plan(PLAN)
    first = store.import_observations(
        "p",
        [Observation("e1", "zuid", "2022", 40.3, status="voorlopig")],
        source_name="a.csv",
        checksum="a",
        format="csv",
        user="bureau",
    )
    second = store.import_observations(
        "p",
        [Observation("e1", "zuid", "2022", 40.1), Observation("e1", "zuid", "2021", 41.0)],
        source_name="b.csv",
        checksum="b",
        format="csv",
    )
    assert (second.added, second.revised) == (1, 1)
    (current,) = [o for o in store.observations("p") if o.period == "2022"]
    assert (current.value, current.revision, current.batch) == (40.1, 2, second.batch)
    history = [o for o in store.observations("p", all_revisions=True) if o.period == "2022"]
    assert [(o.value, o.status, o.batch) for o in history] == [
        (40.3, "voorlopig", first.batch),
        (40.1, "definitief", second.batch),
    ]
    batch = store.batches("p")[0]
    assert (batch.source_name, batch.created_by, batch.rows) == ("a.csv", "bureau", 1)


def test_the_current_figures_by_place_are_the_totals_that_count(store):
    """What ``koers status`` reads: the same totals as ``observations``, a stored total over
    one its partners' contributions would form, and the partners' sum where none is
    stored."""
    store.save_plan(make_plan({"id": "e1"}, {"id": "e2", "unit": "count", "aggregation": "sum"}))
    store.import_observations(
        "p",
        [
            Observation("e1", "zuid", "2022", 40.3),
            Observation("e2", "zuid", "2022", 70, dimension="partner", category="a"),
            Observation("e2", "zuid", "2022", 30, dimension="partner", category="b"),
            Observation("e2", "zuid", "2023", 500),  # stored: it counts, not 60 + 40
            Observation("e2", "zuid", "2023", 60, dimension="partner", category="a"),
            Observation("e2", "zuid", "2023", 40, dimension="partner", category="b"),
        ],
        source_name="a.csv",
        checksum="a",
        format="csv",
    )
    figures = store.current_figures("p")
    expected = {(o.indicator, o.area, o.period): o for o in store.observations("p")}
    assert set(figures) == set(expected) and len(figures) == 3
    assert all(figures[place] == figure for place, figure in expected.items())
    assert figures[("e2", "zuid", "2022")].value == 100  # the partners' sum
    assert [p.category for p in figures[("e2", "zuid", "2022")].parts] == ["a", "b"]
    assert figures[("e2", "zuid", "2023")].value == 500
    assert figures.get(("e1", "zuid", "2031")) is None
    with pytest.raises(KeyError):
        figures[("e1", "zuid", "2031")]


def test_the_same_file_twice_does_nothing(store):
    store.save_plan(PLAN)
    rows = [Observation("e1", "zuid", "2022", 40.3)]
    first = store.import_observations("p", rows, source_name="a.csv", checksum="x", format="csv")
    again = store.import_observations("p", rows, source_name="a.csv", checksum="x", format="csv")
    assert again.duplicate_of == first.batch
    assert len(store.batches("p")) == 1
    same_values = store.import_observations(
        "p", rows, source_name="b.csv", checksum="y", format="csv"
    )
    assert (same_values.added, same_values.revised, same_values.unchanged) == (0, 0, 1)


def test_a_failed_import_leaves_nothing_behind(store):
    store.save_plan(PLAN)
    rows = [Observation("e1", "zuid", "2022", 1.0), Observation("e1", "nowhere", "2022", 2.0)]
    with pytest.raises(IntegrityError):  # the foreign key on areas refuses the second row
        store.import_observations("p", rows, source_name="a.csv", checksum="a", format="csv")
    assert store.observations("p") == []
    assert store.batches("p") == []


def test_programme_resolution(store):
    with pytest.raises(StoreError, match="bevat nog geen plan"):
        store.resolve_programme(None)
    store.save_plan(PLAN)
    assert store.resolve_programme(None) == "p"
    with pytest.raises(StoreError, match="programma 'q' staat niet in de database"):
        store.resolve_programme("q")


def test_sqlite_runs_in_wal_mode(sqlite_url):
    from koers.store import Store

    with Store.open(sqlite_url) as store, store.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_generation_changes_with_every_kind_of_change(store, tmp_path, monkeypatch):
    """Readers cache a programme's snapshot by it: each write must change it (a removed
    narrative may bring back the token of the same earlier content)."""
    from koers import workflow as wf
    from koers.plan import load_plan
    from koers.sources import import_file

    from .conftest import EXAMPLE

    monkeypatch.setenv("KOERS_USER", "test")
    plan = load_plan(EXAMPLE)
    store.save_plan(plan)
    pid = plan.programme.id
    seen = [store.generation(pid)]

    def changed() -> None:
        now = store.generation(pid)
        assert now != seen[-1]
        seen.append(now)

    assert store.generation(pid) == seen[0]  # reading changes nothing
    figures = tmp_path / "f.csv"
    indicator = plan.indicators[0].id
    figures.write_text(f"indicator,area,period,value\n{indicator},zuid,2022,5\n", encoding="utf-8")
    outcome = import_file(store, figures)
    changed()
    store.undo_batch(outcome.batch.batch)  # type: ignore[union-attr]
    changed()
    store.set_narrative(pid, indicator, "zuid", "2022", "Het verhaal")
    changed()
    store.set_narrative(pid, indicator, "zuid", "2022", "")
    changed()
    wf.create_user(store, pid, "beheer", "een lang genoeg wachtwoord", "admin", by=None)
    changed()
    store.save_plan(
        plan.model_copy(update={"programme": plan.programme.model_copy(update={"name": "Anders"})})
    )
    changed()


def test_the_store_knows_the_newest_migration():
    """Store.HEAD lets an up-to-date database open without loading Alembic."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from koers.store.store import HEAD, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_migration_0007_keeps_an_escalation_as_its_position_on_the_ladder(tmp_path):
    """Before 0007 the store kept the text of a rung of a ladder fixed in code; 0007 keeps
    its position (1 = lowest) and drops the text; its downgrade brings the text back."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from koers.store.store import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)

    def migrate(to: str, *, down: bool = False) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, to)

    migrate("0006")
    with engine.begin() as c:
        c.execute(text("INSERT INTO programmes VALUES ('p', 'P', 1, 'x')"))
        for agreement, rung in [("A1", "strategisch overleg"), ("A2", None)]:
            c.execute(
                text(
                    "INSERT INTO agreement_state (programme_id, agreement_id, escalation, "
                    "version, updated_at, updated_by) "
                    "VALUES ('p', :a, :rung, 1, '2024-05-01 10:00:00', 'bureau')"
                ),
                {"a": agreement, "rung": rung},
            )
    migrate("head")
    with Store.open(url) as store:
        assert store.schema_version() == HEAD
        with store.transaction() as tx:
            assert tx.updates.state("p", "A1").escalation == 2
            assert tx.updates.state("p", "A2").escalation is None
    migrate("0006", down=True)
    with engine.connect() as c:
        rows = c.execute(text("SELECT agreement_id, escalation FROM agreement_state ORDER BY 1"))
        assert [tuple(r) for r in rows] == [("A1", "strategisch overleg"), ("A2", None)]
    engine.dispose()


def test_migration_0008_keeps_existing_users_able_to_log_in(tmp_path, fast_hashing):
    """0008 adds an e-mail address, the one-time-password flag and the session epoch to
    users: an existing user has none, need not change the password and is at epoch 0; the
    downgrade drops the columns and keeps the users."""
    from alembic import command
    from alembic.config import Config

    from koers import workflow as wf
    from koers.store.store import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = Store.open(url, migrate=False).engine  # with the store's foreign keys on

    def migrate(to: str, *, down: bool = False) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, to)

    migrate("0007")
    password_hash = wf.PASSWORDS.hash("een lang genoeg wachtwoord")
    with engine.begin() as c:
        c.execute(text("INSERT INTO programmes VALUES ('p', 'P', 1, 'x')"))
        c.execute(
            text(
                "INSERT INTO users (username, programme_id, role, password_hash, active, "
                "version, created_at, updated_at) VALUES ('beheer', 'p', 'admin', :h, 1, 3, "
                "'2024-05-01 10:00:00', '2024-05-01 10:00:00')"
            ),
            {"h": password_hash},
        )
        # a row that refers to the user: a copy of the users table would be refused by it
        c.execute(
            text(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
                "SELECT id, 'koppeling', 'abc', '2024-05-01 10:00:00' FROM users"
            )
        )
    migrate("head")
    with Store.open(url) as store:
        assert store.schema_version() == HEAD
        user = wf.authenticate(store, "beheer", "een lang genoeg wachtwoord")
        assert user is not None
        assert (user.email, user.must_change_password, user.session_epoch) == (None, False, 0)
        assert user.version == 3
    migrate("0007", down=True)
    with engine.connect() as c:
        assert [tuple(r) for r in c.execute(text("SELECT username, version FROM users"))] == [
            ("beheer", 3)
        ]
    engine.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_migration_0009_keeps_every_figure_and_adds_the_breakdown(backend, tmp_path, request):
    """A store at 0008 with figures (two revisions, one of them in an undone batch) upgrades
    to 0009: each figure is the total it was, with its revision and batch; a breakdown of the
    same key is then a figure of its own, and the downgrade keeps the totals."""
    from alembic import command
    from alembic.config import Config

    from koers.store.store import MIGRATIONS

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        from tests.conftest import _reset_postgres

        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = Store.open(url, migrate=False).engine  # with the store's foreign keys on

    def migrate(to: str, *, down: bool = False) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, to)

    migrate("0008")
    with engine.begin() as c:
        c.execute(text("INSERT INTO programmes VALUES ('p', 'P', 1, 'x')"))
        c.execute(
            text(
                "INSERT INTO indicators VALUES ('p', 'e1', 'Eén', 'effect', NULL, 'count', "
                "'neutral', NULL)"
            )
        )
        c.execute(
            text(
                "INSERT INTO areas (programme_id, id, name, kind) VALUES ('p', 'zuid', 'Zuid', 'group')"
            )
        )
        for batch, state in (("b1", "applied"), ("b2", "undone")):
            c.execute(
                text(
                    "INSERT INTO import_batches (id, programme_id, source_name, checksum, format, "
                    "created_at, rows, state) VALUES (:b, 'p', 'a.csv', :b, 'csv', "
                    "'2024-05-01 10:00:00', 1, :s)"
                ),
                {"b": batch, "s": state},
            )
        for revision, value, batch in ((1, 1234.0, "b1"), (2, 500.0, "b2")):
            c.execute(
                text(
                    "INSERT INTO observations (programme_id, indicator_id, area_id, period, "
                    "revision, value, status, batch_id) VALUES ('p', 'e1', 'zuid', '2024', :r, "
                    ":v, 'definitief', :b)"
                ),
                {"r": revision, "v": value, "b": batch},
            )
    migrate("0009")
    with Store.open(url) as store:
        assert store.schema_version() == "0009"
        revisions = store.observations("p", all_revisions=True)
        assert [(o.value, o.revision, o.batch, o.dimension) for o in revisions] == [
            (1234.0, 1, "b1", None),
            (500.0, 2, "b2", None),
        ]
        (current,) = store.observations("p")
        assert (current.value, current.category) == (1234.0, None)
        # the same key with a breakdown is a figure of its own, not a third revision
        store.import_observations(
            "p",
            [Observation("e1", "zuid", "2024", 700, dimension="leeftijd", category="0-17")],
            source_name="b.csv",
            checksum="b",
            format="csv",
        )
        stored = store.observations("p", breakdowns=True)
        assert sorted((o.value, o.revision, o.category) for o in stored) == [
            (700.0, 1, "0-17"),
            (1234.0, 1, None),
        ]
    migrate("0008", down=True)
    with engine.connect() as c:
        rows = c.execute(text("SELECT value, revision FROM observations ORDER BY id"))
        assert [tuple(r) for r in rows] == [(1234.0, 1), (500.0, 2)]
    engine.dispose()


def test_an_empty_database_is_migrated_on_open(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'new.db'}") as store:
        assert store.schema_version() == HEAD
        assert store.programme_ids() == []


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A database with no tables at all, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nieuw.db'}"
    from tests.conftest import _reset_postgres

    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


def test_processes_that_upgrade_at_once_take_turns(empty_url):
    """Four processes open a new database together: each migrates under the lock or finds
    the work done; none crashes on a table another one just made."""
    code = "import sys\nfrom koers.store import Store\nStore.open(sys.argv[1]).close()\n"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, empty_url], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], errors
    with Store.open(empty_url, migrate=False) as store:
        assert store.schema_version() == HEAD


def test_a_database_newer_than_the_code_is_refused_in_one_line(empty_url):
    with Store.open(empty_url) as store, store.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    newer = f"schemaversie 9999, nieuwer dan deze koers kent \\({HEAD}\\)"
    with pytest.raises(StoreError, match=newer):
        Store.open(empty_url)
    if empty_url.startswith("sqlite"):
        refused = CliRunner().invoke(main, ["--db", empty_url, "status"])
        assert refused.exit_code == 1
        assert refused.stderr.strip().splitlines() == [
            f"fout: de database heeft schemaversie 9999, nieuwer dan deze koers kent ({HEAD}); "
            "installeer de koers-versie die de database bijwerkte"
        ]


def test_db_upgrade_is_the_explicit_step(tmp_path):
    url = f"sqlite:///{tmp_path / 'koers.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", url, "db", "version"]).stdout == (
        f"database: leeg; deze koers: {HEAD}\n"
    )
    first = runner.invoke(main, ["--db", url, "db", "upgrade"])
    assert first.exit_code == 0 and f"van schemaversie leeg naar {HEAD}" in first.stdout
    again = runner.invoke(main, ["--db", url, "db", "upgrade"])
    assert again.stdout == f"database al op schemaversie {HEAD}\n"
