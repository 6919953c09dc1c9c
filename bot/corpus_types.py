"""Typed shapes of the loaded corpus, shared by every pipeline stage.

Kept apart from :mod:`bot.corpus` (which does the I/O and cleaning) so extractors and
the digester depend only on these frozen value types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """One entry of ``seeds/articles.toml``."""

    id: str
    file: str
    title: str
    source: str | None
    url: str | None
    published: dt.date
    published_precision: Precision
    published_reason: str
    language: str = "ar"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A whole sentence as written; ``index`` is its 0-based position in the article body."""

    index: int
    paragraph: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """An article after boilerplate removal, split into paragraphs and sentences."""

    meta: ArticleMeta
    paragraphs: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    urls: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id
