"""JSON Lines in and out of the command line: records <-> model objects.

The record shapes are the command-line contracts of docs/cli.md (from DESIGN.md); a line that
does not fit is a UsageError naming the line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from digest.errors import UsageError
from digest.model import Article, Published, RawDocument, Story
from digest.text.dates import read_date

__all__ = [
    "article_record",
    "cluster_input_document",
    "parse_date",
    "read_records",
    "story_articles",
    "story_record",
    "write_records",
]

_PARAGRAPH_BREAK = re.compile(r"\n\s*")  # a line is a paragraph; blank lines too


def read_records(stream: IO[bytes], *, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of `stream` as (line number, JSON object).

    Bytes are decoded line by line, so a line that is not UTF-8 (a latin-1 export) is named by
    its number; decoding the whole stream as text would fail somewhere in an 8 KiB block.
    """
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{name}: line {number}: not UTF-8 (byte 0x{raw[exc.start]:02x} at position"
                f" {exc.start + 1}); JSON Lines must be UTF-8"
            ) from exc
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{name}: line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise UsageError(f"{name}: line {number}: expected a JSON object")
        yield number, record


def write_records(stream: IO[str], records: Iterable[dict[str, Any]]) -> None:
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()


def parse_date(value: object) -> dt.date | None:
    """A date from JSON (see `digest.text.dates.read_date`); None when absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    return read_date(value)


def text_field(record: dict[str, Any], key: str, *, name: str, line: int) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UsageError(f"{name}: line {line}: '{key}' must be a string")
    return value


def article_record(article: Article) -> dict[str, Any]:
    """The `digest collect --jsonl` shape."""
    published = article.published.isoformat() if article.published is not None else None
    return {
        "id": article.id,
        "origin": article.origin,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": published,
        "text": article.text,
    }


def cluster_input_document(record: dict[str, Any], *, name: str, line: int) -> RawDocument:
    """A `digest cluster --jsonl` input line as a raw document to clean."""
    if "id" not in record:
        raise UsageError(f"{name}: line {line}: missing 'id'")
    return RawDocument(
        origin=str(record["id"]),
        text=text_field(record, "text", name=name, line=line),
        title=text_field(record, "title", name=name, line=line) or None,
        url=text_field(record, "url", name=name, line=line) or None,
        outlet=text_field(record, "outlet", name=name, line=line) or None,
        published=Published.of(parse_date(record.get("published"))),
    )


def story_record(number: int, story: Story) -> dict[str, Any]:
    """The `digest cluster --jsonl` output shape."""
    return {"story": number, "headline": story.headline, "ids": [a.id for a in story.articles]}


def story_articles(record: dict[str, Any], *, name: str, line: int) -> tuple[Article, ...]:
    """A `digest summarize --jsonl` input line: one article per `docs` entry, text as given.

    The text is not put through the cleaner: summary sentences must be verbatim sentences of
    the input, and the input of this command is article text already.
    """
    docs = record.get("docs")
    if not isinstance(docs, list):
        raise UsageError(f"{name}: line {line}: 'docs' must be a list")
    story_id = record.get("id", line)
    articles = []
    for index, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise UsageError(f"{name}: line {line}: docs[{index}] must be an object")
        text = text_field(doc, "text", name=name, line=line)
        articles.append(
            Article(
                id=f"{story_id}#{index}",
                origin=f"{story_id}#{index}",
                title=text_field(doc, "title", name=name, line=line),
                paragraphs=tuple(p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()),
                published=Published.of(parse_date(doc.get("date"))),
            )
        )
    return tuple(articles)
