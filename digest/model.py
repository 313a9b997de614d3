"""The core data model passed between pipeline stages.

Standard library only; imports nothing from digest. Every type is a frozen dataclass so a
stage can never change what an earlier stage handed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "Article",
    "Briefing",
    "Conflict",
    "RawDocument",
    "SourceReport",
    "Story",
    "SummarySentence",
]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a source yields before cleaning: text as found, plus whatever metadata came with it.

    `meta` holds values stated by the source itself (front matter, feed fields); they take
    precedence over what the cleaner guesses from the text.
    """

    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    guid: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article.

    `published` is a `datetime` when the time of day is known (timezone-aware when the zone is
    known, naive when the source gave a local time without a zone) and a `date` when only the
    day is known.
    """

    id: str
    origin: str
    title: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    guid: str | None = None
    category: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def day(self) -> dt.date | None:
        """The calendar day of publication, whatever precision `published` has."""
        if isinstance(self.published, dt.datetime):
            return self.published.date()
        return self.published


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence of a story's summary, verbatim from the article it names.

    `disputed`: a conflict of the story shows this sentence as one of its claims, so the
    briefing points there instead of saying it twice.
    """

    text: str
    article_id: str
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sentences of one story that disagree on a checkable point."""

    claim: SummarySentence
    counter: SummarySentence
    reason: str


@dataclass(frozen=True, slots=True)
class Story:
    """Articles reporting one event, with the headline and summary chosen for them.

    `background` holds earlier articles of the same thread that report a different event.
    """

    id: str
    headline: str
    articles: tuple[Article, ...]
    summary: tuple[SummarySentence, ...] = ()
    background: tuple[Article, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    developing: bool = False
    previous_briefing: str | None = None

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({a.outlet for a in self.articles if a.outlet}))

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(sorted({d for a in self.articles if (d := a.day) is not None}))


@dataclass(frozen=True, slots=True)
class SourceReport:
    """How one source fared in a run: what it yielded, or why it failed."""

    source: str
    ok: bool
    articles: int = 0
    message: str = ""
    last_success: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything a rendered briefing shows, for one date."""

    date: dt.date
    generated_at: dt.datetime
    stories: tuple[Story, ...]
    sources: tuple[SourceReport, ...] = field(default=())

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for s in self.stories for a in s.articles)

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({o for s in self.stories for o in s.outlets}))
