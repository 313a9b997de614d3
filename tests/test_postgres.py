"""The PostgreSQL fixture itself (tests/postgres.py): skipped without the server's binaries,
unless DIGEST_REQUIRE_POSTGRES=1 makes that a failure; a restart keeps the databases."""

from __future__ import annotations

import pytest

from tests import postgres
from tests.postgres import REQUIRE_ENV, PostgresServer, running_server


def test_without_postgresql_its_tests_skip_naming_the_package_unless_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postgres, "find_bindir", lambda: None)
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install postgresql"):
        running_server().__enter__()
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=rf"{REQUIRE_ENV}=1"):
        running_server().__enter__()


def test_a_restart_keeps_the_databases_and_the_port(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    postgres_server.admin(
        "CREATE TABLE kept (n integer)", "INSERT INTO kept VALUES (1)", database=database
    )
    port = postgres_server.port
    postgres_server.restart()
    assert postgres_server.port == port
    assert postgres_server.admin("SELECT n FROM kept", database=database) == [(1,)]
