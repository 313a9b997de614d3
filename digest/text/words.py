"""Words as every stage counts and compares them: tokens, comparison keys, reader's words."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "WEB_ADDRESS",
    "final_mark",
    "first_words",
    "has_final_mark",
    "normalize",
    "run_at",
    "size",
    "tokens",
    "word_count",
    "words_of",
]

_TOKEN = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Words as sumy's Tokenizer keeps them: letters, with inner apostrophes, hyphens and dots (U.S.).
_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*")
# What may follow a sentence's final mark: closing quotes and brackets.
_CLOSERS = "\"'”’)]"
_SPACE_RUN = re.compile(r"\S+")
_RUN_END = re.compile(r"\S+$")
# A web or e-mail address, or the start of one.
WEB_ADDRESS = re.compile(r"https?://|\bwww\.|\S@\S")


# Cached: classifying a page asks for the same line's tokens several times over (its size,
# its key, whether it is prose, a date, boilerplate), and that was most of cleaning's time.
# Nearly every hit is within one page, so a small cache does (and `digest schedule`, which runs
# for months, keeps no more than a few MiB of it).
@functools.lru_cache(maxsize=1 << 12)
def tokens(line: str) -> tuple[str, ...]:
    """Lowercased `\\w+` tokens of a line."""
    return tuple(_TOKEN.findall(line.lower()))


def size(line: str) -> int:
    """How many words a line holds: its tokens, or for scripts written without spaces (Chinese,
    Japanese) one word per two such characters, whichever is more."""
    if line.isascii():  # no unspaced script: the common case, and a cheap test
        return len(tokens(line))
    return max(len(tokens(line)), len(_UNSPACED.findall(line)) // 2)


# Cached like `tokens`: cleaning compares the same line's key several times (repeated lines,
# the headline, the paragraphs' keys for the batch).
@functools.lru_cache(maxsize=1 << 12)
def normalize(line: str) -> str:
    """A comparison key: NFKC, lowercased, word characters separated by single spaces."""
    return " ".join(tokens(unicodedata.normalize("NFKC", line)))


def words_of(sentence: str) -> tuple[str, ...]:
    """The words of a sentence (letters only; numbers and punctuation dropped)."""
    return tuple(_WORD.findall(sentence))


def has_final_mark(text: str) -> bool:
    """Whether `text` ends as a finished sentence does: `.`, `!` or `?`, then closing quotes."""
    return final_mark(text) in (".", "!", "?")


def final_mark(text: str) -> str:
    """The last character of `text` before any closing quotes and brackets ('' if none)."""
    return text.rstrip(_CLOSERS)[-1:]


def run_at(text: str, index: int) -> str:
    """The run of non-space characters of `text` that holds the characters on both sides of
    `index` ('' when either is white space or missing)."""
    if not 0 < index < len(text) or text[index - 1].isspace() or text[index].isspace():
        return ""
    before = _RUN_END.search(text, 0, index)
    after = _SPACE_RUN.match(text, index)
    return text[before.start() if before else index : after.end() if after else index]


def word_count(text: str) -> int:
    """Words as a reader (and ROUGE's budget convention) counts them: whitespace-separated."""
    return len(text.split())


def first_words(text: str, count: int) -> str:
    """The verbatim prefix of `text` holding its first `count` whitespace-separated words."""
    end = 0
    for index, match in enumerate(_SPACE_RUN.finditer(text)):
        if index == count:
            break
        end = match.end()
    return text[:end]
