"""Offline text units for sumy: sentence splitting, words, stems and stop words.

sumy's own `Tokenizer` needs NLTK's punkt data, which digest may never download, so
`SentenceTokenizer` gives sumy's parsers and document model the same interface (`language`,
`to_sentences`, `to_words`) backed by syntok, a rule-based splitter that ships no data files.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

import syntok.segmenter
import syntok.tokenizer
from sumy.nlp.stemmers import Stemmer
from sumy.utils import get_stop_words

from digest.errors import UsageError

__all__ = [
    "SentenceTokenizer",
    "split_sentences",
    "stemmer_for",
    "stop_words_for",
    "word_count",
    "words_of",
]

# A possible sentence end inside a paragraph: a final mark, closing quotes, then white space.
_INNER_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+")
# What a clear sentence end is preceded by (a plain word) and followed by (a capital).
_WORD_BEFORE = re.compile(r"[^\s\"'“‘(\[]*$")
_CAPITAL_AFTER = re.compile(r"[\"“‘(\[]?[A-Z]")
# Words that end with a dot without ending a sentence ("Gov. Smith", "Jan. 6", "Acme Inc. said").
_ABBREVIATION_LIST = """
    mr mrs ms dr prof st jr sr gov sen rep gen col capt lt sgt cmdr adm maj rev hon pres supt
    det insp cpl pvt fig vol no nos vs etc inc corp co ltd llc bros dept univ ave blvd rd hwy
    mt ft jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat
    sun approx est al
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())
# Titles and months that syntok takes for sentence ends but that hardly ever end one.
_TITLE_END = re.compile(
    r"\b(?:Gov|Sen|Rep|Gen|Col|Capt|Lt|Sgt|Cmdr|Adm|Maj|Rev|Hon|Pres|Supt|Det|Insp|Cpl|Pvt|Prof|"
    r"Dr|Mr|Mrs|Ms|Ft|Mt|Jan|Feb|Apr|Aug|Sept?|Oct|Nov|Dec)\.$"
)
# Words as sumy's Tokenizer keeps them: letters, with inner apostrophes, hyphens and dots (U.S.).
_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*")
_SPACE_RUN = re.compile(r"\S+")
_SYNTOK = syntok.tokenizer.Tokenizer(replace_not_contraction=False)


@functools.lru_cache(maxsize=8192)
def split_sentences(paragraph: str) -> tuple[str, ...]:
    """The sentences of one paragraph, each a verbatim slice of it, stripped.

    syntok decides wherever a boundary is in doubt. A paragraph whose every possible boundary is
    a plain word, a final mark, then a capital (most news prose) is cut there directly: the
    same answer at a third of the cost. Cached because a story's paragraphs are split once per
    algorithm when several run; the result depends on the paragraph alone.
    """
    text = paragraph.strip()
    if not text:
        return ()
    cuts = _clear_boundaries(text)
    if cuts is None:
        return _syntok_sentences(text)
    bounds = [0, *cuts, len(text)]
    return tuple(sentence for a, b in itertools.pairwise(bounds) if (sentence := text[a:b].strip()))


def _clear_boundaries(text: str) -> list[int] | None:
    """Where `text` splits if every possible sentence end in it is clear; None if any is not."""
    cuts = []
    for match in _INNER_BOUNDARY.finditer(text):
        start = match.start()
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        word = before.group() if before else ""
        if not (
            len(word) >= 2
            and word.isalpha()
            and word.lower() not in _ABBREVIATIONS
            and not (len(word) == 2 and word.isupper())
            and _CAPITAL_AFTER.match(text, match.end())
        ):
            return None
        cuts.append(match.end())
    return cuts


def _syntok_sentences(text: str) -> tuple[str, ...]:
    spans: list[tuple[int, int]] = []
    for tokens in syntok.segmenter.segment(_SYNTOK.tokenize(text)):
        last = tokens[-1]
        # Offsets, not token values, so every sentence is a verbatim slice of the text.
        start, end = tokens[0].offset, last.offset + len(last.value)
        if spans and _TITLE_END.search(text, spans[-1][0], spans[-1][1]):
            # syntok cut after "Gov." or "Sept.": the next words belong to the same sentence.
            start = spans.pop()[0]
        spans.append((start, end))
    return tuple(sentence for a, b in spans if (sentence := text[a:b].strip()))


def words_of(sentence: str) -> tuple[str, ...]:
    """The words of a sentence (letters only; numbers and punctuation dropped)."""
    return tuple(_WORD.findall(sentence))


def word_count(text: str) -> int:
    """Words as a reader (and ROUGE's budget convention) counts them: whitespace-separated."""
    return len(text.split())


def first_words(text: str, count: int) -> str:
    """The verbatim prefix of `text` holding its first `count` whitespace-separated words."""
    end = 0
    for index, match in enumerate(_SPACE_RUN.finditer(text)):
        if index == count:
            break
        end = match.end()
    return text[:end]


class SentenceTokenizer:
    """sumy's tokenizer interface, offline: syntok sentences, regex words."""

    def __init__(self, language: str = "english") -> None:
        self._language = language.lower()

    @property
    def language(self) -> str:
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return split_sentences(paragraph)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return words_of(sentence)


@functools.lru_cache(maxsize=32)
def stemmer_for(language: str) -> Callable[[str], str]:
    """sumy's snowball stemmer for `language`, memoised per word (stemming is pure)."""
    try:
        stem = Stemmer(language)
    except LookupError as exc:
        raise UsageError(f"summary.language: no stemmer for {language!r}") from exc
    return functools.lru_cache(maxsize=200_000)(stem)


@functools.lru_cache(maxsize=32)
def stop_words_for(language: str) -> frozenset[str]:
    """sumy's stop words for `language`, lower-cased."""
    try:
        return frozenset(w.lower() for w in get_stop_words(language))
    except LookupError as exc:
        raise UsageError(f"summary.language: no stop words for {language!r}") from exc
