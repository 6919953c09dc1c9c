"""Sentence rankers: sumy's summarizers on our sentences, and the lead baseline.

A ranker maps the candidate sentences of one article to their positions, best first.
sumy only returns its top-N in article order; passing a callable ``sentences_count``
(which sumy applies to the rating-sorted list) lets us read its full ranking, so one
selection rule (``bot.digest.select.choose``) serves every algorithm.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from bot.digest.tokenizer import ArabicTokenizer, arabic_stemmer, arabic_stop_words

Ranker = Callable[[Sequence[str]], list[int]]

_SUMY: dict[str, Callable[[Any], Any]] = {
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "sumbasic": SumBasicSummarizer,
    "kl": KLSummarizer,
}

_TOKENIZER = ArabicTokenizer()


def lead(texts: Sequence[str]) -> list[int]:
    """The lead baseline: article order is the ranking."""
    return list(range(len(texts)))


def sumy_ranker(name: str) -> Ranker:
    """A ranker running sumy's ``name`` summarizer with the project's Arabic tools."""
    factory = _SUMY[name]

    def rank(texts: Sequence[str]) -> list[int]:
        if len(texts) <= 1:
            return list(range(len(texts)))
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


#: every ranker the build can use, by the name written into the cache
RANKERS: dict[str, Ranker] = {"lead": lead, **{name: sumy_ranker(name) for name in _SUMY}}
