"""What the whole dossier is about, for articles that do not say it themselves.

An article may never name the country it reports on ("قال الدكتور مصطفى مدبولي، رئيس مجلس
الوزراء …" in a dossier about Egypt's IMF programme): its unnamed officials then speak for
the country the dossier as a whole is clearly about — named (or its adjective used) in
most articles and far more often than any other country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.corpus_types import Article
from bot.extract.speakers import nationality_at, party_at, tokenize
from bot.extract.vocabulary import Vocabulary

#: the dossier's country must be named in at least this share of its articles …
HOME_ARTICLE_SHARE = 0.5
#: … and this many times as often as the next country
HOME_LEAD = 2.0


def country_mentions(article: Article, v: Vocabulary) -> Counter[str]:
    """How often one article names each country (or uses its adjective), title included.

    Depends on the article alone, so the live cache keeps it as a per-article product.
    """
    mentions: Counter[str] = Counter()
    for text in (article.meta.title, *(s.text for s in article.sentences)):
        toks = tokenize(text)
        i = 0
        while i < len(toks):
            hit = nationality_at(toks, i, v) or party_at(toks, i, v)
            if hit and v.party_kinds.get(hit[1]) == "country":
                mentions[hit[1]] += 1
                i += hit[0]
            else:
                i += 1
    return mentions


def home_of(per_article: Sequence[Counter[str]]) -> str | None:
    """The dossier's country from its articles' :func:`country_mentions`, or None."""
    mentions: Counter[str] = Counter()
    articles_naming: Counter[str] = Counter()
    for counts in per_article:
        mentions.update(counts)
        articles_naming.update(counts.keys())
    ranked = mentions.most_common(2)
    if not ranked or articles_naming[ranked[0][0]] < HOME_ARTICLE_SHARE * len(per_article):
        return None
    if len(ranked) > 1 and ranked[0][1] < HOME_LEAD * ranked[1][1]:
        return None
    return ranked[0][0]


def dossier_home(articles: Sequence[Article], v: Vocabulary) -> str | None:
    """The country the dossier is clearly about, or None when no country dominates."""
    return home_of([country_mentions(a, v) for a in articles])


__all__ = ["country_mentions", "dossier_home", "home_of"]
