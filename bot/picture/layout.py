"""Which rows the timeline picture has: a pure plan from the events, bounded in height.

The axis is not linear in time. It is a list of rows, top (oldest) to bottom:

* a *year* row (a pill on the axis) where a new year starts;
* an *event* row per event (date, number of source articles, the event as written);
* a *summary* row standing for several neighbouring events ("1991–2001 · 3 events");
* a *gap* row where at least :data:`MIN_GAP_YEARS` years passed without events — so
  empty decades cost one thin row, not their length.

The plan starts with every event open and, while the rows are taller than ``budget``
inches, merges the two neighbouring groups whose merge costs least: the merged group's
density (events per day of the time it spans) times its size. So quiet eras fold first
(«2001–2019 · 3 events»), a fold does not snowball into one row for half a century while
smaller folds are available, and the busiest months stay opened up, one row per event,
longest. Each row is a fixed-height band, so labels cannot overlap vertically, and the
height is bounded whatever the dossier's size. Telegram keeps photos at most 2560 px on
the long side, so the default budget keeps the picture within that at 1080 px wide
(nothing is downscaled).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from bot.model import TimelineEvent

RowKind = Literal["year", "gap", "event", "summary"]

#: row heights in inches (the drawing uses the same numbers)
ROW_IN: dict[RowKind, float] = {"year": 0.38, "gap": 0.3, "event": 0.7, "summary": 0.7}
#: title block and footer, inches
TITLE_IN = 0.95
FOOTER_IN = 0.55
DPI = 144
MAX_HEIGHT_PX = 2560  # Telegram's largest stored photo side
#: inches available to rows
DEFAULT_BUDGET = MAX_HEIGHT_PX / DPI - TITLE_IN - FOOTER_IN
#: a run of at least this many empty years becomes a gap row
MIN_GAP_YEARS = 2
#: beyond this many events, events of one month start as one group (keeps planning fast)
PREGROUP_OVER = 240


@dataclass(frozen=True)
class Row:
    """One horizontal band of the picture."""

    kind: RowKind
    year: int  # first year the row belongs to
    events: tuple[TimelineEvent, ...] = ()  # one for "event", several for "summary"
    span: tuple[int, int] | None = None  # first and last year (year, gap, summary rows)

    @property
    def sources(self) -> int:
        """Distinct source articles behind the row's events."""
        return len({ev.article_id for e in self.events for ev in e.sources})

    @property
    def month(self) -> int | None:
        """The month a summary row stands for, when all its events share one."""
        keys = {(_year(e), _month(e)) for e in self.events}
        if len(keys) != 1:
            return None
        return next(iter(keys))[1] or None


def _year(event: TimelineEvent) -> int:
    return int(event.date[:4])


def _month(event: TimelineEvent) -> int:
    """The event's month; 0 when only its year is known."""
    parts = event.date.split("-")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _days(event: TimelineEvent) -> tuple[int, int]:
    """First and last day (ordinal) of the period the event's date covers."""
    parts = [int(p) for p in event.date.split("-") if p.isdigit()]
    y = parts[0]
    if len(parts) >= 3:
        start = end = date(y, parts[1], min(parts[2], 28)).toordinal()
    elif len(parts) == 2:
        start = date(y, parts[1], 1).toordinal()
        end = start + 29
    else:
        start, end = date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()
    if event.end and event.end[:4].isdigit():
        end = max(end, date(min(int(event.end[:4]), y + 100), 12, 31).toordinal())
    return start, end


@dataclass
class _Group:
    events: list[TimelineEvent]
    first_day: int
    last_day: int
    first_year: int
    last_year: int

    @classmethod
    def of(cls, events: list[TimelineEvent]) -> _Group:
        spans = [_days(e) for e in events]
        years = [_year(e) for e in events]
        return cls(
            events, min(s for s, _ in spans), max(e for _, e in spans), min(years), max(years)
        )

    def merged(self, other: _Group) -> _Group:
        return _Group(
            self.events + other.events,
            min(self.first_day, other.first_day),
            max(self.last_day, other.last_day),
            min(self.first_year, other.first_year),
            max(self.last_year, other.last_year),
        )


def _merge_cost(groups: Sequence[_Group], i: int) -> tuple[float, int]:
    """What merging groups ``i`` and ``i + 1`` costs the reader: the merged group's density
    (events per day of the time it spans) times its size — sparse eras fold first, and a
    fold does not snowball into one huge row while smaller folds are available."""
    a, b = groups[i], groups[i + 1]
    days = max(a.last_day, b.last_day) - min(a.first_day, b.first_day) + 1
    size = len(a.events) + len(b.events)
    return size * size / max(1, days), i


def _rows(groups: Sequence[_Group]) -> list[Row]:
    rows: list[Row] = []
    last_year: int | None = None
    for g in groups:
        if last_year is not None and g.first_year - last_year - 1 >= MIN_GAP_YEARS:
            rows.append(Row("gap", last_year + 1, span=(last_year + 1, g.first_year - 1)))
        if last_year is None or g.first_year > last_year:
            rows.append(Row("year", g.first_year, span=(g.first_year, g.last_year)))
        if len(g.events) == 1:
            rows.append(Row("event", g.first_year, (g.events[0],)))
        else:
            rows.append(
                Row("summary", g.first_year, tuple(g.events), span=(g.first_year, g.last_year))
            )
        last_year = g.last_year if last_year is None else max(last_year, g.last_year)
    return rows


def height(rows: Sequence[Row]) -> float:
    """The rows' total height in inches."""
    return sum(ROW_IN[r.kind] for r in rows)


def plan_rows(
    events: Sequence[TimelineEvent],
    order_key: Callable[[TimelineEvent], Any],
    budget: float = DEFAULT_BUDGET,
) -> list[Row]:
    """The rows for ``events`` (any order; sorted with ``order_key``), oldest first."""
    dated = sorted((e for e in events if e.date[:4].isdigit()), key=order_key)
    if not dated:
        return []
    if len(dated) > PREGROUP_OVER:
        by_month: dict[tuple[int, int], list[TimelineEvent]] = {}
        for e in dated:
            by_month.setdefault((_year(e), _month(e)), []).append(e)
        groups = [_Group.of(g) for g in by_month.values()]
    else:
        groups = [_Group.of([e]) for e in dated]
    rows = _rows(groups)
    while height(rows) > budget and len(groups) > 1:
        best = min(range(len(groups) - 1), key=lambda i: _merge_cost(groups, i))
        groups[best : best + 2] = [groups[best].merged(groups[best + 1])]
        rows = _rows(groups)
    return rows
