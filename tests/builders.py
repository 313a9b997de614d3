"""Small builders for the model types, so each test states only what it is about."""

from __future__ import annotations

import datetime as dt

from digest.model import Article, Briefing, Published, SourceReport, Story, SummarySentence
from digest.store import StoreLocation


def make_article(
    article_id: str = "a1",
    *,
    title: str = "A headline",
    paragraphs: tuple[str, ...] = ("Some article text about an event.",),
    url: str | None = None,
    outlet: str | None = None,
    published: dt.date | None = None,
    origin: str | None = None,
) -> Article:
    """An article; `published` is a date or datetime, as a source states it."""
    return Article(
        id=article_id,
        origin=origin or f"{article_id}.txt",
        title=title,
        paragraphs=paragraphs,
        url=url,
        outlet=outlet,
        published=Published.of(published),
    )


def make_story(
    *articles: Article,
    headline: str = "A story",
    summary: tuple[tuple[str, str], ...] = (),
    story_id: str = "s1",
) -> Story:
    return Story(
        id=story_id,
        headline=headline,
        articles=articles or (make_article(),),
        summary=tuple(SummarySentence(text, article_id) for text, article_id in summary),
    )


def make_briefing(
    *stories: Story,
    date: dt.date = dt.date(2022, 2, 1),
    sources: tuple[SourceReport, ...] = (),
) -> Briefing:
    return Briefing(
        date=date,
        generated_at=dt.datetime(2022, 2, 1, 7, 0, tzinfo=dt.UTC),
        stories=stories,
        sources=sources,
    )


def store_yaml(target: StoreLocation) -> str:
    """The config's `store:` section for `target`: a SQLite file's path or a PostgreSQL URL."""
    if target.url is not None:
        return f"store:\n  url: {target.url}\n"
    return f"store:\n  path: {target.path}\n"
