"""Which lines of a scraped page are the article body.

Each line is classed in isolation (good prose, bad furniture, a break that ends an article, or
short and undecided). A comment thread after the article is cut off; the main run of prose is
the span with the highest score that crosses no break; short lines inside it inherit "good" when
prose lies on both sides of them (jusText's context step); a line ending in a colon keeps the
list it introduces; long prose elsewhere before the next break is kept as well. Repeats go last:
a line seen earlier, or a paragraph whose wording is contained in a longer one, is dropped.
docs/cleaning.md states the rules with their numbers.
"""

from __future__ import annotations

import enum
import itertools
from collections import Counter
from collections.abc import Sequence

from digest.clean._text import is_english, is_prose
from digest.text.dates import is_date_line
from digest.text.furniture import (
    is_boilerplate_line,
    is_byline,
    is_section_break,
    opens_comments,
)
from digest.text.words import normalize, size, tokens

__all__ = ["Kind", "body_indices", "classify", "drop_repeats"]


class Kind(enum.Enum):
    """What a line is, judged on its own."""

    BREAK = "break"
    GOOD = "good"
    SHORT = "short"
    BAD = "bad"


# Furniture inside the article ("READ MORE: …", "Loading...") does not decide its neighbours.
_DECIDED = frozenset({Kind.GOOD, Kind.BREAK})
# Score of a line toward the main-span search: prose adds its length, furniture subtracts.
_BAD_WEIGHT = -6.0
_SHORT_WEIGHT = -1.5
# Long paragraphs outweigh one-sentence teasers: a good line counts its tokens beyond this many.
_GOOD_OFFSET = 8.0
# Prose this many undecided or bad lines away from the main span still joins it.
_MAX_GAP = 3
# A good line outside the main span stays from this many words on.
_LONE_PROSE = 25
# A comment opener only ends the article once this many words of prose came before it (a
# "Comments" link in the menu above the article does not).
_PROSE_BEFORE_COMMENTS = 50
# A near-duplicate paragraph shares at least this share of its word pairs with a longer one.
_CONTAINED = 0.7
_MIN_DUP_TOKENS = 10
# A word pair found in more paragraphs than this ("of the") does not point to a near-repeat.
_COMMON_PAIR = 10
_MIN_SHARED = 3


def classify(lines: Sequence[str]) -> list[Kind]:
    """Each line's kind before context is taken into account."""
    counts = Counter(normalize(line) for line in lines)
    english = is_english(list(lines))
    kinds: list[Kind] = []
    for line in lines:
        toks = tokens(line)
        if is_section_break(line):
            kinds.append(Kind.BREAK)
        elif (
            is_boilerplate_line(line)
            or is_byline(line)
            or is_date_line(line)
            or not toks
            or _is_teaser(line)
        ):
            kinds.append(Kind.BAD)
        elif is_prose(line, english=english):
            kinds.append(Kind.GOOD)
        elif counts[normalize(line)] > 1 and len(toks) < 10:
            # The same short line twice on one page is navigation or a repeated headline.
            kinds.append(Kind.BAD)
        else:
            kinds.append(Kind.SHORT)
    return kinds


def _is_teaser(line: str) -> bool:
    """A link to another story, cut off with an ellipsis."""
    stripped = line.rstrip()
    return stripped.endswith(("...", "…")) and len(tokens(stripped)) < 30


def _weight(line: str, kind: Kind) -> float:
    if kind is Kind.GOOD:
        return float(size(line)) - _GOOD_OFFSET
    if kind is Kind.BAD:
        return _BAD_WEIGHT
    return _SHORT_WEIGHT


def _main_span(lines: Sequence[str], kinds: Sequence[Kind]) -> tuple[int, int]:
    """The [start, end) span of lines with the highest total weight (Kadane)."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind is Kind.BREAK:
            # Comments and lists of other stories end an article: no span runs across them.
            total, start = 0.0, i + 1
            continue
        if total <= 0:
            total, start = 0.0, i
        total += _weight(line, kind)
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def body_indices(lines: Sequence[str]) -> list[int]:
    """Indices of the lines that form the article body, in page order."""
    kinds = classify(lines)
    lines = lines[: _comments_start(lines, kinds)]
    kinds = kinds[: len(lines)]
    start, end = _extend(kinds, *_main_span(lines, kinds))
    keep: set[int] = set()
    for i in range(start, end):
        kind = kinds[i]
        if kind is Kind.GOOD or (kind is Kind.SHORT and _between_good(kinds, i, start, end)):
            keep.add(i)
    keep.update(_introduced_list(lines, kinds, start, end))
    # Long prose elsewhere on the page, short of the comments or related stories, is kept too:
    # a page may split its article around a large picture gallery or a promo block.
    stop = next((j for j in range(end, len(lines)) if kinds[j] is Kind.BREAK), len(lines))
    for i in [*range(start), *range(end, stop)]:
        if kinds[i] is Kind.GOOD and size(lines[i]) >= _LONE_PROSE:
            keep.add(i)
    return sorted(keep)


def _comments_start(lines: Sequence[str], kinds: Sequence[Kind]) -> int:
    """Where the comment thread begins: the first opener after some article prose, else the end.

    Comments can outweigh a short article, so everything from the opener on is left out.
    """
    prose = 0
    for i, line in enumerate(lines):
        if prose >= _PROSE_BEFORE_COMMENTS and opens_comments(line):
            return i
        if kinds[i] is Kind.GOOD:
            prose += size(line)
    return len(lines)


def _introduced_list(
    lines: Sequence[str], kinds: Sequence[Kind], start: int, end: int
) -> list[int]:
    """Short lines that a kept line ending in a colon introduces ("Tour dates:"), with it."""
    found: list[int] = []
    for i in range(start, min(end + 1, len(lines))):
        if not lines[i].rstrip().endswith(":") or kinds[i] not in (Kind.GOOD, Kind.SHORT):
            continue
        before = next((kinds[j] for j in range(i - 1, -1, -1) if kinds[j] in _DECIDED), None)
        if before is not Kind.GOOD and kinds[i] is not Kind.GOOD:
            continue
        run = list(itertools.takewhile(lambda j: kinds[j] is Kind.SHORT, range(i + 1, len(lines))))
        if run:
            found += [i, *run]
    return found


def _extend(kinds: Sequence[Kind], start: int, end: int) -> tuple[int, int]:
    """Grow the span over prose that lies close to it, never forward across a break.

    The highest-scoring span can stop at a dip (a caption, an inline promo); prose within a few
    lines of its edge belongs to the same article. Breaks end articles, so growing backward may
    pass one (a share bar above the text).
    """
    if start == end:
        return start, end
    gap = 0
    for j in range(end, len(kinds)):
        if kinds[j] is Kind.BREAK or gap > _MAX_GAP:
            break
        if kinds[j] is Kind.GOOD:
            end, gap = j + 1, 0
        else:
            gap += 1
    gap = 0
    for j in range(start - 1, -1, -1):
        if gap > _MAX_GAP:
            break
        if kinds[j] is Kind.GOOD:
            start, gap = j, 0
        else:
            gap += 1
    return start, end


def _between_good(kinds: Sequence[Kind], i: int, start: int, end: int) -> bool:
    """True when the nearest decided lines on both sides of line i are good prose."""
    before = next((kinds[j] for j in range(i - 1, start - 1, -1) if kinds[j] in _DECIDED), None)
    after = next((kinds[j] for j in range(i + 1, end) if kinds[j] in _DECIDED), None)
    return before is Kind.GOOD and after is Kind.GOOD


def drop_repeats(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs without exact repeats and without ones whose wording a longer one contains."""
    seen: set[str] = set()
    unique: list[str] = []
    for paragraph in paragraphs:
        key = normalize(paragraph)
        if key and key not in seen:
            seen.add(key)
            unique.append(paragraph)
    pairs = [_pairs(p) for p in unique]
    sizes = [len(tokens(p)) for p in unique]
    # A pair of one paragraph only points to no other; one found in many, to no near-repeat.
    # Counted first, so that only the few pairs in between get a list of their paragraphs.
    counts = Counter(itertools.chain.from_iterable(pairs))
    between = {pair for pair, n in counts.items() if 1 < n <= _COMMON_PAIR}
    telling: dict[tuple[str, str], list[int]] = {}
    for j, paragraph_pairs in enumerate(pairs):
        for pair in paragraph_pairs & between:
            telling.setdefault(pair, []).append(j)
    kept: list[str] = []
    for i, paragraph in enumerate(unique):
        if sizes[i] >= _MIN_DUP_TOKENS and any(
            (sizes[j], -j) > (sizes[i], -i) and _contained(pairs[i], pairs[j])
            for j in _sharing(pairs[i], telling)
        ):
            continue
        kept.append(paragraph)
    return kept


def _sharing(
    paragraph_pairs: set[tuple[str, str]], telling: dict[tuple[str, str], list[int]]
) -> list[int]:
    """Other paragraphs sharing a few of this one's rarer word pairs (maybe itself), in order.

    A near-repeat shares most of its pairs, rare ones included; looking only through pairs
    found in few paragraphs (`telling`: in more than one, at most `_COMMON_PAIR`) keeps long
    pages from costing a comparison of every pair.
    """
    rare = [telling[pair] for pair in telling.keys() & paragraph_pairs]
    if len(rare) < _MIN_SHARED:
        return []
    hits = Counter(itertools.chain.from_iterable(rare))
    return sorted(j for j, n in hits.items() if n >= _MIN_SHARED)


def _pairs(paragraph: str) -> set[tuple[str, str]]:
    toks = tokens(paragraph)
    return set(itertools.pairwise(toks))


def _contained(small: set[tuple[str, str]], large: set[tuple[str, str]]) -> bool:
    return bool(small) and len(small & large) / len(small) >= _CONTAINED
