"""The same article from two feeds, two folders or two runs counts once.

Identity, strongest first: the canonical URL, the feed GUID, then the text itself: an exact
fingerprint of its normalized words, and MinHash over word shingles for near-identical copies
(a re-syndicated article with a different byline or one edited sentence).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from numpy.typing import NDArray

from digest.model import Article, RawDocument

__all__ = [
    "canonical_url",
    "dedupe_articles",
    "document_id",
    "near_duplicate_groups",
    "text_fingerprint",
]

_WORD = re.compile(r"\w+")
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid)$"
)
_SHINGLE = 5
_BANDS, _ROWS = 8, 4  # 32 hashes: pairs with Jaccard ~0.8 collide in some band with p > 0.9
_NEAR_DUPLICATE = 0.8
_PRIME = (1 << 61) - 1
# A fixed seed: the same text always gets the same signature, run after run.
_HASH_A, _HASH_B = np.random.default_rng(20220201).integers(
    1, _PRIME, size=(2, _BANDS * _ROWS), dtype=np.uint64
)


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k.lower())
        )
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    if scheme in ("http", "https"):
        scheme = "https"  # the same page is often linked both ways
    return urlunsplit((scheme, host + port, path, query, ""))


def text_fingerprint(text: str) -> str:
    """A hash of the words alone: case, punctuation and spacing do not change it."""
    words = " ".join(_WORD.findall(text.lower()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


def document_id(document: RawDocument) -> str:
    """A stable id: from the URL or GUID when there is one, else from where the file lies."""
    identity = (
        canonical_url(document.url) if document.url else document.guid or f"file:{document.origin}"
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


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

    first_by_key: dict[str, int] = {}
    for index, article in enumerate(articles):
        keys = [f"fp:{text_fingerprint(article.text)}"]
        if article.url:
            keys.append(f"url:{canonical_url(article.url)}")
        if article.guid:
            keys.append(f"guid:{article.guid}")
        for key in keys:
            if key in first_by_key:
                union(index, first_by_key[key])
            else:
                first_by_key[key] = index
    for group in near_duplicate_groups([a.text for a in articles]):
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
    shingle_sets = [_shingles(t) for t in texts]
    signatures = [_minhash(s) for s in shingle_sets]
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
        if len(sa & sb) / len(sa | sb) >= _NEAR_DUPLICATE:
            merged = groups.get(a, {a}) | groups.get(b, {b})
            for member in merged:
                groups[member] = merged
    unique = {min(g): sorted(g) for g in groups.values()}
    return [unique[k] for k in sorted(unique)]


def _shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.lower())
    if len(words) < _SHINGLE:
        return frozenset()
    return frozenset(
        int.from_bytes(
            hashlib.blake2b(" ".join(words[i : i + _SHINGLE]).encode(), digest_size=7).digest(),
            "big",
        )
        for i in range(len(words) - _SHINGLE + 1)
    )


def _minhash(shingles: frozenset[int]) -> NDArray[np.uint64] | None:
    if not shingles:
        return None
    values = np.fromiter(shingles, dtype=np.uint64, count=len(shingles))
    # Multiplication wraps modulo 2**64, a universal-enough hash family for bucketing.
    hashed = values[None, :] * _HASH_A[:, None] + _HASH_B[:, None]
    return hashed.min(axis=1)  # type: ignore[no-any-return]
