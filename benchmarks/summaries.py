"""Benchmark the summarize stage on `../shared/eval/multinews-dev.jsonl` (Multi-News, 250 stories).

Table 1, quality: every system writes at most `--words` (300) words per story; ROUGE-1, ROUGE-2
and ROUGE-L F1 (rouge-score, Porter stemming, best over a story's references, mean over
stories, ×100) and seconds per story. Ours runs through the console script exactly as a user
would (`digest summarize --jsonl FILE --algorithm digest --words 300`, start-up included);
sumy's algorithms run in-process through `summarize_story` (same parsing, same fill to the
budget, same near-duplicate filter); Lead is the first article's sentences in order.

Table 2, speed: seconds per story at 100, 300, 1,000 and 3,000 sentences, stories pooled from
the eval articles, ours against sumy's LexRank (run in a child process, given up after
`--timeout` seconds), both through `summarize_story`, caches cleared before each run; and the
growth exponent k of time ~ sentences^k between consecutive sizes; then issue 3's target, the
cold LexRank / ours ratio at 1,000 sentences (at least 100×), and whether this run meets it.

Run: `.venv/bin/python benchmarks/summaries.py` (or `make bench-summaries`); `--limit 50` for a
quick run, `--no-speed` / `--no-quality` for one table.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

from digest.jsonl import story_articles
from digest.model import Article
from digest.summarize import (
    SUMMARIZERS,
    SentenceTokenizer,
    SummarizerOptions,
    build_document,
    rank_sentences,
    summarize_story,
)
from digest.summarize.document import paragraphs_of
from digest.text.language import stemmer_for, stop_words_for
from digest.text.sentences import split_sentences
from digest.text.words import word_count

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "multinews-dev.jsonl"
DIGEST = Path(sys.executable).parent / "digest"
SUMY = ("lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic")
SIZES = (100, 300, 1000, 3000)
# Issue 3: at this many sentences ours must be this many times faster than sumy's LexRank.
TARGET_SIZE = 1000
TARGET_RATIO = 100

Summarizer = Callable[[Sequence[Article]], list[str]]


def load(limit: int | None) -> list[dict[str, Any]]:
    with EVAL.open(encoding="utf-8") as stream:
        records = [json.loads(line) for line in stream if line.strip()]
    return records[:limit] if limit else records


def articles_of(record: dict[str, Any], line: int) -> tuple[Article, ...]:
    # The same conversion the CLI applies to its --jsonl input.
    return story_articles(record, name=str(EVAL), line=line)


def lead(articles: Sequence[Article], words: int) -> list[str]:
    """The first article's sentences in order, skipping any that would overrun the budget."""
    chosen: list[str] = []
    total = 0
    for paragraph in paragraphs_of(articles[0]) if articles else ():
        for sentence in split_sentences(paragraph):
            size = word_count(sentence)
            if total + size <= words:
                chosen.append(sentence)
                total += size
    return chosen


def run_in_process(
    records: Sequence[dict[str, Any]], summarize: Summarizer
) -> tuple[list[list[str]], float]:
    stories = [articles_of(r, n) for n, r in enumerate(records, start=1)]
    # Cold caches, so no system profits from the sentences another one split.
    split_sentences.cache_clear()
    stemmer_for.cache_clear()
    start = time.perf_counter()
    outputs = [summarize(s) for s in stories]
    return outputs, time.perf_counter() - start


def run_cli(records: Sequence[dict[str, Any]], words: int) -> tuple[list[list[str]], float]:
    """Ours through the console script, on a temporary copy of the selected stories."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stories.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        command = [str(DIGEST), "summarize", "--jsonl", str(path)]
        command += ["--algorithm", "digest", "--words", str(words)]
        start = time.perf_counter()
        # cwd is the empty folder so no ./config.yaml changes the defaults.
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - start
    by_id = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        by_id[row["id"]] = row["summary"]
    return [by_id[r["id"]] for r in records], elapsed


def rouge(records: Sequence[dict[str, Any]], outputs: Sequence[list[str]]) -> tuple[float, ...]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = [0.0, 0.0, 0.0]
    for record, summary in zip(records, outputs, strict=True):
        prediction = " ".join(summary)
        best = [0.0, 0.0, 0.0]
        for ref in record["refs"]:
            scores = scorer.score(ref, prediction)
            for k, key in enumerate(("rouge1", "rouge2", "rougeL")):
                best[k] = max(best[k], scores[key].fmeasure)
        totals = [t + b for t, b in zip(totals, best, strict=True)]
    return tuple(100 * t / len(records) for t in totals)


def quality_table(records: list[dict[str, Any]], words: int, systems: Sequence[str]) -> None:
    rows: list[tuple[str, tuple[float, ...], float]] = []
    for name in systems:
        if name == "digest":
            label = "digest (ours, via CLI)"
            outputs, elapsed = run_cli(records, words)
        elif name == "lead":
            label = "Lead (first article)"
            outputs, elapsed = run_in_process(records, lambda a: lead(a, words))
        else:
            label = f"sumy {name}"

            def summarize(a: Sequence[Article], name: str = name) -> list[str]:
                return [s.text for s in summarize_story(a, algorithm=name, words=words)]

            outputs, elapsed = run_in_process(records, summarize)
        over = sum(1 for o in outputs if sum(word_count(s) for s in o) > words)
        if over:
            print(f"warning: {label} overran {words} words in {over} stories", file=sys.stderr)
        rows.append((label, rouge(records, outputs), elapsed / len(records)))
        print(f"  done: {label}", file=sys.stderr)
    print(f"\nQuality: {len(records)} Multi-News stories, {words}-word summaries, F1 ×100\n")
    print(f"| {'system':<24} | {'ROUGE-1':>7} | {'ROUGE-2':>7} | {'ROUGE-L':>7} | s/story |")
    print(f"|{'-' * 26}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for label, (r1, r2, rl), seconds in rows:
        print(f"| {label:<24} | {r1:7.2f} | {r2:7.2f} | {rl:7.2f} | {seconds:7.3f} |")


def pooled_story(records: Sequence[dict[str, Any]], sentences: int) -> tuple[Article, ...]:
    """Eval articles pooled in file order, the last one cut, to exactly `sentences` sentences."""
    articles: list[Article] = []
    count = 0
    for n, record in enumerate(records, start=1):
        for article in articles_of(record, n):
            kept: list[str] = []
            for paragraph in paragraphs_of(article):
                if count >= sentences:
                    break
                parts = split_sentences(paragraph)[: sentences - count]
                kept.append(" ".join(parts))
                count += len(parts)
            if kept:
                articles.append(
                    Article(id=article.id, origin=article.origin, title="", paragraphs=tuple(kept))
                )
            if count >= sentences:
                return tuple(articles)
    return tuple(articles)


def _cold_run(articles: Sequence[Article], algorithm: str) -> float:
    """A fresh process's first story: no sentence split, no word stemmed before."""
    stemmer_for.cache_clear()
    return _steady_run(articles, algorithm)


def _steady_run(articles: Sequence[Article], algorithm: str) -> float:
    """A story in a build: its paragraphs never split before, common words already stemmed."""
    split_sentences.cache_clear()
    start = time.perf_counter()
    summarize_story(articles, algorithm=algorithm, words=300)
    return time.perf_counter() - start


def _summarizer_run(articles: Sequence[Article]) -> float:
    """Our summarizer alone, on the parsed document (sumy's call, no parsing, no fill)."""
    document = build_document(articles, SentenceTokenizer("english"))
    for sentence in document.sentences:
        _ = sentence.words  # sumy caches a sentence's words; parsing, not summarizing
    options = SummarizerOptions(
        stemmer=stemmer_for("english"), stop_words=stop_words_for("english"), budget=300
    )
    summarizer = SUMMARIZERS["digest"](options)
    start = time.perf_counter()
    rank_sentences(summarizer, document)
    return time.perf_counter() - start


def _warm_up(records: Sequence[dict[str, Any]]) -> None:
    """Stem the words of eval stories that the pooled stories do not use, as earlier stories
    of a build would have."""
    for n, record in enumerate(records, start=1):
        summarize_story(articles_of(record, n), words=300)


def _child(articles: Sequence[Article], algorithm: str, queue: Any) -> None:
    queue.put(_cold_run(articles, algorithm))


def timed_in_child(articles: Sequence[Article], algorithm: str, timeout: float) -> float | None:
    """Seconds for one cold run in a child process, or None when it took over `timeout`."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(articles, algorithm, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return float(queue.get())


def speed_table(timeout: float, sizes: Sequence[int]) -> None:
    records = load(None)
    # Pooled stories take eval articles from the start of the file; warm up on the end of it.
    spare = records[len(records) * 3 // 5 :]
    rows = []
    for size in sizes:
        story = pooled_story(records, size)
        cold = min(_cold_run(story, "digest") for _ in range(3))
        _warm_up(spare)
        steady = min(_steady_run(story, "digest") for _ in range(3))
        alone = min(_summarizer_run(story) for _ in range(3))
        rows.append((size, cold, steady, alone, timed_in_child(story, "lexrank", timeout)))
        print(f"  done: {size} sentences", file=sys.stderr)
    print("\nSpeed: seconds per story of pooled eval articles, 300-word summaries. Ours: best of")
    print("3; cold = fresh caches; steady = stems of other stories' words cached, as in a build;")
    print("summarizer = DigestSummarizer alone on the parsed document. LexRank: one cold run.")
    print("Growth: k in time ~ sentences^k from the previous size.\n")
    print(
        "| sentences | ours cold | ours steady | summarizer | sumy lexrank "
        "| lexrank / ours (cold, steady) | growth ours | growth lexrank |"
    )
    print("|---|---|---|---|---|---|---|---|")
    previous = None
    for size, cold, steady, alone, lex in rows:
        lex_text = f"{lex:.3f}" if lex is not None else f"skipped (>{timeout:.0f} s)"
        ratio = f"{lex / cold:.0f}×, {lex / steady:.0f}×" if lex is not None else "–"
        grow_ours = grow_lex = "–"
        if previous is not None:
            scale = math.log(size / previous[0])
            grow_ours = f"n^{math.log(cold / previous[1]) / scale:.2f}"
            if lex is not None and previous[4] is not None:
                grow_lex = f"n^{math.log(lex / previous[4]) / scale:.2f}"
        print(
            f"| {size} | {cold:.4f} | {steady:.4f} | {alone:.4f} | {lex_text} | {ratio} "
            f"| {grow_ours} | {grow_lex} |"
        )
        previous = (size, cold, steady, alone, lex)
    for size, cold, _, _, lex in rows:
        if size == TARGET_SIZE and lex is not None:
            verdict = "met" if lex / cold >= TARGET_RATIO else "NOT met"
            print(
                f"\nTarget at {size} sentences, whole story from text, cold: LexRank {lex:.3f} s /"
                f" ours {cold:.4f} s = {lex / cold:.0f}× (target ≥ {TARGET_RATIO}×: {verdict})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N stories")
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument(
        "--systems", default=",".join(("digest", *SUMY, "lead")), help="comma-separated"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="LexRank limit per size (s)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    if not EVAL.exists():
        print(f"no evaluation data at {EVAL}", file=sys.stderr)
        return 1
    records = load(args.limit)
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, python {sys.version.split()[0]}")
    if not args.no_quality:
        quality_table(records, args.words, args.systems.split(","))
    if not args.no_speed:
        speed_table(args.timeout, [int(s) for s in args.sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
