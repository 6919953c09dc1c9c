"""Whole clauses, never fragments (issue 12, point 3).

A reported clause cut after its complementiser can read as a fragment:

- "تقول كييف وواشنطن إن جنودا كوريين شماليين على وشك …": after "إن" the subject is in
  the accusative ("جنودا"); alone, "جنودا كوريين …" is ungrammatical. Such a clause is
  shown from its speech verb ("تقول كييف وواشنطن إن جنودا …").
- "وتراقب كوريا الجنوبية والولايات المتحدة الزيارة … وعبرتا عن قلقهما": a verb whose
  subject is several parties named before it, shown under one of them, reads as a
  fragment; the whole sentence is shown.
"""

from __future__ import annotations

from bot.extract.speakers import Toks, nationality_at, party_at, tokenize
from bot.extract.vocabulary import Vocabulary, variants

#: the tanween of the accusative, when the writer put it in
_TANWEEN_FATH = "\u064b"


def needs_governor(words: str, v: Vocabulary) -> bool:
    """Does a reported clause open with an indefinite accusative noun ("جنودا", "عددًا"),
    which reads as a fragment without the "إن/أن" and verb that govern it?"""
    toks = tokenize(words)
    first = next((t for t in toks if t.word), None)
    if first is None or first.norm.startswith("ال") or len(first.norm) < 4:
        return False
    if _TANWEEN_FATH in first.text:
        return True
    if not first.norm.endswith("ا") or _is_place(toks, toks.index(first), v):
        return False
    # "جنودا كوريين": an indefinite noun with its indefinite adjective or number after it
    nxt = next((t for t in toks[toks.index(first) + 1 :] if t.word), None)
    return nxt is not None and not nxt.norm.startswith("ال") and nxt.norm.endswith(("ين", "يه"))


#: complementisers carrying the clause's subject as a pronoun ("إنه يرقى", "بأنه وثيقة")
_PRONOUN_THAT = frozenset({"انه", "انها", "بانه", "بانها", "انهم", "بانهم", "انهما", "بانهما"})


def pronoun_subject(toks: Toks, start: int, stop: int) -> bool:
    """Is the first complementiser between ``start`` and ``stop`` one that carries the
    clause's subject ("وقال كيم إنه يرقى إلى مستوى التحالف", "وصف الاتفاق بأنه “وثيقة
    ثورية”")? Cut after it, the clause loses what "it" is."""
    for t in toks[start:stop]:
        if t.word and t.norm in _THAT_WORDS:
            return t.norm in _PRONOUN_THAT
    return False


_THAT_WORDS = _PRONOUN_THAT | {"ان", "بان"}


def _is_place(toks: Toks, i: int, v: Vocabulary) -> bool:
    if party_at(toks, i, v) or nationality_at(toks, i, v):
        return True
    return any(x in v.single_word_places or x in v.place_words for x in variants(toks[i].norm))


def whole_sentence(text: str) -> str:
    """The sentence as a statement's words, as written without its final stop."""
    return text.strip().rstrip(" .")


__all__ = ["needs_governor", "pronoun_subject", "whole_sentence"]
