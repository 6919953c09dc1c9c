"""Stance and party rules that look past a single cue word (issue 12, point 5).

- An **academic or analyst** (أستاذ، باحث، خبير، محلل …: ``analysts`` in roles.toml)
  comments; he does not speak for his country's government, so his reactions carry no
  party and sit with «محللون».
- An **accusation** by someone outside the agreement — one of its parties named as doing
  a military or hostile deed ("كوريا الشمالية نشرت 10 آلاف جندي", "جنودا كوريين شماليين
  على وشك الانضمام") — is critical, not a neutral report (``accusation`` in stance.toml).
- **Near-identical lines of one speaker** get one stance: a neutral line that says what
  the same speaker said elsewhere with a clear stance takes that stance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.arabic.stopwords import is_stop_word
from bot.extract.speakers import nationality_at, party_at, tokenize
from bot.extract.vocabulary import Vocabulary, strip_conjunction
from bot.model import Reaction

#: Lines of one speaker are near-identical when they share this many content stems …
SAME_LINE_MIN_SHARED = 2
#: … making up at least this share of the shorter line's content stems.
SAME_LINE_MIN_SHARE = 0.4


def is_analyst(role: str | None, v: Vocabulary) -> bool:
    """Does the role open with an academic's or analyst's word ("أستاذ العلاقات الدولية")?"""
    if not role or not role.strip():
        return False
    first = normalize(role).split()[0]
    forms = {first, strip_conjunction(first)}
    forms |= {f[2:] for f in forms if f.startswith("ال")}
    return bool(forms & v.analysts)


def names_signatory(words: str, signatories: frozenset[str], v: Vocabulary) -> bool:
    """Do the words name a party to the agreement (by name or nationality adjective)?"""
    toks = tokenize(words)
    for i in range(len(toks)):
        hit = nationality_at(toks, i, v) or party_at(toks, i, v)
        if hit and hit[1] in signatories:
            return True
    return False


def _content_stems(text: str, v: Vocabulary) -> frozenset[str]:
    """Content stems of a line, without stop words and without party names (two lines
    naming the same countries are not the same line for that)."""
    toks = tokenize(text)
    out: set[str] = set()
    skip_to = 0
    for i, t in enumerate(toks):
        if i < skip_to or not t.word:
            continue
        hit = nationality_at(toks, i, v) or party_at(toks, i, v)
        if hit:
            skip_to = i + hit[0]
            continue
        if t.norm.isdigit() or is_stop_word(t.text):
            continue
        s = stem(t.text)
        if len(s) >= 3:
            out.add(s)
    return frozenset(out)


def _near_identical(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    shorter = min(len(a), len(b))
    return (
        shared >= SAME_LINE_MIN_SHARED and shorter > 0 and shared / shorter >= SAME_LINE_MIN_SHARE
    )


def harmonise_stances(reactions: Sequence[Reaction], v: Vocabulary) -> list[Reaction]:
    """A neutral line takes the stance of the same speaker's near-identical lines when
    those agree on one (the most frequent clear stance among them); clear stances are
    never changed, so a speaker who both warns and praises keeps both."""
    stems = [_content_stems(r.quote, v) for r in reactions]
    by_actor: dict[str, list[int]] = {}
    for i, r in enumerate(reactions):
        if r.kind != "no_comment":
            by_actor.setdefault(r.actor_key, []).append(i)
    out = list(reactions)
    changed = True
    while changed:  # a line near-identical to a line that just took a stance takes it too
        changed = False
        for members in by_actor.values():
            for i in members:
                if out[i].stance != "neutral":
                    continue
                clear = Counter(
                    out[j].stance
                    for j in members
                    if j != i
                    and out[j].stance in ("supportive", "critical")
                    and _near_identical(stems[i], stems[j])
                )
                if len(clear) == 1:
                    out[i] = out[i].model_copy(update={"stance": next(iter(clear))})
                    changed = True
    return out


__all__ = ["harmonise_stances", "is_analyst", "names_signatory"]
