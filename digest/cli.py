"""The `digest` command: thin click commands over `digest.pipeline`.

Every error the user can cause is a DigestError, caught once in `main`: one line on stderr and
exit code 2 (bad usage, invalid config) or 1 (anything else). `--debug` shows the traceback.

Heavy imports inside commands: this module is imported by every `digest` invocation, including
`--version`, `--help` and a config error, which must answer in a fraction of a second
(benchmarks/startup.py). So at the top only the standard library, click, `digest.config` and
`digest.errors`; a command imports the pipeline, stages, scheduler, feeds, store and anything
pulling in numpy, scikit-learn, sumy, trafilatura, httpx or SQLAlchemy inside its own body,
after its config is loaded, so that a config error is reported before seconds of imports.
tests/test_startup.py fails when one of those is imported with this module.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import click

from digest.config_lookup import ALGORITHM_NAMES, find_config, user_config_dir
from digest.errors import ConfigError, DeliveryError, DigestError, FileError, UsageError

if TYPE_CHECKING:
    from digest.config import Config

__all__ = ["cli", "main"]

log = logging.getLogger("digest")

F = TypeVar("F", bound=Callable[..., Any])

# Briefing dates `--date` accepts: the stores' look-back windows and the email Date header need
# room on both sides, and a four-digit year keeps every file name and time stamp well formed.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
# How long a build or delivery waits for another build's lock before giving up (exit 75):
# long enough to wait out any normal build, short enough that a hung one is noticed.
DEFAULT_WAIT_SECONDS = 600.0


def common_options(function: F) -> F:
    """--config, --debug and --verbose on every command, as DESIGN.md's contracts say."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Config file [default: $DIGEST_CONFIG, ./config.yaml, ~/.config/digest/config.yaml].",
    )
    @click.option("--debug", is_flag=True, help="Show tracebacks and debug messages.")
    @click.option("-v", "--verbose", is_flag=True, help="Say what each stage did.")
    @functools.wraps(function)
    def wrapper(*args: Any, debug: bool, verbose: bool, **kwargs: Any) -> Any:
        _configure_logging(debug=debug, verbose=verbose)
        click.get_current_context().obj = {"debug": debug}
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class _OneLineFormatter(logging.Formatter):
    """`digest: warning: <message>`; the traceback only at debug level."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"digest: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and logging.getLogger().isEnabledFor(logging.DEBUG):
            line += "\n" + self.formatException(record.exc_info)
        return line


def _configure_logging(*, debug: bool, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)
    for name in ("httpx", "httpcore", "apscheduler", "trafilatura", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.WARNING if not debug else logging.DEBUG)


def _find(config_path: Path | None, *, required: bool) -> Path | None:
    """The config file: --config, $DIGEST_CONFIG, ./config.yaml, the user's config folder."""
    return find_config(
        config_path, env=os.environ, cwd=Path.cwd(), home=Path.home(), required=required
    )


def _load(
    config_path: Path | None,
    *,
    required: bool,
    sending: bool = False,
    out_dir: Path | None = None,
) -> Config:
    """The config, checked as `digest check` does (no network): every problem stops the command
    with exit 2 before any work. No config file where not `required`: the built-in defaults.

    `sending`: the command may email; `out_dir`: a --out folder replacing output.dir.
    """
    # Found first: a config file not found is told before pydantic and YAML are imported.
    path = _find(config_path, required=required)
    if path is None:
        from digest.config import Config

        return Config(base_dir=Path.cwd())
    from digest import check

    config, problems = check.read_checked(path, env=os.environ, sending=sending, out_dir=out_dir)
    if problems or config is None:
        _stop(problems)
    return config


def _load_keys(config_path: Path | None) -> tuple[Path, Config]:
    """The config file and its keys checked, nothing more: for the commands that report on a
    run's state or edit the feeds list (`runs`, `feeds ...`), which must work while a source is
    missing or broken, since showing or fixing that is what they are for."""
    path = _find(config_path, required=True)
    assert path is not None  # required: found, or ConfigError
    from digest.config import load_config

    return path, load_config(path, required=True)


def _stop(problems: list[str]) -> NoReturn:
    """One `digest: error:` line per problem, then exit 2."""
    for problem in problems[:-1]:
        click.echo(f"digest: error: {problem}", err=True)
    raise ConfigError(problems[-1] if problems else "invalid config")


def _open_input(path: str) -> Any:
    """A binary stream: `jsonl.read_records` decodes each line itself to name a bad one."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def quiet_option(function: F) -> F:
    """-q/--quiet: nothing on success, for cron (which mails whatever a job prints)."""
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="Print nothing on success (for cron); warnings and errors still go to stderr.",
    )(function)


def wait_option(function: F) -> F:
    """--wait SECONDS: how long to wait for another build's lock (exit 75 after that)."""
    return click.option(
        "--wait",
        "wait_seconds",
        type=click.FloatRange(min=0),
        default=DEFAULT_WAIT_SECONDS,
        show_default=True,
        metavar="SECONDS",
        help="How long to wait for a build already running; then give up with exit code 75.",
    )(function)


def _build_lock(config: Config, *, wait: float, quiet: bool) -> Any:
    """The store's build lock, saying once (unless quiet) whose build it waits for."""
    from digest import schedule

    def waiting(holder: schedule.LockHolder) -> None:
        if not quiet:
            click.echo(
                f"digest: waiting for {holder.describe()}; giving up after {wait:g} s", err=True
            )

    return schedule.build_lock(config.resolve(config.store.path), wait=wait, on_wait=waiting)


def _run_lease(config: Config, date: dt.date, *, wait: float, quiet: bool) -> Any:
    """The lease on `date`'s run, saying once (unless quiet) whose run it waits for."""
    from digest import schedule
    from digest.store import leases

    def waiting(claim: leases.Claim) -> None:
        if not quiet:
            click.echo(
                f"digest: waiting for the build of {date} that {claim.lease.holder} holds;"
                f" giving up after {wait:g} s",
                err=True,
            )

    return schedule.hold_run(
        config.resolve(config.store.path),
        date,
        seconds=config.schedule.lease_seconds,
        wait=wait,
        on_wait=waiting,
        store=config.store_target(os.environ),
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="digest")
def cli() -> None:
    """digest: an offline-first news digest. Collect, clean, cluster, summarize, render.

    Start with `digest build`; see docs/cli.md for every command.
    """


@cli.command()
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Briefing date [default: today].")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder [default: output.dir from the config].",
)
@click.option("--no-email", is_flag=True, help="Write the files only; send no email.")
@click.option("--resend", is_flag=True, help="Email the briefing even if it was sent before.")
@quiet_option
@wait_option
@common_options
def build(
    config_path: Path | None,
    date_text: str | None,
    out_dir: Path | None,
    no_email: bool,
    resend: bool,
    quiet: bool,
    wait_seconds: float,
) -> None:
    """Build one briefing: writes DIR/<date>.md, .html and .json and prints their paths.

    Example: digest build --date 2022-02-01 --out /tmp/briefings
    """
    from digest.clock import build_clock  # imports stay lazy (start-up time)

    config = _load(config_path, required=True, sending=not no_email, out_dir=out_dir)
    date = _parse_date_option(date_text) if date_text else None
    clock = build_clock(os.environ)
    from digest import pipeline

    # "Today" is the day where the schedule runs, so a 07:00 Berlin build is dated in Berlin.
    date = date or clock().astimezone(ZoneInfo(config.schedule.timezone)).date()
    # The date's lease, as `digest schedule` instances take it (on this or another machine),
    # then the same lock: never two builds on one store at once.
    with (
        _run_lease(config, date, wait=wait_seconds, quiet=quiet) as lease,
        _build_lock(config, wait=wait_seconds, quiet=quiet),
    ):
        result = pipeline.build(
            config,
            date=date,
            now=clock(),  # after the waits: the build starts now
            out_dir=out_dir,
            send_email=not no_email,
            resend=resend,
            clock=clock,
            confirm=lease.confirm,
        )
    for path in result.outputs if not quiet else ():
        click.echo(str(path))
    if result.delivery_error:
        click.echo(f"digest: error: {result.delivery_error}", err=True)
    sys.exit(result.exit_code)


def _parse_date_option(text: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--date: expected a date as YYYY-MM-DD, got {text!r} ({exc})") from exc
    if not FIRST_DATE <= date <= LAST_DATE:
        raise UsageError(f"--date: {text} is outside {FIRST_DATE} to {LAST_DATE}")
    return date


@cli.command()
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="URL_OR_PATH",
    help="A feed to read: http(s) URL, file:// URL or path (repeatable).",
)
@click.option(
    "--files",
    "files",
    multiple=True,
    metavar="PATH_OR_GLOB",
    help="A file, folder or glob to read (repeatable).",
)
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One JSON object per article on stdout.")
@common_options
def collect(
    config_path: Path | None, feeds: tuple[str, ...], files: tuple[str, ...], as_jsonl: bool
) -> None:
    """Show what the sources yield, cleaned: one JSON object a line with --jsonl.

    With --feed/--files it reads only those, not the config's sources, and remembers nothing;
    a --feed that is one of the config's feeds keeps its settings (full_text, name, filters).
    Example: digest collect --feed https://example.com/rss --files seeds --jsonl
    """
    explicit = bool(files or feeds)
    config = _load(config_path, required=not explicit)
    from digest import jsonl, pipeline

    collected = pipeline.collect_sources(
        config, files=files if explicit else None, feeds=feeds if explicit else None
    )
    articles, _ = pipeline.clean_documents(collected.documents, language=config.summary.language)
    if as_jsonl:
        jsonl.write_records(sys.stdout, (jsonl.article_record(a) for a in articles))
        return
    for article in articles:
        when = article.day.isoformat() if article.day else "undated"
        click.echo(
            f"{article.title} · {article.outlet or 'unknown outlet'} · {when} ({article.origin})"
        )


@cli.command(name="cluster")
@click.option(
    "--jsonl",
    "jsonl_path",
    required=True,
    metavar="FILE",
    help="Articles, one JSON object a line ('-' for stdin).",
)
@common_options
def cluster_command(config_path: Path | None, jsonl_path: str) -> None:
    """Group articles into stories: one {"story", "headline", "ids"} a line.

    Example: digest cluster --jsonl articles.jsonl
    """
    config = _load(config_path, required=False)
    from digest import cluster, jsonl, pipeline

    with _open_input(jsonl_path) as stream:
        records = list(jsonl.read_records(stream, name=jsonl_path))
    documents = [jsonl.cluster_input_document(r, name=jsonl_path, line=n) for n, r in records]
    articles = pipeline.clean_for_clustering(documents)
    stories = cluster.cluster_articles(
        articles, similarity=config.cluster.similarity, max_gap_days=config.cluster.max_gap_days
    )
    jsonl.write_records(sys.stdout, (jsonl.story_record(n, s) for n, s in enumerate(stories)))


@cli.command(name="summarize")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--jsonl", "jsonl_path", metavar="FILE", help="Stories, one JSON object a line ('-' for stdin)."
)
@click.option(
    "--algorithm",
    type=click.Choice(ALGORITHM_NAMES),
    default=None,
    help="Summarizer [default: summary.algorithm from the config].",
)
@click.option("--words", type=click.IntRange(min=1), default=None, help="Word budget.")
@click.option("--sentences", type=click.IntRange(min=1), default=None, help="Sentence budget.")
@click.option("--truncate", is_flag=True, help="Cut the last sentence at the word budget.")
@common_options
def summarize_command(
    config_path: Path | None,
    files: tuple[Path, ...],
    jsonl_path: str | None,
    algorithm: str | None,
    words: int | None,
    sentences: int | None,
    truncate: bool,
) -> None:
    """Summarize stories (--jsonl) or plain files taken as one story.

    Example: digest summarize --jsonl stories.jsonl --words 300
    """
    if (jsonl_path is None) == (not files):
        raise UsageError("give either --jsonl FILE or one or more FILEs")
    if words is not None and sentences is not None:
        raise UsageError("--words and --sentences exclude each other")
    config = _load(config_path, required=False)
    from digest import jsonl, pipeline, summarize

    settings = config.summary
    summarize_one = functools.partial(
        summarize.summarize_story,
        algorithm=algorithm or settings.algorithm,
        words=words if words is not None else (None if sentences else settings.words),
        sentences=sentences if sentences is not None else settings.sentences,
        language=settings.language,
        truncate=truncate,
    )
    if jsonl_path is None:
        collected = pipeline.collect_sources(config, files=[str(f) for f in files])
        articles, _ = pipeline.clean_documents(collected.documents, language=settings.language)
        for sentence in summarize_one(articles):
            click.echo(sentence.text)
        return
    with _open_input(jsonl_path) as stream:
        for number, record in jsonl.read_records(stream, name=jsonl_path):
            story = jsonl.story_articles(record, name=jsonl_path, line=number)
            summary = summarize_one(story)
            jsonl.write_records(
                sys.stdout, [{"id": record.get("id"), "summary": [s.text for s in summary]}]
            )


@cli.command(name="schedule")
@quiet_option
@common_options
def schedule_command(config_path: Path | None, quiet: bool) -> None:
    """Run builds on the configured schedule until SIGINT or SIGTERM (a foreground service).

    A run missed while the machine slept is caught up once; see docs/service.md.
    Example: digest schedule --config /etc/digest/config.yaml
    """
    config = _load(config_path, required=True, sending=True)
    # A service's log is its record: one line per run and its start and stop, even without -v;
    # --quiet keeps only warnings and errors (a failed build, a failed email).
    if not quiet:
        logging.getLogger("digest.schedule").setLevel(logging.INFO)
        logging.getLogger("digest.refresh").setLevel(logging.INFO)  # one line per refresh round
    from digest import pipeline, schedule

    def build_run(run: schedule.ScheduledRun) -> int:
        result = pipeline.build(config, date=run.date, now=run.now, confirm=run.confirm)
        if result.delivery_error:
            # Raised, not logged here: the run's one log line then names the server and error.
            raise DeliveryError(result.delivery_error)
        return result.exit_code

    def finish_run(run: schedule.ScheduledRun) -> int:
        # Built by an instance that died sending it: the recorded email, same Message-ID.
        run.confirm()
        pipeline.deliver_pending(config, now=run.now)
        return 0

    sys.exit(
        schedule.run_service(
            config,
            build_run,
            store_path=config.resolve(config.store.path),
            finish=finish_run,
            clock_offset=_test_clock_offset(),
            store=config.store_target(os.environ),
        )
    )


def _test_clock_offset() -> dt.timedelta:
    """DIGEST_TEST_CLOCK_OFFSET (seconds, tests only): make `digest schedule` act as on a machine
    whose clock is that far ahead (negative: behind). See docs/service.md."""
    text = os.environ.get("DIGEST_TEST_CLOCK_OFFSET", "").strip()
    try:
        return dt.timedelta(seconds=float(text or 0))
    except ValueError as exc:
        raise UsageError(f"DIGEST_TEST_CLOCK_OFFSET: expected seconds, got {text!r}") from exc


@cli.command()
@click.option("--pending", is_flag=True, required=True, help="Retry every failed email.")
@quiet_option
@wait_option
@common_options
def deliver(config_path: Path | None, pending: bool, quiet: bool, wait_seconds: float) -> None:
    """Email the briefings whose delivery failed or was interrupted, oldest first.

    Example: digest deliver --pending
    """
    config = _load(config_path, required=True, sending=True)
    from digest import pipeline

    # The build lock: a build running now may be emailing one of these dates itself.
    with _build_lock(config, wait=wait_seconds, quiet=quiet):
        outcomes = pipeline.deliver_pending(config, now=dt.datetime.now(dt.UTC))
    for outcome in outcomes if not quiet else ():
        click.echo(f"{outcome.date.isoformat()}: {outcome.status}")


@cli.command(name="export")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder [default: output.dir from the config].",
)
@quiet_option
@common_options
def export_command(config_path: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """Write every briefing kept in the store, index.html and feed.xml into DIR.

    Prints the files it wrote: only those whose content changed, so a second run prints
    nothing. Example: digest export --out /srv/www/news
    """
    from digest.clock import build_clock  # imports stay lazy (start-up time)

    _, config = _load_keys(config_path)
    clock = build_clock(os.environ)
    from digest import pipeline

    written = pipeline.export_archive(config, out_dir=out_dir, now=clock())
    for path in written if not quiet else ():
        click.echo(str(path))


@cli.command()
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Show the N most recent builds.",
)
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One JSON object per build on stdout.")
@common_options
def runs(config_path: Path | None, limit: int, as_jsonl: bool) -> None:
    """The run ledger, most recent first: each build's date, status, counts, email and files.

    Example: digest runs --limit 5
    """
    from digest import operate  # imports stay lazy (start-up time)

    _, config = _load_keys(config_path)
    views = operate.read_runs(config.store_target(os.environ), limit)
    if as_jsonl:
        from digest import jsonl

        jsonl.write_records(sys.stdout, (operate.run_record(v) for v in views))
        return
    click.echo(operate.runs_table(views, ZoneInfo(config.schedule.timezone)), nl=False)


@cli.group()
def feeds() -> None:
    """Manage the feeds of config.yaml: import and export OPML, status, refresh."""


@feeds.command(name="import")
@click.argument("opml_path", metavar="FILE.opml", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the merged feeds list; change nothing.")
@common_options
def feeds_import(config_path: Path | None, opml_path: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file to sources.feeds in the config file (others kept).

    Example: digest feeds import subscriptions.opml
    """
    path, config = _load_keys(config_path)
    from digest.feeds import opml

    merged = opml.merge_feeds(config.sources.feeds, opml.import_opml(opml_path))
    added = len(merged) - len(config.sources.feeds)
    if dry_run:
        click.echo(opml.feeds_yaml(merged), nl=False)
        return
    opml.write_feeds(path, merged)
    click.echo(f"{path}: {added} feed(s) added, {len(merged)} in all", err=True)


@feeds.command(name="status")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One JSON object per feed on stdout.")
@common_options
def feeds_status(config_path: Path | None, as_jsonl: bool) -> None:
    """The health of each configured feed: last fetch and success, failures, entries.

    Example: digest feeds status
    """
    from digest import operate  # imports stay lazy (start-up time)
    from digest.clock import build_clock

    _, config = _load_keys(config_path)
    statuses = operate.read_feed_status(
        config.store_target(os.environ),
        config.sources.feeds,
        now=build_clock(os.environ)(),
        silent_days=config.collect.silent_days,
    )
    if as_jsonl:
        from digest import jsonl

        jsonl.write_records(sys.stdout, (operate.feed_record(s) for s in statuses))
        return
    click.echo(operate.feeds_table(statuses, ZoneInfo(config.schedule.timezone)), nl=False)


@feeds.command(name="refresh")
@quiet_option
@common_options
def feeds_refresh(config_path: Path | None, quiet: bool) -> None:
    """Fetch the feeds that are due now, once, as `digest schedule` does between builds.

    For running from cron where `digest schedule` is not used: the next build takes what
    was found. Instances sharing a store may run it at once; each feed is fetched by one.
    Example: digest feeds refresh
    """
    from digest.refresh import refresh_once  # imports stay lazy (start-up time)

    config = _load(config_path, required=True)
    done = refresh_once(config, config.store_target(os.environ))
    if not quiet:
        click.echo(
            f"{len(done.feeds)} feed(s) fetched, {len(done.failed)} failed, {done.entries} entries",
            err=True,
        )


@feeds.command(name="export")
@common_options
def feeds_export(config_path: Path | None) -> None:
    """Print the configured feeds as OPML 2.0 on standard output.

    Example: digest feeds export > subscriptions.opml
    """
    # Not checked beyond its keys, like `feeds import`: moving feeds out of a config that
    # still has other problems is part of fixing it.
    _, config = _load_keys(config_path)
    from digest.feeds import opml

    click.echo(opml.export_opml(config.sources.feeds), nl=False)


@cli.command(name="init")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--user", is_flag=True, help="Write into your config folder (~/.config/digest), found anywhere."
)
@click.option("--force", is_flag=True, help="Replace an existing config.yaml.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def init_command(folder: Path | None, user: bool, force: bool, debug: bool) -> None:
    """Write a starter config.yaml and a sources/ folder into FOLDER [default: .].

    An existing config.yaml is kept unless --force is given.
    Example: digest init ~/news && cd ~/news && digest check && digest build
    """
    from digest import init

    _configure_logging(debug=debug, verbose=False)

    if user and folder is not None:
        raise UsageError("give either FOLDER or --user, not both")
    target = user_config_dir(os.environ, Path.home()) if user else (folder or Path())
    result = init.init_folder(target, force=force)
    verb = "replaced" if result.replaced else "wrote"
    made = "".join(f", made {path}{os.sep}" for path in result.created[1:])
    click.echo(f"{verb} {result.config}{made}")
    found = _find(None, required=False)
    # Found by the lookup from here: plain commands; otherwise they need --config.
    option = (
        "" if found is not None and found.resolve() == result.config.resolve()
        else f" --config {result.config}"
    )  # fmt: skip
    click.echo(
        "Next:\n"
        f"  1. edit {result.config}: add feeds under sources.feeds, or put .txt/.md articles"
        f" in {result.config.parent / init.SOURCES_FOLDER}{os.sep}\n"
        f"  2. digest check{option}      validate it (--smtp also tries the mail server)\n"
        f"  3. digest build{option}      write today's briefing\n"
        f"  4. digest schedule{option}   build every day at schedule.cron (docs/service.md)"
    )


@cli.command(name="check")
@click.option("--smtp", is_flag=True, help="Also connect and log in to the SMTP server (no mail).")
@click.option(
    "--store", is_flag=True, help="Also connect to the store and read its version (no change)."
)
@common_options
def check_command(config_path: Path | None, smtp: bool, store: bool) -> None:
    """Check the config and everything a run needs: one line per problem, exit 2 if any.

    Keys, source folders, templates (yours and the built-in ones), language, email settings,
    cron and time zone, output and store folders. Every command runs the same checks at start.
    Example: digest check --smtp --store
    """
    from digest import check

    path = _find(config_path, required=True)
    assert path is not None  # required: found, or ConfigError
    config, problems = check.read_checked(path, env=os.environ, sending=True)
    if config is not None and smtp and not problems:
        problems = [p.line(path) for p in check.check_smtp(config, env=os.environ)]
    standing = ""
    if config is not None and store and not problems:
        standing, found = check.check_store_server(config, env=os.environ)
        problems = [p.line(path) for p in found]
    if problems or config is None:
        _stop(problems)
    click.echo(f"{path}: OK ({check.describe(config, now=dt.datetime.now(dt.UTC))})")
    if standing:
        click.echo(f"store {config.store_target(os.environ)}: {standing}")


def run() -> NoReturn:
    """The `digest` command: `main`, then out without tearing the interpreter down.

    Freeing every module and object left at exit (numpy, scipy, scikit-learn, NLTK and what
    a build holds) takes longer than the last stages of a small build. What exit must still do
    is done: the exit handlers run (the log's, multiprocessing's removal of its temporary
    folders) and the output streams are flushed. A flush that fails exits 120 as Python's
    own exit does, and 1 when the reader went away (a closed pipe), as `main` has it.
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if not isinstance(code, int):  # sys.exit("message") or sys.exit(None), as Python does
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            code = code or 1
        except (OSError, ValueError):
            code = code or 120
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the command, turn errors into one line and an exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="digest", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("digest: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"digest: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except DigestError as exc:
        if debug:
            raise
        click.echo(f"digest: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except OSError as exc:
        # A safety net: the known cases are DigestErrors at their source; any other OS error is
        # still the machine's state for the user to act on (a path, a permission, a full disk),
        # not a bug in digest, so it is one line naming the path where there is one.
        if debug:
            raise
        reason = exc.strerror or str(exc)
        error = FileError(exc.filename, reason) if exc.filename is not None else DigestError(reason)
        click.echo(f"digest: error: {error}", err=True)
        sys.exit(error.exit_code)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"digest: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback)",
            err=True,
        )
        sys.exit(1)
