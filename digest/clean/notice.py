"""Pages that are not articles: notices, walls and near-empty pages.

A scraped page may hold a notice instead of an article: a social widget ("Tweet with a
location"), a web-archive crawl notice, a JavaScript, cookie or subscription wall, a video
player's messages. The notices' phrases live in `digest.text.furniture`; here a cleaned page is
judged by the prose left outside them.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.model import Article, RawDocument
from digest.text.notices import notice_kind
from digest.text.words import size

__all__ = [
    "ENOUGH_PROSE",
    "MIN_PROSE_WORDS",
    "leading_prose",
    "not_an_article",
    "paragraph_prose",
    "stated_identity",
]

# Fewer words of prose than this (outside notices; `size` counts unspaced scripts too) is a
# near-empty page, not an article. Set low on purpose: ECB+ (../shared/eval/ecbplus-dev.jsonl)
# holds real articles of 11 to 50 words (a lead and a sentence or two); at 50, 71 of its 772
# articles (one whole gold story) were skipped, at 15 two are. Multi-News scrape failures are
# caught by their notices instead.
MIN_PROSE_WORDS = 15
# A page that opens with a notice needs this much prose besides: the notice is the page, and
# what follows it is the notice's own small print (a crawl's list of seeds).
_AFTER_NOTICE_WORDS = 100
_OPENING_CHARS = 300
# From this many words of prose on, a page is an article whatever notice it opens with.
ENOUGH_PROSE = max(MIN_PROSE_WORDS, _AFTER_NOTICE_WORDS)


def stated_identity(document: RawDocument) -> bool:
    """Whether the source itself stated the article: a feed entry's title, link, GUID or date."""
    return bool(document.title or document.url or document.guid or document.published)


def paragraph_prose(paragraph: str) -> int:
    """The words of prose a paragraph adds to its page: none when it holds a notice."""
    return 0 if notice_kind(paragraph) is not None else size(paragraph)


def leading_prose(paragraphs: Sequence[str]) -> tuple[int, ...]:
    """`paragraph_prose` of the first paragraphs, up to the one that brings their sum to
    `ENOUGH_PROSE` (all of them if it never gets there): the verdict needs no more, and
    looking for notices in every paragraph of every page was a good part of cleaning."""
    found: list[int] = []
    total = 0
    for paragraph in paragraphs:
        if total >= ENOUGH_PROSE:
            break
        found.append(paragraph_prose(paragraph))
        total += found[-1]
    return tuple(found)


def not_an_article(
    document: RawDocument, article: Article, *, prose: int | None = None
) -> str | None:
    """Why the cleaned `article` is no article ("a web-archive crawl notice"), or None.

    A feed entry, or any source that states the article's title, link, GUID or date, is news
    whatever its text: a short summary is what the publisher chose to send. `prose` is the sum
    of `paragraph_prose` over the article's paragraphs, or of its `leading_prose`, when the
    caller has it already.
    """
    if stated_identity(document):
        return None
    if prose is None:
        prose = sum(paragraph_prose(p) for p in article.paragraphs)
    opening = notice_kind(document.text.lstrip()[:_OPENING_CHARS])
    if prose >= (MIN_PROSE_WORDS if opening is None else _AFTER_NOTICE_WORDS):
        return None
    kind = opening or notice_kind(document.text)
    if kind is not None:
        return kind
    return "a near-empty page" if article.paragraphs else "no article text found"
