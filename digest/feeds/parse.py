"""Feed bytes → RawDocuments, through feedparser (pure: no I/O, no clock)."""

from __future__ import annotations

import codecs
import logging
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from digest.errors import SourceError
from digest.feeds.dates import entry_published
from digest.feeds.text import clean_inline, html_to_text, plain_to_text
from digest.model import Published, RawDocument

__all__ = ["ParsedFeed", "apply_filters", "parse_feed", "parse_feed_detailed"]

log = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.I)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
# Single-byte charsets under which any byte sequence decodes: bytes that are really UTF-8
# come out as mojibake ("CafÃ©") without any error to warn us.
MAX_UNPACKED = 50_000_000
_SINGLE_BYTE = frozenset({"latin-1", "iso8859-1", "iso8859-15", "cp1252", "ascii"})


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its entries as documents, its title, and what was wrong with it."""

    documents: tuple[RawDocument, ...]
    title: str | None
    warning: str | None = None


def parse_feed(
    data: bytes, *, origin: str, name: str | None, headers: Mapping[str, str] | None = None
) -> tuple[RawDocument, ...]:
    """The entries of the feed in `data` as RawDocuments; SourceError if it is not a feed.

    `origin` is the feed's URL or path as given (it becomes each document's origin and the
    base of relative links); `name` overrides the feed's own title as the outlet; `headers`
    are the HTTP response headers (their charset is the feed's declared encoding).
    """
    parsed = parse_feed_detailed(data, origin=origin, name=name, headers=headers)
    if parsed.warning:
        log.warning("%s", parsed.warning)
    return parsed.documents


def parse_feed_detailed(
    data: bytes,
    *,
    origin: str,
    name: str | None,
    headers: Mapping[str, str] | None = None,
    category: str | None = None,
) -> ParsedFeed:
    """`parse_feed`, keeping the feed's title and a one-line warning for a malformed feed."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    data = _decompressed(data)
    data, charset_note = _fix_declared_charset(data, response_headers)
    try:
        result = feedparser.parse(data, response_headers=response_headers)
    except Exception as exc:  # feedparser has bugs on hostile bytes; a bad feed, not a crash
        log.debug("feedparser failed on %s", origin, exc_info=True)
        cause = f"cannot parse: {type(exc).__name__}: {clean_inline(str(exc))}"
        raise SourceError(origin, cause) from exc
    version = result.get("version") or ""
    entries = result.get("entries") or []
    if not version and not entries:
        raise SourceError(origin, _not_a_feed(data, response_headers, result))
    feed = result.get("feed") or {}
    feed_title = _title(feed)
    outlet = name or feed_title
    base = _base_url(origin, feed)
    documents = tuple(
        _document(entry, origin=origin, outlet=outlet, base=base, category=category)
        for entry in entries
    )
    warning = _warning(origin, result, charset_note)
    return ParsedFeed(documents=documents, title=feed_title, warning=warning)


def apply_filters(
    documents: Sequence[RawDocument], *, include: Sequence[str], exclude: Sequence[str]
) -> tuple[RawDocument, ...]:
    """Documents whose title or text has an `include` keyword (if any) and no `exclude` one.

    Keywords match whole words, case-insensitively; a keyword of several words matches that
    phrase.
    """

    def pattern(words: Sequence[str]) -> re.Pattern[str] | None:
        alternatives = [re.escape(w.strip()) for w in words if w.strip()]
        if not alternatives:
            return None
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I)

    wanted, unwanted = pattern(include), pattern(exclude)
    kept = []
    for doc in documents:
        haystack = f"{doc.title or ''}\n{doc.text}"
        if wanted is not None and not wanted.search(haystack):
            continue
        if unwanted is not None and unwanted.search(haystack):
            continue
        kept.append(doc)
    return tuple(kept)


def _document(
    entry: Mapping[str, Any],
    *,
    origin: str,
    outlet: str | None,
    base: str | None,
    category: str | None,
) -> RawDocument:
    guid = clean_inline(str(entry.get("id") or "")) or None
    link = _entry_link(entry, guid, base)
    return RawDocument(
        origin=origin,
        text=_entry_text(entry),
        title=_title(entry),
        url=link,
        outlet=outlet,
        published=Published.of(entry_published(entry)),
        guid=guid,
        category=category,
    )


def _title(entry: Mapping[str, Any]) -> str | None:
    """The title of an entry or feed as plain text (feedparser keeps markup of HTML titles)."""
    raw = entry.get("title")
    if not isinstance(raw, str):
        return None
    detail = entry.get("title_detail") or {}
    if str(detail.get("type", "")).lower() in _HTML_TYPES:
        raw = html_to_text(raw).replace("\n", " ")
    return clean_inline(raw) or None


def _entry_link(entry: Mapping[str, Any], guid: str | None, base: str | None) -> str | None:
    link = entry.get("link")
    if not isinstance(link, str) or not link.strip():
        link = None
        for candidate in entry.get("links") or []:
            href = candidate.get("href")
            if href and candidate.get("rel", "alternate") == "alternate":
                link = href
                break
    # An RSS guid is a permalink unless marked isPermaLink="false".
    is_permalink = bool(entry.get("guidislink", True))
    if link is None and guid and guid.startswith(("http://", "https://")) and is_permalink:
        link = guid
    if link is None:
        return None
    link = clean_inline(link)
    try:
        if base and not urlsplit(link).scheme:
            link = urljoin(base, link)
    except ValueError:  # "http://[oops": kept as the feed wrote it
        pass
    return link or None


def _entry_text(entry: Mapping[str, Any]) -> str:
    # The longest of the full content blocks, else the summary.
    candidates: list[tuple[str, str]] = [
        (str(c.get("value") or ""), str(c.get("type") or "")) for c in entry.get("content") or []
    ]
    summary = entry.get("summary")
    if isinstance(summary, str):
        detail = entry.get("summary_detail") or {}
        candidates.append((summary, str(detail.get("type") or "text/html")))
    best = ""
    for value, kind in candidates:
        text = plain_to_text(value) if kind.lower() == "text/plain" else html_to_text(value)
        if len(text) > len(best):
            best = text
    return best


def _base_url(origin: str, feed: Mapping[str, Any]) -> str | None:
    for candidate in (feed.get("link"), origin):
        try:
            if isinstance(candidate, str) and urlsplit(candidate).scheme in {"http", "https"}:
                return candidate
        except ValueError:
            continue
    return None


def _decompressed(data: bytes) -> bytes:
    """`data` unpacked if it is gzip or zlib data (a `.gz` file, or a server that forgot
    `Content-Encoding`); else, or if unpacking fails, `data` as it is.

    Unpacking stops at MAX_UNPACKED bytes, so a small bomb cannot fill memory.
    """
    if data[:2] == b"\x1f\x8b":
        wbits = 16 + zlib.MAX_WBITS
    elif len(data) > 1 and data[0] == 0x78 and (data[0] << 8 | data[1]) % 31 == 0:
        wbits = zlib.MAX_WBITS
    else:
        return data
    try:
        unpacked = zlib.decompressobj(wbits).decompress(data, MAX_UNPACKED)
    except zlib.error:
        return data
    return unpacked or data


def _declared_charset(headers: Mapping[str, str]) -> str | None:
    match = _CHARSET.search(headers.get("content-type", ""))
    return _codec(match.group(1)) if match else None


def _fix_declared_charset(data: bytes, headers: dict[str, str]) -> tuple[bytes, str | None]:
    """Undo a single-byte charset declaration that the bytes contradict; say what was done.

    A server sending `charset=iso-8859-1` (or a feed declaring `encoding="iso-8859-1"`) for
    UTF-8 bytes would otherwise turn every accent into mojibake ("CafÃ©") without any error.
    Bytes that decode as UTF-8 and contain non-ASCII characters are almost never Latin-1, so
    both declarations are then set to UTF-8. Returns the (possibly rewritten) bytes.
    """
    http = _declared_charset(headers)
    match = _XML_DECL_ENCODING.match(data)
    xml = _codec(match.group(1).decode("ascii")) if match else None
    declared = [c for c in (http, xml) if c is not None]
    if not any(c in _SINGLE_BYTE for c in declared):
        return data, None
    if any(c not in _SINGLE_BYTE and c != "utf-8" for c in declared):
        return data, None  # another multi-byte charset is named: not ours to second-guess
    try:
        if data.decode("utf-8").isascii():
            return data, None
    except UnicodeDecodeError:
        return data, None
    if http is not None:
        headers["content-type"] = _CHARSET.sub("charset=utf-8", headers["content-type"])
    if match is not None and xml != "utf-8":
        data = data[: match.start(1)] + b"utf-8" + data[match.end(1) :]
    wrong = http if http in _SINGLE_BYTE else xml
    return data, f"declared charset {wrong} but the content is UTF-8; read as UTF-8"


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _not_a_feed(data: bytes, headers: Mapping[str, str], result: Mapping[str, Any]) -> str:
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _HTML_TYPES or _HTML_START.match(data[:4096]):
        return "not a feed: got an HTML page"
    if not data.strip():
        return "not a feed: empty response"
    problem = result.get("bozo_exception")
    if problem is not None:
        return f"not a feed: {_describe(problem).removesuffix('; read leniently')}"
    return "not a feed: no RSS, Atom or RDF elements found"


def _warning(origin: str, result: Mapping[str, Any], charset_note: str | None) -> str | None:
    notes = [charset_note] if charset_note else []
    if result.get("bozo"):
        problem = result.get("bozo_exception")
        if problem is not None:
            notes.append(_describe(problem))
    return f"{origin}: {'; '.join(notes)}" if notes else None


def _describe(problem: object) -> str:
    kind = type(problem).__name__
    message = clean_inline(str(problem))
    if kind == "SAXParseException":
        where = ""
        line, column = (
            getattr(problem, "getLineNumber", None),
            getattr(problem, "getColumnNumber", None),
        )
        if callable(line) and callable(column):
            where = f" at line {line()}, column {column()}"
        reason = getattr(problem, "getMessage", None)
        detail = reason() if callable(reason) else message
        return f"malformed XML ({detail}{where}); read leniently"
    if kind == "CharacterEncodingOverride":
        return f"wrong charset ({message})"
    if kind == "NonXMLContentType":
        return f"served as a non-XML type ({message})"
    if kind == "CharacterEncodingUnknown":
        return f"unknown charset ({message})"
    return f"{kind}: {message}" if message else kind
