"""`summarize_story`: a story's articles in, verbatim summary sentences out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digest.errors import UsageError
from digest.model import Article, SummarySentence
from digest.summarize.document import build_document
from digest.summarize.ours import MAX_WORDS
from digest.summarize.registry import SUMMARIZERS, SummarizerOptions, rank_sentences
from digest.summarize.tokenizer import (
    SentenceTokenizer,
    first_words,
    stemmer_for,
    stop_words_for,
    word_count,
    words_of,
)

__all__ = ["is_near_duplicate", "summarize_story"]

log = logging.getLogger(__name__)

# Two sentences whose content words overlap this much (as a share of the shorter one) say the
# same thing: a lede repeated with a "Moscow:" dateline, or re-quoted with other punctuation.
NEAR_DUPLICATE = 0.8
# Below this many content words containment is too coarse; such sentences must match exactly.
_FEW_WORDS = 4


def summarize_story(
    articles: Sequence[Article],
    *,
    algorithm: str = "digest",
    words: int | None = 120,
    sentences: int | None = None,
    language: str = "english",
    truncate: bool = False,
) -> tuple[SummarySentence, ...]:
    """An extractive summary of one story's articles, each sentence verbatim from its article.

    Sentences are taken in the algorithm's rank order, skipping near-duplicates of those
    already taken, until `words` (total words) or `sentences` (count) is reached; whichever
    caps are given both hold, and with neither every distinct sentence is returned. A sentence
    that would overrun `words` is skipped, or with `truncate` cut at the cap (ending the
    summary). The result reads article by article, the article of the best sentence first,
    each article's sentences in their own order.
    """
    factory = SUMMARIZERS.get(algorithm)
    if factory is None:
        known = ", ".join(SUMMARIZERS)
        raise UsageError(f"unknown summarization algorithm {algorithm!r} (known: {known})")
    stemmer = stemmer_for(language)
    stop_words = stop_words_for(language)
    document = build_document(articles, SentenceTokenizer(language))
    if not document.sentences:
        return ()
    options = SummarizerOptions(
        stemmer=stemmer,
        stop_words=stop_words,
        titles=tuple(a.title for a in articles if a.title),
        sentence_words=tuple(s.words for s in document.sentences),
        # With `truncate` the last sentence may overrun the budget before it is cut.
        budget=words + MAX_WORDS if truncate and words is not None else words,
        sentences=sentences,
    )
    ranking = rank_sentences(factory(options), document)
    texts = [str(s) for s in document.sentences]
    chosen = _fill(
        ranking,
        texts,
        _Caps(words, sentences, truncate),
        lambda text: _signature(text, stemmer, stop_words),
    )
    origins = document.origins
    first_rank: dict[int, int] = {}
    for rank, (index, _) in enumerate(chosen):
        first_rank.setdefault(origins[index].article, rank)
    chosen.sort(key=lambda item: (first_rank[origins[item[0]].article], origins[item[0]].position))
    log.debug("%s: %d of %d sentences", algorithm, len(chosen), len(texts))
    return tuple(
        SummarySentence(text=text, article_id=articles[origins[index].article].id)
        for index, text in chosen
    )


@dataclass(frozen=True, slots=True)
class _Caps:
    words: int | None
    sentences: int | None
    truncate: bool


def _fill(
    ranking: Sequence[int],
    texts: Sequence[str],
    caps: _Caps,
    signature: Callable[[str], frozenset[str]],
) -> list[tuple[int, str]]:
    """(index, text) of the sentences taken in rank order within the caps, no near-duplicates."""
    chosen: list[tuple[int, str]] = []
    taken: list[frozenset[str]] = []
    total = 0
    for index in ranking:
        if caps.sentences is not None and len(chosen) >= caps.sentences:
            break
        text = texts[index]
        size = word_count(text)
        over = caps.words is not None and total + size > caps.words
        if over and not caps.truncate:
            continue
        mark = signature(text)
        if any(is_near_duplicate(mark, other) for other in taken):
            continue
        if over and caps.words is not None:
            cut = first_words(text, caps.words - total)
            if cut:
                chosen.append((index, cut))
            break
        chosen.append((index, text))
        taken.append(mark)
        total += size
        if caps.words is not None and total >= caps.words:
            break
    return chosen


def _signature(
    text: str, stemmer: Callable[[str], str], stop_words: frozenset[str]
) -> frozenset[str]:
    """A sentence's stemmed content words, blind to punctuation, quotes and case."""
    words = [w.lower().replace(".", "").replace("’", "'") for w in words_of(text)]
    content = frozenset(stemmer(w) for w in words if w not in stop_words)
    return content or frozenset(words)


def is_near_duplicate(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two sentence signatures say the same thing (one contains most of the other)."""
    smaller = min(len(first), len(second))
    if smaller < _FEW_WORDS:
        return first == second
    return len(first & second) >= NEAR_DUPLICATE * smaller
