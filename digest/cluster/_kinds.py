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
from urllib.parse import urlsplit

from digest.identity import url_host
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
# A path segment that opens with a fact-check section's or article's name: /fact-check/,
# /factcheck/, /fact-checks/, /fact-checker/, /fact-check-debate-…, /ap-fact-check-trump-…,
# /truth-o-meter/ (PolitiFact's). Not a slug that reports on fact checking:
# /biden-fact-checks-trump-at-debate, /meta-ends-fact-checking-program.
_FACT_CHECK_PATH = re.compile(
    r"(?:^|/)(?:(?:ap|afp|cnn|abc|cbc|bbc|reuters)-)?fact[-_]?check(?:s|er|ers)?(?=[/\-_.]|$)"
    r"|/truth-o-meter(?:/|$)"
)
# "Fact check: …", "AP FACT CHECK: …", "Fact-check – …".
_FACT_CHECK_TITLE = re.compile(r"^\W*(?:ap\s+)?fact[- ]?check\s*[:\-–—|]", re.IGNORECASE)
# A headline that already says what it is ("Reuters Fact Check: …", "Fact-Checking the First
# Debate", "AP FACT FOCUS: …") is not labelled again.
_SAYS_FACT_CHECK = re.compile(r"\bfact[- ]?(?:check|focus)", re.IGNORECASE)


def is_fact_check(article: Article) -> bool:
    """Whether the article is a fact check, by its URL's site or path, or by its title."""
    if article.title and _FACT_CHECK_TITLE.match(article.title):
        return True
    if not article.url or not article.url.strip().lower().startswith(("http://", "https://")):
        return False
    host = url_host(article.url)
    if host is None:
        return False
    if any(host == site or host.endswith("." + site) for site in FACT_CHECK_SITES):
        return True
    return _FACT_CHECK_PATH.search(urlsplit(article.url.strip()).path.lower()) is not None


def labelled_headline(headline: str, fact_checks: bool) -> str:
    """A story of fact checks says so in its headline: an untitled check's first sentence is
    often the claim it rates ("Former U.S. ambassador to Ukraine Marie Yovanovitch has a net
    worth of $17 million."), which must not read as news. Other stories' headlines, and
    titles that say so already, are left as they are. The label is in English, as the rest of
    the briefing's own words are (the templates'); `fact_checks`: the story's articles are."""
    if not fact_checks or _SAYS_FACT_CHECK.search(headline):
        return headline
    return f"Fact check: {headline}"
