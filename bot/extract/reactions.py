"""Reactions: who said what, with role, party, stance and evidence."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cache.schema import Reaction
from bot.corpus_types import Article


def extract_reactions(articles: Sequence[Article]) -> list[Reaction]:
    """Return one reaction per (actor, statement), merged across articles, in a stable order."""
    del articles
    return []
