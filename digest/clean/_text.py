"""Line-level text features of the cleaner: prose tests and hard-wrapped lines.

Words, stop words and furniture patterns come from `digest.text`, their one home.
"""

from __future__ import annotations

import re

from digest.text.language import stopword_density
from digest.text.words import size, tokens

__all__ = ["is_english", "is_headline_like", "is_prose", "split_lines"]

_CLOSERS = (".", "!", "?", '"', "”", "。", "！", "？")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_MARK = re.compile(r"[.!?。！？][\s\"”’)]|[.!?。！？]$|[、，]")

# Stop-word density (sumy's English list) that makes a line prose: a line closing like a
# sentence needs less; a page whose long lines reach _ENGLISH_PAGE is English. Measured on
# benchmarks/cleaning.py.
_CLOSED_PROSE, _OPEN_PROSE, _ENGLISH_PAGE = 0.15, 0.3, 0.2
# Hard-wrapped text: lines of 40 to 100 characters that differ by no more than 20.
_WRAP_MIN, _WRAP_MAX, _WRAP_SPREAD = 40, 100, 20


def is_headline_like(line: str) -> bool:
    """True for a Title Case line without closing punctuation, as in lists of other headlines."""
    words = [w for w in _WORD.findall(line) if len(w) > 3]
    if len(words) < 3:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.75


def is_prose(line: str, *, english: bool = True) -> bool:
    """True for a line that reads like running text.

    English text must be long enough and rich in function words; for other languages (no word
    list to go by) a long line with sentence punctuation counts.
    """
    toks = tokens(line)
    if size(line) < 10:
        return False
    if not line.rstrip().endswith(_CLOSERS) and is_headline_like(line):
        return False
    if english:
        # A line that closes like a sentence needs fewer function words to count as one.
        threshold = _CLOSED_PROSE if line.rstrip().endswith(_CLOSERS) else _OPEN_PROSE
        return stopword_density(toks) >= threshold
    return bool(_SENTENCE_MARK.search(line))


def is_english(lines: list[str]) -> bool:
    """True when the page's longer lines are, taken together, rich in English function words."""
    per_line = (tokens(line) for line in lines)
    toks = [t for line_tokens in per_line if len(line_tokens) >= 8 for t in line_tokens]
    return stopword_density(toks) >= _ENGLISH_PAGE


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
