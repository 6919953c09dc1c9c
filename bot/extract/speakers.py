"""Speaker mentions: who a phrase names (person, role, party), found through generic cues.

Arabic news prose introduces a speaker through a role word ("الرئيس", "وزير", "المتحدث
باسم"), genitive complements and a nationality adjective or party name ("الروسي",
"حلف شمال الأطلسي"), then the name ("فلاديمير بوتين"), or the name first with an appositive
role ("جون كيربي منسق الاتصالات …"). Later mentions shorten to the surname or a role
("بوتين", "الرئيس الروسي"). This module parses such phrases from tokens and folds name
spellings so mentions of one person merge. No gazetteer of people: a name is any run of
words that is not a particle, a role, a party or a definite noun.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from bot.arabic.normalize import normalize
from bot.arabic.tokens import WORD_RE
from bot.extract.vocabulary import (
    PREPOSITIONS,
    Vocabulary,
    strip_conjunction,
    variants,
    vocabulary,
)

_TOKEN_RE = re.compile(rf"(?P<w>{WORD_RE.pattern})|(?P<p>[^\s\w])")
OPEN_QUOTES = frozenset('“«"„‘')
CLOSE_QUOTES = frozenset('”»"’')
#: Punctuation that ends a noun phrase.
BOUNDARY = frozenset("،,:؛;.!?؟()[]") | OPEN_QUOTES | CLOSE_QUOTES
MAX_NAME_TOKENS = 3

MentionKind = Literal["person", "role", "party", "collective", "media"]


@dataclass(frozen=True, slots=True)
class Tok:
    """A word or punctuation mark with its span in the sentence and its normalised form."""

    text: str
    norm: str
    start: int
    end: int
    word: bool


Toks = Sequence[Tok]


@lru_cache(maxsize=4096)
def tokenize(text: str) -> Toks:
    """Words (as :mod:`bot.arabic.tokens` cuts them) and single punctuation marks, in order."""
    return tuple(
        Tok(m.group(), _norm_word(m.group()), m.start(), m.end(), m.group("w") is not None)
        for m in _TOKEN_RE.finditer(text)
    )


@lru_cache(maxsize=65536)
def _norm_word(word: str) -> str:
    return normalize(word)


@dataclass(frozen=True, slots=True)
class Mention:
    """A parsed speaker phrase; ``start``/``end`` are token indices (end exclusive)."""

    kind: MentionKind
    name: tuple[str, ...]  # name tokens as written (persons only)
    role: str | None  # role phrase as written
    party: str | None
    surface: str  # the whole phrase as written
    start: int
    end: int


def match_phrase(
    toks: Toks, i: int, index: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
) -> tuple[int, str] | None:
    """Longest phrase of ``index`` (grouped by first word) starting at word ``i``; the first
    word may carry proclitics. Returns (tokens consumed, value) or None.
    """
    if i >= len(toks) or not toks[i].word:
        return None
    candidates = [p for f in variants(toks[i].norm) for p in index.get(f, ())]
    candidates.sort(key=lambda p: -len(p[0]))
    for words, value in candidates:
        j, ok = i + 1, True
        for w in words[1:]:
            if j >= len(toks) or toks[j].norm != w:
                ok = False
                break
            j += 1
        if ok:
            return j - i, value
    return None


def party_at(toks: Toks, i: int, vocab: Vocabulary | None = None) -> tuple[int, str] | None:
    """A party alias ("موسكو", "حلف شمال الأطلسي") starting at token ``i``."""
    v = vocab or vocabulary()
    return match_phrase(toks, i, v.party_index)


def nationality_at(toks: Toks, i: int, vocab: Vocabulary | None = None) -> tuple[int, str] | None:
    """A nationality adjective ("الكوري الشمالي", "الأمريكية") starting at token ``i``."""
    v = vocab or vocabulary()
    return match_phrase(toks, i, v.nationality_index)


def _lexical(norm: str, v: Vocabulary) -> bool:
    """Is the word itself (not minus a leading و/ف) in a word list? ("وزير", "وكالة")."""
    return (
        norm in v.role_heads
        or norm in v.media
        or norm in v.collective
        or norm in v.party_index
        or norm in v.role_complements
    )


def _role_head_at(toks: Toks, i: int, v: Vocabulary) -> int:
    """Number of tokens of a role head at ``i`` (0 when none)."""
    if i >= len(toks) or not toks[i].word:
        return 0
    core = toks[i].norm if _lexical(toks[i].norm, v) else strip_conjunction(toks[i].norm)
    for phrase in v.role_phrases:
        if (
            phrase[0] in (core, toks[i].norm)
            and tuple(t.norm for t in toks[i + 1 : i + len(phrase)]) == phrase[1:]
        ):
            return len(phrase)
    if core in v.role_heads or toks[i].norm in v.role_heads:
        return 1
    for suffix in ("ها", "هم", "ه"):  # "أمينها العام": the body's own officer
        if core.endswith(suffix) and core[: -len(suffix)] in v.role_heads:
            return 1
    return 0


def is_name_token(tok: Tok, v: Vocabulary, corpus: frozenset[str] = frozenset()) -> bool:
    """Could this word be part of a proper name? (No capitals in Arabic: rule out the rest.)"""
    if not tok.word or tok.text.isdigit() or len(tok.norm) < 2:
        return False
    n = tok.norm
    core = strip_conjunction(n)
    if n.startswith(("ال", "لل", "بال", "كال")) or core.startswith("ال"):
        return False  # "بالمديرية": a definite noun behind a preposition
    if (n in v.name_stop or core in v.name_stop) and not _written_ali(tok):
        return False
    if n in v.role_heads or core in v.role_heads or n in v.role_complements:
        return False
    if n in v.speech_verbs or core in v.speech_verbs or n in v.attribution:
        return False
    if n in v.media or n in v.collective or any(x in v.treaty_words for x in variants(n)):
        return False
    # "بروسيا", "لواشنطن", "روسيا": a party or a nationality, not a name.
    if any(x in v.single_word_places or x in v.place_words for x in variants(n)):
        return False
    # "بزيارة", "بتصريحات": a preposition on a word the corpus also uses bare ("زيارة");
    # a name like "بوتين" or "لوكين" has no such bare twin ("وتين", "وكين").
    return not (corpus and any(x in corpus for x in variants(n)[1:] if x != core))


def _written_ali(tok: Tok) -> bool:
    """The name «علي» (with yā') rather than the preposition «على» (alif maqṣūra), which
    fold to one form: "المرشد الأعلى علي خامنئي"."""
    return tok.text.endswith("علي") and tok.text in ("علي", "وعلي")


def _role_phrase(toks: Toks, i: int, v: Vocabulary) -> tuple[int, str | None]:
    """Consume a role phrase at ``i``: head, genitive complements, party or nationality.

    Returns (end index, party found inside the phrase).
    """
    n = _role_head_at(toks, i, v)
    if not n:
        return i, None
    return _complements(toks, i + n, v)


def _complements(toks: Toks, j: int, v: Vocabulary) -> tuple[int, str | None]:
    """Genitive complements after a role or group word ("باسم وزارة الخارجية الأمريكية",
    "في البرلمان العراقي"); returns (end index, the first nationality met, else the first
    party)."""
    party: str | None = None
    nationality: str | None = None
    named: str | None = None
    while j < len(toks) and toks[j].word:
        quoted = _quoted_party(toks, j, v)
        if quoted:
            # «الأمين العام لـ"حزب الله" اللبناني»: a body named in quotation marks after
            # لـ is who the officer speaks for, whatever adjective follows it
            named = named or quoted[1]
            j += quoted[0]
            continue
        nat = nationality_at(toks, j, v)
        if nat:
            nationality = nationality or nat[1]
            j += nat[0]
            continue
        par = party_at(toks, j, v)
        if par and not (
            toks[j].norm.startswith("و") and strip_conjunction(toks[j].norm) != toks[j].norm
        ):
            party = party or par[1]
            j += par[0]
            continue
        n2 = _role_head_at(toks, j, v)
        if n2 and not toks[j].norm.startswith("و"):
            j += n2
            continue
        norm = toks[j].norm
        forms = variants(norm)
        if norm in v.role_complements or (
            not norm.startswith("و") and any(f in v.role_complements for f in forms[1:])
        ):
            if norm == "في" and not (
                j + 1 < len(toks)
                and (
                    toks[j + 1].norm.startswith("ال")
                    or toks[j + 1].norm in v.role_complements
                    or party_at(toks, j + 1, v)
                )
            ):
                break
            j += 1
            continue
        if norm.startswith("ال") and norm not in v.name_stop and norm not in v.treaty_words:
            j += 1
            continue
        break
    # A nationality adjective outranks a body's name: "مستشار مجلس الأمن القومي الأمريكي"
    # speaks for the United States, not for the UN Security Council.
    return j, named or nationality or party


def _quoted_party(toks: Toks, j: int, v: Vocabulary) -> tuple[int, str] | None:
    """'لـ"حزب الله"' at ``j``: the glued preposition, a party in quotation marks; returns
    (tokens consumed, party)."""
    if toks[j].norm != "ل" or j + 2 >= len(toks) or toks[j + 1].text not in _NAME_QUOTES:
        return None
    hit = party_at(toks, j + 2, v)
    close = j + 2 + hit[0] if hit else -1
    if hit and close < len(toks) and toks[close].text in _NAME_QUOTES:
        return close + 1 - j, hit[1]
    return None


def media_phrase(toks: Toks, i: int, v: Vocabulary) -> tuple[int, str | None]:
    """An outlet's phrase from its head word at ``i`` ("وكالة الأنباء المركزية الكورية
    الشمالية"): (end index, the country its name carries, if any)."""
    return _complements(toks, i + 1, v)


def _name_run(
    toks: Toks,
    i: int,
    v: Vocabulary,
    corpus: frozenset[str] = frozenset(),
    *,
    after_role: bool = False,
) -> int:
    """End of a run of ≤3 name words at ``i`` (hyphenated parts count as one word)."""
    j, count = i, 0
    while (
        j < len(toks)
        and count < MAX_NAME_TOKENS
        and (is_name_token(toks[j], v, corpus) or (count and _regnal(toks[j], v)))
    ):
        if count == 2 and _heads_idafa(toks, j + 1, v):
            break  # "ماريا زاخاروفا ردود الفعل": a noun in a construct, not a third name
        count += 1
        j += 1
        # "شمس الدين", "عبد الله": a compound name's second word carries the article.
        if j < len(toks) and toks[j].norm in _COMPOUND_SECONDS:
            j += 1
            count += 1
            continue
        # "أحمد أبو الغيط", "عبد الله": a kunya or theophoric particle takes the next word.
        if toks[j - 1].norm in _NAME_PARTICLES and j < len(toks) and toks[j].word:
            j += 1
            continue
        if (
            j + 1 < len(toks)
            and toks[j].text == "-"
            and toks[j].start == toks[j - 1].end
            and is_name_token(toks[j + 1], v, corpus)
        ):
            j += 2
    # "محمد بن زايد آل نهيان", "تميم بن حمد آل ثاني": a family name after "آل" ends the
    # name whatever its length.
    if (
        count
        and j + 1 < len(toks)
        and toks[j].word
        and toks[j].norm == "ال"
        and toks[j + 1].word
        and toks[j + 1].norm not in v.name_stop
    ):
        return j + 2
    # "محمد شياع السوداني": after two name words, a relational surname (ال…ي) that ends
    # the phrase is part of the name, not a nationality.
    if count >= (1 if after_role else 2) and j < len(toks) and _nisba_surname(toks, j, v):
        j += 1
    return j


_NAME_QUOTES = frozenset('"“”«»')
_COMPOUND_SECONDS = frozenset({"الدين", "الله", "الرحمن", "الاسلام"})
_NAME_PARTICLES = frozenset({"ابو", "بن", "ابن", "عبد", "ال", "بنت", "ام"})


def _nisba_surname(toks: Toks, j: int, v: Vocabulary) -> bool:
    t = toks[j]
    if not (t.word and t.norm.startswith("ال") and t.norm.endswith("ي") and len(t.norm) > 4):
        return False
    if t.norm in v.name_stop:
        return False
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    return nxt is None or not nxt.word or nxt.norm in v.name_stop


def _regnal(tok: Tok, v: Vocabulary) -> bool:
    """An ordinal after a name is part of it: "محمد السادس", "تشارلز الثالث"."""
    return tok.word and any(words == (tok.norm,) for words, _ in v.ordinals)


def _heads_idafa(toks: Toks, j: int, v: Vocabulary) -> bool:
    """Is token ``j`` a definite noun completing a construct (not a weekday, party or adjective)?"""
    if j >= len(toks) or not toks[j].word or not toks[j].norm.startswith("ال"):
        return False
    return not (toks[j].norm in v.name_stop or nationality_at(toks, j, v) or party_at(toks, j, v))


def _names(toks: Toks, i: int, j: int) -> tuple[str, ...]:
    """Name words as written, re-joining hyphenated parts ("جونغ-غيو")."""
    out: list[str] = []
    k = i
    while k < j:
        if toks[k].text == "-" and out and k + 1 < j:
            out[-1] = out[-1] + "-" + toks[k + 1].text
            k += 2
            continue
        out.append(toks[k].text)
        k += 1
    if out and i > 0 and toks[i - 1].norm in ("وفقا", "وفق") and out[0][:1] == "ل":
        out[0] = out[0][1:]  # "وفقًا ليوري أوشاكوف": the ل belongs to وفقًا
    return tuple(out)


def _surface(toks: Toks, i: int, j: int, text: str) -> str:
    return text[toks[i].start : toks[j - 1].end] if j > i else ""


def parse_mention(
    toks: Toks,
    i: int,
    text: str,
    vocab: Vocabulary | None = None,
    *,
    known: frozenset[str] | None = None,
    subject: bool = False,
    corpus: frozenset[str] = frozenset(),
) -> Mention | None:
    """Parse the speaker phrase starting at token ``i`` of a sentence (``text``), if any.

    ``known`` holds folded name words already introduced by a role somewhere; when given, a
    name written without a role must start with such a word, so "ربط بوتين" is not a name.
    ``subject``: the phrase is a verb's subject, which never carries a preposition ("للصين").
    ``corpus``: every normalised word of the corpus, to tell "بزيارة" (ب + a known word) from
    a name.
    """
    v = vocab or vocabulary()
    if i >= len(toks) or not toks[i].word:
        return None
    norm = toks[i].norm
    core = strip_conjunction(norm)
    if subject and core[:1] in PREPOSITIONS and core[1:] and core not in v.role_heads:
        rest = variants(norm)
        if any(x in v.single_word_places or x in v.party_index for x in rest[1:]):
            return None
    skip = 1 if core != norm and toks[i].text[:1] in ("و", "ف") and not _lexical(norm, v) else 0
    if core in v.media or norm in v.media:
        return Mention("media", (), None, None, toks[i].text, i, i + 1)
    if core in v.collective or norm in v.collective:
        j, party = _complements(toks, i + 1, v)
        surface = _surface(toks, i, j, text)[skip:]
        return Mention("collective", (), surface, party, surface, i, j)
    # Role first: "الرئيس الروسي فلاديمير بوتين", "الزعيم الكوري الشمالي، كيم جونج أون".
    end, party = _role_phrase(toks, i, v)
    if end > i:
        role = _surface(toks, i, end, text)[skip:]
        if core in v.bodies or norm in v.bodies:
            # "وزارة الخارجية الأوكرانية زيارة …": an institution has no person's name
            return Mention("role", (), role, party, role, i, end)
        j = end
        if (
            j + 1 < len(toks)
            and toks[j].text in "،,"
            and is_name_token(toks[j + 1], v, corpus)
            and _name_run(toks, j + 1, v, corpus) - (j + 1) >= 2
        ):
            j += 1
        k = _name_run(toks, j, v, corpus, after_role=True)
        if k == j and j + 2 < len(toks) and toks[j].text in _NAME_QUOTES:
            # «المتحدث باسم الوزارة "ليم سو-سوك"»: a name in quotation marks after the role
            q = _name_run(toks, j + 1, v, corpus, after_role=True)
            if q > j + 1 and q < len(toks) and toks[q].text in _NAME_QUOTES:
                name = _names(toks, j + 1, q)
                return Mention(
                    "person", name, role, party, _surface(toks, i, q + 1, text)[skip:], i, q + 1
                )
        if k > j:
            name = _names(toks, j, k)
            if party is None:
                # "الشيخ محمد بن زايد آل نهيان رئيس دولة الإمارات": a title carries no
                # country; an indefinite role right after the name does
                # ("الدكتور فلان، رئيس مجلس الوزراء،": a title, then the role in apposition)
                r_start = k + 1 if k < len(toks) and toks[k].text in "،," else k
                r_end, r_party = _role_phrase(toks, r_start, v)
                if r_end > r_start and (
                    r_start > k or (r_party and not toks[k].norm.startswith("ال"))
                ):
                    role = _surface(toks, r_start, r_end, text)
                    surface = _surface(toks, i, k, text)[skip:]
                    return Mention("person", name, role, r_party, surface, i, r_end)
            return Mention("person", name, role, party, _surface(toks, i, k, text)[skip:], i, k)
        return Mention("role", (), role, party, role, i, end)
    par = party_at(toks, i, v)
    if par:
        j = i + par[0]
        return Mention("party", (), None, par[1], _surface(toks, i, j, text)[skip:], i, j)
    # Name first, optionally followed by an appositive role: "جون كيربي منسق …",
    # "أرتيوم لوكين، أستاذ …", "يوري أوشاكوف- مساعد الرئيس الروسي-".
    k = _name_run(toks, i, v, corpus)
    if k == i and known and fold_name_token(strip_conjunction(norm)) in known:
        k = i + 1  # "وأضاف السوداني": a surname (here with "ال") introduced earlier
    if k == i:
        return None
    j = k
    if j < len(toks) and toks[j].text in "،,-–":
        j += 1
    role_end, party = _role_phrase(toks, j, v)
    # Without a comma the appositive role is indefinite ("جون كيربي منسق …"); a definite one
    # is a construct ("زيارة الرئيس الروسي"), not a name and its role.
    body = j < len(toks) and (
        toks[j].norm in v.bodies or strip_conjunction(toks[j].norm) in v.bodies
    )
    if role_end > j and (j > k or not toks[j].norm.startswith("ال")) and not body:
        start = max(i, k - 2) if known is not None else i
        while start < k and toks[start].text == "-":
            start += 1
        role = _surface(toks, j, role_end, text)
        name = _names(toks, start, k)
        return Mention("person", name, role, party, " ".join(name), start, role_end)
    if known is not None:
        # Keep the leading words already known as names; a name may carry "و" ("وبوتين").
        kk = i
        while kk < k and (
            fold_name_token(toks[kk].text) in known
            or (kk == i and fold_name_token(strip_conjunction(toks[kk].norm)) in known)
            or toks[kk].text == "-"
        ):
            kk += 1
        if kk == i:
            return None
        k = kk
    name = _names(toks, i, k)
    if name and skip and fold_name_token(name[0]) not in (known or frozenset()):
        name = (name[0][1:], *name[1:])
    return Mention("person", name, None, None, " ".join(name), i, k)


# --- name folding -----------------------------------------------------------------

#: Letters that transliterations of one foreign sound alternate between (g: غ/ج/ق/ك).
_TRANSLIT = str.maketrans({"غ": "ج", "ق": "ج", "ظ": "ز", "ث": "س", "ذ": "ز"})


@lru_cache(maxsize=65536)
def fold_name_token(token: str) -> str:
    """Normalise a name word and fold transliteration variants ("جونغ" ~ "جونج")."""
    return normalize(token).replace("-", " ").translate(_TRANSLIT)


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=262144)
def tokens_close(a: str, b: str) -> bool:
    """Two folded name words are spellings of one word ("اون" ~ "اونج")."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 3 and _edit_distance(a, b) <= 1


def names_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same person: same number of words, each pair close (folded)."""
    fa = [fold_name_token(t) for t in a]
    fb = [fold_name_token(t) for t in b]
    return len(fa) == len(fb) and all(tokens_close(x, y) for x, y in zip(fa, fb, strict=True))


def short_refers_to(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """ "بوتين" → "فلاديمير بوتين"; "كيم" → "كيم جونغ أون": a shorter mention shares an end word."""
    if len(short) >= len(full):
        return False
    fs = [fold_name_token(t) for t in short]
    ff = [fold_name_token(t) for t in full]
    n = len(fs)
    return all(tokens_close(x, y) for x, y in zip(fs, ff[-n:], strict=True)) or all(
        tokens_close(x, y) for x, y in zip(fs, ff[:n], strict=True)
    )


def name_key(name: tuple[str, ...]) -> str:
    """A stable key for a person's name: folded words joined by spaces."""
    return " ".join(fold_name_token(t) for t in name)


def _one_deletion_forms(word: str) -> set[str]:
    """The word and every form with one letter removed.

    Two words within one edit of each other always share such a form (symmetric-delete
    blocking), so only names sharing one need the full comparison.
    """
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(slots=True)
class NameIndex:
    """Names in insertion order, found by their first or last word's spellings.

    Why: merging the people of a large dossier compared every name with every other
    (:func:`names_match`, :func:`short_refers_to`); both need the first or the last words
    of the two names to be close, so candidates come from an index of those words'
    one-deletion forms and the result is exactly that of the full scan, in the same order.
    """

    entries: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    _by_first: dict[str, list[int]] = field(default_factory=dict)
    _by_last: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: tuple[str, ...], key: str) -> None:
        position = len(self.entries)
        self.entries.append((name, key))
        for form in _one_deletion_forms(fold_name_token(name[0])):
            self._by_first.setdefault(form, []).append(position)
        for form in _one_deletion_forms(fold_name_token(name[-1])):
            self._by_last.setdefault(form, []).append(position)

    def candidates(self, name: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
        """Entries that may match or extend ``name``, in insertion order."""
        positions: set[int] = set()
        for form in _one_deletion_forms(fold_name_token(name[0])):
            positions.update(self._by_first.get(form, ()))
        for form in _one_deletion_forms(fold_name_token(name[-1])):
            positions.update(self._by_last.get(form, ()))
        return [self.entries[i] for i in sorted(positions)]
