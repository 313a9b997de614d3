"""Everything a run will need, checked up front: `digest check`, and every command at start.

    read_checked(path, ...)      -> (Config | None, problems)   load, then every check below
    check_config(config, ...)    -> list[Problem]   sources, templates, language, email, cron, dirs
    check_smtp(config, env=)     -> list[Problem]   `--smtp`: connect, TLS, login, QUIT (network)
    check_store_server(config, env=) -> (str, list[Problem])  `--store`: connect, read the version
    describe(config, now=)       -> str             the "OK (3 feeds, ...)" summary

Loading (`digest.config`) checks each key's type and range; these checks ask the libraries and
the file system what loading cannot: does the language have stop words, do the templates
compile, does the cron expression parse, can the folders be written. Each returns problems
rather than raising, so one run lists them all. The heavy libraries (jinja2, apscheduler, sumy)
are imported inside the check that needs them: `digest.config` and this module stay light.
"""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from digest.config import Config, load_config, validation_problems
from digest.errors import ConfigError, DeliveryError, DigestError, UsageError
from digest.model import Briefing
from digest.places import folder_problem, store_problem

if TYPE_CHECKING:
    import ssl

__all__ = [
    "Problem",
    "check_config",
    "check_email",
    "check_folders",
    "check_language",
    "check_schedule",
    "check_smtp",
    "check_sources",
    "check_store",
    "check_store_server",
    "check_templates",
    "describe",
    "read_checked",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix: the config key it is about, or None when `message` names its own file."""

    key: str | None
    message: str

    def line(self, config_file: Path | None) -> str:
        """The one line shown to the user: `config.yaml: email.recipients: ...`."""
        if self.key is None:
            return self.message
        return f"{config_file or 'built-in defaults'}: {self.key}: {self.message}"


def read_checked(
    path: Path,
    *,
    env: Mapping[str, str],
    sending: bool,
    out_dir: Path | None = None,
) -> tuple[Config | None, list[str]]:
    """Load the config at `path` and check it: (the config if it loaded, every problem's line)."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        cause = exc.__cause__
        if isinstance(cause, ValidationError):
            return None, [f"{path}: {problem}" for problem in validation_problems(cause)]
        return None, [str(exc)]
    problems = check_config(config, env=env, sending=sending, out_dir=out_dir)
    return config, [problem.line(path) for problem in problems]


def check_config(
    config: Config,
    *,
    env: Mapping[str, str],
    sending: bool,
    out_dir: Path | None = None,
) -> list[Problem]:
    """Every check that needs no network, in the config file's order of sections.

    `sending`: the command may email (the password's environment variable must then be set);
    `out_dir`: the `--out` folder that replaces `output.dir`.
    """
    return [
        *check_sources(config),
        *check_templates(config),
        *check_language(config),
        *check_email(config, env=env, sending=sending),
        *check_schedule(config),
        *check_folders(config, out_dir=out_dir),
        *check_store(config, env=env, sending=sending),
    ]


def check_sources(config: Config) -> list[Problem]:
    """Every local source names a file or folder that exists (a glob: its fixed folder), and
    every feed is an http(s) URL or a file path. A feed file that is missing is not a problem
    here: like a feed server that is down, it is a failing feed at run time (a warning and a
    line in the footer, `digest feeds status`), as a file another program writes often is."""
    problems = []
    for source in config.sources.files:
        fixed = _fixed_part(source)
        path = config.resolve(fixed)
        if not path.exists():
            shown = "" if str(path) == source else f" ({path})"
            what = f"folder of the glob {source!r}" if fixed != source else "file or folder"
            problems.append(Problem("sources.files", f"{source}: no such {what}{shown}"))
    from digest.feeds.fetch import is_local  # noqa: PLC0415 (httpx: only when checking)

    for number, feed in enumerate(config.sources.feeds):
        key = f"sources.feeds.{number}"
        if feed.url.lower().startswith(("http://", "https://")):
            continue
        if not is_local(feed.url):
            problems.append(Problem(key, f"{feed.url}: expected an http(s) URL or a file path"))
    return problems


def _fixed_part(source: str) -> str:
    """A source up to its first wildcard's folder: `news/**/*.md` -> `news`."""
    if not glob.has_magic(source):
        return source
    parts = Path(source).parts
    fixed = next(n for n, part in enumerate(parts) if glob.has_magic(part))
    return str(Path(*parts[:fixed])) if fixed else "."


def check_templates(config: Config) -> list[Problem]:
    """The templates folder exists, and every template a build uses (yours first) compiles."""
    from digest import render  # noqa: PLC0415 (jinja2: only when checking)

    folder = None
    if config.output.templates is not None:
        folder = config.resolve(config.output.templates)
        if not folder.is_dir():
            state = "is not a folder" if folder.exists() else "no such folder"
            return [Problem("output.templates", f"{config.output.templates}: {state} ({folder})")]
    environment = render.make_environment(folder)
    problems = []
    for name in _template_names(environment):
        try:
            environment.get_template(name)
        except ConfigError as exc:
            problems.append(Problem(None, str(exc)))
    if problems:
        return problems
    # A trial render of an empty briefing catches a misspelt variable outside the story loops
    # now rather than at the first build (those inside show only when there are stories).
    try:
        render.render_briefing(_EMPTY_BRIEFING, environment=environment)
    except ConfigError as exc:
        problems.append(Problem(None, str(exc)))
    return problems


_EMPTY_BRIEFING = Briefing(
    date=dt.date(2000, 1, 1), generated_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), stories=()
)


def _template_names(environment: object) -> list[str]:
    import jinja2  # noqa: PLC0415 (only when checking)

    assert isinstance(environment, jinja2.Environment)
    # Only *.j2: a templates folder may hold other files (a README, images) never compiled.
    return sorted(environment.list_templates(filter_func=lambda name: name.endswith(".j2")))


def check_language(config: Config) -> list[Problem]:
    """`summary.language` has stop words and a stemmer."""
    from digest.text.language import LANGUAGES, stemmer_for, stop_words_for  # noqa: PLC0415

    language = config.summary.language
    try:
        stop_words_for(language)
        stemmer_for(language)
    except UsageError:
        known = ", ".join(LANGUAGES)
        message = f"no stop words or stemmer for {language!r}; try one of {known}"
        return [Problem("summary.language", message)]
    return []


def check_email(config: Config, *, env: Mapping[str, str], sending: bool) -> list[Problem]:
    """With email on: recipients, a sender address, a host, a subject that renders, a password."""
    settings = config.email
    if not settings.enabled:
        return []
    problems = []
    if not settings.recipients:
        problems.append(Problem("email.recipients", "empty, but email.enabled is true"))
    if "@" not in _address(settings.sender):
        problems.append(Problem("email.sender", f"{settings.sender!r} has no email address"))
    if not settings.host.strip():
        problems.append(Problem("email.host", "empty, but email.enabled is true"))
    if settings.username and not settings.password_env:
        problems.append(
            Problem("email.password_env", "empty, but email.username is set (it names the"
                    " environment variable holding the password)")
        )  # fmt: skip
    elif settings.username and sending and not env.get(settings.password_env or ""):
        problems.append(
            Problem(
                "email.password_env", f"environment variable {settings.password_env} is not set"
            )
        )
    from digest import mail  # noqa: PLC0415 (jinja2, css_inline, smtplib: only when checking)

    try:
        mail.render_subject(settings.subject, date=dt.date(2000, 1, 1))
    except ConfigError as exc:
        problems.append(_from_error(str(exc)))
    return problems


def _address(sender: str) -> str:
    import email.utils  # noqa: PLC0415 (only when checking)

    return email.utils.parseaddr(sender)[1]


def check_schedule(config: Config) -> list[Problem]:
    """`schedule.cron` parses, in `schedule.timezone`, as `digest schedule` will read it."""
    from digest.schedule import parse_cron  # noqa: PLC0415 (apscheduler: only when checking)

    try:
        parse_cron(config.schedule.cron, config.schedule.timezone)
    except ConfigError as exc:
        return [_from_error(str(exc))]
    return []


def check_folders(config: Config, *, out_dir: Path | None = None) -> list[Problem]:
    """The output folder and the store's folder exist or can be made, and can be written."""
    problems = []
    # --out is relative to the current folder, as the user typed it; output.dir to the config's.
    output, key = (
        (out_dir.absolute(), "--out")
        if out_dir is not None
        else (config.resolve(config.output.dir), "output.dir")
    )
    if reason := folder_problem(output):
        problems.append(Problem(key, reason))
    if reason := store_problem(config.resolve(config.store.path)):
        problems.append(Problem("store.path", reason))
    return problems


def check_store(config: Config, *, env: Mapping[str, str], sending: bool) -> list[Problem]:
    """With store.url: the environment variable store.password_env names is set (when the
    command builds or sends: the commands that only read a store say so when they open it)."""
    name = config.store.password_env
    if config.store.url is None or name is None or not sending or env.get(name):
        return []
    return [Problem("store.password_env", f"environment variable {name} is not set")]


def check_store_server(config: Config, *, env: Mapping[str, str]) -> tuple[str, list[Problem]]:
    """`--store`: connect to the store and read its schema version; nothing is changed.

    (how it stands, in a few words; the problem, if it cannot be used).
    """
    from digest.store import _database  # noqa: PLC0415 (SQLAlchemy, psycopg: only when checking)

    key = "store.url" if config.store.url is not None else "store.path"
    try:
        return _database.probe(config.store_target(env)), []
    except DigestError as exc:
        return "", [Problem(key, str(exc))]


def check_smtp(
    config: Config, *, env: Mapping[str, str], ssl_context: ssl.SSLContext | None = None
) -> list[Problem]:
    """`--smtp`: the server answers and takes the login; no mail is sent."""
    from digest import mail  # noqa: PLC0415 (smtplib: only when checking)

    try:
        mail.probe_server(config.email, env=env, ssl_context=ssl_context)
    except DeliveryError as exc:
        return [Problem("email", str(exc))]
    return []


def describe(config: Config, *, now: dt.datetime) -> str:
    """What a valid config sets up, for `digest check`'s OK line."""
    from digest.schedule import next_fire_times, parse_cron  # noqa: PLC0415

    parts = [
        _count(len(config.sources.feeds), "feed"),
        _count(len(config.sources.files), "local source"),
        f"language {config.summary.language}",
    ]
    if config.output.templates is not None:
        parts.append(f"templates from {config.output.templates}")
    if config.store.url is not None:
        parts.append(f"store {config.store.url}")
    email = config.email
    parts.append(
        f"email to {_count(len(email.recipients), 'recipient')} via {email.host}:{email.port}"
        if email.enabled
        else "email off"
    )
    upcoming = next_fire_times(parse_cron(config.schedule.cron, config.schedule.timezone), now, 1)
    if upcoming:
        parts.append(f"next scheduled build {upcoming[0]:%Y-%m-%d %H:%M %Z}")
    return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _from_error(text: str) -> Problem:
    """A problem from an error line that starts with its key (`schedule.cron: ...`)."""
    key, _, message = text.partition(": ")
    return Problem(key, message) if message else Problem(None, text)
