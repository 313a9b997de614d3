"""Briefing -> `<date>.json`: the whole briefing for programs (a chat bot, a dashboard, checks).

Pure. The shape is the `digest build` contract of DESIGN.md, described in docs/briefing.md and
checked by the JSON Schema in `digest/schemas/briefing.schema.json`: stories in reading order,
each summary sentence and conflicting claim naming its source by 1-based position in the
story's `sources`, and each source in the shape `digest collect --jsonl` reports (without its
text).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from digest.jsonl import article_record
from digest.model import Article, Briefing, SourceReport, Story, SummarySentence

__all__ = ["SCHEMA_PATH", "briefing_document", "briefing_json"]

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "briefing.schema.json"


def briefing_json(briefing: Briefing) -> str:
    """The briefing as one JSON document, UTF-8 text ending in a newline."""
    return json.dumps(briefing_document(briefing), ensure_ascii=False, indent=1) + "\n"


def briefing_document(briefing: Briefing) -> dict[str, Any]:
    """The briefing as JSON-ready values, in the order the keys are written."""
    stories = briefing.stories
    return {
        "date": briefing.date.isoformat(),
        "generated_at": briefing.generated_at.isoformat(),
        "counts": {
            "stories": len(stories),
            "featured": sum(1 for s in stories if s.featured),
            "articles": len(briefing.articles),
            "outlets": len(briefing.outlets),
        },
        "stories": [_story(story, position) for position, story in enumerate(stories, start=1)],
        "source_reports": [_report(r) for r in briefing.sources],
    }


def _story(story: Story, position: int) -> dict[str, Any]:
    numbers = {article.id: n for n, article in enumerate(story.articles, start=1)}

    def claim(sentence: SummarySentence) -> dict[str, Any]:
        return {"text": sentence.text, "source": numbers[sentence.article_id]}

    return {
        "id": story.id,
        # A story compose never ranked (a briefing built by hand) ranks where it is read.
        "rank": story.rank if story.rank is not None else position,
        "headline": story.headline,
        "featured": story.featured,
        "section": story.section,
        "developing": story.developing,
        "previous_briefing": story.previous_briefing,
        # A disputed sentence is the claim shown among `conflicts`: a reader of the briefing
        # sees a pointer to it there instead of the text.
        "summary": [
            claim(s) | {"disputed": s.disputed} for s in story.summary if s.article_id in numbers
        ],
        "sources": [_source(a) for a in story.articles],
        "conflicts": [
            {
                "kind": c.kind,
                "reason": c.reason,
                "claims": [claim(c.claim), claim(c.counter)],
            }
            for c in story.conflicts
            if c.claim.article_id in numbers and c.counter.article_id in numbers
        ],
        "background": [_source(a) for a in story.background],
    }


def _source(article: Article) -> dict[str, Any]:
    # The `digest collect` record, so a program reads an article the same way from both.
    record = article_record(article)
    return {key: record[key] for key in ("id", "origin", "title", "outlet", "url", "published")}


def _report(report: SourceReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "ok": report.ok,
        "articles": report.articles,
        "message": report.message,
        "last_success": report.last_success.isoformat() if report.last_success else None,
    }
