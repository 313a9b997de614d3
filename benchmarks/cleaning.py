"""Benchmark the plain-text cleaner on `../shared/corpora/boilerplate-text`.

For each page, the cleaner's paragraphs (the headline is not included: the gold bodies hold no
headline) are compared with the gold article body as bags of lowercased `\\w+` tokens:
P = |ours ∩ gold| / |ours|, R = |ours ∩ gold| / |gold| (multiset intersection), F1 their
harmonic mean. An empty output scores P = R = F1 = 0 (an empty gold does not occur). The table
shows means over pages for our cleaner and two baselines, measured in the same run.

Run: `.venv/bin/python benchmarks/cleaning.py` (or `make bench-cleaning`); add `--worst` to list
the 15 pages where the cleaner scores lowest.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from digest.clean import clean
from digest.model import RawDocument

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "boilerplate-text"
TOKEN = re.compile(r"\w+")


def bag(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def score(ours: str, gold: str) -> tuple[float, float, float]:
    """Token precision, recall and F1 of `ours` against `gold` (0, 0, 0 when ours is empty)."""
    mine, want = bag(ours), bag(gold)
    common = sum((mine & want).values())
    if not mine or not want or common == 0:
        return 0.0, 0.0, 0.0
    p, r = common / sum(mine.values()), common / sum(want.values())
    return p, r, 2 * p * r / (p + r)


def keep_all(text: str) -> str:
    return text


def keep_long_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if len(TOKEN.findall(line)) >= 10)


def ours(text: str) -> str:
    return "\n\n".join(clean(RawDocument(origin="bench", text=text), article_id="x").paragraphs)


def main() -> int:
    pages = sorted((CORPUS / "page").glob("*.txt"))
    if not pages:
        print(f"no pages under {CORPUS}", file=sys.stderr)
        return 1
    data = [
        (p.read_text(encoding="utf-8"), (CORPUS / "gold" / p.name).read_text("utf-8"))
        for p in pages
    ]
    systems: list[tuple[str, Callable[[str], str]]] = [
        ("digest.clean (paragraphs, no headline)", ours),
        ("baseline: keep every line", keep_all),
        ("baseline: keep lines of 10+ tokens", keep_long_lines),
    ]
    print(f"{len(data)} pages from {CORPUS}")
    print(f"{'system':<42} {'P':>6} {'R':>6} {'F1':>6} {'empty':>6} {'ms/page':>8}")
    for name, system in systems:
        start = time.perf_counter()
        outputs = [system(page) for page, _ in data]
        elapsed = time.perf_counter() - start
        scores = [score(out, gold) for out, (_, gold) in zip(outputs, data, strict=True)]
        p, r, f = (statistics.fmean(s[k] for s in scores) for k in range(3))
        empty = sum(1 for out in outputs if not bag(out))
        ms = 1000 * elapsed / len(data)
        print(f"{name:<42} {p:6.3f} {r:6.3f} {f:6.3f} {empty:6d} {ms:8.2f}")
    if "--worst" in sys.argv:
        worst = sorted(
            (score(ours(page), gold)[2], p.name)
            for p, (page, gold) in zip(pages, data, strict=True)
        )
        for f, name in worst[:15]:
            print(f"{f:.3f} {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
