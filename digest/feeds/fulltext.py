"""The main text of an article page, extracted by trafilatura from bytes we fetched (pure).

Importing this module imports trafilatura and lxml (about a second): the collector never does;
only its extraction worker processes do (digest/feeds/extraction.py).
"""

from __future__ import annotations

import trafilatura

from digest.errors import SourceError
from digest.feeds.text import clean_inline, plain_to_text

__all__ = ["extract_article"]


def extract_article(page: bytes, *, url: str | None = None) -> str | None:
    """The article text of an HTML page, paragraphs separated by a blank line; None if none.

    trafilatura never fetches anything here: it is given the page's bytes. An exception inside
    trafilatura (hostile HTML) is a SourceError naming the page.
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
    except Exception as exc:  # trafilatura on hostile HTML: this page's problem, not the run's
        cause = f"extraction failed: {type(exc).__name__}: {clean_inline(str(exc))}"
        raise SourceError(url or "page", cause.rstrip(": ")) from exc
    if not extracted:
        return None
    # trafilatura writes one paragraph a line.
    text = plain_to_text("\n\n".join(extracted.splitlines()))
    return text or None
