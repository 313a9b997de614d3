"""The briefing as JSON (`<date>.json`) and the JSON Schema that describes it."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from digest.briefing_json import SCHEMA_PATH, briefing_document, briefing_json
from digest.model import Conflict, SourceReport, SummarySentence
from tests.builders import make_article, make_briefing, make_story


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validate(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def assert_sources_in_range(document: dict[str, Any]) -> None:
    """What the schema cannot say: every `source` names an entry of its story's `sources`."""
    for story in document["stories"]:
        count = len(story["sources"])
        claims = [c for conflict in story["conflicts"] for c in conflict["claims"]]
        for item in [*story["summary"], *claims]:
            assert 1 <= item["source"] <= count, (story["id"], item)


def sample_briefing():  # type: ignore[no-untyped-def]
    first = make_article(
        "a",
        title="Talks stall",
        url="https://one.example/a",
        outlet="One",
        published=dt.datetime(2022, 2, 1, 17, 6, tzinfo=dt.timezone(dt.timedelta(hours=5.5))),
        origin="feeds/one.xml",
    )
    second = make_article("b", title="Talks go on", published=dt.date(2022, 2, 1))
    third = make_article("c", title="Naive time", published=dt.datetime(2022, 2, 1, 9, 30))
    story = replace(
        make_story(
            first,
            second,
            third,
            headline="Talks on Ukraine",
            summary=(("The second says so.", "b"), ("The first says so.", "a")),
        ),
        conflicts=(
            Conflict(
                SummarySentence("Russia sent 100,000 troops.", "a"),
                SummarySentence("Russia sent 130,000 troops.", "c"),
                "Different numbers for the same thing: 100,000 and 130,000.",
                kind="number",
            ),
        ),
        rank=2,
        featured=True,
        section="Europe",
        developing=True,
        previous_briefing="2022-01-31",
    )
    other = replace(
        make_story(make_article("d"), headline="Other", story_id="s2"), rank=1, featured=False
    )
    failed = SourceReport("seeds/bad.txt", ok=False, message="seeds/bad.txt: binary file, skipped")
    return make_briefing(story, other, sources=(failed,))


def test_stories_keep_reading_order_with_rank_featured_and_section() -> None:
    document = briefing_document(sample_briefing())
    assert [(s["id"], s["rank"], s["featured"], s["section"]) for s in document["stories"]] == [
        ("s1", 2, True, "Europe"),
        ("s2", 1, False, None),
    ]
    assert document["date"] == "2022-02-01"
    assert document["counts"] == {"stories": 2, "featured": 1, "articles": 4, "outlets": 1}


def test_summary_and_conflict_claims_name_their_source_by_position() -> None:
    (story, _) = briefing_document(sample_briefing())["stories"]
    assert story["summary"] == [
        {"text": "The second says so.", "source": 2, "disputed": False},
        {"text": "The first says so.", "source": 1, "disputed": False},
    ]
    (conflict,) = story["conflicts"]
    assert conflict["kind"] == "number"
    assert [c["source"] for c in conflict["claims"]] == [1, 3]


def test_sources_are_reported_as_digest_collect_reports_them() -> None:
    (story, _) = briefing_document(sample_briefing())["stories"]
    assert story["sources"][0] == {
        "id": "a",
        "origin": "feeds/one.xml",
        "title": "Talks stall",
        "outlet": "One",
        "url": "https://one.example/a",
        "published": "2022-02-01T17:06:00+05:30",
    }
    assert [s["published"] for s in story["sources"][1:]] == ["2022-02-01", "2022-02-01T09:30:00"]


def test_failed_sources_are_listed() -> None:
    document = briefing_document(sample_briefing())
    assert document["source_reports"] == [
        {
            "source": "seeds/bad.txt",
            "ok": False,
            "articles": 0,
            "message": "seeds/bad.txt: binary file, skipped",
            "last_success": None,
        }
    ]


def test_an_unranked_story_ranks_where_it_is_read() -> None:
    briefing = make_briefing(make_story(story_id="x"), make_story(story_id="y"))
    assert [s["rank"] for s in briefing_document(briefing)["stories"]] == [1, 2]


def test_the_document_is_valid_against_the_schema() -> None:
    document = json.loads(briefing_json(sample_briefing()))
    validate(document)
    assert_sources_in_range(document)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("stories", 0, "rank"), 0),
        (("stories", 0, "featured"), "yes"),
        (("stories", 0, "summary", 0, "source"), "2"),
        (("stories", 0, "conflicts", 0, "kind"), "opinion"),
        (("stories", 0, "sources", 0, "published"), "1 February 2022"),
        (("date",), "01/02/2022"),
    ],
)
def test_the_schema_rejects_a_broken_document(path: tuple[str | int, ...], value: object) -> None:
    document = copy.deepcopy(briefing_document(sample_briefing()))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_the_schema_requires_every_story_key() -> None:
    document = briefing_document(sample_briefing())
    del document["stories"][0]["sources"]
    with pytest.raises(jsonschema.ValidationError, match="'sources' is a required property"):
        validate(document)
