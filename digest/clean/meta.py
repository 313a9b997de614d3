"""Headline, outlet and publication date, found where a scraped page states them.

All three look at the same landmarks: the page's units (lines), the index of the first body line,
and the headline's index. What lies before the headline is the site's masthead and menus (a
date there is the day the page was captured); what lies between the headline and the first
paragraphs is the byline and date; the first paragraphs may open with a dateline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

from digest.text.dates import (
    explicit_dates,
    find_dates,
    infer_year,
    is_date_line,
    parse_dateline,
)
from digest.text.furniture import (
    agency_name,
    is_boilerplate_line,
    is_byline,
    is_credit_line,
    is_section_break,
)
from digest.text.words import normalize, tokens

__all__ = ["fallback_headline", "locate_headline", "outlet_from", "published_from"]

_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:]{1,2}\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_CLOSING = (".", "!", "?", '"', "”", "’")
_GLUED_BYLINE = re.compile(
    r"^(?P<name>.+?)\s*(?:Updated|Published|Posted|Last updated|First published)\b"
)
# How many lines past the first body line a byline or date line may still sit.
_META_WINDOW = 4
_FALLBACK_WORDS = 12
# A page title ("<headline> - <site>") on the first line is a headline unless a line below it
# repeats or resembles it, or sits right above the body.
_PAGE_TITLE_SCORE = 2.0
_FIRST_LINE_SCORE = 1.0


def locate_headline(lines: Sequence[str], body_start: int) -> tuple[int, str] | None:
    """The line most likely to hold the headline, among those before the body, and its text.

    The text is the whole line, except for a '<headline> - <site>' page title on the first line,
    where it is the headline part.
    """
    counts = Counter(normalize(line) for line in lines)
    title = _title_part(lines[0]) if lines else None
    # Lines resembling the first line (the page's title, split from its site name or not) score.
    first = title or (lines[0] if lines and _could_be_headline(lines[0]) else "")
    title_tokens = set(tokens(first))
    best: tuple[float, int, str] | None = None
    for i in range(min(body_start, len(lines) - 1) + 1):
        line = lines[i]
        if i == 0 and title is not None:
            text, score = title, _PAGE_TITLE_SCORE
        elif _could_be_headline(line) and not (i == body_start and line.endswith(_CLOSING)):
            text, score = line, _score(line, counts, body_start - i, title_tokens if i else set())
            score += _FIRST_LINE_SCORE if i == 0 else 0
        else:
            continue
        if best is None or (score, i) >= best[:2]:
            best = (score, i, text)
    return None if best is None else (best[1], best[2])


def _score(line: str, counts: Counter[str], distance: int, title_tokens: set[str]) -> float:
    score = 3.0 if counts[normalize(line)] > 1 else 0.0
    similarity = _dice(set(tokens(line)), title_tokens)
    score += 4 * similarity if similarity >= 0.5 else 0
    score += 2 if distance <= 3 else 1 if distance <= 8 else 0
    return score + (0 if line.endswith(".") else 1)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _could_be_headline(line: str) -> bool:
    n = len(tokens(line))
    return (
        3 <= n <= 30
        and not is_boilerplate_line(line)
        and not is_section_break(line)
        and not is_credit_line(line)
        and not is_date_line(line)
        and not line.rstrip().endswith(("...", "…"))
        and not is_byline(line)
    )


def _title_part(first_line: str) -> str | None:
    """The headline part (the longest part) of a '<headline> - <site>' page title, if it is one."""
    parts = _TITLE_SEPARATOR.split(first_line)
    if len(parts) < 2:
        return None
    longest = max(parts, key=lambda part: len(tokens(part)))
    return longest.strip() if _could_be_headline(longest) else None


def fallback_headline(paragraphs: Sequence[str]) -> str:
    """The first sentence of the first paragraph, cut to a dozen words ('' if no paragraphs)."""
    if not paragraphs:
        return ""
    sentence = _SENTENCE_END.split(paragraphs[0], maxsplit=1)[0].strip()
    words = sentence.split()
    if len(words) <= _FALLBACK_WORDS:
        return sentence
    return " ".join(words[:_FALLBACK_WORDS]).rstrip(",;:") + "…"


def outlet_from(
    lines: Sequence[str], head: int | None, body_start: int, paragraphs: Sequence[str]
) -> str | None:
    """The outlet a byline ("Associated PressUpdated: …") or a dateline ("MOSCOW (Reuters) –")
    names, else the site named in a '<headline> - <site>' page title."""
    for line in _meta_lines(lines, head, body_start):
        glued = _GLUED_BYLINE.match(line)
        names = [glued["name"]] if glued else []
        names += re.split(r"\s*[/|•·]\s*", line)
        for name in names:
            if (agency := agency_name(name)) is not None:
                return agency
    for paragraph in paragraphs[:3]:
        found = parse_dateline(paragraph)
        if found is not None and found[1] is not None:
            return _spelling(found[1], lines)
    if lines and head is not None:
        parts = _TITLE_SEPARATOR.split(lines[0])
        headline = set(tokens(lines[head] if head > 0 else _title_part(lines[0]) or ""))
        if len(parts) > 1 and _dice(set(tokens(parts[0])), headline) >= 0.5:
            site = parts[-1].strip()
            return site if 1 <= len(tokens(site)) <= 4 else None
    return None


def _spelling(name: str, lines: Sequence[str]) -> str:
    """The agency's usual name, or the page's spelling of a name a dateline writes in capitals."""
    if (agency := agency_name(name)) is not None:
        return agency
    if name.isupper() and len(name) > 4:
        for line in lines:
            if line.strip().lower() == name.lower() and not line.strip().isupper():
                return line.strip()
        return name.title()
    return name


def _meta_lines(lines: Sequence[str], head: int | None, body_start: int) -> list[str]:
    """The short date and byline lines between the headline and the first paragraphs."""
    start = 0 if head is None else head + 1
    window = lines[start : min(len(lines), body_start + _META_WINDOW)]
    return [line for line in window if is_date_line(line)]


def published_from(
    lines: Sequence[str], head: int | None, body_start: int, paragraphs: Sequence[str]
) -> dt.date | None:
    """The article's publication date or time (see `digest.clean.dates` for precision)."""
    ceiling = _page_date(lines, head)
    evidence = [d for d in explicit_dates(paragraphs) if ceiling is None or d <= ceiling]
    for line in _meta_lines(lines, head, body_start):
        for found in find_dates(line):
            year = found.year or infer_year(found, evidence=evidence, ceiling=ceiling)
            if (value := found.resolve(year)) is not None:
                return value
    for paragraph in paragraphs[:3]:
        dateline = parse_dateline(paragraph)
        if dateline is not None and (stated := dateline[0]) is not None:
            year = stated.year or infer_year(stated, evidence=evidence, ceiling=ceiling)
            if (value := stated.resolve(year)) is not None:
                return value
    return None


def _page_date(lines: Sequence[str], head: int | None) -> dt.date | None:
    """The date a masthead shows above the headline: the capture day, an upper bound."""
    if head is None:
        return None
    for line in lines[:head]:
        if is_date_line(line):
            for found in find_dates(line, with_time=False):
                if (value := found.resolve()) is not None:
                    return value
    return None
