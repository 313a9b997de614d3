"""Briefing -> Markdown and HTML through jinja2 templates, and JSON (`digest.briefing_json`).

Templates are looked up in the user's folder first (`output.templates`), then in the built-in
`templates/` folder, template by template, so a user overrides one without copying the rest.
HTML templates are autoescaped; only http(s) links ever become links.

A template that does not compile, or fails while rendering (an undefined variable: templates run
with StrictUndefined, so a misspelt name is an error, not an empty string), is a ConfigError
naming the template's file and line, whether it is the user's or a built-in one.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import NoReturn, Protocol
from urllib.parse import urlsplit

import jinja2
import markupsafe

from digest.briefing_json import briefing_json
from digest.errors import ConfigError
from digest.model import Article, Briefing, Published, Story

__all__ = [
    "BUILTIN_TEMPLATES",
    "DARK",
    "LIGHT",
    "ConflictView",
    "Palette",
    "RenderedBriefing",
    "SectionLike",
    "SectionView",
    "SourcedSentence",
    "StoryView",
    "isolate",
    "isolate_text",
    "make_environment",
    "render_briefing",
    "safe_url",
    "section_views",
    "story_views",
    "template_context",
    "xml_text",
]

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Characters XML 1.0 forbids even escaped; a feed holding one is not well-formed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An underscore inside a word (file_name.txt) cannot start emphasis in CommonMark, so it is
# left as is for people reading the .md file as text; everywhere else it is escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]<>#|]|(?<![^\W_])_|_(?![^\W_]))")
# Unicode's bidirectional classes that can move the text around them: right-to-left letters,
# Arabic digits, and the explicit embeddings, overrides and isolates (UAX #9).
_DIRECTIONAL = frozenset(
    {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
)
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_FSI, _PDI = "\u2068", "\u2069"
# A paragraph separator ends every embedding and isolate, ours too: each line is isolated alone.
_PARAGRAPH_BREAK = re.compile("([\n\r\x1c-\x1e\x85\u2029])")


@dataclass(frozen=True, slots=True)
class Palette:
    """The HTML's colours in one scheme. Templates write every value out (no `var()`): mail
    clients such as Gmail and Outlook drop CSS variables and the element that defines them."""

    ink: str
    muted: str
    paper: str
    rule: str
    link: str
    tint: str
    accent: str
    on_accent: str  # text on an `accent` background: the "developing" badge


LIGHT = Palette(
    ink="#1d1d1f",
    muted="#5b5b60",
    paper="#fbfbf8",
    rule="#e2e0da",
    link="#0b57d0",
    tint="#f1efe8",
    accent="#b3261e",
    on_accent="#ffffff",
)
DARK = Palette(
    ink="#e8e8e6",
    muted="#a5a5aa",
    paper="#161617",
    rule="#333333",
    link="#8ab4f8",
    tint="#222224",
    accent="#f28b82",
    on_accent="#161617",
)


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


def isolate_text(text: str) -> str:
    """`text` as an isolate (FSI ... PDI) if it could change the direction of the text around
    it, else unchanged; its own isolates are balanced so it cannot end ours or leave one open."""
    if not any(unicodedata.bidirectional(ch) in _DIRECTIONAL for ch in text):
        return text
    return _balanced(text, wrap=(_FSI, _PDI))


@jinja2.pass_eval_context
def isolate(context: jinja2.nodes.EvalContext, value: object, *, attribute: bool = False) -> str:
    """Source text that cannot change the direction of the page's own text around it.

    In HTML (autoescaped) it becomes a `<bdi>` element; in an attribute (`attribute=True`) and
    in Markdown or plain text, an FSI ... PDI isolate when it needs one (`isolate_text`).
    """
    text = str(value)
    if context.autoescape and not attribute:
        # Balanced too: a stray PDI must not close the element's isolate in any engine.
        return markupsafe.Markup("<bdi>%s</bdi>") % _balanced(text, wrap=("", ""))
    return isolate_text(text)


def _balanced(text: str, *, wrap: tuple[str, str]) -> str:
    """Each line of `text` between `wrap`, with every isolate it opens closed and every PDI
    that closes none of them dropped."""
    lines = []
    for part in _PARAGRAPH_BREAK.split(text):
        if not part or _PARAGRAPH_BREAK.fullmatch(part):
            lines.append(part)
            continue
        kept = []
        depth = 0
        for ch in part:
            if ch in _ISOLATE_OPENERS:
                depth += 1
            elif ch == _PDI:
                if not depth:
                    continue
                depth -= 1
            kept.append(ch)
        lines.append(wrap[0] + "".join(kept) + _PDI * depth + wrap[1])
    return "".join(lines)


class _Environment(jinja2.Environment):
    """jinja2's environment, its template errors turned into one line naming file and line."""

    def handle_exception(self, source: str | None = None) -> NoReturn:
        # jinja2 routes both compile errors and errors raised while rendering through here.
        where = _template_frame(sys.exc_info()[2])
        try:
            super().handle_exception(source)
        except jinja2.TemplateSyntaxError as exc:
            place = exc.filename or exc.name or "<template>"
            raise ConfigError(f"{place}:{exc.lineno}: {_one_line(exc.message)}") from exc
        except jinja2.TemplateError as exc:
            # An undefined variable, an include not found: the user's template to fix.
            place = f"{where[0]}:{where[1]}" if where else "<template>"
            message = _one_line(exc.message)
            if isinstance(exc, jinja2.TemplateNotFound):
                message = f"template {message!r} not found"
            raise ConfigError(f"{place}: {message}") from exc


def _template_frame(traceback: TracebackType | None) -> tuple[str, int] | None:
    """(file, line) of the innermost template frame of a traceback raised while rendering."""
    found = None
    while traceback is not None:
        template = traceback.tb_frame.f_globals.get("__jinja_template__")
        if isinstance(template, jinja2.Template):
            name = template.filename or template.name or "<template>"
            found = (name, template.get_corresponding_lineno(traceback.tb_lineno))
        traceback = traceback.tb_next
    return found


def _one_line(message: str | None) -> str:
    return " ".join((message or "").split()) or "template error"


def make_environment(user_templates: Path | None = None) -> jinja2.Environment:
    """The jinja2 environment: the user's folder first, then the built-in templates."""
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    environment = _Environment(
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
    environment.filters["isolate"] = isolate
    environment.globals["palette"] = {"light": LIGHT, "dark": DARK}
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
