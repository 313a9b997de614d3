"""A throw-away PostgreSQL server for the tests: `postgres_server` (one per session) and
`postgres_url` (a fresh, empty database per test).

The server is Debian's `postgresql` package's binaries (found with `pg_config --bindir`, in
/usr/lib/postgresql/*/bin, or on PATH), run on a cluster made in a temporary folder: trust
login for every role, fsync off, listening on 127.0.0.1 on a free port and on a Unix socket
in that folder; stopped and removed at the end of the session. As root, the server runs as
the `postgres` user (initdb refuses root).

Without the binaries the tests that use it are skipped, naming the package to install,
unless DIGEST_REQUIRE_POSTGRES=1 (set by .ci/run, which installs the package): then they fail.

Roles: `digest` owns each test's database (what a deployment's role is: not a superuser);
`secret` logs in over TCP with the password `SECRET_PASSWORD` only (for the password tests).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = [
    "SECRET_PASSWORD",
    "PostgresServer",
    "find_bindir",
    "postgres_server",
    "postgres_url",
    "running_server",
]

REQUIRE_ENV = "DIGEST_REQUIRE_POSTGRES"
SECRET_PASSWORD = "correct horse battery staple"  # noqa: S105 -- a test cluster's role
OWNER = "digest"
_NEEDED = ("initdb", "pg_ctl", "postgres")


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, newest version first; None if none."""
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout
            candidates.append(Path(out.strip()))
    # Debian installs server versions side by side; the newest is the one to test against.
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=_version, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in _NEEDED):
            return folder
    return None


def _version(bindir: Path) -> tuple[int, ...]:
    name = bindir.parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder; `start`, `stop`, `restart`, `remove`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        # Not under pytest's temporary folders: those are private to root, and the server may
        # run as `postgres`; a short path also keeps the socket's name under its 107 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="digest-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.log = self.folder / "server.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._numbers = itertools.count(1)
        self._free: list[str] = []  # emptied databases, ready for the next test

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self._as_user, *command], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}\n{log}")

    def initdb(self) -> None:
        """Make the cluster: superuser `postgres`, UTF-8, trust login (but for `secret`)."""
        self._run(
            str(self.bindir / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )
        hba = self.data / "pg_hba.conf"
        # The first matching line wins: `secret` must give its password over TCP.
        hba.write_text(
            "host all secret 127.0.0.1/32 scram-sha-256\n" + hba.read_text(), encoding="utf-8"
        )

    def start(self) -> None:
        """Start the server (again) on the same port and socket folder; wait until it answers."""
        options = (
            f"-F -c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir}"
            " -c full_page_writes=off -c synchronous_commit=off -c shared_buffers=16MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` ends open connections; `immediate` is a crash (recovery on
        the next start)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again: every open connection is cut, the databases stay."""
        self.stop(mode)
        self.start()

    def running(self) -> bool:
        """Whether the server is up (a test may have stopped it and failed before starting it)."""
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        """Stop the server if it runs and delete its folder."""
        if self.running():
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        """A URL for `database` as `user` over TCP (no password: trust)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str, user: str = OWNER) -> str:
        """A URL for `database` through the server's Unix socket folder (the port names the
        socket file in it, `.s.PGSQL.<port>`)."""
        return f"postgresql://{user}@:{self.port}/{database}?host={self.socket_dir}"

    def admin(self, *statements: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run statements as the superuser, each in its own transaction (CREATE DATABASE);
        the rows of the last one that returns any."""
        import psycopg

        rows: list[tuple[object, ...]] = []
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as connection:
            for statement in statements:
                cursor = connection.execute(statement.encode())
                if cursor.description is not None:
                    rows = cursor.fetchall()
        return rows

    def create_database(self, owner: str = OWNER) -> str:
        """A new empty database owned by `owner`; its name."""
        name = f"test_{next(self._numbers)}"
        self.admin(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, cutting any connection a test left open."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def fresh_database(self) -> str:
        """An empty database owned by `digest`: one emptied by `recycle`, else a new one."""
        return self._free.pop() if self._free else self.create_database()

    def recycle(self, name: str) -> None:
        """Empty `name` for another test: its connections cut, every schema dropped and
        `public` made again. A tenth of the time CREATE DATABASE takes (which copies a
        template of several megabytes), and the next test cannot tell the difference."""
        cut = f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"  # a name made here
        self.admin(f"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity {cut}")  # noqa: S608
        schemas = self.admin(
            "SELECT nspname FROM pg_namespace"
            " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
            database=name,
        )
        self.admin(
            *(f'DROP SCHEMA "{schema}" CASCADE' for (schema,) in schemas),
            f'CREATE SCHEMA public AUTHORIZATION "{OWNER}"',
            database=name,
        )
        self._free.append(name)


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """A started throw-away server with the roles `digest` and `secret`, removed afterwards;
    skips (or fails, with DIGEST_REQUIRE_POSTGRES=1) when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        reason = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's"
            " postgresql package (apt-get install postgresql) to run the PostgreSQL tests"
        )
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer(bindir)
    try:
        server.initdb()
        server.start()
        server.admin(
            f'CREATE ROLE "{OWNER}" LOGIN',
            f"CREATE ROLE secret LOGIN PASSWORD '{SECRET_PASSWORD}'",
        )
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (started on first use)."""
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database for this test, owned by the role `digest`: its URL (TCP)."""
    if not postgres_server.running():
        postgres_server.start()
    name = postgres_server.fresh_database()
    yield postgres_server.url(name, user=OWNER)
    if postgres_server.running():
        postgres_server.recycle(name)
