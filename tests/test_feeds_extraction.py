"""PageExtractor: extraction in worker processes survives a worker's native crash and overtime."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from digest.feeds.extraction import (
    Extracted,
    ExtractionError,
    PageExtractor,
    extract_in_worker,
    run_timed,
)
from digest.feeds.fulltext import extract_article
from tests.test_feeds_fulltext import article_page

CRASH = b"<!-- crash here -->"
LOOP = b"<!-- loop here -->"


def crash_or_extract(page: bytes, url: str, timeout: float) -> Extracted:
    """In a worker: die of SIGSEGV, as lxml did in threads, on pages carrying the marker."""
    if CRASH in page:
        os.kill(os.getpid(), signal.SIGSEGV)
    return extract_in_worker(page, url, timeout)


def loop_or_extract(page: bytes, url: str, timeout: float) -> Extracted:
    """In a worker: extraction that never ends on pages carrying the marker (pathological)."""
    return run_timed(_loop_or_extract, page, url, timeout)


def _loop_or_extract(page: bytes, *, url: str) -> str | None:
    while LOOP in page:
        pass
    return extract_article(page, url=url)


async def extract_all(extractor: PageExtractor, pages: list[bytes]) -> list[str | Exception]:
    async with extractor:
        results = await asyncio.gather(
            *(extractor.extract(page, f"https://example.com/{n}") for n, page in enumerate(pages)),
            return_exceptions=True,
        )
    return [r if isinstance(r, str | Exception) else "None" for r in results]


def test_a_page_that_kills_its_worker_fails_alone_and_the_others_get_their_text() -> None:
    pages = [article_page(n) for n in range(6)]
    pages[2] = CRASH + pages[2]
    extractor = PageExtractor(timeout=5.0, work=crash_or_extract)
    results = asyncio.run(extract_all(extractor, pages))
    crashed = results.pop(2)
    assert isinstance(crashed, ExtractionError)
    assert "extracting process died" in crashed.cause
    for n, text in enumerate([0, 1, 3, 4, 5]):
        assert isinstance(results[n], str)
        assert f"article {text}" in str(results[n])
    # The first pool, its replacement after the crash, and the pool of one that found the page.
    assert extractor.started >= 2


def test_an_extraction_that_runs_too_long_is_stopped_and_the_worker_goes_on() -> None:
    if not hasattr(signal, "setitimer"):
        pytest.skip("no interval timers on this platform")
    pages = [LOOP + article_page(0), article_page(1)]
    extractor = PageExtractor(timeout=0.3, work=loop_or_extract, workers=1)
    slow, fine = asyncio.run(extract_all(extractor, pages))
    assert isinstance(slow, ExtractionError)
    assert slow.cause == "extraction took longer than 0.3 s"
    assert isinstance(fine, str)
    assert "article 1" in fine
    assert extractor.started == 1


def test_a_page_without_an_article_is_none_and_no_pool_starts_without_pages() -> None:
    idle = PageExtractor()
    asyncio.run(extract_all(idle, []))
    assert idle.started == 0
    empty = asyncio.run(extract_all(PageExtractor(), [b"<html><body></body></html>"]))
    assert empty == ["None"]


def test_a_worker_imports_trafilatura_but_not_the_collector() -> None:
    # What a worker process loads: trafilatura and the pure extractor, not the collector, the
    # store or the config (the package exports load on first use).
    code = (
        "import sys, digest.feeds.fulltext; "
        "print(sorted(m for m in ('digest.feeds.collect', 'digest.config', 'digest.store', "
        "'nltk', 'sklearn', 'trafilatura') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["['trafilatura']"]


def test_the_package_exports_every_name_it_lists() -> None:
    import digest.feeds

    for name in digest.feeds.__all__:
        assert getattr(digest.feeds, name).__name__ == name
    with pytest.raises(AttributeError):
        _ = digest.feeds.no_such_name  # type: ignore[attr-defined]
