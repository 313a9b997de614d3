"""Story continuity across two briefings on real stories: is a story that grows recognised?

Each gold story of ../shared/eval is spread over two days:

- a story of two or more articles appears on both days (its articles alternate between them):
  the day-2 story must continue the kept day-1 story;
- a one-article story appears on one day only (alternately day 1 and day 2);
- ECB+ only: the second event of each subject ("ecbplus" subtopic, e.g. another rehab check-in,
  another earthquake) appears on day 2 only and must not continue the first event's story,
  which is split over both days. That is the hard case: same subject, different event.

Every doc is cleaned first, as `digest build` cleans a file. Day 1 is kept with
`updated_history`; day 2 is matched with `continue_stories` (the store's functions, as
`digest build` calls them). The stories are the gold groups, so what is measured is continuity
alone, not clustering. No article is shared between the days: a match rests on the stories'
signatures only. "wrong" counts day-2 stories continued as the wrong kept story (or as one
when they are new); precision is right / (right + wrong).

Rows: signatures (each story's top TF-IDF terms) from words or words and word pairs, of whole
texts or of each article's first four paragraphs; "s" is the seconds both days' signatures
and the matching took.
Run: .venv/bin/python benchmarks/continuity.py
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from digest.clean import clean
from digest.cluster import story_id
from digest.model import Article, RawDocument, Story
from digest.store import stories as stories_store

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DAY_ONE, DAY_TWO = dt.date(2022, 2, 1), dt.date(2022, 2, 2)
# Signature options (`stories_store.signatures`) per row.
SYSTEMS: dict[str, dict[str, Any]] = {
    "ours: words, whole text": {},
    "word pairs, whole text": {"pairs": True},
    "words, first 4 paragraphs": {"paragraphs": 4},
    "pairs, first 4 paragraphs": {"pairs": True, "paragraphs": 4},
}


def article(record_id: str, number: int, doc: dict[str, Any]) -> Article:
    """The doc cleaned as `digest build` cleans a file (the eval texts hold page furniture)."""
    document = RawDocument(origin="bench", text=doc["text"], title=doc.get("title") or None)
    return clean(document, article_id=f"{record_id}/{number}")


def story(articles: list[Article]) -> Story:
    return Story(
        id=story_id([a.id for a in articles]),
        headline=articles[0].title,
        articles=tuple(articles),
    )


def two_days(name: str) -> tuple[dict[str, Story], dict[str, Story]]:
    """Gold story id -> its story on day 1, and on day 2."""
    days: tuple[dict[str, list[Article]], dict[str, list[Article]]] = (
        defaultdict(list),
        defaultdict(list),
    )
    singles = 0
    for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        found = (article(record["id"], n, d) for n, d in enumerate(record["docs"]))
        articles = [a for a in found if a.paragraphs]  # a build skips what holds no prose
        if not articles:
            continue
        if record.get("subtopic") == "ecbplus":
            days[1][record["id"]].extend(articles)
        elif len(articles) == 1:
            days[singles % 2][record["id"]].extend(articles)
            singles += 1
        else:
            for number, item in enumerate(articles):
                days[number % 2][record["id"]].append(item)
    first, second = ({gold: story(a) for gold, a in day.items()} for day in days)
    return first, second


def score(first: dict[str, Story], second: dict[str, Story]) -> tuple[int, int, int, int, float]:
    """Stories that should continue, of them continued rightly, wrong continuations, day-2
    stories, and seconds."""
    started = time.perf_counter()
    kept = stories_store.updated_history(list(first.values()), (), briefing_date=DAY_ONE)
    golds = list(second)
    continued = stories_store.continue_stories(
        [second[g] for g in golds], kept, briefing_date=DAY_TWO
    )
    seconds = time.perf_counter() - started
    kept_gold = {first[g].id: g for g in first}
    should = sum(1 for g in golds if g in first)
    right = wrong = 0
    for gold, result in zip(golds, continued, strict=True):
        if result.id == second[gold].id:
            continue  # not continued
        if kept_gold.get(result.id) == gold:
            right += 1
        else:
            wrong += 1
    return should, right, wrong, len(golds), seconds


def main() -> None:
    default = stories_store.signatures
    print("Continuity across two days (gold stories; recall and precision ×100)")
    header = f"{'set':<20} {'system':<26} {'should':>6} {'recall':>7} {'wrong':>6} {'prec':>6}"
    print(f"{header} {'s':>6}")
    for name in ("ecbplus-dev.jsonl", "multinews-dev.jsonl"):
        first, second = two_days(name)
        for label, options in SYSTEMS.items():
            # continue_stories and updated_history call the module's `signatures`.
            stories_store.signatures = functools.partial(default, **options)  # type: ignore[assignment]
            try:
                should, right, wrong, _total, seconds = score(first, second)
            finally:
                stories_store.signatures = default
            recall = 100 * right / should if should else 0.0
            precision = 100 * right / (right + wrong) if right + wrong else 0.0
            print(
                f"{name:<20} {label:<26} {should:>6} {recall:>7.1f} {wrong:>6} {precision:>6.1f}"
                f" {seconds:>6.2f}"
            )


if __name__ == "__main__":
    main()
