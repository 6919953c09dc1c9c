"""Paging: which slice of a list one screen shows, with the page clamped into range.

Every paged screen (timeline, reactions, the article menu, search hits) and its keyboard
agree on the page count because they ask this one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """Page ``index`` (0-based, clamped) of ``count`` pages (at least 1)."""

    index: int
    count: int
    start: int  # index of the page's first item
    stop: int  # one past its last item

    def of(self, items: Sequence[T]) -> Sequence[T]:
        """The page's items."""
        return items[self.start : self.stop]


def page_of(total: int, size: int, wanted: int) -> Page:
    """The page ``wanted`` of ``total`` items ``size`` to a page, clamped into range."""
    count = max(1, -(-total // size))
    index = min(max(wanted, 0), count - 1)
    return Page(index, count, index * size, min(total, (index + 1) * size))
