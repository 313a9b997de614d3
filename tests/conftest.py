from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.store import StoreLocation
from tests.postgres import postgres_server, postgres_url  # noqa: F401 -- fixtures for every file

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled seeds, for tests that add bad files beside them."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> StoreLocation:
    """Where a store test's store is: a SQLite file, then a fresh PostgreSQL database.

    The store's tests take this fixture to run on both (tests/postgres.py starts the server).
    """
    if request.param == "sqlite":
        return StoreLocation(path=tmp_path / "store.sqlite3")
    return StoreLocation(url=request.getfixturevalue("postgres_url"))


@pytest.fixture(autouse=True)
def _no_user_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commands look for a config in the user's config folder and $DIGEST_CONFIG: point them
    at an empty folder, so a developer's own config never changes what a test sees."""
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Commands run in-process configure the root logger; undo that after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("digest", "digest.schedule")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)
