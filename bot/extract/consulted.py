"""What one article's extraction consulted about the rest of the dossier.

Why: the live cache keeps each article's reaction products and re-runs only the
cross-article merge when an article arrives. Parsing an article's sentences is article-
local except for a few questions asked of the whole dossier — is this word used bare
elsewhere (``corpus``), was this name introduced with a role somewhere (``known``), who is
the first person of the dossier with this surname, and what party does some mention give
them. Each question and its answer is recorded while the article is parsed
(:class:`WatchedSet`, :class:`WatchedPersons`); the product stays valid for any dossier
that answers them the same way (:meth:`Consulted.holds`), which is checked with set
operations instead of a re-parse. A new article that changes an answer (it introduces a
person another article names only by surname, or uses bare a word another article
carries with a preposition) re-parses exactly the articles that asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.extract.speakers import NameIndex, names_match, short_refers_to

if TYPE_CHECKING:  # pragma: no cover - typing only
    from bot.extract.reactions import Actor


class WatchedSet(frozenset[str]):
    """A frozenset that records the membership and emptiness questions asked of it."""

    asked: dict[str, bool]
    emptiness: bool | None  # the answer of bool(self), once asked

    def __new__(cls, items: Iterable[str] = ()) -> WatchedSet:
        self = super().__new__(cls, items)
        self.asked = {}
        self.emptiness = None
        return self

    def __contains__(self, item: object) -> bool:
        found = frozenset.__contains__(self, item)
        if isinstance(item, str):
            self.asked[item] = found
        return found

    def __bool__(self) -> bool:
        self.emptiness = len(self) > 0
        return self.emptiness

    def reset(self) -> None:
        self.asked = {}
        self.emptiness = None

    def answers(self) -> SetAnswers:
        """The questions asked since :meth:`reset`, as a reusable record."""
        return SetAnswers(
            inside=frozenset(w for w, found in self.asked.items() if found),
            outside=frozenset(w for w, found in self.asked.items() if not found),
            nonempty=self.emptiness,
        )


@dataclass(frozen=True, slots=True)
class SetAnswers:
    inside: frozenset[str] = frozenset()
    outside: frozenset[str] = frozenset()
    nonempty: bool | None = None

    def hold(self, words: frozenset[str]) -> bool:
        """Would ``words`` answer every recorded question the same way?"""
        if self.nonempty is not None and self.nonempty != bool(words):
            return False
        return self.inside <= words and self.outside.isdisjoint(words)


@dataclass(slots=True)
class _Named:
    first: int  # reading-order position of the first mention with this exact name
    actor: Actor
    party_at: int | None = None  # first mention of this name that gives a party
    party: str | None = None


@dataclass(slots=True)
class DossierPersons:
    """Persons introduced with a role anywhere in the dossier, in reading order, found by
    name through a :class:`NameIndex` (blocking on the first and last words' spellings)
    instead of a scan: the same answers as scanning every mention in order."""

    _named: dict[tuple[str, ...], _Named] = field(default_factory=dict)
    _index: NameIndex = field(default_factory=NameIndex)
    _found: dict[tuple[str, ...], list[_Named]] = field(default_factory=dict)

    @classmethod
    def of(cls, persons: Sequence[tuple[tuple[int, int], Actor]]) -> DossierPersons:
        out = cls()
        for n, (_, actor) in enumerate(persons):
            seen = out._named.get(actor.name)
            if seen is None:
                seen = out._named[actor.name] = _Named(n, actor)
                out._index.add(actor.name, "")
            if actor.party and seen.party_at is None:
                seen.party_at, seen.party = n, actor.party
        return out

    def _matching(self, name: tuple[str, ...]) -> list[_Named]:
        if name not in self._found:  # complete once built: answers never change
            self._found[name] = [
                self._named[other]
                for other, _ in self._index.candidates(name)
                if short_refers_to(name, other) or names_match(name, other)
            ]
        return self._found[name]

    def first_named(self, name: tuple[str, ...]) -> Actor | None:
        """The first person of the dossier whose name this one matches or shortens."""
        hits = self._matching(name)
        return min(hits, key=lambda h: h.first).actor if hits else None

    def party_of(self, name: tuple[str, ...]) -> str | None:
        """The party the first such mention that gives one gives."""
        hits = [h for h in self._matching(name) if h.party_at is not None]
        return min(hits, key=lambda h: h.party_at or 0).party if hits else None


@dataclass(slots=True)
class WatchedPersons:
    """A :class:`DossierPersons` that records the questions asked of it."""

    persons: DossierPersons
    asked: dict[tuple[str, tuple[str, ...]], object] = field(default_factory=dict)

    def first_named(self, name: tuple[str, ...]) -> Actor | None:
        found = self.persons.first_named(name)
        self.asked[("first", name)] = found
        return found

    def party_of(self, name: tuple[str, ...]) -> str | None:
        found = self.persons.party_of(name)
        self.asked[("party", name)] = found
        return found


def persons_hold(asked: dict[tuple[str, tuple[str, ...]], object], persons: DossierPersons) -> bool:
    """Would ``persons`` answer every recorded name question the same way?"""
    for (kind, name), answer in asked.items():
        now = persons.first_named(name) if kind == "first" else persons.party_of(name)
        if now != answer:
            return False
    return True


__all__ = ["DossierPersons", "SetAnswers", "WatchedPersons", "WatchedSet", "persons_hold"]
