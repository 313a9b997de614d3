"""Entry dates read from the feed's own date string, keeping its zone (pure).

feedparser's `*_parsed` values are UTC `struct_time`s: the zone is gone and a date written
without a zone has silently become UTC. We read the raw string first:

- RFC 822 (RSS) and ISO 8601 / W3C-DTF (Atom) with a zone → an aware `datetime` in that zone;
- the same without a zone → a naive `datetime` (local time of an unknown zone, never UTC);
- a date alone (`2024-03-01`) → a `date`;
- anything else feedparser understands (its many national formats) → its UTC value, aware.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any

from dateutil import parser as dateutil_parser

__all__ = ["entry_published", "parse_date"]

# published (RSS pubDate, Atom published/issued) beats updated (Atom updated, dc:date), which
# beats created.
_FIELDS = ("published", "updated", "created")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
# Years outside this range are typos or placeholders (0001-01-01), not publication dates.
_MIN_YEAR, _MAX_YEAR = 1970, 2200


def parse_date(raw: str) -> dt.date | None:
    """A date string as RSS/Atom write them; None when it is not one of those forms."""
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


def entry_published(entry: Mapping[str, Any]) -> dt.date | None:
    """The publication date of a feedparser entry, read as `parse_date` describes."""
    for name in _FIELDS:
        # dict.get, not entry.get: feedparser's own `get("updated")` falls back to
        # `published` with a DeprecationWarning.
        raw = dict.get(entry, name) if isinstance(entry, dict) else entry.get(name)
        if isinstance(raw, str) and raw.strip():
            value = parse_date(raw)
            if value is not None:
                return value
            parsed = f"{name}_parsed"
            struct = dict.get(entry, parsed) if isinstance(entry, dict) else entry.get(parsed)
            fallback = _from_struct(struct)
            if fallback is not None:
                return fallback
    return None


def _from_struct(value: object) -> dt.datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        stamp = calendar.timegm(value)
        result = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None
    return result if _MIN_YEAR <= result.year <= _MAX_YEAR else None
