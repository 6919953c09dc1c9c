"""Generic vocabulary for the treaty and reaction extractors, loaded from TOML data files.

The word lists (roles, parties, nationality adjectives, speech verbs, stance and treaty
cues) live in ``bot/extract/data/`` so they can grow without touching code. Everything is
stored in its normalised form (:func:`bot.arabic.normalize.normalize`) because matching is
always done on normalised tokens; the party keys keep their written form for display.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem

_DATA = "bot.extract.data"

#: One-letter proclitics that glue onto a word: conjunctions, prepositions.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")


def _load(name: str) -> dict[str, Any]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _norm_all(items: list[str]) -> frozenset[str]:
    return frozenset(normalize(i) for i in items)


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    """Normalised multi-word phrases as token tuples, longest first (greedy matching)."""
    out = {tuple(normalize(i).split()) for i in items}
    return tuple(sorted(out, key=lambda p: (-len(p), p)))


@dataclass(frozen=True)
class Vocabulary:
    """All word lists, normalised; phrases are token tuples sorted longest first."""

    @cached_property
    def synonyms(self) -> dict[str, str]:
        """Stem → stem of its group's first word."""
        found: dict[str, str] = {}
        for group in self.synonym_groups:
            head = stem(group[0])
            for word in group:
                found.setdefault(stem(word), head)
        return found

    party_aliases: tuple[tuple[tuple[str, ...], str], ...]  # (alias tokens, party key)
    party_kinds: dict[str, str]
    party_english: dict[str, str]  # party key → the name an English reader sees
    nationalities: tuple[tuple[tuple[str, ...], str], ...]  # (adjective tokens, party key)
    role_heads: frozenset[str]
    role_phrases: tuple[tuple[str, ...], ...]
    role_complements: frozenset[str]
    media: frozenset[str]
    independent: frozenset[str]
    collective: frozenset[str]
    bodies: frozenset[str]
    name_stop: frozenset[str]
    single_word_places: frozenset[str]
    place_words: frozenset[str]
    speech_verbs: frozenset[str]
    continuations: frozenset[str]
    attribution: frozenset[str]
    speech_nouns: frozenset[str]
    needs_about: frozenset[str]
    needs_object: frozenset[str]
    speech_objects: frozenset[str]
    no_comment: tuple[tuple[str, ...], ...]
    no_comment_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    report_verbs: frozenset[str]
    clause_breaks: tuple[tuple[str, ...], ...]
    clause_breaks_after_comma: tuple[tuple[str, ...], ...]
    critical: tuple[tuple[str, ...], ...]
    ties: tuple[tuple[str, ...], ...]
    welcome: tuple[tuple[str, ...], ...]
    supportive: tuple[tuple[str, ...], ...]
    topic: frozenset[str]
    treaty_words: frozenset[str]
    clause_words: frozenset[str]
    obligation_cues: tuple[tuple[str, ...], ...]
    replaces_cues: tuple[tuple[str, ...], ...]
    external_words: frozenset[str]
    joint_verbs: frozenset[str]
    joint_heads: frozenset[str]
    joint_complement_heads: frozenset[str]
    joint_documents: tuple[tuple[str, ...], ...]
    joint_occasions: tuple[tuple[str, ...], ...]
    ordinals: tuple[tuple[tuple[str, ...], int], ...]
    #: treaty synonym groups as written; :attr:`synonyms` stems them on first use (stemming
    #: loads NLTK, which a serving process reading other lists never needs)
    synonym_groups: tuple[tuple[str, ...], ...]
    strip_leading: frozenset[str]
    party_index: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    nationality_index: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    #: party key → other English names a reader may type ("USA", "DPRK"), as written
    party_english_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _adjective_forms(adjective: str) -> list[str]:
    """The adjective, its feminine ("الكورية الشمالية") and plurals ("الكوريين الشماليين",
    "الكوريون الشماليون"), each also without "ال"."""
    words = adjective.split()
    forms = [words]
    for suffix in ("ة", "ين", "ون"):
        forms.append([w + suffix if w.endswith("ي") else w for w in words])
    bare = [[w[2:] if w.startswith("ال") else w for w in f] for f in forms]
    return [" ".join(f) for f in forms + bare]


@cache
def vocabulary() -> Vocabulary:
    """Load and normalise every data file once per process."""
    parties = _load("parties.toml")["parties"]
    aliases: set[tuple[tuple[str, ...], str]] = set()
    kinds: dict[str, str] = {}
    english: dict[str, str] = {}
    english_aliases: dict[str, tuple[str, ...]] = {}
    for key, entry in parties.items():
        kinds[key] = str(entry.get("kind", "country"))
        english[key] = str(entry["en"])
        english_aliases[key] = tuple(str(a) for a in entry.get("en_aliases", ()))
        for alias in [key, *entry["aliases"]]:
            aliases.add((tuple(normalize(alias).split()), key))
    nat: set[tuple[tuple[str, ...], str]] = set()
    for adjective, party in _load("nationalities.toml")["nationalities"].items():
        for form in _adjective_forms(adjective):
            nat.add((tuple(normalize(form).split()), party))
    roles = _load("roles.toml")["roles"]
    speech = _load("speech_verbs.toml")["speech"]
    joint = _load("treaty_cues.toml")["joint"]
    stance = _load("stance.toml")["stance"]
    treaty = _load("treaty_cues.toml")
    cues = treaty["treaty"]
    ordinals: set[tuple[tuple[str, ...], int]] = set()
    for word, number in treaty["ordinals"].items():
        ordinals.add((tuple(normalize(word).split()), int(number)))

    def longest_first(
        items: set[tuple[tuple[str, ...], Any]],
    ) -> tuple[tuple[tuple[str, ...], Any], ...]:
        return tuple(sorted(items, key=lambda p: (-len(p[0]), p[0], str(p[1]))))

    heads = [h for h in roles["heads"] if " " not in h]
    party_aliases = longest_first(aliases)
    nationalities = longest_first(nat)
    return Vocabulary(
        synonym_groups=tuple(tuple(group) for group in treaty["synonyms"]["groups"]),
        strip_leading=_norm_all(treaty["object"]["strip_leading"]),
        party_index=_index(party_aliases),
        nationality_index=_index(nationalities),
        party_aliases=party_aliases,
        party_kinds=kinds,
        party_english=english,
        party_english_aliases=english_aliases,
        nationalities=nationalities,
        role_heads=_norm_all(heads),
        role_phrases=_phrases([h for h in roles["heads"] if " " in h]),
        role_complements=_norm_all(roles["complements"]),
        media=_norm_all(roles["media"]),
        independent=_norm_all(roles["independent"]),
        collective=_norm_all(roles["collective"]),
        bodies=_norm_all(roles["bodies"]),
        name_stop=_norm_all(_load("roles.toml")["names"]["stop"]),
        place_words=frozenset(w for ws, _ in aliases for w in ws if len(ws) > 1) - {"ال"},
        single_word_places=frozenset(w[0] for w, _ in (*aliases, *nat) if len(w) == 1),
        speech_verbs=_norm_all(speech["verbs"]),
        continuations=_norm_all(speech["continuations"]),
        attribution=_norm_all(speech["attribution"]),
        speech_nouns=_norm_all(speech["nouns"]),
        needs_about=_norm_all(speech["needs_about"]),
        needs_object=_norm_all(speech["needs_object"]),
        speech_objects=_norm_all(speech["speech_objects"]),
        no_comment=_phrases(speech["no_comment"]),
        no_comment_verbs=_norm_all(speech["no_comment_verbs"]),
        denial_verbs=_norm_all(speech["denial"]),
        report_verbs=_norm_all(speech["report"]),
        clause_breaks=_phrases(speech["clause_breaks"]),
        clause_breaks_after_comma=_phrases(speech["clause_breaks_after_comma"]),
        critical=_phrases(stance["critical"]),
        ties=_phrases(stance["ties"]),
        welcome=_phrases(stance["welcome"]),
        supportive=_phrases(stance["supportive"]),
        topic=_norm_all(stance["topic"]),
        treaty_words=_norm_all(cues["treaty_words"]),
        clause_words=_norm_all(cues["clause_words"]),
        obligation_cues=_phrases(cues["obligation_cues"]),
        replaces_cues=_phrases(cues["replaces_cues"]),
        external_words=_norm_all(cues["external_words"]),
        joint_verbs=_norm_all(joint["verbs"]),
        joint_heads=_norm_all(joint["heads"]),
        joint_complement_heads=_norm_all(joint["complement_heads"]),
        joint_documents=_phrases(joint["documents"]),
        joint_occasions=_phrases(joint["occasions"]),
        ordinals=longest_first(ordinals),
    )


def _index(
    phrases: tuple[tuple[tuple[str, ...], str], ...],
) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """Phrases grouped by first word, each group still longest first."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, value in phrases:
        out.setdefault(words[0], []).append((words, value))
    return {k: tuple(v) for k, v in out.items()}


def strip_conjunction(token: str) -> str:
    """Drop one leading و/ف from a normalised token when a word of ≥3 letters remains."""
    if len(token) > 3 and token[0] in CONJUNCTIONS:
        return token[1:]
    return token


@cache
def variants(token: str) -> tuple[str, ...]:
    """A normalised token and its forms without و/ف and ب/ل/ك proclitics ("وبروسيا" → "روسيا").

    "لل" + word is the preposition ل before the article: "للولايات" → "الولايات".
    """
    out = [token]
    core = strip_conjunction(token)
    if core != token:
        out.append(core)
    for t in list(out):
        if len(t) > 3 and t[0] in PREPOSITIONS:
            rest = t[1:]
            out.append(rest)
            if rest.startswith("ل") and t[0] == "ل":
                out.append("ا" + rest)
    return tuple(dict.fromkeys(out))
