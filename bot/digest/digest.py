"""One article → its digest: candidates, a ranker, the shared selection rule."""

from __future__ import annotations

from dataclasses import dataclass

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.corpus_types import Article
from bot.digest.rankers import RANKERS
from bot.digest.select import (
    CHAR_BUDGET,
    MAX_SENTENCES,
    MIN_SENTENCES,
    Candidate,
    candidates,
    choose,
    dangling_reference,
)
from bot.digest.subject import Subject

#: chosen by docs/digest-evaluation.md (bench/evaluate_digests.py)
DEFAULT_ALGORITHM = "luhn+lead"


@dataclass(frozen=True, slots=True)
class DigestChoice:
    """The digest of one article: sentence indices and the sentences as written, in order."""

    article_id: str
    algorithm: str
    indices: tuple[int, ...]
    sentences: tuple[str, ...]


def _chars(chosen: list[Candidate]) -> int:
    return sum(len(c.text) for c in chosen)


def digest_article(
    article: Article,
    algorithm: str = DEFAULT_ALGORITHM,
    *,
    min_sentences: int = MIN_SENTENCES,
    max_sentences: int = MAX_SENTENCES,
    budget: int = CHAR_BUDGET,
    subject: Subject | None = None,
) -> DigestChoice:
    """Digest ``article`` with the named ranker (``lead`` or a sumy summarizer); the
    fused rankers also weigh relevance to the dossier's ``subject`` when given."""
    try:
        ranker = RANKERS[algorithm]
    except KeyError:
        known = ", ".join(sorted(RANKERS))
        raise ValueError(f"unknown digest algorithm {algorithm!r}; known: {known}") from None
    pool = candidates(
        [(s.index, s.text) for s in article.sentences],
        normalize=normalize,
        title=article.meta.title,
    )
    order = ranker([c.text for c in pool], article.meta.title, subject)
    ranked = [pool[i] for i in order]

    def pick(among: list[Candidate]) -> list[Candidate]:
        return choose(
            among, min_sentences=min_sentences, max_sentences=max_sentences, budget=budget
        )

    picked = pick(ranked)
    # a sentence whose «هذه الزيارة» the sentence before it does not name is left out and
    # the digest chosen again — unless that breaks the length rules (the lead stays pure)
    while algorithm != "lead" and (bad := dangling_reference(picked, normalize, stem, pool)):
        ranked = [c for c in ranked if c is not bad]
        again = pick(ranked)
        fits = sum(len(c.text) for c in again) <= max(budget, _chars(picked))
        if len(again) < min(min_sentences, len(picked)) or not fits:
            break
        picked = again
    return DigestChoice(
        article_id=article.id,
        algorithm=algorithm,
        indices=tuple(c.index for c in picked),
        sentences=tuple(c.text for c in picked),
    )
