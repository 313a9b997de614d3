"""The `digest` command: thin click commands over `digest.pipeline`.

Every error the user can cause is a DigestError, caught once in `main`: one line on stderr and
exit code 2 (bad usage, invalid config) or 1 (anything else). `--debug` shows the traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from digest import cluster, jsonl, pipeline, schedule, summarize
from digest.config import ALGORITHM_NAMES, Config, load_config
from digest.errors import DeliveryError, DigestError, UsageError
from digest.feeds import opml

__all__ = ["cli", "main"]

log = logging.getLogger("digest")

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_CONFIG = Path("config.yaml")


def common_options(function: F) -> F:
    """--config, --debug and --verbose on every command, as DESIGN.md's contracts say."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Config file [default: ./config.yaml].",
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


def _load(config_path: Path | None, *, required: bool) -> Config:
    """An explicitly named config must exist; the default one may be absent where not required."""
    if config_path is not None:
        return load_config(config_path, required=True)
    return load_config(DEFAULT_CONFIG, required=required)


def _open_input(path: str) -> Any:
    if path == "-":
        return sys.stdin
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc


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
@common_options
def build(
    config_path: Path | None,
    date_text: str | None,
    out_dir: Path | None,
    no_email: bool,
    resend: bool,
) -> None:
    """Build one briefing: writes DIR/<date>.md and DIR/<date>.html.

    Example: digest build --date 2022-02-01 --out /tmp/briefings
    """
    config = _load(config_path, required=True)
    now = dt.datetime.now(dt.UTC)
    # "Today" is the day where the schedule runs, so a 07:00 Berlin build is dated in Berlin.
    local_now = now.astimezone(ZoneInfo(config.schedule.timezone))
    date = _parse_date_option(date_text) if date_text else local_now.date()
    # The same lock as `digest schedule`: never two builds on one store at once.
    with schedule.build_lock(config.resolve(config.store.path)):
        result = pipeline.build(
            config, date=date, now=now, out_dir=out_dir, send_email=not no_email, resend=resend
        )
    for path in result.outputs:
        click.echo(str(path))
    if result.delivery_error:
        click.echo(f"digest: error: {result.delivery_error}", err=True)
    sys.exit(result.exit_code)


def _parse_date_option(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--date: expected YYYY-MM-DD, got {text!r}") from exc


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
    with _open_input(jsonl_path) as stream:
        records = list(jsonl.read_records(stream, name=jsonl_path))
    documents = [
        jsonl.cluster_input_document(r, name=jsonl_path, line=n)
        for n, r in enumerate(records, start=1)
    ]
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
        for number, record in enumerate(jsonl.read_records(stream, name=jsonl_path), start=1):
            story = jsonl.story_articles(record, name=jsonl_path, line=number)
            summary = summarize_one(story)
            jsonl.write_records(
                sys.stdout, [{"id": record.get("id"), "summary": [s.text for s in summary]}]
            )


@cli.command(name="schedule")
@common_options
def schedule_command(config_path: Path | None) -> None:
    """Run builds on the configured schedule until SIGINT or SIGTERM (a foreground service).

    A run missed while the machine slept is caught up once; see docs/service.md.
    Example: digest schedule --config /etc/digest/config.yaml
    """
    config = _load(config_path, required=True)
    # A service's log is its record: one line per run and its start and stop, even without -v.
    logging.getLogger("digest.schedule").setLevel(logging.INFO)

    def build_at(moment: dt.datetime) -> int:
        result = pipeline.build(config, date=moment.date(), now=moment.astimezone(dt.UTC))
        if result.delivery_error:
            # Raised, not logged here: the run's one log line then names the server and error.
            raise DeliveryError(result.delivery_error)
        return result.exit_code

    sys.exit(schedule.run_service(config, build_at, store_path=config.resolve(config.store.path)))


@cli.command()
@click.option("--pending", is_flag=True, required=True, help="Retry every failed email.")
@common_options
def deliver(config_path: Path | None, pending: bool) -> None:
    """Email the briefings whose delivery failed or was interrupted, oldest first.

    Example: digest deliver --pending
    """
    config = _load(config_path, required=True)
    # The build lock: a build running now may be emailing one of these dates itself.
    with schedule.build_lock(config.resolve(config.store.path)):
        outcomes = pipeline.deliver_pending(config, now=dt.datetime.now(dt.UTC))
    for outcome in outcomes:
        click.echo(f"{outcome.date.isoformat()}: {outcome.status}")


@cli.group()
def feeds() -> None:
    """Manage the feeds of config.yaml: import and export OPML."""


@feeds.command(name="import")
@click.argument("opml_path", metavar="FILE.opml", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the merged feeds list; change nothing.")
@common_options
def feeds_import(config_path: Path | None, opml_path: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file to sources.feeds in the config file (others kept).

    Example: digest feeds import subscriptions.opml
    """
    path = config_path or DEFAULT_CONFIG
    config = load_config(path, required=True)
    merged = opml.merge_feeds(config.sources.feeds, opml.import_opml(opml_path))
    added = len(merged) - len(config.sources.feeds)
    if dry_run:
        click.echo(opml.feeds_yaml(merged), nl=False)
        return
    opml.write_feeds(path, merged)
    click.echo(f"{path}: {added} feed(s) added, {len(merged)} in all", err=True)


@feeds.command(name="export")
@common_options
def feeds_export(config_path: Path | None) -> None:
    """Print the configured feeds as OPML 2.0 on standard output.

    Example: digest feeds export > subscriptions.opml
    """
    config = _load(config_path, required=True)
    click.echo(opml.export_opml(config.sources.feeds), nl=False)


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
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"digest: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback)",
            err=True,
        )
        sys.exit(1)
