"""Finding the earlier word sets that may share most of a new one's words, without a scan.

Why: the reactions merge groups a speaker's statements whose quotations share ≥ 70 % of
the shorter one's words, comparing each statement with every earlier group head of the
same speaker; a speaker quoted across a large dossier made that quadratic. Prefix
filtering answers it exactly: order all words from rarest to most common; if two sets
share at least ``α`` words, the smaller set's first ``|s| − α + 1`` words (its rarest)
include one of the larger set's words. So each head is indexed by all its words (for
probes no larger than it) and by its prefix (for larger probes), and a probe looks up only
its own prefix in the first index and its words in the second. The candidates are a
superset of the matches; the caller still applies its exact test, in insertion order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


def least_overlap(size: int, ratio: float) -> int:
    """A lower bound (≥ 1) of the shared words that ``shared / size >= ratio`` needs."""
    return max(1, math.floor(ratio * size))


@dataclass(slots=True)
class OverlapIndex:
    """Word sets in insertion order, found by a probe that may share ``ratio`` of the
    smaller set's words (``rank`` orders words rarest first; ties by the word)."""

    ratio: float
    rank: Callable[[str], tuple[int, str]]
    _sizes: list[int] = field(default_factory=list)
    _all: dict[str, list[int]] = field(default_factory=dict)
    _prefix: dict[str, list[int]] = field(default_factory=dict)

    def _prefix_of(self, words: Iterable[str], size: int) -> list[str]:
        keep = size - least_overlap(size, self.ratio) + 1
        return sorted(words, key=self.rank)[:keep]

    def add(self, words: frozenset[str]) -> int:
        """Index ``words``; returns its position (0, 1, …). An empty set is never found."""
        position = len(self._sizes)
        self._sizes.append(len(words))
        if words:
            for w in words:
                self._all.setdefault(w, []).append(position)
            for w in self._prefix_of(words, len(words)):
                self._prefix.setdefault(w, []).append(position)
        return position

    def candidates(self, words: frozenset[str]) -> list[int]:
        """Positions of the sets that may overlap ``words`` enough, in insertion order."""
        if not words:
            return []
        size = len(words)
        found: set[int] = set()
        for w in self._prefix_of(words, size):
            found.update(p for p in self._all.get(w, ()) if self._sizes[p] >= size)
        for w in words:
            found.update(p for p in self._prefix.get(w, ()) if self._sizes[p] < size)
        return sorted(found)


__all__ = ["OverlapIndex", "least_overlap"]
