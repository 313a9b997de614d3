from __future__ import annotations

from dataclasses import replace

import pytest

from digest import dedupe
from digest.dedupe import dedupe_articles, near_duplicate_groups
from tests.builders import make_article

LONG = (
    "A Russian diplomat on Tuesday denied reports that Moscow sent Washington a written "
    "response to a U.S. proposal aimed at deescalating the Ukraine crisis, officials said."
)

MORE = (
    "The Kremlin is seeking legally binding guarantees from the U.S. and NATO that Ukraine will "
    "never join the bloc, that deployment of NATO weapons near Russian borders will be halted and "
    "that the alliance's forces will be rolled back from Eastern Europe."
)


def test_same_url_counts_once() -> None:
    first = make_article("a", url="https://example.com/x?utm_medium=rss", paragraphs=("one",))
    second = make_article("b", url="http://www.example.com/x", paragraphs=("other text",))
    assert len(dedupe_articles([first, second])) == 1


def test_near_identical_text_counts_once_and_the_fuller_copy_stays() -> None:
    short = make_article("a", paragraphs=(LONG,))
    longer = make_article("b", paragraphs=(LONG, "Photo: Reuters"))
    kept = dedupe_articles([short, longer])
    assert [a.id for a in kept] == ["b"]


def test_different_articles_are_all_kept_in_input_order() -> None:
    articles = [
        make_article("a", paragraphs=(LONG,)),
        make_article("b", paragraphs=("The Kremlin handed concrete proposals to the US envoy.",)),
        make_article(
            "c", paragraphs=("Talks between Russia and the West failed to yield progress.",)
        ),
    ]
    assert [a.id for a in dedupe_articles(articles)] == ["a", "b", "c"]


def test_near_duplicate_groups_find_a_one_word_edit() -> None:
    story = " ".join([LONG, MORE, MORE.replace("Kremlin", "Russian government")])
    edited = story.replace("Tuesday", "Monday")
    other = "Something else entirely, about weather and sport, for many more words than five."
    assert near_duplicate_groups([story, other, edited]) == [[0, 2]]


def test_keys_on_every_core_are_those_computed_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    story = " ".join([LONG, MORE, MORE.replace("Kremlin", "Russian government")])
    texts = [story, story.replace("Tuesday", "Monday"), MORE, LONG, story.upper(), MORE + " And"]
    articles = [make_article(str(n), paragraphs=(t,)) for n, t in enumerate(texts)]
    in_turn = dedupe_articles(articles), near_duplicate_groups(texts)
    monkeypatch.setattr(dedupe, "_PARALLEL_MIN", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert (dedupe_articles(articles), near_duplicate_groups(texts)) == in_turn
    assert [a.id for a in in_turn[0]] == ["0", "3", "5"]  # copies, an edit, a longer twin


def test_near_duplicates_are_blind_to_case_and_unicode_forms() -> None:
    text = "Die Straße ist lang und breit, sagte der ﬁnanzminister heute morgen in Berlin."
    shouted = "DIE STRASSE IST LANG UND BREIT, SAGTE DER FINANZMINISTER HEUTE MORGEN IN BERLIN."
    assert near_duplicate_groups([text, shouted]) == [[0, 1]]


def test_one_guid_for_every_entry_of_a_feed_does_not_merge_them() -> None:
    articles = [
        replace(make_article(str(n), paragraphs=(text,), origin="feed.xml"), guid="same")
        for n, text in enumerate([LONG, MORE])
    ]
    assert len(dedupe_articles(articles)) == 2


def test_a_guid_names_one_article_only_within_its_feed() -> None:
    one = replace(make_article("a", paragraphs=(LONG,), origin="one.xml"), guid="1")
    again = replace(make_article("b", paragraphs=(LONG + " More.",), origin="one.xml"), guid="1")
    other = replace(make_article("c", paragraphs=(MORE,), origin="two.xml"), guid="1")
    assert [a.id for a in dedupe_articles([one, again, other])] == ["b", "c"]


def test_entries_with_a_title_and_no_text_are_not_one_article() -> None:
    articles = [make_article(str(n), title=f"Headline {n}", paragraphs=()) for n in range(3)]
    assert len(dedupe_articles(articles)) == 3
