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
import time
from collections.abc import Mapping
from typing import Any

from digest.text.dates import parse_date, plausible_year

__all__ = ["entry_published"]

# published (RSS pubDate, Atom published/issued) beats updated (Atom updated, dc:date), which
# beats created.
_FIELDS = ("published", "updated", "created")


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
    return result if plausible_year(result.year) else None
