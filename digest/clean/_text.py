"""Line-level text features of the cleaner: prose tests and hard-wrapped lines.

Words, stop words and furniture patterns come from `digest.text`, their one home.
"""

from __future__ import annotations

import functools
import re

from digest.text.language import stopword_count
from digest.text.words import size, tokens

__all__ = ["is_english", "is_headline_like", "is_prose", "split_lines"]

_CLOSERS = (".", "!", "?", '"', "”", "。", "！", "？")
# The first letter of each word longer than three characters (a word: a letter, then letters,
# digits, apostrophes and hyphens); the shorter words are never matched, nor parts of them.
_LONG_WORD_INITIAL = re.compile(r"([^\W\d_])[\w'’-]{3,}")
_SENTENCE_MARK = re.compile(r"[.!?。！？][\s\"”’)]|[.!?。！？]$|[、，]")

# Stop-word density (sumy's English list) that makes a line prose: a line closing like a
# sentence needs less; a page whose long lines reach _ENGLISH_PAGE is English. Measured on
# benchmarks/cleaning.py.
_CLOSED_PROSE, _OPEN_PROSE, _ENGLISH_PAGE = 0.15, 0.3, 0.2
# Hard-wrapped text: lines of 40 to 100 characters that differ by no more than 20.
_WRAP_MIN, _WRAP_MAX, _WRAP_SPREAD = 40, 100, 20


def is_headline_like(line: str) -> bool:
    """True for a Title Case line without closing punctuation, as in lists of other headlines."""
    initials = _LONG_WORD_INITIAL.findall(line)
    if len(initials) < 3:
        return False
    capitalised = sum(map(str.isupper, initials))
    return capitalised / len(initials) >= 0.75


def is_prose(line: str, *, english: bool = True) -> bool:
    """True for a line that reads like running text.

    English text must be long enough and rich in function words; for other languages (no word
    list to go by) a long line with sentence punctuation counts.
    """
    if size(line) < 10:
        return False
    closed = line.rstrip().endswith(_CLOSERS)
    if english:
        # A line that closes like a sentence needs fewer function words to count as one.
        threshold = _CLOSED_PROSE if closed else _OPEN_PROSE
        words = len(tokens(line))
        reads_like_text = words > 0 and _stop_words_in(line) / words >= threshold
    else:
        reads_like_text = bool(_SENTENCE_MARK.search(line))
    # The headline test last: it costs most, and only a line that passes the rest needs it.
    return reads_like_text and (closed or not is_headline_like(line))


def is_english(lines: list[str]) -> bool:
    """True when the page's longer lines are, taken together, rich in English function words."""
    longer = [line for line in lines if len(tokens(line)) >= 8]
    words = sum(len(tokens(line)) for line in longer)
    return words > 0 and sum(map(_stop_words_in, longer)) / words >= _ENGLISH_PAGE


# Cached: a page's longer lines are counted for the page's language, then again each for its
# own prose test.
@functools.lru_cache(maxsize=1 << 12)
def _stop_words_in(line: str) -> int:
    """The English stop words among the line's tokens."""
    return stopword_count(tokens(line))


def split_lines(text: str) -> list[str]:
    """The text's units, one a line, with hard-wrapped paragraphs joined back into one line.

    A block (lines between blank lines) is one wrapped paragraph when all its lines but the last
    have nearly the same length, as a fixed wrap width leaves them; otherwise each line is a unit.
    """
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(raw.split()) for raw in block.split("\n")]
        lines = [line for line in lines if line]
        if _is_wrapped(lines):
            units.append(re.sub(r"(?<=\w)- (?=[a-z])", "-", " ".join(lines)))
        else:
            units.extend(lines)
    return units


def _is_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    widths = [len(line) for line in lines[:-1]]
    return (
        min(widths) >= _WRAP_MIN
        and max(widths) <= _WRAP_MAX
        and max(widths) - min(widths) <= _WRAP_SPREAD
        and len(lines[-1]) <= max(widths) + 2
        # Wrapping breaks lines mid-sentence, so some line goes on in lower case; a list of
        # headlines of similar length does not.
        and any(line[0].islower() for line in lines[1:])
    )
