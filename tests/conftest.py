from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled seeds, for tests that add bad files beside them."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
