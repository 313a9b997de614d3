from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from digest.compose import (
    TIGHT_COHESION,
    SectionRule,
    arrange,
    assign_sections,
    cohesion,
    distinct_sources,
    order_stories,
    rank_stories,
    story_signals,
)
from digest.model import Article, Story
from tests.builders import make_article, make_briefing, make_story


def dated(article_id: str, outlet: str, day: int) -> Article:
    return make_article(article_id, outlet=outlet, published=dt.date(2022, 2, day))


def test_stories_ordered_by_outlets_then_articles_then_recency() -> None:
    wide = make_story(dated("a", "One", 1), dated("b", "Two", 1), story_id="wide")
    deep = make_story(dated("c", "One", 1), dated("d", "One", 1), story_id="deep")
    recent = make_story(dated("e", "One", 3), story_id="recent")
    old = make_story(dated("f", "One", 2), story_id="old")
    undated = make_story(make_article("g", outlet="One"), story_id="undated")
    ordered = order_stories([undated, old, recent, deep, wide])
    assert [s.id for s in ordered] == ["wide", "deep", "recent", "old", "undated"]


def test_aware_and_naive_times_and_dates_order_together() -> None:
    aware = make_story(
        make_article("a", published=dt.datetime(2022, 2, 1, 9, tzinfo=dt.UTC)), story_id="aware"
    )
    naive = make_story(make_article("b", published=dt.datetime(2022, 2, 1, 10)), story_id="naive")
    day = make_story(make_article("c", published=dt.date(2022, 2, 1)), story_id="day")
    assert [s.id for s in order_stories([day, aware, naive])] == ["naive", "aware", "day"]


def test_sections_by_keyword_and_category_with_a_default() -> None:
    ukraine = make_story(headline="Talks on Ukraine stall", story_id="ukraine")
    sport = make_story(
        replace(make_article("s"), category="Sport"), headline="A final", story_id="sport"
    )
    startups = make_story(headline="Startups raise money", story_id="startups")
    rules = [
        SectionRule("Europe", keywords=("ukraine",)),
        SectionRule("Sport", categories=("sport",)),
        SectionRule("Arts", keywords=("art",)),
    ]
    sections = assign_sections([ukraine, sport, startups], rules)
    assert [(s.title, [x.id for x in s.stories]) for s in sections] == [
        ("Europe", ["ukraine"]),
        ("Sport", ["sport"]),
        ("Other news", ["startups"]),
    ]


def test_without_rules_one_untitled_section() -> None:
    stories = [make_story(story_id="a"), make_story(story_id="b")]
    (section,) = assign_sections(stories, [])
    assert section.title is None
    assert section.stories == tuple(stories)


def test_arrange_orders_and_numbers_in_reading_order() -> None:
    small = make_story(make_article("x", outlet="One"), headline="Ukraine aside", story_id="small")
    big = make_story(
        make_article("a", outlet="Reuters"),
        make_article("b", outlet="RT"),
        headline="Moscow talks",
        story_id="big",
    )
    briefing = make_briefing(small, big)
    arranged, sections = arrange(briefing, [SectionRule("Europe", keywords=("ukraine",))])
    assert [s.title for s in sections] == ["Europe", "Other news"]
    assert [s.id for s in arranged.stories] == ["small", "big"]


# Ranking, featuring and sections (docs/briefing.md, "Ranking").

DAY = dt.date(2022, 2, 2)

EVENTS = {
    "quake": "An earthquake of magnitude seven struck the coastal city of Valparaiso on Monday, "
    "collapsing bridges and cutting power to thousands of homes near the harbour.",
    "election": "Voters in Lagos queued for hours as the governorship election opened with "
    "delayed ballot papers, broken card readers and complaints from opposition parties.",
    "merger": "Shareholders of the brewer Heineken approved the takeover of a Brazilian rival, "
    "a deal worth billions that regulators in Brasilia must still clear this spring.",
    "storm": "A winter storm closed the motorway between Glasgow and Edinburgh overnight, "
    "stranding lorries in snowdrifts while gritters struggled with frozen slopes.",
    "strike": "Dock workers at Antwerp walked out over pensions, leaving container ships "
    "anchored offshore and freight forwarders warning of week-long delays.",
    "rescue": "Divers pulled twelve boys and their football coach from the flooded Tham Luang "
    "cave in northern Thailand after an operation lasting three nights.",
}


ASIDES = (
    "Officials promised a statement by the evening.",
    "Witnesses described scenes of confusion.",
    "Residents gathered outside the town hall.",
    "The agency gave no figures yet.",
    "Neighbours shared photographs online.",
    "Analysts expect further announcements.",
)


def report(article_id: str, event: str, outlet: str | None = None, **kwargs: object) -> Article:
    """An article about one of EVENTS, with an aside of its own."""
    aside = ASIDES[sum(map(ord, article_id)) % len(ASIDES)]
    return make_article(
        article_id,
        title=event.title(),
        paragraphs=(f"{EVENTS[event]} {aside}",),
        outlet=outlet,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_loose_mixed_story_ranks_below_a_tight_one_with_fewer_sources() -> None:
    # Six articles of five events of one topic, as single linkage chains them on a busy day.
    events = ("election", "election", "merger", "rescue", "storm", "strike")
    mixed = make_story(
        *(report(f"m{n}", event, outlet=f"Mixed {n}") for n, event in enumerate(events)),
        story_id="mixed",
    )
    tight = make_story(
        *(report(f"t{n}", "quake", outlet=f"Tight {n}") for n in range(3)), story_id="tight"
    )
    single = make_story(report("r", "rescue", outlet="Solo"), story_id="single")
    ranked = rank_stories([mixed, single, tight], date=DAY, language="english")
    assert [s.id for s in ranked] == ["tight", "mixed", "single"]
    assert [s.rank for s in ranked] == [1, 2, 3]
    signals = story_signals([mixed, single, tight], date=DAY, language="english")
    assert signals["tight"].cohesion > TIGHT_COHESION > signals["mixed"].cohesion
    assert signals["single"].cohesion == 1.0


def test_signals_worked_out_before_rank_as_those_worked_out_in_ranking() -> None:
    # The build works them out while the stories are summarized (pipeline.build).
    stories = [
        make_story(*(report(f"t{n}", "quake", outlet=f"T{n}") for n in range(3)), story_id="t"),
        make_story(report("r", "rescue", outlet="Solo"), story_id="single"),
    ]
    signals = story_signals(stories, date=DAY, language="english")
    given = rank_stories(stories, date=DAY, language="english", signals=signals)
    assert given == rank_stories(stories, date=DAY, language="english")
    assert [s.id for s in given] == ["t", "single"]
    reversed_scores = {
        "t": replace(signals["t"], score=0.0),
        "single": replace(signals["single"], score=9.0),
    }
    ranked = rank_stories(stories, date=DAY, language="english", signals=reversed_scores)
    assert [s.id for s in ranked] == ["single", "t"]


def test_cohesion_is_one_for_the_same_words_and_zero_for_none_shared() -> None:
    idf = {"quak": 2.0, "bridg": 2.0, "vote": 2.0, "ballot": 2.0}
    assert cohesion([("quak", "bridg"), ("quak", "bridg")], idf) == pytest.approx(1.0)
    assert cohesion([("quak", "bridg"), ("vote", "ballot")], idf) == 0.0
    # As tight as its least bound article: one stray article loosens a story of agreeing ones.
    agreeing = [("quak", "bridg")] * 3
    assert cohesion([*agreeing, ("vote", "ballot")], idf) == 0.0


def test_sources_count_outlets_else_hosts_else_articles() -> None:
    by_outlet = make_story(
        make_article("a", outlet="Reuters", url="https://one.example/a"),
        make_article("b", outlet="reuters", url="https://two.example/b"),
    )
    by_host = make_story(
        make_article("a", url="https://www.one.example/a"),
        make_article("b", url="https://one.example/b"),
        make_article("c", url="https://two.example/c"),
    )
    saved_pages = make_story(make_article("a"), make_article("b"), make_article("c"))
    assert distinct_sources(by_outlet) == 1
    assert distinct_sources(by_host) == 2
    assert distinct_sources(saved_pages) == 3


def test_older_stories_give_way_and_developing_ones_gain() -> None:
    def story(key: str, event: str, day: int) -> Story:
        articles = (report(f"{key}{n}", event, published=dt.date(2022, 2, day)) for n in range(2))
        return make_story(*articles, story_id=key)

    fresh, old = story("fresh", "quake", 2), story("old", "election", 1)
    assert [s.id for s in rank_stories([old, fresh], date=DAY, language="english")] == [
        "fresh",
        "old",
    ]
    developing = replace(old, developing=True)
    ranked = rank_stories([fresh, developing], date=DAY, language="english")
    assert [s.id for s in ranked] == ["fresh", "old"]  # a day old outweighs the bonus
    same_day = replace(story("update", "merger", 2), developing=True)
    ranked = rank_stories([fresh, same_day], date=DAY, language="english")
    assert [s.id for s in ranked] == ["update", "fresh"]


def stories_of_sizes(*sizes: int) -> list[Story]:
    events = list(EVENTS)
    return [
        make_story(
            *(report(f"{n}-{i}", events[n % len(events)], outlet=f"O{i}") for i in range(size)),
            headline=f"Story of {size}",
            story_id=f"s{n}",
        )
        for n, size in enumerate(sizes)
    ]


def test_the_featured_cap_holds_and_takes_the_best_ranked() -> None:
    briefing = make_briefing(*stories_of_sizes(1, 4, 2, 3, 1), date=DAY)
    arranged, (section,) = arrange(briefing, featured=2)
    assert [(s.id, s.rank, s.featured) for s in arranged.stories] == [
        ("s1", 1, True),
        ("s3", 2, True),
        ("s2", 3, False),
        ("s0", 4, False),
        ("s4", 5, False),
    ]
    assert section.stories == arranged.stories
    everything, _ = arrange(briefing)
    assert all(s.featured for s in everything.stories)
    nothing, _ = arrange(briefing, featured=0)
    assert not any(s.featured for s in nothing.stories)


def test_in_each_section_featured_stories_come_first_then_one_liners() -> None:
    stories = stories_of_sizes(4, 1, 3, 2)  # quake, election, merger, rescue
    rules = [SectionRule("Latin America", keywords=("quake", "merger"))]
    arranged, sections = arrange(make_briefing(*stories, date=DAY), rules, featured=2)
    assert [(s.title, [(x.id, x.rank, x.featured) for x in s.stories]) for s in sections] == [
        ("Latin America", [("s0", 1, True), ("s2", 2, True)]),
        ("Other news", [("s3", 3, False), ("s1", 4, False)]),
    ]
    assert [s.section for s in arranged.stories] == ["Latin America"] * 2 + ["Other news"] * 2
    rules = [SectionRule("Nigeria", keywords=("election",))]
    _, sections = arrange(make_briefing(*stories, date=DAY), rules, featured=2)
    assert [(s.title, [(x.id, x.featured) for x in s.stories]) for s in sections] == [
        ("Nigeria", [("s1", False)]),
        ("Other news", [("s0", True), ("s2", True), ("s3", False)]),
    ]


def test_the_layout_does_not_depend_on_the_order_stories_came_in() -> None:
    stories = stories_of_sizes(2, 3, 2, 1, 3)
    first, _ = arrange(make_briefing(*stories, date=DAY), featured=3)
    second, _ = arrange(make_briefing(*reversed(stories), date=DAY), featured=3)
    assert first.stories == second.stories
