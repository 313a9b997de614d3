"""An earlier story of the same thread becomes the background of the newer story."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from digest.cluster._vectors import document, vectorize
from digest.model import Article, Story

__all__ = ["attach_background"]


def attach_background(
    stories: Sequence[Story],
    *,
    similarity: float = 0.2,
    min_gap_days: int = 7,
    max_gap_days: int = 90,
) -> tuple[Story, ...]:
    """Fold each older story of the same thread into a newer story as its `background`.

    Story O goes into story N when both have dated articles, O's last day is more than
    `min_gap_days` and at most `max_gap_days` before N's first day, and the cosine similarity
    of their TF-IDF centroids is at least `similarity`. O goes to the most similar such N and
    leaves the list; chains (December → January → February) end in the newest story. Order
    is otherwise kept; stories without a known day are left alone.
    """
    dated = [i for i, story in enumerate(stories) if story.days]
    if len(dated) < 2:
        return tuple(stories)
    target = _targets(stories, dated, similarity, min_gap_days, max_gap_days)
    extra: dict[int, list[Article]] = {}
    for older in sorted(target):
        final = target[older]
        while final in target:  # terminates: every step goes to a strictly later story
            final = target[final]
        extra.setdefault(final, []).extend((*stories[older].articles, *stories[older].background))
    return tuple(
        _with_background(story, extra.get(i, []))
        for i, story in enumerate(stories)
        if i not in target
    )


def _targets(
    stories: Sequence[Story],
    dated: list[int],
    similarity: float,
    min_gap_days: int,
    max_gap_days: int,
) -> dict[int, int]:
    """For each older story, the index of the newer story it is background to."""
    # Single words only: a thread shares its subject's words ("Ukraine", "guarantees"), while
    # word pairs mostly name the one event.
    docs = [" ".join(document(a) for a in stories[i].articles) for i in dated]
    fitted = vectorize(docs, min_df=1, pairs=False)
    if fitted is None:
        return {}
    vectors = fitted[0]
    sims = (vectors @ vectors.T).toarray()
    # Each story's first and last day, once: `Story.days` is worked out anew at every call.
    first = [stories[i].days[0] for i in dated]
    last = [stories[i].days[-1] for i in dated]
    target: dict[int, int] = {}
    for x, older in enumerate(dated):
        ranked = sorted(
            (-float(sims[x, y]), first[y], newer)
            for y, newer in enumerate(dated)
            if min_gap_days < (first[y] - last[x]).days <= max_gap_days and sims[x, y] >= similarity
        )
        if ranked:
            target[older] = ranked[0][2]
    return target


def _with_background(story: Story, extra: list[Article]) -> Story:
    if not extra:
        return story
    merged = {a.id: a for a in (*story.background, *extra)}
    ordered = sorted(merged.values(), key=lambda a: (a.day or dt.date.min, a.id))
    return replace(story, background=tuple(ordered))
