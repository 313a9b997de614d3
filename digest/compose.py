"""Stories -> the briefing's layout: rank by importance, feature the top, optional sections.

Pure: the same stories and rules give the same layout, whatever order they came in. The
ranking and its reasons are written up in docs/briefing.md ("Ranking").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from digest.identity import source_key
from digest.model import Article, Briefing, Story
from digest.text.language import stemmer_for, stop_words_for
from digest.text.words import words_of

__all__ = [
    "DEFAULT_SECTION",
    "Section",
    "SectionRule",
    "Signals",
    "arrange",
    "assign_sections",
    "cohesion",
    "content_words",
    "distinct_sources",
    "order_stories",
    "rank_stories",
    "story_signals",
]

DEFAULT_SECTION = "Other news"


@dataclass(frozen=True, slots=True)
class SectionRule:
    """A section of the briefing: stories whose feed category or words match go under it."""

    title: str
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A heading (None: no heading, the briefing has no sections) and its stories, in order."""

    title: str | None
    stories: tuple[Story, ...]


# Cohesion at or above which a story counts every source it has. On the pooled Multi-News dev
# day 55% of the stories (of two or more articles) that report one event reach it, and 25 of
# the 27 that merged several events do not (docs/briefing.md, "Ranking").
TIGHT_COHESION = 0.2
# A day older halves a story's weight this many days on: yesterday's news still counts, a week
# old story gives way.
HALF_LIFE_DAYS = 2.0
# A story that grew since the last briefing is news again; this much, not more, so a small
# update does not push a wide new story down.
DEVELOPING_BONUS = 1.25
# Only the start of an article says what event it reports; the rest drifts into background.
_LEAD_WORDS = 200
_MIN_WORD_LENGTH = 3


@dataclass(frozen=True, slots=True)
class Signals:
    """What a story's rank rests on, and the score made of it (docs/briefing.md, "Ranking")."""

    sources: int  # distinct outlets, else URL hosts, else articles
    cohesion: float  # 0..1, how alike the story's articles are (1 for a single article)
    age_days: int | None  # days from its newest article to the briefing's date; None undated
    developing: bool
    score: float


def distinct_sources(story: Story) -> int:
    """How many independent sources report the story.

    Each article counts by its outlet when known, else by its URL's host, else by itself: a
    folder of saved pages names no outlets, and two pages are then two sources.
    """
    return len({source_key(a) for a in story.articles})


def cohesion(documents: Sequence[Collection[str]], idf: dict[str, float]) -> float:
    """How tightly a story's articles agree, 0..1: as tightly as its least bound article.

    Each article is bound to the story by its mean cosine similarity to the other articles;
    the story's cohesion is the lowest of these. A story that merged two events holds an
    article bound loosely to the rest even when most of its articles agree. `documents` holds
    each article's content words (`content_words`), weighted by how rare each word is among
    the day's articles (`idf`), so that shared names and rare words bind and everyday words
    do not. A single article (or a single one with words) is fully cohesive.
    """
    vectors = [vector for words in documents if (vector := _unit_vector(words, idf))]
    count = len(vectors)
    if count < 2:
        return 1.0
    total: dict[str, float] = {}
    for vector in vectors:
        for word, weight in vector.items():
            total[word] = total.get(word, 0.0) + weight
    # An article's similarity to the sum of all (itself included, 1) gives its mean similarity
    # to the others in one pass over its words, without comparing every pair.
    bound = min(
        (math.fsum(weight * total[word] for word, weight in vector.items()) - 1.0) / (count - 1)
        for vector in vectors
    )
    return max(0.0, min(1.0, bound))


def content_words(article: Article, language: str) -> frozenset[str]:
    """The stems of the content words of an article's title and lead, stop words left out.

    A set: in a lead of 200 words, whether a word occurs says what the article is about; how
    often adds little, and sets keep ranking cheap on a 10,000-article day.
    """
    unique = set(words_of(f"{article.title}\n{_lead(article)}".lower())) - stop_words_for(language)
    # In any order: the stems come back as a set.
    words = [w for w in unique if len(w) >= _MIN_WORD_LENGTH]
    return frozenset(stemmer_for(language).stem_words(words))


def _lead(article: Article) -> str:
    """The article's first paragraphs, up to about `_LEAD_WORDS` words (never the whole text)."""
    kept: list[str] = []
    count = 0
    for paragraph in article.paragraphs:
        words = paragraph.split()
        kept.append(" ".join(words[: _LEAD_WORDS - count]))
        count += len(words)
        if count >= _LEAD_WORDS:
            break
    return "\n".join(kept)


def story_signals(stories: Sequence[Story], *, date: dt.date, language: str) -> dict[str, Signals]:
    """Each story's ranking signals and score, by story id."""
    words = {s.id: [content_words(a, language) for a in s.articles] for s in stories}
    idf = _idf(w for lists in words.values() for w in lists)
    signals = {}
    for story in stories:
        sources = distinct_sources(story)
        tightness = cohesion(words[story.id], idf)
        age = _age_days(story, date)
        # Extra sources count in full for a tight story and fade, squared, for a loose one:
        # a story that merged several events gathers sources without being more important.
        weight = 1.0 + (sources - 1) * min(1.0, tightness / TIGHT_COHESION) ** 2
        recency = 0.5 ** (age / HALF_LIFE_DAYS) if age is not None else 1.0
        bonus = DEVELOPING_BONUS if story.developing else 1.0
        # Rounded so that the order never rests on the last bits of a float.
        score = round(weight * recency * bonus, 9)
        signals[story.id] = Signals(sources, tightness, age, story.developing, score)
    return signals


def rank_stories(
    stories: Sequence[Story],
    *,
    date: dt.date,
    language: str,
    signals: Mapping[str, Signals] | None = None,
) -> tuple[Story, ...]:
    """Most important first, each with its `rank` set (1 = first).

    By score; ties by more articles, the tighter, the most recent, then headline and id, so
    the order never depends on the order the stories came in. `signals`: the stories'
    `story_signals` when already worked out (they read neither summaries nor conflicts).
    """
    if signals is None:
        signals = story_signals(stories, date=date, language=language)

    def key(story: Story) -> tuple[float, int, float, float, str, str]:
        found = signals[story.id]
        tightness = round(found.cohesion, 9)
        return (
            -found.score,
            -len(story.articles),
            -tightness,
            -_latest(story),
            story.headline,
            story.id,
        )

    ordered = sorted(stories, key=key)
    return tuple(replace(story, rank=n) for n, story in enumerate(ordered, start=1))


def order_stories(stories: Sequence[Story]) -> tuple[Story, ...]:
    """Stories in `rank` order (unranked ones last, by outlets, articles and recency)."""
    return tuple(
        sorted(
            stories,
            key=lambda s: (
                s.rank is None,
                s.rank or 0,
                -len(s.outlets),
                -len(s.articles),
                -_latest(s),
                s.headline,
                s.id,
            ),
        )
    )


def assign_sections(
    stories: Sequence[Story], rules: Sequence[SectionRule], *, default: str = DEFAULT_SECTION
) -> tuple[Section, ...]:
    """Each story under the first rule it matches, in the rules' order; the rest under `default`.

    Without rules: one untitled section holding every story. Empty sections are left out.
    """
    if not rules:
        return (Section(None, tuple(stories)),)
    placed: list[list[Story]] = [[] for _ in rules]
    rest: list[Story] = []
    for story in stories:
        index = next((i for i, rule in enumerate(rules) if _matches(story, rule)), None)
        (rest if index is None else placed[index]).append(story)
    sections = [Section(rule.title, tuple(s)) for rule, s in zip(rules, placed, strict=True) if s]
    if rest:
        sections.append(Section(default, tuple(rest)))
    return tuple(sections)


def arrange(
    briefing: Briefing,
    rules: Sequence[SectionRule] = (),
    *,
    featured: int | None = None,
    language: str = "english",
    signals: Mapping[str, Signals] | None = None,
) -> tuple[Briefing, tuple[Section, ...]]:
    """The briefing with its stories ranked, featured and in sections, and its sections.

    The `featured` best-ranked stories overall (all when None) are shown in full, the rest as
    one line each. Inside each section its featured stories come first, then its one-liners,
    each part in rank order; the briefing's own story tuple is the sections read top to
    bottom, so story numbers run in the order a reader sees them.
    """
    ranked = rank_stories(briefing.stories, date=briefing.date, language=language, signals=signals)
    cap = len(ranked) if featured is None else featured
    ranked = tuple(replace(s, featured=(s.rank or 0) <= cap) for s in ranked)
    sections = tuple(
        Section(
            section.title,
            tuple(
                replace(story, section=section.title)
                for story in sorted(section.stories, key=lambda s: not s.featured)
            ),
        )
        for section in assign_sections(ranked, rules)
    )
    stories = tuple(story for section in sections for story in section.stories)
    return replace(briefing, stories=stories), sections


def _matches(story: Story, rule: SectionRule) -> bool:
    categories = {c.casefold() for c in rule.categories}
    if any(a.category and a.category.casefold() in categories for a in story.articles):
        return True
    if not rule.keywords:
        return False
    text = " ".join(
        [story.headline, *(a.title for a in story.articles), *(s.text for s in story.summary)]
    )
    return any(_keyword(k).search(text) for k in rule.keywords)


def _keyword(keyword: str) -> re.Pattern[str]:
    # Whole words, any case: "art" must not file a story about "startups" under Arts.
    return re.compile(rf"(?<!\w){re.escape(keyword.strip())}(?!\w)", re.IGNORECASE)


def _idf(documents: Iterable[Collection[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each word over `documents` (never zero)."""
    frequency: Counter[str] = Counter()
    count = 0
    for words in documents:
        frequency.update(words)
        count += 1
    return {word: math.log((1 + count) / (1 + df)) + 1.0 for word, df in frequency.items()}


def _unit_vector(words: Collection[str], idf: dict[str, float]) -> dict[str, float]:
    """Each word weighted by its idf, scaled to length 1 (empty for no words)."""
    length = math.sqrt(math.fsum(idf[w] ** 2 for w in words))
    # In any order: `cohesion` sums each word's weights article by article, and its dot
    # products with `math.fsum`, which is exact whatever the order.
    return {w: idf[w] / length for w in words} if length else {}


def _age_days(story: Story, date: dt.date) -> int | None:
    """Days from the story's newest dated article to `date` (0 if newer); None if undated."""
    days = story.days
    return max(0, (date - days[-1]).days) if days else None


def _latest(story: Story) -> float:
    """When the story's newest article appeared, in seconds (0 when no article is dated)."""
    return max((_moment(a) for a in story.articles), default=0.0)


def _moment(article: Article) -> float:
    return 0.0 if article.published is None else article.published.moment().timestamp()
