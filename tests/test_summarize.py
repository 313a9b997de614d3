from __future__ import annotations

from collections import Counter

import nltk
import pytest
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer
from sumy.parsers.plaintext import PlaintextParser

from digest.config import ALGORITHM_NAMES
from digest.errors import UsageError
from digest.model import Article
from digest.summarize import (
    SUMMARIZERS,
    DigestSummarizer,
    SentenceTokenizer,
    SummarizerOptions,
    build_document,
    is_near_duplicate,
    rank_sentences,
    split_sentences,
    summarize_story,
)
from digest.summarize.story import is_fragment
from digest.text.furniture import find_dateline
from digest.text.language import stemmer_for, stop_words_for
from digest.text.sentences import _syntok_sentences
from tests.builders import make_article

LEDE = (
    "A Russian diplomat on Tuesday denied reports that Moscow sent Washington a written "
    "response to a U.S. proposal aimed at easing the crisis over Ukraine."
)


def story() -> tuple[Article, ...]:
    """Three reports of one event: a wire story, a rewrite of it, and a different outlet."""
    wire = make_article(
        "wire",
        title="Russia denies answering US proposal on Ukraine",
        paragraphs=(
            LEDE,
            "Deputy Foreign Minister Alexander Grushko told the state news agency that the "
            'reports were "not true." He said the ministry was still preparing its answer.',
            "The Kremlin wants binding guarantees that Ukraine will never join the NATO "
            "alliance and that the alliance will pull its forces back from Eastern Europe.",
            "Talks between Russia and the West have so far failed to yield any progress.",
        ),
    )
    rewrite = make_article(
        "rewrite",
        title="Moscow says no answer was sent",
        paragraphs=(
            "Moscow: " + LEDE,
            "Deputy Foreign Minister Alexander Grushko told the state news agency that the "
            "reports were “not true”. He said the ministry was still preparing its answer.",
            "Officials in Washington had said on Monday that a written reply had arrived.",
        ),
    )
    other = make_article(
        "other",
        title="US confirms it received a follow-up from Russia",
        paragraphs=(
            "The State Department confirmed it had received a written follow-up from Russia "
            "but declined to disclose what the document said.",
            '"It would be unproductive to negotiate in public," a spokesperson told reporters '
            "in Washington on Tuesday.",
            "Foreign Minister Sergei Lavrov had sent letters to NATO members asking how they "
            "understood the principle of indivisible security.",
        ),
    )
    return (wire, rewrite, other)


def article_holding(articles: tuple[Article, ...], article_id: str) -> Article:
    return next(a for a in articles if a.id == article_id)


def test_registry_has_exactly_the_configured_algorithms() -> None:
    assert tuple(SUMMARIZERS) == ALGORITHM_NAMES


@pytest.mark.parametrize("algorithm", ALGORITHM_NAMES)
def test_every_algorithm_summarizes_within_budget_verbatim_and_attributed(algorithm: str) -> None:
    articles = story()
    summary = summarize_story(articles, algorithm=algorithm, words=60)
    assert summary
    assert sum(len(s.text.split()) for s in summary) <= 60
    for sentence in summary:
        source = article_holding(articles, sentence.article_id)
        assert any(sentence.text in p for p in source.paragraphs)


@pytest.mark.parametrize("algorithm", ALGORITHM_NAMES)
def test_no_sentence_is_said_twice(algorithm: str) -> None:
    summary = summarize_story(story(), algorithm=algorithm, words=None, sentences=None)
    texts = [s.text.removeprefix("Moscow: ") for s in summary]
    assert sum(LEDE in t for t in texts) == 1
    assert sum("not true" in t for t in texts) <= 1


def test_two_near_identical_articles_give_no_repeated_sentence() -> None:
    first = story()[0]
    second = make_article(
        "copy",
        title=first.title,
        paragraphs=tuple(p.replace('"not true."', "“not true”") for p in first.paragraphs),
    )
    summary = summarize_story((first, second), words=None)
    texts = Counter(s.text.replace("“", '"').replace("”", '"') for s in summary)
    assert len(summary) == 5
    assert max(texts.values()) == 1


def test_near_duplicate_signatures() -> None:
    assert is_near_duplicate(frozenset("abcde"), frozenset("abcdefz"))
    assert not is_near_duplicate(frozenset("abcde"), frozenset("abxyz"))
    assert not is_near_duplicate(frozenset("ab"), frozenset("abc"))


def test_sentence_cap_and_word_cap_both_hold() -> None:
    assert len(summarize_story(story(), words=None, sentences=2)) == 2
    capped = summarize_story(story(), words=45, sentences=5)
    assert sum(len(s.text.split()) for s in capped) <= 45


def test_truncate_cuts_the_last_sentence_at_the_cap() -> None:
    summary = summarize_story(story(), words=30, truncate=True)
    assert sum(len(s.text.split()) for s in summary) == 30
    untruncated = summarize_story(story(), words=30)
    assert sum(len(s.text.split()) for s in untruncated) < 30


def test_same_input_same_output() -> None:
    for algorithm in ALGORITHM_NAMES:
        first = summarize_story(story(), algorithm=algorithm)
        second = summarize_story(tuple(story()), algorithm=algorithm)
        assert first == second


def test_sentences_of_one_article_keep_their_order() -> None:
    articles = story()
    summary = summarize_story(articles, words=None)
    for article in articles:
        text = " ".join(article.paragraphs)
        mine = [text.index(s.text) for s in summary if s.article_id == article.id]
        assert mine == sorted(mine)


def test_junk_article_is_not_quoted() -> None:
    junk = make_article(
        "junk",
        title="",
        paragraphs=(
            "Tweet with a location. You can add location information to your Tweets, such as "
            "your city or precise location, from the web and via third-party applications.",
        ),
    )
    summary = summarize_story((*story(), junk), words=120)
    assert summary
    assert all(s.article_id != "junk" for s in summary)


def test_default_does_not_pad_the_budget_with_fragments() -> None:
    wire, rewrite, other = story()
    noisy = make_article(
        "noisy", title=wire.title, paragraphs=(*wire.paragraphs, "RECENT STORIES", "Loading...")
    )
    summary = summarize_story((noisy, rewrite, other), words=500)
    assert len(summary) >= 5
    assert not {"RECENT STORIES", "Loading..."} & {s.text for s in summary}


def test_a_story_of_fragments_still_gets_a_summary() -> None:
    fragments = make_article(paragraphs=("Storm hits the coast", "Power lines down"))
    assert [s.text for s in summarize_story((fragments,), words=10)] == [
        "Storm hits the coast",
        "Power lines down",
    ]


def test_unknown_algorithm_and_language_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="magic"):
        summarize_story(story(), algorithm="magic")
    with pytest.raises(UsageError, match=r"summary\.language"):
        summarize_story(story(), language="klingon")


def test_empty_story_gives_empty_summary() -> None:
    assert summarize_story(()) == ()
    assert summarize_story((make_article(paragraphs=()),)) == ()


def test_works_without_nltk_data(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    split_sentences.cache_clear()
    with pytest.raises(LookupError):
        Tokenizer("english")  # sumy's own tokenizer needs punkt; ours must not
    for algorithm in ALGORITHM_NAMES:
        assert summarize_story(story(), algorithm=algorithm, words=40)


def test_splitter_keeps_abbreviations_and_is_verbatim() -> None:
    paragraph = 'Mr. Smith met U.S. officials at 5 p.m. on Friday.  They said "no." Talks end.'
    sentences = split_sentences(paragraph)
    assert sentences == (
        "Mr. Smith met U.S. officials at 5 p.m. on Friday.",
        'They said "no."',
        "Talks end.",
    )
    assert all(s in paragraph for s in sentences)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("The vote passed. Critics objected!", ("The vote passed.", "Critics objected!")),
        ("Gov. Smith spoke on Jan. 6 in Denver.", ("Gov. Smith spoke on Jan. 6 in Denver.",)),
        ('"Why?" he asked. Then he left.', ('"Why?" he asked.', "Then he left.")),
        ("One line with no end", ("One line with no end",)),
    ],
)
def test_splitter_cuts_only_real_sentence_ends(paragraph: str, expected: tuple[str, ...]) -> None:
    assert split_sentences(paragraph) == expected


def test_edmundson_without_headlines_uses_frequent_words() -> None:
    untitled = tuple(make_article(a.id, title="", paragraphs=a.paragraphs) for a in story())
    assert summarize_story(untitled, algorithm="edmundson", words=50)


def test_sentence_cap_limits_how_far_ours_ranks() -> None:
    document = build_document(story(), SentenceTokenizer("english"))
    english = (stemmer_for("english"), stop_words_for("english"))
    capped = DigestSummarizer(*english, sentences=1)
    assert len(rank_sentences(capped, document)) <= 4
    uncapped = DigestSummarizer(*english)
    assert len(rank_sentences(uncapped, document)) == len(document.sentences)


def test_tokenizer_speaks_sumys_interface() -> None:
    tokenizer = SentenceTokenizer("english")
    parser = PlaintextParser.from_string("One sentence here. Another one there.", tokenizer)
    assert [str(s) for s in parser.document.sentences] == [
        "One sentence here.",
        "Another one there.",
    ]
    assert tokenizer.to_words("U.S. talks, don't stop 2 times") == (
        "U.S",
        "talks",
        "don't",
        "stop",
        "times",
    )


def test_our_summarizer_plugs_into_sumys_call_shape() -> None:
    text = "\n\n".join(p for a in story() for p in a.paragraphs)
    document = PlaintextParser.from_string(text, SentenceTokenizer("english")).document
    summarizer = DigestSummarizer(stemmer_for("english"), stop_words_for("english"))
    chosen = summarizer(document, 2)
    assert len(chosen) == 2
    positions = [document.sentences.index(s) for s in chosen]
    assert positions == sorted(positions)


def test_rank_sentences_orders_by_rating() -> None:
    document = build_document(story(), SentenceTokenizer("english"))
    summarizer = SUMMARIZERS["luhn"](
        SummarizerOptions(stemmer=stemmer_for("english"), stop_words=stop_words_for("english"))
    )
    ranking = rank_sentences(summarizer, document)
    assert sorted(ranking) == list(range(len(document.sentences)))
    best = summarizer(document, 1)
    assert document.sentences[ranking[0]] == best[0]


SUBHEADED = make_article(
    "subheaded",
    title="Russia denies sending response",
    paragraphs=(
        "Moscow sent follow-up questions rather than a response to the United States, a "
        "Russian diplomat said on Tuesday.",
        "Security demands",
        "The Kremlin is seeking legally binding guarantees that Ukraine will never join NATO.",
        "Rhetoric over sanctions",
        "The White House said it is ready to impose sanctions on the inner circle of the "
        "Russian president.",
    ),
)


@pytest.mark.parametrize("algorithm", ALGORITHM_NAMES)
def test_no_algorithm_quotes_a_subheading(algorithm: str) -> None:
    summary = summarize_story((*story(), SUBHEADED), algorithm=algorithm, words=None)
    texts = {s.text for s in summary}
    assert len(texts) >= 8
    assert not {"Security demands", "Rhetoric over sanctions"} & texts


def test_fragment_is_a_short_unfinished_line() -> None:
    assert is_fragment("Security demands")
    assert is_fragment("Rhetoric over sanctions")
    assert not is_fragment("Talks end.")
    assert not is_fragment('He said it was "not true."')
    # Long enough to be a sentence whose final mark was lost, not a heading.
    assert not is_fragment("The Kremlin is seeking legally binding guarantees from NATO and the US")


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("Moscow: A Russian diplomat denied it.", "Moscow: "),
        ("WASHINGTON (AP) — The court ruled.", "WASHINGTON (AP) — "),
        ("LONDON, Feb 1 (Reuters) - Oil rose.", "LONDON, Feb 1 (Reuters) - "),
        ("Washington (CNN) Vermont Sen. Bernie Sanders spoke.", "Washington (CNN) "),
        ("NEW DELHI: Prices rose.", "NEW DELHI: "),
        ("The company said: we will not sell.", None),
        ("A Russian diplomat on Tuesday denied reports.", None),
    ],
)
def test_dateline_prefixes(text: str, dateline: str | None) -> None:
    found = find_dateline(text)
    assert (text[: found.end] if found else None) == dateline


@pytest.mark.parametrize("algorithm", ALGORITHM_NAMES)
def test_dated_sentence_gives_way_to_its_undated_twin(algorithm: str) -> None:
    summary = summarize_story(story(), algorithm=algorithm, words=None)
    texts = [s.text for s in summary]
    assert texts.count(LEDE) == 1
    assert not any(t.startswith("Moscow:") for t in texts)


def test_undated_twin_replaces_the_dated_one_even_when_ranked_first() -> None:
    wire, rewrite, _ = story()
    # The dated lede opens the first article, so every algorithm ranks it above its twin,
    # which sits last in the second; the summary quotes the twin, from its own article.
    dated = make_article("dated", title="", paragraphs=("Moscow: " + LEDE, *rewrite.paragraphs[1:]))
    undated = make_article("undated", title="", paragraphs=(*wire.paragraphs[1:], LEDE))
    summary = summarize_story((dated, undated), algorithm="luhn", sentences=1)
    assert [(s.text, s.article_id) for s in summary] == [(LEDE, "undated")]


def test_pystemmer_stems_as_nltk_snowball_does() -> None:
    stem = stemmer_for("english")
    words = ["denied", "Reports", "Russia’s", "guarantees", "running", "crisis"]
    assert [stem(w) for w in words] == ["deni", "report", "russia", "guarante", "run", "crisi"]
    assert stem.stem_words(words) == [stem(w) for w in words]
    # Languages sumy stems its own way keep sumy's stemmer.
    assert stemmer_for("czech")("praha") == Stemmer("czech")("praha")


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "He was born in 1970. The war ended in 1975. Peace came.",
            ("He was born in 1970.", "The war ended in 1975.", "Peace came."),
        ),
        ("Author J. Smith arrived. He left.", ("Author J. Smith arrived.", "He left.")),
        ("They went home.The next day they came back.", None),
        ("Brig. Gen. Bill Seekins spoke. He left.", ("Brig. Gen. Bill Seekins spoke.", "He left.")),
        ("1. The first point is this. Then more.", ("1. The first point is this.", "Then more.")),
        ("It hit the U.S. Navy hard. Nobody knew.", ("It hit the U.S. Navy hard.", "Nobody knew.")),
    ],
)
def test_splitter_judges_each_boundary(paragraph: str, expected: tuple[str, ...] | None) -> None:
    # None: syntok's answer on the whole paragraph, which the splitter defers to there.
    assert split_sentences(paragraph) == (expected or _syntok_sentences(paragraph))
