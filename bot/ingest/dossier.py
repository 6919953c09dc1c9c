"""The dossier's definition (``seeds/dossier.toml``): title, description, relevance terms.

Relevance is counted on normalised words (see :func:`bot.arabic.normalize.normalize`),
so spelling variants of hamza, taa marbuta and diacritics all match, and a term may carry
one attached conjunction or preposition (و ف ب ل ك). No story's names are hard-coded
here: the terms live in the TOML beside the seeds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.arabic.normalize import normalize
from bot.arabic.tokens import words
from bot.digest.subject import Subject, subject_of
from bot.errors import CorpusError

DOSSIER_FILE = "dossier.toml"


@dataclass(frozen=True)
class Dossier:
    title_ar: str
    title_en: str
    description_ar: str
    description_en: str
    terms: tuple[str, ...]
    min_terms: int = 2
    min_body_chars: int = 400
    languages: tuple[str, ...] = ("ar",)

    def matched_terms(self, text: str) -> list[str]:
        """The dossier terms found in ``text`` (each once, in the dossier's order)."""
        padded = " " + " ".join(normalize(w) for w in words(text)) + " "
        return [
            term
            for term, rx in zip(self.terms, _patterns(self.terms), strict=True)
            if rx.search(padded)
        ]


def dossier_subject(dossier: Dossier) -> Subject:
    """What the digests weigh as the dossier's subject: its terms, title and description
    (the same as :func:`bot.digest.subject.load_subject` reads from the file)."""
    return subject_of(dossier.terms, (dossier.title_ar, dossier.description_ar))


def _patterns(terms: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [_pattern(t) for t in terms]


_CACHE: dict[str, re.Pattern[str]] = {}


def _pattern(term: str) -> re.Pattern[str]:
    rx = _CACHE.get(term)
    if rx is None:
        folded = " ".join(normalize(w) for w in words(term))
        rx = _CACHE[term] = re.compile(r" [وفبلك]?" + re.escape(folded) + " ")
    return rx


def load_dossier(path: Path) -> Dossier:
    """Read and check ``dossier.toml``; a malformed file is a :class:`CorpusError`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read the dossier definition: {exc}") from exc
    try:
        terms = tuple(str(t).strip() for t in data["terms"] if str(t).strip())
        dossier = Dossier(
            title_ar=str(data["title_ar"]),
            title_en=str(data["title_en"]),
            description_ar=str(data.get("description_ar", "")),
            description_en=str(data.get("description_en", "")),
            terms=terms,
            min_terms=int(data.get("min_terms", 2)),
            min_body_chars=int(data.get("min_body_chars", 400)),
            languages=tuple(str(x) for x in data.get("languages", ["ar"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"{path}: missing or malformed field: {exc}") from exc
    if not dossier.terms or dossier.min_terms < 1:
        raise CorpusError(f"{path}: needs at least one term and min_terms >= 1")
    return dossier
