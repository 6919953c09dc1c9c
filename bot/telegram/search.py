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

The index is built on the first search (not at start-up); a request normalises only the
query and looks its words up in the inverted index.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Literal

from bot.arabic.normalize import normalize
from bot.arabic.tokens import words as word_tokens
from bot.model import Cache, Digest, Evidence, Reaction, TimelineEvent, TreatyArticle

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


def _core(word: str) -> str:
    """Drop a leading article or conjunction ("ال", "وال", "بال", …) from a query word."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_PREFIX_CHARS:
            return word[len(prefix) :]
    return word


@lru_cache(maxsize=1 << 16)
def _forms_of_word(word: str) -> tuple[str, ...]:
    """One normalised word with and without a leading article or clitic (memoised: an
    archive repeats its words millions of times)."""
    forms = {word, _core(word)}
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) - 1 >= MIN_PREFIX_CHARS:
            forms.add(word[1:])
            forms.add(_core(word[1:]))
    return tuple(forms)


@lru_cache(maxsize=1 << 17)
def _forms_of_token(token: str) -> tuple[str, ...]:
    """The forms of one whitespace-separated token as written (memoised: normalising
    each sentence whole cost 250 µs an item, 44 s for a 10,000-article index)."""
    forms: set[str] = set()
    for word in word_tokens(normalize(token)):
        forms.update(_forms_of_word(word))
    return tuple(forms)


def word_forms(text: str) -> frozenset[str]:
    """The normalised words of ``text``, each also without a leading article or clitic.

    Normalisation never joins or splits tokens at whitespace, so the text is folded
    token by token, each token once per process.
    """
    forms: set[str] = set()
    for token in text.split():
        forms.update(_forms_of_token(token))
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


#: what a hit is made from, kept instead of the hit itself until a query needs it
_Ref = tuple[Kind, object, int]


class SearchIndex:
    """Every searchable sentence and item of a cache, as an inverted index.

    Each normalised word form maps to the (sorted) numbers of the items that contain it,
    in compact integer arrays; the forms themselves are kept sorted so a query word's
    prefix matches are one binary search away. Items are kept as references into the
    cache and turned into :class:`Hit` only when a query returns them. At 1,000
    articles this holds 17,000 items in a few MB and answers in microseconds, where a
    word set per item took 67 MB and a scan of every item per query.
    """

    def __init__(self, cache: Cache) -> None:
        self._cache = cache
        refs: list[_Ref] = []
        postings: dict[str, list[int]] = {}
        seen: set[tuple[str, int]] = set()

        reports: list[int] = []

        def add(ref: _Ref, text: str, sources: Sequence[Evidence] = ()) -> None:
            """File one item; ``sources`` are its evidence (a sentence is its own)."""
            number = len(refs)
            refs.append(ref)
            reported = len({ev.article_id for ev in sources}) if sources else 1
            reports.append(min(reported, 0xFFFF))
            for form in word_forms(text):
                postings.setdefault(form, []).append(number)

        for digest in cache.digests:
            for pos, index in enumerate(digest.sentence_indices[: len(digest.sentences)]):
                seen.add((digest.article_id, index))
                add(("digest", digest, pos), digest.sentences[pos])
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
            add(("sentence", ev, 0), ev.text)
        for event in cache.timeline:
            add(("timeline", event, 0), event.text, event.sources)
        for item in cache.treaty_articles:
            add(("treaty", item, 0), item.title + " " + item.text, item.sources)
        for r in cache.reactions:
            english = cache.party_names_en.get(r.party or "", "")
            words = " ".join([r.actor, r.party or "", english, r.quote])
            add(("reaction", r, 0), words, r.sources)
        self._refs = refs
        self._reports = array("H", reports)
        self._forms = sorted(postings)
        self._postings = {form: array("I", numbers) for form, numbers in postings.items()}

    def __len__(self) -> int:
        return len(self._refs)

    def _title(self, article_id: str) -> str:
        article = self._cache.article(article_id)
        return article.title if article else article_id

    def hit(self, number: int) -> Hit:
        """Item ``number`` as a hit (made on demand: a query may match 30,000 items)."""
        return self._hit(number)

    def _hit(self, number: int) -> Hit:
        kind, item, pos = self._refs[number]
        if isinstance(item, Digest):
            index, sentence = item.sentence_indices[pos], item.sentences[pos]
            ev = Evidence(article_id=item.article_id, sentence_index=index, text=sentence)
            return Hit("digest", self._title(item.article_id), sentence, (ev,))
        if isinstance(item, Evidence):
            return Hit("sentence", self._title(item.article_id), item.text, (item,))
        if isinstance(item, TimelineEvent):
            return Hit("timeline", item.date, item.text, tuple(item.sources))
        if isinstance(item, TreatyArticle):
            return Hit("treaty", item.title, item.text, tuple(item.sources))
        assert isinstance(item, Reaction), kind
        return Hit("reaction", item.actor, item.quote, tuple(item.sources), item.party)

    def _matching(self, word: str) -> set[int]:
        """Items with a form equal to ``word`` or, from three letters on, starting with it."""
        if len(word) < MIN_PREFIX_CHARS:
            return set(self._postings.get(word, ()))
        found: set[int] = set()
        start = bisect_left(self._forms, word)
        for form in islice(self._forms, start, None):
            if not form.startswith(word):
                break
            found.update(self._postings[form])
        return found

    def find(self, words: Sequence[str]) -> list[int]:
        """The numbers of the items matching ``words`` (normalised cores), in index order."""
        if not words:
            return []
        numbers: set[int] | None = None
        for word in sorted(words, key=len, reverse=True):  # longest: usually the rarest
            found = self._matching(word)
            numbers = found if numbers is None else numbers & found
            if not numbers:
                return []
        return sorted(numbers or ())

    def ranked(self, words: Sequence[str]) -> list[int]:
        """:meth:`find` by relevance: items holding every query word as a whole word
        first, then those reported by more articles; ties keep the index order.

        A prefix match (the query «اتفاق» in «اتفاقيات») still counts, after the exact ones.
        """
        numbers = self.find(words)
        exact: set[int] | None = None
        for word in words:
            has = set(self._postings.get(word, ()))
            exact = has if exact is None else exact & has
        whole = exact or set()
        reports = self._reports
        return sorted(numbers, key=lambda n: (n not in whole, -reports[n], n))

    def search_all(self, words: Sequence[str]) -> list[Hit]:
        """Every hit for ``words`` (already normalised cores), in index order."""
        return [self._hit(n) for n in self.find(words)]

    def search(self, words: Sequence[str], limit: int = 10) -> tuple[list[Hit], int]:
        """Up to ``limit`` hits for ``words`` and the total count."""
        hits = self.search_all(words)
        return hits[:limit], len(hits)
