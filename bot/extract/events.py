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


@cache
def _classes() -> Mapping[str, re.Pattern[str]]:
    raw = tomllib.loads(_DATA.read_text("utf-8"))["classes"]
    out: dict[str, re.Pattern[str]] = {}
    for name, forms in raw.items():
        folded = sorted({normalize(f) for f in forms}, key=len, reverse=True)
        alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in folded)
        out[name] = re.compile(rf"(?<![^\W\d_]){_PREFIX}(?:{alts}){_SUFFIX}(?![^\W\d_])")
    return out


@lru_cache(maxsize=65536)
def event_classes(text: str) -> frozenset[str]:
    """Classes of event predicates occurring in ``text`` (empty: not an event clause)."""
    folded = normalize(text)
    return frozenset(name for name, pat in _classes().items() if pat.search(folded))
