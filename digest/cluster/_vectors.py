"""Sparse TF-IDF vectors, their nearest neighbours and candidate edges (never an n×n matrix)."""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize

from digest import parallel
from digest.model import Article
from digest.text.language import document_language, term_tokens, token_stop_words

__all__ = [
    "Edges",
    "TermSpace",
    "candidate_edges",
    "counts_meanwhile",
    "document",
    "project",
    "vectorize",
    "weigh",
]

# Candidate neighbours kept per article: articles of one event are each other's nearest
# neighbours, so a few dozen is plenty; it bounds the candidate edges at k·n.
CANDIDATES = 30
# The neighbourhood whose overlap weighs an edge (shared-nearest-neighbour similarity).
SHARED = 8
# An edge keeps this share of its cosine whatever its neighbourhoods; the rest scales with
# how many of the two articles' nearest neighbours they share.
SHARED_BASE = 0.2
# Cells of the similarity product computed at once (a dense block of rows × n, plus the
# partition's indices): about 64 MB, whatever n.
BLOCK_CELLS = 4_000_000
# Edges whose neighbourhood overlap is counted at once (EDGE_CHUNK × (SHARED+1)² booleans).
EDGE_CHUNK = 65536
HASH_FEATURES = 2**22
# A term found in one document only can match nothing, so it has no column; it still counts,
# with this share of its squared weight, in the length each row is divided by (see vectorize).
UNIQUE_SHARE = 0.25
# Documents from which tokenizing runs on every core.
PARALLEL_MIN = 2000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Edges(NamedTuple):
    """Candidate pairs (low < high), each with its weight."""

    low: IntArray
    high: IntArray
    weight: FloatArray


def document(article: Article) -> str:
    """The text an article is compared by: its title twice (it names the event in the
    fewest words), then the body."""
    title = article.title.strip()
    return f"{title}\n{title}\n{article.text}"


class TermSpace(NamedTuple):
    """The terms (hashed columns, sorted) of a set of documents and each one's weight."""

    terms: IntArray
    weights: npt.NDArray[np.float32]
    pairs: bool


def vectorize(
    docs: Sequence[str],
    *,
    min_df: int = 2,
    pairs: bool = True,
    sharpen: bool = False,
    max_terms: int | None = None,
) -> tuple[sparse.csr_matrix, TermSpace] | None:
    """L2-normalised sparse TF-IDF rows (sublinear tf, smooth idf) and their term space, or
    None when no document has a usable term.

    `pairs` adds word pairs; `sharpen` weighs each term by its idf once more, so the rare
    names and details that tell one event from another count for more than subject words.
    Terms in fewer than `min_df` documents are dropped (they can match nothing) but count,
    at UNIQUE_SHARE, in each row's length; with `max_terms` each row keeps only its heaviest
    terms. Texts are read without the stop words of their own language (`document_language`).
    """
    return weigh(
        _counts(docs, pairs=pairs), min_df=min_df, pairs=pairs, sharpen=sharpen, max_terms=max_terms
    )


def weigh(
    counts: sparse.csr_matrix,
    *,
    min_df: int = 2,
    pairs: bool = True,
    sharpen: bool = False,
    max_terms: int | None = None,
) -> tuple[sparse.csr_matrix, TermSpace] | None:
    """`vectorize`, given the documents' term counts (`counts_meanwhile`); `pairs` says
    whether they count word pairs."""
    n = counts.shape[0]
    terms, inverse, df = _distinct_terms(counts.indices)
    enough = df >= min(min_df, n)
    if not enough.any():
        return None
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    every_weight = idf * idf if sharpen else idf
    weights = every_weight[enough]
    # Columns renumbered to the kept terms only: the matrix is n × (terms in use), not
    # n × 2**22, which keeps every later product and transpose small.
    rank = np.cumsum(enough) - 1  # increasing in the hash, so each row stays sorted
    entry = enough[inverse]
    kept_per_row = np.add.reduceat(np.append(entry, False), counts.indptr[:-1])
    kept_per_row[np.diff(counts.indptr) == 0] = 0  # reduceat reads an empty row's neighbour
    indptr = np.concatenate(([0], np.cumsum(kept_per_row)))
    every_data = (1 + np.log(counts.data)) * every_weight[inverse]
    data = every_data[entry]
    matrix = sparse.csr_matrix(
        (data.astype(np.float32), rank[inverse[entry]], indptr), shape=(n, len(weights))
    )
    # Each row is divided by the length of the document's vector with its unmatched terms
    # (at UNIQUE_SHARE): two pages that share a few words of their subject and little else
    # (a Democratic debate preview and a candidate's campaign stop) come out less alike than
    # their shared terms alone would make them.
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    unmatched = np.bincount(
        rows, weights=np.where(entry, 0.0, every_data * every_data), minlength=n
    )
    if max_terms is not None:
        matrix = _heaviest(matrix, max_terms)
    kept = np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float64).ravel()
    length = np.sqrt(kept + UNIQUE_SHARE * unmatched)
    scale = np.divide(1.0, length, out=np.zeros_like(length), where=length > 0)
    space = TermSpace(terms[enough], weights.astype(np.float32), pairs)
    return sparse.csr_matrix(sparse.diags(scale.astype(np.float32)) @ matrix), space


def _distinct_terms(indices: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """`np.unique(indices, return_inverse=True, return_counts=True)`, by counting: the columns
    are hashes below HASH_FEATURES, and a count per possible column costs less than a sort."""
    df_per_column = np.bincount(indices, minlength=HASH_FEATURES)
    terms = np.flatnonzero(df_per_column)
    inverse = (np.cumsum(df_per_column > 0) - 1)[indices]
    return terms.astype(indices.dtype), inverse, df_per_column[terms]


def project(texts: Sequence[str], space: TermSpace) -> sparse.csr_matrix:
    """Texts as normalised rows in an existing term space; terms it lacks are dropped."""
    counts = _counts(texts, pairs=space.pairs)
    position = np.searchsorted(space.terms, counts.indices).clip(max=len(space.terms) - 1)
    known = space.terms[position] == counts.indices
    rows = np.repeat(np.arange(len(texts)), np.diff(counts.indptr))[known]
    data = (1 + np.log(counts.data[known])) * space.weights[position[known]]
    matrix = sparse.csr_matrix(
        (data, (rows, position[known])), shape=(len(texts), len(space.terms)), dtype=np.float32
    )
    return sparse.csr_matrix(normalize(matrix))


def _counts(docs: Sequence[str], *, pairs: bool) -> sparse.csr_matrix:
    """Hashed term counts, one row per document; a large batch tokenized on every core."""
    with counts_meanwhile(docs, pairs=pairs) as counts:
        return counts()


@contextlib.contextmanager
def counts_meanwhile(
    docs: Sequence[str], *, pairs: bool
) -> Iterator[Callable[[], sparse.csr_matrix]]:
    """The documents' term counts for `weigh`, a large batch counted on the other processes
    while this one goes on: inside the block, the call it gives waits for them."""
    with parallel.batches_meanwhile(
        functools.partial(_hashed_counts, pairs=pairs), docs, minimum=PARALLEL_MIN
    ) as parts:
        yield lambda: _stacked(parts())


def _stacked(parts: Sequence[sparse.csr_matrix]) -> sparse.csr_matrix:
    """The batches' counts as one matrix, each row's columns in order."""
    counts = sparse.csr_matrix(parts[0] if len(parts) == 1 else sparse.vstack(parts))
    counts.sort_indices()
    return counts


def _hashed_counts(docs: Sequence[str], *, pairs: bool) -> sparse.csr_matrix:
    """Term counts, each document without the stop words of its own language.

    Among English pages, two Portuguese ones share "que", "para" and "uma", each rare in the
    batch and so weighed like the names of one event; without them, what is left to compare
    is what the pages are about.
    """
    by_language: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_language[document_language(doc)].append(i)
    parts, order = [], []
    for language, rows in sorted(by_language.items()):
        stop_words = frozenset(token_stop_words(language))
        terms = (_terms(docs[i], stop_words, pairs=pairs) for i in rows)
        parts.append(_HASHER.transform(terms))
        order.extend(rows)
    counts = sparse.csr_matrix(sparse.vstack(parts) if len(parts) > 1 else parts[0])
    if len(parts) == 1:
        return counts
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return sparse.csr_matrix(counts[position])


# Hashed terms instead of a vocabulary: building and pruning a dictionary of millions of word
# pairs costs more than all the rest of clustering; collisions at 2**22 are rare. Stateless, so
# batches of documents hash alike in any process. Each document's terms are counted first (the
# counts are what scikit-learn's HashingVectorizer sums, one term at a time, to the same
# matrix): hashing each distinct term once halves the cost.
_HASHER = FeatureHasher(
    n_features=HASH_FEATURES, input_type="dict", alternate_sign=False, dtype=np.float32
)


def _terms(doc: str, stop_words: frozenset[str], *, pairs: bool) -> Counter[str]:
    """How often the document holds each term: its words less stop words, and with `pairs`
    each two neighbours among those ("white house"), as HashingVectorizer's ngram_range=(1, 2)."""
    words = [w for w in term_tokens(doc) if w not in stop_words]
    terms = Counter(words)
    if pairs:
        terms.update(map(" ".join, itertools.pairwise(words)))
    return terms


def _heaviest(matrix: sparse.csr_matrix, limit: int) -> sparse.csr_matrix:
    """Keep each row's `limit` largest entries."""
    lengths = np.diff(matrix.indptr)
    if lengths.max(initial=0) <= limit:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    # One sort by row, then by weight descending (weights are below 2**20 after idf²).
    order = np.argsort(rows * 2.0**21 - matrix.data, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - matrix.indptr[rows[order]]
    matrix.data[rank >= limit] = 0
    matrix.eliminate_zeros()
    return matrix


def candidate_edges(
    vectors: sparse.csr_matrix, days: FloatArray, *, floor: float, max_gap_days: int
) -> Edges:
    """Each article's nearest neighbours as weighted edges of weight ≥ `floor`.

    The weight is the cosine scaled by the share of nearest neighbours the two articles have
    in common: two reports of one event sit in the same crowd, two events of one subject
    each in their own. A pair whose known days lie more than `max_gap_days` apart is no
    candidate.
    """
    n = vectors.shape[0]
    k = min(CANDIDATES, n - 1)
    shared = min(SHARED, k)
    transposed = vectors.T.tocsr()
    block_rows = min(max(BLOCK_CELLS // n, 16), 1024)

    def nearest(start: int) -> tuple[IntArray, IntArray, FloatArray]:
        """Rows start… of the block: their k nearest neighbours, best first, and similarities."""
        stop = min(start + block_rows, n)
        block = (vectors[start:stop] @ transposed).toarray()
        local = np.arange(stop - start)
        block[local, local + start] = -1.0  # an article is not its own neighbour
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        sims = np.take_along_axis(block, top, axis=1)
        # Best first, ties by index: the neighbourhood does not depend on partition order.
        order = np.lexsort((top, -sims), axis=1)
        top, sims = np.take_along_axis(top, order, 1), np.take_along_axis(sims, order, 1)
        return np.arange(start, stop, dtype=np.int64), top, sims

    rows_parts, cols_parts, sims_parts = [], [], []
    neighbours = np.empty((n, shared + 1), dtype=np.int64)
    # The blocks' products and sorts are numpy and scipy kernels: threads run them side by side.
    for ids, top, sims in parallel.map_in_threads(nearest, range(0, n, block_rows)):
        start, stop = int(ids[0]), int(ids[-1]) + 1
        neighbours[start:stop, 0] = ids
        neighbours[start:stop, 1:] = top[:, :shared]
        rows = np.repeat(ids, k)
        cols, flat = top.ravel().astype(np.int64), sims.ravel().astype(np.float64)
        # A NaN gap (a day unknown) compares False: no objection.
        keep = (flat >= floor) & ~(np.abs(days[rows] - days[cols]) > max_gap_days)
        rows_parts.append(rows[keep])
        cols_parts.append(cols[keep])
        sims_parts.append(flat[keep])
    rows, cols = np.concatenate(rows_parts), np.concatenate(cols_parts)
    sims = np.concatenate(sims_parts)
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    # Symmetric union: a pair found from either end is kept once, in a stable order.
    _, first = np.unique(low * n + high, return_index=True)
    low, high, sims = low[first], high[first], sims[first]
    weight = sims * (SHARED_BASE + (1 - SHARED_BASE) * _overlap(neighbours, low, high))
    keep = weight >= floor
    return Edges(low[keep], high[keep], weight[keep])


def _overlap(neighbours: IntArray, low: IntArray, high: IntArray) -> FloatArray:
    """For each pair, the share of their neighbourhoods (each with itself) they have in common."""
    out = np.empty(len(low), dtype=np.float64)
    for start in range(0, len(low), EDGE_CHUNK):
        a = neighbours[low[start : start + EDGE_CHUNK]]
        b = neighbours[high[start : start + EDGE_CHUNK]]
        common = (a[:, :, None] == b[:, None, :]).sum(axis=(1, 2))
        out[start : start + EDGE_CHUNK] = common / neighbours.shape[1]
    return out
