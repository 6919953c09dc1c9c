"""/search: the whole dossier, one hit per sentence, best hits first.

What is searched: every sentence of every article when the cache carries the articles'
text (``Cache.texts``), else the digest sentences and the sentences the views quote as
evidence. A timeline event, provision or reaction is shown through the sentence it cites
(its label and kind ride on that sentence's hit), so a sentence cited by three views is
still one hit; an item whose sentence the cache does not hold is a hit of its own.

The matching rule. Text and query are normalised (:func:`bot.arabic.normalize.normalize`:
hamza/alef, ya/alef maqsura, ta marbuta, diacritics, tatweel, Arabic-Indic digits, Latin
case), transliteration variants are folded (:mod:`bot.arabic.fold`: بيونغ = بيونج) and
words are cut at anything that is not a letter or digit. A query word is reduced to its
*core* by dropping a leading article ("ال", "وال", "بال", "فال", "كال", "لل"). A text word
matches when — as written, without such an article, or without a single leading "و",
"ب", "ل", "ف" or "ك" — it *starts with* the core, or when both are forms of one broken
plural pattern (:mod:`bot.arabic.plural`: سلاح ~ أسلحة). Cores shorter than three
letters must equal a word. A sentence is a hit when **every** query word matches. A
sentence that names a party (by any Arabic alias in the vocabulary) is also found by the
party's English names ("Russia" finds «موسكو»).

Best first: words matched as written outrank folded, prefix and plural matches; then
sentences a digest or a view cites; then the article and sentence order.

The index (an inverted index of word forms, sorted for prefix look-ups) is built once per
cache version and stored in the cache's archive (:mod:`bot.cache.archive`), which answers
with the same hits through SQLite's FTS5; a cache without an archive (a test's, or
``--cache`` in the local chat) builds it in memory, in the background after start-up
(``Views.index_in_background``) or by the first search.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

from bot.arabic.fold import fold
from bot.arabic.normalize import normalize
from bot.arabic.plural import pattern_root
from bot.arabic.tokens import words as word_tokens
from bot.extract.english import is_person, person_search_words
from bot.extract.vocabulary import variants, vocabulary
from bot.model import ArticleText, Cache, Evidence

Kind = Literal["digest", "sentence", "timeline", "treaty", "reaction"]
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 64
MIN_PREFIX_CHARS = 3
QUERY_KEY_CHARS = 10
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")
_CLITICS = ("و", "ب", "ل", "ف", "ك")
_WORD = re.compile(r"\w+")
#: which view's label a sentence cited by several views carries (first wins)
_KIND_ORDER: tuple[Kind, ...] = ("timeline", "treaty", "reaction", "digest", "sentence")
#: score of a query word matched as written, folded, by prefix, by plural pattern
_AS_WRITTEN, _FOLDED, _PREFIX, _PLURAL = 4, 3, 2, 1


@dataclass(frozen=True)
class Hit:
    kind: Kind
    label: str  # date, provision title, actor or article title, as written
    text: str  # the matching sentence or item as written
    sources: tuple[Evidence, ...]
    party: str | None = None  # a reaction's party key, named in the reader's language
    #: the event, provision or quotation this sentence hit stands for (``text`` is the
    #: whole sentence); None when ``text`` is the item itself or a plain sentence
    item_text: str | None = None


class Searcher(Protocol):
    """What /search and inline queries read: :class:`SearchIndex` in memory, or the
    cache's archive (:class:`bot.cache.archive.Archive`), which gives the same hits."""

    def search_all(self, words: Sequence[str]) -> Sequence[Hit]: ...


@dataclass
class _Entry:
    hit: Hit
    forms: frozenset[str]  # folded word forms (with and without prefixes)
    written: frozenset[str]  # normalised, unfolded forms: an exact match scores higher
    roots: frozenset[str]
    weight: int = 0  # how prominently the views cite it (digest, items)
    labels: dict[Kind, Hit] = field(default_factory=dict)
    #: a sentence's text normalised (while the index is built; None: not computed yet)
    normal: str | None = None
    #: forms, written forms and roots each sorted and joined by spaces, while known
    #: (an entry from a :data:`Base` holds only these until the views add to it)
    joined: tuple[str, str, str] | None = None
    parsed: bool = True  # whether the sets are made (else only ``joined`` is)

    def parse(self) -> None:
        """Make the sets from :attr:`joined` (an entry read from a base)."""
        if not self.parsed and self.joined is not None:
            forms, written, roots = self.joined
            self.forms = frozenset(forms.split())
            self.written = frozenset(written.split())
            self.roots = frozenset(roots.split())
            self.parsed = True

    def holds(self, written: Iterable[str], forms: Iterable[str]) -> bool:
        """Whether the entry has all these written and folded forms already."""
        if self.parsed or self.joined is None:
            return self.written.issuperset(written) and self.forms.issuperset(forms)
        have_forms, have_written = f" {self.joined[0]} ", f" {self.joined[1]} "
        return all(f" {w} " in have_written for w in written) and all(
            f" {f} " in have_forms for f in forms
        )

    def join(self) -> tuple[str, str, str]:
        if self.joined is None:
            self.joined = (
                " ".join(sorted(self.forms)),
                " ".join(sorted(self.written)),
                " ".join(sorted(self.roots)),
            )
        return self.joined


_NONE: frozenset[str] = frozenset()
#: a sentence's entry before the views add to it: its folded forms, written forms and
#: plural roots, each sorted and joined by spaces, and its text normalised — a function
#: of the sentence's text alone, so an archive keeps the bases of each article's
#: sentences and the next version's index reuses them for an unchanged text
#: (:func:`bases_version`)
Base = tuple[str, str, str, str]
#: an article text → the bases of its sentences (None for a blank one), or None: unknown
KnownBases = Callable[[ArticleText], Sequence[Base | None] | None]


def _core(word: str) -> str:
    """Drop a leading article or conjunction ("ال", "وال", "بال", …) from a query word."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_PREFIX_CHARS:
            return word[len(prefix) :]
    return word


def _forms_of(words: Iterable[str]) -> set[str]:
    forms: set[str] = set()
    for word in words:
        forms.add(word)
        forms.add(_core(word))
        for clitic in _CLITICS:
            if word.startswith(clitic) and len(word) - 1 >= MIN_PREFIX_CHARS:
                forms.add(word[1:])
                forms.add(_core(word[1:]))
    return forms


def word_forms(text: str) -> frozenset[str]:
    """The normalised words of ``text``, each also without a leading article or clitic."""
    return frozenset(_forms_of(_WORD.findall(normalize(text))))


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
    """True when every query word matches one of ``forms`` by the prefix rule above."""
    for word in words:
        if len(word) < MIN_PREFIX_CHARS:
            if word not in forms:
                return False
        elif word not in forms and not any(f.startswith(word) for f in forms):
            return False
    return True


def word_matches(word: str, query: Sequence[str]) -> bool:
    """True when one written ``word`` of a text matches one of the ``query`` cores."""
    forms = {fold(f) for f in _forms_of(_WORD.findall(normalize(word)))}
    root = pattern_root(word)
    for core in query:
        folded = fold(core)
        if folded in forms:
            return True
        if len(folded) >= MIN_PREFIX_CHARS and any(f.startswith(folded) for f in forms):
            return True
        if root is not None and root == pattern_root(core):
            return True
    return False


def first_match(text: str, query: Sequence[str]) -> int | None:
    """Where in ``text`` the first word matching the query starts (for a snippet)."""
    for match in _WORD.finditer(text):
        if word_matches(match.group(), query):
            return match.start()
    return None


def _english_party_words(normal: str) -> set[str]:
    """English names (as normalised words) of the parties a text names in Arabic
    (``normal``: the text normalised)."""
    vocab = vocabulary()
    tokens = [variants(t) for t in normal.split()]
    found: set[str] = set()
    for i, options in enumerate(tokens):
        for option in options:
            for phrase, party in vocab.party_index.get(option, ()):
                rest = tokens[i + 1 : i + len(phrase)]
                if len(rest) == len(phrase) - 1 and all(
                    w in opts for w, opts in zip(phrase[1:], rest, strict=True)
                ):
                    names = [vocab.party_english.get(party, "")]
                    names += vocab.party_english_aliases.get(party, ())
                    for name in names:
                        found.update(_WORD.findall(normalize(name.replace(".", ""))))
    return found


@lru_cache(maxsize=1 << 17)
def _form_keys(form: str) -> tuple[str, str | None]:
    """A written form's folded form and broken-plural root."""
    return fold(form), pattern_root(form)


@lru_cache(maxsize=1 << 16)
def _word_keys(word: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """A normalised word's written forms, their folded forms and their plural roots
    (memoised: a dossier repeats its words; :func:`clear_memos` empties the memo)."""
    written = _forms_of((word,))
    keys = [_form_keys(w) for w in written]
    return (
        frozenset(written),
        frozenset(f for f, _ in keys),
        frozenset(r for _, r in keys if r is not None),
    )


@lru_cache(maxsize=1)
def bases_version() -> str:
    """A digest of what a sentence's :data:`Base` depends on — this module, the Arabic
    normalisation, folding and plural rules, the vocabulary and its data: bases stored
    by another version of them are not reused."""
    import bot.arabic
    import bot.extract.data
    import bot.extract.vocabulary

    h = hashlib.blake2b(digest_size=16)
    files = [Path(__file__), Path(bot.extract.vocabulary.__file__)]
    for package in (bot.arabic, bot.extract.data):
        files += sorted(p for p in Path(package.__path__[0]).iterdir() if p.is_file())
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def clear_memos() -> None:
    """Forget the words memoised while indexing (a serving process keeps no index)."""
    _word_keys.cache_clear()
    _form_keys.cache_clear()


def _entry(hit: Hit, normal: str, extra: Iterable[str] = ()) -> _Entry:
    """The entry of ``hit`` whose searchable text, normalised, is ``normal``."""
    written: set[str] = set()
    folded: set[str] = set()
    roots: set[str] = set()
    for word in _WORD.findall(normal):
        w, f, r = _word_keys(word)
        written |= w
        folded |= f
        roots |= r
    for form in extra:
        if form not in written:
            written.add(form)
            fold_key, root = _form_keys(form)
            folded.add(fold_key)
            if root is not None:
                roots.add(root)
    return _Entry(hit, frozenset(folded), frozenset(written), frozenset(roots))


class SearchIndex:
    """Every searchable sentence of a cache, normalised and indexed once.

    ``known`` gives the bases of an article's sentences computed before (the previous
    archive's, :mod:`bot.cache.archive`): the same index, without normalising and
    splitting the unchanged texts again. ``postings=False`` skips the in-memory look-up
    tables (an index built only for its :meth:`rows`).
    """

    def __init__(
        self, cache: Cache, known: KnownBases | None = None, *, postings: bool = True
    ) -> None:
        self._entries: list[_Entry] = []
        #: each text's sentence bases, in order (None: a blank sentence)
        self.bases: dict[str, list[Base | None]] = {}
        by_sentence: dict[tuple[str, int], _Entry] = {}

        def title_of(article_id: str) -> str:
            article = cache.article(article_id)
            return article.title if article else article_id

        def add_sentence(ev: Evidence, base: Base | None = None) -> _Entry | None:
            key = (ev.article_id, ev.sentence_index)
            if key not in by_sentence and ev.text.strip():
                hit = Hit("sentence", title_of(ev.article_id), ev.text, (ev,))
                if base is not None:
                    forms, written, roots, normal = base
                    entry = _Entry(hit, _NONE, _NONE, _NONE, normal=normal, parsed=False)
                    entry.joined = (forms, written, roots)
                else:
                    normal = normalize(ev.text)
                    entry = _entry(hit, normal, _english_party_words(normal))
                    entry.normal = normal
                by_sentence[key] = entry
                self._entries.append(entry)
            return by_sentence.get(key)

        def normal_of(entry: _Entry) -> str:
            if entry.normal is None:
                entry.normal = normalize(entry.hit.text)
            return entry.normal

        for body in cache.texts:
            found = known(body) if known is not None else None
            if found is not None and len(found) != len(body.sentences):
                found = None
            bases: list[Base | None] = []
            for index, sentence in enumerate(body.sentences):
                entry = add_sentence(
                    Evidence(article_id=body.article_id, sentence_index=index, text=sentence),
                    found[index] if found is not None else None,
                )
                bases.append((*entry.join(), normal_of(entry)) if entry is not None else None)
            self.bases[body.article_id] = bases
        for digest in cache.digests:
            for index, sentence in zip(digest.sentence_indices, digest.sentences, strict=False):
                ev = Evidence(article_id=digest.article_id, sentence_index=index, text=sentence)
                if (entry := add_sentence(ev)) is not None:
                    entry.weight += 2
                    entry.labels.setdefault(
                        "digest", Hit("digest", entry.hit.label, sentence, (ev,))
                    )
        quoted = [
            ev
            for group in (
                *(e.sources for e in cache.timeline),
                *(p.sources for p in cache.treaty_articles),
                *(r.sources for r in cache.reactions),
            )
            for ev in group
        ]
        for ev in sorted(quoted, key=lambda e: (e.article_id, e.sentence_index)):
            add_sentence(ev)

        items: list[tuple[Hit, str, str]] = []  # (item hit, its text, extra searchable words)
        for event in cache.timeline:
            items.append(
                (Hit("timeline", event.date, event.text, tuple(event.sources)), event.text, "")
            )
        for provision in cache.treaty_articles:
            hit = Hit("treaty", provision.title, provision.text, tuple(provision.sources))
            items.append((hit, provision.text, provision.title))
        for r in cache.reactions:
            hit = Hit("reaction", r.actor, r.quote, tuple(r.sources), r.party)
            english = cache.party_names_en.get(r.party or "", "")
            if is_person(r.actor, r.role, r.party):  # "Putin" finds what بوتين said
                english += " " + person_search_words(r.actor)
            items.append((hit, r.quote, " ".join([r.actor, r.party or "", english])))
        for hit, text, extra in items:
            normal_text = normalize(text)
            holders = [
                by_sentence[key]
                for ev in hit.sources
                if (key := (ev.article_id, ev.sentence_index)) in by_sentence
                and normal_text in normal_of(by_sentence[key])
            ]
            if not holders:  # the cache does not hold the sentence it comes from
                self._entries.append(_entry(hit, normalize(f"{extra} {text}")))
                continue
            extra_forms = _forms_of(_WORD.findall(normalize(extra)))
            extra_folded = {_form_keys(f)[0] for f in extra_forms}
            for entry in holders:
                entry.weight += 1
                entry.labels.setdefault(hit.kind, hit)
                if not entry.holds(extra_forms, extra_folded):
                    entry.parse()
                    entry.written = entry.written | extra_forms
                    entry.forms = entry.forms | extra_folded
                    entry.joined = None
        for entry in self._entries:
            entry.normal = None
            kind = next((k for k in _KIND_ORDER if k in entry.labels), None)
            if kind is not None:
                item = entry.labels[kind]
                reaction = entry.labels.get("reaction")
                party = reaction.party if reaction is not None else None
                entry.hit = Hit(
                    kind,
                    item.label,
                    entry.hit.text,
                    entry.hit.sources,
                    party,
                    item.text if kind not in ("digest", "sentence") else None,
                )
        self._postings: dict[str, set[int]] = {}
        self._roots: dict[str, set[int]] = {}
        self._sorted_forms: list[str] = []
        if postings:
            self._index_postings()

    def _index_postings(self) -> None:
        for number, entry in enumerate(self._entries):
            entry.parse()
            for form in entry.forms:
                self._postings.setdefault(form, set()).add(number)
            for root in entry.roots:
                self._roots.setdefault(root, set()).add(number)
        self._sorted_forms = sorted(self._postings)

    def __len__(self) -> int:
        return len(self._entries)

    def rows(self) -> Iterator[tuple[Hit, tuple[str, str, str], int]]:
        """Every entry in index order: its hit, its folded forms, written forms and plural
        roots (each sorted and joined by spaces), and weight (what :mod:`bot.cache.archive`
        stores for a search without this index)."""
        for entry in self._entries:
            yield entry.hit, entry.join(), entry.weight

    def _candidates(self, word: str) -> set[int]:
        folded = fold(word)
        if len(folded) < MIN_PREFIX_CHARS:
            return set(self._postings.get(folded, ()))
        found: set[int] = set()
        start = bisect.bisect_left(self._sorted_forms, folded)
        for form in self._sorted_forms[start:]:
            if not form.startswith(folded):
                break
            found |= self._postings[form]
        if (root := pattern_root(word)) is not None:
            found |= self._roots.get(root, set())
        return found

    def _score(self, entry: _Entry, word: str) -> int:
        if word in entry.written:
            return _AS_WRITTEN
        folded = fold(word)
        if folded in entry.forms:
            return _FOLDED
        if len(folded) >= MIN_PREFIX_CHARS and any(f.startswith(folded) for f in entry.forms):
            return _PREFIX
        return _PLURAL

    def search_all(self, words: Sequence[str]) -> list[Hit]:
        """Every hit for ``words`` (already normalised cores), best first."""
        if not words:
            return []
        found: set[int] | None = None
        for word in words:
            candidates = self._candidates(word)
            found = candidates if found is None else found & candidates
            if not found:
                return []
        ranked = sorted(
            found or (),
            key=lambda n: (
                -sum(self._score(self._entries[n], w) for w in words),
                -self._entries[n].weight,
                n,
            ),
        )
        return [self._entries[n].hit for n in ranked]

    def search(self, words: Sequence[str], limit: int = 10) -> tuple[list[Hit], int]:
        """Up to ``limit`` hits for ``words`` and the total count."""
        hits = self.search_all(words)
        return hits[:limit], len(hits)
