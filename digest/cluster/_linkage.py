"""Average-link agglomerative clustering over candidate edges only."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from digest.cluster._vectors import Edges

__all__ = ["FarEvidence", "GroupTest", "average_link"]

# A yes/no question about two groups (their row indices).
GroupTest = Callable[[Sequence[int], Sequence[int]], bool]
# Whether two groups far apart in time are still one story.
FarEvidence = GroupTest


def average_link(
    edges: Edges,
    days: npt.NDArray[np.float64],
    *,
    threshold: float,
    max_gap_days: int,
    far_threshold: float = float("inf"),
    far_evidence: FarEvidence | None = None,
    apart: GroupTest | None = None,
    pair_threshold: float = 0.0,
    pair_evidence: GroupTest | None = None,
    close_threshold: float = 0.0,
    close_evidence: GroupTest | None = None,
) -> list[list[int]]:
    """Merge the most similar pair of clusters while their average similarity ≥ `threshold`.

    A pair of articles that is not a candidate edge counts as similarity 0, so a chain of
    weak links never adds up to one story. Two clusters whose known days lie more than
    `max_gap_days` apart merge only when their average similarity is at least
    `far_threshold` and `far_evidence` accepts them (never, by default). Two clusters for which
    `apart` is true are never merged, however similar. Two lone articles whose similarity is
    below `pair_threshold` merge only when `pair_evidence` accepts them; two clusters at least
    one of which holds several articles, whose similarity is below `close_threshold`, only
    when `close_evidence` accepts them. Returns the groups of row indices, each sorted.
    """
    agglomeration = _Agglomeration(edges, days, max_gap_days)
    below = _EvidenceBelow(
        pair=_Evidence(pair_threshold, pair_evidence) if pair_evidence else None,
        close=_Evidence(close_threshold, close_evidence) if close_evidence else None,
    )
    return agglomeration.run(threshold, far_threshold, far_evidence, apart, below)


class _Evidence(NamedTuple):
    """Evidence two clusters need to merge when their similarity is below `threshold`."""

    threshold: float
    evidence: GroupTest


class _EvidenceBelow(NamedTuple):
    """The evidence asked of two lone articles (`pair`) and of merges that involve a cluster
    of several articles (`close`), each below its own threshold."""

    pair: _Evidence | None
    close: _Evidence | None

    def accepts(self, left: Sequence[int], right: Sequence[int], score: float) -> bool:
        test = self.pair if len(left) == 1 and len(right) == 1 else self.close
        return test is None or score >= test.threshold or test.evidence(left, right)


class _Agglomeration:
    def __init__(self, edges: Edges, days: npt.NDArray[np.float64], max_gap_days: int) -> None:
        n = len(days)
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        # links[a][b]: summed similarity of the candidate pairs between clusters a and b.
        self.links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
        self.first = [float(d) for d in days]
        self.last = list(self.first)
        self.version = [0] * n
        self.max_gap_days = max_gap_days
        self.heap: list[tuple[float, int, int, int, int]] = []
        for a, b, s in zip(
            edges.low.tolist(), edges.high.tolist(), edges.weight.tolist(), strict=True
        ):
            self.links[a][b] = s
            self.links[b][a] = s
            self.heap.append((-s, a, b, 0, 0))
        heapq.heapify(self.heap)

    def run(
        self,
        threshold: float,
        far_threshold: float,
        far_evidence: FarEvidence | None,
        apart: GroupTest | None,
        below: _EvidenceBelow,
    ) -> list[list[int]]:
        while self.heap:
            negative, a, b, version_a, version_b = heapq.heappop(self.heap)
            if -negative < threshold:
                break  # the heap is seeded with every candidate edge, weak ones too
            if self.version[a] != version_a or self.version[b] != version_b:
                continue  # stale: one side has merged since this entry was pushed
            if a not in self.members or b not in self.members:
                continue
            if not self._close_in_time(a, b) and not (
                -negative >= far_threshold
                and far_evidence is not None
                and far_evidence(self.members[a], self.members[b])
            ):
                continue
            if not below.accepts(self.members[a], self.members[b], -negative):
                continue  # re-examined if either side grows and the pair is pushed again
            if apart is not None and apart(self.members[a], self.members[b]):
                continue  # re-examined if either side grows and the pair is pushed again
            if len(self.links[a]) < len(self.links[b]):
                a, b = b, a  # fold the cluster with fewer neighbours into the other
            self._merge(a, b)
            self._push_neighbours(a, threshold)
        return sorted((sorted(group) for group in self.members.values()), key=lambda g: g[0])

    def _close_in_time(self, a: int, b: int) -> bool:
        """False when the days of a and b are known and lie more than max_gap_days apart.

        The gap is between the two date ranges, not the span of their union: a story that is
        covered day after day may run longer than max_gap_days, but coverage that resumes
        weeks later is a new event unless the far-apart evidence says otherwise.
        """
        gap = max(self.first[b] - self.last[a], self.first[a] - self.last[b])
        # No known day on a side makes both differences NaN and the comparison False: no
        # objection.
        return not gap > self.max_gap_days

    def _merge(self, a: int, b: int) -> None:
        """Fold cluster b into a, adding up their links to every neighbour."""
        self.members[a].extend(self.members.pop(b))
        self.links[a].pop(b, None)
        for c, total in self.links.pop(b).items():
            if c == a:
                continue
            self.links[a][c] = self.links[a].get(c, 0.0) + total
            del self.links[c][b]
            self.links[c][a] = self.links[a][c]
        self.first[a] = float(np.fmin(self.first[a], self.first[b]))
        self.last[a] = float(np.fmax(self.last[a], self.last[b]))
        self.version[a] += 1
        self.version[b] += 1

    def _push_neighbours(self, a: int, threshold: float) -> None:
        size = len(self.members[a])
        for c, total in self.links[a].items():
            score = total / (size * len(self.members[c]))
            if score >= threshold:
                low, high = (a, c) if a < c else (c, a)
                entry = (-score, low, high, self.version[low], self.version[high])
                heapq.heappush(self.heap, entry)
