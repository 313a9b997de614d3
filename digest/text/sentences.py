"""Sentences: the one splitter every stage uses, and sumy's tokenizer interface over it.

sumy's own `Tokenizer` needs NLTK's punkt data, which digest may never download, so
`SentenceTokenizer` gives sumy's parsers and document model the same interface (`language`,
`to_sentences`, `to_words`) backed by syntok, a rule-based splitter that ships no data files.
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
from collections.abc import Iterable, Iterator

import syntok.segmenter
import syntok.tokenizer

from digest.text.dates import MONTH_ABBREVIATIONS
from digest.text.words import WEB_ADDRESS, run_at, words_of

__all__ = ["SentenceTokenizer", "leading_sentences", "split_sentences"]

# A possible sentence end inside a paragraph: a final mark, closing quotes, then white space.
_INNER_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+")
# A sentence end with the space lost in scraping ("went home.The next day"), for syntok to judge.
_GLUED_END = re.compile(r"[a-z][.!?][\"'”’)\]]*[A-Z][a-z]")
# What a clear sentence end is preceded by (a plain word: back to white space or an opening
# quote or bracket, at most this many characters) and followed by (a capital).
_OPENERS_AS_SPACE = str.maketrans(dict.fromkeys("\"'“‘([", " "))
_WORD_REACH = 40
_CAPITAL_AFTER = re.compile(r"[\"“‘(\[]?[A-Z]")
# Words that end with a dot without ending a sentence ("Gov. Smith", "Jan. 6", "Acme Inc. said").
_ABBREVIATION_LIST = """
    mr mrs ms dr prof st jr sr gov sen rep gen col capt lt sgt cmdr adm maj rev hon pres supt
    det insp cpl pvt fig vol no nos vs etc inc corp co ltd llc bros dept univ ave blvd rd hwy
    mt ft mon tue tues wed thu thurs fri sat sun approx est al
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split()) | MONTH_ABBREVIATIONS
# Titles and months that syntok takes for sentence ends but that hardly ever end one.
_TITLE_LIST = """
    Gov Sen Rep Gen Brig Col Capt Lt Sgt Cmdr Adm Maj Rev Hon Pres Supt Det Insp Cpl Pvt Prof
    Dr Mr Mrs Ms Ft Mt
"""
# Mar., Jun. and Jul. stay syntok's to judge, as they always have: "mar" is a verb too, and the
# short summer months are rare enough in news that no output was ever tuned with them here.
_TITLE_MONTHS = MONTH_ABBREVIATIONS - {"mar", "jun", "jul"}
_TITLES = frozenset(_TITLE_LIST.split()) | {month.capitalize() for month in _TITLE_MONTHS}
_TITLE_END = re.compile(r"\b(?:" + "|".join(sorted(_TITLES)) + r")\.$")
# A word ending in a single letter after a non-letter ("Photo/J", "R-S"): likely an initial.
_LONE_LETTER_END = re.compile(r"(?<![^\W\d_])[^\W\d_]$")
_SYNTOK = syntok.tokenizer.Tokenizer(replace_not_contraction=False)


# Large enough for every paragraph of the largest story: the conflict finder splits a story's
# paragraphs again right after the summarizer, in the same process. Not more: `digest schedule`
# runs for months.
@functools.lru_cache(maxsize=1 << 13)
def split_sentences(paragraph: str) -> tuple[str, ...]:
    """The sentences of one paragraph, each a verbatim slice of it, stripped.

    Every possible sentence end (a final mark, closing quotes, white space) is judged on its
    own. A clear one (a plain word before, a capital after: most news prose) is cut directly; one
    after a title or month ("Gov.", "Sept.") never is; the stretch between two clear cuts that
    holds any other is left to syntok. The same sentences as syntok's on the whole paragraph in
    over 98 % of paragraphs, at a fraction of the cost. Cached because a story's paragraphs are
    split once per algorithm when several run; the result depends on the paragraph alone.
    """
    return tuple(itertools.chain.from_iterable(_chunks(paragraph)))


def leading_sentences(paragraph: str, count: int) -> tuple[str, ...]:
    """The first `count` of `split_sentences(paragraph)`, without splitting the rest: a
    sentence never depends on the text after the next clear sentence end."""
    return tuple(itertools.islice(itertools.chain.from_iterable(_chunks(paragraph)), count))


def _chunks(paragraph: str) -> Iterator[Iterable[str]]:
    """The paragraph's sentences, chunk by chunk (the stretches between clear sentence ends)."""
    text = paragraph.strip()
    if not text:
        return
    start, doubtful = 0, False
    for match in _INNER_BOUNDARY.finditer(text):
        verdict = _boundary(text, match)
        if verdict is _Boundary.CUT:
            yield _chunk_sentences(text[start : match.end()], doubtful)
            start, doubtful = match.end(), False
        elif verdict is _Boundary.DOUBT:
            doubtful = True
    yield _chunk_sentences(text[start:], doubtful)


class _Boundary(enum.Enum):
    CUT = "cut"
    KEEP = "keep"
    DOUBT = "doubt"


def _boundary(text: str, match: re.Match[str]) -> _Boundary:
    """Whether a possible sentence end is clearly one, clearly not one, or in doubt.

    The rules are syntok's own verdicts where they are (nearly) unanimous over the 11,796
    Multi-News dev paragraphs; everything else is left to syntok.
    """
    end = match.end()
    if text[end : end + 1].islower():
        # "U.S. officials", "p.m. on Friday", '"Why?" he asked': never an end.
        return _Boundary.KEEP
    word, word_start = _word_before(text, match.start())
    dot = match.group().rstrip() == "."
    if dot and word in _TITLES:
        # syntok's cut after "Gov." would be joined again anyway (`_syntok_sentences`).
        return _Boundary.KEEP
    if _CAPITAL_AFTER.match(text, end):
        # One digit opening the paragraph: "1. The first point" (syntok's own rule).
        numbered = word_start == 0 and len(word) == 1
        return _before_capital(word, match.group()[0], numbered=numbered)
    if dot and ("." in word or word.lower() in _ABBREVIATIONS or len(word) == 1):
        return _Boundary.KEEP  # "Inc. (NYSE: X)", "in the U.K. — Richard II"
    return _Boundary.DOUBT


def _word_before(text: str, end: int) -> tuple[str, int]:
    """The word ending at `end` and where it starts: back to white space or an opening quote or
    bracket, at most `_WORD_REACH` characters. String methods, not a regex: a pattern anchored
    at `end` is tried from every position before it, and this runs at every possible end."""
    # Openers as spaces: one split back to white space (Unicode's, as the regex `\s`) finds it.
    window = text[max(0, end - _WORD_REACH) : end].translate(_OPENERS_AS_SPACE)
    if window.endswith("\n"):
        # The word before one line break counts, as it did when a regex anchored with `$`
        # (which matches before a final newline) found it: the same verdicts as ever.
        window, end = window[:-1], end - 1
    word = window.rsplit(None, 1)[-1] if window and not window[-1].isspace() else ""
    return word, end - len(word)


def _before_capital(word: str, mark: str, *, numbered: bool) -> _Boundary:
    """The verdict on `word`, `mark` (its first character), white space, then a capital."""
    if word.isalpha():
        if len(word) == 1:
            return _Boundary.KEEP if mark == "." and word.isupper() else _Boundary.DOUBT
        return _Boundary.DOUBT if word.lower() in _ABBREVIATIONS else _Boundary.CUT
    if not word or "." in word or mark == "…" or _LONE_LETTER_END.search(word):
        # "the U.S. Navy" or "in the U.S. The"; a lone "…"; "(AP Photo/J. Scott Applewhite)"
        return _Boundary.DOUBT
    if numbered and mark == ".":
        return _Boundary.KEEP
    # "in 2016. The", "(1970). The", "Google+. Follow"
    return _Boundary.CUT


def _chunk_sentences(chunk: str, doubtful: bool) -> Iterable[str]:
    if doubtful or _GLUED_END.search(chunk):
        return _syntok_stream(chunk)
    sentence = chunk.strip()
    return (sentence,) if sentence else ()


def _syntok_sentences(text: str) -> tuple[str, ...]:
    """syntok's sentences of the text (a title's or month's dot, or a cut inside a web
    address, joined to what follows)."""
    return tuple(_syntok_stream(text))


def _syntok_stream(text: str) -> Iterator[str]:
    """`_syntok_sentences`, lazily: a caller wanting the first few stops it early."""
    span: tuple[int, int] | None = None
    for tokens in syntok.segmenter.segment(_SYNTOK.tokenize(text)):
        last = tokens[-1]
        # Offsets, not token values, so every sentence is a verbatim slice of the text.
        start, end = tokens[0].offset, last.offset + len(last.value)
        if span is not None:
            if _TITLE_END.search(text, *span) or _inside_address(text, span[1], start):
                # syntok cut after "Gov." or "Sept.", or inside "www.DearAbby.com": the next
                # words belong to the same sentence.
                start = span[0]
            elif sentence := text[span[0] : span[1]].strip():
                yield sentence  # final: only the sentence right before may be joined
        span = (start, end)
    if span is not None and (sentence := text[span[0] : span[1]].strip()):
        yield sentence


def _inside_address(text: str, end: int, start: int) -> bool:
    """Whether a cut between `end` (the last sentence's end) and `start` (the next one's)
    falls inside one run of non-space characters that is an address ("www.DearAbby.com")."""
    return end == start and WEB_ADDRESS.search(run_at(text, end)) is not None


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
