"""English names for people, roles, collective voices and outlets in the English UI.

The extractors keep names, roles and outlets as written (Arabic). An English reader sees
an office title in English when the role is a known title (``data/english.toml``)
followed by nothing or by a nationality adjective the vocabulary knows («الرئيس الروسي» →
"President" of Russia; «وزير الخارجية الأمريكي» → "Foreign Minister" of the United
States); any other role, and an outlet not listed, is shown as written — never guessed.

A person is named as English-language news spells them when ``data/people.toml`` knows
them («فلاديمير بوتين» → "Vladimir Putin"); otherwise the name is transliterated
(:mod:`bot.arabic.translit`) and the Arabic original follows it, so the reader can match
it with the Arabic quotes ("Aratyum Lukin (أرتيوم لوكين)"). The Arabic name stays the key
everywhere else (grouping, look-up, citations).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from bot.arabic.fold import fold
from bot.arabic.normalize import normalize
from bot.arabic.translit import transliterate_name
from bot.extract.vocabulary import vocabulary


@cache
def _tables() -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    text = resources.files("bot.extract").joinpath("data/english.toml").read_text("utf-8")
    data = tomllib.loads(text)
    roles = {tuple(normalize(k).split()): str(v) for k, v in data["roles"].items()}
    outlets = {normalize(k): str(v) for k, v in data["outlets"].items()}
    return roles, outlets


def role_english(role: str) -> tuple[str, str | None] | None:
    """(English title, the party its nationality adjective names) for a known role, or
    None when the role is not a known title (then it is shown as written)."""
    roles, _ = _tables()
    words = tuple(normalize(role).split())
    for size in range(len(words), 0, -1):
        title = roles.get(words[:size])
        if title is None:
            continue
        rest = words[size:]
        if not rest:
            return title, None
        party = dict(vocabulary().nationalities).get(rest)
        return (title, party) if party is not None else None
    return None


def role_name(role: str, party: str | None, english: dict[str, str]) -> str:
    """A role in English: «الرئيس الروسي» of a Russian speaker → "President"; of another
    party's speaker → "President of Russia"; unknown → as written."""
    found = role_english(role)
    if found is None:
        return role
    title, of = found
    if of is None or of == party:
        return title
    return f"{title} of {english.get(of) or vocabulary().party_english.get(of, of)}"


def outlet_english(name: str) -> str:
    """An outlet's English name when known, else as written."""
    return _tables()[1].get(normalize(name), name)


@cache
def _people() -> dict[str, str]:
    """Folded Arabic spelling (the key and every alias) → the English name."""
    text = resources.files("bot.extract").joinpath("data/people.toml").read_text("utf-8")
    table: dict[str, str] = {}
    for arabic, entry in tomllib.loads(text)["people"].items():
        for spelling in (arabic, *entry.get("aliases", ())):
            table[_key(spelling)] = str(entry["en"])
    return table


def _key(name: str) -> str:
    return " ".join(fold(name).replace("-", " ").split())


def person_english(name: str) -> str | None:
    """A person's conventional English name when the table knows them, else None."""
    return _people().get(_key(name))


def person_display(name: str) -> str:
    """A person as the English UI names them: "Vladimir Putin" when known, else the
    transliteration with the Arabic original: "Aratyum Lukin (أرتيوم لوكين)"."""
    known = person_english(name)
    if known is not None:
        return known
    latin = transliterate_name(name)
    return f"{latin} ({name})" if latin != name else name


def person_search_words(name: str) -> str:
    """The English names a reader may type for a person: the known one and the
    transliteration (both, so "Putin" and "Butin" find «بوتين»)."""
    return " ".join(dict.fromkeys(n for n in (person_english(name), transliterate_name(name)) if n))


def is_person(actor: str, role: str | None, party: str | None) -> bool:
    """A named person: a speaker with a role of their own, not a country speaking as
    itself, an office named by its title, a collective voice or an outlet."""
    if actor == party or role is None or normalize(role) == normalize(actor):
        return False
    first = set(normalize(actor).split()[:1])
    v = vocabulary()
    return not first & (v.collective | v.media | v.bodies)
