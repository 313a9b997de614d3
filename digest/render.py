"""Briefing -> Markdown and HTML through jinja2 templates, and JSON (`digest.briefing_json`).

Templates are looked up in the user's folder first (`output.templates`), then among the built-in
ones, template by template, so a user overrides one without copying the rest. The built-in
templates are package data, `digest/templates`: in a clone a link to the top-level `templates/`
folder (edits show at once), in a wheel a copy of it (docs/install.md).
HTML templates are autoescaped; only http(s) links ever become links.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import jinja2

from digest.briefing_json import briefing_json
from digest.model import Article, Briefing, Published, Story

__all__ = [
    "BUILTIN_TEMPLATES",
    "ConflictView",
    "RenderedBriefing",
    "SectionLike",
    "SectionView",
    "SourcedSentence",
    "StoryView",
    "make_environment",
    "render_briefing",
    "safe_url",
    "section_views",
    "story_views",
    "template_context",
    "xml_text",
]

# The package and folder jinja2's PackageLoader reads the built-in templates from.
BUILTIN_TEMPLATES: tuple[str, str] = ("digest", "templates")
# Characters XML 1.0 forbids even escaped; a feed holding one is not well-formed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An underscore inside a word (file_name.txt) cannot start emphasis in CommonMark, so it is
# left as is for people reading the .md file as text; everywhere else it is escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]<>#|]|(?<![^\W_])_|_(?![^\W_]))")


@dataclass(frozen=True, slots=True)
class RenderedBriefing:
    markdown: str
    html: str
    json: str  # the whole briefing for programs (docs/briefing.md)


class SectionLike(Protocol):
    """What render needs of a section (`digest.compose.Section` is one)."""

    @property
    def title(self) -> str | None: ...

    @property
    def stories(self) -> Sequence[Story]: ...


@dataclass(frozen=True, slots=True)
class SourcedSentence:
    """A sentence with its source: `source` numbers its article in the story's list."""

    text: str
    source: int  # 1-based number of the article in its story's list
    href: str  # the article's http(s) URL, else the anchor of its entry in the list
    url: str | None = None  # the article's http(s) URL, when it has one
    disputed: bool = False  # a conflict of the story shows it: the summary points there


@dataclass(frozen=True, slots=True)
class ConflictView:
    claim: SourcedSentence
    counter: SourcedSentence
    claim_article: Article
    counter_article: Article
    reason: str


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story as templates see it: numbered, with each summary sentence's source numbered."""

    number: int
    anchor: str
    story: Story
    sentences: tuple[SourcedSentence, ...]
    articles: tuple[Article, ...]
    conflicts: tuple[ConflictView, ...] = ()
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    previous_date: dt.date | None = None  # the earlier briefing this story continues
    previous_href: str | None = None  # "<date>.html", beside this briefing

    @property
    def featured(self) -> bool:
        """Shown with its full summary; otherwise as one line."""
        return self.story.featured

    @property
    def links(self) -> tuple[tuple[int, str], ...]:
        """(number, http(s) URL) of each of its articles that has one, for a one-line entry."""
        return tuple(
            (n, url) for n, a in enumerate(self.articles, start=1) if (url := safe_url(a.url))
        )


@dataclass(frozen=True, slots=True)
class SectionView:
    """A section's stories in reading order: its featured stories, then its one-liners."""

    title: str | None
    stories: tuple[StoryView, ...]
    anchor: str = "more"  # the HTML id of its list of one-liners

    @property
    def featured(self) -> tuple[StoryView, ...]:
        return tuple(v for v in self.stories if v.featured)

    @property
    def briefs(self) -> tuple[StoryView, ...]:
        """The stories shown as one line each."""
        return tuple(v for v in self.stories if not v.featured)


def story_views(stories: Sequence[Story], *, start: int = 1) -> tuple[StoryView, ...]:
    return tuple(_story_view(story, number) for number, story in enumerate(stories, start=start))


def section_views(sections: Sequence[SectionLike]) -> tuple[SectionView, ...]:
    """Sections with their stories numbered on, top to bottom, across sections."""
    views = []
    number = 1
    for index, section in enumerate(sections, start=1):
        stories = story_views(section.stories, start=number)
        number += len(stories)
        views.append(SectionView(section.title, stories, anchor=f"more-{index}"))
    return tuple(views)


def _story_view(story: Story, number: int) -> StoryView:
    anchor = f"story-{number}"
    position = {article.id: n for n, article in enumerate(story.articles, start=1)}

    def sourced(text: str, article_id: str, *, disputed: bool = False) -> SourcedSentence:
        source = position[article_id]
        url = safe_url(story.articles[source - 1].url)
        return SourcedSentence(text, source, url or f"#{anchor}-source-{source}", url, disputed)

    sentences = tuple(
        sourced(s.text, s.article_id, disputed=s.disputed)
        for s in story.summary
        if s.article_id in position
    )
    conflicts = tuple(
        ConflictView(
            claim=sourced(c.claim.text, c.claim.article_id),
            counter=sourced(c.counter.text, c.counter.article_id),
            claim_article=story.articles[position[c.claim.article_id] - 1],
            counter_article=story.articles[position[c.counter.article_id] - 1],
            reason=c.reason,
        )
        for c in story.conflicts
        if c.claim.article_id in position and c.counter.article_id in position
    )
    days = story.days
    previous = _iso_date(story.previous_briefing)
    return StoryView(
        number=number,
        anchor=anchor,
        story=story,
        sentences=sentences,
        articles=story.articles,
        conflicts=conflicts,
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        previous_date=previous,
        previous_href=f"{previous.isoformat()}.html" if previous else None,
    )


def _iso_date(value: str | None) -> dt.date | None:
    # Only a real date becomes a link: the value names a file beside this briefing.
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) link, else None: `javascript:` and friends never link."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def format_date(value: Published | dt.date | None) -> str:
    """A day ("1 February 2022") or a moment ("1 February 2022, 17:06 UTC+05:30") to read."""
    if isinstance(value, Published):
        value = value.stated
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        zone = value.strftime(" %Z") if value.tzinfo is not None else ""
        return value.strftime("%-d %B %Y, %H:%M") + zone
    return value.strftime("%-d %B %Y")


def markdown_url(url: str) -> str:
    """A URL safe inside Markdown's `(...)`: characters that would end or break it encoded."""
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>[]" else ch for ch in url)


def markdown_escape(text: str) -> str:
    """Escape Markdown's special characters so article text cannot become markup or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def xml_text(value: object) -> str:
    """Text safe to place in XML once escaped: characters XML cannot hold removed."""
    return _XML_INVALID.sub("", str(value))


def make_environment(user_templates: Path | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.PackageLoader(*BUILTIN_TEMPLATES))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "xml.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["safe_url"] = safe_url
    environment.filters["date"] = format_date
    environment.filters["md"] = markdown_escape
    environment.filters["md_url"] = markdown_url
    environment.filters["xml_text"] = xml_text
    return environment


def render_briefing(
    briefing: Briefing,
    *,
    environment: jinja2.Environment | None = None,
    sections: Sequence[SectionLike] | None = None,
) -> RenderedBriefing:
    """Markdown, HTML and JSON of one briefing; `sections` (from compose) group its stories.

    Without sections the stories are rendered in the briefing's order, under no heading.
    """
    environment = environment or make_environment()
    context = template_context(briefing, sections)
    return RenderedBriefing(
        markdown=environment.get_template("briefing.md.j2").render(context),
        html=environment.get_template("briefing.html.j2").render(context),
        json=briefing_json(briefing),
    )


def template_context(
    briefing: Briefing, sections: Sequence[SectionLike] | None = None
) -> dict[str, object]:
    """The variables every briefing template receives (listed in docs/rendering.md)."""
    views = section_views(sections if sections is not None else [_Untitled(None, briefing.stories)])
    return {
        "briefing": briefing,
        "date": briefing.date,
        "generated_at": briefing.generated_at,
        "sections": views,
        "titled_sections": any(v.title for v in views),
        "stories": tuple(story for view in views for story in view.stories),
        "featured": tuple(story for view in views for story in view.featured),
        "briefs": tuple(story for view in views for story in view.briefs),
        "sources": briefing.sources,
        "failed_sources": tuple(s for s in briefing.sources if not s.ok),
    }


@dataclass(frozen=True, slots=True)
class _Untitled:
    title: str | None
    stories: tuple[Story, ...]
