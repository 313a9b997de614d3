"""digest.identity: what makes two documents one article, for de-duplication and the store."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

import pytest

from digest import feeds
from digest.identity import (
    MIN_FINGERPRINT_WORDS,
    canonical_url,
    content_fingerprint,
    distinct_keys,
    document_id,
    document_keys,
    fingerprint_words,
    text_words,
    url_key,
)
from digest.model import RawDocument
from tests.builders import make_article

FEED = "https://feeds.example.org/world.xml"
# A known document: its keys and id are pinned below.
KNOWN = RawDocument(
    origin=FEED,
    title="Council Votes 7–2 on the Harbour Plan",
    text="The city council voted on Tuesday, 7–2, to approve the ﬁnal harbour plan. "
    "Straße works begin in May.",
    url="HTTP://WWW.Example.org/news/harbour-plan/?utm_source=rss&id=42#comments",
    guid="urn:uuid:6c1b-harbour",
)
LONG = "The council voted on Tuesday to approve the final plan for the harbour after a debate."


def entry(n: int, **fields: str | None) -> RawDocument:
    values: dict[str, str | None] = {
        "title": f"Story {n}",
        "text": f"{LONG} Paragraph number {n}.",
        "url": f"https://a.example/{n}",
        "guid": f"g{n}",
    }
    values.update(fields)
    return RawDocument(origin=FEED, **values)  # type: ignore[arg-type]


def test_the_keys_of_a_known_document_are_pinned() -> None:
    # Existing stores hold these exact strings: a change here makes every store forget what
    # it has seen. Change them only with a migration of the stored keys.
    assert document_keys(KNOWN) == (
        "guid:https://feeds.example.org/world.xml urn:uuid:6c1b-harbour",
        "url:example.org/news/harbour-plan?id=42",
        "text:8b87f37ad2e922044534ba704c0281eebff962f54bb8c14a3e6a69ca26018adc",
    )
    short = RawDocument(origin="feed.xml", title="Read more", text="")
    assert document_keys(short) == (
        "short:feed.xml a3055c979d2bde28e78d66ea1266cae654c37f23b8eb79b1a3554277872d0f4b",
    )


def test_the_id_of_a_known_document_is_pinned() -> None:
    # Kept stories name their articles by these ids.
    assert document_id(KNOWN) == "1a4f1f43fcb43d95"
    assert document_id(RawDocument(origin="a.txt", text="")) == "dcb0f282e577c65d"
    no_url = RawDocument(origin=FEED, text="", guid="urn:uuid:6c1b-harbour")
    assert document_id(no_url) == document_id(
        RawDocument(origin="other", text="", guid=no_url.guid)
    )


def test_an_article_has_the_keys_of_the_document_it_was_cleaned_from() -> None:
    article = make_article(
        "x", title=KNOWN.title or "", paragraphs=(KNOWN.text,), url=KNOWN.url, origin=FEED
    )
    assert document_keys(article) == document_keys(KNOWN)[1:]  # it carries no GUID here


def test_a_guid_is_scoped_to_its_feed() -> None:
    one, other = entry(1), RawDocument(origin="other.xml", text="", guid="g1")
    assert document_keys(one)[0] != document_keys(other)[0]


def test_a_short_text_is_no_key_and_a_document_without_keys_is_known_by_feed_and_words() -> None:
    words = " ".join(["word"] * (MIN_FINGERPRINT_WORDS - 3))
    assert document_keys(entry(1, title="Two words", text=words))[-1].startswith("url:")
    # Title and text count together: one word more makes a text key.
    assert document_keys(entry(1, title="Two words", text=f"{words} more"))[-1].startswith("text:")
    alone = document_keys(entry(1, title=None, text=words, url=None, guid=None))
    assert alone == (f"short:{FEED} {content_fingerprint(words)}",)
    assert document_keys(RawDocument(origin=FEED, text="  ")) == ()


def test_distinct_keys_drop_a_guid_or_url_a_feed_gives_to_different_entries() -> None:
    same_guid = [entry(n, guid="same") for n in (1, 2)]
    assert all(not k.startswith("guid:") for keys in distinct_keys(same_guid) for k in keys)
    front_page = [entry(n, url="https://a.example/x") for n in (1, 2)]
    assert all(not k.startswith("url:") for keys in distinct_keys(front_page) for k in keys)
    # The same entry twice is one article, and another feed's entry is no rival.
    twice = [entry(1), entry(1), RawDocument(origin="other.xml", text="Other.", guid="g1")]
    assert distinct_keys(twice) == [document_keys(d) for d in twice]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/News/Story", "https://example.com/News/Story"),
        ("https://example.com/a/#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?fbclid=x&id=7&gclid=y&b=2", "https://example.com/a?b=2&id=7"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a/", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("urn:uuid:1234", "urn:uuid:1234"),
        ("/relative/path", "/relative/path"),
        ("https://[::1]:8000/x", "https://[::1]:8000/x"),
        ("https://example.com:99999/x", "https://example.com:99999/x"),
        ("HTTP://WWW.Example.com/a/b/?utm_source=x&id=3#top", "http://www.example.com/a/b?id=3"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "HTTP://WWW.Example.com:80/a/b/?z=1&utm_campaign=x&a=2#top"
    once = canonical_url(url)
    assert once == "http://www.example.com/a/b?a=2&z=1"
    assert canonical_url(once) == once


def test_url_key_ignores_scheme_and_www_and_front_pages() -> None:
    assert url_key("http://www.example.com/a/") == url_key("https://example.com/a?utm_x=1")
    assert url_key("https://example.com/") is None  # a front page names no one article
    assert url_key("https://example.com/?utm_source=x") is None
    assert url_key("urn:x:1") is None
    assert url_key("https://example.com/?p=12") == "example.com/?p=12"


def test_content_fingerprint_ignores_case_spacing_punctuation_and_forms() -> None:
    a = content_fingerprint("The Council voted, 7–2, on Tuesday.")
    b = content_fingerprint("the council  voted 7 2\non tuesday")
    c = content_fingerprint("The Council voted, 7–3, on Tuesday.")
    assert a == b
    assert a != c
    assert content_fingerprint("ﬁne café") == content_fingerprint("fine café")
    assert content_fingerprint("Die Straße") == content_fingerprint("DIE STRASSE")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("The council voted, 7–2, on Tuesday.", 7),  # ASCII words, a non-ASCII dash
        ("İstanbul rises", 2),  # "İ" folds to "i" and a combining dot: two folded words
        ("ﬁne Straße ΣΑΣ", 3),
        ("", 0),
    ],
)
def test_text_words_are_the_fingerprint_words_and_the_count_before_folding(
    text: str, count: int
) -> None:
    words = text_words(text)
    assert words.folded == fingerprint_words(text)
    assert words.number == count


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Council Votes", LONG),
        (None, LONG),
        ("İstanbul", "İstanbul İstanbul İstanbul votes"),  # 8 words only once folded: no key
        ("Ünïcode ﬁ", "e\u0301 ΣΑΣ Straße ǅ ⑴ ½ words"),
        ("Two words", "few"),
    ],
)
def test_document_keys_read_title_and_text_as_one_body(title: str | None, text: str) -> None:
    # The keys were the fingerprint of "title\ntext" and that text's word count before
    # folding; they are now read from the title's words and the text's, found apart.
    body = f"{title or ''}\n{text}"
    count = len(re.findall(r"\w+", unicodedata.normalize("NFKC", body)))
    document = RawDocument(origin=FEED, title=title, text=text)
    expected = (
        (f"text:{content_fingerprint(body)}",)
        if count >= MIN_FINGERPRINT_WORDS
        else (f"short:{FEED} {content_fingerprint(body)}",)
    )
    assert document_keys(document) == expected
    assert document_keys(document, words=text_words(text)) == expected


def test_feeds_re_exports_the_one_home() -> None:
    assert feeds.canonical_url is canonical_url
    assert feeds.content_fingerprint is content_fingerprint


def test_identity_and_the_store_import_no_numerics() -> None:
    # Every stage and the store ask identity; it must not cost them numpy's start-up.
    code = "import sys, digest.identity, digest.store.seen\nprint('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
