"""What the command line needs before a config is read: where the config file is, and the
summary algorithms a config (or `--algorithm`) may name.

Light on purpose (no pydantic, no YAML): `digest --version`, `--help` and a config file not
found answer without loading what validating a config needs (benchmarks/startup.py).
`digest.config` reads and validates the file found here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args

from digest.errors import ConfigError

__all__ = [
    "ALGORITHM_NAMES",
    "CONFIG_ENV",
    "CONFIG_NAME",
    "AlgorithmName",
    "config_places",
    "find_config",
    "user_config_dir",
]

log = logging.getLogger("digest.config")

# Kept in step with the summarizer registry by tests/test_config.py.
AlgorithmName = Literal[
    "digest", "lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic", "reduction"
]
ALGORITHM_NAMES: tuple[str, ...] = get_args(AlgorithmName)


CONFIG_NAME = "config.yaml"
CONFIG_ENV = "DIGEST_CONFIG"


def user_config_dir(env: Mapping[str, str], home: Path) -> Path:
    """`$XDG_CONFIG_HOME/digest`, or `~/.config/digest` when that is unset or relative."""
    # The XDG Base Directory spec says a relative XDG_CONFIG_HOME is invalid and ignored.
    base = env.get("XDG_CONFIG_HOME", "")
    folder = Path(base) if base and Path(base).is_absolute() else home / ".config"
    return folder / "digest"


def config_places(
    explicit: Path | None, *, env: Mapping[str, str], home: Path
) -> tuple[tuple[str, Path], ...]:
    """Where the config file is looked for, in order: (how the place is named, its path).

    `--config`, else `$DIGEST_CONFIG`: a file named either way is the only place. Otherwise
    `./config.yaml`, then the user's config folder. Relative paths are relative to the
    current folder.
    """
    if explicit is not None:
        return (("--config", explicit),)
    if named := env.get(CONFIG_ENV):
        return ((f"${CONFIG_ENV}", Path(named).expanduser()),)
    return (
        ("the current folder", Path(CONFIG_NAME)),
        ("the user's config folder", user_config_dir(env, home) / CONFIG_NAME),
    )


def find_config(
    explicit: Path | None,
    *,
    env: Mapping[str, str],
    cwd: Path,
    home: Path,
    required: bool = True,
) -> Path | None:
    """The config file to load (relative to `cwd` if relative), or None for the defaults.

    A file named by `--config` or `$DIGEST_CONFIG` must exist. Otherwise the first of
    `./config.yaml` and the user's config folder that exists; when neither does, None if not
    `required`, else a ConfigError listing every place looked in, in order.
    """
    places = config_places(explicit, env=env, home=home)
    for _, path in places:
        if (cwd / path).is_file():
            return path
    if len(places) == 1:
        how, path = places[0]
        if (cwd / path).exists():
            raise ConfigError(f"{path}: not a file (named by {how})")
        raise ConfigError(f"{path}: config file not found (named by {how})")
    if not required:
        log.debug("no config file found; using built-in defaults")
        return None
    looked = ", then ".join(f"{cwd / path}" for _, path in places)
    raise ConfigError(
        f"config file not found: looked in {looked} (no --config given, ${CONFIG_ENV} not set);"
        " `digest init` writes a starter config"
    )
