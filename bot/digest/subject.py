"""What the dossier is about, as a digest weighs it: the stems of its definition.

A dossier is defined by terms that make an article belong (``seeds/dossier.toml``:
"كوريا الشمالية", "الدفاع المشترك", …) and a title and description. A sentence is about
the dossier's subject to the degree it carries those terms: every term whose stems all
occur in the sentence counts its weight (1 for a term, less for a word of the title or
description, which say what the dossier is about less sharply). The digest ranks
sentences by this relevance beside their position (:mod:`bot.digest.rankers`), so an
article that opens with background still gives its sentences about the dossier.

Nothing here names a story: the terms come from the definition the dossier's owner
wrote (or, for the real-article evaluation, from what a story's search queries share).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.arabic.stem import stem
from bot.digest.tokenizer import ArabicTokenizer

#: the file beside the seeds that defines the dossier (read by the live intake too)
DOSSIER_FILE = "dossier.toml"
#: weight of a word of the dossier's title or description against a term's 1
TEXT_WEIGHT = 0.5

_TOKENIZER = ArabicTokenizer()


def content_stems(text: str) -> tuple[str, ...]:
    """The stems of a text's content words (stop words in any spelling dropped), in order."""
    return tuple(s for w in _TOKENIZER.to_words(text) if (s := stem(w)))


@dataclass(frozen=True, slots=True)
class Subject:
    """Weighted phrases (tuples of stems) that say what the dossier is about."""

    phrases: tuple[tuple[tuple[str, ...], float], ...]

    def relevance(self, text: str) -> float:
        """Sum of the weights of the phrases all of whose stems occur in ``text``."""
        have = frozenset(content_stems(text))
        return sum(w for stems, w in self.phrases if all(s in have for s in stems))

    def carried(self, text: str) -> tuple[int, ...]:
        """The positions (in :attr:`phrases`) of the phrases ``text`` carries, in order
        (an ordered sum of weights: a set's order would vary the float's last bits)."""
        have = frozenset(content_stems(text))
        return tuple(
            k for k, (stems, _w) in enumerate(self.phrases) if all(s in have for s in stems)
        )

    def describe(self) -> list[str]:
        """A stable, readable form (hashed into the build settings)."""
        return [f"{' '.join(stems)}:{weight:g}" for stems, weight in self.phrases]


def subject_of(terms: Iterable[str], texts: Iterable[str] = ()) -> Subject:
    """A subject from definition ``terms`` (weight 1 each, all their stems needed) and
    free ``texts`` (title, description: each content stem alone, :data:`TEXT_WEIGHT`)."""
    weights: dict[tuple[str, ...], float] = {}
    for term in terms:
        stems = tuple(dict.fromkeys(content_stems(term)))
        if stems:
            weights[stems] = max(weights.get(stems, 0.0), 1.0)
    covered = {s for stems in weights for s in stems}
    for text in texts:
        for s in content_stems(text):
            if s not in covered:
                weights[(s,)] = max(weights.get((s,), 0.0), TEXT_WEIGHT)
    return Subject(tuple(sorted(weights.items())))


def shared_subject(queries: Sequence[str], min_share: int = 2) -> Subject:
    """A subject from several descriptions of one story (its search queries): the stems
    at least ``min_share`` of them use — what they agree the story is about — each a
    term of weight 1. With fewer descriptions than ``min_share``, all their stems."""
    distinct = list(dict.fromkeys(q.strip() for q in queries if q.strip()))
    counts: dict[str, int] = {}
    for q in distinct:
        for s in set(content_stems(q)):
            counts[s] = counts.get(s, 0) + 1
    need = min(min_share, len(distinct))
    return Subject(tuple(((s,), 1.0) for s in sorted(counts) if counts[s] >= need))


def load_subject(path: Path) -> Subject | None:
    """The subject of a dossier definition file (its ``terms``, ``title_ar`` and
    ``description_ar``); None when there is no such file or it names no terms. The
    intake checks the file in full (:mod:`bot.ingest.dossier`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    terms = [str(t) for t in data.get("terms", []) if str(t).strip()]
    if not terms:
        return None
    texts = [str(data.get(k, "")) for k in ("title_ar", "description_ar")]
    return subject_of(terms, texts)
