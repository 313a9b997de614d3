"""Summarization algorithms by name: ours and every sumy summarizer, behind one call shape."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from digest.summarize.ours import DigestSummarizer
from digest.text.words import words_of

__all__ = ["SUMMARIZERS", "SummarizerFactory", "SummarizerOptions", "rank_sentences"]


@dataclass(frozen=True, slots=True)
class SummarizerOptions:
    """What a factory may use to configure its summarizer for one story."""

    stemmer: Callable[[str], str]
    stop_words: frozenset[str]
    # The story's headlines, from which Edmundson takes its bonus words.
    titles: tuple[str, ...] = ()
    # Every sentence's words, Edmundson's fallback for bonus words when titles are empty.
    sentence_words: tuple[tuple[str, ...], ...] = ()
    # The word budget, for summarizers that select to a budget rather than a count.
    budget: int | None = None
    # The sentence cap, for summarizers that rank only as many as needed.
    sentences: int | None = None
    # Whether the caller can quote the sentence of this index at all (not furniture, not a
    # pronoun with nothing to point back to): a summarizer that selects to a budget skips the
    # ones it cannot, rather than spend the budget on them. Asked only of sentences it picks.
    quotable: Callable[[int], bool] | None = None


SummarizerFactory = Callable[[SummarizerOptions], Any]

# Words that mark page furniture rather than reporting: Edmundson's stigma words.
_STIGMA_WORDS = (
    "advertisement",
    "browser",
    "click",
    "cookies",
    "copyright",
    "javascript",
    "newsletter",
    "subscribe",
    "tweet",
)
_BONUS_FALLBACK = 10


def _with_stop_words(cls: type[Any]) -> SummarizerFactory:
    def factory(options: SummarizerOptions) -> Any:
        summarizer = cls(options.stemmer)
        summarizer.stop_words = options.stop_words
        return summarizer

    factory.__doc__ = f"sumy's {cls.__name__}, with the language's stop words."
    return factory


def _digest(options: SummarizerOptions) -> DigestSummarizer:
    """Our default: budgeted concept coverage for clusters of news articles."""
    return DigestSummarizer(
        options.stemmer,
        options.stop_words,
        words=options.budget,
        sentences=options.sentences,
        quotable=options.quotable,
    )


def _edmundson(options: SummarizerOptions) -> Any:
    """sumy's Edmundson: bonus words from the headlines, null words are the stop words."""
    summarizer = EdmundsonSummarizer(options.stemmer)
    bonus = _content_words(options.titles, options.stop_words)
    if not bonus:
        # No headlines (or only stop words in them): the story's most frequent content words.
        counts = Counter(w.lower() for ws in options.sentence_words for w in ws)
        frequent = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        bonus = [w for w in frequent if w not in options.stop_words][:_BONUS_FALLBACK]
    summarizer.bonus_words = bonus or ["news"]
    summarizer.stigma_words = _STIGMA_WORDS
    summarizer.null_words = options.stop_words or frozenset({"the"})
    return summarizer


def _content_words(titles: Sequence[str], stop_words: frozenset[str]) -> list[str]:
    return sorted({w.lower() for t in titles for w in words_of(t)} - stop_words)


SUMMARIZERS: Mapping[str, SummarizerFactory] = MappingProxyType(
    {
        "digest": _digest,
        "lexrank": _with_stop_words(LexRankSummarizer),
        "textrank": _with_stop_words(TextRankSummarizer),
        "lsa": _with_stop_words(LsaSummarizer),
        "luhn": _with_stop_words(LuhnSummarizer),
        "edmundson": _edmundson,
        "kl": _with_stop_words(KLSummarizer),
        "sumbasic": _with_stop_words(SumBasicSummarizer),
        "reduction": _with_stop_words(ReductionSummarizer),
    }
)


class _RankCapture:
    """sumy's count argument as a callable: keeps every rated sentence, in rating order."""

    def __init__(self) -> None:
        self.order: list[int] = []

    def __call__(self, infos: Sequence[Any]) -> Sequence[Any]:
        self.order = [info.order for info in infos]
        return infos


def rank_sentences(summarizer: Any, document: Any) -> list[int]:
    """Indices into `document.sentences`, best first, as `summarizer` rates them.

    Every sumy summarizer ends in `_get_best_sentences`, which sorts sentences by rating and
    hands them to a callable count; capturing that order turns a count-based summarizer into a
    ranking, which the caller fills to a word budget.
    """
    capture = _RankCapture()
    summarizer(document, capture)
    return capture.order
