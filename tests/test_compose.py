from __future__ import annotations

import datetime as dt
from dataclasses import replace

from digest.compose import (
    SectionRule,
    arrange,
    assign_sections,
    order_stories,
)
from digest.model import Article
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
