"""Scoring treaty provisions and reactions against hand-annotated gold files.

Shared by tests/test_treaty_quality.py, tests/test_reactions_quality.py and
bench/evaluate_extraction.py, so the number a test asserts is the number the bench
prints; :class:`Counts`, :func:`cited` and :func:`first_sentence` also serve the timeline
scoring (bot/extract/timeline_gold.py). Gold evidence names sentences by a verbatim
snippet of their text (matched after normalisation), so the gold survives changes in
sentence numbering; a snippet that no sentence contains is an error, never silently
dropped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.arabic.normalize import normalize
from bot.corpus_types import Article
from bot.errors import DigestbotError
from bot.extract.speakers import fold_name_token, tokens_close
from bot.extract.vocabulary import vocabulary
from bot.model import Reaction, TreatyArticle

Key = tuple[str, int]


class GoldError(DigestbotError):
    """A gold file names a sentence that the corpus does not contain."""


@dataclass(frozen=True, slots=True)
class GoldReaction:
    actor: str
    party: str | None
    stance: str
    evidence: frozenset[Key]


@dataclass(frozen=True, slots=True)
class GoldProvision:
    what: str
    number: int | None
    keywords: tuple[str, ...]
    evidence: frozenset[Key]


@dataclass(frozen=True, slots=True)
class Counts:
    """How many extracted items matched gold items, of how many extracted and gold."""

    matched: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Score(Counts):
    """One-to-one matches between extracted items and gold items."""

    false_positives: tuple[str, ...]  # short descriptions of unmatched extracted items
    missed: tuple[str, ...]  # descriptions of unmatched gold items


def first_sentence(
    article: Article, piece: str, fold: Callable[[str], str] | None = None
) -> int | None:
    """Index of the first sentence of ``article`` that contains ``piece`` (both passed
    through ``fold`` when given), or None."""
    if fold is None:
        return next((s.index for s in article.sentences if piece in s.text), None)
    want = fold(piece)
    return next((s.index for s in article.sentences if want in fold(s.text)), None)


def cited(sources: Sequence[Any]) -> frozenset[Key]:
    """The (article id, sentence index) pairs that an extracted item's sources cite."""
    return frozenset((e.article_id, e.sentence_index) for e in sources)


def _find(articles: Sequence[Article], article_id: str, snippet: str) -> Key:
    for a in articles:
        if a.id == article_id and (index := first_sentence(a, snippet, normalize)) is not None:
            return (a.id, index)
    raise GoldError(f"gold snippet not found in article {article_id}: {snippet!r}")


def _evidence(articles: Sequence[Article], sources: list[list[str]]) -> frozenset[Key]:
    return frozenset(_find(articles, aid, snippet) for aid, snippet in sources)


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_reaction_gold(path: Path, articles: Sequence[Article]) -> list[GoldReaction]:
    """Read ``[[reaction]]`` entries, resolving each snippet to (article id, sentence index)."""
    return [
        GoldReaction(
            actor=e["actor"],
            party=e["party"] or None,
            stance=e["stance"],
            evidence=_evidence(articles, e["sources"]),
        )
        for e in _load(path)["reaction"]
    ]


def load_treaty_gold(path: Path, articles: Sequence[Article]) -> list[GoldProvision]:
    """Read ``[[provision]]`` entries, resolving each snippet to (article id, sentence index)."""
    return [
        GoldProvision(
            what=e["what"],
            number=e.get("number"),
            keywords=tuple(normalize(k) for k in e.get("keywords", [])),
            evidence=_evidence(articles, e["sources"]),
        )
        for e in _load(path)["provision"]
    ]


def _party_of(name: str) -> str | None:
    norm = tuple(normalize(name).split())
    for words, party in vocabulary().party_aliases:
        if words == norm:
            return party
    return None


def actor_matches(gold_actor: str, reaction: Reaction) -> bool:
    """Gold names the actor by any of its words ("بوتين") or by a party alias ("الناتو")."""
    gold_party = _party_of(gold_actor)
    if gold_party is not None and reaction.actor == gold_party:
        return True
    got = [fold_name_token(w) for w in f"{reaction.actor} {reaction.actor_key}".split()]
    want = [fold_name_token(w) for w in gold_actor.split()]
    return any(tokens_close(w, g) for w in want if len(w) >= 3 for g in got)


def score_reactions(extracted: Sequence[Reaction], gold: Sequence[GoldReaction]) -> Score:
    """An extracted reaction is right when it cites a gold statement's sentence and has its
    actor, party and stance; each gold statement is matched at most once."""
    used: set[int] = set()
    wrong: list[str] = []
    for r in extracted:
        keys = cited(r.sources)
        hit = next(
            (
                i
                for i, g in enumerate(gold)
                if i not in used
                and g.evidence & keys
                and actor_matches(g.actor, r)
                and g.party == r.party
                and g.stance == r.stance
            ),
            None,
        )
        if hit is None:
            where = ",".join(f"{a}:{i}" for a, i in sorted(keys))
            wrong.append(f"{r.actor} [{r.party}] {r.stance} @{where}: {r.quote[:60]}")
        else:
            used.add(hit)
    missed = [
        f"{g.actor} [{g.party}] {g.stance} @" + ",".join(f"{a}:{i}" for a, i in sorted(g.evidence))
        for i, g in enumerate(gold)
        if i not in used
    ]
    return Score(len(used), len(extracted), len(gold), tuple(wrong), tuple(missed))


def _provision_matches(g: GoldProvision, p: TreatyArticle) -> bool:
    if g.number is not None:
        return p.number == g.number
    if p.number is not None or not (g.evidence & cited(p.sources)):
        return False
    text = normalize(f"{p.title} {p.text}")
    return all(any(alt in text for alt in k.split("|")) for k in g.keywords)


def score_treaty(extracted: Sequence[TreatyArticle], gold: Sequence[GoldProvision]) -> Score:
    """A provision is right when it has the gold number, or (unnumbered) cites one of the
    gold sentences and contains the gold keywords; duplicates count as extra items."""
    used: set[int] = set()
    wrong: list[str] = []
    for p in extracted:
        hit = next(
            (i for i, g in enumerate(gold) if i not in used and _provision_matches(g, p)), None
        )
        if hit is None:
            wrong.append(f"{p.number} {p.title[:70]}")
        else:
            used.add(hit)
    missed = [f"{g.number} {g.what}" for i, g in enumerate(gold) if i not in used]
    return Score(len(used), len(extracted), len(gold), tuple(wrong), tuple(missed))
