"""Story continuity: stories kept across briefings, so a story that grows keeps its id.

Pure part: `signatures` (each story's top terms) and `continue_stories` (today's stories
matched against the kept ones) and `updated_history` (what to keep after today). Store part:
`load_history` and `save_history`, one row per kept story in the `stories` table.

A new story continues a kept one when they share an article, or when the kept story last
appeared at most `max_gap_days` before the briefing and the cosine similarity of their
signatures is at least `similarity`. The continued story takes the kept id, `developing=True`
and `previous_briefing` = the date of the last briefing the kept story appeared in. Each kept
story continues at most one new story (the most similar). See docs/clustering.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import sqlalchemy as sa
from sklearn.feature_extraction.text import TfidfVectorizer

from digest.model import Article, Story
from digest.store import Store
from digest.store._schema import METADATA, upsert
from digest.text.language import token_stop_words

__all__ = [
    "STORIES",
    "KeptStory",
    "as_of",
    "continue_stories",
    "load_history",
    "new_articles",
    "save_history",
    "signatures",
    "signatures_by_id",
    "updated_history",
    "without_repeats",
]

STORIES = sa.Table(
    "stories",
    METADATA,
    sa.Column("id", sa.Text, primary_key=True, nullable=True),
    sa.Column("headline", sa.Text, nullable=False),
    sa.Column("article_ids", sa.Text, nullable=False),  # JSON list
    sa.Column("signature", sa.Text, nullable=False),  # JSON object: term -> weight
    sa.Column("first_seen", sa.Text, nullable=False),  # ISO dates of briefings
    sa.Column("last_seen", sa.Text, nullable=False),
    sa.Column("briefings", sa.Text, nullable=False),  # JSON list of ISO dates
    sa.Index("stories_by_last_seen", "last_seen"),
)

# Terms kept per signature: enough to recognise a story, small enough to store per row.
SIGNATURE_TERMS = 40

Signature = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class KeptStory:
    """A story as remembered between briefings.

    `signature` maps the story's top words to unit-length weights;
    `first_seen`/`last_seen` are the dates of the first and last briefing that showed it, and
    `briefings` all of them, oldest first.
    """

    id: str
    headline: str
    article_ids: tuple[str, ...]
    signature: Signature
    first_seen: dt.date
    last_seen: dt.date
    briefings: tuple[dt.date, ...]


def signatures(
    stories: Sequence[Story], *, paragraphs: int | None = None, pairs: bool = False
) -> tuple[dict[str, float], ...]:
    """Each story's top terms with unit-length TF-IDF weights, the stories being the documents.

    A term that every story of the briefing uses weighs little: what is left names the story.
    Terms are words of the titles and the first `paragraphs` paragraphs (None: all), with
    `pairs` word pairs too. The defaults are what `benchmarks/continuity.py` measured best:
    whole texts, words alone (pairs and leads recognised fewer growing stories, and pairs
    cost several times as much).
    """
    texts = ["\n".join(_text(a, paragraphs) for a in (*s.articles, *s.background)) for s in stories]
    if not texts:
        return ()
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words=list(token_stop_words("english")),
        ngram_range=(1, 2 if pairs else 1),
    )
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no content word in any story
        return tuple({} for _ in stories)
    names = vectorizer.get_feature_names_out()
    out = []
    for row in range(matrix.shape[0]):
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        columns, weights = matrix.indices[start:stop], matrix.data[start:stop]
        # Heaviest first, ties by term: the same input always keeps the same terms.
        top = sorted(
            zip(weights.tolist(), names[columns].tolist(), strict=True),
            key=lambda item: (-item[0], item[1]),
        )[:SIGNATURE_TERMS]
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        out.append({term: round(w / norm, 6) for w, term in sorted(top, key=lambda i: i[1])})
    return tuple(out)


def signatures_by_id(stories: Sequence[Story]) -> dict[str, Signature]:
    """`signatures` of the stories, by story id."""
    return {
        story.id: signature for story, signature in zip(stories, signatures(stories), strict=True)
    }


def _text(article: Article, paragraphs: int | None) -> str:
    return "\n".join((article.title, *article.paragraphs[:paragraphs]))


def continue_stories(
    stories: Sequence[Story],
    history: Sequence[KeptStory],
    *,
    briefing_date: dt.date,
    similarity: float = 0.25,
    max_gap_days: int = 7,
) -> tuple[Story, ...]:
    """Today's stories, those continuing a kept story given its id and marked developing.

    A kept story already shown on `briefing_date` (an earlier build of the same date) can be
    matched too, so a rebuild names and marks the stories as the first build did.
    """
    candidates = [
        k for k in history if _shown_before(k, briefing_date) or briefing_date in k.briefings
    ]
    if not stories or not candidates:
        return tuple(stories)
    current = signatures(stories)
    pairs: list[tuple[float, int, int]] = []
    for i, story in enumerate(stories):
        ids = {a.id for a in story.articles}
        for j, kept in enumerate(candidates):
            if ids & set(kept.article_ids):
                pairs.append((2.0, i, j))  # a shared article: the same story, whatever else
                continue
            shown_today = briefing_date in kept.briefings
            last = briefing_date if shown_today else _shown_before(kept, briefing_date)
            if last is None or (briefing_date - last).days > max_gap_days:
                continue
            score = _cosine(current[i], kept.signature)
            if score >= similarity:
                pairs.append((score, i, j))
    # Greedy one-to-one matching, best pair first; ties by position for a stable result.
    taken_new: dict[int, KeptStory] = {}
    taken_kept: set[int] = set()
    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i in taken_new or j in taken_kept:
            continue
        taken_new[i] = candidates[j]
        taken_kept.add(j)
    return tuple(
        _continued(story, taken_new[i], briefing_date) if i in taken_new else story
        for i, story in enumerate(stories)
    )


def without_repeats(
    stories: Sequence[Story], history: Sequence[KeptStory], *, briefing_date: dt.date
) -> tuple[Story, ...]:
    """Drop continued stories that bring no article beyond what earlier briefings showed.

    A rebuild of a date keeps the stories that date's first build showed.
    """
    kept = {k.id: k for k in history}
    return tuple(
        story
        for story in stories
        if story.id not in kept
        or briefing_date in kept[story.id].briefings
        or not {a.id for a in story.articles} <= set(kept[story.id].article_ids)
    )


def new_articles(story: Story, history: Sequence[KeptStory]) -> tuple[Article, ...]:
    """The articles of a continued story that its kept record does not hold yet."""
    kept = next((k for k in history if k.id == story.id), None)
    if kept is None:
        return story.articles
    known = set(kept.article_ids)
    return tuple(a for a in story.articles if a.id not in known)


def _shown_before(kept: KeptStory, day: dt.date) -> dt.date | None:
    """The last briefing before `day` that showed the kept story, if any."""
    return max((d for d in kept.briefings if d < day), default=None)


def as_of(
    history: Sequence[KeptStory], day: dt.date, *, since: dt.date | None = None
) -> tuple[KeptStory, ...]:
    """The kept stories as a briefing of `day` knows them: only briefings up to `day`.

    A briefing built for an earlier date after later ones must not take the later briefings'
    stories for its own history (its stories would be left out as repeats). A story first
    shown after `day` is not there at all; one shown before and after keeps its briefings up
    to `day` (its article ids stay all it ever had: the store keeps no list per briefing).
    `since`: only stories shown on or after that date, as `load_history` reads them.
    """
    out = []
    for kept in history:
        shown = tuple(d for d in kept.briefings if d <= day)
        if not shown or (since is not None and shown[-1] < since):
            continue
        whole = len(shown) == len(kept.briefings)
        trimmed = replace(kept, briefings=shown, first_seen=shown[0], last_seen=shown[-1])
        out.append(kept if whole else trimmed)
    return tuple(out)


def updated_history(
    stories: Sequence[Story],
    history: Sequence[KeptStory],
    *,
    briefing_date: dt.date,
    signatures: Mapping[str, Signature] | None = None,
) -> tuple[KeptStory, ...]:
    """The kept records to save after a briefing of `stories` (new ones and updated ones).

    `history` is what the store holds (not `as_of` the date): a story also shown on a later
    date keeps that briefing, and its headline and signature stay the latest briefing's.
    `signatures`: the stories' `signatures_by_id` when already worked out (they read neither
    summaries nor ranks).
    """
    previous = {k.id: k for k in history}
    by_id = signatures_by_id(stories) if signatures is None else signatures
    out = []
    for story in stories:
        signature = by_id[story.id]
        old = previous.get(story.id)
        ids = {a.id for a in story.articles} | set(old.article_ids if old else ())
        shown = {*(old.briefings if old else ()), briefing_date}
        later = old if old is not None and old.last_seen > briefing_date else None
        out.append(
            KeptStory(
                id=story.id,
                headline=later.headline if later else story.headline,
                article_ids=tuple(sorted(ids)),
                signature=later.signature if later else signature,
                first_seen=min(shown),
                last_seen=max(shown),
                briefings=tuple(sorted(shown)),
            )
        )
    return tuple(sorted(out, key=lambda k: k.id))


def load_history(store: Store, *, since: dt.date) -> tuple[KeptStory, ...]:
    """Kept stories last seen on or after `since`, by id."""
    rows = store.connection.execute(
        sa.select(STORIES).where(STORIES.c.last_seen >= since.isoformat()).order_by(STORIES.c.id)
    ).mappings()
    return tuple(
        KeptStory(
            id=row["id"],
            headline=row["headline"],
            article_ids=tuple(json.loads(row["article_ids"])),
            signature=_words_only(json.loads(row["signature"])),
            first_seen=dt.date.fromisoformat(row["first_seen"]),
            last_seen=dt.date.fromisoformat(row["last_seen"]),
            briefings=tuple(dt.date.fromisoformat(d) for d in json.loads(row["briefings"])),
        )
        for row in rows
    )


def _words_only(signature: dict[str, float]) -> dict[str, float]:
    """A stored signature as today's are made: words only, unit length.

    Signatures kept until November 2026 also hold word pairs, which today's never do: left in,
    they would lower every cosine and lose growing stories for a week after an upgrade.
    """
    words = {term: weight for term, weight in signature.items() if " " not in term}
    if len(words) == len(signature):
        return signature
    norm = math.sqrt(sum(w * w for w in words.values())) or 1.0
    return {term: round(weight / norm, 6) for term, weight in words.items()}


def save_history(store: Store, kept: Sequence[KeptStory]) -> None:
    """Insert or replace these kept stories (one transaction)."""
    if not kept:
        return
    with store.transaction() as db:
        insert = upsert(db, STORIES)
        columns = ("headline", "article_ids", "signature", "first_seen", "last_seen", "briefings")
        db.execute(
            insert.on_conflict_do_update(
                index_elements=[STORIES.c.id],
                set_={name: insert.excluded[name] for name in columns},
            ),
            [
                {
                    "id": k.id,
                    "headline": k.headline,
                    "article_ids": json.dumps(list(k.article_ids)),
                    "signature": json.dumps(dict(sorted(k.signature.items()))),
                    "first_seen": k.first_seen.isoformat(),
                    "last_seen": k.last_seen.isoformat(),
                    "briefings": json.dumps([d.isoformat() for d in k.briefings]),
                }
                for k in kept
            ],
        )


def _continued(story: Story, kept: KeptStory, briefing_date: dt.date) -> Story:
    previous = _shown_before(kept, briefing_date)
    return replace(
        story,
        id=kept.id,
        developing=previous is not None,
        previous_briefing=previous.isoformat() if previous else None,
    )


def _cosine(a: Signature, b: Signature) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = float(np.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values())))
    return dot / norm if norm else 0.0
