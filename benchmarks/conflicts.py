"""Conflicting claims on real stories: how many pairs the rules flag, and which, to read by hand.

Every gold story of ../shared/eval (Multi-News dev, ECB+ dev) becomes one Story of its articles;
`find_conflicts` runs over every sentence of every article. The flagged pairs are printed in
full: whether each is a real disagreement is judged by reading them (docs/briefing.md).
Run: .venv/bin/python benchmarks/conflicts.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from digest.conflicts import find_conflicts
from digest.model import Article, Story

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def stories(name: str) -> list[Story]:
    found = []
    for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        articles = tuple(
            Article(
                id=f"{record['id']}#{n}",
                origin=record["id"],
                title=doc.get("title") or "",
                paragraphs=tuple(p.strip() for p in doc["text"].splitlines() if p.strip()),
            )
            for n, doc in enumerate(record["docs"])
        )
        found.append(Story(id=record["id"], headline="", articles=articles))
    return found


def main() -> None:
    rows = []
    for name in ("multinews-dev.jsonl", "ecbplus-dev.jsonl"):
        batch = stories(name)
        started = time.perf_counter()
        flagged = [(story, c) for story in batch for c in find_conflicts(story)]
        seconds = time.perf_counter() - started
        rows.append((name, len(batch), sum(len(s.articles) for s in batch), len(flagged), seconds))
        for story, conflict in flagged:
            print(f"{name} {story.id} ({conflict.reason})")
            print(f"  claim:   {conflict.claim.text}")
            print(f"  counter: {conflict.counter.text}")
    print()
    print(f"{'set':<22} {'stories':>7} {'articles':>8} {'flagged':>7} {'ms/story':>8}")
    for name, count, articles, flagged_count, seconds in rows:
        print(
            f"{name:<22} {count:>7} {articles:>8} {flagged_count:>7} {1000 * seconds / count:>8.1f}"
        )


if __name__ == "__main__":
    main()
