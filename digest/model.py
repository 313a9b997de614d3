"""The core data model passed between pipeline stages.

Standard library only; imports nothing from digest. Every type is a frozen dataclass so a
stage can never change what an earlier stage handed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Article",
    "Briefing",
    "Conflict",
    "ConflictKind",
    "Published",
    "RawDocument",
    "SourceReport",
    "Story",
    "SummarySentence",
]


@dataclass(frozen=True, slots=True)
class Published:
    """When an article appeared, as precisely as its source said: the day, and the time of day
    when known (its `tzinfo` set when the zone is known too)."""

    day: dt.date
    time: dt.time | None = None

    @classmethod
    def of(cls, value: dt.date | None) -> Published | None:
        """A date (the day alone) or a datetime (naive: no zone known) as a `Published`."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return cls(value.date(), value.timetz())
        return cls(value)

    @property
    def stated(self) -> dt.date:
        """The date, or the datetime when the time is known: what the source stated."""
        return self.day if self.time is None else dt.datetime.combine(self.day, self.time)

    def isoformat(self) -> str:
        """ISO 8601 at the stated precision: `2022-02-01`, `2022-02-01T17:06:00[+05:30]`."""
        return self.stated.isoformat()

    def moment(self) -> dt.datetime:
        """An aware instant to order and compare by: a time without a zone is read as UTC (off
        by hours at most) and a day alone as its first moment in UTC."""
        time = self.time or dt.time()
        moment = dt.datetime.combine(self.day, time)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

    def is_before(self, moment: dt.datetime) -> bool:
        """Whether it appeared before the aware `moment`; a day alone only if the whole day
        (in UTC) was."""
        if self.time is None:
            return self.day < moment.astimezone(dt.UTC).date()
        return self.moment() < moment


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
    published: Published | None = None
    guid: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article; `published` is as precise as its source said (see `Published`)."""

    id: str
    origin: str
    title: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    outlet: str | None = None
    published: Published | None = None
    guid: str | None = None
    category: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def day(self) -> dt.date | None:
        """The calendar day of publication, as the source stated it."""
        return None if self.published is None else self.published.day


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence of a story's summary, verbatim from the article it names.

    `disputed`: a conflict of the story shows this sentence as one of its claims, so the
    briefing points there instead of saying it twice.
    """

    text: str
    article_id: str
    disputed: bool = False


# What two conflicting sentences disagree on: one denies what the other states, or they give
# different numbers for the same thing.
ConflictKind = Literal["denial", "number"]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sentences of one story that disagree on a checkable point."""

    claim: SummarySentence
    counter: SummarySentence
    reason: str
    kind: ConflictKind = "denial"


@dataclass(frozen=True, slots=True)
class Story:
    """Articles reporting one event, with the headline and summary chosen for them.

    `background` holds earlier articles of the same thread that report a different event.
    `rank`, `featured` and `section` are the briefing's layout, set by compose: the story's
    place in importance order (1 = most important; None before ranking), whether it is shown
    with its full summary or as one line, and the title of its section (None: no sections).
    """

    id: str
    headline: str
    articles: tuple[Article, ...]
    summary: tuple[SummarySentence, ...] = ()
    background: tuple[Article, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    developing: bool = False
    previous_briefing: str | None = None
    rank: int | None = None
    featured: bool = True
    section: str | None = None

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
