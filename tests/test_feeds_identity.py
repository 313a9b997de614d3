"""canonical_url, url_key and content_fingerprint: what makes two entries one article."""

from __future__ import annotations

import pytest

from digest.feeds import canonical_url, content_fingerprint
from digest.feeds.identity import url_key


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
    assert url_key("https://example.com/") is None
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
