"""A real day's news through `digest build`, read the way a reviewer reads the briefing
(issue 11; docs/benchmarks-real-day.md).

For each dev set of ../shared/eval (Multi-News, then ECB+), then for a day the cleaning,
headline and summary rules were not tuned on (the article-extraction pages of
../shared/corpora, grouped by our reading; the clustering rules were measured on them): every
article pooled into one folder of text files, as a user keeps saved pages (the raw text; YAML
front matter only for what the set gives: a non-empty title, a url), a config that names that
folder and a fresh
store (everything else default), one `digest build --date 2026-12-01 --no-email` in a child
process (wall time and the child's peak memory), then the briefing JSON it wrote
(`<date>.json`, the contract of DESIGN.md) graded by the reader's checks of
benchmarks/real_day_checks.py, which share nothing with the production rules. Beside it,
`digest cluster --jsonl` over all pooled articles (the clustering contract). Each value is
printed with the issue's target and whether it is met.

The file names carry the gold story (`<story id>__<doc>.txt`), so each source's `origin`
leads back to its gold label and its raw text.

Run: `.venv/bin/python benchmarks/real_day.py [--verbose] [--sets multinews] [--repeat 3]`
(or `make bench-real-day`). The `digest` measured is the one beside the Python that runs this
script, so another checkout is measured with its own venv: `/path/to/checkout/.venv/bin/python
benchmarks/real_day.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from clusters import (  # benchmarks/ is this script's folder
    DIGEST,
    bcubed,
    load_eval,
    load_pages,
    via_cli,
)
from real_day_checks import (
    bare_quote,
    dangling_opener,
    dateline_opener,
    furniture,
    headline_problems,
    is_publisher,
    names_speaker,
    non_article,
    same_telling,
    text_language,
    words,
)

DATE = "2026-12-01"
# The two dev sets, and a day the briefing's rules were not tuned on: the 181 pages of
# ../shared/corpora/article-extraction-benchmark (one week of November 2019, many sites and
# languages), their gold texts as saved pages with their URLs, grouped by our reading
# (`clusters.EVENTS`).
SETS = {"multinews": "multinews-dev.jsonl", "ecbplus": "ecbplus-dev.jsonl", "pages": None}
SEPARATOR = "__"  # between the gold story id and the doc number in a file name
TOP = 10
# Issue 11's targets. Grouping: B-cubed F1 >= 93 on the pooled Multi-News day, >= 95 on ECB+;
# none on the pages, whose grouping is our own reading.
F1_TARGET: dict[str, float | None] = {"multinews": 93.0, "ecbplus": 95.0, "pages": None}


def load_set(name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The set's records (`digest cluster --jsonl` input) and each one's gold story."""
    if SETS[name] is not None:
        return load_eval(SETS[name])
    records, gold = load_pages()
    numbers: dict[str, int] = {}
    for record, story in zip(records, gold, strict=True):
        # The id carries the event, as a dev set's carries its gold story (`file_stem`).
        number = numbers[story] = numbers.get(story, -1) + 1
        record["id"] = f"{story}/{number}"
    return records, gold


def file_stem(record_id: str) -> str:
    """`multinews-validation-sample000/3` -> `multinews-validation-sample000__03`."""
    story, number = record_id.rsplit("/", 1)
    return f"{story}{SEPARATOR}{int(number):02d}"


def gold_story(origin: str) -> str:
    """The gold story id a source's `origin` (the file path) encodes."""
    return Path(origin).stem.rsplit(SEPARATOR, 1)[0]


def page(record: dict[str, Any]) -> str:
    """The file a user would have saved: front matter only for what the set gives."""
    front = {key: record[key] for key in ("title", "url") if record.get(key)}
    if not front:
        return record["text"]
    return f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{record['text']}"


@dataclass(frozen=True)
class Build:
    seconds: float
    cpu_seconds: float  # user + system of the build and the workers it forked
    peak_mib: float
    briefing: dict[str, Any] | None
    problem: str | None  # why there is no briefing to grade


def build(work: Path, records: list[dict[str, Any]]) -> Build:
    """Write the pool and its config, run `digest build` once, read its JSON."""
    folder = work / "articles"
    folder.mkdir()
    for record in records:
        (folder / f"{file_stem(record['id'])}.txt").write_text(page(record), encoding="utf-8")
    config = work / "config.yaml"
    settings = {"sources": {"files": [str(folder)]}, "store": {"path": str(work / "store.db")}}
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    out = work / "out"
    command = [str(DIGEST), "build", "--date", DATE, "--out", str(out), "--no-email"]
    command += ["--config", str(config)]
    log = work / "build.log"
    with log.open("w", encoding="utf-8") as stream:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=stream, stderr=stream, cwd=work)
        # wait4: this child's own peak resident memory (RUSAGE_CHILDREN would keep the
        # largest of every child so far, e.g. the other data set's build).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8").strip()[-300:]
        return Build(seconds, cpu, peak, None, f"digest build failed: {tail}")
    path = out / f"{DATE}.json"
    if not path.exists():
        return Build(seconds, cpu, peak, None, f"no {path.name} written")
    briefing = json.loads(path.read_text(encoding="utf-8"))
    stories = briefing.get("stories")
    if not isinstance(stories, list) or not all("summary" in s for s in stories):
        return Build(seconds, cpu, peak, None, f"{path.name} is not the briefing JSON of DESIGN.md")
    return Build(seconds, cpu, peak, briefing, None)


@dataclass
class Grade:
    """What the reader's checks found in one briefing, with examples for --verbose."""

    stories: int = 0
    featured: int = 0
    featured_words: int = 0
    junk_stories: list[str] = field(default_factory=list)
    headlines: list[tuple[str, list[str]]] = field(default_factory=list)  # the problem ones
    sentences: int = 0
    flagged: dict[str, list[str]] = field(default_factory=dict)
    top_single: int = 0
    top_count: int = 0
    top_mixed: list[str] = field(default_factory=list)
    outlets: dict[str, bool] = field(default_factory=dict)  # outlet -> is a publisher
    conflicts: list[tuple[bool, str, list[str]]] = field(default_factory=list)
    grouping_f1: float = 0.0
    grouped: int = 0


SENTENCE_CHECKS = ("furniture", "dateline openers", "dangling openers", "bare quotes")
# Shown for reading, no target: a quotation judged alone, whatever the sentences around it.
ALONE = "quotes, judged alone"


def grade(briefing: dict[str, Any], texts: dict[str, str]) -> Grade:
    """Apply every check to the briefing; `texts` maps a file stem to the page's raw text."""
    result = Grade(flagged={name: [] for name in SENTENCE_CHECKS})
    predicted: list[int] = []
    gold: list[str] = []
    placed: set[str] = set()
    outlet_urls: dict[str, list[str | None]] = {}
    for number, story in enumerate(briefing["stories"]):
        result.stories += 1
        headline = story["headline"]
        sources = story["sources"]
        if story["featured"]:
            result.featured += 1
            result.featured_words += words(headline)
            result.featured_words += sum(words(s["text"]) for s in story["summary"])
        first = texts.get(Path(sources[0]["origin"]).stem, "") if sources else ""
        problems = headline_problems(headline, text_language(first) if first else "English")
        if problems:
            result.headlines.append((headline, problems))
        stems = [Path(s["origin"]).stem for s in sources]
        if stems and all(non_article(texts.get(stem, "")) for stem in stems):
            reasons = "; ".join(f"{stem}: {non_article(texts.get(stem, ''))}" for stem in stems)
            result.junk_stories.append(f"{headline!r} ({reasons})")
        golds = {gold_story(s["origin"]) for s in sources}
        if number < TOP:
            result.top_count += 1
            if len(golds) == 1:
                result.top_single += 1
            else:
                result.top_mixed.append(f"#{number + 1} {headline!r}: {len(golds)} gold stories")
        for source in sources:
            if source["origin"] not in placed:
                placed.add(source["origin"])
                predicted.append(number)
                gold.append(gold_story(source["origin"]))
            if source.get("outlet"):
                outlet_urls.setdefault(source["outlet"], []).append(source.get("url"))
        grade_summary(story["summary"], result)
        for conflict in story.get("conflicts", []):
            claims = [claim["text"] for claim in conflict["claims"]]
            result.conflicts.append((same_telling(claims), conflict.get("kind", ""), claims))
    result.outlets = {
        outlet: any(is_publisher(outlet, url) for url in urls)
        for outlet, urls in sorted(outlet_urls.items())
    }
    if gold:
        result.grouping_f1 = 100 * bcubed(predicted, gold)[2]
        result.grouped = len(gold)
    return result


def grade_summary(summary: list[dict[str, Any]], result: Grade) -> None:
    for index, sentence in enumerate(summary):
        text, source = sentence["text"], sentence["source"]
        # The summary sentences beside this one that come from the same article: a quotation
        # "only with its speaker" (issue 11) may name the speaker in either.
        beside = [
            summary[i]["text"]
            for i in (index - 1, index + 1)
            if 0 <= i < len(summary) and summary[i]["source"] == source
        ]
        previous = summary[index - 1]["source"] if index else None
        result.sentences += 1
        quotation = bare_quote(text)
        flags = {
            "furniture": furniture(text),
            "dateline openers": dateline_opener(text),
            "dangling openers": dangling_opener(text, follows_same_source=previous == source),
            "bare quotes": quotation and not any(names_speaker(b) for b in beside),
            ALONE: quotation,
        }
        for name, flagged in flags.items():
            if flagged:
                result.flagged.setdefault(name, []).append(text)


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target


def rows(name: str, run: Build, grading: Grade | None, cluster_f1: float | None) -> list[Row]:
    table: list[Row] = []
    f1_target = F1_TARGET[name]
    if grading is None:
        table.append(Row("briefing", f"not graded: {run.problem}"))
    else:
        g = grading
        per100 = 100 / g.sentences if g.sentences else 0.0
        share = 100 * len(g.headlines) / g.stories if g.stories else 0.0
        same = sum(1 for flag, _, _ in g.conflicts if flag)
        bad_outlets = sum(1 for ok in g.outlets.values() if not ok)
        table += [
            Row("stories", str(g.stories)),
            Row("featured / one-line", f"{g.featured} / {g.stories - g.featured}"),
            Row("words in the featured part", f"{g.featured_words:,}", "<= 2,500",
                g.featured_words <= 2500),
            Row("stories of non-article pages only", str(len(g.junk_stories)), "0",
                not g.junk_stories),
            Row("problem headlines", f"{len(g.headlines)} ({share:.1f}%)", "<= 5%", share <= 5),
            Row("summary sentences", str(g.sentences)),
        ]  # fmt: skip
        for check, limit in zip(SENTENCE_CHECKS, (0.5, 0.0, 1.5, 1.0), strict=True):
            rate = len(g.flagged[check]) * per100
            shown = f"{rate:.1f} ({len(g.flagged[check])})"
            table.append(Row(f"  per 100: {check}", shown, f"<= {limit:g}", rate <= limit))
        alone = len(g.flagged.get(ALONE, []))
        table.append(Row(f"  per 100: {ALONE}", f"{alone * per100:.1f} ({alone})"))
        table += [
            Row(f"top {TOP}: single gold story", f"{g.top_single} of {g.top_count}",
                ">= 9 of 10", g.top_single >= 9),
            Row("outlets not publishers", f"{bad_outlets} of {len(g.outlets)}", "0",
                bad_outlets == 0),
            Row("conflicts", str(len(g.conflicts))),
            Row("  two tellings of one sentence", str(same), "0", same == 0),
            Row(f"B-cubed F1, briefing grouping ({g.grouped} art.)", f"{g.grouping_f1:.1f}",
                "" if f1_target is None else f">= {f1_target:g}",
                None if f1_target is None else g.grouping_f1 >= f1_target),
        ]  # fmt: skip
    if cluster_f1 is not None:
        # No target: the clustering contract groups every pooled page, notices and copies
        # included, which a build leaves out; issue 11's 90.7 is the briefing's grouping above.
        table.append(Row("B-cubed F1, digest cluster --jsonl", f"{cluster_f1:.1f}"))
    table += [
        Row("wall time, digest build (s)", f"{run.seconds:.1f}"),
        Row("CPU time, digest build (s)", f"{run.cpu_seconds:.1f}"),
        Row("peak memory, digest build (MiB)", f"{run.peak_mib:.0f}"),
    ]
    return table


def print_table(title: str, table: list[Row]) -> None:
    print(title)
    width = max(len(row.measure) for row in table)
    print(f"{'measure':<{width}}  {'value':>14}  {'target':>10}  met")
    for row in table:
        verdict = "" if row.met is None else ("yes" if row.met else "NO")
        if row.measure == "briefing":
            print(f"{row.measure:<{width}}  {row.value}")
            continue
        print(f"{row.measure:<{width}}  {row.value:>14}  {row.target:>10}  {verdict}")


def print_details(g: Grade) -> None:
    def block(title: str, lines: list[str]) -> None:
        print(f"\n{title} ({len(lines)})")
        for line in lines:
            print(f"  - {line}")

    block("problem headlines", [f"{h!r}: {', '.join(p)}" for h, p in g.headlines])
    block("stories of non-article pages only", g.junk_stories)
    for check in SENTENCE_CHECKS:
        block(f"summary sentences: {check}", [repr(t) for t in g.flagged[check]])
    block(f"top {TOP} stories holding several gold stories", g.top_mixed)
    block(
        "outlets seen (publisher? yes/NO)",
        [f"{outlet!r}: {'yes' if ok else 'NO'}" for outlet, ok in g.outlets.items()],
    )
    block(
        "conflicts (kind; * = two tellings of one sentence)",
        [
            f"{'*' if same else ' '} {kind}: " + "  <->  ".join(repr(c) for c in claims)
            for same, kind, claims in g.conflicts
        ],
    )


def run_set(name: str, *, verbose: bool, repeat: int) -> None:
    records, gold = load_set(name)
    texts = {file_stem(r["id"]): r["text"] for r in records}
    runs = []
    for _ in range(repeat):  # each build from scratch: a new folder and store
        with tempfile.TemporaryDirectory(prefix="real-day-") as folder:
            runs.append(build(Path(folder), records))
    # The briefing is deterministic: the last one is graded; time is the median.
    run = replace(
        runs[-1],
        seconds=statistics.median(r.seconds for r in runs),
        cpu_seconds=statistics.median(r.cpu_seconds for r in runs),
        peak_mib=max(r.peak_mib for r in runs),
    )
    grading = grade(run.briefing, texts) if run.briefing is not None else None
    try:
        predicted, _ = via_cli(records)
        cluster_f1: float | None = 100 * bcubed(predicted, gold)[2]
    except RuntimeError as exc:
        print(f"{name}: {exc}")
        cluster_f1 = None
    stories = len(set(gold))
    builds = "one build" if repeat == 1 else f"{repeat} builds (median time, largest peak)"
    title = f"\n{name}: {len(records)} articles of {stories} gold stories; {builds} on {DATE}"
    print_table(title, rows(name, run, grading, cluster_f1))
    if verbose and grading is not None:
        print_details(grading)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print what each check flagged")
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--repeat", type=int, default=1, help="builds per set, for the time")
    args = parser.parse_args()
    print(f"digest: {DIGEST}")
    for name in args.sets:
        run_set(name, verbose=args.verbose, repeat=max(1, args.repeat))


if __name__ == "__main__":
    main()
