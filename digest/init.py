"""`digest init`: a starter config.yaml and a sources/ folder, ready for a first build.

The starter lives in one place, `digest/starter/config.yaml`, shipped inside the package so
an installed `digest` (pipx, a wheel) has it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from digest.config import CONFIG_NAME, load_config
from digest.errors import UsageError

__all__ = ["SOURCES_FOLDER", "InitResult", "init_folder", "starter_config"]

SOURCES_FOLDER = "sources"  # what the starter's `sources.files` names


@dataclass(frozen=True, slots=True)
class InitResult:
    config: Path
    created: tuple[Path, ...]  # everything written or made, the config first
    replaced: bool  # an existing config.yaml was overwritten (--force)


def starter_config() -> str:
    """The text of the starter config.yaml."""
    return resources.files("digest").joinpath("starter", CONFIG_NAME).read_text(encoding="utf-8")


def init_folder(folder: Path, *, force: bool = False) -> InitResult:
    """Write `folder/config.yaml` and make `folder/sources/`; an existing config is kept unless
    `force`. Raises UsageError when the folder cannot hold them."""
    config = folder / CONFIG_NAME
    if config.is_dir():
        raise UsageError(f"{config}: is a folder")
    replaced = config.exists()
    if replaced and not force:
        raise UsageError(f"{config}: already exists; not overwritten (--force replaces it)")
    sources = folder / SOURCES_FOLDER
    made_sources = not sources.is_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A symlinked config.yaml is written through, as an editor would, keeping the link.
        config.write_text(starter_config(), encoding="utf-8")
        sources.mkdir(exist_ok=True)
    except OSError as exc:
        where = exc.filename or folder
        raise UsageError(f"{where}: cannot write: {exc.strerror or exc}") from exc
    load_config(config)  # the starter must load; a broken package fails here, not at build
    created = (config, sources) if made_sources else (config,)
    return InitResult(config=config, created=created, replaced=replaced)
