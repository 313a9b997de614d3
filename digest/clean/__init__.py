"""clean: raw scraped text -> `Article` (pure; no I/O, no clock).

The text is plain: paragraphs separated by blank lines, or one paragraph a line. The cleaner
keeps the article's prose paragraphs (dropping menus, lists of other stories, "READ MORE" and
"Loading..." lines, photo credits, comments, repeated headlines and decks), and finds the
headline, the outlet and the publication date where the text states them. Values the source
stated in the `RawDocument` take precedence over what is found. docs/cleaning.md has the rules.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from courlan import extract_domain

from digest.clean._text import split_lines
from digest.clean.batch import drop_shared_paragraphs, paragraph_keys, shared_boilerplate
from digest.clean.body import body_indices, drop_repeats
from digest.clean.meta import fallback_headline, locate_headline, outlet_from, published_from
from digest.clean.notice import (
    ENOUGH_PROSE,
    leading_prose,
    not_an_article,
    paragraph_prose,
    stated_identity,
)
from digest.model import Article, Published, RawDocument
from digest.text.dates import TIMEZONES
from digest.text.furniture import is_boilerplate_line
from digest.text.words import normalize

__all__ = [
    "ENOUGH_PROSE",
    "TIMEZONES",
    "clean",
    "drop_shared_paragraphs",
    "extract_paragraphs",
    "find_headline",
    "find_outlet",
    "find_published",
    "is_boilerplate_line",
    "leading_prose",
    "not_an_article",
    "outlet_of_url",
    "paragraph_keys",
    "paragraph_prose",
    "shared_boilerplate",
    "stated_identity",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Page:
    """A page split into lines, with the landmarks every finder uses."""

    lines: tuple[str, ...]
    body_start: int
    head: int | None
    headline: str
    paragraphs: tuple[str, ...]


def _read(text: str, title: str | None = None, language: str = "english") -> _Page:
    lines = tuple(split_lines(text))
    body = body_indices(lines)
    body_start = body[0] if body else len(lines)
    if title:
        wanted = normalize(title)
        head = next((i for i, line in enumerate(lines) if normalize(line) == wanted), None)
        headline_key = wanted
        headline = title
    else:
        found = locate_headline(lines, body_start, language)
        head, headline = found if found is not None else (None, "")
        headline_key = normalize(headline)
    # No date line is in the body: every body line was classed good or short, and a date line
    # is bad (`body.classify`).
    kept = [lines[i] for i in body if normalize(lines[i]) != headline_key]
    return _Page(lines, body_start, head, headline, tuple(drop_repeats(kept)))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def clean(document: RawDocument, *, article_id: str, language: str = "english") -> Article:
    """The article in `document`: prose paragraphs plus headline, outlet and date.

    The headline falls back to a clause of the lead, in `language`, when none can be found.
    The outlet is the stated one, else the URL's site, else a wire credit at the top of the
    text, else None.
    """
    page = _read(document.text, document.title, language)
    title = document.title or page.headline or fallback_headline(page.paragraphs, language)
    outlet = (
        document.outlet
        or outlet_of_url(document.url)
        or outlet_from(page.lines, page.head, page.body_start, page.paragraphs)
    )
    published = document.published or Published.of(
        published_from(page.lines, page.head, page.body_start, page.paragraphs)
    )
    paragraphs = page.paragraphs
    if not paragraphs and stated_identity(document):
        # A source that names the article (a feed entry) often carries only a short summary,
        # chosen by the publisher: too short to look like prose, but the text there is.
        paragraphs = stated_paragraphs(document.text)
    if not paragraphs:
        logger.info("%s: no article prose found", document.origin)
    return Article(
        id=article_id,
        origin=document.origin,
        title=" ".join(title.split()),
        paragraphs=paragraphs,
        url=document.url,
        outlet=outlet,
        published=published,
        guid=document.guid,
        category=document.category,
    )


def stated_paragraphs(text: str) -> tuple[str, ...]:
    """The blank-line separated paragraphs of a text, whitespace folded, as given."""
    blocks = (" ".join(block.split()) for block in _PARAGRAPH_BREAK.split(text))
    return tuple(block for block in blocks if block)


def outlet_of_url(url: str | None) -> str | None:
    """The registered name of the URL's host ("https://www.reuters.com/x" -> "reuters.com")."""
    return extract_domain(url) if url else None


def extract_paragraphs(text: str) -> tuple[str, ...]:
    """The article prose paragraphs of a scraped text, headline excluded."""
    return _read(text).paragraphs


def find_headline(text: str) -> str | None:
    """The headline the text states, or None (no fallback to the first sentence)."""
    return _read(text).headline or None


def find_outlet(text: str) -> str | None:
    """The outlet a wire credit at the top of the text names (a byline, a dateline), or None."""
    page = _read(text)
    return outlet_from(page.lines, page.head, page.body_start, page.paragraphs)


def find_published(text: str) -> dt.date | None:
    """The publication date or time the text states (a date, naive or aware datetime), or None."""
    page = _read(text)
    return published_from(page.lines, page.head, page.body_start, page.paragraphs)
