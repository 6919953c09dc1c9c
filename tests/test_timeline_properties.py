"""Invariants of the timeline over any subset and order of the seed articles."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corpus import load_corpus
from bot.corpus_types import Article
from bot.extract.timeline import extract_timeline

ROOT = Path(__file__).resolve().parent.parent
_FORMAT = {"day": r"\d{4}-\d\d-\d\d", "month": r"\d{4}-\d\d", "year": r"\d{4}"}


@cache
def _seeds() -> tuple[Article, ...]:
    return load_corpus(ROOT / "seeds")


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(5)), st.integers(1, 5))
def test_any_subset_in_any_order(order: list[int], size: int) -> None:
    articles = [_seeds()[i] for i in order[:size]]
    items = extract_timeline(articles)
    assert items == extract_timeline(sorted(articles, key=lambda a: a.id))
    by_id = {a.id: a for a in articles}
    # ISO prefixes sort coarse before fine ("2024" < "2024-06" < "2024-06-19"), as items do
    assert [e.date for e in items] == sorted(e.date for e in items)
    for e in items:
        assert re.fullmatch(_FORMAT[e.granularity], e.date)
        assert e.end is None or (re.fullmatch(_FORMAT[e.granularity], e.end) and e.end > e.date)
        cited = [(s.article_id, s.sentence_index) for s in e.sources]
        assert len(cited) == len(set(cited)) and cited == sorted(cited)
        for s in e.sources:
            assert by_id[s.article_id].sentences[s.sentence_index].text == s.text
        assert any(e.text in s.text for s in e.sources)
        how = e.resolution
        assert how.kind == "absolute" or (how.value and (how.phrase or how.kind == "undated"))
