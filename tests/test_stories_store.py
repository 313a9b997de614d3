"""Story continuity across briefings: digest.store.stories with real clustering and a store.

Every test taking `store` or `store_target` runs on SQLite and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from digest import pipeline
from digest.cluster import cluster_articles
from digest.config import load_config
from digest.model import Article, Published, Story
from digest.store import Store, StoreLocation, open_store
from digest.store.stories import (
    KeptStory,
    as_of,
    continue_stories,
    load_history,
    save_history,
    signatures,
    signatures_by_id,
    updated_history,
)
from tests.builders import store_yaml
from tests.conftest import SEEDS

DAYS = Path(__file__).parent / "fixtures" / "days"
DAY1 = dt.date(2022, 2, 1)
DAY2 = dt.date(2022, 2, 2)

RUSSIA = (
    "A Russian diplomat denied reports that Moscow sent Washington a written response to a US "
    "proposal on security guarantees and the Ukraine crisis. Deputy Foreign Minister "
    "Alexander Grushko told RIA Novosti the claim was not true."
)
RUSSIA_LATER = (
    "Moscow sent Washington its written response on security guarantees a day after Deputy "
    "Foreign Minister Alexander Grushko denied it, RIA Novosti reported; the Ukraine crisis "
    "talks go on."
)
COLTS = (
    "The Indianapolis Colts clinched a playoff berth with a 31-24 victory over the "
    "Jacksonville Jaguars, Peyton Manning throwing two touchdown passes."
)
VOLCANO = (
    "A volcano erupted on the island, sending an ash plume over the villages; thousands were "
    "evacuated as lava flowed from the crater towards the coast."
)


def article(article_id: str, title: str, text: str, day: dt.date) -> Article:
    return Article(
        id=article_id,
        origin=f"{article_id}.txt",
        title=title,
        paragraphs=(text,),
        published=Published(day),
    )


def day1_articles() -> list[Article]:
    return [
        article("r1", "Russia denies responding to US proposal", RUSSIA, DAY1),
        article("r2", "Moscow says no response sent to Washington", RUSSIA, DAY1),
        article("c1", "Colts clinch playoff berth", COLTS, DAY1),
        article("c2", "Manning leads Colts past Jaguars", COLTS, DAY1),
    ]


def day2_articles() -> list[Article]:
    return [
        article("r3", "Russia sends response on security guarantees", RUSSIA_LATER, DAY2),
        article("r4", "Moscow answers Washington after denial", RUSSIA_LATER, DAY2),
        article("v1", "Volcano erupts, villages evacuated", VOLCANO, DAY2),
        article("v2", "Ash plume as island volcano erupts", VOLCANO, DAY2),
    ]


def kept() -> KeptStory:
    """The Colts story of day 1, as the store keeps it."""
    colts = Story(id="x", headline="", articles=tuple(day1_articles()[2:]))
    return KeptStory(
        id="k1",
        headline="Colts clinch playoff berth",
        article_ids=("c1", "c2"),
        signature=signatures([colts])[0],
        first_seen=DAY1,
        last_seen=DAY1,
        briefings=(DAY1,),
    )


@pytest.fixture
def store(store_target: StoreLocation) -> Iterator[Store]:
    with open_store(store_target) as opened:
        yield opened


def by_first_article(stories: tuple[Story, ...]) -> dict[str, Story]:
    return {s.articles[0].id[0]: s for s in stories}


def test_two_builds_a_story_grows_one_ends_one_is_new(store: Store) -> None:
    first = cluster_articles(day1_articles())
    save_history(store, updated_history(first, (), briefing_date=DAY1))
    russia_id = by_first_article(first)["r"].id

    history = load_history(store, since=DAY2 - dt.timedelta(days=7))
    second = continue_stories(cluster_articles(day2_articles()), history, briefing_date=DAY2)
    save_history(store, updated_history(second, history, briefing_date=DAY2))

    stories = by_first_article(second)
    assert sorted(stories) == ["r", "v"]  # the Colts story ended: it is not in the briefing
    assert stories["r"].id == russia_id
    assert stories["r"].developing
    assert stories["r"].previous_briefing == "2022-02-01"
    assert [a.id for a in stories["r"].articles] == ["r3", "r4"]
    assert not stories["v"].developing
    assert stories["v"].previous_briefing is None

    after = {k.article_ids[0][0]: k for k in load_history(store, since=DAY1)}
    assert after["r"].id == russia_id
    assert after["r"].briefings == (DAY1, DAY2)
    assert after["r"].article_ids == ("r1", "r2", "r3", "r4")
    assert (after["r"].first_seen, after["r"].last_seen) == (DAY1, DAY2)
    assert after["c"].last_seen == DAY1
    assert after["v"].briefings == (DAY2,)
    assert [k.id for k in load_history(store, since=DAY2)] == sorted([russia_id, after["v"].id])


def build(store: Store, articles: list[Article], day: dt.date) -> tuple[Story, ...]:
    """What a build does with the store: continue, then remember."""
    history = load_history(store, since=day - dt.timedelta(days=7))
    stories = continue_stories(cluster_articles(articles), history, briefing_date=day)
    save_history(store, updated_history(stories, history, briefing_date=day))
    return stories


def test_a_rebuild_of_the_same_day_names_and_marks_stories_as_before(store: Store) -> None:
    build(store, day1_articles(), DAY1)
    first = build(store, day2_articles(), DAY2)
    # The rebuild found one more report of the volcano: a new set of articles, same story.
    extra = article("v3", "Lava reaches the coast", VOLCANO, DAY2)

    again = build(store, [*day2_articles(), extra], DAY2)

    def marks(stories: tuple[Story, ...]) -> dict[str, tuple[str, bool, str | None]]:
        return {s.articles[0].id[0]: (s.id, s.developing, s.previous_briefing) for s in stories}

    assert marks(again) == marks(first)
    assert marks(again)["r"][1:] == (True, "2022-02-01")
    assert marks(again)["v"][1:] == (False, None)
    assert sorted(len(s.articles) for s in again) == [2, 3]


def test_kept_story_round_trips_through_the_store(store: Store) -> None:
    record = kept()

    save_history(store, [record])

    assert load_history(store, since=DAY1) == (record,)
    assert load_history(store, since=DAY2) == ()


def test_a_shared_article_continues_a_story_whatever_its_text() -> None:
    story = Story(id="new", headline="h", articles=(article("c1", "Other", VOLCANO, DAY2),))

    (continued,) = continue_stories([story], [kept()], briefing_date=DAY2)

    assert (continued.id, continued.developing) == ("k1", True)


def test_a_similar_story_after_the_gap_is_a_new_story() -> None:
    colts = article("c9", "Colts clinch playoff berth", COLTS, DAY2)
    story = Story(id="new", headline="h", articles=(colts,))
    late = DAY1 + dt.timedelta(days=30)

    assert continue_stories([story], [kept()], briefing_date=late) == (story,)
    (continued,) = continue_stories([story], [kept()], briefing_date=DAY2)
    assert continued.id == "k1"


def test_a_kept_story_continues_at_most_one_new_story() -> None:
    twins = [
        Story(id=f"n{i}", headline="h", articles=(article(f"c{i + 5}", "Colts win", COLTS, DAY2),))
        for i in range(2)
    ]

    result = continue_stories(twins, [kept()], briefing_date=DAY2)

    assert sorted(s.developing for s in result) == [False, True]


def test_an_unrelated_story_is_not_continued() -> None:
    story = Story(id="new", headline="h", articles=tuple(day2_articles()[2:]))

    assert continue_stories([story], [kept()], briefing_date=DAY2) == (story,)


def test_signatures_weigh_down_terms_every_story_shares() -> None:
    shared = "Breaking news update today"
    stories = [
        Story(id="a", headline="", articles=(article("a", shared, COLTS, DAY1),)),
        Story(id="b", headline="", articles=(article("b", shared, VOLCANO, DAY1),)),
    ]

    colts, volcano = signatures(stories)

    assert colts["colts"] > colts.get("breaking", 0.0)
    assert "volcano" in volcano
    assert "colts" not in volcano
    assert abs(sum(w * w for w in colts.values()) - 1) < 1e-3


def test_signatures_are_words_of_the_whole_text_unless_told_otherwise() -> None:
    two_paragraphs = Article(
        id="v",
        origin="v.txt",
        title="Eruption",
        paragraphs=(VOLCANO, COLTS),
        published=Published(DAY1),
    )
    other = article("r", "Russia", RUSSIA, DAY1)
    stories = [
        Story(id="v", headline="", articles=(two_paragraphs,)),
        Story(id="r", headline="", articles=(other,)),
    ]

    (whole, _), (lead, _), (paired, _) = (
        signatures(stories),
        signatures(stories, paragraphs=1),
        signatures(stories, pairs=True),
    )

    assert "colts" in whole  # the second paragraph counts by default
    assert "colts" not in lead
    assert not any(" " in term for term in whole)
    assert any(" " in term for term in paired)


def test_a_signature_kept_with_word_pairs_is_read_as_words(store: Store) -> None:
    # Stores written until November 2026 kept words and word pairs; today's are words only.
    old = replace(kept(), signature={"colts": 0.6, "playoff berth": 0.64, "manning": 0.48})
    save_history(store, [old])

    (loaded,) = load_history(store, since=DAY1)

    assert set(loaded.signature) == {"colts", "manning"}
    assert abs(sum(w * w for w in loaded.signature.values()) - 1) < 1e-6
    assert loaded.signature["colts"] > loaded.signature["manning"]


def test_history_as_of_a_date_holds_only_the_briefings_up_to_it() -> None:
    later = replace(kept(), id="k2", first_seen=DAY2, last_seen=DAY2, briefings=(DAY2,))
    both = replace(kept(), id="k3", last_seen=DAY2, briefings=(DAY1, DAY2))
    before = DAY1 - dt.timedelta(days=1)

    assert [k.id for k in as_of([kept(), later, both], DAY2)] == ["k1", "k2", "k3"]
    assert as_of([kept(), later, both], DAY2)[2] == both  # nothing later: as stored
    on_day1 = as_of([kept(), later, both], DAY1)
    assert [(k.id, k.briefings, k.last_seen) for k in on_day1] == [
        ("k1", (DAY1,), DAY1),
        ("k3", (DAY1,), DAY1),
    ]
    assert as_of([kept(), later, both], before) == ()
    assert as_of([kept()], DAY2, since=DAY2) == ()  # last shown before `since`


def test_saving_an_earlier_date_keeps_the_later_briefing_of_a_story() -> None:
    stories = cluster_articles(day1_articles()[2:])
    shown_later = updated_history(stories, [], briefing_date=DAY2)
    saved = updated_history(
        [replace(stories[0], headline="An earlier headline")], shown_later, briefing_date=DAY1
    )
    assert saved[0].briefings == (DAY1, DAY2)
    assert (saved[0].first_seen, saved[0].last_seen) == (DAY1, DAY2)
    assert saved[0].headline == shown_later[0].headline  # the latest briefing's
    assert saved[0].signature == shown_later[0].signature


def test_signatures_worked_out_before_keeping_are_the_ones_kept() -> None:
    # The build works them out while the stories are summarized (pipeline.build).
    stories = cluster_articles(day1_articles())
    worked_out = signatures_by_id(stories)
    assert updated_history(
        stories, [], briefing_date=DAY1, signatures=worked_out
    ) == updated_history(stories, [], briefing_date=DAY1)
    given = {story.id: {"given": 1.0} for story in stories}
    kept = updated_history(stories, [], briefing_date=DAY1, signatures=given)
    assert [k.signature for k in kept] == [{"given": 1.0}] * len(stories)


def test_an_earlier_date_built_after_a_later_one_has_its_own_stories(
    tmp_path: Path, store_target: StoreLocation
) -> None:
    """The README's second example after `make digest`: `digest build --date 2022-02-01`."""
    (tmp_path / "in").mkdir()
    for seed in sorted(SEEDS.glob("00[01]_*.txt")):
        shutil.copy(seed, tmp_path / "in")
    shutil.copy(DAYS / "ferry-1.md", tmp_path / "in")
    shutil.copy(DAYS / "ferry-2.md", tmp_path / "in")
    (tmp_path / "config.yaml").write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\n" + store_yaml(store_target),
        encoding="utf-8",
    )
    config = load_config(tmp_path / "config.yaml")
    today, earlier = dt.date(2026, 12, 2), dt.date(2022, 2, 1)
    now = dt.datetime(2026, 12, 2, 7, tzinfo=dt.UTC)

    first = pipeline.build(config, date=today, now=now, send_email=False)
    back = pipeline.build(config, date=earlier, now=now + dt.timedelta(hours=1), send_email=False)
    again = pipeline.build(config, date=today, now=now + dt.timedelta(hours=2), send_email=False)

    assert len(first.briefing.stories) == 2
    assert {s.id for s in back.briefing.stories} == {s.id for s in first.briefing.stories}
    assert not any(s.developing for s in back.briefing.stories)  # nothing was shown before it
    assert {s.id for s in again.briefing.stories} == {s.id for s in first.briefing.stories}
    with open_store(store_target) as store:
        history = load_history(store, since=earlier)
    assert {k.briefings for k in history} == {(earlier, today)}
