"""The default summarizer, "digest": budgeted concept coverage for clusters of news articles.

The objective is a monotone submodular one in the family of Lin & Bilmes (2010/2011) and
Gillick & Favre's concept coverage (2009): a summary is worth the summed weight of the distinct
concepts (stemmed content words and word pairs) it covers, where a concept weighs more the more
(non-junk) articles of the story state it. Covering a concept twice earns nothing, which is the
redundancy control. Each greedy step picks the sentence with the best gain for its length that
still fits the word budget, its gain scaled up the earlier it sits in its article (news leads
carry the story). Junk articles (scrape failures, notices, off-topic pages) are never quoted and
barely count as support; too short, too long or unfinished sentences come last. All of it is
sparse linear algebra over a sentence × concept matrix, so the cost grows with the number of
words, not of sentence pairs.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sumy.summarizers._summarizer import AbstractSummarizer, SentenceInfo
from sumy.utils import ItemsCount

from digest.summarize.document import Origin
from digest.text.discourse import is_aside
from digest.text.furniture import FURNITURE_SENTENCE, FURNITURE_TERMS, FURNITURE_WORDS
from digest.text.words import has_final_mark, word_count

__all__ = ["MAX_WORDS", "DigestSummarizer", "Tuning"]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

# Sentences shorter than this are mostly datelines, captions and bylines; longer than the
# maximum are run-ons the splitter failed to break.
MIN_WORDS = 5
MAX_WORDS = 80
# An article with fewer words than this is a notice, not a report.
MIN_ARTICLE_WORDS = 50
# An article sharing less than this (mean cosine of concept sets) with the others is off-topic.
MIN_SUPPORT = 0.02
JUNK_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class Tuning:
    """The knobs of `DigestSummarizer`; defaults tuned on Multi-News dev (docs/summaries.md)."""

    # A sentence's gain is scaled by 1 + lead_weight / (1 + its position in its article).
    lead_weight: float = 8.0
    # Greedy picks the best gain / words**cost_exponent (0: ignore length, 1: gain per word).
    cost_exponent: float = 0.6
    # A concept weighs (summed quality of the articles stating it)**support_exponent ...
    support_exponent: float = 3.0
    # ... times (1 + log of the number of sentences stating it)**frequency_exponent ...
    frequency_exponent: float = 0.5
    # ... times this for a word pair rather than a single word.
    bigram_weight: float = 2.0
    min_words: int = MIN_WORDS
    max_words: int = MAX_WORDS


class DigestSummarizer(AbstractSummarizer):  # type: ignore[misc]  # sumy is untyped
    """Multi-document news summarizer with sumy's call shape: `summarizer(document, count)`.

    `document` is any sumy document; a `StoryDocument` adds which article each sentence is
    from. `count` is a sentence count, a percentage string, or sumy's callable filter of
    ranked `SentenceInfo`s. With `words` set, selection is budget-aware: it stops when the
    budget is filled and prefers sentences that fit what is left; with `sentences` set it
    ranks no more than twice that many (the caller's filter needs a few spare). `quotable`,
    when given, says which sentences the caller can quote at all; the others are passed over.
    """

    def __init__(
        self,
        stemmer: Callable[[str], str],
        stop_words: frozenset[str] = frozenset(),
        *,
        words: int | None = None,
        sentences: int | None = None,
        quotable: Callable[[int], bool] | None = None,
        tuning: Tuning = Tuning(),
    ) -> None:
        super().__init__(stemmer)
        self.quotable = quotable
        self.stop_words = stop_words
        self.words = words
        self.sentences = sentences
        self.tuning = tuning

    def __call__(self, document: Any, sentences_count: Any) -> tuple[Any, ...]:
        sentences = tuple(document.sentences)
        if not sentences:
            return ()
        limit = len(sentences)
        if not callable(sentences_count):
            limit = len(ItemsCount(sentences_count)(list(range(len(sentences)))))
        if self.sentences is not None:
            limit = min(limit, 2 * self.sentences + 2)
        order = self.rank(document, limit)
        infos = [
            SentenceInfo(sentences[i], i, float(len(order) - rank)) for rank, i in enumerate(order)
        ]
        count = sentences_count if callable(sentences_count) else ItemsCount(sentences_count)
        chosen = sorted(count(infos), key=lambda info: info.order)
        return tuple(info.sentence for info in chosen)

    def rank(self, document: Any, limit: int) -> list[int]:
        """Indices into `document.sentences`, best first, at most `limit` of them."""
        sentences = tuple(document.sentences)
        texts = [str(s) for s in sentences]
        origins = _origins(document, len(sentences))
        matrix, bigrams = self._concepts(sentences)
        articles = _article_matrix(origins)
        costs = np.fromiter(map(word_count, texts), dtype=np.float64, count=len(texts))
        furniture, furniture_sentences = _furniture(texts, articles)
        # Article × concept: which concepts each article states.
        present = (articles @ matrix).astype(bool).astype(np.float64)
        quality = _article_quality(present, articles @ costs, furniture)
        weights = self._weights(matrix, present, quality, bigrams)
        costs = np.maximum(costs, 1.0)
        # With a real report at hand nothing is quoted from junk (it still counts as support);
        # a story of nothing but junk is summarized all the same.
        good = quality == 1
        quotable = good.astype(np.float64) if good.any() else np.ones_like(quality)
        prior = self._prior(texts, origins, quotable, costs, furniture_sentences)
        return self._greedy(matrix, weights, prior, costs, limit)

    def _weights(
        self,
        matrix: sparse.csr_matrix,
        present: sparse.csr_matrix,
        quality: FloatArray,
        bigrams: npt.NDArray[np.bool_],
    ) -> FloatArray:
        """Concept weights: support across articles (`present`: article × concept) first,
        frequency second."""
        tuning = self.tuning
        support = np.asarray(present.T @ quality, dtype=np.float64).ravel()
        frequency = np.asarray(matrix.sum(axis=0), dtype=np.float64).ravel()
        weights = support**tuning.support_exponent
        weights *= (1.0 + np.log(np.maximum(frequency, 1.0))) ** tuning.frequency_exponent
        weights[bigrams] *= tuning.bigram_weight
        return weights

    def _concepts(
        self, sentences: Sequence[Any]
    ) -> tuple[sparse.csr_matrix, npt.NDArray[np.bool_]]:
        """Binary sentence × concept matrix (content stems, adjacent stem pairs); pair columns.

        Each distinct word is lower-cased, stemmed and looked up once; the rest is numpy.
        """
        words_of = [s.words for s in sentences]
        lengths = np.fromiter(map(len, words_of), dtype=np.int64, count=len(words_of))
        words = list(itertools.chain.from_iterable(words_of))
        # Distinct words as written, then lower-cased: a few thousand calls, not one per word.
        written = dict.fromkeys(words)
        lowered = [w.lower() for w in written]
        vocabulary = list(dict.fromkeys(lowered))
        word_index = {w: i for i, w in enumerate(vocabulary)}
        written_index = {w: word_index[low] for w, low in zip(written, lowered, strict=True)}
        ids = np.fromiter(map(written_index.__getitem__, words), dtype=np.int64, count=len(words))
        stem_list = self._stem_all(vocabulary)
        stem_ids = {stem: i for i, stem in enumerate(dict.fromkeys(stem_list))}
        stem_of_word = np.fromiter(
            map(stem_ids.__getitem__, stem_list), dtype=np.int64, count=len(stem_list)
        )
        size = len(vocabulary)
        stop_word = np.fromiter(map(self.stop_words.__contains__, vocabulary), bool, size)
        stop_word |= np.fromiter(map(len, vocabulary), np.int64, size) < 2
        stems, stop = stem_of_word[ids], stop_word[ids]
        row = np.repeat(np.arange(len(sentences)), lengths)
        # Unigram columns are stem ids; pair columns follow, numbered in sorted code order.
        pair = (row[:-1] == row[1:]) & ~(stop[:-1] & stop[1:])
        codes = stems[:-1][pair] * len(stem_ids) + stems[1:][pair]
        unique_codes, pair_columns = np.unique(codes, return_inverse=True)
        rows = np.concatenate([row[~stop], row[:-1][pair]])
        cols = np.concatenate([stems[~stop], len(stem_ids) + pair_columns.ravel()])
        width = max(len(stem_ids) + len(unique_codes), 1)
        matrix = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(sentences), width)
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        bigrams = np.zeros(width, dtype=bool)
        bigrams[len(stem_ids) :] = True
        return matrix, bigrams

    def _stem_all(self, words: list[str]) -> list[str]:
        # A batch-capable stemmer (`CachedStemmer`) stems the story's new words in one call.
        stem_words = getattr(self._stemmer, "stem_words", None)
        if stem_words is not None:
            return list(stem_words(words))
        return [self._stemmer(w) for w in words]

    def _prior(
        self,
        texts: Sequence[str],
        origins: Sequence[Origin],
        quality: FloatArray,
        costs: FloatArray,
        furniture: npt.NDArray[np.bool_],
    ) -> FloatArray:
        """How much a sentence's gain counts: lead position, article quality, eligibility."""
        tuning = self.tuning
        position = np.array([o.position for o in origins], dtype=np.float64)
        lead = 1.0 + tuning.lead_weight / (1.0 + position)
        article = quality[[o.article for o in origins]]
        eligible = (
            (costs >= tuning.min_words)
            & (costs <= tuning.max_words)
            & ~furniture
            & np.fromiter(map(is_sentence_like, texts), dtype=bool, count=len(texts))
            & ~np.fromiter(map(is_aside, texts), dtype=bool, count=len(texts))
        )
        # Sentences too short, too long, unfinished, furniture or asides are left out,
        # unless the story has nothing else to say.
        if not (eligible & (article > 0)).any():
            eligible[:] = True
        return np.asarray(lead * article * eligible, dtype=np.float64)

    def _greedy(
        self,
        matrix: sparse.csr_matrix,
        weights: FloatArray,
        prior: FloatArray,
        costs: FloatArray,
        limit: int,
    ) -> list[int]:
        """Greedy budgeted maximisation of covered concept weight (gain per word^r)."""
        remaining_weights = weights.copy()
        scale = prior / costs**self.tuning.cost_exponent
        available = np.ones(len(costs), dtype=bool)
        budget = float(self.words) if self.words is not None else np.inf
        order: list[int] = []
        while len(order) < limit and budget >= 1:
            fits = available & (costs <= budget)
            if not fits.any():
                break
            gains = matrix @ remaining_weights
            scores = np.where(fits, gains * scale, -1.0)
            best = int(np.argmax(scores))
            if scores[best] <= 0:
                break
            available[best] = False
            if self.quotable is not None and not self.quotable(best):
                continue  # the caller would skip it: it covers nothing and costs nothing
            order.append(best)
            budget -= costs[best]
            remaining_weights[matrix.indices[matrix.indptr[best] : matrix.indptr[best + 1]]] = 0
        if len(order) < limit and not np.isfinite(budget):
            # Nothing new left to cover: the rest follow by their own weight, so a caller asking
            # for more sentences than carry news still gets them (it filters repeats itself).
            static = np.asarray(matrix @ weights).ravel() * scale
            rest = sorted(np.flatnonzero(available), key=lambda i: (-static[i], i))
            order.extend(int(i) for i in rest[: limit - len(order)])
        return order


def _origins(document: Any, count: int) -> tuple[Origin, ...]:
    origins = getattr(document, "origins", None)
    if origins is not None and len(origins) == count:
        return tuple(origins)
    # A plain sumy document is one article.
    return tuple(Origin(0, 0, i) for i in range(count))


def _article_matrix(origins: Sequence[Origin]) -> sparse.csr_matrix:
    """Article × sentence membership."""
    rows = np.array([o.article for o in origins], dtype=np.int64)
    cols = np.arange(len(origins))
    data = np.ones(len(origins), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(int(rows.max()) + 1, len(origins)))


def _furniture(
    texts: Sequence[str], articles: sparse.csr_matrix
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Page-furniture words per article; whether each sentence has sign-up or cookie wording.

    An article's text is searched only when it holds one of the words at all: most hold none,
    and a plain substring test is far cheaper than the word-boundary regex.
    """
    counts = np.zeros(articles.shape[0])
    flagged = np.zeros(len(texts), dtype=bool)
    for article in range(articles.shape[0]):
        members = articles.indices[articles.indptr[article] : articles.indptr[article + 1]]
        lowered = "\n".join(texts[i] for i in members).lower()
        if not any(term in lowered for term in FURNITURE_TERMS):
            continue
        counts[article] = len(FURNITURE_WORDS.findall(lowered))
        if FURNITURE_SENTENCE.search(lowered):
            for i in members:
                flagged[i] = bool(FURNITURE_SENTENCE.search(texts[i].lower()))
    return counts, flagged


def _article_quality(
    present: sparse.csr_matrix, words: FloatArray, furniture: FloatArray
) -> FloatArray:
    """1 for a real report, JUNK_WEIGHT for a notice, scrape failure or off-topic page."""
    count = present.shape[0]
    quality = np.ones(count)
    quality[words < MIN_ARTICLE_WORDS] = JUNK_WEIGHT
    quality[furniture * 20 > words] = JUNK_WEIGHT
    if count > 2:
        # Support: an article sharing almost nothing with the rest of the story is off-topic.
        vectors = present
        norms = np.sqrt(np.asarray(vectors.sum(axis=1)).ravel())
        vectors = sparse.diags(1 / np.maximum(norms, 1e-9)) @ vectors
        total = np.asarray(vectors.sum(axis=0)).ravel()
        own = vectors.multiply(vectors).sum(axis=1)
        support = (vectors @ total - np.asarray(own).ravel()) / (count - 1)
        quality[support < MIN_SUPPORT] = JUNK_WEIGHT
    return quality


def is_sentence_like(text: str) -> bool:
    """Ends like a finished sentence (not a heading or teaser) and does not open in lower case."""
    return has_final_mark(text) and not text[:1].islower()
