"""Full text for a feed's entries: each linked page fetched and its article extracted.

Every page download has its own deadline (`collect.page_timeout`, the body included), so a
hanging page frees its connection slot and the pages after it are still fetched; all of one
feed's page downloads share the feed's `total_timeout`. Extraction has its own limit
(digest/feeds/extraction.py). A page that fails keeps
its entry's feed text, with one warning naming the page and what happened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from digest.feeds.extraction import ExtractionError, PageExtractor
from digest.feeds.fetch import PAGE_ACCEPT, Fetcher, is_local
from digest.feeds.robots import RobotsRules
from digest.model import RawDocument

__all__ = ["PageTools", "with_full_text"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageTools:
    """What full text needs, shared by every feed of a run."""

    fetcher: Fetcher
    robots: RobotsRules
    extractor: PageExtractor
    page_timeout: float


@dataclass(frozen=True, slots=True)
class _Page:
    document: RawDocument
    problem: str | None = None  # why the page gave no text, one line
    late: bool = False  # not downloaded within the feed's budget


async def with_full_text(
    tools: PageTools,
    documents: tuple[RawDocument, ...],
    *,
    feed: str,
    known: Callable[[RawDocument], bool],
    budget: float,
) -> tuple[RawDocument, ...]:
    """`documents` with the text of their linked pages where that is longer than the feed's.

    Pages of articles already `known` are not fetched. The downloads share `budget` seconds;
    extraction (our own CPU, each page bounded) finishes what was downloaded.
    Warnings are logged in feed order.
    """
    deadline = asyncio.get_running_loop().time() + budget
    pages = await asyncio.gather(*(_one(tools, doc, known, deadline) for doc in documents))
    for page in pages:
        if page.problem:
            log.warning(
                "full text of %s: %s; the entry keeps its feed text",
                page.document.url,
                page.problem,
            )
    late = sum(page.late for page in pages)
    if late:
        log.warning(
            "%s: full text: %d of %d pages not downloaded within the feed's %g s "
            "(collect.total_timeout); they keep their feed text",
            feed,
            late,
            len(pages),
            budget,
        )
    return tuple(page.document for page in pages)


async def _one(
    tools: PageTools, doc: RawDocument, known: Callable[[RawDocument], bool], deadline: float
) -> _Page:
    if not doc.url or is_local(doc.url) or known(doc):
        return _Page(doc)
    try:
        async with asyncio.timeout_at(deadline):
            data, problem = await _download(tools, doc.url)
    except TimeoutError:
        return _Page(doc, late=True)
    if data is None:
        return _Page(doc, problem)
    text, problem = await _extract(tools, data, doc.url)
    if text is None or len(text) < len(doc.text):
        return _Page(doc, problem)
    return _Page(replace(doc, text=text))


async def _extract(tools: PageTools, data: bytes, url: str) -> tuple[str | None, str | None]:
    """The article text of a downloaded page, or None and the one-line cause."""
    try:
        text = await tools.extractor.extract(data, url)
    except ExtractionError as failure:
        return None, failure.cause
    if text is None:
        return None, "no article text found in the page"
    return text, None


async def _download(tools: PageTools, url: str) -> tuple[bytes | None, str | None]:
    """The page at `url`, or None and the one-line cause (robots.txt, status, timeout, size)."""
    refusal = await tools.robots.refusal(url)
    if refusal is not None:
        return None, refusal
    page = await tools.fetcher.fetch(url, accept=PAGE_ACCEPT, deadline=tools.page_timeout)
    if page.status != "ok":
        return None, page.error or f"HTTP {page.http_status}"
    return page.data, None
