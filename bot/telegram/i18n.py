"""The UI string catalogue: every user-facing string in Arabic and English, in one place.

Strings live in ``bot/telegram/locales/*.toml``; every file is loaded and merged, so a
feature can ship its own file (``core.toml`` for the commands, ``subscriptions.toml`` for
delivery). Each file maps a key to a table with one entry per language::

    [welcome]
    ar = "مرحبًا {name}"
    en = "Welcome {name}"

Placeholders use :meth:`str.format`; callers pass values already HTML-escaped when the
string is sent in HTML parse mode. Arabic is the default language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from importlib import resources
from typing import Any, Final, Literal

Lang = Literal["ar", "en"]
LANGS: Final[tuple[Lang, ...]] = ("ar", "en")
DEFAULT_LANG: Final[Lang] = "ar"
_USER_DATA_KEY: Final = "lang"
_AUTO_KEY: Final = "lang_auto"


class CatalogueError(Exception):
    """A locale file is malformed, duplicates a key, or misses a language."""


def _parse(name: str, text: str) -> dict[str, dict[Lang, str]]:
    data = tomllib.loads(text)
    out: dict[str, dict[Lang, str]] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict):
            raise CatalogueError(f"{name}: [{key}] must be a table of languages")
        langs: dict[Lang, str] = {}
        for lang in LANGS:
            value = entry.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise CatalogueError(f"{name}: [{key}] has no {lang!r} text")
            langs[lang] = value
        extra = set(entry) - set(LANGS)
        if extra:
            raise CatalogueError(f"{name}: [{key}] has unknown languages {sorted(extra)}")
        out[key] = langs
    return out


def merge_catalogues(files: Mapping[str, str]) -> dict[str, dict[Lang, str]]:
    """Merge locale files (name → TOML text); a key defined twice is an error."""
    merged: dict[str, dict[Lang, str]] = {}
    for name in sorted(files):
        for key, langs in _parse(name, files[name]).items():
            if key in merged:
                raise CatalogueError(f"{name}: key {key!r} is already defined in another file")
            merged[key] = langs
    return merged


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[Lang, str]]:
    """All strings from every ``locales/*.toml`` shipped with the package (read once)."""
    folder = resources.files("bot.telegram").joinpath("locales")
    files = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }
    return merge_catalogues(files)


def coerce_lang(value: object) -> Lang:
    """A supported language code from ``value`` (e.g. ``"EN"``, ``"en-GB"``), else Arabic."""
    if isinstance(value, str):
        code = value.strip().lower()[:2]
        if code == "en":
            return "en"
    return DEFAULT_LANG


def t(lang: Lang, key: str, **values: Any) -> str:
    """The string ``key`` in ``lang`` with ``values`` substituted."""
    try:
        template = catalogue()[key][lang]
    except KeyError as exc:
        raise KeyError(f"no UI string {key!r} for language {lang!r}") from exc
    return template.format(**values) if values else template


def lang_of(user_data: Mapping[str, object] | None) -> Lang:
    """The user's interface language, Arabic by default.

    An explicit choice made with /lang wins; otherwise the language worked out once for
    this user (:func:`set_auto_lang`: their subscription's language, else their Telegram
    client's) is used; otherwise Arabic.
    """
    if not user_data:
        return DEFAULT_LANG
    chosen = user_data.get(_USER_DATA_KEY)
    if chosen is not None:
        return coerce_lang(chosen)
    return coerce_lang(user_data.get(_AUTO_KEY))


def has_lang(user_data: Mapping[str, object] | None) -> bool:
    """True when the user's language is already known (chosen or worked out)."""
    if not user_data:
        return False
    return _USER_DATA_KEY in user_data or _AUTO_KEY in user_data


def chose_lang(user_data: Mapping[str, object] | None) -> bool:
    """True when the user picked a language with /lang (not merely worked out for them)."""
    return user_data is not None and _USER_DATA_KEY in user_data


def client_lang(language_code: str | None) -> Lang:
    """The UI language for a Telegram client's ``language_code``: Arabic for ``ar*`` and
    for a client that sends none, English for every other language (a French or Turkish
    reader is better served by English than by Arabic)."""
    code = (language_code or "").strip().lower()
    return DEFAULT_LANG if not code or code.startswith("ar") else "en"


def set_auto_lang(user_data: MutableMapping[str, object], lang: Lang) -> None:
    """Remember the language inferred for a user who has not chosen one with /lang."""
    user_data[_AUTO_KEY] = lang


def set_lang(user_data: MutableMapping[str, object], lang: Lang) -> None:
    """Remember a user's language choice."""
    user_data[_USER_DATA_KEY] = lang
