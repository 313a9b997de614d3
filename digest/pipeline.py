"""`build`: the one place where the stages meet.

collect -> clean -> dedupe -> cluster -> summarize -> compose -> render -> deliver

`build` runs them in that order, one line each; the helpers below are the stages' glue.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from digest import (
    clean,
    cluster,
    compose,
    dedupe,
    deliver,
    export,
    identity,
    mail,
    render,
    summarize,
)
from digest.collect import CollectResult, collect_files
from digest.config import Config, FeedSource
from digest.conflicts import find_conflicts, mark_disputed
from digest.errors import DeliveryError
from digest.feeds import (
    FeedsResult,
    collect_feeds,
    feed_health,
    fetch_for_build,
    remember_and_select_new,
)
from digest.feeds.sources import as_configured
from digest.model import (
    Article,
    Briefing,
    Conflict,
    RawDocument,
    SourceReport,
    Story,
    SummarySentence,
)
from digest.parallel import map_meanwhile, map_on_cores
from digest.progress import progress
from digest.store import Store, ledger, open_store
from digest.store import outputs as outputs_store
from digest.store import stories as stories_store

__all__ = [
    "BuildResult",
    "build",
    "clean_documents",
    "clean_for_clustering",
    "cluster_stories",
    "collect_sources",
    "compose_briefing",
    "deliver_pending",
    "export_archive",
    "summarize_stories",
]

log = logging.getLogger(__name__)

# Below these many items starting a process pool costs more than it saves.
_PARALLEL_CLEAN_MIN = 400
_PARALLEL_SUMMARY_MIN = 100


@dataclass(frozen=True, slots=True)
class BuildResult:
    briefing: Briefing
    outputs: tuple[Path, ...]
    problems: tuple[str, ...]  # one line each: sources that failed; the build went on
    delivery_error: str | None = None  # the one line naming the SMTP server and the error

    @property
    def exit_code(self) -> int:
        """0 when the briefing was written (and emailed, if configured); 1 if email failed."""
        return 1 if self.delivery_error else 0


def collect_sources(
    config: Config,
    *,
    files: Sequence[str] | None = None,
    feeds: Sequence[str] | None = None,
    store: Store | None = None,
    now: dt.datetime | None = None,
) -> CollectResult:
    """Raw documents from the configured sources, or from `files`/`feeds` when either is given.

    A feed named in `feeds` that is one of the config's keeps its settings (full_text, name, …).
    """
    explicit = files is not None or feeds is not None
    file_sources = list(files or ()) if explicit else list(config.sources.files)
    feed_sources = (
        list(as_configured(feeds or (), config.sources.feeds))
        if explicit
        else list(config.sources.feeds)
    )
    collected = collect_files(
        file_sources, base_dir=config.base_dir, max_bytes=config.sources.max_file_bytes
    )
    if not feed_sources:
        return collected
    fetched = _fetch_feeds(config, feed_sources, store=store, now=now or dt.datetime.now(dt.UTC))
    for report in fetched.reports:
        if not report.ok:
            log.warning("%s", report.message)
    return CollectResult(
        (*collected.documents, *fetched.documents), (*collected.reports, *fetched.reports)
    )


def clean_documents(
    documents: Sequence[RawDocument], *, language: str = "english"
) -> tuple[tuple[Article, ...], tuple[SourceReport, ...]]:
    """Clean each document; one that holds no article (a notice, a near-empty page) is reported,
    not kept. Paragraphs that unrelated documents share verbatim are boilerplate, dropped first."""
    articles: list[Article] = []
    reports: list[SourceReport] = []
    with progress(len(documents), "Cleaning") as advance:
        cleaned = _clean_all(documents, advance, language)
    boilerplate = clean.shared_boilerplate(
        [one.article for one in cleaned], [one.keys for one in cleaned], language=language
    )
    for document, one in zip(documents, cleaned, strict=True):
        article, prose = one.article, one.prose
        if not boilerplate.isdisjoint(one.keys):
            kept = [i for i, key in enumerate(one.keys) if key not in boilerplate]
            article = replace(article, paragraphs=tuple(article.paragraphs[i] for i in kept))
            if prose is not None:
                known = [prose[i] for i in kept if i < len(prose)]
                # Short of enough prose without the shared paragraphs, with paragraphs the
                # worker did not measure: measured here.
                decided = sum(known) >= clean.ENOUGH_PROSE or len(known) == len(kept)
                prose = tuple(known) if decided else clean.leading_prose(article.paragraphs)
        reason = clean.not_an_article(
            document, article, prose=None if prose is None else sum(prose)
        )
        if reason is not None:
            message = f"{document.origin}: not an article ({reason}), skipped"
            log.warning("%s", message)
            reports.append(SourceReport(document.origin, ok=False, message=message))
            continue
        articles.append(article)
    return tuple(articles), tuple(reports)


@dataclass(frozen=True, slots=True)
class _Cleaned:
    """A cleaned article with what the batch steps after the pool read of each paragraph,
    measured in the worker: its comparison key and, unless the source stated the article
    (then it is news whatever its text), its words of prose outside notices (of the leading
    paragraphs that hold enough, `clean.leading_prose`)."""

    article: Article
    keys: tuple[str, ...]
    prose: tuple[int, ...] | None


def _clean_all(
    documents: Sequence[RawDocument], advance: Callable[..., None], language: str
) -> list[_Cleaned]:
    """`clean` over the documents, in input order; large batches on every core."""
    pairs = [(document, language) for document in documents]
    return map_on_cores(_clean_one, pairs, minimum=_PARALLEL_CLEAN_MIN, advance=advance)


def _clean_one(job: tuple[RawDocument, str]) -> _Cleaned:
    document, language = job
    article = clean.clean(document, article_id=identity.document_id(document), language=language)
    prose = None if clean.stated_identity(document) else clean.leading_prose(article.paragraphs)
    return _Cleaned(article, clean.paragraph_keys(article), prose)


def clean_for_clustering(documents: Sequence[RawDocument]) -> tuple[Article, ...]:
    """Clean documents whose ids are their origins, keeping every one (even if text is empty)."""
    return tuple(clean.clean(document, article_id=document.origin) for document in documents)


def summarize_stories(
    stories: Sequence[Story], config: Config, *, history: Sequence[stories_store.KeptStory] = ()
) -> tuple[Story, ...]:
    """Each story with its summary and the conflicting claims among its articles.

    A developing story is summarized from its new articles; conflicts are looked for among
    all of them (today's report may deny yesterday's).
    """
    with summaries_meanwhile(stories, config, history=history) as summarized:
        return summarized()


@contextlib.contextmanager
def summaries_meanwhile(
    stories: Sequence[Story], config: Config, *, history: Sequence[stories_store.KeptStory] = ()
) -> Iterator[Callable[[], tuple[Story, ...]]]:
    """`summarize_stories`, started on the other processes while this one goes on: inside the
    block, the call it gives waits for the summarized stories."""
    settings = config.summary
    read_one = functools.partial(
        _read_story,
        algorithm=settings.algorithm,
        words=settings.words,
        sentences=settings.sentences,
        language=settings.language,
    )
    inputs = [
        (story, (stories_store.new_articles(story, history) if story.developing else ()))
        for story in stories
    ]
    with (
        progress(len(stories), "Summarizing") as advance,
        map_meanwhile(read_one, inputs, minimum=_PARALLEL_SUMMARY_MIN, advance=advance) as results,
    ):
        yield lambda: tuple(
            replace(story, summary=summary, conflicts=found)
            for story, (summary, found) in zip(stories, results(), strict=True)
        )


def _read_story(
    item: tuple[Story, tuple[Article, ...]],
    *,
    algorithm: str,
    words: int | None,
    sentences: int | None,
    language: str,
) -> tuple[tuple[SummarySentence, ...], tuple[Conflict, ...]]:
    """One story's summary (of `new` articles when given) and conflicts, in one process: both
    split the same paragraphs into sentences, and the splitter's cache is per process. The
    summary's sentences that a conflict shows are marked disputed (the briefing says them once).
    """
    story, new = item
    summary = summarize.summarize_story(
        new or story.articles,
        algorithm=algorithm,
        words=words,
        sentences=sentences,
        language=language,
    )
    conflicts = find_conflicts(story)
    return mark_disputed(summary, conflicts), conflicts


def cluster_stories(
    articles: Sequence[Article],
    config: Config,
    *,
    date: dt.date,
    history: Sequence[stories_store.KeptStory] = (),
) -> tuple[Story, ...]:
    """Stories of the articles, continuing earlier briefings' stories where they grew.

    A story that grew keeps its id and is marked developing; one with nothing new since the
    briefing that showed it is left out.
    """
    stories = cluster.cluster_articles(
        articles, similarity=config.cluster.similarity, max_gap_days=config.cluster.max_gap_days
    )
    stories = cluster.attach_background(stories)
    stories = stories_store.continue_stories(
        stories, history, briefing_date=date, max_gap_days=config.cluster.max_gap_days
    )
    return stories_store.without_repeats(stories, history, briefing_date=date)


def compose_briefing(
    stories: Sequence[Story],
    config: Config,
    *,
    date: dt.date,
    now: dt.datetime,
    reports: Sequence[SourceReport] = (),
    signals: Mapping[str, compose.Signals] | None = None,
) -> tuple[Briefing, tuple[compose.Section, ...]]:
    """The briefing of the summarized stories, ranked (on `signals`, when already worked out)
    and arranged in sections."""
    briefing = Briefing(date=date, generated_at=now, stories=tuple(stories), sources=tuple(reports))
    rules = [compose.SectionRule(s.title, s.keywords, s.categories) for s in config.output.sections]
    return compose.arrange(
        briefing,
        rules,
        featured=config.output.featured,
        language=config.summary.language,
        signals=signals,
    )


@contextlib.contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector paused for the build, and as it was after.

    A build holds millions of objects for its whole length (documents, articles, their
    paragraphs and terms) and makes almost no cyclic garbage: reference counting frees what
    it drops. Each full collection walks every object held: about 1 s of a 10,000-article
    build, most of it in stages that run on one core. Worker processes forked meanwhile
    (the pools of `digest.parallel`, on Linux) inherit the pause.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _timed(stage: str) -> Iterator[None]:
    """Log how long `stage` took, at debug level: `digest build --debug` shows every stage."""
    started = time.perf_counter()
    yield
    log.debug("stage %s: %.2f s", stage, time.perf_counter() - started)


def build(
    config: Config,
    *,
    date: dt.date,
    now: dt.datetime,
    out_dir: Path | None = None,
    send_email: bool = True,
    resend: bool = False,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    confirm: Callable[[], None] | None = None,
) -> BuildResult:
    """One full run, stage by stage: collect, clean, dedupe, cluster (and continue earlier
    stories), summarize (with conflicts), compose, render and write, keep, email.

    `clock` gives the ledger's finish time; a caller honouring SOURCE_DATE_EPOCH passes the
    same fixed clock it took `now` from. Without one it is `now` plus the time the build took:
    never the wall clock against a `now` from elsewhere (a test, a catch-up run).
    `confirm`, called before the build is recorded and before its email, raises if the run's
    lease is no longer this process's (digest.schedule.Heartbeat.confirm).
    """
    out_dir = out_dir or config.resolve(config.output.dir)
    # Without a clock, the build's one clock is `now`, advanced by the time the build takes.
    started = time.monotonic()
    deliver.prepare_output_dir(out_dir)
    # Opened (and upgraded) before any work: a store that cannot be used stops the build here.
    with (
        _without_cycle_collector(),
        open_store(config.store_target(os.environ if env is None else env)) as store,
    ):
        since = date - dt.timedelta(days=config.cluster.max_gap_days)
        stored = stories_store.load_history(store, since=since)
        # Stories kept from briefings of later dates (an earlier date built after them) are
        # not this briefing's history: they would hide its own stories as repeats.
        history = stories_store.as_of(stored, date, since=since)
        with _timed("collect"):
            documents, collect_reports = _collect(config, store, now=now, date=date)
        with _timed("clean"):
            articles, clean_reports = clean_documents(documents, language=config.summary.language)
        with _timed("de-duplicate"):
            articles = dedupe.dedupe_articles(articles)
        with _timed("cluster"):
            stories = cluster_stories(articles, config, date=date, history=history)
        with (
            _timed("summarize"),
            summaries_meanwhile(stories, config, history=history) as summarized,
        ):
            # While the other processes summarize, this one weighs the stories for ranking and
            # for keeping: neither reads a summary.
            signals = compose.story_signals(stories, date=date, language=config.summary.language)
            signatures = stories_store.signatures_by_id(stories)
            stories = summarized()
        reports = (*collect_reports, *clean_reports)
        with _timed("compose"):
            briefing, sections = compose_briefing(
                stories, config, date=date, now=now, reports=reports, signals=signals
            )
        with _timed("render and write"):
            environment = _environment(config)
            rendered = render.render_briefing(briefing, environment=environment, sections=sections)
            outputs = deliver.write_briefing(rendered, out_dir=out_dir, date=date)
        with _timed("keep stories"):
            kept = stories_store.updated_history(
                briefing.stories, stored, briefing_date=date, signatures=signatures
            )
            stories_store.save_history(store, kept)
        problems = tuple(r.message for r in reports if not r.ok)
        finished = clock() if clock else now + dt.timedelta(seconds=time.monotonic() - started)
        if confirm is not None:
            confirm()  # another instance took the run over: it records and emails, not us
        _record(store, rendered, outputs, date=date, now=now, finished=finished, problems=problems)
        with _timed("archive"):
            # The whole archive, from the store: this folder lists (and holds) the briefings
            # other instances built too.
            export.publish(
                store, out_dir, now=now, environment=environment, base_url=config.output.base_url
            )
        if confirm is not None and send_email:
            confirm()
        delivery_error = _email(config, store, briefing, rendered, send_email, resend, now, env)
    return BuildResult(briefing, outputs, problems, delivery_error)


def _collect(
    config: Config, store: Store, *, now: dt.datetime, date: dt.date
) -> tuple[tuple[RawDocument, ...], tuple[SourceReport, ...]]:
    """The configured files in full, and feed entries first seen since the last briefing."""
    files = collect_files(
        list(config.sources.files),
        base_dir=config.base_dir,
        max_bytes=config.sources.max_file_bytes,
    )
    documents, feed_reports = _new_feed_documents(config, store, now=now, date=date)
    return (*files.documents, *documents), (*files.reports, *feed_reports)


def _record(
    store: Store,
    rendered: render.RenderedBriefing,
    outputs: Sequence[Path],
    *,
    date: dt.date,
    now: dt.datetime,
    finished: dt.datetime,
    problems: Sequence[str],
) -> None:
    """The build in the ledger, and its files kept in the store, in one transaction: a
    recorded build has its outputs kept, and a build that failed before has neither (its
    files may be on disk, but no instance publishes them)."""
    with store.transaction():
        outputs_store.save_outputs(
            store,
            date=date,
            files=deliver.briefing_files(rendered),
            generated_at=now,
            built_by=socket.gethostname(),
        )
        ledger.record_build(
            store,
            date=date,
            started=now,
            finished=finished,
            status="partial" if problems else "ok",
            outputs=[str(p) for p in outputs],
        )


def _environment(config: Config) -> jinja2.Environment:
    """The templates: the user's folder (output.templates) first, then ours."""
    return render.make_environment(
        config.resolve(config.output.templates) if config.output.templates else None
    )


def _new_feed_documents(
    config: Config, store: Store, *, now: dt.datetime, date: dt.date
) -> tuple[tuple[RawDocument, ...], tuple[SourceReport, ...]]:
    """Feed articles first seen since the previous briefing, and the feeds' health reports.

    Local files are not filtered this way: a folder of articles is the user's own selection,
    built in full every time.
    """
    feeds = config.sources.feeds
    if not feeds:
        return (), ()
    # Fetched and remembered at once; with refreshing on, only the feeds no instance fetched
    # recently: the others' entries are in the store already.
    with progress(None, f"Collecting {len(feeds)} feeds") as advance:
        fetch_for_build(store, feeds, settings=config.collect, now=now, base_dir=config.base_dir)
        advance(len(feeds))
    new = remember_and_select_new(
        store,
        (),
        now=now,
        last_build=ledger.last_successful_build(store, before=date),
        first_window_days=config.collect.first_window_days,
    )
    health = feed_health(
        store, now=now, silent_days=config.collect.silent_days, feeds=[f.url for f in feeds]
    )
    for report in health:
        log.warning("%s", report.message)
    return new, health


def _fetch_feeds(
    config: Config, feeds: Sequence[FeedSource], *, store: Store | None, now: dt.datetime
) -> FeedsResult:
    with progress(None, f"Collecting {len(feeds)} feeds") as advance:
        fetched = collect_feeds(
            feeds, settings=config.collect, store=store, now=now, base_dir=config.base_dir
        )
        advance(len(feeds))
    return fetched


def _email(
    config: Config,
    store: Store,
    briefing: Briefing,
    rendered: render.RenderedBriefing,
    send_email: bool,
    resend: bool,
    now: dt.datetime,
    env: Mapping[str, str] | None,
) -> str | None:
    """Email the briefing once; the error line if that failed (the files are written anyway)."""
    if not send_email:
        ledger.note_delivery(store, briefing.date, "skipped")
        return None
    settings = config.email
    try:
        mail.deliver_briefing(
            store,
            settings=settings,
            date=briefing.date,
            text=rendered.markdown,
            html=rendered.html,
            subject=mail.render_subject(settings.subject, date=briefing.date, briefing=briefing),
            resend=resend,
            now=now,
            env=os.environ if env is None else env,
            empty=not briefing.stories,
        )
    except DeliveryError as exc:
        return str(exc)
    return None


def deliver_pending(
    config: Config, *, now: dt.datetime, env: Mapping[str, str] | None = None
) -> tuple[mail.DeliveryOutcome, ...]:
    """Retry every briefing whose email failed or was interrupted; raises DeliveryError."""
    env = os.environ if env is None else env
    with open_store(config.store_target(env)) as store:
        return tuple(mail.deliver_pending(store, settings=config.email, now=now, env=env))


def export_archive(
    config: Config,
    *,
    out_dir: Path | None,
    now: dt.datetime,
    env: Mapping[str, str] | None = None,
) -> tuple[Path, ...]:
    """`digest export`: every briefing kept in the store, and the archive of them all, written
    into `out_dir` (default: output.dir) where they differ; returns the files written.

    `now` dates an empty archive's feed only (SOURCE_DATE_EPOCH makes it reproducible).
    """
    out_dir = out_dir or config.resolve(config.output.dir)
    deliver.prepare_output_dir(out_dir)
    environment = _environment(config)
    with (
        open_store(config.store_target(os.environ if env is None else env)) as store,
        store.transaction(),
    ):
        # One transaction: the files and the archive show one state of the store, even while
        # another instance saves a build.
        return export.publish(
            store, out_dir, now=now, environment=environment, base_url=config.output.base_url
        )
