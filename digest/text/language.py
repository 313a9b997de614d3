"""Language: stop words and stemmers per language, one source for every stage.

Stop words are sumy's lists (they ship with the package: nothing is downloaded); stems are
Snowball's. Cleaning's prose test, clustering's terms, the summarizers, headlines and conflicts
all ask here, so `summary.language` changes them all at once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

import Stemmer as SnowballC  # type: ignore[import-not-found]  # PyStemmer ships no stubs
from sumy.nlp.stemmers import Stemmer
from sumy.utils import get_stop_words, normalize_language

from digest.errors import UsageError

__all__ = [
    "LANGUAGES",
    "CachedStemmer",
    "document_language",
    "stemmer_for",
    "stop_words_for",
    "stopword_count",
    "stopword_density",
    "term_tokens",
    "token_stop_words",
]


@functools.lru_cache(maxsize=32)
def stemmer_for(language: str) -> CachedStemmer:
    """A Snowball stemmer for `language`, memoised per word (stemming is pure).

    PyStemmer (Snowball's own C code) where it has the language: the same algorithms as sumy's
    NLTK stemmer (a newer Snowball release: 72 of 27,863 Multi-News dev words stem differently,
    "organization" no longer as "organ"), about 15× faster. sumy's `Stemmer` otherwise, and
    for the languages sumy stems its own way (Czech, Greek, Polish, Ukrainian, unstemmed ones).
    Not thread-safe (neither are PyStemmer's stemmers); digest summarizes in one thread.
    """
    name = normalize_language(language).lower()
    if name not in Stemmer.SPECIAL_STEMMERS and name in _SNOWBALL_C_LANGUAGES:
        stem_words = SnowballC.Stemmer(name, 0).stemWords  # 0: no cache, ours is cheaper
        return CachedStemmer(lambda words: stem_words(_nltk_normal(words)))
    try:
        stem = Stemmer(language)
    except LookupError as exc:
        raise UsageError(f"summary.language: no stemmer for {language!r}") from exc
    return CachedStemmer(lambda words: [stem(w) for w in words])


_SNOWBALL_C_LANGUAGES = frozenset(SnowballC.algorithms())
_CACHE_SIZE = 200_000


def _nltk_normal(words: Sequence[str]) -> list[str]:
    """`words` lower-cased with straight apostrophes, as NLTK's stemmers see them."""
    joined = "\n".join(words)
    if not words or joined.count("\n") != len(words) - 1:
        return [_straight(w.lower()) for w in words]
    # One pass over the joined words instead of two method calls per word.
    return _straight(joined.lower()).split("\n")


def _straight(text: str) -> str:
    # Three replaces beat one str.translate several times over on non-ASCII text.
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201b", "'")


class CachedStemmer:
    """sumy's stemmer call, `stemmer(word) -> stem`, memoised; `stem_words` stems many at once."""

    def __init__(self, stem_words: Callable[[Sequence[str]], Sequence[str]]) -> None:
        self._stem_words = stem_words
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._stem_words([word])[0]
            self._room()[word] = stem
        return stem

    def stem_words(self, words: Sequence[str]) -> list[str]:
        """The stem of each of `words`, the words not stemmed before stemmed in one batch."""
        cache = self._room()
        missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            cache.update(zip(missing, self._stem_words(missing), strict=True))
        return list(map(cache.__getitem__, words))

    def _room(self) -> dict[str, str]:
        if len(self._cache) > _CACHE_SIZE:
            # Bounded memory in a long-running scheduler; a cleared cache only costs time.
            self._cache = {}
        return self._cache


@functools.lru_cache(maxsize=32)
def stop_words_for(language: str) -> frozenset[str]:
    """sumy's stop words for `language`, lower-cased."""
    try:
        return frozenset(w.lower() for w in get_stop_words(language))
    except LookupError as exc:
        raise UsageError(f"summary.language: no stop words for {language!r}") from exc


def stopword_density(words: Sequence[str], language: str = "english") -> float:
    """Share of `words` (lower-cased tokens) that are stop words of `language` (0 if none)."""
    if not words:
        return 0.0
    return stopword_count(words, language) / len(words)


def stopword_count(words: Iterable[str], language: str = "english") -> int:
    """How many of `words` (lower-cased tokens) are stop words of `language`."""
    return sum(map(stop_words_for(language).__contains__, words))


_SKLEARN_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def term_tokens(text: str) -> list[str]:
    """The text's words as scikit-learn's default analyzer reads them: lower-cased runs of two
    word characters or more ("don't" -> "don")."""
    return _SKLEARN_TOKEN.findall(text.lower())


@functools.lru_cache(maxsize=32)
def token_stop_words(language: str) -> tuple[str, ...]:
    """`stop_words_for(language)` as scikit-learn's default tokenizer splits them ("don't" ->
    "don"), sorted: the stop-word list its vectorizers take without a consistency warning."""
    return tuple(sorted({t for w in stop_words_for(language) for t in _SKLEARN_TOKEN.findall(w)}))


# The languages whose stop-word lists `document_language` looks a text's words up in; English
# first, so it wins ties and is what a text with no stop words at all is taken for.
LANGUAGES = (
    "english", "french", "german", "italian", "portuguese", "spanish", "swedish", "czech",
    "slovak", "polish", "ukrainian", "greek", "arabic", "hebrew", "korean",
)  # fmt: skip
# Words of a text read to tell its language, and the share of them that are English stop words
# from which it is English without counting the other languages (running English prose has
# 40-50%).
LANGUAGE_WORDS = 100
CLEARLY_ENGLISH = 0.25


def document_language(text: str) -> str:
    """The language of LANGUAGES with the most stop words among the text's first words."""
    found = _SKLEARN_TOKEN.findall(text[: LANGUAGE_WORDS * 10])[:LANGUAGE_WORDS]
    words = [w.lower() for w in found]
    english = _stop_word_sets()[0]
    if sum(map(english.__contains__, words)) >= CLEARLY_ENGLISH * len(words):
        return LANGUAGES[0]
    hits = [sum(map(stop_words.__contains__, words)) for stop_words in _stop_word_sets()]
    return LANGUAGES[hits.index(max(hits))]


@functools.cache
def _stop_word_sets() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(token_stop_words(language)) for language in LANGUAGES)
