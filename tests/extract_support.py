"""Helpers shared by the treaty and reaction extractor tests (not a test module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import strategies as st

from bot.arabic.sentences import split_sentences
from bot.corpus_types import Article, ArticleMeta, Sentence
from bot.extract.quality import Score

#: article folders and the suffix of their gold files, tests/gold/<kind><suffix>.toml
_EXTRACTION_SETS = [
    ("seeds", ""),
    ("tests/articles/extraction", "_own"),
    ("tests/articles/extraction_heldout", "_heldout"),
    ("tests/articles/extraction_heldout2", "_heldout2"),
]


def gold_sets(kind: str) -> list[tuple[str, str]]:
    """(articles folder, gold file) pairs for ``kind`` ("treaty" or "reactions")."""
    return [(folder, f"tests/gold/{kind}{suffix}.toml") for folder, suffix in _EXTRACTION_SETS]


def score_report(s: Score) -> str:
    """What a failed precision/recall assertion shows."""
    return f"extra: {s.false_positives}\nmissed: {s.missed}"


def article(aid: str, *paragraphs: str) -> Article:
    """An article published 2025-03-01 whose sentences are split from ``paragraphs``.

    Each sentence keeps the index of the paragraph it came from, as the corpus loader does.
    """
    meta = ArticleMeta(
        id=aid,
        file=f"{aid}.txt",
        title=f"عنوان {aid}",
        source=None,
        url=None,
        published=dt.date(2025, 3, 1),
        published_precision="day",
        published_reason="test",
    )
    sentences = [
        (p, text)
        for p, para in enumerate(paragraphs)
        for text in (split_sentences(para) or [para])
        if text.strip()
    ]
    return Article(
        meta=meta,
        paragraphs=tuple(paragraphs),
        sentences=tuple(Sentence(i, p, t) for i, (p, t) in enumerate(sentences)),
    )


def paragraph_lists(
    fragments: Sequence[str], max_fragments: int
) -> st.SearchStrategy[list[list[str]]]:
    """One to five paragraphs of 1..``max_fragments`` fragments (to join with spaces)."""
    return st.lists(
        st.lists(st.sampled_from(fragments), min_size=1, max_size=max_fragments),
        min_size=1,
        max_size=5,
    )


def sentence_texts(a: Article) -> dict[int, str]:
    """Each sentence's text by its index, to check what extracted items cite."""
    return {s.index: s.text for s in a.sentences}
