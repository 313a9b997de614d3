"""Name-like tokens of articles: the evidence that coverage weeks apart is one story."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from digest.model import Article

__all__ = [
    "article_names",
    "core_names_named",
    "core_shares_named",
    "name_ids",
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
    common = _core(left) & _core(right)
    return sum(1 for name in common if df[name] <= rare)


def core_names_named(
    left: Sequence[frozenset[int]], right: Sequence[frozenset[int]], df: Sequence[int], rare: float
) -> float:
    """How much of what one group agrees on the other group names: the larger of the two
    sides' shares (`core_shares_named`), and 1.0 when a side agrees on no rare name (no
    evidence)."""
    shares = core_shares_named(left, right, df, rare)
    return 1.0 if shares is None else max(shares)


def core_shares_named(
    left: Sequence[frozenset[int]], right: Sequence[frozenset[int]], df: Sequence[int], rare: float
) -> tuple[float, float] | None:
    """Of the rare names (in at most `rare` articles of the batch) that each side's articles
    agree on (`rare_core`), the share that any article of the other side names: left's core
    named by right, right's by left. None when a side agrees on no rare name."""
    shares = []
    for own, other in ((left, right), (right, left)):
        core = rare_core(own, df, rare)
        if not core:
            return None
        named = frozenset().union(*other)
        shares.append(len(core & named) / len(core))
    return shares[0], shares[1]


def rare_core(rows: Sequence[frozenset[int]], df: Sequence[int], rare: float) -> set[int]:
    """The rare names a group agrees on: each in at least half and at least two of its rows,
    and in at most `rare` articles of the batch."""
    return {name for name in _core(rows, least=2) if df[name] <= rare}


def _core(rows: Sequence[frozenset[int]], *, least: int = 1) -> set[int]:
    """Names in at least half the rows, and in at least `least` of them."""
    counts = Counter(name for row in rows for name in row)
    return {name for name, count in counts.items() if 2 * count >= len(rows) and count >= least}
