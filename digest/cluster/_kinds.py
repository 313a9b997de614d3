"""Articles of a kind that makes a story of its own: fact checks.

A fact check judges a claim: its sentences state the claim it rates ("Former U.S. ambassador
to Ukraine Marie Yovanovitch has a net worth of $17 million.") and its verdict. Merged into
the news it came up in, an extractive summary may take the claim as a report. A fact check
therefore joins only other fact checks (of the same claim, when the text agrees), never a
story of reports. Known by evidence only: a fact-checking site, a fact-check section in the
URL's path, or a title that says so. Its story's headline says it is a fact check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from digest.model import Article

__all__ = ["is_fact_check", "labelled_headline"]

# Sites that publish fact checks only (signatories of the IFCN code of principles and
# well-known others); a newsroom's fact-check section is known by its path instead.
FACT_CHECK_SITES = frozenset(
    {
        "africacheck.org",
        "altnews.in",
        "aosfatos.org",
        "boomlive.in",
        "checkyourfact.com",
        "climatefeedback.org",
        "factcheck.org",
        "factly.in",
        "fullfact.org",
        "healthfeedback.org",
        "leadstories.com",
        "maldita.es",
        "newtral.es",
        "politifact.com",
        "polygraph.info",
        "snopes.com",
        "truthorfiction.com",
    }
)
# A path segment of a fact-check section or article: /fact-check/, /factcheck/,
# /fact-checks/, /fact-checker/, /ap-fact-check-trump-…, /truth-o-meter/ (PolitiFact's).
_FACT_CHECK_PATH = re.compile(r"(?<![a-z])fact[-_]?check(?:s|er|ers|ing)?(?![a-z])|truth-o-meter")
# "Fact check: …", "AP FACT CHECK: …", "Fact-check – …".
_FACT_CHECK_TITLE = re.compile(r"^\W*(?:ap\s+)?fact[- ]?check\s*[:\-–—|]", re.IGNORECASE)


def is_fact_check(article: Article) -> bool:
    """Whether the article is a fact check, by its URL's site or path, or by its title."""
    if article.title and _FACT_CHECK_TITLE.match(article.title):
        return True
    if not article.url:
        return False
    try:
        parts = urlsplit(article.url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").removeprefix("www.")
    if any(host == site or host.endswith("." + site) for site in FACT_CHECK_SITES):
        return True
    return _FACT_CHECK_PATH.search(parts.path.lower()) is not None


def labelled_headline(headline: str, articles: Sequence[Article]) -> str:
    """A story of fact checks says so in its headline: an untitled check's first sentence is
    often the claim it rates ("Former U.S. ambassador to Ukraine Marie Yovanovitch has a net
    worth of $17 million."), which must not read as news. Other stories' headlines, and
    titles that say so already, are left as they are."""
    if not articles or not all(is_fact_check(a) for a in articles):
        return headline
    if _FACT_CHECK_TITLE.match(headline):
        return headline
    return f"Fact check: {headline}"
