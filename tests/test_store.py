"""Opening a store: its schema and version, upgrades that keep everything, errors a user can act on.

The 28295c3 store is tests/fixtures/store/store-28295c3.sqlite3 (its README says how it was made).
Tests taking `store_target` run on SQLite and on PostgreSQL; those under "PostgreSQL" run on
the server tests/postgres.py starts; the rest are about SQLite files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from digest import pipeline
from digest.config import load_config
from digest.errors import DigestError
from digest.model import RawDocument
from digest.store import StoreLocation, _database, ledger, open_store, seen
from digest.store.feeds import all_feed_states
from digest.store.stories import load_history
from tests.golden import run_digest
from tests.postgres import SECRET_PASSWORD, PostgresServer

FIXTURES = Path(__file__).parent / "fixtures" / "store"
OLD_STORE = FIXTURES / "store-28295c3.sqlite3"
CHECK = re.compile(r"CHECK \((\w+ IN \([^)]*\))\)")
T = dt.datetime(2026, 12, 1, 7, tzinfo=dt.UTC)


def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "digest.sqlite3"
    shutil.copy(OLD_STORE, path)
    return path


def schema(path: Path) -> dict[str, object]:
    """Everything SQLite says about the store's tables, without the version table."""
    db = sqlite3.connect(path)
    try:
        out: dict[str, object] = {}
        for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            " AND name NOT IN ('alembic_version', 'sqlite_sequence') ORDER BY name"
        ):
            indexes = [
                (idx[1], idx[2], [c[2] for c in db.execute(f"PRAGMA index_info('{idx[1]}')")])
                for idx in db.execute(f"PRAGMA index_list('{name}')")
            ]
            out[name] = {
                "columns": db.execute(f"PRAGMA table_info('{name}')").fetchall(),
                "indexes": sorted(indexes),
                "foreign keys": db.execute(f"PRAGMA foreign_key_list('{name}')").fetchall(),
                "checks": sorted(CHECK.findall(" ".join(sql.split()))),
                "without rowid": "WITHOUT ROWID" in sql,
                "autoincrement": "AUTOINCREMENT" in sql,
            }
        return out
    finally:
        db.close()


def version(path: Path) -> str | None:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT version_num FROM alembic_version").fetchone()[0]  # type: ignore[no-any-return]
    except sqlite3.OperationalError:
        return None
    finally:
        db.close()


# --- Schema and versions ---


def test_a_new_store_has_the_schema_28295c3_wrote(tmp_path: Path) -> None:
    with open_store(tmp_path / "new.sqlite3"):
        pass
    expected = schema(OLD_STORE)
    assert set(expected) == {
        "deliveries",
        "feed_state",
        "runs",
        "seen_items",
        "seen_keys",
        "stories",
    }
    made = schema(tmp_path / "new.sqlite3")
    # Revision 0004 adds columns (and an index) to feed_state; the other tables are 28295c3's.
    assert {n: made[n] for n in expected if n != "feed_state"} == {
        n: v for n, v in expected.items() if n != "feed_state"
    }
    old_columns = expected["feed_state"]["columns"]  # type: ignore[index]
    assert made["feed_state"]["columns"][: len(old_columns)] == old_columns  # type: ignore[index]
    # Tables the revisions after 0001 add.
    assert set(made) - set(expected) == {"briefing_outputs", "run_leases", "refreshed_items"}
    assert version(tmp_path / "new.sqlite3") == _database.HEAD


def test_the_modules_tables_are_what_the_migrations_make(store_target: StoreLocation) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from digest.store import _tables  # noqa: F401 -- every module's tables
    from digest.store._schema import METADATA

    with open_store(store_target) as store:
        differences = compare_metadata(MigrationContext.configure(store.connection), METADATA)
    # Primary keys' NULL: seen_items.id says NOT NULL in the module only (SQLite's rowid is
    # never NULL anyway); PostgreSQL makes every primary key NOT NULL, where the tables of
    # 28295c3 (and the modules) do not say so. No store holds a NULL key either way.
    differences = [
        d
        for d in differences
        if not (
            isinstance(d, list)
            and d[0][0] == "modify_nullable"
            and METADATA.tables[d[0][2]].c[d[0][3]].primary_key
        )
    ]
    assert differences == []


def test_head_is_the_newest_migration() -> None:
    from digest.store import _migrate

    assert _migrate.head() == _database.HEAD


def test_an_up_to_date_store_is_opened_without_alembic_or_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with open_store(path):
        pass
    with open_store(path):
        pass
    assert _database.backups(path) == []


# --- Upgrades ---


def test_a_28295c3_store_opens_with_everything_kept(tmp_path: Path) -> None:
    path = old_store(tmp_path)
    with open_store(path) as store:
        runs = [
            *ledger.runs_for(store, dt.date(2026, 11, 30)),
            *ledger.runs_for(store, dt.date(2026, 12, 1)),
        ]
        delivery = ledger.delivery_for(store, dt.date(2026, 12, 1))
        feeds = {f.feed: f for f in all_feed_states(store)}
        kept = {k.headline.split()[0]: k for k in load_history(store, since=dt.date(2026, 1, 1))}
        items = store.connection.execute(sa.select(seen.SEEN_ITEMS)).mappings().all()
        keys = store.connection.execute(
            sa.select(sa.func.count()).select_from(seen.SEEN_KEYS)
        ).scalar()
        ferry = RawDocument(origin="feed.xml", text="", guid="https://news.example.org/ferry-1")
        known = seen.is_known(store, ferry)
        last_build = ledger.last_successful_build(store)

    assert [(r.id, r.date.isoformat(), r.status, r.delivery) for r in runs] == [
        (1, "2026-11-30", "partial", "skipped"),
        (2, "2026-12-01", "partial", "sent"),
    ]
    assert runs[1].finished == dt.datetime(2026, 12, 2, 4, 21, 32, 727882, tzinfo=dt.UTC)
    assert [Path(p).name for p in runs[1].outputs] == ["2026-12-01.md", "2026-12-01.html"]
    assert last_build == runs[1].finished
    assert delivery is not None
    assert (delivery.state, delivery.message_id, delivery.attempts) == (
        "sent",
        "<digest.2026-12-01@fixture.example>",
        1,
    )

    assert set(feeds) == {"feed.xml", "missing-feed.xml"}
    assert feeds["feed.xml"].signature is not None
    assert feeds["feed.xml"].newest_entry == dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)
    assert feeds["missing-feed.xml"].consecutive_failures == 2
    assert "No such file" in (feeds["missing-feed.xml"].last_error or "")

    assert sorted(kept) == ["Ferry", "Magnitude", "Russia"]
    assert kept["Ferry"].briefings == (dt.date(2026, 11, 30),)
    assert kept["Magnitude"].briefings == (dt.date(2026, 12, 1),)
    assert kept["Russia"].signature  # the signature's terms came back

    assert len(items) == 4
    assert {i["url"] for i in items} == {
        f"https://news.example.org/{s}" for s in ("ferry-1", "ferry-2", "quake-1", "quake-2")
    }
    assert all(i["text"] for i in items)
    assert keys == 12
    assert known

    copy = tmp_path / "digest.sqlite3.bak-0001"
    assert _database.backups(path) == [copy]
    assert version(copy) is None  # the file as 28295c3 left it
    assert schema(copy) == schema(OLD_STORE)
    assert version(path) == _database.HEAD


def test_a_build_on_an_upgraded_store_knows_what_it_has_seen(tmp_path: Path) -> None:
    old_store(tmp_path)
    feed = (FIXTURES / "feed.xml").read_text(encoding="utf-8")
    item = (
        "  <item><title>Lighthouse keeper retires after forty years on Flat Holm</title>"
        "<link>https://news.example.org/lighthouse</link>"
        "<pubDate>Wed, 02 Dec 2026 06:00:00 +0000</pubDate><description>The last keeper of the"
        " Flat Holm lighthouse retired on Wednesday after forty years tending the lamp, the"
        " island's trust said, and the light will be run from the mainland.</description></item>\n"
    )
    (tmp_path / "feed.xml").write_text(
        feed.replace("</channel>", item + "</channel>"), encoding="utf-8"
    )
    (tmp_path / "config.yaml").write_text(
        "sources:\n  feeds: [feed.xml]\noutput:\n  dir: out\nstore:\n  path: digest.sqlite3\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "config.yaml")
    now = dt.datetime(2026, 12, 2, 7, tzinfo=dt.UTC)
    result = pipeline.build(config, date=dt.date(2026, 12, 2), now=now, send_email=False)

    titles = {a.title for s in result.briefing.stories for a in s.articles}
    assert titles == {"Lighthouse keeper retires after forty years on Flat Holm"}
    with open_store(tmp_path / "digest.sqlite3") as store:
        items = store.connection.execute(
            sa.select(sa.func.count()).select_from(seen.SEEN_ITEMS)
        ).scalar()
        assert items == 5  # the four of 28295c3 matched, not stored again
        assert [r.date for r in ledger.runs_for(store, dt.date(2026, 12, 2))] == [
            dt.date(2026, 12, 2)
        ]


NEXT_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "9000"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("note", sa.Text))
    op.execute("UPDATE runs SET note = 'migrated'")
"""


def with_next_revision(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A release with a newer revision: the package's migrations plus one adding a column."""
    migrations = folder / "migrations"
    shutil.copytree(_database.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9000_runs_note.py").write_text(
        NEXT_REVISION.format(head=_database.HEAD), encoding="utf-8"
    )
    monkeypatch.setattr(_database, "MIGRATIONS", migrations)
    monkeypatch.setattr(_database, "HEAD", "9000")


def test_an_older_store_is_copied_then_migrated_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_next_revision(monkeypatch, tmp_path)
    (tmp_path / "old").mkdir()
    path = old_store(tmp_path / "old")

    with open_store(path) as store:
        notes = store.connection.execute(sa.text("SELECT id, note FROM runs ORDER BY id")).all()
        runs = ledger.runs_for(store, dt.date(2026, 12, 1))
    assert [tuple(n) for n in notes] == [(1, "migrated"), (2, "migrated")]  # 0001, ..., 9000
    assert [r.delivery for r in runs] == ["sent"]
    assert version(path) == "9000"
    assert _database.backups(path) == [path.with_name("digest.sqlite3.bak-0001")]
    assert version(path.with_name("digest.sqlite3.bak-0001")) is None


def test_a_store_from_a_newer_release_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with open_store(path):
        pass
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    before = schema(path)

    with pytest.raises(DigestError) as caught, open_store(path):
        pass
    message = str(caught.value)
    assert str(path) in message
    assert "9999" in message
    assert "newer" in message
    assert "never migrated down" in message
    assert version(path) == "9999"
    assert schema(path) == before
    assert _database.backups(path) == []


def test_a_backup_never_replaces_an_earlier_one(tmp_path: Path) -> None:
    path = old_store(tmp_path)
    earlier = tmp_path / "digest.sqlite3.bak-0001"
    earlier.write_bytes(b"kept from an earlier upgrade")
    with open_store(path):
        pass
    assert earlier.read_bytes() == b"kept from an earlier upgrade"
    assert _database.backups(path) == [earlier, tmp_path / "digest.sqlite3.bak-0001.2"]
    assert version(tmp_path / "digest.sqlite3.bak-0001.2") is None


# --- Errors a user can act on ---


def test_a_file_that_is_not_a_database_names_the_store_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "digest.sqlite3"
    path.write_bytes(b"these are not the bytes of a database\n" * 200)
    with pytest.raises(DigestError) as caught, open_store(path):
        pass
    message = str(caught.value)
    assert message.startswith(f"store {path} is not a readable digest store")
    assert "file is not a database" in message
    assert f"mv {path} {path}.broken" in message
    assert "\n" not in message


def test_a_corrupt_store_points_to_its_last_backup(tmp_path: Path) -> None:
    path = old_store(tmp_path)
    with open_store(path):
        pass
    path.write_bytes(b"\0" * 4096 + b"garbage" * 100)
    kept = r"the copy kept before its last upgrade is .*bak-0001"
    with pytest.raises(DigestError, match=kept), open_store(path):
        pass


def test_a_store_under_a_file_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder", encoding="utf-8")
    path = tmp_path / "notes.txt" / "digest.sqlite3"
    with pytest.raises(DigestError) as caught, open_store(path):
        pass
    assert str(path) in str(caught.value)
    assert "store.path" in str(caught.value)


def test_a_store_path_that_is_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(DigestError, match=r"is a folder, not a file"), open_store(tmp_path):
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_an_unwritable_store_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with open_store(path):
        pass
    path.chmod(0o444)
    try:
        denied = rf"store {re.escape(str(path))}: {re.escape(str(path))} cannot be read and written"
        with pytest.raises(DigestError, match=denied), open_store(path):
            pass
    finally:
        path.chmod(0o644)


def test_a_corrupt_store_fails_the_build_before_collecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Some words.", encoding="utf-8")
    (tmp_path / "config.yaml").write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\nstore:\n  path: s.sqlite3\n",
        encoding="utf-8",
    )
    (tmp_path / "s.sqlite3").write_bytes(b"not sqlite " * 500)
    config = load_config(tmp_path / "config.yaml")
    collected: list[object] = []
    monkeypatch.setattr(pipeline, "_collect", lambda *args, **kwargs: collected.append(args))
    now = dt.datetime(2026, 12, 2, 7, tzinfo=dt.UTC)
    with pytest.raises(DigestError, match="not a readable digest store"):
        pipeline.build(config, date=dt.date(2026, 12, 2), now=now, send_email=False)
    assert collected == []


@pytest.mark.parametrize(
    ("store_path", "prepare", "code", "expected"),
    [
        ("s.sqlite3", "corrupt", 1, "store {store} is not a readable digest store (file is not"),
        # Caught by the checks at start, as a setting (exit 2), before the store is opened.
        ("notes.txt/s.sqlite3", "file", 2, "store.path: {tmp}/notes.txt is a file, not a folder"),
    ],
)
def test_the_command_line_says_what_is_wrong_with_the_store(
    tmp_path: Path, store_path: str, prepare: str, code: int, expected: str
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Some words about a harbour.", encoding="utf-8")
    (tmp_path / "config.yaml").write_text(
        f"sources:\n  files: [in]\noutput:\n  dir: out\nstore:\n  path: {store_path}\n",
        encoding="utf-8",
    )
    if prepare == "corrupt":
        (tmp_path / store_path).write_bytes(b"not sqlite " * 500)
    else:
        (tmp_path / "notes.txt").write_text("a file", encoding="utf-8")
    done = run_digest("build", "--no-email", cwd=tmp_path)
    assert done.returncode == code
    assert done.stderr.startswith("digest: error: ")
    assert expected.format(store=tmp_path / store_path, tmp=tmp_path) in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not list(tmp_path.glob("out/*"))


# --- PostgreSQL ---


def pg_version(url: str) -> str | None:
    engine = sa.create_engine(_database.server_url(StoreLocation(url=url)))
    try:
        with engine.connect() as db:
            return db.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def pg_execute(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(_database.server_url(StoreLocation(url=url)))
    try:
        with engine.begin() as db:
            result = db.execute(sa.text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_a_postgresql_url_reaches_psycopg_with_the_password_from_the_environment(
    scheme: str,
) -> None:
    secret = "pw"  # noqa: S105 -- what the variable store.password_env names would hold
    location = StoreLocation(
        url=f"{scheme}://digest@:5433/news?host=/run/postgresql", password=secret
    )
    url = _database.server_url(location)
    assert (url.drivername, url.username, url.password) == ("postgresql+psycopg", "digest", "pw")
    assert (url.port, url.database, dict(url.query)) == (5433, "news", {"host": "/run/postgresql"})
    assert "pw" not in f"{location} {location!r}"


def test_a_new_postgresql_store_has_every_table_at_head(postgres_url: str) -> None:
    with open_store(StoreLocation(url=postgres_url)) as store:
        tables = set(sa.inspect(store.connection).get_table_names())
    assert tables == set(schema(OLD_STORE)) | {
        "alembic_version",
        "briefing_outputs",
        "run_leases",
        "refreshed_items",
    }
    assert pg_version(postgres_url) == _database.HEAD
    # Every text column compares by bytes, as SQLite's do (times are ISO 8601 text).
    collations = pg_execute(
        postgres_url,
        "SELECT DISTINCT collation_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'alembic_version'",
    )
    assert collations == [("C",)]


def test_postgresql_sorts_text_as_sqlite_does(store_target: StoreLocation) -> None:
    # Under a language's collation "a-b" and "a_c" and "B" sort otherwise than by bytes.
    words = ["b", "B", "a-b", "a_c", "ab", "Ä", "a b", "10", "9"]
    with open_store(store_target) as store, store.transaction() as db:
        db.execute(
            ledger.DELIVERIES.insert(),
            [
                {"date": w, "state": "sent", "message_id": "m", "subject": "s"}
                | {"text_body": "", "html_body": "", "attempts": 1, "updated": "u"}
                for w in words
            ],
        )
        stored = db.execute(
            sa.select(ledger.DELIVERIES.c.date).order_by(ledger.DELIVERIES.c.date)
        ).scalars()
        assert list(stored) == sorted(words, key=lambda w: w.encode())


def test_a_postgresql_store_opens_through_a_unix_socket(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    with open_store(StoreLocation(url=postgres_server.socket_url(database))) as store:
        ledger.record_build(
            store, date=dt.date(2026, 12, 1), started=T, finished=T, status="ok", outputs=[]
        )
    with open_store(StoreLocation(url=postgres_url)) as store:
        assert [r.date for r in ledger.recent_runs(store, 5)] == [dt.date(2026, 12, 1)]


def test_a_postgresql_store_from_a_newer_release_is_refused_and_left_alone(
    postgres_url: str,
) -> None:
    with open_store(StoreLocation(url=postgres_url)):
        pass
    pg_execute(postgres_url, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DigestError) as caught, open_store(StoreLocation(url=postgres_url)):
        pass
    message = str(caught.value)
    assert message.startswith(f"store {postgres_url} has schema version 9999, newer")
    assert "store.url" in message
    assert "never migrated down" in message
    assert pg_version(postgres_url) == "9999"


def test_an_older_postgresql_store_is_migrated_in_order_without_a_copy(
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with open_store(StoreLocation(url=postgres_url)) as store:
        ledger.record_build(
            store, date=dt.date(2026, 12, 1), started=T, finished=T, status="ok", outputs=[]
        )
    made_at = _database.HEAD
    with_next_revision(monkeypatch, tmp_path)

    with (
        caplog.at_level("WARNING", logger="digest.store"),
        open_store(StoreLocation(url=postgres_url)) as store,
    ):
        notes = store.connection.execute(sa.text("SELECT id, note FROM runs")).all()
    assert [tuple(n) for n in notes] == [(1, "migrated")]
    assert pg_version(postgres_url) == "9000"
    assert f"schema {made_at} -> 9000" in caplog.text
    assert "pg_dump" in caplog.text


def test_instances_opening_a_new_postgresql_store_together_make_it_once(postgres_url: str) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            with open_store(StoreLocation(url=postgres_url)) as store:
                ledger.recent_runs(store, 1)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert pg_execute(postgres_url, "SELECT version_num FROM alembic_version") == [
        (_database.HEAD,)
    ]


def test_a_password_from_the_environment_logs_in(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    database = postgres_server.create_database(owner="secret")
    url = postgres_server.url(database, user="secret")
    (tmp_path / "config.yaml").write_text(
        f"store:\n  url: {url}\n  password_env: DIGEST_DB_PASSWORD\n", encoding="utf-8"
    )
    config = load_config(tmp_path / "config.yaml")
    with open_store(config.store_target({"DIGEST_DB_PASSWORD": SECRET_PASSWORD})) as store:
        assert ledger.recent_runs(store, 1) == []

    with pytest.raises(DigestError) as caught:
        config.store_target({})
    assert str(caught.value) == (
        "store.password_env: environment variable DIGEST_DB_PASSWORD is not set"
        f" (it holds the password of {url})"
    )
    wrong = config.store_target({"DIGEST_DB_PASSWORD": "hunter2"})
    with pytest.raises(DigestError) as caught, open_store(wrong):
        pass
    message = str(caught.value)
    assert message.startswith(f"store {url}: the server refused the login (")
    assert "password authentication failed" in message
    assert "store.password_env" in message
    assert "hunter2" not in message
    assert "\n" not in message


def test_a_server_that_is_not_there_is_one_line_naming_the_url(
    postgres_server: PostgresServer,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://digest@127.0.0.1:{port}/digest"
    with pytest.raises(DigestError) as caught, open_store(StoreLocation(url=url)):
        pass
    message = str(caught.value)
    assert message.startswith(f"store {url}: cannot reach the PostgreSQL server (")
    assert "Connection refused" in message
    assert "start it, or fix the host and port in store.url" in message
    assert "\n" not in message


def test_a_database_that_does_not_exist_says_how_to_make_it(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url("no_such_database", user="digest")
    with pytest.raises(DigestError) as caught, open_store(StoreLocation(url=url)):
        pass
    message = str(caught.value)
    assert message.startswith(f"store {url}: the database does not exist (")
    assert "createdb" in message
    assert "\n" not in message


def test_a_database_the_user_may_not_change_says_to_make_it_the_owner(
    postgres_server: PostgresServer,
) -> None:
    database = postgres_server.create_database(owner="postgres")
    url = postgres_server.url(database, user="digest")
    with pytest.raises(DigestError) as caught, open_store(StoreLocation(url=url)):
        pass
    message = str(caught.value)
    assert message.startswith(f"store {url}: the user in store.url may not make or change")
    assert "permission denied for schema public" in message
    assert "OWNER TO" in message


def test_a_server_restarted_while_the_store_is_open_is_one_line(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    def record_across_a_restart() -> None:
        with open_store(StoreLocation(url=postgres_url)) as store:
            ledger.recent_runs(store, 1)
            postgres_server.restart()
            ledger.record_build(
                store, date=dt.date(2026, 12, 1), started=T, finished=T, status="ok", outputs=[]
            )

    with pytest.raises(DigestError) as caught:
        record_across_a_restart()
    message = str(caught.value)
    assert message.startswith(f"store {postgres_url}: lost the connection to the PostgreSQL")
    assert "run again when the server is back" in message
    assert "\n" not in message
    with open_store(StoreLocation(url=postgres_url)) as store:  # the server is back
        assert ledger.recent_runs(store, 1) == []


@pytest.mark.slow
def test_digest_builds_twice_on_a_postgresql_store_and_lists_both_runs(
    tmp_path: Path, postgres_url: str
) -> None:
    shutil.copytree(Path(__file__).parents[1] / "seeds", tmp_path / "seeds")
    (tmp_path / "config.yaml").write_text(
        f"sources:\n  files: [seeds]\noutput:\n  dir: out\nstore:\n  url: {postgres_url}\n",
        encoding="utf-8",
    )
    first = run_digest("build", "--no-email", "--date", "2026-12-01", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = run_digest("build", "--no-email", "--date", "2026-12-02", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    listed = run_digest("runs", "--jsonl", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr

    runs = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["date"], r["status"]) for r in runs] == [("2026-12-02", "ok"), ("2026-12-01", "ok")]
    latest, earlier = runs
    assert earlier["stories"] > 0
    assert latest["stories"] == 0  # every article was in the first briefing: nothing new
    assert not (tmp_path / ".digest" / "digest.sqlite3").exists()  # no SQLite file beside it
    with open_store(StoreLocation(url=postgres_url)) as store:
        kept = load_history(store, since=dt.date(2026, 12, 1))
    assert len(kept) == earlier["stories"]
    assert {k.briefings for k in kept} == {(dt.date(2026, 12, 1),)}
