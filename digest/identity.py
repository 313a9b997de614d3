"""What makes two documents one article: the keys they are known by, and their stable id.

    canonical_url(url)         -> the one spelling of a URL (no trackers, fragment, default port)
    url_key(url)               -> canonical URL without scheme and `www.`; None for a front page
    url_host(url)              -> the URL's host without `www.`; None when it has none
    content_fingerprint(text)  -> sha256 of the words, blind to case, spacing, punctuation, forms
    text_words(text)           -> a text's fingerprint words and word count, in one pass
    document_keys(doc)         -> 'guid:<feed> <guid>', 'url:<url key>', 'text:<sha256>' or
                                  'short:<feed> <sha256>': the one key scheme
    distinct_keys(docs)        -> document_keys of a batch, less GUID/URL keys a feed reuses
    document_id(doc)           -> the article's stable 16-hex-digit id
    source_key(article)        -> who published it: 'outlet:<name>', 'host:<host>' or
                                  'article:<id>' when neither is known

Two documents sharing any key are the same article, for the in-run de-duplication
(`digest.dedupe`, which adds near-identical texts) and for the seen-articles store alike
(`digest.store.seen`, which keeps the key strings for good: a change to them makes every
existing store forget what it has seen). Pure and light to import: every stage may use it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "MIN_FINGERPRINT_WORDS",
    "Identified",
    "TextWords",
    "canonical_url",
    "content_fingerprint",
    "distinct_keys",
    "document_id",
    "document_keys",
    "fingerprint_of_words",
    "fingerprint_words",
    "source_key",
    "text_words",
    "url_host",
    "url_key",
]

# Fewer words than this ("Read more", an empty summary) would make unrelated entries look
# identical, so such texts are not a key.
MIN_FINGERPRINT_WORDS = 8

_WORD = re.compile(r"\w+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

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


class Sourced(Protocol):
    """What `source_key` reads of an article."""

    @property
    def id(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...


class Identified(Protocol):
    """What identity reads of a document: a `RawDocument` before cleaning, an `Article` after."""

    @property
    def origin(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def guid(self) -> str | None: ...


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
    """The identity key of a URL: canonical, without scheme or a leading `www.`.

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


def fingerprint_words(text: str) -> list[str]:
    """The words a fingerprint sees: `\\w+` runs of the NFKC, case-folded text.

    Case-folded, not lower-cased, so "STRASSE" and "Straße" are one word (`digest.text.words`
    lower-cases for display-side comparisons, where that would be wrong).
    """
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def fingerprint_of_words(words: Sequence[str]) -> str:
    """`content_fingerprint` of a text whose `fingerprint_words` the caller already has."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def content_fingerprint(text: str) -> str:
    """A hash of the words of `text`, blind to case, spacing, punctuation and Unicode forms."""
    return fingerprint_of_words(fingerprint_words(text))


class TextWords(NamedTuple):
    """What the keys read of a text, found in one pass over it (`text_words`)."""

    folded: list[str]  # its `fingerprint_words`
    number: int  # of its `\w+` runs before case folding: whether a text key exists


def text_words(text: str) -> TextWords:
    """The text's `fingerprint_words` and its word count.

    The count is taken before case folding, as stores written by earlier releases took it:
    folding can split a word in two ("İ" folds to "i" and a combining dot). Where folding
    moves no word boundary (every character folds to characters on its side of one) the
    folded words' count is that count, and the text is scanned once, not twice.
    """
    normal = unicodedata.normalize("NFKC", text)
    folded = _WORD.findall(normal.casefold())
    # ASCII letters fold to letters, the rest of ASCII to itself: only the others are asked.
    if normal.isascii() or all(map(_folds_alike, set(_NON_ASCII.findall(normal)))):
        return TextWords(folded, len(folded))
    return TextWords(folded, len(_WORD.findall(normal)))


@functools.cache
def _folds_alike(char: str) -> bool:
    """Whether `char` folds to word characters only if it is one, else to none (a text holds
    a few dozen distinct characters: each is asked once)."""
    word = _WORD.fullmatch(char) is not None
    return all((_WORD.fullmatch(one) is not None) == word for one in char.casefold())


def document_keys(doc: Identified, *, words: TextWords | None = None) -> tuple[str, ...]:
    """The keys a document is known by, most specific first (may be empty).

    A GUID is scoped to its feed (`origin`): GUIDs are only unique within one. The text key
    is the fingerprint of title and text, and only for 8 words or more; a document with no
    other key is known by its feed and its words (`short:`). `words` are the text's
    `text_words`, when the caller has them already.
    """
    keys = []
    if doc.guid:
        keys.append(f"guid:{doc.origin} {doc.guid}")
    if doc.url and (key := url_key(doc.url)):
        keys.append(f"url:{key}")
    # The words of "title\ntext" are the title's, then the text's: a line break is no word
    # character, and Unicode normalization and case folding do not reach across it.
    title = text_words(doc.title or "")
    text = text_words(doc.text) if words is None else words
    if title.number + text.number >= MIN_FINGERPRINT_WORDS:
        keys.append(f"text:{fingerprint_of_words([*title.folded, *text.folded])}")
    elif not keys and (doc.title or doc.text.strip()):
        keys.append(f"short:{doc.origin} {fingerprint_of_words([*title.folded, *text.folded])}")
    return tuple(keys)


def _sameness(doc: Identified) -> tuple[str | None, ...]:
    """What must agree for two documents sharing a GUID or URL in one feed to be one entry."""
    fingerprint = content_fingerprint(doc.text) if doc.text.strip() else None
    url = url_key(doc.url) if doc.url else None
    return (doc.guid, url, doc.title, fingerprint)


def distinct_keys(
    documents: Sequence[Identified], *, keys: Sequence[tuple[str, ...]] | None = None
) -> list[tuple[str, ...]]:
    """`document_keys` of each document, less GUID and URL keys that are ambiguous in a feed.

    A feed that gives every entry its front page as link, or one GUID to all entries, would
    otherwise merge distinct articles into one. `keys` are the documents' `document_keys`,
    when the caller has them already.
    """
    all_keys = [document_keys(doc) for doc in documents] if keys is None else keys
    holders: dict[str, list[int]] = defaultdict(list)
    for index, (doc, doc_keys) in enumerate(zip(documents, all_keys, strict=True)):
        for key in doc_keys:
            if key.startswith(("guid:", "url:")):
                holders[f"{doc.origin}\x00{key}"].append(index)
    # Only keys held by two documents or more can be ambiguous: the others' texts need no hash.
    sameness: dict[int, tuple[str | None, ...]] = {}
    ambiguous = set()
    for key, indices in holders.items():
        if len(indices) > 1:
            for i in indices:
                if i not in sameness:
                    sameness[i] = _sameness(documents[i])
            if len({sameness[i] for i in indices}) > 1:
                ambiguous.add(key)
    return [
        tuple(k for k in doc_keys if f"{doc.origin}\x00{k}" not in ambiguous)
        for doc, doc_keys in zip(documents, all_keys, strict=True)
    ]


def document_id(doc: Identified) -> str:
    """A stable id: from the URL key or GUID when there is one, else from where the file lies.

    Unlike `document_keys`, the GUID is not scoped to its feed here: kept stories name their
    articles by these ids, so they stay what earlier releases gave.
    """
    identity = (url_key(doc.url) if doc.url else None) or doc.guid or f"file:{doc.origin}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


def source_key(article: Sourced) -> str:
    """Who published the article: its outlet when known, else its URL's host, else itself.

    A folder of saved pages names no outlets: two pages are then two sources.
    """
    if article.outlet:
        return "outlet:" + article.outlet.casefold()
    if article.url and (host := url_host(article.url)):
        return "host:" + host
    return "article:" + article.id


def url_host(url: str) -> str | None:
    """The URL's host, lower-cased, without `www.` and a closing dot; None when it has none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.rstrip(".").removeprefix("www.") or None
