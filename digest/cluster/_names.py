"""Name-like tokens of articles, and the rare names groups of them agree on: the evidence that
coverage weeks apart is one story, and that two groups (or a group and an article) a little
alike report one event, not two of one topic."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from digest.model import Article

__all__ = [
    "article_names",
    "core_names_named",
    "name_ids",
    "names_in",
    "rare_core",
    "shared_rare_names",
]

# A capitalised word (or an all-capitals one: "SEACOM", "NATO") or a number of two digits or
# more, after the spaces before it. A word that opens a sentence is capitalised by grammar, not
# because it names something, so a match counts only when the spaces follow a word: not the
# paragraph's start, not a sentence mark, quotation mark or bracket (`_OPENERS`).
_NAME = re.compile(r"\s+([A-Z][\w’'-]*\w|\d[\d,]*\d)")
_OPENERS = frozenset(".!?:;\"“”‘’'([")


def article_names(article: Article) -> frozenset[str]:
    """The article's name-like tokens (casefolded): capitalised words that do not open a
    sentence, and numbers of two digits or more. The title is left out: it is in title case."""
    return frozenset(
        match[1].casefold()
        for paragraph in article.paragraphs
        for match in _NAME.finditer(paragraph)
        if match.start() > 0 and paragraph[match.start() - 1] not in _OPENERS
    )


def name_ids(articles: Sequence[Article]) -> tuple[list[frozenset[int]], list[int]]:
    """Each article's names as integer ids, and each id's document frequency."""
    ids: dict[str, int] = {}
    rows: list[frozenset[int]] = []
    for article in articles:
        rows.append(frozenset(ids.setdefault(n, len(ids)) for n in sorted(article_names(article))))
    df = Counter(i for row in rows for i in row)
    return rows, [df[i] for i in range(len(ids))]


def shared_rare_names(
    left: Sequence[frozenset[int]], right: Sequence[frozenset[int]], df: Sequence[int], rare: float
) -> int:
    """How many names are in at least half the articles of each side and in at most `rare`
    articles of the whole batch."""
    return len(rare_core(left, df, rare, least=1) & rare_core(right, df, rare, least=1))


def core_names_named(
    left: Sequence[frozenset[int]], right: Sequence[frozenset[int]], df: Sequence[int], rare: float
) -> float:
    """How much of what one group agrees on the other group names: of each side's core
    (`rare_core`), the share that any article of the other side names; the larger of the two
    sides' shares, and 1.0 when a side agrees on no rare name (no evidence)."""
    shares = []
    for own, other in ((left, right), (right, left)):
        core = rare_core(own, df, rare)
        if not core:
            return 1.0
        shares.append(len(core & names_in(other)) / len(core))
    return max(shares)


def rare_core(
    rows: Sequence[frozenset[int]], df: Sequence[int], rare: float, *, least: int = 2
) -> set[int]:
    """The rare names a group agrees on (its core): each in at least half and at least `least`
    of its rows, and in at most `rare` articles of the batch. A lone article has none at the
    default `least`: nothing corroborates its names."""
    return {name for name in _core(rows, least=least) if df[name] <= rare}


def names_in(rows: Sequence[frozenset[int]]) -> frozenset[int]:
    """Every name any of the rows names."""
    return frozenset().union(*rows)


def _core(rows: Sequence[frozenset[int]], *, least: int = 1) -> set[int]:
    """Names in at least half the rows, and in at least `least` of them."""
    counts = Counter(name for row in rows for name in row)
    return {name for name, count in counts.items() if 2 * count >= len(rows) and count >= least}
