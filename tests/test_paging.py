"""The one paging rule: clamped pages, at least one, the right slice."""

from __future__ import annotations

import pytest

from bot.telegram.paging import page_of


@pytest.mark.parametrize(
    ("total", "wanted", "index", "count", "items"),
    [
        (0, 0, 0, 1, []),
        (5, 0, 0, 1, [0, 1, 2, 3, 4]),
        (6, 1, 1, 2, [5]),
        (6, 9, 1, 2, [5]),  # past the end: the last page
        (6, -3, 0, 2, [0, 1, 2, 3, 4]),  # before the start: the first page
        (10, 1, 1, 2, [5, 6, 7, 8, 9]),
    ],
)
def test_pages_are_clamped_and_sliced(
    total: int, wanted: int, index: int, count: int, items: list[int]
) -> None:
    page = page_of(total, 5, wanted)
    assert (page.index, page.count) == (index, count)
    assert list(page.of(list(range(total)))) == items
