"""Days of articles for clustering: the published day, else a date line near the top."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.model import Article

__all__ = ["day_numbers", "stated_day"]

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = (
    re.compile(rf"\b{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH},?\s+((?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)"),
)
# A date stated this close to the top is the article's own date line; further down, dates
# are mostly those of earlier events the article recalls.
DATELINE_CHARS = 400


def day_numbers(articles: Sequence[Article]) -> npt.NDArray[np.float64]:
    """Each article's day as a proleptic ordinal, NaN when unknown."""
    out = np.full(len(articles), np.nan)
    for i, article in enumerate(articles):
        day = article.day or stated_day(article.text[:DATELINE_CHARS])
        if day is not None:
            out[i] = day.toordinal()
    return out


def stated_day(text: str) -> dt.date | None:
    """The earliest-placed full date (day, month and year) in `text`, if any."""
    found: list[tuple[int, dt.date]] = []
    for index, pattern in enumerate(_DATE_PATTERNS):
        for match in pattern.finditer(text):
            try:
                found.append((match.start(), _parse(index, match)))
            except ValueError:  # "February 30": not a date, try the next mention
                continue
            break
    return min(found)[1] if found else None


def _parse(index: int, match: re.Match[str]) -> dt.date:
    if index == 0:
        return dt.date(int(match[3]), _MONTHS[match[1][:3].lower()], int(match[2]))
    if index == 1:
        return dt.date(int(match[3]), _MONTHS[match[2][:3].lower()], int(match[1]))
    return dt.date(int(match[1]), int(match[2]), int(match[3]))
