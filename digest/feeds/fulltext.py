"""The main text of an article page, extracted by trafilatura from bytes we fetched (pure)."""

from __future__ import annotations

import logging

import trafilatura

from digest.feeds.text import plain_to_text

__all__ = ["extract_article"]

log = logging.getLogger(__name__)


def extract_article(page: bytes, *, url: str | None = None) -> str | None:
    """The article text of an HTML page, paragraphs separated by a blank line; None if none.

    trafilatura never fetches anything here: it is given the page's bytes.
    """
    try:
        extracted = trafilatura.extract(
            page,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            with_metadata=False,
        )
    except Exception:  # trafilatura on hostile HTML is not ours to crash on; the feed text remains
        log.debug("trafilatura failed on %s", url, exc_info=True)
        return None
    if not extracted:
        return None
    # trafilatura writes one paragraph a line.
    text = plain_to_text("\n\n".join(extracted.splitlines()))
    return text or None
