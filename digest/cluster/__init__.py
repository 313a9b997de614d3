"""Cluster articles into stories: one `Story` per real-world event.

Each article becomes a sparse TF-IDF vector (words and word pairs, idf counted twice); each
keeps its nearest neighbours, found by sparse dot products in row blocks, never an n×n
matrix; an edge's weight is its cosine scaled by the neighbours the two articles share.
Average-link agglomerative clustering then runs on those candidate edges only: a pair that
is not a candidate counts as 0, so a chain of weakly linked articles never becomes one
story. Groups whose known days lie more than `max_gap_days` apart merge only on much
stronger evidence: twice the similarity and several rare names in common. Two groups of
several articles each merge only when one names most of the rare names the other agrees on:
two events of one topic (Colbert's bid for a Senate seat, Colbert's trip to Russia) each
have names of their own. Two lone articles less than three times the threshold alike merge
only when they name two rare things in common; a merge with a group barely above the
threshold only when each side names some of what the other agrees on. Groups that together
hold the pages of one source only never merge: a story is what several sources report; nor do
a fact check and a report (`_kinds`). See docs/clustering.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from typing import NamedTuple

from digest.cluster._background import attach_background
from digest.cluster._dates import day_numbers
from digest.cluster._headline import choose_headline, headline_in, headlines_in
from digest.cluster._kinds import is_fact_check, labelled_headline
from digest.cluster._linkage import FarEvidence, GroupTest, average_link
from digest.cluster._names import (
    core_names_named,
    name_ids,
    names_in,
    rare_core,
    shared_rare_names,
)
from digest.cluster._vectors import candidate_edges, counts_meanwhile, document, weigh
from digest.identity import source_key
from digest.model import Article, Story

__all__ = ["attach_background", "choose_headline", "cluster_articles", "story_id"]

log = logging.getLogger(__name__)

# Pairs below the threshold still count towards a cluster's average similarity; only pairs
# below this fraction of it are dropped as candidates (treated as 0).
EDGE_FLOOR = 0.25
# max_gap_days for the candidate search: pairs far apart in time stay candidates.
NO_GAP = 1_000_000
# Terms kept per article: its heaviest; the long tail of a long article adds cost, not
# evidence.
MAX_TERMS = 250
# Groups more than max_gap_days apart merge only with this many times the similarity...
FAR_FACTOR = 2.0
# ...and this many shared names (see _far_evidence)...
FAR_NAMES = 3
# ...each found in at most this share of the batch's articles (and in at least half of
# each group's).
RARE_NAME_SHARE = 0.05
# Two groups of several articles each merge only when at least this share of the rare names
# one group agrees on is named by the other (see _apart).
CORE_NAMED = 0.5
# Two lone articles with less than this many times the similarity merge only when they share
# PAIR_NAMES rare names (see _pair_evidence); a name is rare in at most RARE_NAME_SHARE of the
# batch, or in PAIR_RARE_LEAST articles when that is more (a small batch).
PAIR_FACTOR = 3.0
PAIR_NAMES = 2
PAIR_RARE_LEAST = 2
# A merge that involves a group of several articles, with less than this many times the
# similarity, needs each side to name some of what the other agrees on (see _close_evidence):
# a group with a core of its own at least CLOSE_NAMED of the other's core; a lone article (or
# a group with no core) one name of the other's core, when that holds CLOSE_CORE_LEAST names.
CLOSE_FACTOR = 1.25
CLOSE_NAMED = 0.2
CLOSE_CORE_LEAST = 3


def cluster_articles(
    articles: Sequence[Article], *, similarity: float = 0.04, max_gap_days: int = 7
) -> tuple[Story, ...]:
    """Group the articles on one event into one story; every article is in exactly one.

    `similarity` is the least average edge weight (sharpened TF-IDF cosine scaled by shared
    neighbours; absent pairs count 0) between two groups that are merged; groups whose known
    days lie more than `max_gap_days` apart merge only with FAR_FACTOR times that similarity
    and FAR_NAMES rare names in common (see `_far_evidence`). Stories come most articles
    first, then newest, then by id; `summary` is left empty.
    """
    ordered = sorted(articles, key=lambda a: a.id)
    if not ordered:
        return ()
    fitted = None
    if len(ordered) > 1:
        with counts_meanwhile([document(a) for a in ordered], pairs=True) as counts:
            # While other processes count the terms, this one reads the days and names.
            days = day_numbers(ordered)
            names = _Names(*name_ids(ordered), rare=RARE_NAME_SHARE * len(ordered))
            fitted = weigh(counts(), sharpen=True, max_terms=MAX_TERMS)
    fact_checks = [is_fact_check(a) for a in ordered]
    if fitted is None:
        stories = [
            _story([a], labelled_headline(headline_in([a], None, None), checks))
            for a, checks in zip(ordered, fact_checks, strict=True)
        ]
        return tuple(sorted(stories, key=_story_order))
    vectors, space = fitted
    # Pairs far apart in time stay candidates: with enough evidence they are one story.
    edges = candidate_edges(vectors, days, floor=similarity * EDGE_FLOOR, max_gap_days=NO_GAP)
    groups = average_link(
        edges,
        days,
        threshold=similarity,
        max_gap_days=max_gap_days,
        far_threshold=similarity * FAR_FACTOR,
        far_evidence=_far_evidence(names),
        apart=_either(
            _one_source([source_key(a) for a in ordered]),
            _apart(names),
            _other_kind(fact_checks),
        ),
        pair_threshold=similarity * PAIR_FACTOR,
        pair_evidence=_pair_evidence(names),
        close_threshold=similarity * CLOSE_FACTOR,
        close_evidence=_close_evidence(names),
    )
    members = [[ordered[i] for i in group] for group in groups]
    # A group holds fact checks only or reports only (`_other_kind`): its first article says.
    headlines = [
        labelled_headline(h, fact_checks[group[0]])
        for h, group in zip(headlines_in(members, vectors, groups, space), groups, strict=True)
    ]
    stories = [_story(m, h) for m, h in zip(members, headlines, strict=True)]
    log.debug("clustered %d articles into %d stories", len(ordered), len(stories))
    return tuple(sorted(stories, key=_story_order))


class _Names(NamedTuple):
    """Each article's names as ids, each id's document frequency, and the most articles a
    name may be in to count as rare."""

    rows: list[frozenset[int]]
    df: list[int]
    rare: float


def _far_evidence(names: _Names) -> FarEvidence:
    """Coverage weeks apart is one story when both sides name the same rare things.

    Two events of one kind (two rehab check-ins, two shootings) share subject words; a trial
    and the shooting it is about, or a move out of rehab and the check-in, share the names of
    the people and places involved. A name counts when it is in at least half of each
    group's articles and in at most RARE_NAME_SHARE of the batch's articles: a shared name
    is in two articles at least, so in a batch of fewer than 40 no name is rare and nothing
    far apart merges.
    """
    return _names_in_common(names, FAR_NAMES, rare=names.rare)


def _pair_evidence(names: _Names) -> GroupTest:
    """Two lone articles a little above the threshold are one event when they name the same
    rare things.

    On the article-extraction pages (one week, many sites), before this rule, 14 of the 15
    pairs of lone articles merged below three times the threshold were two events of one
    subject, and half of them share fewer than two rare names: oil prices and the Sensex, a
    binge-eating guide and game-day snacks, a stabbing in Berlin and one near San Francisco.
    They share the subject's words; reports of one event share its people, places and numbers
    (the one true pair, two pages on Prince Andrew, shares eight). A stronger pair merges on
    similarity alone; a lone article joining a group is asked less (`_close_evidence`, and
    only barely above the threshold): the group's average over several articles is evidence
    already. PAIR_RARE_LEAST keeps a name only the two articles share rare in a small batch.
    """
    return _names_in_common(names, PAIR_NAMES, rare=max(names.rare, PAIR_RARE_LEAST))


def _close_evidence(names: _Names) -> GroupTest:
    """A group and what joins it barely above the threshold are one event when each names
    some of what the other agrees on.

    On the article-extraction pages the last merges of the MacBook Pro story and of the
    impeachment hearings, each just above the threshold, joined a group of Black Friday deal
    lists, and a group on the Democratic primary: one side names half of the other's core, the
    other side a seventh (MacBook) or a sixth (impeachment) of the first's. `_apart` asks, at
    any weight, only that one side name half of the other's core (one event's groups are told
    with details of their own); below CLOSE_FACTOR × the threshold each side must also name
    CLOSE_NAMED of the other's. A side with no core (a lone article: nothing corroborates its
    names) must name one name of the other's core when that holds at least CLOSE_CORE_LEAST
    names: a markets report joining three pages on the trade talks, a scores page joining an
    NHL game report, name none of what the group agrees on. A core too small to ask about
    gives no evidence either way, and in a batch of fewer than 40 articles no name is rare.
    """
    rows, df, rare = names

    def accept(left: Sequence[int], right: Sequence[int]) -> bool:
        left_rows, right_rows = [rows[i] for i in left], [rows[i] for i in right]
        left_core, right_core = rare_core(left_rows, df, rare), rare_core(right_rows, df, rare)
        return _names_enough(left_core, right_rows, right_core) and _names_enough(
            right_core, left_rows, left_core
        )

    return accept


def _names_enough(core: set[int], other: Sequence[frozenset[int]], other_core: set[int]) -> bool:
    """Whether the other side names enough of this side's core for a close merge: a group with
    a core of its own CLOSE_NAMED of it, any other side one name of a core of at least
    CLOSE_CORE_LEAST (a smaller core, or none, asks nothing)."""
    named = len(core & names_in(other))
    if other_core:
        return named >= CLOSE_NAMED * len(core)
    return named > 0 or len(core) < CLOSE_CORE_LEAST


def _names_in_common(names: _Names, least: int, *, rare: float) -> GroupTest:
    """Whether two groups share at least `least` names, each in at least half of either
    group's articles and in at most `rare` articles of the batch."""
    rows, df = names.rows, names.df

    def accept(left: Sequence[int], right: Sequence[int]) -> bool:
        shared = shared_rare_names([rows[i] for i in left], [rows[i] for i in right], df, rare)
        return shared >= least

    return accept


def _apart(names: _Names) -> GroupTest:
    """Two groups of several articles each are two events when neither names what the other
    agrees on.

    Reports of one event name the same people, places and numbers; two events of one topic
    share the topic's words and its best-known name ("Stephen Colbert", "Pope Francis"), and
    each has names of its own: the articles on Colbert's bid for Jim DeMint's Senate seat
    agree on DeMint, Haley and South Carolina, which no article on his trip to Russia names,
    and those agree on Russia and the Late Show, which no Senate article names. A group's core
    is the rare names (as for the far-apart evidence) in at least half and at least two of its
    articles; the groups stay apart when, on both sides, less than CORE_NAMED of the core is
    named anywhere in the other group. A lone article has no core (nothing corroborates its
    names), so this test never keeps it from a group (`_close_evidence` may, barely above the
    threshold); a group that agrees on no rare name gives no evidence either way.
    """
    rows, df, rare = names

    def apart(left: Sequence[int], right: Sequence[int]) -> bool:
        if len(left) < 2 or len(right) < 2:
            return False
        named = core_names_named([rows[i] for i in left], [rows[i] for i in right], df, rare)
        return named < CORE_NAMED

    return apart


def _one_source(sources: Sequence[str]) -> GroupTest:
    """Two groups are kept apart when every article of both comes from one source.

    A story is an event several sources report. One site's pages on one subject (a company's
    press releases, a blog's posts, one paper's pages on the Los Angeles auto show) share the
    site's names and phrases and look like one event to text similarity. One outlet's second
    report of an event still joins the story once another source's report is in it, and
    near-copies are gone before clustering (de-duplication). A source is
    `identity.source_key`: the outlet, else the URL's host; an article with neither is a
    source of its own, so a folder of saved pages is unaffected.
    """

    def one_source(left: Sequence[int], right: Sequence[int]) -> bool:
        first = sources[left[0]]
        return all(sources[i] == first for side in (left, right) for i in side)

    return one_source


def _other_kind(fact_checks: Sequence[bool]) -> GroupTest:
    """A fact check and a report are kept apart, however alike (`_kinds`): a group holds
    fact checks only or reports only, so its first article says which."""

    def other_kind(left: Sequence[int], right: Sequence[int]) -> bool:
        return fact_checks[left[0]] != fact_checks[right[0]]

    return other_kind


def _either(*tests: GroupTest) -> GroupTest:
    def any_test(left: Sequence[int], right: Sequence[int]) -> bool:
        return any(test(left, right) for test in tests)

    return any_test


def story_id(article_ids: Sequence[str]) -> str:
    """A stable id for the story founded by these articles: a hash of their sorted ids."""
    joined = "\n".join(sorted(article_ids)).encode()
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()[:16]


def _story(articles: list[Article], headline: str) -> Story:
    ordered = tuple(sorted(articles, key=lambda a: (a.day or dt.date.min, a.id)))
    return Story(id=story_id([a.id for a in articles]), headline=headline, articles=ordered)


def _story_order(story: Story) -> tuple[int, int, str]:
    newest = story.days[-1].toordinal() if story.days else 0
    return (-len(story.articles), -newest, story.id)
