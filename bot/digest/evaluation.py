"""Scoring digests against the hand-made gold set (tests/gold/digests.toml).

ROUGE-1/2/L F1 come from the ``rouge-score`` library with an Arabic tokenizer (its
default keeps only ``[a-z0-9]``, so Arabic would score zero); sentence-overlap recall
is the share of gold sentences the digest contains. ``rouge-score`` is a test/dev
dependency, imported lazily so the bot never needs it.
"""

from __future__ import annotations

import statistics
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.arabic.normalize import normalize
from bot.arabic.tokens import words
from bot.corpus_types import Article
from bot.digest.digest import DEFAULT_ALGORITHM, digest_article
from bot.digest.subject import Subject

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


class ArabicRougeTokenizer:
    """rouge-score tokenizer protocol: normalised Arabic (and Latin/digit) word tokens."""

    def tokenize(self, text: str) -> list[str]:
        return [normalize(w) for w in words(text)]


def _squash(text: str) -> str:
    return " ".join(words(normalize(text)))


def load_gold(path: Path) -> dict[str, list[str]]:
    """Seed file name → gold sentences as written."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {entry["file"]: list(entry["sentences"]) for entry in data["article"]}


def gold_indices(article: Article, gold: Sequence[str]) -> list[frozenset[int]]:
    """For each gold sentence, the article sentences that carry it.

    Matching is containment of normalised text in either direction, so a splitter that
    cuts a gold sentence in two (or keeps a heading glued to it) still matches.
    """
    squashed = [(s.index, _squash(s.text)) for s in article.sentences]
    groups = []
    for sentence in gold:
        key = _squash(sentence)
        groups.append(frozenset(i for i, t in squashed if t and (t in key or key in t)))
    return groups


def overlap_recall(selected: Sequence[int], groups: Sequence[frozenset[int]]) -> float:
    """Share of gold sentences of which the digest contains at least one carrying sentence."""
    if not groups:
        return 0.0
    chosen = set(selected)
    return sum(1 for g in groups if g & chosen) / len(groups)


def rouge_f1(reference: str, candidate: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 of ``candidate`` against ``reference`` with the Arabic tokenizer."""
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(list(ROUGE_TYPES), tokenizer=ArabicRougeTokenizer())
    scores = scorer.score(reference, candidate)
    return {name: float(scores[name].fmeasure) for name in ROUGE_TYPES}


@dataclass(frozen=True, slots=True)
class Summary:
    """What a system produced for one article: sentence indices (when known) and text."""

    indices: tuple[int, ...]
    sentences: tuple[str, ...]


System = Callable[[Article], Summary]


def ours(algorithm: str, subject: Subject | None = None, **options: int) -> System:
    """A system running :func:`digest_article` with ``algorithm`` (and the dossier's
    ``subject``, which only the fused rankers weigh)."""

    def run(article: Article) -> Summary:
        choice = digest_article(article, algorithm, subject=subject, **options)
        return Summary(choice.indices, choice.sentences)

    return run


def stock_sumy(count: int = 4) -> System:
    """sumy exactly as it comes: its Arabic tokenizer, stemmer and stop words, LexRank.

    It reads the cleaned article text (paragraphs), so only the tokenizer differs. Its
    fragments are mapped back to the article sentences that contain them for recall.
    """

    def run(article: Article) -> Summary:
        from sumy.nlp.stemmers import Stemmer
        from sumy.nlp.tokenizers import Tokenizer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.utils import get_stop_words

        parser = PlaintextParser.from_string("\n\n".join(article.paragraphs), Tokenizer("arabic"))
        summarizer = LexRankSummarizer(Stemmer("arabic"))
        summarizer.stop_words = get_stop_words("arabic")
        fragments = tuple(str(s) for s in summarizer(parser.document, count))
        squashed = [(s.index, _squash(s.text)) for s in article.sentences]
        indices = sorted(
            {i for f in fragments for i, t in squashed if (k := _squash(f)) and k in t}
        )
        return Summary(tuple(indices), fragments)

    return run


@dataclass(frozen=True, slots=True)
class Score:
    rouge1: float
    rouge2: float
    rougeL: float  # the metric's conventional name
    recall: float
    chars: float
    sentences: float


def score_system(
    system: System, articles: Sequence[Article], gold: Mapping[str, Sequence[str]]
) -> tuple[Score, dict[str, Score]]:
    """Mean scores over the articles with gold, and the per-article scores."""
    per: dict[str, Score] = {}
    for article in articles:
        reference = gold.get(article.meta.file)
        if not reference:
            continue
        summary = system(article)
        text = "\n".join(summary.sentences)
        r = rouge_f1("\n".join(reference), text)
        per[article.id] = Score(
            rouge1=r["rouge1"],
            rouge2=r["rouge2"],
            rougeL=r["rougeL"],
            recall=overlap_recall(summary.indices, gold_indices(article, reference)),
            chars=float(len(" ".join(summary.sentences))),
            sentences=float(len(summary.sentences)),
        )
    return _mean(list(per.values())), per


def _mean(scores: Sequence[Score]) -> Score:
    def avg(get: Callable[[Score], float]) -> float:
        return statistics.fmean(get(s) for s in scores) if scores else 0.0

    return Score(
        rouge1=avg(lambda s: s.rouge1),
        rouge2=avg(lambda s: s.rouge2),
        rougeL=avg(lambda s: s.rougeL),
        recall=avg(lambda s: s.recall),
        chars=avg(lambda s: s.chars),
        sentences=avg(lambda s: s.sentences),
    )


def systems(subject: Subject | None = None) -> dict[str, System]:
    """Every system the evaluation compares, by the name shown in the table; the fused
    rankers weigh ``subject`` (the dossier's), and the default is shown without it too."""
    from bot.digest.rankers import RANKERS

    table: dict[str, System] = {
        "lead-3 (classic: first 3, no budget)": ours(
            "lead", min_sentences=3, max_sentences=3, budget=10**9
        ),
        "lead-3 under the digest rules": ours("lead", min_sentences=3, max_sentences=3),
        "lead 3–5 under the digest rules": ours("lead"),
    }
    for name in RANKERS:
        if name != "lead":
            table[name] = ours(name, subject)
    if subject is not None:
        table[f"{DEFAULT_ALGORITHM} without the dossier subject"] = ours(DEFAULT_ALGORITHM)
    table["sumy stock (lexrank, pyarabic tokenizer)"] = stock_sumy()
    return table


def as_row(name: str, score: Score) -> list[Any]:
    """One Markdown table row: the system's name and its rounded mean scores."""
    return [
        name,
        f"{score.rouge1:.3f}",
        f"{score.rouge2:.3f}",
        f"{score.rougeL:.3f}",
        f"{score.recall:.2f}",
        f"{score.sentences:.1f}",
        f"{score.chars:.0f}",
    ]
