"""`pipeline.build` over two days with a real store: stories that grow, end and begin."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import pytest

from digest import pipeline
from digest.config import Config, load_config
from digest.model import RawDocument, Story
from digest.pipeline import build
from tests.conftest import SEEDS

DAYS = Path(__file__).parent / "fixtures" / "days"
SEED = {n: next(SEEDS.glob(f"00{n}_*.txt")) for n in range(5)}


def config_for(tmp_path: Path) -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\nstore:\n  path: store.sqlite3\n",
        encoding="utf-8",
    )
    return load_config(path)


def add(tmp_path: Path, *files: Path) -> None:
    (tmp_path / "in").mkdir(exist_ok=True)
    for file in files:
        shutil.copy(file, tmp_path / "in" / file.name)


def build_on(config: Config, day: int):  # type: ignore[no-untyped-def]
    date = dt.date(2022, 2, day)
    now = dt.datetime(2022, 2, day, 7, tzinfo=dt.UTC)
    return build(config, date=date, now=now, send_email=False)


def test_two_days_a_story_grows_one_ends_one_begins(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    add(tmp_path, SEED[0], SEED[1], DAYS / "ferry-1.md", DAYS / "ferry-2.md")
    first = build_on(config, 1)
    headlines_1 = {s.headline for s in first.briefing.stories}
    assert len(first.briefing.stories) == 2
    assert not any(s.developing for s in first.briefing.stories)
    ukraine_1 = next(s for s in first.briefing.stories if "Russia" in s.headline)

    add(tmp_path, SEED[2], SEED[4], DAYS / "quake-1.md", DAYS / "quake-2.md")
    second = build_on(config, 2)
    stories = {s.id: s for s in second.briefing.stories}
    assert len(stories) == 2

    grown = stories[ukraine_1.id]  # the same story, by id
    assert grown.developing
    assert grown.previous_briefing == "2022-02-01"
    assert len(grown.articles) == 4
    new_ids = {a.id for a in grown.articles} - {a.id for a in ukraine_1.articles}
    assert {s.article_id for s in grown.summary} <= new_ids  # the summary tells what is new

    assert not any("ferry" in s.headline.lower() for s in stories.values())  # it ended
    begun = next(s for s in stories.values() if s.id != ukraine_1.id)
    assert "quake" in begun.headline.lower()
    assert not begun.developing
    assert headlines_1.isdisjoint({begun.headline})

    markdown = (tmp_path / "out" / "2022-02-02.md").read_text(encoding="utf-8")
    assert "2022-02-01.html" in markdown  # the link to the previous briefing


def test_a_third_day_with_nothing_new_repeats_nothing(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    add(tmp_path, SEED[0], SEED[1])
    build_on(config, 1)
    again = build_on(config, 2)
    assert again.briefing.stories == ()
    markdown = (tmp_path / "out" / "2022-02-02.md").read_text(encoding="utf-8")
    assert "Nothing new since the last briefing." in markdown


def test_rebuilding_a_date_gives_the_same_briefing(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    add(tmp_path, *SEED.values())
    first = build_on(config, 1)
    again = build_on(config, 1)
    assert [s.id for s in again.briefing.stories] == [s.id for s in first.briefing.stories]
    assert again.briefing.stories[0].summary == first.briefing.stories[0].summary


def test_cleaning_on_every_core_gives_what_cleaning_in_turn_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = [
        RawDocument(origin=path.name, text=path.read_text(encoding="utf-8"))
        for path in sorted(SEEDS.glob("*.txt"))
    ]
    in_turn = pipeline.clean_documents(documents)
    monkeypatch.setattr(pipeline, "_PARALLEL_CLEAN_MIN", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert pipeline.clean_documents(documents) == in_turn


def test_summaries_and_conflicts_on_every_core_are_those_made_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for(tmp_path)
    add(tmp_path, *SEED.values(), *sorted(DAYS.glob("*-?.md")))
    built = build_on(config, 2).briefing.stories
    stories = [replace(story, summary=(), conflicts=()) for story in built]
    in_turn = pipeline.summarize_stories(stories, config)
    monkeypatch.setattr(pipeline, "_PARALLEL_SUMMARY_MIN", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert pipeline.summarize_stories(stories, config) == in_turn
    assert all(story.summary for story in in_turn)
    # The seeds' 1 Feb story: 002 reports a written follow-up, 004 reports it denied.
    assert [story.conflicts for story in in_turn] == [story.conflicts for story in built]
    assert any(story.conflicts for story in in_turn)


def test_build_logs_how_long_each_stage_took(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = config_for(tmp_path)
    add(tmp_path, SEED[0], SEED[1])
    caplog.set_level(logging.DEBUG, logger="digest.pipeline")
    build_on(config, 2)
    timed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("stage ")]
    stages = [line.removeprefix("stage ").rsplit(": ", 1) for line in timed]
    assert [stage for stage, _seconds in stages] == [
        "collect",
        "clean",
        "de-duplicate",
        "cluster",
        "summarize",
        "compose",
        "render and write",
        "keep stories",
        "archive",
    ]
    assert all(float(seconds.removesuffix(" s")) >= 0 for _stage, seconds in stages)


def test_base_url_makes_the_built_feed_links_absolute(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\n  base_url: https://news.example/daily\n"
        "store:\n  path: store.sqlite3\n",
        encoding="utf-8",
    )
    add(tmp_path, SEED[0])
    build_on(load_config(tmp_path / "config.yaml"), 1)
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == ["https://news.example/daily/2022-02-01.html"]


def test_the_cycle_collector_pauses_for_a_build_and_runs_again_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for(tmp_path)
    add(tmp_path, SEED[0], SEED[1])
    seen = []
    clustering = pipeline.cluster_stories

    def cluster_and_look(*args: Any, **kwargs: Any) -> tuple[Story, ...]:
        seen.append(gc.isenabled())
        return clustering(*args, **kwargs)

    monkeypatch.setattr(pipeline, "cluster_stories", cluster_and_look)
    build_on(config, 1)
    assert seen == [False]
    assert gc.isenabled()

    def failing(*args: Any, **kwargs: Any) -> tuple[Story, ...]:
        raise RuntimeError("clustering failed")

    monkeypatch.setattr(pipeline, "cluster_stories", failing)
    with pytest.raises(RuntimeError, match="clustering failed"):
        build_on(config, 2)
    assert gc.isenabled()

    # A caller that paused the collector itself finds it paused after the build.
    gc.disable()
    try:
        monkeypatch.setattr(pipeline, "cluster_stories", clustering)
        build_on(config, 3)
        assert not gc.isenabled()
    finally:
        gc.enable()
