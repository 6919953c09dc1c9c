"""Does a cited sentence say what its line says? The build's citation check.

A line of the timeline, the treaty screen or the reactions cites sentences as its
evidence. A citation is *supported* when the cited sentence contains the line's own
words — the event, provision clause or quotation as the line shows it — after
normalisation (hamza, ta marbuta, diacritics, transliteration folding), or at least
:data:`MIN_OVERLAP` of the line's content words (stems, stop words left out). A timeline
event merged from several reports is also carried by a sentence that reports its main
predicate (a signing told in other words: the event classes of bot.extract.events),
unless that predicate is a statement, which must be carried in its own words. A sentence
that only shares the day or the speaker (a different statement of the same day, a
sentence about the war cited for a line about sanctions) is not.

:func:`drop_unsupported` is the pure filter the build applies: unsupported citations are
removed and an item left with none is removed, so the committed cache cites only
sentences that carry their line; the dropped ones are returned for the build's report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.arabic.fold import fold
from bot.arabic.stem import stem
from bot.arabic.stopwords import STOP_WORDS
from bot.extract.events import event_classes
from bot.extract.treaty import shared_concepts
from bot.model import Cache, Evidence

MIN_OVERLAP = 0.6
_WORD = re.compile(r"\w+")
Kind = Literal["timeline", "treaty", "reaction"]


@dataclass(frozen=True)
class Unsupported:
    """One citation whose sentence does not carry its line."""

    kind: Kind
    line: str
    evidence: Evidence

    def describe(self) -> str:
        ev = self.evidence
        return (
            f"{self.kind}: «{_short(self.line)}» cites {ev.article_id} sentence "
            f"{ev.sentence_index + 1}: «{_short(ev.text)}»"
        )


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _flat(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


def content_stems(text: str) -> set[str]:
    """The stems of ``text``'s content words (stop words and digits left out)."""
    words = _WORD.findall(fold(text))
    return {stem(w) for w in words if w not in STOP_WORDS and not w.isdigit() and len(w) > 1}


def supports(sentence: str, line: str) -> bool:
    """True when ``sentence`` carries ``line``: contains it, or most of its content."""
    flat_line, flat_sentence = _flat(line), _flat(sentence)
    if not flat_line or flat_line in flat_sentence:
        return True
    wanted = content_stems(line)
    if not wanted:
        return True
    return len(wanted & content_stems(sentence)) / len(wanted) >= MIN_OVERLAP


def main_predicate(text: str) -> frozenset[str]:
    """The event class(es) of the first event word in ``text`` («وفرض الغرب … عقوبات …
    ردا على غزو» → sanction, not war)."""
    words = text.split()
    for end in range(1, len(words) + 1):
        if found := event_classes(" ".join(words[:end])):
            return found
    return frozenset()


def supports_event(sentence: str, line: str) -> bool:
    """An event's sentence carries its words, or reports its main predicate (a signing
    reported in other words); a statement's sentence must carry the statement."""
    if supports(sentence, line):
        return True
    predicate = main_predicate(line) - {"say"}
    return bool(predicate & event_classes(sentence))


def supports_provision(sentence: str, line: str) -> bool:
    """A provision's sentence carries its clause, or reports it in other words naming two
    of its legal concepts ("مساعدة عسكرية دون تأخير في حال تعرض أي منهما لهجوم" for the
    mutual-defence clause): outlets paraphrase treaty text more than they quote it."""
    return supports(sentence, line) or shared_concepts(sentence, line) >= 2


_CHECKS = {"timeline": supports_event, "treaty": supports_provision, "reaction": supports}


def unsupported(cache: Cache) -> list[Unsupported]:
    """Every citation in ``cache`` whose sentence does not carry its line."""
    found: list[Unsupported] = []
    for kind, line, sources in _lines(cache):
        found += [
            Unsupported(kind, line, ev) for ev in sources if not _verdict(kind, ev.text, line)
        ]
    return found


@lru_cache(maxsize=1 << 17)
def _verdict(kind: Kind, sentence: str, line: str) -> bool:
    """Memoised check: the live cache re-checks a dossier whose citations are almost all
    the ones checked at the previous article."""
    return _CHECKS[kind](sentence, line)


def _lines(cache: Cache) -> list[tuple[Kind, str, Sequence[Evidence]]]:
    lines: list[tuple[Kind, str, Sequence[Evidence]]] = []
    lines += [("timeline", e.text, e.sources) for e in cache.timeline]
    lines += [("treaty", p.text, p.sources) for p in cache.treaty_articles]
    lines += [("reaction", r.quote, r.sources) for r in cache.reactions]
    return lines


def drop_unsupported(cache: Cache) -> tuple[Cache, list[Unsupported]]:
    """``cache`` without unsupported citations (and items left without any); the dropped."""
    dropped = unsupported(cache)
    if not dropped:
        return cache, []
    bad = {(d.kind, d.line, d.evidence) for d in dropped}

    def keep(kind: Kind, line: str, sources: Sequence[Evidence]) -> list[Evidence]:
        return [ev for ev in sources if (kind, line, ev) not in bad]

    timeline = [
        e.model_copy(update={"sources": kept})
        for e in cache.timeline
        if (kept := keep("timeline", e.text, e.sources))
    ]
    treaty = [
        p.model_copy(update={"sources": kept})
        for p in cache.treaty_articles
        if (kept := keep("treaty", p.text, p.sources))
    ]
    reactions = [
        r.model_copy(update={"sources": kept})
        for r in cache.reactions
        if (kept := keep("reaction", r.quote, r.sources))
    ]
    update = {"timeline": timeline, "treaty_articles": treaty, "reactions": reactions}
    return cache.model_copy(update=update), dropped
