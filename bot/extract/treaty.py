"""Treaty provisions as the articles report them: numbered clauses and unnumbered obligations.

Numbered: a clause word with an ordinal or a number ("البند الثالث", "المادة 4"); when it
cites another instrument ("المادة 51 من ميثاق الأمم المتحدة") it is kept as a reference
without a treaty number. Unnumbered: an obligation cue ("تنص على", "يلزم", "تتضمن تعهدا
بـ", "تحل محل" …) in a sentence about an agreement; its object, split at coordinated
verbal nouns ("…، والتعاون في مواجهة العقوبات"), gives one provision per obligation.
Sentences about another, dated or negated agreement ("معاهدة عام 1961 نصت على", "لم
تتضمن") are skipped. The same obligation worded differently by several outlets merges by
shared word stems (with a few legal synonyms: دفاع ~ مساعدة, هجوم ~ عدوان).
Titles are the obligation's own leading words, never hand-written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.arabic.stopwords import is_stop_word
from bot.corpus_types import Article
from bot.extract.events import event_classes
from bot.extract.speakers import CLOSE_QUOTES, OPEN_QUOTES, Toks, match_phrase, tokenize
from bot.extract.vocabulary import Vocabulary, strip_conjunction, variants, vocabulary
from bot.model import Evidence, TreatyArticle

TITLE_WORDS = 12
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")
_NEGATION = frozenset(normalize(w) for w in ("لم", "لا", "لن", "ليس", "ليست", "دون"))
_RELATIVE = frozenset(normalize(w) for w in ("الذي", "التي"))
_QUOTES = "".join(sorted(OPEN_QUOTES | CLOSE_QUOTES))
_TITLE_SKIP = frozenset(
    normalize(w) for w in ("إلى", "أنه", "أن", "على", "التي", "الذي", "تنص", "ينص", "تشير", "يشير")
)
#: Verbal nouns after a governing ب/ل start with the article, ت (تفعيل) or hamza (إفعال).
_MASDAR_STARTS = ("ال", "ت", "ا")
_REPLACE_VERBS = frozenset(normalize(w) for w in ("تحل", "يحل", "حلت", "حل", "ستحل", "سيحل"))


@dataclass(frozen=True, slots=True)
class _Found:
    """One provision mention in one sentence."""

    number: int | None
    reference: str | None  # "المادة 51 من ميثاق الأمم المتحدة" for a cited instrument
    title: str
    text: str
    article_id: str
    sentence_index: int
    sentence: str
    order: tuple[int, int]
    #: index of the «… ما يلي:» lead when the mention is an item of that list
    listed: int | None = None

    @property
    def apart(self) -> tuple[str, str]:
        """Mentions with the same key are distinct provisions: the pieces of one sentence
        (split there on purpose) and the items of one list."""
        where = f"L{self.listed}" if self.listed is not None else f"S{self.sentence_index}"
        return (self.article_id, where)


# --- numbered clauses --------------------------------------------------------------


def _ordinal_index(v: Vocabulary) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, n in v.ordinals:
        out.setdefault(words[0], []).append((words, str(n)))
    return {k: tuple(sorted(x, key=lambda p: -len(p[0]))) for k, x in out.items()}


def _clause_word(tok_norm: str, v: Vocabulary) -> bool:
    """ "المادة", "ولمادة", and with a possessive "مادتها", "بندها" (of the agreement)."""
    for x in variants(tok_norm):
        if x in v.clause_words:
            return True
        for suffix, base in (("تها", "ه"), ("ته", "ه"), ("ها", ""), ("ه", "")):
            stem_form = "ال" + x[: -len(suffix)] + base
            if x.endswith(suffix) and len(x) > len(suffix) + 2 and stem_form in v.clause_words:
                return True
    return False


def _number_after(toks: Toks, j: int, v: Vocabulary) -> tuple[int, int] | None:
    """(number, tokens used) for an ordinal word or a numeral at ``j``."""
    if j >= len(toks) or not toks[j].word:
        return None
    if toks[j].norm.isdigit():
        return int(toks[j].norm), 1
    hit = match_phrase(toks, j, _ordinal_index(v))
    if hit:
        return int(hit[1]), hit[0]
    return None


def _after_reference(toks: Toks, j: int, v: Vocabulary) -> tuple[int, bool]:
    """Skip "منها" / "من الاتفاقية" after a clause number; detect "من ميثاق …" (external).

    Returns (index of the first word of the clause's content, cites another instrument).
    """
    if j < len(toks) and toks[j].norm in ("منها", "منه"):
        return j + 1, False
    if j + 1 < len(toks) and toks[j].norm == "من":
        nxt = toks[j + 1].norm
        bare = nxt[2:] if nxt.startswith("ال") else nxt
        if nxt in v.external_words or bare in v.external_words:
            # The instrument's name runs to the next relative pronoun or boundary.
            k = j + 2
            while k < len(toks) and toks[k].word and toks[k].norm not in _RELATIVE and k - j < 8:
                k += 1
            return k, True
        if any(x in v.treaty_words for x in variants(nxt)):
            return j + 2, False
    return j, False


_LEAD = frozenset(normalize(w) for w in ("إلى", "على", "أن", "أنه", "أنها", "بأن", "إن"))


def _skip_lead(toks: Toks, j: int) -> int:
    """Past "إلى أنه" / "على أن" after a clause reference: where its content starts."""
    while j < len(toks) and (not toks[j].word or toks[j].norm in _LEAD):
        if not toks[j].word and toks[j].text not in "،,":
            break
        j += 1
    return j


def _title_start(toks: Toks, a: int, v: Vocabulary) -> int:
    """Where a clause's own words start: past particles, the cue and the parties
    ("فتلزم الجانبين بإنشاء …" → "بإنشاء")."""
    j = a
    while (
        j < len(toks)
        and toks[j].word
        and (toks[j].norm in _TITLE_SKIP or toks[j].norm in v.strip_leading or _cue_at(toks, j, v))
    ):
        j += 1
    return j


#: Condition markers a clause may open with ("في حالة تعرض أحد الطرفين لهجوم …").
_CONDITIONS = (("في", "حاله"), ("في", "حال"), ("حال",), ("اذا",))
#: Light words before a condition's substance: "وجود تهديد", "تعرض أحد الطرفين لهجوم".
_LIGHT = frozenset(
    normalize(w) for w in ("وجود", "تعرض", "حدوث", "وقوع", "أحد", "إحدى", "نشوء", "قيام")
)
_STOP_AT = frozenset(normalize(w) for w in ("على", "من", "ضد", "في", "عن", "مع", "أو", "و"))
_TITLE_HEAD_WORDS = 2
_TITLE_CONDITION_WORDS = 4


def _conditional_title(toks: Toks, j: int, text: str, v: Vocabulary) -> str | None:
    """A conditional clause's short title from its key content: the obligation's head noun
    and the condition's ("في حالة وجود تهديد … فإن الجانب الآخر … للتشاور" → "التشاور في
    حالة تهديد فوري بالعدوان المسلح"). None when the clause is not conditional."""
    marker = next(
        (m for m in _CONDITIONS if tuple(t.norm for t in toks[j : j + len(m)]) == m), None
    )
    if marker is None:
        return None
    c = j + len(marker)
    ends = [k for k in range(c, len(toks)) if toks[k].text in "،,؛;."]
    if not ends:
        return None
    # The condition's substance: past light words and the parties, to a preposition.
    k = c
    while k < ends[0] and (
        toks[k].norm in _LIGHT or toks[k].norm in v.strip_leading or not toks[k].word
    ):
        k += 1
    first = k
    words: list[str] = []
    while k < ends[0] and len(words) < _TITLE_CONDITION_WORDS:
        t = toks[k]
        if t.word and t.norm in _STOP_AT and words:
            break
        if t.word:
            words.append(t.text)
        k += 1
    if not words:
        return None
    condition = text[toks[first].start : toks[k - 1].end]
    w0 = toks[first]
    if w0.text[:1] in ("ل", "ب") and len(w0.text) > 4 and not w0.norm.startswith("ال"):
        condition = condition[1:]  # "لهجوم مسلح" → "هجوم مسلح"
    if first > c and toks[first - 1].text in _QUOTES:
        condition = toks[first - 1].text + condition
    condition = _balance_quotes(condition)
    # The main clause: the first segment after the condition that is not another "و…"
    # condition ("، ووجد نفسه …"); its head: a purpose noun ("للتشاور") or the first
    # definite noun with its adjectives after the verb ("المساعدة العسكرية").
    head: list[str] = []
    for n, e in enumerate(ends):
        seg_start = e + 1
        seg_end = ends[n + 1] if n + 1 < len(ends) else len(toks)
        seg = [t for t in toks[seg_start:seg_end] if t.word]
        if not seg or (seg[0].norm.startswith("و") and seg[0].norm[1:] not in ("ان",)):
            continue
        purpose = [t for t in seg if t.norm.startswith("لل") and len(t.norm) > 5]
        if purpose:
            head = ["ال" + purpose[0].text[2:]]
            break
        verb_seen = False
        for t in seg:
            if not t.norm.startswith("ال"):
                if head:
                    break
                verb_seen = True  # the verb (or a particle) before the object
                continue
            if head:
                if len(head) < _TITLE_HEAD_WORDS:
                    head.append(t.text)
                    continue
                break
            if t.norm in v.strip_leading or t.norm in ("الاخر", "الطرف", "الجانب", "الفور"):
                continue
            if verb_seen:
                head.append(t.text)
        break
    if not head or not words:
        return None
    lead = text[toks[j].start : toks[c - 1].end]
    return f"{' '.join(head)} {lead} {condition.strip()}".strip()


def _numbered(text: str, v: Vocabulary) -> list[tuple[int | None, str | None, str, str]]:
    """(number, reference, title, text) for each numbered clause in a sentence."""
    toks = tokenize(text)
    out: list[tuple[int | None, str | None, str, str]] = []
    for i, t in enumerate(toks):
        if not t.word or not _clause_word(t.norm, v):
            continue
        num = _number_after(toks, i + 1, v)
        if num is None:
            continue
        number, used = num
        content_at, external = _after_reference(toks, i + 1 + used, v)
        body = _skip_lead(toks, content_at)
        written = (
            text[toks[body].start :].strip(" .") if body < len(toks) else text[toks[i].start :]
        ).strip(" .")
        start = toks[i].start
        for cut in range(3):  # "ولمادة" → "مادة …"
            if normalize(toks[i].text[cut:]) in v.clause_words:
                start += cut
                break
        ref_text = text[start : toks[content_at - 1].end].strip()
        title = _title(toks, content_at, text, v)
        if external:
            out.append((None, ref_text, f"{ref_text}: {title}" if title else ref_text, written))
        else:
            start_at = _title_start(toks, content_at, v)
            if start_at < len(toks) and start_at > body:
                written = text[toks[start_at].start :].strip(" .")
            written = _without_proclitic(written, title) if title else written
            short = _conditional_title(toks, start_at, text, v)
            out.append((number, None, short or title or ref_text, written))
    # A cited instrument inside a clause of the agreement belongs to that clause: its text
    # already carries the reference ("… وفقًا … ولمادة 51 من ميثاق الأمم المتحدة").
    if any(n is not None for n, *_ in out):
        out = [x for x in out if x[1] is None]
    # A cited instrument is a provision's reference only beside a clause of the agreement
    # or the agreement itself ("… وفقا للبند الرابع ولمادة 51 من ميثاق الأمم المتحدة").
    if not any(n is not None for n, *_ in out) and not any(
        _treaty_word_at(toks, i, v) for i in range(len(toks))
    ):
        out = [x for x in out if x[1] is None]
    return out


# --- unnumbered obligations --------------------------------------------------------


def _treaty_word_at(toks: Toks, i: int, v: Vocabulary) -> bool:
    """ "الاتفاقية", "للمعاهدة", and the indefinite accusative "اتفاقا"."""
    return toks[i].word and any(
        x in v.treaty_words or (x.endswith("ا") and x[:-1] in v.treaty_words)
        for x in variants(toks[i].norm)
    )


_TERMS_WORDS = frozenset(normalize(w) for w in ("شروط", "بنود", "نص", "أحكام"))


def _cue_at(toks: Toks, i: int, v: Vocabulary) -> int:
    """Length of an obligation cue at ``i`` (0 if none). A cue ending in "على" may have a
    parenthesis before it: "تنص، من بين أمور أخرى، على"."""
    if not toks[i].word:
        return 0
    forms = variants(toks[i].norm)
    for phrase in v.obligation_cues:
        if phrase[0] not in forms:
            continue
        if len(phrase) == 1:
            # "بموجب" counts only before the agreement itself ("بموجب الاتفاقية").
            # (or its terms: "بموجب شروط الاتفاق").
            nxt = i + 1
            if nxt < len(toks) and toks[nxt].norm in _TERMS_WORDS:
                nxt += 1
            if phrase[0] == "بموجب" and not (nxt < len(toks) and _treaty_word_at(toks, nxt, v)):
                return 0
            return 1
        if all(i + k < len(toks) and toks[i + k].norm == phrase[k] for k in range(1, len(phrase))):
            return len(phrase)
        if phrase[-1] == "علي":
            for j in range(i + 1, min(len(toks), i + 9)):
                if toks[j].norm == "علي":
                    return j - i + 1
    return 0


def _replaces_at(toks: Toks, i: int, v: Vocabulary) -> int:
    hit = match_phrase(toks, i, {p[0]: ((p, "r"),) for p in v.replaces_cues if len(p) == 1})
    return hit[0] if hit else 0


def _clause_bounds(toks: Toks, i: int) -> tuple[int, int]:
    s = i
    while s > 0 and toks[s - 1].text not in "،,؛;:.":
        s -= 1
    e = i
    while e < len(toks) and toks[e].text not in "،,؛;:.":
        e += 1
    return s, e


def _other_agreement(toks: Toks, cue: int, v: Vocabulary) -> bool:
    """Is the cue about another agreement: negated, or a dated treaty named before it?"""
    if cue > 0 and (toks[cue - 1].norm in _NEGATION or toks[cue - 1].norm[1:] in _NEGATION):
        return True
    last_treaty = max((i for i in range(cue) if _treaty_word_at(toks, i, v)), default=-1)
    if last_treaty >= 0:
        between = toks[last_treaty:cue]
        if any(_YEAR_RE.match(t.norm) for t in between) or any(
            t.norm in ("السابق", "السابقه") for t in between
        ):
            return True
    return False


def _about_agreement(toks: Toks, cue: int, v: Vocabulary) -> bool:
    """An agreement is named before the cue, or after it within the same clause."""
    if any(_treaty_word_at(toks, i, v) for i in range(cue)):
        return True
    _s, e = _clause_bounds(toks, cue)
    if any(_treaty_word_at(toks, i, v) for i in range(cue, e)):
        return True
    # "وتضمنت البنود أن …": the agreement's terms as the subject (not "المادة 38", which
    # may be a law's)
    nxt = cue + 1
    return nxt < len(toks) and any(
        x in _TERMS_WORDS or x[2:] in _TERMS_WORDS for x in variants(toks[nxt].norm)
    )


#: words that open an aside about the agreement between commas
_PARENTHESIS_STARTS = frozenset(
    normalize(w) for w in ("المتوقع", "المتوقعة", "الذي", "التي", "المقرر", "الموقع", "الموقعة")
)


def _object_start(toks: Toks, j: int, v: Vocabulary) -> int:
    """Skip the agreement, the parties and particles before the obligation itself, and a
    relative clause naming the agreement again ("اتفاق الدفاع الذي تضمنته المعاهدة …")."""
    for k in range(j, min(len(toks) - 1, j + 6)):
        if toks[k].text in "،,؛;.":
            break
        if toks[k].norm in _RELATIVE and _cue_at(toks, k + 1, v):
            j = k + 2
            break
    while j < len(toks):
        t = toks[j]
        if not t.word:
            if t.text in "،," and j + 1 < len(toks) and toks[j + 1].norm in _PARENTHESIS_STARTS:
                # "ويتضمن الاتفاق، المتوقع دخوله حيز التنفيذ غدا، انسحاب …": past the aside
                close = next(
                    (k for k in range(j + 1, min(len(toks), j + 15)) if toks[k].text in "،,"),
                    None,
                )
                if close is not None:
                    j = close + 1
                    continue
            if t.text in _QUOTES or t.text in "،,":
                j += 1
                continue
            break
        if (
            t.norm in v.strip_leading
            or _treaty_word_at(toks, j, v)
            or t.norm in _TERMS_WORDS
            or any(x in v.clause_words for x in variants(t.norm))
        ):
            j += 1
            continue
        # "الذي تضمنته المعاهدة": a relative clause naming the agreement again.
        if t.norm in _RELATIVE and j + 1 < len(toks) and _cue_at(toks, j + 1, v):
            j += 2
            continue
        if t.norm in ("الشامله", "الشامل", "الاستراتيجيه", "الموقعه", "اليوم", "الثنائي"):
            j += 1
            continue
        break
    return j


def _object_end(toks: Toks, j: int, replaces: bool, v: Vocabulary) -> int:
    """The obligation runs to a sentence-level boundary; a comma ends it unless a
    coordinated verbal noun follows ("…، والتعاون …") — not a verb whose subject is the
    agreement again ("…، وتمثل هذه الاتفاقية أقوى رابط"), which is the writer's comment."""
    k = j
    while k < len(toks):
        t = toks[k]
        if t.text in "؛;." or (t.text == ":" and not replaces):
            break
        if t.text in "،," and not replaces:
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if not (nxt and nxt.word and (_coordinated_noun(nxt.norm) or _next_item(toks, k + 1))):
                break
            if _treaty_word_at(toks, k + 1, v):
                break  # "…،والاتفاق سيتم …": a new clause about the agreement
            after = k + 2
            if after < len(toks) and (
                toks[after].norm in _DEMONSTRATIVES or _treaty_word_at(toks, after, v)
            ):
                break
        k += 1
    return k


_DEMONSTRATIVES = frozenset(normalize(w) for w in ("هذه", "هذا", "تلك", "ذلك"))
#: an object that only announces a list: "تنص على ما يلي:", "تشمل البنود التالية:"
_LIST_WORDS = frozenset(
    normalize(w)
    for w in ("ما", "يلي", "التالي", "التالية", "الآتي", "الآتية", "البنود", "النقاط", "أبرزها")
)
#: object words that tell a past deed or speech, never a clause ("بموجب اتفاق وقعه …")
_NARRATIVE_CLASSES = frozenset({"say", "sign", "ratify", "visit", "meet"})


def _list_lead(toks: Toks, a: int, b: int) -> bool:
    """The object is only "ما يلي" / "البنود التالية": the items follow the colon."""
    words = [t.norm for t in toks[a:b] if t.word]
    return bool(words) and all(w in _LIST_WORDS for w in words)


def _narrative(toks: Toks, a: int) -> bool:
    """The object opens with a verb of saying, signing or visiting: what someone did under
    the agreement ("بموجب الاتفاقية، قال بوتين …"), not what it provides."""
    while a < len(toks) and not toks[a].word:
        a += 1
    return a < len(toks) and bool(event_classes(toks[a].text) & _NARRATIVE_CLASSES)


def _opens_sentence(toks: Toks, i: int) -> bool:
    """The cue is the sentence's first word, or after كما/و: "كما تنص على …"."""
    before = [t for t in toks[:i] if t.word]
    return not before or (len(before) == 1 and before[0].norm in ("كما", "وكما"))


#: ordinals qualify the noun before ("المراجعة الأولى والثانية"): no new obligation
_ORDINALS = frozenset(
    normalize(w)
    for w in (
        "الثاني",
        "الثانية",
        "الثالث",
        "الثالثة",
        "الرابع",
        "الرابعة",
        "الخامس",
        "الخامسة",
        "السادس",
        "السادسة",
        "الأخيرة",
        "الأخير",
    )
)


def _coordinated_noun(norm: str) -> bool:
    """ "والتعاون", "وتنسيق": و + a definite noun or a verbal noun of the تفعيل pattern;
    not a relational adjective ("والتجاري", "والتقني"), which only qualifies the noun before."""
    if not norm.startswith("و") or len(norm) < 5 or norm.endswith("ي") or norm[1:] in _ORDINALS:
        return False
    rest = norm[1:]
    if rest[:1] in ("ب", "ل") and (rest[1:].startswith(("ال", "ت")) and len(rest) >= 5):
        rest = rest[1:]  # "وبتشكيل", "وبالتعاون": the same preposition repeated
    if rest.startswith("ا") and not rest.startswith("ال") and len(rest) >= 5:
        return True  # the إفعال pattern: "وإقامة", "وإنشاء"
    return rest.startswith("ال") or (rest.startswith("ت") and len(rest) >= 4)


#: words that add another obligation: "… مقابل نشر الجيش"، "فضلا عن إنهاء"، "ولن تنفذ …"
_NEXT_ITEM = frozenset(
    normalize(w)
    for w in ("مقابل", "فضلا", "فضلًا", "علاوة", "إضافة", "بالإضافة", "ولن", "ولا", "وأن", "وان")
)


def _next_item(toks: Toks, k: int) -> bool:
    """At ``k`` another obligation begins: a coordinator of obligations ("مقابل", "فضلا
    عن", "ولن", "وأن") followed by a verbal noun, a verb or a subject."""
    return toks[k].word and toks[k].norm in _NEXT_ITEM


def _split(toks: Toks, a: int, b: int) -> list[tuple[int, int]]:
    """Split an object at coordinated verbal nouns and obligation coordinators; parts
    under 3 words stay joined."""
    cuts = [a]
    for k in range(a + 1, b):
        t = toks[k]
        noun = t.word and _coordinated_noun(t.norm)
        if (noun and (toks[k - 1].text in "،," or toks[k - 1].word)) or _next_item(toks, k):
            cuts.append(k)
    parts: list[tuple[int, int]] = []
    for n, start in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else b
        if toks[end - 1].text in "،," and end - 1 > start:
            end -= 1
        parts.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in parts:
        words = sum(1 for t in toks[start:end] if t.word)
        if merged and (words < 3 or _words(toks, *merged[-1]) < 3):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _words(toks: Toks, a: int, b: int) -> int:
    return sum(1 for t in toks[a:b] if t.word)


def _title(toks: Toks, a: int, text: str, v: Vocabulary, b: int | None = None) -> str:
    """Up to twelve leading words of an obligation, without its particles, the agreement or
    the parties, to the first comma."""
    b = len(toks) if b is None else b
    j = a
    while (
        j < b
        and toks[j].word
        and (
            toks[j].norm in _TITLE_SKIP
            or toks[j].norm in v.strip_leading
            or _cue_at(toks, j, v)
            or toks[j].norm in _NEXT_ITEM
            or (toks[j].norm == "عن" and j > a)
        )
    ):
        j += 1
    while j < b and not toks[j].word:
        j += 1
    k, count = j, 0
    while k < b and count < TITLE_WORDS:
        if toks[k].text in "،,؛;:.":
            break
        if toks[k].word:
            count += 1
        k += 1
    while k > j + 1 and toks[k - 1].word and is_stop_word(toks[k - 1].text):
        k -= 1  # "… من قبل أي" → "… من قبل"
    if k <= j:
        return ""
    title = text[toks[j].start : toks[k - 1].end].strip(" " + _QUOTES)
    first = toks[j]
    # Drop a conjunction or a preposition glued to the article: "والتعاون", "بالتعاون".
    if first.text[:1] == "و" and _coordinated_noun(first.norm):
        title = title[1:]
        first_norm = first.norm[1:]
        if title[:1] in ("ب", "ل") and first_norm[1:].startswith(_MASDAR_STARTS):
            title, first_norm = title[1:], first_norm[1:]
    else:
        first_norm = first.norm
    governed = j > 0 and (toks[j - 1].norm in v.strip_leading or _cue_at(toks, j - 1, v) > 0)
    if title.startswith("لل"):
        title = "ال" + title[2:]
    elif title[:1] in ("ب", "ل") and (
        first_norm[1:].startswith(_MASDAR_STARTS) or (governed and len(first_norm) > 4)
    ):
        title = title[1:]  # "بالتعاون", "بتسهيل", "الطرفين بحماية" → the verbal noun itself
    return _balance_quotes(title)


def _without_proclitic(body: str, title: str) -> str:
    """The text starts as its title does: without the glued و/ب/ل the title dropped
    ("وتنسيق مواقفهما" → "تنسيق مواقفهما"). Letters are only ever cut, never changed: the
    text is shown as written, so "للتعاون" stays (its title reads "التعاون")."""
    head = title.split()[0] if title.split() else ""
    first = body.split()[0] if body.split() else ""
    if not head or first == head:
        return body
    for k in (1, 2):
        if first[k:] == head and first[:k].strip("وفبل") == "":
            return body[k:]
    return body


def _balance_quotes(s: str) -> str:
    opens = sum(s.count(q) for q in "“«")
    closes = sum(s.count(q) for q in "”»")
    if opens > closes:
        s = s + "”" * (opens - closes)
    elif closes > opens:
        s = "“" * (closes - opens) + s
    return s


def _unnumbered(text: str, v: Vocabulary, *, follows: bool = False) -> list[tuple[str, str]]:
    """(title, text) for each obligation an agreement is said to contain in a sentence.

    ``follows``: the previous sentence names the agreement, so a cue opening this one
    without a subject ("كما تنص على …") is about it too.
    """
    toks = tokenize(text)
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(toks):
        n = _cue_at(toks, i, v)
        replaces = False
        if not n:
            n = _replaces_at(toks, i, v)
            replaces = n > 0
        if not n:
            i += 1
            continue
        # A run of cues ("تتضمن تعهدا ب…", "تضمنت بندا بشأن الدفاع المشترك ينص على"): the
        # last cue within a few words introduces the obligation itself.
        j = i + n
        while j < len(toks) and (_cue_at(toks, j, v) or toks[j].norm in v.strip_leading):
            j += _cue_at(toks, j, v) or 1
        for k in range(j, min(len(toks), j + 5)):
            if toks[k].text in "،,؛;.":
                break
            if toks[k - 1].norm not in _RELATIVE and (m := _cue_at(toks, k, v)):
                j = k + m
                break
        relative = i > 0 and toks[i - 1].norm in _RELATIVE
        # "كما تنص على …" (no subject between verb and على) continues the previous sentence.
        continued = follows and _opens_sentence(toks, i) and n == 2 and toks[i + 1].norm == "علي"
        if (
            relative
            or _other_agreement(toks, i, v)
            or not (_about_agreement(toks, i, v) or _self_sufficient(toks, i, n) or continued)
        ):
            i = j
            continue
        a = j if replaces else _object_start(toks, j, v)
        b = _object_end(toks, a, replaces, v)
        if _words(toks, a, b) == 0 or _list_lead(toks, a, b) or _narrative(toks, a):
            i = max(j, b)
            continue
        if replaces:
            lead = text[toks[i].start : toks[i + n - 1].end]
            at = next(
                (
                    k
                    for k in range(i - 1, -1, -1)
                    if strip_conjunction(toks[k].norm) in _REPLACE_VERBS
                    or toks[k].norm in _REPLACE_VERBS
                ),
                None,
            )
            verb = ""
            body = text[toks[a].start : toks[b - 1].end].strip(" .،")
            if at is not None:
                t = toks[at]
                verb = t.text[1:] if t.norm not in _REPLACE_VERBS else t.text
                # The whole clause, verb to object: "تحل الاتفاقية … محل الوثائق …".
                body = (verb + text[t.end : toks[b - 1].end]).strip(" .،")
            title = _title(toks, a, text, v, b)
            out.append((f"{verb} {lead} {title}".strip(), body))
        else:
            for pa, pb in _split(toks, a, b):
                body = text[toks[pa].start : toks[pb - 1].end].strip(" .،" + _QUOTES)
                title = _title(toks, pa, text, v, pb)
                body = _without_proclitic(body, title)
                if title:
                    out.append((title, _balance_quotes(body)))
        i = max(j, b)
    return out


# --- a joint statement's points ----------------------------------------------------

_JOINT_ADJECTIVES = frozenset(
    normalize(w) for w in ("الختامي", "المشترك", "الثلاث", "الثلاثي", "الثنائي", "الصادر")
)
_OPENERS = frozenset(normalize(w) for w in ("إلى", "على", "عن", "أن", "بأن", "إن", "ب"))
_JOINT_REACH = 25
#: a point ends where its source or frame is named ("… بموجب اتفاق وقعه …", "وفقا لـ …")
_SOURCE_WORDS = frozenset(normalize(w) for w in ("بموجب", "وفقا", "وفقًا", "وفق", "بحسب", "حسب"))


def _phrase_at(toks: Toks, i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """Length of the first of ``phrases`` at ``i`` (conjunction stripped), 0 if none."""
    for phrase in phrases:
        if i + len(phrase) > len(toks):
            continue
        first = toks[i].norm
        if phrase[0] not in (first, strip_conjunction(first)):
            continue
        if all(toks[i + k].norm == phrase[k] for k in range(1, len(phrase))):
            return len(phrase)
    return 0


def _joint_subject_end(toks: Toks, j: int, v: Vocabulary) -> int | None:
    """End of a joint subject at ``j`` ("الجانبان", "قادة دول "المجموعة"", "البيان
    الختامي لقمة …"), None when the word at ``j`` is no joint subject."""
    if j >= len(toks) or not toks[j].word:
        return None
    head = toks[j].norm
    if head not in v.joint_heads and head not in v.joint_complement_heads:
        return None
    k = j + 1
    if head in v.joint_complement_heads:
        # the genitive: more group words, a name, a quoted name ("قادة دول "بريكس"")
        while k < len(toks) and toks[k].norm in v.joint_complement_heads:
            k += 1
        if k + 2 < len(toks) and toks[k].text in _QUOTES and toks[k + 2].text in _QUOTES:
            k += 3
        elif k < len(toks) and toks[k].word and toks[k].norm not in _OPENERS:
            k += 1
    while k < len(toks) and toks[k].word and toks[k].norm in _JOINT_ADJECTIVES:
        k += 1
    return k


def _joint_points(text: str, v: Vocabulary) -> list[tuple[str, str]]:
    """(title, text) of what a joint statement declares: "وأكد الجانبان على احترام …",
    "ودعا قادة المجموعة إلى …", "وجاء في البيان: "…"" — the object after the subject."""
    toks = tokenize(text)
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        start: int | None = None
        if t.word and strip_conjunction(t.norm) == "جاء" and i + 1 < len(toks):
            # "وجاء في البيان: …"
            if toks[i + 1].norm == "في" and (n := _phrase_at(toks, i + 2, v.joint_documents)):
                start = i + 2 + n
        elif t.word and (t.norm in v.joint_verbs or strip_conjunction(t.norm) in v.joint_verbs):
            end = _joint_subject_end(toks, i + 1, v)
            if end is not None:
                start = end
                if end < len(toks) and toks[end].text in "،,":
                    # a parenthesis after the subject: on to the verb's preposition
                    start = next(
                        (
                            k
                            for k in range(end, min(len(toks), end + _JOINT_REACH))
                            if toks[k].norm in _OPENERS
                        ),
                        None,
                    )
        if start is None:
            i += 1
            continue
        a = start
        while a < len(toks) and (
            not toks[a].word or toks[a].norm in _OPENERS or toks[a].norm in ("من", "جديد", "مجددا")
        ):
            if toks[a].text in ".؛;":
                break
            a += 1
        b = a
        while b < len(toks) and toks[b].text not in ".؛;" and toks[b].norm not in _SOURCE_WORDS:
            b += 1
        if _words(toks, a, b) >= 2:
            body = text[toks[a].start : toks[b - 1].end].strip(" .،:" + _QUOTES)
            title = _title(toks, a, text, v, b)
            if title:
                out.append((title, _balance_quotes(body)))
        i = max(b, i + 1)
    return out


def _joint_occasion(art: Article, v: Vocabulary) -> bool:
    """The article reports a summit or a joint declaration (or an agreement)."""
    for s in art.sentences:
        toks = tokenize(s.text)
        for i in range(len(toks)):
            if _treaty_word_at(toks, i, v) or _phrase_at(toks, i, v.joint_occasions):
                return True
    return False


_LIST_REACH = 8


def _item_of_other_list(article: Article, index: int, v: Vocabulary) -> bool:
    """An item of a list whose lead-in ("…، سيتضمن التعاون … ومن أبرزها:") is not about
    the agreement, and which names no agreement itself: its "تم الاتفاق على" belongs to
    that list's source (a leader's article, a programme), not to the treaty's text."""
    toks = tokenize(article.sentences[index].text)
    if any(
        _treaty_word_at(toks, i, v) and not (i and toks[i - 1].norm == "تم")
        for i in range(len(toks))
    ):
        return False  # "تم الاتفاق" is the cue itself, not a named agreement
    for back in range(index - 1, max(-1, index - 1 - _LIST_REACH), -1):
        lead = article.sentences[back].text.rstrip()
        if not lead.endswith(":"):
            continue
        clause = tokenize(re.split(r"[،,؛;]", lead)[-1])
        return not any(_treaty_word_at(clause, i, v) for i in range(len(clause)))
    return False


def _self_sufficient(toks: Toks, i: int, n: int) -> bool:
    """ "تم الاتفاق على …" names the agreement inside the cue itself."""
    return any(toks[k].norm == "الاتفاق" for k in range(i, i + n))


# --- merging -----------------------------------------------------------------------


def _stems(text: str, v: Vocabulary) -> frozenset[str]:
    out: set[str] = set()
    for t in tokenize(text):
        if not t.word or t.norm.isdigit() or is_stop_word(t.text) or t.norm in v.strip_leading:
            continue
        st = stem(t.text)
        if t.text[:1] in ("ل", "ب") and len(t.norm) >= 5 and not t.norm.startswith("ال"):
            bare = stem(t.text[1:])  # "لعدوان" → "عدوان": a legal term behind a preposition
            if bare in v.synonyms:
                st = bare
        if len(st) < 2:
            continue
        out.add(v.synonyms.get(st, st))
    return frozenset(out)


def _known_stems(text: str, v: Vocabulary) -> frozenset[str]:
    """:func:`_stems`, memoised for the process's vocabulary: every merge of a live dossier
    asks again for the stems of the same mentions."""
    return _stems_memo(text) if v is vocabulary() else _stems(text, v)


@lru_cache(maxsize=1 << 16)
def _stems_memo(text: str) -> frozenset[str]:
    return _stems(text, vocabulary())


def shared_concepts(a: str, b: str) -> int:
    """How many legal concepts (assistance, attack, mutual, immediate, sanctions,
    consultation — the synonym groups of treaty_cues.toml) two texts both name: a
    paraphrase of a clause names its concepts in other words."""
    v = vocabulary()
    concepts = frozenset(v.synonyms.values())
    return len(_stems(a, v) & _stems(b, v) & concepts)


def _linked(a: frozenset[str], b: frozenset[str], concepts: frozenset[str]) -> bool:
    """Same obligation: a short one wholly inside the other, or ≥2 shared stems that are
    either ≥40 % of the shorter or two of the legal concepts (assistance, attack, …)."""
    common = a & b
    shared = len(common)
    small = min(len(a), len(b))
    if small == 0:
        return False
    if small <= 2:
        return shared == small
    return shared >= 2 and (shared / small >= 0.4 or len(common & concepts) >= 2)


def extract_treaty_articles(articles: Sequence[Article]) -> list[TreatyArticle]:
    """Return the treaty's provisions, merged across articles: numbered clauses in order,
    then cited instruments, then unnumbered obligations (most reported first)."""
    return merge_provisions([article_provisions(a) for a in articles])


#: One provision mention, as :func:`article_provisions` finds it (a per-article product).
ProvisionMention = _Found


def article_provisions(art: Article) -> tuple[ProvisionMention, ...]:
    """One article's provision mentions, alone: nothing in them depends on other articles
    (their reading order is that of article 0 until :func:`merge_provisions` places them)."""
    return tuple(_article_provisions(0, art, vocabulary()))


def merge_provisions(per_article: Sequence[Sequence[ProvisionMention]]) -> list[TreatyArticle]:
    """The dossier's provisions from each article's mentions, articles in dossier order."""
    v = vocabulary()
    found = [
        replace(f, order=(pos, f.order[1]))
        for pos, mentions in enumerate(per_article)
        for f in mentions
    ]
    return [_provision(g, v) for g in _groups(found, v)]


def _article_provisions(pos: int, art: Article, v: Vocabulary) -> list[_Found]:
    """Every provision mention of one article, in reading order."""
    found: list[_Found] = []
    # Clause numbers count only in an article that names an agreement somewhere; an
    # election law's "المادة 38" is not a treaty provision.
    about_agreement = any(
        _treaty_word_at(toks, i, v)
        for s in art.sentences
        for toks in (tokenize(s.text),)
        for i in range(len(toks))
    )
    items = _listed_items(art, v)
    occasion = _joint_occasion(art, v)
    for s in art.sentences:
        if s.index in items:
            toks = tokenize(s.text)
            title = _conditional_title(toks, 0, s.text, v) or _title(toks, 0, s.text, v)
            text = s.text.strip(" .،")
            found.append(
                _Found(
                    None, None, title, text, art.id, s.index, s.text, (pos, s.index), items[s.index]
                )
            )
            continue
        numbered = _numbered(s.text, v) if about_agreement else []
        for number, ref, title, text in numbered:
            found.append(_Found(number, ref, title, text, art.id, s.index, s.text, (pos, s.index)))
        if any(n is not None for n, *_ in numbered):
            continue  # the numbered clause already covers this sentence's obligation
        if _item_of_other_list(art, s.index, v):
            continue
        prev = art.sentences[s.index - 1].text if s.index else ""
        follows = bool(prev) and _names_agreement(prev, v)
        pieces = _unnumbered(s.text, v, follows=follows)
        if not pieces and occasion:
            pieces = _joint_points(s.text, v)
        for title, text in pieces:
            found.append(_Found(None, None, title, text, art.id, s.index, s.text, (pos, s.index)))
    return found


def _names_agreement(text: str, v: Vocabulary) -> bool:
    toks = tokenize(text)
    return any(_treaty_word_at(toks, i, v) for i in range(len(toks)))


_MAX_ITEMS = 12
_MAX_ITEM_WORDS = 60


def _listed_items(art: Article, v: Vocabulary) -> dict[int, int]:
    """Sentences listed after a lead such as «وتنص الاتفاقية على ما يلي:»: each its own
    paragraph, up to the first that is narration again (a statement, a new lead, a long
    sentence) — they are the provisions, not «ما يلي». Maps item index → lead index."""
    out: dict[int, int] = {}
    sentences = art.sentences
    for s in sentences:
        if not s.text.rstrip().endswith(":"):
            continue
        toks = tokenize(s.text)
        cue = next((i for i in range(len(toks)) if _cue_at(toks, i, v)), None)
        if cue is None or not _list_lead(toks, cue + _cue_at(toks, cue, v), len(toks)):
            continue
        prev = sentences[s.index - 1].text if s.index else ""
        if not (_about_agreement(toks, cue, v) or _names_agreement(prev, v)):
            continue
        last_paragraph = s.paragraph
        for item in sentences[s.index + 1 : s.index + 1 + _MAX_ITEMS]:
            words = [t for t in tokenize(item.text) if t.word]
            if (
                item.paragraph == last_paragraph
                or item.text.rstrip().endswith(":")
                or len(words) > _MAX_ITEM_WORDS
                or any("say" in event_classes(t.text) for t in words[:3])
            ):
                break
            out[item.index] = s.index
            last_paragraph = item.paragraph
    return out


def _groups(found: list[_Found], v: Vocabulary) -> list[list[_Found]]:
    """Merge mentions of one provision: numbered clauses by number, unnumbered ones by
    shared stems, and an unnumbered one into the numbered clause it clearly reports."""
    groups: list[list[_Found]] = []
    keyed: dict[tuple[str, str], list[_Found]] = {}
    loose: list[tuple[frozenset[str], _Found]] = []
    for f in found:
        if f.number is not None:
            keyed.setdefault(("n", f"{f.number:06d}"), []).append(f)
        elif f.reference is not None:
            continue  # "المادة 51 من ميثاق الأمم المتحدة" is cited, not a provision
        else:
            loose.append((_known_stems(f.title + " " + f.text, v), f))
    # Single-link clustering of unnumbered obligations, in reading order.
    parent = list(range(len(loose)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    title_stems = [_known_stems(f.title, v) for _, f in loose]
    concepts = frozenset(v.synonyms.values())
    apart = [{f.apart} for _, f in loose]  # per root: keys its members hold
    # Whether two mentions link depends only on their stems, and many mentions have the
    # same stems (one clause reported by many outlets): mentions are classed by their stems,
    # classes are linked once, and linked classes share a stem. Each mention is compared
    # with the earlier mentions of the linked classes in reading order, as a full scan would,
    # but only the first of each cluster counts (the next ones of that cluster are already
    # in it, or kept apart from it), so a class keeps one mention per cluster: comparing
    # every pair, then every mention sharing a common stem, made a large build quadratic.
    class_of: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    class_stems: list[tuple[frozenset[str], frozenset[str]]] = []
    class_members: list[list[int]] = []
    with_stem: dict[str, list[int]] = {}
    links: dict[tuple[int, int], bool] = {}
    for x in range(len(loose)):
        own = (title_stems[x], loose[x][0])
        c = class_of.get(own)
        if c is None:
            c = class_of[own] = len(class_stems)
            class_stems.append(own)
            class_members.append([])
            for stem_ in own[0] | own[1]:
                with_stem.setdefault(stem_, []).append(c)
        near = {d for stem_ in own[0] | own[1] for d in with_stem[stem_]}
        earlier: list[int] = []
        for d in near:
            if (c, d) not in links:
                (ta, sa), (tb, sb) = own, class_stems[d]
                links[c, d] = _linked(ta, tb, concepts) or _linked(sa, sb, concepts)
            if links[c, d]:
                firsts: dict[int, int] = {}
                for y in class_members[d]:  # in reading order: the first of each cluster
                    firsts.setdefault(root(y), y)
                class_members[d] = sorted(firsts.values())
                earlier.extend(class_members[d])
        for y in sorted(earlier):
            if root(x) == root(y):
                continue  # already one provision: linking them changes nothing
            rx, ry = root(x), root(y)
            if not apart[rx] & apart[ry]:
                parent[max(rx, ry)] = min(rx, ry)
                apart[min(rx, ry)] |= apart[max(rx, ry)]
        class_members[c].append(x)
    clusters: dict[int, list[_Found]] = {}
    for idx, (_, f) in enumerate(loose):
        clusters.setdefault(root(idx), []).append(f)
    # An unnumbered obligation that another outlet reports with its number is that
    # clause: merged into it when most (≥ 60 %, ≥ 3) of its title's key words are the
    # clause's and it fits one clause clearly (by ≥ 2 words) better than any other.
    numbered_keys = [k for k in sorted(keyed) if k[0] == "n"]
    clause_stems = {k: _stems(" ".join(f.text for f in keyed[k]), v) for k in numbered_keys}
    for root_id, members in list(clusters.items()):
        head = _stems(_provision(members, v).title, v)
        if len(head) < 3:
            continue
        fits = sorted(
            ((len(head & clause_stems[k]), k) for k in numbered_keys),
            key=lambda x: (-x[0], x[1]),
        )
        if not fits:
            continue
        shared, best = fits[0]
        runner_up = fits[1][0] if len(fits) > 1 else 0
        if shared >= 3 and shared / len(head) >= 0.6 and shared - runner_up >= 2:
            keyed[best].extend(members)
            del clusters[root_id]
    for key in sorted(keyed):
        groups.append(keyed[key])
    unnumbered = sorted(
        clusters.values(),
        key=lambda g: (-len({(f.article_id, f.sentence_index) for f in g}), g[0].order),
    )
    groups.extend(unnumbered)
    return groups


def _provision(group: list[_Found], v: Vocabulary) -> TreatyArticle:
    """One provision from its mentions: the most representative mention gives title and text."""
    stems = [_known_stems(f.title, v) for f in group]
    # Σ_j≠i |stems_i ∩ stems_j| = Σ_(s ∈ stems_i) (members holding s − 1): linear in the group
    holding = Counter(s for member in stems for s in member)

    def centrality(i: int) -> tuple[int, int, tuple[int, int]]:
        score = sum(holding[s] - 1 for s in stems[i])
        return (-score, len(group[i].title), group[i].order)

    numbered = [i for i in range(len(group)) if group[i].number is not None]
    best = group[min(numbered or range(len(group)), key=centrality)]
    seen: set[tuple[str, int]] = set()
    sources: list[Evidence] = []
    for f in sorted(group, key=lambda f: f.order):
        if (f.article_id, f.sentence_index) in seen:
            continue
        seen.add((f.article_id, f.sentence_index))
        sources.append(
            Evidence(article_id=f.article_id, sentence_index=f.sentence_index, text=f.sentence)
        )
    return TreatyArticle(number=best.number, title=best.title, text=best.text, sources=sources)


__all__ = [
    "ProvisionMention",
    "article_provisions",
    "extract_treaty_articles",
    "merge_provisions",
    "shared_concepts",
]
