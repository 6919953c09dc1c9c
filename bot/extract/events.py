"""Event predicates: does a clause report something that happened (signed, visited, said …)?

The vocabulary is in ``data/events.toml`` by class; the class lets the timeline merge the
same happening reported in different words only when the kind of event agrees.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path

from bot.arabic.normalize import normalize

_DATA = Path(__file__).with_name("data") / "events.toml"
# clitics: conjunction, future س, preposition, article ("للانتخابات" = ل + الانتخابات)
_PREFIX = r"(?:[وف])?(?:س)?(?:لل|[لبك]?(?:ال)?)"
# pronoun/agreement endings; no nisba "ي": "الانتخابي"/"اجتماعي" are adjectives, not events
_SUFFIX = r"(?:ه|ها|هما|هم|ت|ا|وا|تا|ته|تها|تهما|ان|ين|ات|نا)?"


def imperfect_persons(form: str) -> set[str]:
    """ "يصل" (he arrives) → "تصل", "نصل": the other persons of a listed imperfect verb.

    Only single words of four letters or more starting with ي, so nouns are not touched;
    derived words that are other verbs ("توقع", to expect, from "يوقع") are listed under
    ``not_events`` in events.toml.
    """
    if " " in form or not form.startswith("ي") or len(form) < 3:
        return set()
    return {"ت" + form[1:], "ن" + form[1:]}


@cache
def _classes() -> Mapping[str, re.Pattern[str]]:
    data = tomllib.loads(_DATA.read_text("utf-8"))
    raw: dict[str, list[str]] = data["classes"]
    excluded = {normalize(w) for w in data["not_events"]["words"]}
    out: dict[str, re.Pattern[str]] = {}
    for name, forms in raw.items():
        folded = {normalize(f) for f in forms}
        folded = (folded | {v for f in folded for v in imperfect_persons(f)}) - excluded
        folded_sorted = sorted(folded, key=len, reverse=True)
        alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in folded_sorted)
        out[name] = re.compile(rf"(?<![^\W\d_]){_PREFIX}(?:{alts}){_SUFFIX}(?![^\W\d_])")
    return out


@lru_cache(maxsize=65536)
def event_classes(text: str) -> frozenset[str]:
    """Classes of event predicates occurring in ``text`` (empty: not an event clause)."""
    folded = normalize(text)
    return frozenset(name for name, pat in _classes().items() if pat.search(folded))


@cache
def dated_names() -> frozenset[str]:
    """Normalised nouns a following date names ("موازنة 2025") rather than dates."""
    words: list[str] = tomllib.loads(_DATA.read_text("utf-8"))["dated_names"]["words"]
    return frozenset(normalize(w) for w in words)
