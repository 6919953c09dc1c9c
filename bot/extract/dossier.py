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


def dossier_home(articles: Sequence[Article], v: Vocabulary) -> str | None:
    """The country the dossier is clearly about, or None when no country dominates."""
    mentions: Counter[str] = Counter()
    articles_naming: Counter[str] = Counter()
    for article in articles:
        seen: set[str] = set()
        for text in (article.meta.title, *(s.text for s in article.sentences)):
            toks = tokenize(text)
            i = 0
            while i < len(toks):
                hit = nationality_at(toks, i, v) or party_at(toks, i, v)
                if hit and v.party_kinds.get(hit[1]) == "country":
                    mentions[hit[1]] += 1
                    seen.add(hit[1])
                    i += hit[0]
                else:
                    i += 1
        articles_naming.update(seen)
    ranked = mentions.most_common(2)
    if not ranked or articles_naming[ranked[0][0]] < HOME_ARTICLE_SHARE * len(articles):
        return None
    if len(ranked) > 1 and ranked[0][1] < HOME_LEAD * ranked[1][1]:
        return None
    return ranked[0][0]


__all__ = ["dossier_home"]
