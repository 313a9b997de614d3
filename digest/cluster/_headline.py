"""A story's headline: the title nearest the centroid of its articles."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from digest.cluster._dates import MONTH
from digest.cluster._vectors import TermSpace, document, project, vectorize
from digest.model import Article

__all__ = ["choose_headline", "headline_in", "usable_title"]

# A title made of nothing but date words, digits and punctuation ("Tuesday, 1 Feb 2022").
_DATE_ONLY = re.compile(
    r"^(?:[\W\d_]|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|" + MONTH + r"|updated|published|"
    r"posted|am|pm|gmt|utc|[a-z]st|[a-z]dt|ist|bst|cet)*$",
    re.IGNORECASE,
)
_MIN_TITLE_CHARS = 12
_MIN_TITLE_WORDS = 3
_FALLBACK_WORDS = 14


def choose_headline(articles: Sequence[Article]) -> str:
    """The most representative usable title: the one nearest the articles' centroid."""
    fitted = vectorize([document(a) for a in articles], min_df=1)
    if fitted is None:
        return headline_in(articles, None, None)
    return headline_in(articles, *fitted)


def headline_in(
    articles: Sequence[Article], rows: sparse.csr_matrix | None, space: TermSpace | None
) -> str:
    """`choose_headline`, given the articles' rows (same order) in a term space."""
    candidates = sorted({a.title.strip() for a in articles if usable_title(a)})
    if not candidates:
        return _fallback_headline(articles)
    if len(candidates) == 1 or rows is None or space is None:
        return candidates[0]
    # A title's mean cosine to the articles is its dot product with their centroid.
    scores = np.asarray((project(candidates, space) @ rows.T).mean(axis=1)).ravel()
    # Ties go to the longer, then the alphabetically first title: a stable choice.
    best = min(range(len(candidates)), key=lambda i: (-scores[i], -len(candidates[i]), i))
    return candidates[best]


def usable_title(article: Article) -> bool:
    """False for titles that are too short, only a date, or just the outlet's name."""
    title = article.title.strip()
    if len(title) < _MIN_TITLE_CHARS or len(title.split()) < _MIN_TITLE_WORDS:
        return False
    if _DATE_ONLY.match(title):
        return False
    outlet = (article.outlet or "").strip().casefold()
    return not (outlet and title.casefold() == outlet)


def _fallback_headline(articles: Sequence[Article]) -> str:
    """No usable title at all: the opening words of the first article that has text."""
    for article in articles:
        words = article.text.split()
        if words:
            head = " ".join(words[:_FALLBACK_WORDS])
            return head if len(words) <= _FALLBACK_WORDS else head + "…"
    return "Untitled story"
