"""/search: Arabic-normalised matching of single sentences and items in the cache.

What is searched: each digest sentence, each source sentence the cache quotes as
evidence (the sentences behind timeline events, provisions and reactions), each timeline
event, each treaty provision and each reaction. The cache holds no full article text, so
a word that appears only in a sentence no digest or item quotes cannot be found.

The matching rule. Text and query are normalised (:func:`bot.arabic.normalize.normalize`:
hamza/alef, ya/alef maqsura, ta marbuta, diacritics, tatweel, Arabic-Indic digits, Latin
case) and cut into words as :mod:`bot.arabic.tokens` defines them (runs of letters and
digits; a decimal like "1.7" stays whole). A query word is
reduced to its *core* by dropping a leading article or article-with-conjunction ("ال",
"وال", "بال", "فال", "كال", "لل"). A text word matches a query word when the text word —
as written, without such an article, or without a single leading "و", "ب", "ل", "ف" or
"ك" — *starts with* the core (so «الاتفاقية» finds «والاتفاقية», «اتفاقية» and
«الاتفاقيات»'s stem is not guessed). Cores shorter than three letters must equal a text
word exactly. An item is a hit when **every** query word matches a word of that item's
own text: a digest sentence is never a hit merely because its article's title matches.

The index is built once at start-up; a request normalises only the query and scans the
prepared word sets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.arabic.normalize import normalize
from bot.arabic.tokens import words as word_tokens
from bot.model import Cache, Evidence

Kind = Literal["digest", "sentence", "timeline", "treaty", "reaction"]
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 64
MIN_PREFIX_CHARS = 3
QUERY_KEY_CHARS = 10
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")
_CLITICS = ("و", "ب", "ل", "ف", "ك")


@dataclass(frozen=True)
class Hit:
    kind: Kind
    label: str  # date, provision title, actor or article title, as written
    text: str  # the matching sentence or item as written
    sources: tuple[Evidence, ...]
    party: str | None = None  # a reaction's party key, named in the reader's language


@dataclass(frozen=True)
class _Entry:
    hit: Hit
    forms: frozenset[str]  # every normalised word of the item, with and without prefixes


def _core(word: str) -> str:
    """Drop a leading article or conjunction ("ال", "وال", "بال", …) from a query word."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_PREFIX_CHARS:
            return word[len(prefix) :]
    return word


def word_forms(text: str) -> frozenset[str]:
    """The normalised words of ``text``, each also without a leading article or clitic."""
    forms: set[str] = set()
    for word in word_tokens(normalize(text)):
        forms.add(word)
        forms.add(_core(word))
        for clitic in _CLITICS:
            if word.startswith(clitic) and len(word) - 1 >= MIN_PREFIX_CHARS:
                forms.add(word[1:])
                forms.add(_core(word[1:]))
    return frozenset(forms)


def query_words(query: str) -> list[str]:
    """The normalised word cores of a query, bounded so a huge message stays cheap."""
    cores = [_core(w[:MAX_WORD_CHARS]) for w in word_tokens(normalize(query)) if w]
    unique = list(dict.fromkeys(cores))
    return unique[:MAX_QUERY_WORDS]


def query_key(words: Sequence[str]) -> str:
    """A short, stable key for a query's words (carried in a paging button)."""
    digest = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
    return digest[:QUERY_KEY_CHARS]


def matches(words: Sequence[str], forms: frozenset[str]) -> bool:
    """True when every query word matches one of ``forms`` under the rule above."""
    for word in words:
        if len(word) < MIN_PREFIX_CHARS:
            if word not in forms:
                return False
        elif word not in forms and not any(f.startswith(word) for f in forms):
            return False
    return True


class SearchIndex:
    """Every searchable sentence and item of a cache, normalised once."""

    def __init__(self, cache: Cache) -> None:
        entries: list[_Entry] = []
        seen: set[tuple[str, int]] = set()

        def title_of(article_id: str) -> str:
            article = cache.article(article_id)
            return article.title if article else article_id

        for digest in cache.digests:
            title = title_of(digest.article_id)
            for index, sentence in zip(digest.sentence_indices, digest.sentences, strict=False):
                seen.add((digest.article_id, index))
                ev = Evidence(article_id=digest.article_id, sentence_index=index, text=sentence)
                entries.append(_Entry(Hit("digest", title, sentence, (ev,)), word_forms(sentence)))
        quoted: list[Evidence] = [
            ev
            for group in (
                *(e.sources for e in cache.timeline),
                *(p.sources for p in cache.treaty_articles),
                *(r.sources for r in cache.reactions),
            )
            for ev in group
        ]
        for ev in sorted(quoted, key=lambda e: (e.article_id, e.sentence_index)):
            if (ev.article_id, ev.sentence_index) in seen or not ev.text.strip():
                continue
            seen.add((ev.article_id, ev.sentence_index))
            hit = Hit("sentence", title_of(ev.article_id), ev.text, (ev,))
            entries.append(_Entry(hit, word_forms(ev.text)))
        for event in cache.timeline:
            hit = Hit("timeline", event.date, event.text, tuple(event.sources))
            entries.append(_Entry(hit, word_forms(event.text)))
        for item in cache.treaty_articles:
            hit = Hit("treaty", item.title, item.text, tuple(item.sources))
            entries.append(_Entry(hit, word_forms(item.title + " " + item.text)))
        for r in cache.reactions:
            hit = Hit("reaction", r.actor, r.quote, tuple(r.sources), r.party)
            english = cache.party_names_en.get(r.party or "", "")
            words = " ".join([r.actor, r.party or "", english, r.quote])
            entries.append(_Entry(hit, word_forms(words)))
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def search_all(self, words: Sequence[str]) -> list[Hit]:
        """Every hit for ``words`` (already normalised cores), in index order."""
        if not words:
            return []
        return [e.hit for e in self._entries if matches(words, e.forms)]

    def search(self, words: Sequence[str], limit: int = 10) -> tuple[list[Hit], int]:
        """Up to ``limit`` hits for ``words`` and the total count."""
        hits = self.search_all(words)
        return hits[:limit], len(hits)
