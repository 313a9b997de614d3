"""Article extraction in worker processes: a native crash in trafilatura or lxml cannot kill us.

trafilatura (through lxml) crashed the process now and then when pages were extracted in
threads (double free, segfault; issue 12). Here every extraction runs in a process of a
`ProcessPoolExecutor`; the collector never imports trafilatura itself. The pool is made on the
first page to extract, so a run without full-text pages starts no process.

When a worker dies (a signal), the executor fails every page it held. Each of those pages is
tried once more, alone in a pool of one process: a page that kills that one too was the cause,
and it keeps its feed text with a warning; the others get their text. Extraction of one page
is cut off after `timeout` seconds, measured inside the worker (queueing does not count).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import FrameType
from typing import Protocol

from digest.errors import SourceError

__all__ = [
    "EXTRACTION_TIMEOUT",
    "WORKERS",
    "Extracted",
    "ExtractionError",
    "PageExtractor",
    "extract_in_worker",
    "run_timed",
]

# A page is extracted in 20-50 ms; one taking this long is pathological, not just slow.
EXTRACTION_TIMEOUT = 10.0
# One worker, extracting one page at a time: two were measured no faster on a two-core
# machine (the collector, parsing and cleaning use the other core) and cost more start-up
# and memory (docs/feeds.md, "Benchmarks").
WORKERS = 1
_CRASHED = "the extracting process died (a native crash in trafilatura or lxml)"


class ExtractionError(Exception):
    """A page's text could not be extracted; `cause` is one line."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a worker sends back: the text (None: the page has none), or the cause of failure."""

    text: str | None = None
    error: str | None = None


Work = Callable[[bytes, str, float], Extracted]


class Extract(Protocol):
    def __call__(self, page: bytes, *, url: str) -> str | None: ...


class _Overtime(BaseException):
    """Raised in a worker by its alarm; a BaseException so no `except Exception` swallows it."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Overtime


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _on_alarm)
    # A collector killed outright (SIGKILL, SIGTERM) cannot stop its pool; a worker would then
    # wait for work forever. This thread only waits for the parent to go, and then ends us.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def extract_in_worker(page: bytes, url: str, timeout: float) -> Extracted:
    """Run in a worker: extract_article under an alarm, its outcome as picklable data."""
    # Imported here, in the worker: trafilatura and lxml never load in the collecting process.
    from digest.feeds.fulltext import extract_article  # noqa: PLC0415

    return run_timed(extract_article, page, url, timeout)


def run_timed(extract: Extract, page: bytes, url: str, timeout: float) -> Extracted:
    """`extract(page, url=url)` cut off after `timeout` seconds where the platform allows."""
    timed = hasattr(signal, "setitimer")
    try:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        return Extracted(text=extract(page, url=url))
    except _Overtime:
        return Extracted(error=f"extraction took longer than {timeout:g} s")
    except SourceError as exc:
        return Extracted(error=exc.cause)
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _ready() -> None:
    """Submitted once per worker, it makes the pool start them all, each warmed up.

    trafilatura sets itself up on its first page (a fraction of a second, more on a busy
    machine); done here, that time is not counted against the first real page.
    """
    from digest.feeds.fulltext import extract_article  # noqa: PLC0415

    extract_article(b"<html><body><article><p>Warming up.</p></article></body></html>")


def _context() -> multiprocessing.context.BaseContext:
    # Not fork: the collecting process runs an event loop and helper threads, and a child
    # forked from it may inherit a lock another thread held. A fork server is one clean
    # process, started once, that workers are forked from. It imports the main module once
    # (each worker would otherwise import it again) and trafilatura once.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", "digest.feeds.fulltext"])
        return context
    return multiprocessing.get_context("spawn")


class PageExtractor:
    """Extracts article text in worker processes; use as `async with PageExtractor(...) as x`."""

    def __init__(
        self,
        *,
        timeout: float = EXTRACTION_TIMEOUT,
        workers: int = WORKERS,
        work: Work = extract_in_worker,
    ) -> None:
        self.timeout = timeout
        self.work = work  # a module-level function: workers receive it by name
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None
        self._alone_turn = asyncio.Lock()
        self._starting = asyncio.Lock()
        self.started = 0  # pools made: the first, and one per crash

    async def __aenter__(self) -> PageExtractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        pools = [p for p in (self._pool, self._alone) if p is not None]
        self._pool = self._alone = None
        # Each extraction ends within `timeout`, so waiting for running ones is bounded.
        for pool in pools:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def extract(self, page: bytes, url: str) -> str | None:
        """The article text of `page`, or None if it has none; ExtractionError with the cause."""
        pool = await self._shared_pool()
        try:
            result = await self._run(pool, page, url)
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            result = await self._run_alone(page, url)
        if result.error is not None:
            raise ExtractionError(result.error)
        return result.text

    async def _shared_pool(self) -> ProcessPoolExecutor:
        async with self._starting:
            if self._pool is None:
                self._pool = await self._new_pool(self.workers)
            return self._pool

    async def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        self.started += 1
        try:
            # Starting a worker waits for the fork server (its first start imports trafilatura,
            # a second or more): in a thread, so downloads go on meanwhile.
            return await asyncio.to_thread(_start_pool, workers)
        except Exception as exc:  # no process (a limit, no memory): pages keep their feed text
            cause = f"cannot start an extraction process: {type(exc).__name__}: {exc}"
            raise ExtractionError(" ".join(cause.split())) from exc

    async def _run(self, pool: Executor, page: bytes, url: str) -> Extracted:
        return await asyncio.wrap_future(pool.submit(self.work, page, url, self.timeout))

    async def _run_alone(self, page: bytes, url: str) -> Extracted:
        """The page by itself in a one-process pool: a crash there is this page's own."""
        async with self._alone_turn:
            if self._alone is None:
                self._alone = await self._new_pool(1)
            alone = self._alone
            try:
                return await self._run(alone, page, url)
            except BrokenProcessPool:
                self._alone = None
                alone.shutdown(wait=False, cancel_futures=True)
                return Extracted(error=_CRASHED)


def _start_pool(workers: int) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker)
    try:
        for started in [pool.submit(_ready) for _ in range(workers)]:
            started.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    return pool
