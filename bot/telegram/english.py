"""English names for roles, collective voices and outlets in the English UI.

The extractors keep roles and outlets as written (Arabic). An English reader sees an
office title in English when the role is a known title (``data/english.toml``) followed
by nothing or by a nationality adjective the vocabulary knows («الرئيس الروسي» →
"President" of Russia; «وزير الخارجية الأمريكي» → "Foreign Minister" of the United
States); any other role, and an outlet not listed, is shown as written — never guessed.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from bot.arabic.normalize import normalize
from bot.extract.vocabulary import vocabulary


@cache
def _tables() -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    text = resources.files("bot.telegram").joinpath("data/english.toml").read_text("utf-8")
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
