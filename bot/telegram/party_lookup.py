"""Which party a reader means by a name typed after /reactions.

A name matches a party only as a whole: its Arabic key, any Arabic alias from the
vocabulary (``bot/extract/data/parties.toml``: capitals, institutions, «الناتو»,
«أمريكا»), its English name or an English alias (US, USA, UK, DPRK). Text is compared
after normalisation (hamza, ta marbuta, diacritics, Latin case, dots: «U.S.» = «us»),
transliteration folding (بيونغ = بيونج) and without a leading «ال». Substrings never
match («us» is not in «Russia»). When no name matches whole, a name whose every word is
a whole word of some party names («كوريا», «Korea», «الشمالية») gives the candidates;
more than one is ambiguous and the reader is asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.arabic.fold import fold
from bot.extract.vocabulary import vocabulary

_WORD = re.compile(r"\w+")
#: words that never decide a party on their own ("of" in "Republic of Korea")
_FILLER = frozenset({"the", "of", "and", "people's", "people", "s"})


def _key_words(name: str) -> tuple[str, ...]:
    """A name's matching words: folded, dots and apostrophes dropped, no leading «ال»."""
    text = fold(name).replace(".", "").replace("'", "").replace("’", "")
    words = []
    for word in _WORD.findall(text):
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
        words.append(word)
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return tuple(words)


@dataclass(frozen=True)
class PartyLookup:
    """Names of the parties that reacted, normalised once at start-up."""

    exact: Mapping[tuple[str, ...], frozenset[str]]
    words: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, parties: Iterable[str], english: Mapping[str, str]) -> PartyLookup:
        """Index ``parties`` (Arabic keys) by every name the vocabulary knows for them."""
        vocab = vocabulary()
        aliases: dict[str, set[str]] = {}
        for tokens, key in vocab.party_aliases:
            aliases.setdefault(key, set()).add(" ".join(tokens))
        exact: dict[tuple[str, ...], set[str]] = {}
        words: dict[str, set[str]] = {}
        for party in parties:
            names = {party, *aliases.get(party, ()), *vocab.party_english_aliases.get(party, ())}
            for en in (english.get(party), vocab.party_english.get(party)):
                if en:
                    names.add(en)
            for name in names:
                name_words = _key_words(name)
                if not name_words:
                    continue
                exact.setdefault(name_words, set()).add(party)
                for word in name_words:
                    if word not in _FILLER:
                        words.setdefault(word, set()).add(party)
        return cls(
            {k: frozenset(v) for k, v in exact.items()},
            {k: frozenset(v) for k, v in words.items()},
        )

    def candidates(self, wanted: str) -> list[str]:
        """The parties ``wanted`` names: one when it names one, several when ambiguous,
        none when nothing matches whole names or whole words. Sorted for stable buttons."""
        key = _key_words(wanted)
        if not key:
            return []
        if key in self.exact:
            return sorted(self.exact[key])
        found: set[str] | None = None
        for word in key:
            if word in _FILLER and len(key) > 1:
                continue
            parties = self.words.get(word, frozenset())
            found = set(parties) if found is None else found & parties
        return sorted(found or ())
