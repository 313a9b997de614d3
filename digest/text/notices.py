"""Notices that stand where an article should be: widgets, crawl notices, walls, players.

A page holding one of these instead of an article is left out of the briefing, with one footer
line naming the kind (`digest.clean.notice`).
"""

from __future__ import annotations

import re

__all__ = ["notice_kind"]

# Pages that are not articles, by the notice they show instead: each kind with the phrases
# (matched in lower-cased text) that only its notices use. Quoted from real scrapes
# (tests/fixtures/clean/notices/ has them with their sources).
_NOTICE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a social-media widget notice",
        re.compile(
            r"\btweet with a location\b|\badd a location to your tweets\b"
            r"|\badd location information to your tweets\b|\bwhen you tweet with a location\b"
        ),
    ),
    (
        "a web-archive crawl notice",
        re.compile(
            r"\bthese crawls are part of an effort to archive\b|\bdonating their crawl data\b"
            r"|\bthe seed for (?:this crawl|wide\d+)\b|\bthis crawl was run at a level\b"
            r"|\bcollection contains .{0,40}\bcrawls\b|\bthe warc files associated with\b"
            r"|\busing the archive-it service\b|\bwayback machine\b"
            # The collection pages of other crawls: "Crawl of outlinks from wikipedia.org
            # started March, 2016.", "Web wide crawl with initial seedlist and crawler
            # configuration from March 2011.", "Crawl start date: …", "Number of captures: …".
            r"|^\W*(?:web[- ]?wide |wide |domain |survey )?crawl (?:of|with|from|started)\b"
            r"|\bcrawl (?:start|end) date\b|\bnumber of (?:captures|unique urls)\b"
            r"|\bseed ?list for this crawl\b|\bcrawler (?:software|configuration)\b"
            r"|\b(?:files|data) (?:is|are) currently not publicly accessible\b"
            r"|\bwide crawls?\b|\bcrawl(?:s|ed|er|ers|ing)?\b[^.]{0,80}"
            r"\b(?:urls?|seeds?|captures|robots\.txt|heritrix|queues)\b"
        ),
    ),
    (
        "a web-hosting notice",
        re.compile(
            r"\bcustom domain mapping\b|\bmapping a new custom domain\b"
            r"|\bthis domain (?:name )?(?:is|may be) for sale\b|\bbuy this domain\b"
            r"|\b(?:this )?(?:account|site) has been suspended\b|\bparked (?:free|domain)\b"
        ),
    ),
    (
        "a shop or log-in page",
        re.compile(
            r"\bsign in using (?:you|your) account\b|\blog into your account\b"
            r"|\bthank you for registering\b|\bclick on the link to activate your account\b"
            r"|\bby submitting your registration information\b|\bskip the month\b"
            r"|\byour credit card will be charged\b|\bforgot your password\b"
        ),
    ),
    (
        "a petition page",
        re.compile(
            r"\bthank you for (?:supporting|signing) (?:the|our|this) (?:campaign|petition)\b"
            r"|\bclick (?:below|here) to sign\b|\bconfirm your signature\b"
        ),
    ),
    (
        "a JavaScript wall",
        re.compile(
            r"\bjavascript is (?:disabled|required|turned off)\b"
            r"|\b(?:please |you need to |you must )?(?:enable|turn on) javascript\b"
        ),
    ),
    (
        "a cookie wall",
        re.compile(r"\b(?:we|this (?:site|website)) uses? cookies\b|\baccept (?:all )?cookies\b"),
    ),
    (
        "a subscription wall",
        re.compile(
            r"\bsubscribe (?:now )?to (?:continue|keep) reading\b|\bjoin our mailing list\b"
            r"|\bsign up for (?:the|our) [\w ]{0,30}newsletter\b"
            r"|\bplease verify you'?re not a robot\b|\balready a subscriber\b"
            r"|\bto continue reading,? (?:please )?(?:subscribe|log in)\b"
        ),
    ),
    (
        "a video-embed page",
        re.compile(
            r"\brating is available when the video has been rented\b"
            r"|\bthe interactive transcript could not be loaded\b"
            r"|\bmedia playback is unsupported on your device\b|\bcopy this code to your website\b"
            r"|\bthis video is (?:unavailable|no longer available|represented by)\b"
            r"|^\W*published on [a-z]{3,9}\.? \d{1,2}, \d{4}\b"
        ),
    ),
)


# Words every match of a kind's pattern holds (lower-cased), one at least: a plain substring
# test rules a kind out on most pages, far cheaper than its pattern, asked of every paragraph.
_NOTICE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "a social-media widget notice": ("tweet",),
    "a web-archive crawl notice": (
        "crawl",
        "seed",
        "warc",
        "archive",
        "wayback",
        "number of",
        "publicly accessible",
    ),
    "a web-hosting notice": ("domain", "suspended", "parked"),
    "a shop or log-in page": (
        "account",
        "registering",
        "registration",
        "skip the month",
        "credit card",
        "password",
    ),
    "a petition page": ("thank you for", "to sign", "signature"),
    "a JavaScript wall": ("javascript",),
    "a cookie wall": ("cookies",),
    "a subscription wall": ("reading", "mailing list", "newsletter", "robot", "subscriber"),
    "a video-embed page": (
        "rented",
        "transcript",
        "playback",
        "copy this code",
        "this video is",
        "published on",
    ),
}
_NOTICES = tuple((kind, _NOTICE_TRIGGERS[kind], pattern) for kind, pattern in _NOTICE_PATTERNS)
# (trigger, index of its kind in `_NOTICES`)
_TRIGGERS = tuple(
    (word, number) for number, (_, triggers, _) in enumerate(_NOTICES) for word in triggers
)


def notice_kind(text: str) -> str | None:
    """What kind of not-an-article notice `text` holds ("a web-archive crawl notice"), or None."""
    lowered = text.lower()
    # Every trigger tested once, in one pass: most paragraphs hold none, and then no kind is.
    present = {number for word, number in _TRIGGERS if word in lowered}
    if not present:
        return None
    return next(
        (
            kind
            for number, (kind, _, pattern) in enumerate(_NOTICES)
            if number in present and pattern.search(lowered)
        ),
        None,
    )
