"""Timeline of dated events across the dossier (DESIGN.md §2): one item per event, citing every article."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cache.schema import TimelineEvent
from bot.corpus_types import Article


def extract_timeline(articles: Sequence[Article]) -> list[TimelineEvent]:
    """Return dated events sorted by date, events reported by several articles merged."""
    del articles
    return []
