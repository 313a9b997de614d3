"""Boilerplate seen across a batch: paragraphs repeated verbatim in unrelated documents.

A site's footer, a widget's text or a scraper's notice shows up word for word in pages that
have nothing else in common; news does not. A paragraph found in at least `MIN_DOCUMENTS`
documents that fall into as many unrelated groups (documents are related when their other
words overlap, as copies of one article or tellings of one event do) is dropped from all of
them. Copies of one article share every paragraph but are related, so de-duplication still
sees them whole.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from digest.model import Article
from digest.text.language import stop_words_for
from digest.text.words import normalize, tokens

__all__ = ["MIN_DOCUMENTS", "drop_shared_paragraphs", "paragraph_keys", "shared_boilerplate"]

logger = logging.getLogger(__name__)

MIN_DOCUMENTS = 3
# Two documents whose content words (outside the shared paragraphs) overlap this much (Jaccard)
# are related: copies, or two tellings of one event. Unrelated news pages overlap far less.
_RELATED = 0.15


def paragraph_keys(article: Article) -> tuple[str, ...]:
    """The comparison key of each of the article's paragraphs, as the batch compares them.

    Per article, so the workers that clean the articles can compute them (the batch step runs
    in one process, after them).
    """
    return tuple(normalize(p) for p in article.paragraphs)


def drop_shared_paragraphs(
    articles: Sequence[Article],
    *,
    language: str = "english",
    keys: Sequence[Sequence[str]] | None = None,
) -> tuple[Article, ...]:
    """The articles without the paragraphs that unrelated articles of the batch share verbatim.

    `keys` are the articles' `paragraph_keys`, when the caller has them already.
    """
    keys = [paragraph_keys(article) for article in articles] if keys is None else keys
    boilerplate = shared_boilerplate(articles, keys, language=language)
    if not boilerplate:
        return tuple(articles)
    return tuple(
        _without(article, article_keys, boilerplate)
        for article, article_keys in zip(articles, keys, strict=True)
    )


def shared_boilerplate(
    articles: Sequence[Article], keys: Sequence[Sequence[str]], *, language: str = "english"
) -> frozenset[str]:
    """The keys of the paragraphs that unrelated articles of the batch share verbatim.

    `keys` are the articles' `paragraph_keys`.
    """
    holders: dict[str, list[int]] = {}
    for i, article_keys in enumerate(keys):
        for key in dict.fromkeys(article_keys):
            if key:
                holders.setdefault(key, []).append(i)
    shared = {key: docs for key, docs in holders.items() if len(docs) >= MIN_DOCUMENTS}
    if not shared:
        return frozenset()
    stop_words = stop_words_for(language)

    @functools.cache
    def content(i: int) -> frozenset[str]:
        """Article i's content words outside the paragraphs several articles share."""
        pairs = zip(articles[i].paragraphs, keys[i], strict=True)
        return frozenset(
            t for p, key in pairs if key not in shared for t in tokens(p) if t not in stop_words
        )

    boilerplate = frozenset(key for key, docs in shared.items() if _unrelated(docs, content))
    if boilerplate:
        logger.info("dropped %d paragraphs shared by unrelated documents", len(boilerplate))
    return boilerplate


def _without(article: Article, keys: Sequence[str], boilerplate: frozenset[str]) -> Article:
    if boilerplate.isdisjoint(keys):
        return article
    kept = tuple(
        p for p, key in zip(article.paragraphs, keys, strict=True) if key not in boilerplate
    )
    return replace(article, paragraphs=kept)


def _unrelated(docs: Sequence[int], content: Callable[[int], frozenset[str]]) -> bool:
    """Whether the documents fall into at least MIN_DOCUMENTS groups of related ones.

    Each document is compared with one representative of each group found so far, so a
    paragraph held by thousands of copies of one article costs a comparison per copy.
    """
    groups: list[frozenset[str]] = []
    for doc in docs:
        words = content(doc)
        if not any(_related(words, other) for other in groups):
            groups.append(words)
            if len(groups) >= MIN_DOCUMENTS:
                return True
    return False


def _related(a: frozenset[str], b: frozenset[str]) -> bool:
    """Copies (nothing else, or the same words) or tellings of one event (words overlap)."""
    if not a or not b:
        return not a and not b
    return len(a & b) / len(a | b) >= _RELATED
