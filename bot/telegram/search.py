"""/search: Arabic-normalised matching across digests, timeline, provisions and reactions.

The index normalises the cache's text once, when the bot starts; a request only
normalises the user's query (hamza/alef, ya/alef maqsura, ta marbuta, diacritics,
tatweel — see :mod:`bot.arabic.normalize`) and scans the prepared items. An item matches
when every query word occurs in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.arabic.normalize import normalize
from bot.cache.schema import Cache, Evidence

Kind = Literal["digest", "timeline", "treaty", "reaction"]
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 64
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")


@dataclass(frozen=True)
class Hit:
    kind: Kind
    label: str  # date, provision title, actor or article title, as written
    text: str  # the matching text as written
    sources: tuple[Evidence, ...]


@dataclass(frozen=True)
class _Entry:
    hit: Hit
    haystack: str  # normalised, space-padded


def _norm(text: str) -> str:
    return " " + " ".join(normalize(text).split()) + " "


def _core(word: str) -> str:
    """Drop a leading article or conjunction ("ال", "وال", "بال", …) from a query word.

    Matching is by substring, so the shorter core still finds "والاتفاقية" for
    "الاتفاقية" and also "اتفاقية" written without the article.
    """
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def query_words(query: str) -> list[str]:
    """The normalised words of a query, bounded so a huge message stays cheap."""
    words = [_core(w[:MAX_WORD_CHARS]) for w in normalize(query).split() if w]
    unique = list(dict.fromkeys(words))
    return unique[:MAX_QUERY_WORDS]


class SearchIndex:
    """Every searchable item of a cache, normalised once."""

    def __init__(self, cache: Cache) -> None:
        entries: list[_Entry] = []
        for digest in cache.digests:
            article = cache.article(digest.article_id)
            title = article.title if article else digest.article_id
            for index, sentence in zip(digest.sentence_indices, digest.sentences, strict=False):
                ev = Evidence(article_id=digest.article_id, sentence_index=index, text=sentence)
                hit = Hit("digest", title, sentence, (ev,))
                entries.append(_Entry(hit, _norm(title + " " + sentence)))
        for event in cache.timeline:
            hit = Hit("timeline", event.date, event.text, tuple(event.sources))
            entries.append(_Entry(hit, _norm(event.text)))
        for item in cache.treaty_articles:
            hit = Hit("treaty", item.title, item.text, tuple(item.sources))
            entries.append(_Entry(hit, _norm(item.title + " " + item.text)))
        for r in cache.reactions:
            label = r.actor if not r.party else f"{r.actor} ({r.party})"
            hit = Hit("reaction", label, r.quote, tuple(r.sources))
            entries.append(_Entry(hit, _norm(" ".join([r.actor, r.party or "", r.quote]))))
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, words: Sequence[str], limit: int = 10) -> tuple[list[Hit], int]:
        """Up to ``limit`` hits for ``words`` (already normalised) and the total count."""
        if not words:
            return [], 0
        hits = [e.hit for e in self._entries if all(w in e.haystack for w in words)]
        return hits[:limit], len(hits)
