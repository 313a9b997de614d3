"""The same article from two feeds, two folders or two runs counts once.

Identity, strongest first: the canonical URL, the feed GUID, then the text itself: an exact
fingerprint of its normalized words, and MinHash over shingles of the same words for
near-identical copies (a re-syndicated article with a different byline or one edited sentence).
Normalized: Unicode compatibility forms folded (NFKC: "ﬁ" is "fi") and case folded ("Straße"
is "STRASSE"), punctuation and spacing ignored. The identity functions
are pure and shared with the store's memory of seen articles (digest/store/seen.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from numpy.typing import NDArray

from digest import parallel
from digest.model import Article, RawDocument

__all__ = [
    "canonical_url",
    "content_fingerprint",
    "dedupe_articles",
    "document_id",
    "near_duplicate_groups",
    "url_key",
    "word_count",
]

_WORD = re.compile(r"\w+")
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid)$"
)
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


# Query parameters that only say how a reader arrived (campaign and click trackers); the page
# is the same without them.
_TRACKING_EXACT = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "cmpid",
        "ncid",
        "ocid",
        "rss",
        "ref_src",
        "ref_url",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """`url` in a canonical spelling: the same page always gives the same string.

    Lower-case scheme and host, no default port, no fragment, no tracking parameters
    (utm_*, fbclid, gclid, ...), the remaining parameters sorted, percent-escapes upper-cased,
    and no trailing slash on a path other than the root (`/a/` and `/a` are one page on nearly
    every news site; the root `/` is kept so a bare host stays a valid URL). A string that is
    not an absolute http(s) URL is returned stripped but otherwise unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = _PERCENT.sub(lambda m: m.group(0).upper(), parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def url_key(url: str) -> str | None:
    """The dedupe key of a URL: canonical, without scheme or a leading `www.`.

    None for URLs that cannot name one article (not http(s), or a site's front page, which
    some feeds give as every entry's link).
    """
    canonical = canonical_url(url)
    try:
        parts = urlsplit(canonical)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return None
    if parts.path == "/" and not parts.query:
        return None
    host = parts.netloc.removeprefix("www.")
    return host + parts.path + (f"?{parts.query}" if parts.query else "")


def content_fingerprint(text: str) -> str:
    """A hash of the words of `text`, blind to case, spacing, punctuation and Unicode forms."""
    return _fingerprint(_normal_words(text))


def _normal_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _fingerprint(words: Sequence[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    """How many words `content_fingerprint` sees in `text`."""
    return len(_WORD.findall(unicodedata.normalize("NFKC", text)))


def document_id(document: RawDocument) -> str:
    """A stable id: from the URL or GUID when there is one, else from where the file lies."""
    identity = (
        (url_key(document.url) if document.url else None)
        or document.guid
        or f"file:{document.origin}"
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

    text_keys = _keys_of([a.text for a in articles])
    first_by_key: dict[str, int] = {}
    for index, article in enumerate(articles):
        keys = [f"fp:{text_keys[index].fingerprint}"]
        if article.url and (key := url_key(article.url)):
            keys.append(f"url:{key}")
        if article.guid:
            keys.append(f"guid:{article.guid}")
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
    """What a text is recognised by: its exact fingerprint, its shingles, their MinHash."""

    fingerprint: str
    shingles: NDArray[np.uint64]
    signature: NDArray[np.uint64] | None


def _keys_of(texts: Sequence[str]) -> list[_TextKeys]:
    """Each text's keys; a large batch on every core (hashing every word of every text is most
    of de-duplicating a large build)."""
    batches = parallel.map_batches(_batch_keys, texts, minimum=_PARALLEL_MIN)
    return [keys for batch in batches for keys in batch]


def _batch_keys(texts: Sequence[str]) -> list[_TextKeys]:
    word_hashes: dict[str, int] = {}  # each distinct word of the batch hashed once
    keys = []
    for text in texts:
        words = _normal_words(text)
        shingles = _shingles(words, word_hashes)
        keys.append(_TextKeys(_fingerprint(words), shingles, _minhash(shingles)))
    return keys


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


def _shingles(words: Sequence[str], word_hashes: dict[str, int]) -> NDArray[np.uint64]:
    """The distinct hashes of a text's 5-word shingles, sorted.

    Each distinct word is hashed once (`word_hashes` remembers them across texts) and the
    shingles are mixed from their words' hashes in numpy: a hash per shingle from Python cost
    more than the rest of de-duplicating a large build.
    """
    if len(words) < _SHINGLE:
        return _NO_SHINGLES
    for word in dict.fromkeys(words):
        if word not in word_hashes:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            word_hashes[word] = int.from_bytes(digest, "big")
    hashes = np.fromiter(map(word_hashes.__getitem__, words), dtype=np.uint64, count=len(words))
    count = len(words) - _SHINGLE + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(_SHINGLE):
        # Order matters ("a b" is not "b a"): xor in the next word, then multiply and fold.
        mixed = (mixed ^ hashes[offset : offset + count]) * _MIX
        mixed ^= mixed >> _FOLD
    return np.unique(mixed)


def _minhash(shingles: NDArray[np.uint64]) -> NDArray[np.uint64] | None:
    if not shingles.size:
        return None
    # Multiplication wraps modulo 2**64, a universal-enough hash family for bucketing.
    hashed = shingles[None, :] * _HASH_A[:, None] + _HASH_B[:, None]
    return hashed.min(axis=1)  # type: ignore[no-any-return]
