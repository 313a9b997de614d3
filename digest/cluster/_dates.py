"""Days of articles for clustering: the published day, else a date line near the top."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.model import Article
from digest.text.dates import stated_day

__all__ = ["day_numbers"]

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
