"""A story's headline: the title nearest the centroid of its articles."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from digest.cluster._vectors import TermSpace, document, project, vectorize
from digest.model import Article
from digest.text.dates import MONTH_NAME, ZONE_NAME
from digest.text.furniture import is_headline_furniture

__all__ = ["choose_headline", "headline_in", "headlines_in", "strip_attribution", "usable_title"]

# A title made of nothing but date words, digits and punctuation ("Tuesday, 1 Feb 2022").
_DATE_ONLY = re.compile(
    r"^(?:[\W\d_]|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|"
    + MONTH_NAME
    + r"[a-z]*\.?|updated|published|"
    r"posted|am|pm|" + ZONE_NAME + r")*$",
    re.IGNORECASE,
)
# A title's tail that names its source, not the event: " - Reuters", " | Site Name",
# ". Department of State". Up to four words, each capitalised or a short joining word, after
# a spaced dash or bar, or after a full stop when the tail has a joining word ("of", "the"):
# abbreviations ("Dr. Regina Benjamin", "NE Phila. Kraft Plant") end in full stops too.
_WORD = r"(?:[A-Z][\w.&'’-]*|of|the|and|for|on|in|at|&)"
_TAIL = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_DASHED_TAIL = re.compile(rf"^(.*?\S)\s+[-–—|·•]\s+({_TAIL})\s*$")
_STOPPED_TAIL = re.compile(rf"^(.*?[a-z]{{2}})\.\s+({_TAIL})\s*$")
_JOINING = re.compile(r"\s(?:of|the|and|&)\s", re.IGNORECASE)
# A title with an attribution tail scores this share of its centrality: the same wording
# without the tail elsewhere in the story reads better.
ATTRIBUTION_PENALTY = 0.9
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
    return headlines_in([articles], rows, [range(len(articles))], space)[0]


def headlines_in(
    groups: Sequence[Sequence[Article]],
    vectors: sparse.csr_matrix | None,
    members: Sequence[Sequence[int]],
    space: TermSpace | None,
) -> list[str]:
    """`choose_headline` for each group, given its articles' rows of `vectors`.

    `members[i]` numbers group i's rows of `vectors` (one space for all), in the order of its
    articles.

    The candidate titles of every group are projected, and scored against their group's
    centroid, in one call each: a call per story cost more than all the rest of choosing
    headlines in a large build (a build has thousands of stories).
    """
    headlines: list[str] = []
    pending: list[tuple[int, list[str], list[str]]] = []  # group, titles, stripped titles
    for index, articles in enumerate(groups):
        titles = sorted({a.title.strip() for a in articles if usable_title(a)})
        # A title that reads as a caption or other furniture (an untitled article's lead may
        # open with a gallery's captions) heads the story only when no other title can.
        titles = [t for t in titles if not _reads_as_furniture(t)] or titles
        candidates = [strip_attribution(t) for t in titles]
        if not titles:
            headlines.append(_fallback_headline(articles))
        elif len(candidates) == 1 or vectors is None or space is None:
            headlines.append(candidates[0])
        else:
            headlines.append("")
            pending.append((index, titles, candidates))
    if not pending or vectors is None or space is None:
        return headlines
    projected = project([c for _, _, candidates in pending for c in candidates], space)
    # A title's mean cosine to the articles is its dot product with their centroid; the
    # source's name in a tail is no evidence of centrality, so the stripped title is scored.
    centroids = _centroids([members[index] for index, _, _ in pending], vectors)
    owner = np.repeat(np.arange(len(pending)), [len(c) for _, _, c in pending])
    scores = np.asarray(projected.multiply(centroids[owner]).sum(axis=1)).ravel()
    start = 0
    for index, titles, candidates in pending:
        penalty = np.array(
            [
                ATTRIBUTION_PENALTY if c != t else 1.0
                for c, t in zip(candidates, titles, strict=True)
            ]
        )
        block = scores[start : start + len(candidates)] * penalty
        start += len(candidates)
        # Ties go to the longer, then the alphabetically first title: a stable choice.
        best = min(range(len(candidates)), key=lambda i: (-block[i], -len(candidates[i]), i))
        headlines[index] = candidates[best]
    return headlines


def _centroids(members: Sequence[Sequence[int]], vectors: sparse.csr_matrix) -> sparse.csr_matrix:
    """The mean of each group's rows of `vectors` (`members[i]` numbers group i's rows), one
    row per group, in a single product."""
    sizes = np.array([len(rows) for rows in members], dtype=np.float64)
    every_row = np.concatenate([np.asarray(rows, dtype=np.int64) for rows in members])
    which = np.repeat(np.arange(len(members)), sizes.astype(np.int64))
    averaging = sparse.csr_matrix(
        (1.0 / sizes[which], (which, every_row)), shape=(len(members), vectors.shape[0])
    )
    return sparse.csr_matrix(averaging @ vectors)


def strip_attribution(title: str) -> str:
    """The title without a trailing source attribution (" - Reuters", " | Site", ". Department
    of State"), when at least three words are left; otherwise the title as it is."""
    title = title.strip()
    match = _DASHED_TAIL.match(title)
    if match is None:
        match = _STOPPED_TAIL.match(title)
        if match is not None and not _JOINING.search(f" {match[2]} "):
            match = None
    if match is None or len(match[1].split()) < _MIN_TITLE_WORDS:
        return title
    return match[1]


def usable_title(article: Article) -> bool:
    """False for titles that are too short, only a date, or just the outlet's name."""
    title = article.title.strip()
    if len(title) < _MIN_TITLE_CHARS or len(title.split()) < _MIN_TITLE_WORDS:
        return False
    if _DATE_ONLY.match(title):
        return False
    outlet = (article.outlet or "").strip().casefold()
    return not (outlet and title.casefold() == outlet)


def _reads_as_furniture(title: str) -> bool:
    # Without the "…" of a headline cut from a lead, which the furniture test reads as a
    # teaser's.
    return is_headline_furniture(title.removesuffix("…").rstrip())


def _fallback_headline(articles: Sequence[Article]) -> str:
    """No usable title at all: the opening words of the first article that has text."""
    for article in articles:
        words = article.text.split()
        if words:
            head = " ".join(words[:_FALLBACK_WORDS])
            return head if len(words) <= _FALLBACK_WORDS else head + "…"
    return "Untitled story"
