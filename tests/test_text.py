"""digest.text: the one home of words, stop words, stems, dates, furniture and datelines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from digest.text import notices
from digest.text.datelines import find_dateline, strip_dateline
from digest.text.dates import read_date, stated_day
from digest.text.furniture import (
    is_byline,
    is_caption,
    is_credit_line,
    is_headline_furniture,
    is_section_name,
    news_agency,
)
from digest.text.language import stemmer_for, stop_words_for, token_stop_words
from digest.text.notices import notice_kind

FIXTURES = Path(__file__).parent / "fixtures"


def test_one_stop_word_list_serves_every_tokenizer() -> None:
    # scikit-learn splits "don't" into "don"; the list it is given must hold that token.
    assert "don't" in stop_words_for("english")
    assert "don" in token_stop_words("english")
    assert all("'" not in word for word in token_stop_words("english"))


def test_stemmer_follows_the_language() -> None:
    assert stemmer_for("english")("running") == "run"
    assert stemmer_for("german")("häuser") != stemmer_for("english")("häuser")


@pytest.mark.parametrize(
    ("text", "place", "agency", "rest"),
    [
        ("BALTIMORE (AP) — The city settled.", "BALTIMORE", "AP", "The city settled."),
        ("LONDON, Feb 1 (Reuters) - Oil rose.", "LONDON", "Reuters", "Oil rose."),
        ("INDIANAPOLIS, Ind. — A judge ruled.", "INDIANAPOLIS, Ind.", None, "A judge ruled."),
        ("(CNN) -- A man was arrested.", None, "CNN", "A man was arrested."),
        (
            "OSAN AIR BASE, South Korea (AFNS) -- Forces met.",
            "OSAN AIR BASE, South Korea",
            "AFNS",
            "Forces",
        ),
        ("Washington (CNN) Vermont Sen. Bernie Sanders spoke.", "Washington", "CNN", "Vermont"),
    ],
)
def test_datelines(text: str, place: str | None, agency: str | None, rest: str) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.place, found.agency) == (place, agency)
    assert strip_dateline(text).startswith(rest)


@pytest.mark.parametrize(
    ("text", "place", "agency", "rest"),
    [
        # Multi-News dev, stories 245, 149, 226 and 142: the dash written tight to both words.
        ("HIROSHIMA--A stray dog that escaped", "HIROSHIMA", None, "A stray dog"),
        ("WASHINGTON—The chairman of the Senate", "WASHINGTON", None, "The chairman"),
        ("MIAMI—When speaking about his star", "MIAMI", None, "When speaking"),
        (
            "SAN FRANCISCO--(BUSINESS WIRE)--The following statement",
            "SAN FRANCISCO",
            "BUSINESS WIRE",
            "The following",
        ),
        ("AUSTIN, Texas--Texas will pay", "AUSTIN, Texas", None, "Texas will pay"),
    ],
)
def test_datelines_without_spaces_around_the_dash(
    text: str, place: str, agency: str | None, rest: str
) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.place, found.agency) == (place, agency)
    assert strip_dateline(text).startswith(rest)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        # Multi-News dev samples 110, 127 and a budget story: Reuters pages whose dash was lost.
        ("PARIS An Algerian man suspected of planning an imminent attack", "An Algerian man"),
        ("DUBAI A Bahraini court sentenced a political activist", "A Bahraini court"),
        ("WASHINGTON The Senate passed a Republican-authored budget plan", "The Senate passed"),
    ],
)
def test_a_place_in_capitals_that_lost_its_dash_goes_where_the_article_opens(
    text: str, rest: str
) -> None:
    found = find_dateline(text)
    assert found is not None
    assert found.bare
    assert found.agency is None
    assert strip_dateline(text) == text[found.end :]
    assert strip_dateline(text).startswith(rest)
    # Further on, capitals before an article may be a label: the sentence stays whole.
    assert strip_dateline(text, opens_article=False) == text


def test_a_press_release_wire_is_no_wire_credit() -> None:
    # Multi-News dev, story 142: Business Wire carries the release; it did not report it.
    found = find_dateline("SAN FRANCISCO--(BUSINESS WIRE)--The following statement is issued")
    assert found is not None
    assert not found.bracketed


@pytest.mark.parametrize(
    "text",
    [
        "The company said: we will not sell.",
        "A Russian diplomat denied reports.",
        # Hyphens and dashes in prose, and capitals that are a print style, not a place.
        "U.S.-Russian tensions over Ukraine spilled over into nuclear talks.",
        "Some time late in 2011—at least according to the people-crunchers.",
        "FBI–CIA rivalry is older than either agency.",
        "US—EU talks resumed on Monday.",
        "AN AUSTRALIAN climber who watched his brother fall to his death.",
        "SAN Diego Chargers receiver Vincent Jackson has been arrested.",
        # A subject in capitals is followed by a name, not by an article.
        "NASA Administrator Jim Bridenstine said the agency would pick more landers.",
        "THE DÁIL IS to sit late tonight to pass emergency legislation.",
    ],
)
def test_sentences_without_datelines_stay_whole(text: str) -> None:
    assert find_dateline(text) is None
    assert strip_dateline(text) == text


def test_bylines_are_short_lines_opening_with_by() -> None:
    assert is_byline("By Sam Writer")
    assert not is_byline("By the end of the day, more than 300 people had planted a tree each.")


def test_dates_written_by_people_and_programs() -> None:
    assert read_date("2022-02-01") == dt.date(2022, 2, 1)
    assert read_date("Tue, 01 Feb 2022 10:00:00 +0000") == dt.datetime(
        2022, 2, 1, 10, tzinfo=dt.UTC
    )
    assert read_date("1 February 2022") == dt.date(2022, 2, 1)
    assert read_date("someday") is None
    assert read_date("0001-01-01") is None


def test_stated_day_is_the_first_full_date() -> None:
    assert stated_day("Posted Feb 3 — on 1 March 2021 and 2020-05-06") == dt.date(2021, 3, 1)
    assert stated_day("February 30, 2021, then March 2, 2021") == dt.date(2021, 3, 2)


def test_picture_agencies_are_credits_not_outlets() -> None:
    assert news_agency("Associated Press") == "Associated Press"
    assert news_agency("REUTERS") == "Reuters"
    assert news_agency("Getty Images") is None
    assert news_agency("Shutterstock") is None
    assert news_agency("Photo by Reuters Close") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Multi-News dev (../shared/eval/multinews-dev.jsonl): stories 021, 010, 214, 154, 000.
        ("Tweet with a location\n\nYou can add location information to your Tweets", "a social"),
        ("Starting in 1996, Alexa Internet has been donating their crawl data to the", "a web"),
        ("JavaScript is disabled\n\nYou need to enable JavaScript to use SoundCloud", "a JavaS"),
        ("Rating is available when the video has been rented.", "a video"),
        ("Just fill in your contact details in the form below to join our mailing list", "a sub"),
        ("The council met on Tuesday and approved the budget.", None),
        ("He posted a tweet with a photo of the crowd.", None),
    ],
)
def test_notice_kinds(text: str, kind: str | None) -> None:
    found = notice_kind(text)
    assert (found[: len(kind)] if found else None) == kind


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Tags: Super Bowl XLVI, Mark Herzlich, New York Giants", True),
        ('poster="http://v.politico.com/images/1155968404/201802/844/x-vs.jpg" true', True),
        ("× Close What is the Tomatometer®?", True),
        ("Welcome to ODMP K9", True),
        ("World News", True),
        ("Politics", True),
        ("Local News More>>", True),
        (
            "Donald Trump before opening the Nasdaq on September 20, 2005. "
            "Michael Nagle/Getty Images",
            True,
        ),
        ("(Washington Post Staff Photo/Andrea Bruce)", True),
        ("FILE - In this May 24, 2016, file photo, Rep. Ryan speaks", True),
        # A row of a scores table (a high-school football page of
        # ../shared/corpora/article-extraction-benchmark): more numbers than words.
        ("Palm Bay 18 22 13 17 — 70", True),
        ("Euro 2020 qualifying is over.", False),
        ("2020 Democratic debate: 10 candidates take the stage", False),
        ("Russia denies responding to US proposal on Ukraine crisis", False),
        ("World leaders meet in Paris to agree on climate targets", False),
        ("Timothy Poole, 43, posed for a photo with his check at the lottery office", False),
    ],
)
def test_headline_furniture(line: str, furniture: bool) -> None:
    assert is_headline_furniture(line) is furniture


@pytest.mark.parametrize(
    "line",
    [  # widget words and markup past the line's opening: found by a search, not only a match
        "Scores and more: What is the Tomatometer?",
        "The clip starts on autoplay",
        "Then copy this code to your website",
        "The vote was close. Continue reading the main story",
        "The vote was close. Contİnue reading the main story",  # not ASCII: "İ" is a case-blind i
        "See the plan at www.example.org today",
        "Write to jo@example.org for the plan",
        "The <b>plan</b> passed",
    ],
)
def test_headline_furniture_inside_a_line(line: str) -> None:
    assert is_headline_furniture(line)
    assert not is_headline_furniture("The plan passed on Tuesday after a long debate")


@pytest.mark.parametrize(
    "line",
    [  # one for each way the caption pattern matches
        "The senator at the rally (AP Photo/Evan Vucci)",
        "Photos: the storm that hit the coast",
        "The mayor speaks on Monday. Courtesy Getty",
        "The dunes at dusk, via Shutterstock",
        "The senator in an AP photo from Monday",
        "A photo illustration of the new device",
        "Media caption The minister speaks on Monday",
        "FILE - The courthouse in Baltimore",
        "The courthouse in Baltimore, in a file photo",
        "Picture taken December 28, 2017.",
        "In this May 24, 2016, picture and photo, Rep. Ryan speaks",
        "The team celebrates in a staff photo",
        "The crater, in a photo released by the agency",
        "The image shows the crater from above",
        "The crater at dawn (NASA/JPL)",
        "The minister at the summit REUTERS/Kevin Lamarque",
        "Courtesy ſhutterſtock",  # not ASCII: the case-blind pattern's long s, searched whole
    ],
)
def test_captions_pass_the_substring_test_before_the_pattern(line: str) -> None:
    # is_caption searches an ASCII line only when it holds one of the pattern's words.
    assert is_caption(line)
    assert is_caption(line.upper())


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Reuters", True),
        ("AFP via Getty Images", True),
        ("Getty Images; Shutterstock", True),
        ("Reuters photo", True),
        ("AP/Ria Novosti", True),
        ("Photos: ...Reuters...", True),
        ("Press Trust of India", True),
        ("Reuters and AFP", False),
        ("Photo: Reuters staff", False),
        ("Photo by: AP / File", False),
        # Not ASCII: "İ" matches the case-blind "via" but lower-cases to two characters, so
        # the line's words are not the credit's; the whole test decides.
        ("Reuters vİa AFP", True),
        ("REUTERS VıA AFP", True),
    ],
)
def test_credit_lines_are_agency_names_alone(line: str, credit: bool) -> None:
    assert is_credit_line(line) is credit


def test_section_names_are_short_lines_of_section_words() -> None:
    assert is_section_name("U.S. Politics")
    assert not is_section_name("Politics of fear grips the capital")


def test_a_run_in_label_goes_with_the_dateline_after_it() -> None:
    # Multi-News dev sample144 (a Politico newsletter).
    text = "EXCLUSIVE: ABA’S KEATING RIPS OBAMA - American Bankers Association President spoke."
    assert strip_dateline(text) == "American Bankers Association President spoke."
    assert strip_dateline("UPDATE: WASHINGTON (AP) — The court ruled.") == "The court ruled."


def test_every_notice_pattern_match_holds_one_of_its_trigger_words() -> None:
    # notice_kind tests a kind's pattern only when one of its trigger words is in the text;
    # a match without one would be missed. Checked on every real page of the fixture.
    cases = json.loads((FIXTURES / "clean" / "not_articles.json").read_text("utf-8"))["cases"]
    matched = 0
    for case in cases:
        lowered = case["text"].lower()
        for part in (lowered, *lowered.split("\n")):
            for _kind, triggers, pattern in notices._NOTICES:
                if pattern.search(part):
                    matched += 1
                    assert any(word in part for word in triggers), part[:80]
    assert matched
