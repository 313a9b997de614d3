"""Stories -> the briefing's layout: order by importance, optional sections.

Pure: the same stories and rules give the same layout, whatever order they came in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from digest.model import Article, Briefing, Story

__all__ = [
    "DEFAULT_SECTION",
    "Section",
    "SectionRule",
    "arrange",
    "assign_sections",
    "order_stories",
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


def order_stories(stories: Sequence[Story]) -> tuple[Story, ...]:
    """Most important first: more outlets, then more articles, then the most recent."""
    return tuple(
        sorted(
            stories,
            key=lambda s: (-len(s.outlets), -len(s.articles), -_latest(s), s.headline, s.id),
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
    briefing: Briefing, rules: Sequence[SectionRule] = ()
) -> tuple[Briefing, tuple[Section, ...]]:
    """The briefing with its stories ordered, and its sections.

    Stories keep importance order inside each section; the briefing's own story tuple is the
    sections read top to bottom, so story numbers run in the order a reader sees them.
    """
    sections = assign_sections(order_stories(briefing.stories), rules)
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


def _latest(story: Story) -> float:
    """When the story's newest article appeared, in seconds (0 when no article is dated)."""
    return max((_moment(a) for a in story.articles), default=0.0)


def _moment(article: Article) -> float:
    value = article.published
    if value is None:
        return 0.0
    if isinstance(value, dt.datetime):
        # A naive time is read as UTC: off by hours at most, enough to order stories.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.timestamp()
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
