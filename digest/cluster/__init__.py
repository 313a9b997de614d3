"""Cluster articles into stories: one `Story` per real-world event.

Each article becomes a sparse TF-IDF vector (words and word pairs, idf counted twice); each
keeps its nearest neighbours, found by sparse dot products in row blocks, never an n×n
matrix; an edge's weight is its cosine scaled by the neighbours the two articles share.
Average-link agglomerative clustering then runs on those candidate edges only: a pair that
is not a candidate counts as 0, so a chain of weakly linked articles never becomes one story.
Groups whose known days lie more than `max_gap_days` apart are never merged. See
docs/clustering.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

from scipy import sparse

from digest.cluster._background import attach_background
from digest.cluster._dates import day_numbers
from digest.cluster._headline import choose_headline, headline_in
from digest.cluster._linkage import average_link
from digest.cluster._vectors import TermSpace, candidate_edges, document, vectorize
from digest.model import Article, Story

__all__ = ["attach_background", "choose_headline", "cluster_articles", "story_id"]

log = logging.getLogger(__name__)

# Pairs below the threshold still count towards a cluster's average similarity; only pairs
# below this fraction of it are dropped as candidates (treated as 0).
EDGE_FLOOR = 0.25
# Terms kept per article: its heaviest; the long tail of a long article adds cost, not
# evidence.
MAX_TERMS = 250


def cluster_articles(
    articles: Sequence[Article], *, similarity: float = 0.06, max_gap_days: int = 7
) -> tuple[Story, ...]:
    """Group the articles on one event into one story; every article is in exactly one.

    `similarity` is the least average edge weight (sharpened TF-IDF cosine scaled by shared
    neighbours; absent pairs count 0) between two groups that are merged; groups whose known
    days lie more than `max_gap_days` apart are never merged. Stories come most articles
    first, then newest, then by id; `summary` is left empty.
    """
    ordered = sorted(articles, key=lambda a: a.id)
    if not ordered:
        return ()
    docs = [document(a) for a in ordered]
    fitted = vectorize(docs, sharpen=True, max_terms=MAX_TERMS) if len(ordered) > 1 else None
    if fitted is None:
        stories = [_story([a], None, None) for a in ordered]
        return tuple(sorted(stories, key=_story_order))
    vectors, space = fitted
    days = day_numbers(ordered)
    edges = candidate_edges(vectors, days, floor=similarity * EDGE_FLOOR, max_gap_days=max_gap_days)
    groups = average_link(edges, days, threshold=similarity, max_gap_days=max_gap_days)
    stories = [_story([ordered[i] for i in group], vectors[group], space) for group in groups]
    log.debug("clustered %d articles into %d stories", len(ordered), len(stories))
    return tuple(sorted(stories, key=_story_order))


def story_id(article_ids: Sequence[str]) -> str:
    """A stable id for the story founded by these articles: a hash of their sorted ids."""
    joined = "\n".join(sorted(article_ids)).encode()
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()[:16]


def _story(
    articles: list[Article], rows: sparse.csr_matrix | None, space: TermSpace | None
) -> Story:
    ordered = tuple(sorted(articles, key=lambda a: (a.day or dt.date.min, a.id)))
    return Story(
        id=story_id([a.id for a in articles]),
        headline=headline_in(articles, rows, space),
        articles=ordered,
    )


def _story_order(story: Story) -> tuple[int, int, str]:
    newest = story.days[-1].toordinal() if story.days else 0
    return (-len(story.articles), -newest, story.id)
