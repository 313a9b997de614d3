"""Dates and times as scraped pages write them, and the rules for which one is the article's.

`published` has the precision the text gives: a `date` when only the day is stated, a naive
`datetime` for a time without a zone, an aware `datetime` when the zone is stated (numerically or
as an abbreviation from `TIMEZONES`). A date written without a year ("FEBRUARY 1" in a dateline)
takes its year from the other dates of the text, see `infer_year`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

from digest.text.datelines import find_dateline
from digest.text.words import tokens

__all__ = [
    "MONTH_ABBREVIATIONS",
    "MONTH_NAME",
    "TIMEZONES",
    "ZONE_NAME",
    "FoundDate",
    "explicit_dates",
    "find_dates",
    "infer_year",
    "is_date_line",
    "parse_date",
    "parse_dateline",
    "plausible_year",
    "read_date",
    "stated_day",
]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

# Abbreviations are ambiguous (IST is also Irish and Israel time); we take the reading most
# common in English-language news. An unknown abbreviation leaves the time naive.
TIMEZONES: dict[str, dt.timedelta] = {
    "UTC": dt.timedelta(0),
    "GMT": dt.timedelta(0),
    "Z": dt.timedelta(0),
    "BST": dt.timedelta(hours=1),
    "WET": dt.timedelta(0),
    "CET": dt.timedelta(hours=1),
    "CEST": dt.timedelta(hours=2),
    "EET": dt.timedelta(hours=2),
    "EEST": dt.timedelta(hours=3),
    "MSK": dt.timedelta(hours=3),
    "IST": dt.timedelta(hours=5, minutes=30),
    "PKT": dt.timedelta(hours=5),
    "SGT": dt.timedelta(hours=8),
    "HKT": dt.timedelta(hours=8),
    "JST": dt.timedelta(hours=9),
    "KST": dt.timedelta(hours=9),
    "AEST": dt.timedelta(hours=10),
    "AEDT": dt.timedelta(hours=11),
    "EST": dt.timedelta(hours=-5),
    "EDT": dt.timedelta(hours=-4),
    "CST": dt.timedelta(hours=-6),
    "CDT": dt.timedelta(hours=-5),
    "MST": dt.timedelta(hours=-7),
    "MDT": dt.timedelta(hours=-6),
    "PST": dt.timedelta(hours=-8),
    "PDT": dt.timedelta(hours=-7),
}

# A month's name or abbreviation, in any case (the pattern is compiled case-blind); longest
# first, so "september" is read whole rather than as "sep" and a tail.
MONTH_NAME = "(?:" + "|".join(sorted(_MONTHS, key=lambda name: (-len(name), name))) + ")"
# The short forms ("jan", "sept"): words a dot follows without ending a sentence.
MONTH_ABBREVIATIONS = frozenset(
    name for name in _MONTHS if any(o != name and o.startswith(name) for o in _MONTHS)
)
_MONTH = rf"(?P<month>{MONTH_NAME})\.?"
# A time zone's abbreviation as `TIMEZONES` knows them, or "ET" ("10 a.m. ET"), any case.
ZONE_NAME = "(?:" + "|".join(sorted((*TIMEZONES, "ET"), key=len, reverse=True)) + ")"
_MONTH2 = _MONTH.replace("month", "month2")
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE = re.compile(
    rf"""\b{_WEEKDAY}(?:
        {_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?
      | (?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH2},?\s+(?P<year2>(?:19|20)\d\d)\b
      | (?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)(?!\d)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_DIGIT = re.compile(r"\d")
_TIME = re.compile(
    r"""(?<!\d)(?P<h>\d{1,2})[:.](?P<m>\d\d)(?::(?P<s>\d\d))?\s*
        (?P<ampm>[ap]\.?\s?m\b\.?)?\s*
        (?:(?P<offset>[+-]\d\d:?\d\d)\b|\(?(?P<zone>[A-Z]{1,4}T|UTC|GMT|Z)\b\)?)?""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in a line; `year` is None when the text gave none."""

    year: int | None
    month: int
    day: int
    time: dt.time | None = None

    def resolve(self, year: int | None = None) -> dt.date | None:
        """The date or datetime this stands for, in the given year when it has none."""
        y = self.year if self.year is not None else year
        if y is None:
            return None
        try:
            day = dt.date(y, self.month, self.day)
        except ValueError:
            return None
        if self.time is None:
            return day
        return dt.datetime.combine(day, self.time)


def find_dates(line: str, *, with_time: bool = True) -> list[FoundDate]:
    """All calendar dates a line states, each with the time of day stated next to it, if any."""
    found: list[FoundDate] = []
    if not _DIGIT.search(line):
        return found  # every form of `_DATE` holds a digit; most lines of prose have none
    for match in _DATE.finditer(line):
        date = _from_match(match)
        if date is None:
            continue
        time = _time_near(line, match.start(), match.end()) if with_time else None
        found.append(FoundDate(date[0], date[1], date[2], time))
    return found


def _from_match(match: re.Match[str]) -> tuple[int | None, int, int] | None:
    g = match.groupdict()
    year: int | None
    if g["iy"]:
        year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
    elif g["month"]:
        year = int(g["year"]) if g["year"] else None
        month, day = _MONTHS[g["month"].lower()], int(g["day"])
    else:
        year, month, day = int(g["year2"]), _MONTHS[g["month2"].lower()], int(g["day2"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return year, month, day


def _time_near(line: str, start: int, end: int) -> dt.time | None:
    """The time written just after the date, or else just before it (within a few words)."""
    after = _TIME.search(line, end, min(len(line), end + 25))
    before = list(_TIME.finditer(line[max(0, start - 30) : start]))
    match = after or (before[-1] if before else None)
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"])
    ampm = (match["ampm"] or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or (not ampm and match["zone"] is None and ":" not in match[0]):
        return None
    return dt.time(hour, minute, int(match["s"] or 0), tzinfo=_zone(match))


def _zone(match: re.Match[str]) -> dt.tzinfo | None:
    if match["offset"]:
        sign = -1 if match["offset"][0] == "-" else 1
        digits = match["offset"][1:].replace(":", "")
        return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    if match["zone"] and match["zone"].upper() in TIMEZONES:
        return dt.timezone(TIMEZONES[match["zone"].upper()])
    return None


# Cached: cleaning asks it of a page's lines while classing them, then of the body it keeps,
# the byline block and the headline's candidates.
@functools.lru_cache(maxsize=1 << 12)
def is_date_line(line: str) -> bool:
    """True for a short line that is mostly a date: a page's date, or a byline with a date."""
    toks = tokens(line)
    if not toks or len(toks) > 16:
        return False
    dates = list(_DATE.finditer(line))
    # A day without a year or a time ("April 4 – Town Hall") is a list item, not a date line.
    if not dates or not (
        any(m["year"] or m["year2"] or m["iy"] for m in dates) or _TIME.search(line)
    ):
        return False
    dated = sum(len(tokens(m[0])) for m in dates)
    dated += sum(len(tokens(m[0])) for m in _TIME.finditer(line))
    # "December 15, 2021 Web Desk", "Posted by A Writer on November 19, 2019, 6:21 AM EST";
    # a short sentence that mentions a date ends like one.
    return dated / len(toks) >= 0.4 or (len(toks) <= 10 and not line.rstrip().endswith("."))


def parse_dateline(paragraph: str) -> tuple[FoundDate | None, str | None] | None:
    """The date and agency of a dateline opening a paragraph, or None when there is none."""
    found = find_dateline(paragraph)
    if found is None:
        return None
    when = find_dates(found.when, with_time=False) if found.when else []
    if not when and found.agency is None:
        return None
    return (when[0] if when else None), found.agency


def infer_year(
    date: FoundDate, *, evidence: Iterable[dt.date], ceiling: dt.date | None = None
) -> int | None:
    """The year for a date stated without one.

    The article is taken to be no older than the latest fully dated event it mentions
    (`evidence`): the earliest year that puts the date on or after that event. A `ceiling` (the
    page's own date, or the date the source stated) is never exceeded: if the first rule would
    cross it, the latest year at or before the ceiling wins. With no evidence the ceiling's year
    is used (or the year before, when the date would fall after the ceiling); with neither, None.
    """
    floor = max(evidence, default=None)
    if floor is not None:
        year = floor.year if (_on(date, floor.year) or floor) >= floor else floor.year + 1
        candidate = _on(date, year)
        if candidate is not None and (ceiling is None or candidate <= ceiling):
            return year
    if ceiling is not None:
        candidate = _on(date, ceiling.year)
        return ceiling.year if candidate is not None and candidate <= ceiling else ceiling.year - 1
    return None


def _on(date: FoundDate, year: int) -> dt.date | None:
    try:
        return dt.date(year, date.month, date.day)
    except ValueError:
        return None


def explicit_dates(lines: Sequence[str]) -> list[dt.date]:
    """Every date with a year stated in the lines."""
    return [
        d
        for line in lines
        for found in find_dates(line, with_time=False)
        if (d := found.resolve()) is not None
    ]


def stated_day(text: str) -> dt.date | None:
    """The first full date (day, month and year) that `text` states, if any."""
    for found in find_dates(text, with_time=False):
        if found.year is not None and (day := found.resolve()) is not None:
            return day
    return None


# Years outside this range are typos or placeholders (0001-01-01), not publication dates.
_MIN_YEAR, _MAX_YEAR = 1970, 2200
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")


def parse_date(raw: str) -> dt.date | None:
    """A date string as feeds and front matter write them: ISO 8601 / W3C-DTF or RFC 822.

    With a zone: an aware `datetime` in that zone; a time without one: naive; a day alone: a
    `date`. None when it is none of those forms or the year is implausible.
    """
    raw = raw.strip()
    if not raw:
        return None
    value = _parse_iso(raw) if raw[:1].isdigit() else None
    if value is None:
        value = _parse_rfc822(raw)
    if value is None or not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    return value


def _parse_iso(raw: str) -> dt.date | None:
    if _DATE_ONLY.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    if not _ISO_LIKE.match(raw):
        return None
    try:
        return dt.datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        pass
    try:
        return dateutil_parser.isoparse(raw)
    except (ValueError, OverflowError):
        return None


def _parse_rfc822(raw: str) -> dt.datetime | None:
    # parsedate_to_datetime, unlike parsedate_tz, tells a missing or "-0000" zone (naive
    # result) from "+0000" (UTC).
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def plausible_year(year: int) -> bool:
    """Whether a year can be a publication's (not a typo or a 0001 placeholder)."""
    return _MIN_YEAR <= year <= _MAX_YEAR


def read_date(raw: str) -> dt.date | None:
    """A date a person or program wrote as a value (front matter, JSON): `parse_date`'s forms,
    else the first date with a year written out in words ("1 February 2022, 10:00 GMT")."""
    value = parse_date(raw)
    if value is not None:
        return value
    for found in find_dates(raw):
        if found.year is not None and plausible_year(found.year):
            return found.resolve()
    return None
