"""Configuration: `find_config` and `load_config(path) -> Config`; the only home of defaults.

Relative paths in a config file are taken relative to the folder that holds the file, so a
build started by cron or systemd from any working directory reads the same sources.

Loading checks every key's type and range; what needs a library or the file system (language,
templates, cron, folders, email completeness) is checked by `digest.check`, which every command
runs right after loading. This module stays light: `digest --help` imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from digest.config_lookup import (
    ALGORITHM_NAMES,
    CONFIG_ENV,
    CONFIG_NAME,
    AlgorithmName,
    config_places,
    find_config,
    user_config_dir,
)
from digest.errors import ConfigError
from digest.store import StoreLocation

__all__ = [
    "ALGORITHM_NAMES",
    "CONFIG_ENV",
    "CONFIG_NAME",
    "ClusterConfig",
    "CollectConfig",
    "Config",
    "EmailConfig",
    "FeedSource",
    "OutputConfig",
    "ScheduleConfig",
    "SectionConfig",
    "SourcesConfig",
    "StoreConfig",
    "SummaryConfig",
    "config_places",
    "find_config",
    "load_config",
    "user_config_dir",
    "validation_problems",
]

log = logging.getLogger(__name__)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedSource(_Section):
    url: str
    name: str | None = None
    full_text: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    category: str | None = None


class SourcesConfig(_Section):
    files: tuple[str, ...] = ("seeds",)
    max_file_bytes: int = Field(default=5_000_000, gt=0)  # a larger local file is skipped
    feeds: tuple[FeedSource, ...] = ()

    @field_validator("feeds", mode="before")
    @classmethod
    def _feed_urls_as_strings(cls, value: Any) -> Any:
        # `feeds: [https://...]` is the natural short form; expand it to `{url: ...}`.
        if isinstance(value, list):
            return [{"url": v} if isinstance(v, str) else v for v in value]
        return value


class CollectConfig(_Section):
    connect_timeout: float = Field(default=5.0, gt=0)
    total_timeout: float = Field(default=20.0, gt=0)
    # Full text: the download of one linked page, its body included.
    page_timeout: float = Field(default=5.0, gt=0)
    max_bytes: int = Field(default=10_000_000, gt=0)
    concurrency: int = Field(default=16, ge=1)
    per_host: int = Field(default=2, ge=1)
    retries: int = Field(default=2, ge=0)
    first_window_days: int = Field(default=2, ge=1)
    retry_backoff: float = Field(default=1.0, ge=0)
    max_redirects: int = Field(default=5, ge=0)
    silent_days: int = Field(default=14, ge=1)
    # `digest schedule` fetches each feed this often between builds; 0: only builds fetch.
    refresh_minutes: int = Field(default=30, ge=0)
    refresh_batch: int = Field(default=100, ge=1)  # feeds an instance claims at a time


class SectionConfig(_Section):
    title: str
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


class OutputConfig(_Section):
    dir: Path = Path("briefings")
    templates: Path | None = None
    sections: tuple[SectionConfig, ...] = ()
    # Stories shown with their full summary; the rest are one line each. None: every story.
    featured: int | None = Field(default=10, ge=0)
    base_url: str | None = None  # where `dir` is served: makes feed.xml's links absolute

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(
                "expected an http:// or https:// address, e.g. https://example.org/news/"
            )
        return value


class SummaryConfig(_Section):
    algorithm: AlgorithmName = "digest"
    words: int | None = Field(default=120, ge=10)
    sentences: int | None = Field(default=None, ge=1)
    # Whether stop words and a stemmer exist for it is `digest.check`'s question: asking
    # imports sumy and NLTK, seconds that a config load must not cost.
    language: str = "english"


class ClusterConfig(_Section):
    similarity: float = Field(default=0.04, gt=0, lt=1)
    max_gap_days: int = Field(default=7, ge=0)


# The schemes of a PostgreSQL URL, as libpq and SQLAlchemy write them.
POSTGRESQL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


class StoreConfig(_Section):
    path: Path = Path(".digest/digest.sqlite3")  # SQLite, the default: one file, no server
    url: str | None = None  # PostgreSQL: postgresql://user@host:5432/database, no password
    password_env: str | None = None  # the environment variable holding the url's password

    @field_validator("url")
    @classmethod
    def _postgresql_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in POSTGRESQL_SCHEMES:
            raise ValueError(
                "expected a PostgreSQL URL, postgresql://user@host:5432/database"
                " (a SQLite store is store.path)"
            )
        if parts.password is not None:
            raise ValueError(
                "holds a password: keep it out of the config file, in the environment variable"
                " named by store.password_env"
            )
        try:
            parts.port  # noqa: B018 -- reading it checks it
        except ValueError as exc:
            raise ValueError(f"{exc} (expected postgresql://user@host:5432/database)") from exc
        if not parts.path.strip("/"):
            raise ValueError("names no database: postgresql://user@host:5432/database")
        return value

    @model_validator(mode="after")
    def _one_store(self) -> Self:
        # Checked on the keys the file set: path has a default, and a default is not a choice.
        if self.url is not None and "path" in self.model_fields_set:
            raise PydanticCustomError(
                "store_keys",
                "store.path and store.url are both set: a store is a SQLite file (store.path)"
                " or a PostgreSQL database (store.url); keep one",
            )
        if self.password_env is not None and self.url is None:
            raise PydanticCustomError(
                "store_keys",
                "store.password_env is set but store.url is not: only a PostgreSQL store"
                " logs in with a password",
            )
        return self


class EmailConfig(_Section):
    enabled: bool = False
    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "plain"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    sender: str = "digest@localhost"
    recipients: tuple[str, ...] = ()
    subject: str = "News digest for {{ date }}"
    timeout: float = Field(default=30.0, gt=0)
    skip_empty: bool = True  # no email for a briefing with nothing new


class ScheduleConfig(_Section):
    cron: str = "0 7 * * *"
    timezone: str = "UTC"
    misfire_grace_hours: float = Field(default=6.0, gt=0)
    # Several instances on one store (docs/scaling.md): a run's lease, renewed every third of
    # it, and how often each instance looks for a run that is due and nobody holds.
    lease_seconds: float = Field(default=300.0, ge=1)
    check_seconds: float = Field(default=60.0, gt=0)

    @field_validator("cron")
    @classmethod
    def _five_or_six_fields(cls, value: str) -> str:
        # The full check is apscheduler's (digest.schedule.parse_cron); this catches the
        # common mistake at load time, where the error can name the file.
        if len(value.split()) not in (5, 6):
            raise ValueError("expected 5 fields (minute hour day month weekday) or 6")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value


class Config(_Section):
    sources: SourcesConfig = SourcesConfig()
    collect: CollectConfig = CollectConfig()
    output: OutputConfig = OutputConfig()
    summary: SummaryConfig = SummaryConfig()
    cluster: ClusterConfig = ClusterConfig()
    store: StoreConfig = StoreConfig()
    email: EmailConfig = EmailConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    base_dir: Path = Field(default=Path(), exclude=True)

    def resolve(self, path: Path | str) -> Path:
        """A path from the config, made absolute against the config file's folder."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def store_target(self, env: Mapping[str, str]) -> StoreLocation:
        """Where the store is: `store.path` (resolved), or `store.url` with the password from
        the environment variable `store.password_env` names (a ConfigError when it is unset)."""
        store = self.store
        if store.url is None:
            return StoreLocation(path=self.resolve(store.path))
        password = None
        if store.password_env is not None:
            password = env.get(store.password_env)
            if not password:
                raise ConfigError(
                    f"store.password_env: environment variable {store.password_env} is not set"
                    f" (it holds the password of {store.url})"
                )
        return StoreLocation(url=store.url, password=password)


def load_config(path: Path, *, required: bool = True) -> Config:
    """Read and validate a config file; every problem is a ConfigError naming file and key.

    With `required=False` a missing file means the built-in defaults (for the commands that
    work on explicit input and need no sources).
    """
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: config file not found")
        log.debug("%s not found; using built-in defaults", path)
        return Config(base_dir=Path.cwd())
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ConfigError(f"{path}: not valid YAML{line}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    try:
        return Config.model_validate({**raw, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        problems = validation_problems(exc)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ConfigError(f"{path}: {problems[0]}{more}") from exc


def validation_problems(exc: ValidationError) -> list[str]:
    """Each problem pydantic found, as `key: message`, in the file's order."""
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append(f"{key}: {message}")
    return problems
