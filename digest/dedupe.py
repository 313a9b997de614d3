"""The same article from two feeds, two folders or two runs counts once.

Two articles are one when they share an identity key (`digest.identity`: feed-scoped GUID, URL
key, fingerprint of title and text) or when their texts are near-identical: MinHash over
shingles of the texts' fingerprint words finds a re-syndicated article with a different
byline, headline or one edited sentence. The grouping is pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from digest import parallel
from digest.identity import distinct_keys, document_keys, fingerprint_words, text_words
from digest.model import Article

__all__ = ["dedupe_articles", "near_duplicate_groups"]

_SHINGLE = 5
_BANDS, _ROWS = 8, 4  # 32 hashes: pairs with Jaccard ~0.8 collide in some band with p > 0.9
_NEAR_DUPLICATE = 0.8
# Texts from which their keys are computed on every core.
_PARALLEL_MIN = 2000
_PRIME = (1 << 61) - 1
# A fixed seed: the same text always gets the same signature, run after run.
_HASH_A, _HASH_B = np.random.default_rng(20220201).integers(
    1, _PRIME, size=(2, _BANDS * _ROWS), dtype=np.uint64
)
# Shingle mixing: an odd 64-bit multiplier (splitmix64's) and the shift that folds high bits down.
_MIX, _FOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(29)
_NO_SHINGLES: NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)


def dedupe_articles(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Keep one article of each group of copies: the fullest, first in input order on ties."""
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    # Every article's identity keys and text keys on the other cores, from one reading of its
    # words; this process then only compares keys.
    keyed = [
        one
        for batch in parallel.map_batches(_batch_both, articles, minimum=_PARALLEL_MIN)
        for one in batch
    ]
    identity_keys = distinct_keys(articles, keys=[keys for keys, _ in keyed])
    text_keys = [keys for _, keys in keyed]
    first_by_key: dict[str, int] = {}
    for index, keys in enumerate(identity_keys):
        for key in keys:
            if key in first_by_key:
                union(index, first_by_key[key])
            else:
                first_by_key[key] = index
    for group in _near_duplicates(text_keys):
        for other in group[1:]:
            union(group[0], other)

    groups: dict[int, list[int]] = {}
    for index in range(len(articles)):
        groups.setdefault(find(index), []).append(index)
    keep = sorted(
        max(members, key=lambda i: (len(articles[i].text), -i)) for members in groups.values()
    )
    return tuple(articles[i] for i in keep)


def near_duplicate_groups(texts: Sequence[str]) -> list[list[int]]:
    """Groups (sorted indices) of texts whose word-shingle Jaccard similarity is high."""
    return _near_duplicates(_keys_of(texts))


class _TextKeys(NamedTuple):
    """What a text's near-identical copies are found by: its shingles, their MinHash."""

    shingles: NDArray[np.uint64]
    signature: NDArray[np.uint64] | None


def _keys_of(texts: Sequence[str]) -> list[_TextKeys]:
    """Each text's keys; a large batch on every core (hashing every word of every text is most
    of de-duplicating a large build)."""
    batches = parallel.map_batches(_batch_keys, texts, minimum=_PARALLEL_MIN)
    return [keys for batch in batches for keys in batch]


class _WordHashes(dict[str, int]):
    """Each distinct word's 64-bit hash, worked out the first time the word is looked up."""

    def __missing__(self, word: str) -> int:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        self[word] = value = int.from_bytes(digest, "big")
        return value


def _batch_keys(texts: Sequence[str]) -> list[_TextKeys]:
    word_hashes = _WordHashes()  # each distinct word of the batch hashed once
    keys = []
    for text in texts:
        shingles = _shingles(fingerprint_words(text), word_hashes)
        keys.append(_TextKeys(shingles, _minhash(shingles)))
    return keys


def _batch_both(articles: Sequence[Article]) -> list[tuple[tuple[str, ...], _TextKeys]]:
    """Each article's `document_keys` and text keys: its text's words are found once for both."""
    word_hashes = _WordHashes()
    keyed = []
    for article in articles:
        words = text_words(article.text)
        shingles = _shingles(words.folded, word_hashes)
        keyed.append((document_keys(article, words=words), _TextKeys(shingles, _minhash(shingles))))
    return keyed


def _near_duplicates(text_keys: Sequence[_TextKeys]) -> list[list[int]]:
    shingle_sets = [k.shingles for k in text_keys]
    signatures = [k.signature for k in text_keys]
    candidates: set[tuple[int, int]] = set()
    for band in range(_BANDS):
        buckets: dict[bytes, list[int]] = {}
        for index, signature in enumerate(signatures):
            if signature is None:
                continue
            key = signature[band * _ROWS : (band + 1) * _ROWS].tobytes()
            buckets.setdefault(key, []).append(index)
        for members in buckets.values():
            candidates.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    groups: dict[int, set[int]] = {}
    for a, b in sorted(candidates):
        sa, sb = shingle_sets[a], shingle_sets[b]
        shared = np.intersect1d(sa, sb, assume_unique=True).size
        if shared / (sa.size + sb.size - shared) >= _NEAR_DUPLICATE:
            merged = groups.get(a, {a}) | groups.get(b, {b})
            for member in merged:
                groups[member] = merged
    unique = {min(g): sorted(g) for g in groups.values()}
    return [unique[k] for k in sorted(unique)]


def _shingles(words: Sequence[str], word_hashes: _WordHashes) -> NDArray[np.uint64]:
    """The distinct hashes of a text's 5-word shingles, sorted.

    Each distinct word is hashed once (`word_hashes` remembers them across texts, and hashes
    a word it has not seen when asked for it) and the shingles are mixed from their words'
    hashes in numpy: a hash per shingle from Python cost more than the rest of de-duplicating
    a large build.
    """
    if len(words) < _SHINGLE:
        return _NO_SHINGLES
    hashes = np.fromiter(map(word_hashes.__getitem__, words), dtype=np.uint64, count=len(words))
    count = len(words) - _SHINGLE + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(_SHINGLE):
        # Order matters ("a b" is not "b a"): xor in the next word, then multiply and fold.
        mixed = (mixed ^ hashes[offset : offset + count]) * _MIX
        mixed ^= mixed >> _FOLD
    # np.unique's result, by a sort and a mask: cheaper for the many short arrays of a build.
    mixed.sort()
    first = np.empty(count, dtype=bool)
    first[0] = True
    np.not_equal(mixed[1:], mixed[:-1], out=first[1:])
    return mixed[first]


def _minhash(shingles: NDArray[np.uint64]) -> NDArray[np.uint64] | None:
    if not shingles.size:
        return None
    # Multiplication wraps modulo 2**64, a universal-enough hash family for bucketing.
    hashed = shingles[None, :] * _HASH_A[:, None] + _HASH_B[:, None]
    return hashed.min(axis=1)  # type: ignore[no-any-return]
