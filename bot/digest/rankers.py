"""Sentence rankers: sumy's summarizers on our sentences, news-aware fusions, the lead.

A ranker maps the candidate sentences of one article (and its headline) to their
positions, best first. sumy only returns its top-N in article order; passing a callable
``sentences_count`` (which sumy applies to the rating-sorted list) lets us read its full
ranking, so one selection rule (``bot.digest.select.choose``) serves every algorithm.

News is written as an inverted pyramid, so on their own sumy's centrality and frequency
rankings lose to the first sentences (docs/digest-evaluation.md). The ``<name>+lead``
rankers fuse sumy's ranking with article order and headline overlap by weighted
reciprocal rank fusion; sumy still decides between the sentences position alone cannot.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.arabic.normalize import normalize
from bot.digest.select import needs_context
from bot.digest.subject import Subject
from bot.digest.tokenizer import ArabicTokenizer, arabic_stemmer, arabic_stop_words


class Ranker(Protocol):
    """Candidate sentences (and the headline, and what the dossier is about) → positions,
    best first."""

    def __call__(
        self, texts: Sequence[str], title: str = "", subject: Subject | None = None
    ) -> list[int]: ...


#: weighted reciprocal rank fusion: sumy's rank, article order, headline overlap; set on
#: the five seeds, so see the held-out check in docs/digest-evaluation.md before trusting them
FUSION_WEIGHTS = (1.0, 2.0, 1.0)
#: the weight of the dossier-subject ranking in the fusion, when the dossier has a subject
SUBJECT_WEIGHT = 1.0
#: RRF's damping constant: small, since articles have tens of sentences, not thousands
FUSION_K = 3

#: sumy's summarizers by name (module and class under ``sumy.summarizers``), imported on
#: first use: sumy imports NLTK and SciPy (110 MiB, seconds), which a process that
#: imports the build only to serve or to watch the live cache never needs
_SUMY: dict[str, tuple[str, str]] = {
    "lexrank": ("lex_rank", "LexRankSummarizer"),
    "textrank": ("text_rank", "TextRankSummarizer"),
    "lsa": ("lsa", "LsaSummarizer"),
    "luhn": ("luhn", "LuhnSummarizer"),
    "sumbasic": ("sum_basic", "SumBasicSummarizer"),
    "kl": ("kl", "KLSummarizer"),
}


def _summarizer(name: str) -> Callable[[Any], Any]:
    module, cls = _SUMY[name]
    found: Callable[[Any], Any] = getattr(
        importlib.import_module(f"sumy.summarizers.{module}"), cls
    )
    return found


_TOKENIZER = ArabicTokenizer()


def lead(texts: Sequence[str], title: str = "", subject: Subject | None = None) -> list[int]:
    """The lead baseline: article order is the ranking."""
    return list(range(len(texts)))


def _stems(text: str) -> frozenset[str]:
    return frozenset(arabic_stemmer(w) for w in _TOKENIZER.to_words(text))


def headline_overlap(texts: Sequence[str], title: str) -> list[int]:
    """Positions by the share of the headline's content stems each sentence repeats."""
    wanted = _stems(title)
    if not wanted:
        return lead(texts)
    share = [len(_stems(t) & wanted) / len(wanted) for t in texts]
    return sorted(range(len(texts)), key=lambda i: (-share[i], i))


def subject_relevance(texts: Sequence[str], subject: Subject) -> list[int]:
    """Positions by how much of the dossier's subject each sentence carries (ties by order).

    A term counts by how specific it is within the article (log of sentences over the
    sentences that carry it): the parties' names, in nearly every sentence, say little;
    "الدفاع المشترك" in two of twenty says which sentences are about the treaty."""
    carried = [subject.carried(t) for t in texts]
    df: dict[int, int] = {}
    for found in carried:
        for k in found:
            df[k] = df.get(k, 0) + 1
    n = len(texts)
    weight = [
        sum(subject.phrases[k][1] * math.log((n + 1) / df[k]) for k in found) for found in carried
    ]
    return sorted(range(len(texts)), key=lambda i: (-weight[i], i))


def fused(
    base: Ranker,
    weights: tuple[float, float, float] = FUSION_WEIGHTS,
    subject_weight: float = SUBJECT_WEIGHT,
) -> Ranker:
    """``base`` fused with article order, headline overlap and — when the dossier has a
    subject — relevance to it (weighted RRF, ties by order)."""

    def rank(texts: Sequence[str], title: str = "", subject: Subject | None = None) -> list[int]:
        orders = [base(texts, title), lead(texts), headline_overlap(texts, title)]
        w = list(weights)
        if subject is not None and subject.phrases:
            orders.append(subject_relevance(texts, subject))
            w.append(subject_weight)
        rank_of: list[list[int]] = []
        for order in orders:
            positions = [0] * len(texts)
            for r, i in enumerate(order):
                positions[i] = r
            rank_of.append(positions)

        def score(i: int) -> float:
            return sum(wk / (FUSION_K + rk[i]) for wk, rk in zip(w, rank_of, strict=True))

        return sorted(range(len(texts)), key=lambda i: (-score(i), i))

    return rank


def sumy_ranker(name: str) -> Ranker:
    """A ranker running sumy's ``name`` summarizer with the project's Arabic tools."""

    def rank(texts: Sequence[str], title: str = "", subject: Subject | None = None) -> list[int]:
        if len(texts) <= 1:
            return list(range(len(texts)))
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

        factory = _summarizer(name)
        sentences = [Sentence(t, _TOKENIZER) for t in texts]
        position = {id(s): i for i, s in enumerate(sentences)}
        document = ObjectDocumentModel([Paragraph(sentences)])
        summarizer = factory(arabic_stemmer)
        summarizer.stop_words = arabic_stop_words()
        order: list[int] = []

        def take_all(infos: list[Any]) -> list[Any]:
            # sumy hands over SentenceInfo sorted by rating (desc, stable on ties).
            order.extend(position[id(info.sentence)] for info in infos)
            return infos

        with warnings.catch_warnings():
            # LSA warns when an article has fewer distinct words than sentences.
            warnings.simplefilter("ignore", UserWarning)
            summarizer(document, take_all)
        seen = set(order)
        return order + [i for i in range(len(texts)) if i not in seen]

    rank.__name__ = f"rank_{name}"
    return rank


def readable(base: Ranker) -> Ranker:
    """``base`` with sentences that open by referring back ("وهو ما", "وبعد ذلك") moved last.

    They stay available (a short article may need them) but never displace a sentence
    that reads on its own. The lead baseline is left pure.
    """

    def rank(texts: Sequence[str], title: str = "", subject: Subject | None = None) -> list[int]:
        order = base(texts, title, subject)
        dangling = {i for i in order if needs_context(texts[i], normalize)}
        return [i for i in order if i not in dangling] + [i for i in order if i in dangling]

    return rank


def novel(base: Ranker, min_novelty: float = 0.5) -> Ranker:
    """``base`` with sentences that mostly repeat better-ranked ones moved back.

    Walking the ranking best first, a sentence whose content stems are less than
    ``min_novelty`` new against the sentences kept before it is deferred: news repeats
    its lead ("ووقعت الدولتان معاهدة…") and a relevance ranking loves the repeats.
    """

    def rank(texts: Sequence[str], title: str = "", subject: Subject | None = None) -> list[int]:
        order = base(texts, title, subject)
        said: set[str] = set()
        kept: list[int] = []
        later: list[int] = []
        for i in order:
            stems = _stems(texts[i])
            if stems and len(stems - said) / len(stems) < min_novelty:
                later.append(i)
                continue
            kept.append(i)
            said |= stems
        return kept + later

    return rank


#: every ranker the build can use, by the name written into the cache
RANKERS: dict[str, Ranker] = {
    "lead": lead,
    **{name: readable(sumy_ranker(name)) for name in _SUMY},
    **{f"{name}+lead": readable(novel(fused(sumy_ranker(name)))) for name in _SUMY},
}
