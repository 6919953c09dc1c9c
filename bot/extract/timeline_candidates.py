"""Dated event clauses of one article: the first half of the timeline (DESIGN.md §2).

A candidate is a clause that carries an anchored date (``bot.extract.dates``) and an
event predicate (``bot.extract.events``). Dates introduced by منذ/قبل/بعد/حتى ("since/
before/after/until X") do not anchor the clause's event: "the first visit since 2000"
did not happen in 2000. Merging candidates across articles is :mod:`bot.extract.timeline`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.arabic.stopwords import is_stop_word
from bot.corpus_types import Article
from bot.extract.dates import (
    Anaphor,
    DateMention,
    find_anaphora,
    find_dates,
    format_date,
    resolve_anaphor,
)
from bot.extract.events import dated_names, event_classes
from bot.model import DateResolution

#: words before a date that make it a boundary, not the time of the clause's event
_NOT_ANCHORS = frozenset(normalize(w) for w in ("منذ", "قبل", "بعد", "حتى", "عقب", "بعيد"))
#: "معاهدة ... لعام 1961" names a document by its year; the date is not the clause's event
#: words between a boundary preposition and its date
_MODIFIERS = frozenset(
    normalize(w)
    for w in ("خريف", "ربيع", "صيف", "شتاء", "مطلع", "أواخر", "أوائل", "منتصف", "بداية", "نهاية")
)
_ATTRIBUTIVE = frozenset(normalize(w) for w in ("لعام", "لعامي", "للعام", "لسنة"))
_CLAUSE_BREAK = re.compile(r"[،,؛;:]|\s[-–]\s")
#: predicates too common to merge two items on by themselves (many statements a day)
WEAK_CLASSES = frozenset({"say"})
UNIT_RANK = {"day": 0, "month": 1, "year": 2}
#: predicates this many words farther than the nearest one still date-share ("الموقعة في
#: يونيو الماضي حيز التنفيذ": signing and entry into force both sit by the date)
NEAR_MARGIN = 3.5
#: a clause with fewer content words than this is compared by its whole sentence
MIN_KEYS = 3
#: sentences longer than this are shown by the clause around the date
MAX_SENTENCE_TEXT = 250


@dataclass(frozen=True, slots=True)
class Candidate:
    """One dated event clause in one sentence of one article."""

    article_id: str
    sentence_index: int
    sentence: str
    text: str
    mention: DateMention
    classes: frozenset[str]
    keys: frozenset[str]
    #: for statements: the word after the speech verb ("ووصف بوتين" → "بوتين")
    speaker: str = ""
    #: classes of the scene-setting predicates of the clause ("بعد تبادل وثائق التصديق")
    scene: frozenset[str] = frozenset()
    #: the part of the sentence whose predicates the date governs (a date after في
    #: governs what precedes it: "الموقعة في يونيو الماضي حيز التنفيذ")
    span: tuple[int, int] = (0, 0)

    @property
    def interval(self) -> tuple[dt.date, dt.date]:
        return date_interval(self.mention)


def _period_end(d: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return d
    if unit == "month":
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return d.replace(month=12, day=31)


def date_interval(m: DateMention) -> tuple[dt.date, dt.date]:
    return _interval(m.value, m.value_end, m.unit)


@lru_cache(maxsize=1 << 14)
def _interval(value: dt.date, value_end: dt.date | None, unit: str) -> tuple[dt.date, dt.date]:
    """Memoised: the timeline merge asks for the intervals of the same dates again and again."""
    return value, _period_end(value_end or value, unit)


def _anchors(sentence: str, m: DateMention) -> bool:
    """False when the date is a boundary (منذ 2000, قبل يناير) rather than the event's time."""
    words = normalize(m.text).split(" ")
    afternoon = words[:2] == ["بعد", "ظهر"]  # "بعد ظهر اليوم": in the afternoon, not after
    if (words[0] in _NOT_ANCHORS and not afternoon) or words[0] in _ATTRIBUTIVE:
        return False
    before = [w for w in normalize(sentence[: m.start]).split(" ") if w]
    while before and before[-1] in _MODIFIERS:  # "منذ خريف 2019", "قبل مطلع عام"
        before.pop()
    prev = before[-1] if before else ""
    prev = prev.lstrip("وف") if prev not in _NOT_ANCHORS else prev
    if _bare(prev) in dated_names():  # "موازنة العام المقبل" names a budget
        return False
    if prev in _PERIOD_WORDS:  # "للفترة 2026-2028": a term, not an event
        return False
    if _local_time_gloss(sentence, m) or _in_since_phrase(sentence, m):
        return False
    if any(w.lstrip("و") in _ABOUT for w in before[-2:]):
        return False  # "الحصاد الخاص بيوم أمس": the day a thing is about, not an event's
    return prev not in _NOT_ANCHORS


_PERIOD_WORDS = frozenset(normalize(w) for w in ("للفترة", "الفترة", "فترة", "لفترة", "بالفترة"))

#: "التقرير الخاص بشهر مارس", "الحصاد المتعلق بيوم أمس": the date is what a thing is about
_ABOUT = frozenset(
    normalize(w) for w in ("الخاص", "الخاصة", "المتعلق", "المتعلقة", "المخصص", "المخصصة")
)

#: how far (in words) a "منذ" still governs a later date of its clause
SINCE_REACH = 8
_SINCE = normalize("منذ")
#: "منذ سنوات، …": a duration closes the منذ phrase before any later date
_DURATIONS = frozenset(
    normalize(w)
    for w in (
        "سنوات",
        "سنة",
        "سنتين",
        "عام",
        "عامين",
        "أعوام",
        "شهر",
        "شهرين",
        "أشهر",
        "شهور",
        "أسبوع",
        "أسابيع",
        "يوم",
        "يومين",
        "أيام",
        "ساعات",
        "عقد",
        "عقود",
        "عقدين",
        "فترة",
        "زمن",
        "وقت",
        "ذلك",
        "قرن",
        "قرون",
    )
)


def _in_since_phrase(sentence: str, m: DateMention) -> bool:
    """Does the date close a "منذ …" phrase of its clause ("أكبر قمة منذ بدء الحرب في فبراير
    2022", "أول لقاء منذ أن شنت هجومها في فبراير 2022")? It dates the boundary, not the
    clause's event. "منذ سنوات" (a duration) is a phrase of its own."""
    breaks = list(_CLAUSE_BREAK.finditer(sentence, 0, m.start))
    start = breaks[-1].end() if breaks else 0
    words = normalize(sentence[start : m.start]).split()[-SINCE_REACH:]
    for i, w in enumerate(words):
        if w.lstrip("و") == _SINCE and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt not in _DURATIONS and not nxt.isdigit():
                return True
    return False


_LOCAL_TIME = re.compile(r"\s*(?:بالتوقيت|بتوقيت)")


def _local_time_gloss(sentence: str, m: DateMention) -> bool:
    """ "اليوم الأربعاء (الخميس بالتوقيت المحلي)": the bracketed day restates the date
    before it in another time zone; it is not a second event."""
    return sentence[: m.start].rstrip().endswith("(") and bool(
        _LOCAL_TIME.match(normalize(sentence[m.end :]))
    )


def _bare(word: str) -> str:
    """A word without its clitics و/ف, ل/ب and article: "ولموازنه" → "موازنه"."""
    return re.sub(r"^(?:[وف])?(?:لل|[لب]?(?:ال)?)", "", word)


def segments(sentence: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for br in _CLAUSE_BREAK.finditer(sentence):
        spans.append((start, br.start()))
        start = br.end()
    spans.append((start, len(sentence)))
    return spans


WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+")


def _predicates(
    text: str, offset: int, m: DateMention
) -> tuple[frozenset[str], frozenset[str], bool]:
    """Classes of the predicate nearest the date in ``text``, and the content stems.

    The nearest predicate is the date's own: in "يحتفلان هذا العام بالذكرى … لإبرام أول
    وثيقة" the year dates the celebration, not the signing named later. Predicates after
    the date count as a little farther, news clauses being mostly verb-first. A predicate
    in a circumstantial phrase ("أبرمت المعاهدة خلال زيارة …"، "دخلت حيز التنفيذ بعد تبادل
    …") sets the scene: the main predicate beside it is the event. The third value says
    that only such scene-setting predicates were found.
    """
    toks = [(t.start() + offset, t.end() + offset, t.group()) for t in WORD.finditer(text)]
    found: list[tuple[float, bool, frozenset[str]]] = []
    scene: list[bool] = []
    pred_tokens: set[int] = set()
    for i, (a, b, w) in enumerate(toks):
        if m.start <= a < m.end:
            continue
        if i > 0 and normalize(toks[i - 1][2]) in NEGATIONS:
            continue  # "لم يصدر بعد رد": what did not happen is no event
        classes = event_classes(w)
        if not classes and i + 1 < len(toks) and not (m.start <= toks[i + 1][0] < m.end):
            pair = event_classes(w + " " + toks[i + 1][2])
            classes = pair - event_classes(toks[i + 1][2])
            if classes:
                pred_tokens.add(i + 1)
        if not classes:
            continue
        pred_tokens.add(i)
        gap = len([t for t in toks if (b <= t[0] < m.start) or (m.end <= t[0] < a)])
        dist = gap if b <= m.start else gap * 1.5 + 0.5
        found.append((dist, b <= m.start, classes))
        opener = [normalize(t[2]) for t in toks[max(0, i - 3) : i]]
        # "دعي الناخبون للاقتراع بعد وفاة الرئيس في مايو": the date closing an "after …"
        # phrase dates what the phrase names, not the main clause
        closes = b <= m.start and not _CLAUSE_BREAK.search(text[b - offset : m.start - offset])
        scene.append(_circumstantial(opener) and not (closes and _sequential(opener)))
    keys = frozenset(
        st
        for i, (a, _b, w) in enumerate(toks)
        if i not in pred_tokens
        and not (m.start <= a < m.end)
        and not is_stop_word(w)
        and not any(ch.isdigit() for ch in w)
        and len(st := stem(w)) > 1
    )
    circ_only = bool(found) and all(scene)
    if not circ_only:
        found = [f for f, sc in zip(found, scene, strict=True) if not sc]
    if _after_preposition(text, m.start - offset) and any(before for _, before, _ in found):
        # "وقعت … في يونيو": a prepositional date modifies what precedes it
        found = [f for f in found if f[1]]
    nearest = min((d for d, _, _ in found), default=0.0)
    near = frozenset(c for d, _, cs in found if d <= nearest + NEAR_MARGIN for c in cs)
    return near, keys, circ_only


#: words opening a circumstantial phrase: "خلال زيارة", "أثناء القمة", "بعد تبادل"
_SCENE = frozenset(
    normalize(w) for w in ("خلال", "أثناء", "إبان", "بعد", "عقب", "إثر", "قبل", "منذ", "لدى")
)


def _circumstantial(before: Sequence[str]) -> bool:
    """Do the (normalised) words before a predicate put it in a circumstantial phrase?

    Up to three words back: "بعد تبادل وثائق التصديق". A verbal clause ("بعد أن صادق
    البرلمان في ديسمبر") is an event of its own, not a scene.
    """
    for k in range(len(before) - 1, -1, -1):
        if before[k] in {"ان", "ما"}:
            return False
        if before[k].removeprefix("و") in _SCENE:
            return True
    return False


_SEQUENTIAL = frozenset(normalize(w) for w in ("بعد", "عقب", "إثر"))


def _sequential(before: Sequence[str]) -> bool:
    """Is the scene opener "after" (بعد, عقب, إثر) rather than "during"?"""
    return any(w.removeprefix("و") in _SEQUENTIAL for w in before)


NEGATIONS = frozenset(
    normalize(w) for w in ("لم", "ولم", "فلم", "لن", "ولن", "لا", "ولا", "ما", "ليس", "غير")
)
_PREPOSITIONS = frozenset({"في", "خلال"})


def _after_preposition(text: str, pos: int) -> bool:
    before = normalize(text[:pos]).split(" ")
    return bool(before) and before[-1] in _PREPOSITIONS


#: complementisers that open reported content after a speech verb ("قال … إن …")
_COMPLEMENTISERS = frozenset(normalize(w) for w in ("إن", "أن", "بأن", "وإن", "وأن", "فإن"))


@lru_cache(maxsize=65536)
def norm_word(word: str) -> str:
    return normalize(word)


def speech_content(sentence: str) -> tuple[int, int] | None:
    """Where the reported content of the sentence's first speech verb lies, if any.

    "قال البيت الأبيض، في 7 نوفمبر، إن …": the content is what follows إن; its dates are
    what was said, not when it was said.
    """
    said = False
    start: int | None = None
    for t in WORD.finditer(sentence):
        w = norm_word(t.group())
        if start is None and said and w in _COMPLEMENTISERS:
            start = t.start()
        elif start is not None and "say" in event_classes(t.group()):
            breaks = list(_CLAUSE_BREAK.finditer(sentence, start, t.start()))
            if breaks:  # "…، كما كشفت تقارير …": another statement begins
                return start, breaks[-1].start()
        elif not said and "say" in event_classes(t.group()):
            said = True
    return None if start is None else (start, len(sentence))


def _window(
    sentence: str, m: DateMention, others: Sequence[DateMention] = (), lo: int = 0
) -> tuple[int, int, frozenset[str], frozenset[str]]:
    """The clause holding the date, widened until it has a predicate.

    Arabic news clauses are mostly verb-first, so the date's own clause is widened to the
    preceding clauses first ("قال البيت الأبيض، في 7 نوفمبر، إن …"), then the following;
    never into a clause holding another date, whose predicate is that date's.
    """
    segs = [(max(a, lo), b) for a, b in segments(sentence) if b > lo]
    i = next((k for k, (a, b) in enumerate(segs) if a <= m.start < max(b, a + 1)), len(segs) - 1)

    def free(k: int) -> bool:
        return not any(segs[k][0] <= o.start < segs[k][1] for o in others)

    lo_min = i
    while lo_min > 0 and i - lo_min < 3 and free(lo_min - 1):
        lo_min -= 1
    hi_max = i
    while hi_max < len(segs) - 1 and hi_max - i < 2 and free(hi_max + 1):
        hi_max += 1
    spans = [(lo, i) for lo in range(i, lo_min - 1, -1)]
    spans += [(lo_min, hi) for hi in range(i + 1, hi_max + 1)]
    for lo, hi in spans:
        a, b = segs[lo][0], segs[hi][1]
        classes, keys, circ_only = _predicates(sentence[a:b], a, m)
        if classes:
            main = _main_clause(sentence, segs, lo, hi, m, others) if circ_only else None
            return main or (a, b, classes, keys)
    return segs[i][0], segs[i][1], frozenset(), frozenset()


def _main_clause(
    sentence: str,
    segs: Sequence[tuple[int, int]],
    lo: int,
    hi: int,
    m: DateMention,
    others: Sequence[DateMention],
) -> tuple[int, int, frozenset[str], frozenset[str]] | None:
    """The main clause of a date found only in a circumstantial phrase.

    "أبرمها الزعيمان، أثناء زيارة بوتين في يونيو": the phrase follows its clause;
    "وخلال الزيارة في مارس، تم التوقيع": it opens the sentence part and the clause follows.
    """
    first = _first_word(sentence[segs[lo][0] : segs[lo][1]])
    if first in _SCENE and lo > 0:
        a, b = segs[lo - 1][0], segs[hi][1]
    elif first.removeprefix("و") in _SCENE and hi + 1 < len(segs):
        a, b = segs[lo][0], segs[hi + 1][1]
    else:
        return None
    if any(a <= o.start < b for o in others):
        return None  # that clause has a date, and so a predicate, of its own
    classes, keys, circ_only = _predicates(sentence[a:b], a, m)
    return (a, b, classes, keys) if classes and not circ_only else None


def candidates(article: Article) -> list[Candidate]:
    """Dated event clauses of one article, in reading order."""
    out: list[Candidate] = []
    published = article.meta.published
    last: tuple[DateMention, int] | None = None  # for "اليوم نفسه": the previous date
    precision = article.meta.published_precision
    found_by_sentence = [find_dates(x.text, published, precision) for x in article.sentences]
    years = [
        (x.index, m.start, m.value.year, m.text)
        for x, found in zip(article.sentences, found_by_sentence, strict=True)
        for m in found
        if m.resolution.kind == "absolute"
    ]
    for sent, found in zip(article.sentences, found_by_sentence, strict=True):
        # a publication date known only to the month cannot resolve "الخميس"; known only
        # to the year, "3 مارس" takes the year the article gives elsewhere
        found = [
            r
            for m in found
            if (r := m if _resolvable(m, precision) else _with_text_year(m, sent.index, years))
        ]
        mentions: list[DateMention] = []
        pending = sorted(
            [(m.start, m) for m in found] + [(a.start, a) for a in find_anaphora(sent.text)],
            key=lambda p: p[0],
        )
        for _, item in pending:
            if isinstance(item, Anaphor):
                if last is None:
                    continue
                resolved = resolve_anaphor(item, last[0], f"sentence {last[1]}")
                if resolved is None:
                    continue
                item = resolved
            mentions.append(item)
            last = (item, sent.index)
        anchored: list[DateMention] = []
        prev: DateMention | None = None
        prev_ok = True
        for m in mentions:
            ok = _anchors(sent.text, m)
            # "لعامي 2000 و2001": a coordinated date shares the first one's role
            if prev is not None and _coordinated(sent.text, prev, m):
                ok = prev_ok
            if ok:
                anchored.append(m)
            prev, prev_ok = m, ok
        content = speech_content(sent.text) if anchored else None
        if content is not None:
            # a future date inside reported speech that bounds something else ("ستواصل
            # المساعدات قبل انتقال السلطة … في يناير2025") is what was said, not an event
            latest = _period_end(published, article.meta.published_precision)
            anchored = [
                m
                for m in anchored
                if not _within(m, content)
                or m.value <= latest
                or not _in_boundary_phrase(sent.text, m)
            ]
        anchored = [m for m in anchored if not _expected(sent.text, m, published)]
        # "السبت (29 يونيو)", "يوم الجمعة المقبل في 5 يوليو": one day named twice in a row
        anchored = [m for m in anchored if not _restated(sent.text, m, anchored)]
        for m in anchored:
            others = [o for o in anchored if o is not m]
            inside = content is not None and _within(m, content)
            lo = content[0] if content is not None and inside else 0
            a, b, classes, keys = _window(sent.text, m, others, lo)
            led = None if classes else _dateline_lead(article, sent.index, m)
            scene: frozenset[str]
            if led is not None:  # "سيول، 25 يونيو." then the news: the dateline dates it
                classes, keys, text = led
                scene, span = frozenset(), (0, len(sent.text))
            elif not classes:
                continue
            else:
                if len(keys) < MIN_KEYS:  # "…، وقعت في عام 1961": compare the sentence
                    keys = _predicates(sent.text, 0, m)[1]
                if content is not None and m.start < content[0] and "say" in classes:
                    b = max(b, content[1])  # never cut a statement from what was said
                text = _event_text(sent.text, a, b, m, others, len(anchored) == 1)
                scene = _scene_classes(sent.text[a:b]) - classes
                span = (a, m.end if _after_preposition(sent.text, m.start) else b)
            out.append(
                Candidate(
                    article_id=article.id,
                    sentence_index=sent.index,
                    sentence=sent.text,
                    text=text,
                    mention=m,
                    classes=classes,
                    keys=keys,
                    speaker=_speaker(text) if "say" in classes else "",
                    scene=scene,
                    span=span,
                )
            )
        out.extend(_relative_events(article.id, sent.index, sent.text, anchored))
    return out


_EXPECTATION = frozenset(
    normalize(w)
    for w in (
        "المتوقع",
        "ويتوقع",
        "يتوقع",
        "تتوقع",
        "وتتوقع",
        "توقع",
        "توقعت",
        "وتوقعت",
        "وتوقع",
        "المنتظر",
        "بحلول",
        "يرتقب",
        "المرتقب",
        "المرتقبة",
    )
)


def _expected(sentence: str, m: DateMention, published: dt.date) -> bool:
    """Not (yet) an event: an expectation ("ومن المتوقع أن يلتقي … يوم 24") or a future
    tense with a coming month or year ("سيدخل الاتفاق حيز التنفيذ الشهر المقبل"). An
    announced day ("ستصدر النتائج يوم الأربعاء") stays: it is a schedule."""
    breaks = list(_CLAUSE_BREAK.finditer(sentence, 0, m.start))
    start = breaks[-1].end() if breaks else 0
    words = normalize(sentence[start : m.start]).split()
    if any(w in _EXPECTATION for w in words):
        return True
    if (m.unit == "day" and m.value_end is None) or m.value <= published:
        return False  # an announced day stays; a coming week or month does not
    for i, w in enumerate(words):
        core = w[1:] if w.startswith("س") else w[2:] if w.startswith("وس") else ""
        if w == "سوف" or (
            core[:1] in ("ي", "ت", "ن") and event_classes(" ".join([core, *words[i + 1 : i + 4]]))
        ):
            return True
    return False


def _scene_classes(text: str) -> frozenset[str]:
    """Classes of the predicates of ``text`` that stand in circumstantial phrases."""
    toks = [t.group() for t in WORD.finditer(text)]
    out: set[str] = set()
    for i, w in enumerate(toks):
        classes = event_classes(w)
        if classes and _circumstantial([norm_word(t) for t in toks[max(0, i - 3) : i]]):
            out |= classes
    return frozenset(out)


def _speaker(text: str) -> str:
    """The word after the first speech verb of ``text``, normalised ("" if none)."""
    toks = [t.group() for t in WORD.finditer(text)]
    for i, w in enumerate(toks[:-1]):
        if "say" in event_classes(w):
            nxt = norm_word(toks[i + 1])
            return "" if is_stop_word(toks[i + 1]) or nxt in _PREPOSITIONS else nxt
    return ""


_OFFSET = re.compile(
    r"(?<![^\W\d_])[وف]?(?P<dir>بعد|قبل)\s+(?:(?P<n>\d+)\s+)?(?P<unit>يوم|يومين|أيام|ايام|أسبوع|اسبوع|"
    r"أسبوعين|اسبوعين|ساعات|ساعة)\s+(?:من|على)\s+"
)
_UNIT_DAYS = {"يوم": 1, "يومين": 2, "أيام": 1, "ايام": 1, "أسبوع": 7, "اسبوع": 7}
_UNIT_DAYS |= {"أسبوعين": 14, "اسبوعين": 14, "ساعات": 0, "ساعة": 0}


def _relative_events(
    article_id: str, index: int, sentence: str, anchored: Sequence[DateMention]
) -> list[Candidate]:
    """Events dated by their distance to a dated event of the same sentence.

    "وصلت الحاملة يوم 22 يونيو، بعد يوم من استدعاء السفير": the summons was on 21 June.
    "قبل يومين من X" after a dated clause puts X two days after that date. Only a
    day-precise date earlier in the sentence anchors; the event is the predicate that
    follows "من", shown to the end of its clause.
    """
    out: list[Candidate] = []
    for hit in _OFFSET.finditer(sentence):
        before = [m for m in anchored if m.unit == "day" and m.end <= hit.start()]
        if not before:
            continue
        base = before[-1]
        n = int(hit["n"]) if hit["n"] else 1
        days = n * _UNIT_DAYS[hit["unit"]]
        sign = -1 if hit["dir"] == "بعد" else 1  # base is after X: X = base - offset
        value = base.value + dt.timedelta(days=sign * days)
        ends = [br.start() for br in _CLAUSE_BREAK.finditer(sentence, hit.end())]
        stop = ends[0] if ends else len(sentence)
        clause = sentence[hit.end() : stop]
        first = WORD.match(clause)
        if first is None or not (classes := event_classes(first.group())) - WEAK_CLASSES:
            continue
        phrase = sentence[hit.start() : hit.end()].strip()
        mention = DateMention(
            start=hit.start(),
            end=hit.end(),
            text=phrase,
            granularity="day",
            unit="day",
            value=value,
            value_end=None,
            qualifier=None,
            resolution=DateResolution(
                kind="offset",
                phrase=phrase,
                value=format_date(value, "day"),
                rule=f"{days} day(s) {'before' if sign < 0 else 'after'} the anchor, same sentence",
                anchor=base.text,
            ),
            anchor=base.anchor,
        )
        keys = frozenset(
            st
            for t in WORD.finditer(clause)
            if not is_stop_word(t.group()) and len(st := stem(t.group())) > 1
        )
        out.append(Candidate(article_id, index, sentence, clause.strip(), mention, classes, keys))
    return out


#: words opening an adverbial phrase ("وخلال الزيارة …"، "وفي أعقاب …"): such a clause
#: sets the scene; the event is the main clause after it
_ADVERBIAL = frozenset(
    normalize(w)
    for w in ("خلال", "أثناء", "إبان", "عقب", "بعد", "قبل", "منذ", "في", "مع", "عند", "لدى", "إثر")
)
#: words that open a new clause after a comma (a bare noun there continues the clause:
#: "أثارت الزيارة …، قلق أمريكا" — the object after a long subject)
_CONNECTIVES = frozenset(
    normalize(w)
    for w in (
        "لكن",
        "لكنه",
        "لكنها",
        "حيث",
        "إذ",
        "بينما",
        "فيما",
        "كما",
        "ثم",
        "لاسيما",
        "لا",
        "مما",
        "ما",
        "الذي",
        "التي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللذان",
        "اللتان",
        "وفق",
        "وفقا",
        "بحسب",
        "حسب",
        "على",
        "في",
        "من",
        "عن",
        "إلى",
        "مع",
        "بعد",
        "قبل",
        "خلال",
        "منذ",
        "أو",
        "أن",
        "إن",
        "بأن",
        "لأن",
        "كي",
        "لكي",
        "حتى",
        "عندما",
        "إذا",
        "لذا",
        "أي",
        "أثناء",
        "عقب",
        "إثر",
        "رغم",
        "بل",
        "هو",
        "هي",
        "وهو",
        "وهي",
        "ليس",
        "قد",
    )
)
_RELATIVES = frozenset(
    normalize(w)
    for w in ("التي", "الذي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللواتي")
)
_PREDICATE_PARTICLES = frozenset(
    normalize(w) for w in ("في", "على", "إلى", "من", "عن", "مع", "بعد", "قبل", "خلال")
)


def _first_word(text: str) -> str:
    t = WORD.search(text)
    return normalize(t.group()) if t else ""


def _opens_clause(word: str) -> bool:
    return word.startswith(("و", "ف")) or word in _CONNECTIVES or not word


def _no_subject(toks: Sequence[re.Match[str]], offset: int, m: DateMention) -> bool:
    """ "ودخلت حيز التنفيذ …"، "ووقعت في يونيو": a coordinated verb whose next word is its
    complement, a preposition or the date, not a subject of its own."""
    verb, nxt, after = (t.group() for t in toks[:3])
    bare = normalize(verb)[1:]
    if bare in _ADVERBIAL or bare in _CONNECTIVES or bare.startswith("ال") or len(bare) < 3:
        return False  # "وخلال الزيارة": a phrase, not a verb
    if offset + toks[1].start() >= m.start or normalize(nxt) in _PREDICATE_PARTICLES:
        return bool(event_classes(verb))
    return bool(event_classes(nxt + " " + after) or event_classes(nxt)) and not event_classes(
        verb + " " + nxt
    ) - event_classes(nxt + " " + after)


#: particles before a verb: the word after one is a verb, not part of a noun phrase
_VERB_PARTICLES = NEGATIONS | frozenset(normalize(w) for w in ("قد", "لقد", "سوف", "كان"))


def _inner_relative(sentence: str, x0: int, m: DateMention) -> str | None:
    """ "لم تتضمن معاهدة الصداقة التي وقعت في 9 فبراير عام 2000 أي نص": the date and its
    predicate sit in a relative clause inside the clause; show "معاهدة الصداقة التي وقعت
    في 9 فبراير عام 2000" (head noun phrase, relative clause up to the date).

    Only when the main clause before the head has no event predicate of its own (here a
    negated or unlisted verb), so "وقع الرئيس الاتفاقية التي … في يونيو" keeps its clause.
    """
    toks = list(WORD.finditer(sentence, x0, m.start))
    rels = [k for k, t in enumerate(toks) if norm_word(t.group()) in _RELATIVES]
    rel = rels[-1] if rels else None
    if rel is None or rel == 0:
        return None
    if not any(event_classes(t.group()) for t in toks[rel + 1 :]):
        return None
    start = rel
    while start > 0 and rel - start < 6:
        t = toks[start - 1]
        w = norm_word(t.group())
        if is_stop_word(t.group()) or event_classes(t.group()) or w in _RELATIVES:
            break
        if start >= 2 and norm_word(toks[start - 2].group()) in _VERB_PARTICLES:
            break  # "لم تتضمن": a verb
        start -= 1
    if start == rel:
        return None
    main = toks[:start]
    if any(
        event_classes(t.group()) and not (k and norm_word(main[k - 1].group()) in NEGATIONS)
        for k, t in enumerate(main)
    ):
        return None
    return sentence[toks[start].start() : m.end].strip()


def _event_text(
    sentence: str, a: int, b: int, m: DateMention, others: Sequence[DateMention], alone: bool
) -> str:
    """The event as shown: the sentence, or the clauses around the date.

    A relative clause holding the date ("…، التي تأسست عام 1948 …") is shown with its
    head noun; a clause opened by an adverbial phrase ("وخلال الحرب 1950-1953") runs on
    to the main clause after it; a clause never ends between a verb's subject and object;
    a coordinated clause without a subject ("…، ودخلت حيز التنفيذ الخميس") falls back to
    the whole sentence.
    """
    segs = segments(sentence)

    def free(k: int) -> bool:
        return not any(segs[k][0] <= o.start < segs[k][1] for o in others)

    own = next((k for k, (x, y) in enumerate(segs) if x <= m.start < max(y, x + 1)), 0)
    x0, y0 = segs[own]
    inner = _inner_relative(sentence, x0, m)
    if inner is not None:
        return inner
    if _first_word(sentence[x0:y0]) in _RELATIVES and event_classes(sentence[x0:y0]):
        head = [t for t in WORD.finditer(sentence[: segs[own - 1][1]])] if own else []
        # the head noun phrase: "كوريا الشمالية" (noun + adjective), "الجمهورية الجديدة"
        # (definite noun + adjective), "بيونغ يانغ" (a name)
        take: list[re.Match[str]] = []
        definite = 0
        while head and len(take) < 4:
            t = head.pop()
            w = normalize(t.group())
            if is_stop_word(t.group()) or event_classes(t.group()):
                break
            if w.startswith("ال"):
                if definite < len(take):
                    break
                definite += 1
            elif definite >= 2 or len(take) - definite >= 2 - min(definite, 1):
                break
            take.append(t)
        if take:
            return sentence[take[-1].start() : y0].strip()
        return sentence[x0:y0].strip()
    lo = next(k for k, (x, y) in enumerate(segs) if x <= a < max(y, x + 1))
    hi = next((k for k, (x, y) in enumerate(segs) if x < b <= y), len(segs) - 1)
    first = _first_word(sentence[segs[lo][0] : segs[lo][1]])
    toks = list(WORD.finditer(sentence[segs[lo][0] : segs[lo][1]]))
    if lo > 0 and len(toks) > 2 and first[:1] in "وف" and _no_subject(toks, segs[lo][0], m):
        return sentence.strip()  # no subject of its own: the sentence tells whose it is
    if first.lstrip("وف") in _ADVERBIAL or first in _ADVERBIAL:
        # the scene-setting phrase runs on to its main clause
        while hi + 1 < len(segs) and free(hi + 1):
            hi += 1
            if _first_word(sentence[segs[hi][0] : segs[hi][1]]) not in _ADVERBIAL:
                break
    while (
        hi + 1 < len(segs)
        and free(hi + 1)
        and sentence[segs[hi][1] : segs[hi + 1][0]].strip() in {"،", ","}
        and not _opens_clause(_first_word(sentence[segs[hi + 1][0] : segs[hi + 1][1]]))
    ):
        hi += 1
    if alone and len(sentence) <= MAX_SENTENCE_TEXT:
        return sentence
    return sentence[segs[lo][0] : max(b, segs[hi][1])].strip()


#: words at most between two namings of one date that restate each other
RESTATE_GAP = 2


#: words besides its date that a dateline sentence ("سيول، 25 يونيو.") may hold
DATELINE_WORDS = 2
_PLACE_COMMA = re.compile(r"[^\W\d_]\s*[،,]\s*$")
#: sentences after a dateline that may hold its news (an agency tag "/تاس/." between)
DATELINE_REACH = 2


def _dateline_lead(
    article: Article, index: int, m: DateMention
) -> tuple[frozenset[str], frozenset[str], str] | None:
    """A sentence that is only a place and a date dates the news that follows it: the
    predicate classes, content stems and text of the first sentence after it (within
    ``DATELINE_REACH``) that has a predicate; None when ``m``'s sentence is no dateline."""
    sentence = article.sentences[index].text
    if not _PLACE_COMMA.search(sentence[: m.start]):
        return None  # a dateline opens with its place: "سيول، "
    if len(WORD.findall(sentence[: m.start] + " " + sentence[m.end :])) > DATELINE_WORDS:
        return None
    for nxt in article.sentences[index + 1 : index + 1 + DATELINE_REACH]:
        classes, keys, _ = _predicates(nxt.text, 0, replace(m, start=0, end=0))
        if classes:
            return classes, keys, nxt.text
    return None


def _restated(sentence: str, m: DateMention, mentions: Sequence[DateMention]) -> bool:
    """Is ``m`` the lesser of two mentions in apposition naming one date? The one kept
    is absolute rather than relative, then the fuller, then the first. (One date named
    in two clauses may date two events: "صدر البلاغ السبت … ترأس الملك السبت …".)"""

    def rank(x: DateMention) -> tuple[int, int, int]:
        return (x.resolution.kind == "absolute", len(x.text), -x.start)

    def gap(x: DateMention, y: DateMention) -> int:
        a, b = (x, y) if x.start < y.start else (y, x)
        return len(WORD.findall(sentence[a.end : b.start]))

    return any(
        o is not m
        and date_interval(o) == date_interval(m)
        and gap(o, m) <= RESTATE_GAP
        and rank(o) > rank(m)
        for o in mentions
    )


def _in_boundary_phrase(sentence: str, m: DateMention) -> bool:
    """Is the date inside a "قبل/بعد/حتى …" phrase of its clause ("قبل انتقال السلطة في …")?"""
    breaks = list(_CLAUSE_BREAK.finditer(sentence, 0, m.start))
    start = breaks[-1].end() if breaks else 0
    words = normalize(sentence[start : m.start]).split()
    return any(w in _NOT_ANCHORS for w in words)


def _within(m: DateMention, span: tuple[int, int]) -> bool:
    return span[0] <= m.start < span[1]


def _with_text_year(
    m: DateMention, index: int, years: Sequence[tuple[int, int, int, str]]
) -> DateMention | None:
    """A day and month without a year ("3 مارس") in an article dated only by year: the
    year of the article's nearest earlier explicit date (else its first later one)."""
    if m.granularity != "day" or m.anchor != "month" or m.value_end is not None:
        return None
    earlier = [y for y in years if (y[0], y[1]) < (index, m.start)]
    later = [y for y in years if (y[0], y[1]) > (index, m.start)]
    ref = earlier[-1] if earlier else (later[0] if later else None)
    if ref is None:
        return None
    try:
        value = m.value.replace(year=ref[2])
    except ValueError:  # 29 February
        return None
    note = DateResolution(
        kind="anaphor",
        phrase=m.text,
        value=value.isoformat(),
        rule=f"the year of another date of the article (sentence {ref[0]})",
        anchor=ref[3],
    )
    return replace(m, value=value, resolution=note, anchor=None)


def _resolvable(m: DateMention, precision: str) -> bool:
    return m.anchor is None or UNIT_RANK[m.anchor] >= UNIT_RANK[precision]


def _coordinated(sentence: str, first: DateMention, second: DateMention) -> bool:
    between = normalize(sentence[first.end : second.start])
    return between in {"و", "او", "-", ""}
