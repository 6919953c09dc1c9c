"""Scoring the timeline against a hand-annotated gold file (tests/gold/timeline.toml).

Shared by tests/test_timeline_quality.py and bench/evaluate_extraction.py so the number
the test asserts is the number the bench prints. Gold evidence names sentences by a
verbatim piece of their text, so the gold survives changes in sentence numbering. The
precision/recall arithmetic and sentence lookup are bot/extract/quality.py's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.corpus_types import Article
from bot.extract.quality import Counts, cited, first_sentence
from bot.model import TimelineEvent


@dataclass(frozen=True, slots=True)
class GoldEvent:
    what: str
    date: str
    granularity: str
    end: str | None
    evidence: frozenset[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Score(Counts):
    """Precision/recall of items that have the gold date and cite a gold sentence."""

    #: matches on evidence alone (any date): tells event misses from date errors apart
    matched_any_date: int
    #: share of gold evidence sentences that the matched items cite (merging quality)
    source_recall: float
    false_positives: tuple[TimelineEvent, ...]
    missed: tuple[GoldEvent, ...]


def load_gold(path: Path, articles: Sequence[Article]) -> list[GoldEvent]:
    """Read the gold file, resolving each evidence piece to its (article, sentence index).

    Raises ValueError when a piece is in no sentence, so stale gold fails loudly.
    """
    by_id = {a.id: a for a in articles}
    out: list[GoldEvent] = []
    for ev in tomllib.loads(path.read_text("utf-8"))["event"]:
        refs: set[tuple[str, int]] = set()
        for article_id, piece in ev["evidence"]:
            index = first_sentence(by_id[article_id], piece)
            if index is None:
                raise ValueError(f"gold evidence not found in {article_id}: {piece!r}")
            refs.add((article_id, index))
        out.append(
            GoldEvent(
                what=ev["what"],
                date=ev["date"],
                granularity=ev["granularity"],
                end=ev.get("end"),
                evidence=frozenset(refs),
            )
        )
    return out


def _match(
    items: Sequence[TimelineEvent], gold: Sequence[GoldEvent], *, with_date: bool
) -> list[tuple[int, int]]:
    """One-to-one pairs (item, gold), largest evidence overlap first."""
    pairs = []
    for i, item in enumerate(items):
        for j, g in enumerate(gold):
            if with_date and (item.date, item.granularity, item.end) != (
                g.date,
                g.granularity,
                g.end,
            ):
                continue
            shared = len(cited(item.sources) & g.evidence)
            if shared:
                pairs.append((-shared, i, j))
    used_i: set[int] = set()
    used_j: set[int] = set()
    out = []
    for _, i, j in sorted(pairs):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((i, j))
    return out


def score(items: Sequence[TimelineEvent], gold: Sequence[GoldEvent]) -> Score:
    """Score ``items`` against ``gold``; each item and each gold event is used once."""
    pairs = _match(items, gold, with_date=True)
    any_date = _match(items, gold, with_date=False)
    found = sum(len(cited(items[i].sources) & gold[j].evidence) for i, j in pairs)
    total = sum(len(gold[j].evidence) for _, j in pairs)
    hit_i = {i for i, _ in pairs}
    hit_j = {j for _, j in pairs}
    return Score(
        matched=len(pairs),
        predicted=len(items),
        gold=len(gold),
        matched_any_date=len(any_date),
        source_recall=found / total if total else 1.0,
        false_positives=tuple(it for i, it in enumerate(items) if i not in hit_i),
        missed=tuple(g for j, g in enumerate(gold) if j not in hit_j),
    )
