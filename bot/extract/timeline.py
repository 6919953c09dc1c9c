"""Timeline of dated events across the dossier (DESIGN.md §2), one item per event.

An event is a clause that carries an anchored date (``bot.extract.dates``) and an event
predicate (``bot.extract.events``). Dates introduced by منذ/قبل/بعد/حتى ("since/before/
after/until X") do not anchor the clause's event: "the first visit since 2000" did not
happen in 2000. The same happening told by several articles (or twice in one) becomes one
item: same kind of predicate, dates that contain one another (June ⊇ Wednesday 19 June)
and enough shared content words. The item keeps the most precise date and its wording.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    quoted_spans,
    resolve_anaphor,
)
from bot.extract.events import dated_names, event_classes
from bot.model import Evidence, TimelineEvent

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
_UNIT_RANK = {"day": 0, "month": 1, "year": 2}
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
        return _interval(self.mention)


def _period_end(d: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return d
    if unit == "month":
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return d.replace(month=12, day=31)


def _interval(m: DateMention) -> tuple[dt.date, dt.date]:
    return m.value, _period_end(m.value_end or m.value, m.unit)


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
    return prev not in _NOT_ANCHORS


def _bare(word: str) -> str:
    """A word without its clitics و/ف, ل/ب and article: "ولموازنه" → "موازنه"."""
    return re.sub(r"^(?:[وف])?(?:لل|[لب]?(?:ال)?)", "", word)


def _segments(sentence: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for br in _CLAUSE_BREAK.finditer(sentence):
        spans.append((start, br.start()))
        start = br.end()
    spans.append((start, len(sentence)))
    return spans


_WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+")


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
    toks = [(t.start() + offset, t.end() + offset, t.group()) for t in _WORD.finditer(text)]
    found: list[tuple[float, bool, frozenset[str]]] = []
    scene: list[bool] = []
    pred_tokens: set[int] = set()
    for i, (a, b, w) in enumerate(toks):
        if m.start <= a < m.end:
            continue
        if i > 0 and normalize(toks[i - 1][2]) in _NEGATIONS:
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
        scene.append(_circumstantial([normalize(t[2]) for t in toks[max(0, i - 3) : i]]))
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


_NEGATIONS = frozenset(
    normalize(w) for w in ("لم", "ولم", "فلم", "لن", "ولن", "لا", "ولا", "ما", "ليس", "غير")
)
_PREPOSITIONS = frozenset({"في", "خلال"})


def _after_preposition(text: str, pos: int) -> bool:
    before = normalize(text[:pos]).split(" ")
    return bool(before) and before[-1] in _PREPOSITIONS


#: complementisers that open reported content after a speech verb ("قال … إن …")
_COMPLEMENTISERS = frozenset(normalize(w) for w in ("إن", "أن", "بأن", "وإن", "وأن", "فإن"))


@lru_cache(maxsize=65536)
def _norm_word(word: str) -> str:
    return normalize(word)


def _speech_content(sentence: str) -> tuple[int, int] | None:
    """Where the reported content of the sentence's first speech verb lies, if any.

    "قال البيت الأبيض، في 7 نوفمبر، إن …": the content is what follows إن; its dates are
    what was said, not when it was said.
    """
    said = False
    start: int | None = None
    for t in _WORD.finditer(sentence):
        w = _norm_word(t.group())
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
    segs = [(max(a, lo), b) for a, b in _segments(sentence) if b > lo]
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
    for sent in article.sentences:
        found = find_dates(sent.text, published, article.meta.published_precision)
        # a publication date known only to the month cannot resolve "الخميس"
        found = [m for m in found if _resolvable(m, article.meta.published_precision)]
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
        content = _speech_content(sent.text) if anchored else None
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
        for m in anchored:
            others = [o for o in anchored if o is not m]
            inside = content is not None and _within(m, content)
            lo = content[0] if content is not None and inside else 0
            a, b, classes, keys = _window(sent.text, m, others, lo)
            if not classes:
                continue
            if len(keys) < MIN_KEYS:  # "…، وقعت في عام 1961": compare the sentence
                keys = _predicates(sent.text, 0, m)[1]
            if content is not None and m.start < content[0] and "say" in classes:
                b = max(b, content[1])  # never cut a statement from what was said
            text = _event_text(sent.text, a, b, m, others, len(anchored) == 1)
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
                    scene=_scene_classes(sent.text[a:b]) - classes,
                    span=(a, m.end if _after_preposition(sent.text, m.start) else b),
                )
            )
        out.extend(_relative_events(article.id, sent.index, sent.text, anchored))
    return out


def _scene_classes(text: str) -> frozenset[str]:
    """Classes of the predicates of ``text`` that stand in circumstantial phrases."""
    toks = [t.group() for t in _WORD.finditer(text)]
    out: set[str] = set()
    for i, w in enumerate(toks):
        classes = event_classes(w)
        if classes and _circumstantial([_norm_word(t) for t in toks[max(0, i - 3) : i]]):
            out |= classes
    return frozenset(out)


def _speaker(text: str) -> str:
    """The word after the first speech verb of ``text``, normalised ("" if none)."""
    toks = [t.group() for t in _WORD.finditer(text)]
    for i, w in enumerate(toks[:-1]):
        if "say" in event_classes(w):
            nxt = _norm_word(toks[i + 1])
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
        first = _WORD.match(clause)
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
            resolution=(
                f"relative: {phrase} … → {format_date(value, 'day')} "
                f"({days} day(s) {'before' if sign < 0 else 'after'} «{base.text}», same sentence)"
            ),
            anchor=base.anchor,
        )
        keys = frozenset(
            st
            for t in _WORD.finditer(clause)
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
    t = _WORD.search(text)
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
_VERB_PARTICLES = _NEGATIONS | frozenset(normalize(w) for w in ("قد", "لقد", "سوف", "كان"))


def _inner_relative(sentence: str, x0: int, m: DateMention) -> str | None:
    """ "لم تتضمن معاهدة الصداقة التي وقعت في 9 فبراير عام 2000 أي نص": the date and its
    predicate sit in a relative clause inside the clause; show "معاهدة الصداقة التي وقعت
    في 9 فبراير عام 2000" (head noun phrase, relative clause up to the date).

    Only when the main clause before the head has no event predicate of its own (here a
    negated or unlisted verb), so "وقع الرئيس الاتفاقية التي … في يونيو" keeps its clause.
    """
    toks = list(_WORD.finditer(sentence, x0, m.start))
    rels = [k for k, t in enumerate(toks) if _norm_word(t.group()) in _RELATIVES]
    rel = rels[-1] if rels else None
    if rel is None or rel == 0:
        return None
    if not any(event_classes(t.group()) for t in toks[rel + 1 :]):
        return None
    start = rel
    while start > 0 and rel - start < 6:
        t = toks[start - 1]
        w = _norm_word(t.group())
        if is_stop_word(t.group()) or event_classes(t.group()) or w in _RELATIVES:
            break
        if start >= 2 and _norm_word(toks[start - 2].group()) in _VERB_PARTICLES:
            break  # "لم تتضمن": a verb
        start -= 1
    if start == rel:
        return None
    main = toks[:start]
    if any(
        event_classes(t.group()) and not (k and _norm_word(main[k - 1].group()) in _NEGATIONS)
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
    segs = _segments(sentence)

    def free(k: int) -> bool:
        return not any(segs[k][0] <= o.start < segs[k][1] for o in others)

    own = next((k for k, (x, y) in enumerate(segs) if x <= m.start < max(y, x + 1)), 0)
    x0, y0 = segs[own]
    inner = _inner_relative(sentence, x0, m)
    if inner is not None:
        return inner
    if _first_word(sentence[x0:y0]) in _RELATIVES and event_classes(sentence[x0:y0]):
        head = [t for t in _WORD.finditer(sentence[: segs[own - 1][1]])] if own else []
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
    toks = list(_WORD.finditer(sentence[segs[lo][0] : segs[lo][1]]))
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


def _in_boundary_phrase(sentence: str, m: DateMention) -> bool:
    """Is the date inside a "قبل/بعد/حتى …" phrase of its clause ("قبل انتقال السلطة في …")?"""
    breaks = list(_CLAUSE_BREAK.finditer(sentence, 0, m.start))
    start = breaks[-1].end() if breaks else 0
    words = normalize(sentence[start : m.start]).split()
    return any(w in _NOT_ANCHORS for w in words)


def _within(m: DateMention, span: tuple[int, int]) -> bool:
    return span[0] <= m.start < span[1]


def _resolvable(m: DateMention, precision: str) -> bool:
    return m.anchor is None or _UNIT_RANK[m.anchor] >= _UNIT_RANK[precision]


def _coordinated(sentence: str, first: DateMention, second: DateMention) -> bool:
    between = normalize(sentence[first.end : second.start])
    return between in {"و", "او", "-", ""}


#: predicates too common to merge two items on by themselves (many statements a day)
WEAK_CLASSES = frozenset({"say"})
#: shared-content thresholds (overlap coefficient of content stems) for merging
MERGE_OVERLAP_WEAK = 0.5
MERGE_OVERLAP = 0.1


@dataclass(slots=True)
class _Cluster:
    """Merged candidates, with cheap summaries to reject most candidates without pairing."""

    members: list[Candidate] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    sentences: set[tuple[str, int]] = field(default_factory=set)
    hull: tuple[dt.date, dt.date] = (dt.date.max, dt.date.min)

    def add(self, c: Candidate) -> None:
        self.members.append(c)
        self.classes |= c.classes
        self.sentences.add((c.article_id, c.sentence_index))
        a, b = c.interval
        self.hull = (min(self.hull[0], a), max(self.hull[1], b))

    def stems(self) -> frozenset[str]:
        """The content stems of every member's sentence (asked once clustering is done)."""
        return frozenset().union(*(_sentence_stems(c.sentence) for c in self.members))

    def accepts(self, c: Candidate) -> bool:
        # two dates in one sentence are two events the writer told apart
        if (c.article_id, c.sentence_index) in self.sentences:
            return False
        a, b = c.interval
        if not (c.classes & self.classes) or b < self.hull[0] or self.hull[1] < a:
            return False
        return any(same_event(c, other) for other in self.members)


def same_event(x: Candidate, y: Candidate) -> bool:
    """Do two dated clauses report the same happening?

    They need the same kind of predicate and nested dates at most one precision step
    apart. Statements ("said") also need half their content words shared. Specific
    events (signed, visited, ratified …) merge without shared words when one date refines
    the other ("يونيو الماضي" ⊇ "الأربعاء") or both name the same day or the same range,
    since paraphrases across outlets share few words; otherwise some shared content.
    """
    shared = x.classes & y.classes
    if not shared or not _nested(x.interval, y.interval):
        return False
    ux, uy = _UNIT_RANK[x.mention.unit], _UNIT_RANK[y.mention.unit]
    if abs(ux - uy) > 1:
        return False
    small = min(len(x.keys), len(y.keys)) or 1
    overlap = len(x.keys & y.keys) / small
    if not (shared - WEAK_CLASSES):
        if ux != uy and x.speaker and x.speaker == y.speaker:
            return True  # the speaker's words "in June" and on a day of June: one occasion
        return overlap >= MERGE_OVERLAP_WEAK
    if x.interval == y.interval and (ux == 0 or x.mention.value_end is not None):
        return True
    if ux != uy and max(ux, uy) <= _UNIT_RANK["month"]:
        return True
    return overlap >= MERGE_OVERLAP


def _nested(x: tuple[dt.date, dt.date], y: tuple[dt.date, dt.date]) -> bool:
    return (x[0] <= y[0] and y[1] <= x[1]) or (y[0] <= x[0] and x[1] <= y[1])


def _precision_rank(c: Candidate) -> tuple[int, int, int, int, str]:
    m = c.mention
    span = (_interval(m)[1] - _interval(m)[0]).days
    return (
        _UNIT_RANK[m.unit],
        span,
        0 if m.resolution == "absolute" else 1,
        c.sentence_index,
        c.article_id,
    )


#: an undated report ("دخلت الاتفاقية حيز التنفيذ") in an article published this many days
#: after an event of its kind is taken as reporting that event
RECENT_DAYS = 3


@dataclass(frozen=True, slots=True)
class Undated:
    """A sentence reporting an event without dating it, in an article dated to the day."""

    article_id: str
    sentence_index: int
    sentence: str
    published: dt.date
    classes: frozenset[str]
    #: the lede's event is the one the headline names: the article's news
    news: bool = False
    #: content stems, as ``Candidate.keys``
    keys: frozenset[str] = frozenset()


_SUBORDINATE = frozenset(normalize(w) for w in ("أن", "لن", "سوف", "قد", "ربما", "حال"))


def undated_reports(article: Article, cands: Sequence[Candidate]) -> list[Undated]:
    """Sentences whose event predicates carry no date of their own.

    News reports what just happened: "دخلت المعاهدة حيز التنفيذ" in an article of 5
    December, or the same words beside a date that belongs to another predicate
    ("الموقعة في يونيو الماضي"), support the entry into force dated that week. These never
    make an item by themselves; ``merge`` cites them in a matching recent item.
    """
    if article.meta.published_precision != "day":
        return []
    published = article.meta.published
    dated: dict[int, frozenset[str]] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    for c in cands:
        dated[c.sentence_index] = dated.get(c.sentence_index, frozenset()) | c.classes
        spans.setdefault(c.sentence_index, []).append(c.span)
    out: list[Undated] = []
    for sent in article.sentences:
        toks = list(_WORD.finditer(sent.text))
        # what a statement says or quotes is not a report of the event
        said: list[tuple[int, int] | None] | None = None
        classes: set[str] = set()
        for i, t in enumerate(toks):
            found = event_classes(t.group())
            if i + 1 < len(toks):  # a two-word predicate ("حيز التنفيذ") starting here
                nxt = toks[i + 1].group()
                found |= event_classes(t.group() + " " + nxt) - event_classes(nxt)
            if not found - classes:
                continue
            if any(x <= t.start() < y for x, y in spans.get(sent.index, ())):
                continue  # dated by the sentence's own date
            if said is None:
                said = [_speech_content(sent.text), *quoted_spans(sent.text)]
            if any(sp is not None and sp[0] <= t.start() < sp[1] for sp in said):
                continue
            before = {_norm_word(w.group()) for w in toks[max(0, i - 3) : i]}
            if before & _NEGATIONS or before & _SUBORDINATE:
                continue  # "لم تدخل …", "من المرجح أن تعيد زيارة …"
            classes |= found
        classes -= WEAK_CLASSES | dated.get(sent.index, frozenset())
        if classes:
            news = sent.index == 0 and bool(classes & event_classes(article.meta.title))
            keys = _sentence_stems(sent.text)
            out.append(
                Undated(
                    article.id,
                    sent.index,
                    sent.text,
                    published,
                    frozenset(classes),
                    news,
                    keys,
                )
            )
    return out


@lru_cache(maxsize=4096)
def _sentence_stems(sentence: str) -> frozenset[str]:
    """Content stems of a sentence, without its predicates (both words of "حيز التنفيذ")."""
    toks = [t.group() for t in _WORD.finditer(sentence)]
    skip: set[int] = set()
    for i, w in enumerate(toks):
        if event_classes(w):
            skip.add(i)
        elif i + 1 < len(toks) and event_classes(w + " " + toks[i + 1]) - event_classes(
            toks[i + 1]
        ):
            skip |= {i, i + 1}
    return frozenset(
        st
        for i, w in enumerate(toks)
        if i not in skip
        and not is_stop_word(w)
        and not any(ch.isdigit() for ch in w)
        and len(st := stem(w)) > 1
    )


#: an undated sentence joins an item only with this many shared content stems, and
#: this share of the smaller set
UNDATED_SHARED = 2
UNDATED_OVERLAP = 0.15


def _shares_content(keys: frozenset[str], theirs: frozenset[str]) -> bool:
    """Does an undated sentence share enough content words with a cluster's sentences?"""
    shared = len(keys & theirs)
    small = min(len(keys), len(theirs)) or 1
    return shared >= UNDATED_SHARED and shared / small >= UNDATED_OVERLAP


#: a cluster whose dates span more months than this is checked against every candidate
#: of its kinds instead of being filed under each month
_WIDE_MONTHS = 24


def _month_span(a: dt.date, b: dt.date) -> range | None:
    """The months from ``a`` to ``b`` as numbers, or None when there are too many."""
    first, last = a.year * 12 + a.month - 1, b.year * 12 + b.month - 1
    return range(first, last + 1) if last - first < _WIDE_MONTHS else None


@dataclass(slots=True)
class _ClusterIndex:
    """Clusters in creation order, filed by predicate class and by the months they cover.

    Why: a candidate joins the first cluster that accepts it, and comparing it with every
    cluster made the merge quadratic in the dossier. A cluster can accept only when it
    shares a class and its dates overlap the candidate's, so only clusters filed under
    one of the candidate's classes and months are asked, in creation order: the same
    first cluster as a full scan.
    """

    clusters: list[_Cluster] = field(default_factory=list)
    _cells: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    _wide: dict[str, list[int]] = field(default_factory=dict)
    _by_class: dict[str, list[int]] = field(default_factory=dict)
    _filed: list[set[tuple[str, int]]] = field(default_factory=list)

    def place(self, c: Candidate) -> None:
        """Add ``c`` to the first cluster that accepts it, else to a new one."""
        k = self._first_accepting(c)
        if k is None:
            k = len(self.clusters)
            self.clusters.append(_Cluster())
            self._filed.append(set())
        self.clusters[k].add(c)
        self._file(k)

    def _first_accepting(self, c: Candidate) -> int | None:
        months = _month_span(*c.interval)
        found: set[int] = set()
        for cls in c.classes:
            if months is None:
                found.update(self._by_class.get(cls, ()))
                continue
            found.update(self._wide.get(cls, ()))
            for month in months:
                found.update(self._cells.get((cls, month), ()))
        return next((k for k in sorted(found) if self.clusters[k].accepts(c)), None)

    def _file(self, k: int) -> None:
        """File cluster ``k`` under its (grown) classes and months."""
        cl, filed = self.clusters[k], self._filed[k]
        months = _month_span(*cl.hull)
        for cls in cl.classes:
            if (cls, -1) not in filed:
                filed.add((cls, -1))
                self._by_class.setdefault(cls, []).append(k)
            if months is None:
                if (cls, -2) not in filed:
                    filed.add((cls, -2))
                    self._wide.setdefault(cls, []).append(k)
                continue
            for month in months:
                if (cls, month) not in filed:
                    filed.add((cls, month))
                    self._cells.setdefault((cls, month), []).append(k)


def merge(cands: Sequence[Candidate], undated: Sequence[Undated] = ()) -> list[TimelineEvent]:
    """Merge candidates that report the same event; one item per cluster, sorted by date.

    Undated reports are cited by the day-precise item of their kind that happened at most
    ``RECENT_DAYS`` before their article (the latest one), never making items of their own.
    """
    index = _ClusterIndex()
    for c in sorted(cands, key=_precision_rank):
        index.place(c)
    clusters = index.clusters
    # day-precise items by date: an undated report looks only at its last RECENT_DAYS
    by_day = sorted(
        (cl.members[0].interval[0], k)
        for k, cl in enumerate(clusters)
        if cl.members[0].mention.unit == "day"
    )
    days = [d for d, _ in by_day]
    stems: dict[int, frozenset[str]] = {}
    extra: dict[int, list[Undated]] = {}
    news: list[Undated] = []
    for u in undated:
        window = by_day[
            bisect_left(days, u.published - dt.timedelta(days=RECENT_DAYS)) : bisect_right(
                days, u.published
            )
        ]
        recent = []
        for k in sorted(k for _, k in window):
            cl = clusters[k]
            if k not in stems:
                stems[k] = cl.stems()
            if _shares_content(u.keys, stems[k]):
                recent.append((k, cl.members[0]))
        # the event's own kind first; else its scene ("بعد تبادل وثائق التصديق": the
        # exchange reported alone supports the entry into force it preceded)
        fits = [(c.interval[0], k) for k, c in recent if (u.classes & c.classes) - WEAK_CLASSES]
        fits = fits or [
            (c.interval[0], k) for k, c in recent if (u.classes & c.scene) - WEAK_CLASSES
        ]
        if fits:
            k = max(fits)[1]
            if (u.article_id, u.sentence_index) not in clusters[k].sentences:
                extra.setdefault(k, []).append(u)  # (already cited there: nothing to add)
        elif u.news and u.published.day > RECENT_DAYS:
            news.append(u)
    items: list[tuple[tuple[dt.date, int, str], TimelineEvent]] = []
    for u in news:
        # the article's news, undated in its text: it happened by publication, and the
        # publication month is as precise as the text allows
        event = TimelineEvent(
            date=format_date(u.published, "month"),
            granularity="month",
            text=next(
                (
                    u.sentence[x:y].strip()
                    for x, y in _segments(u.sentence)
                    if event_classes(u.sentence[x:y]) & u.classes
                ),
                u.sentence,
            ),
            resolution=(
                f"relative: undated news of the article (lede and headline) → "
                f"{format_date(u.published, 'month')} (publication month, "
                f"published {u.published.isoformat()})"
            ),
            sources=[
                Evidence(article_id=u.article_id, sentence_index=u.sentence_index, text=u.sentence)
            ],
        )
        items.append(((u.published.replace(day=1), -1, u.sentence), event))
    for k, cl in enumerate(clusters):
        best = cl.members[0]  # members arrive most precise first
        m = best.mention
        seen: set[tuple[str, int]] = set()
        sources: list[Evidence] = []
        cited: list[Candidate | Undated] = [*cl.members, *extra.get(k, [])]
        for r in sorted(cited, key=lambda r: (r.article_id, r.sentence_index)):
            if (r.article_id, r.sentence_index) in seen:
                continue
            seen.add((r.article_id, r.sentence_index))
            sources.append(
                Evidence(article_id=r.article_id, sentence_index=r.sentence_index, text=r.sentence)
            )
        event = TimelineEvent(
            date=format_date(m.value, m.unit),
            granularity=m.unit,
            end=format_date(m.value_end, m.unit) if m.value_end else None,
            text=best.text,
            resolution=m.resolution,
            sources=sources,
            qualifier=m.qualifier,
        )
        items.append(((m.value, -_UNIT_RANK[m.unit], best.text), event))
    return [e for _, e in sorted(items, key=lambda kv: kv[0])]


def extract_timeline(articles: Sequence[Article]) -> list[TimelineEvent]:
    """Return dated events sorted by date, events reported by several articles merged."""
    cands = [(a, candidates(a)) for a in articles]
    return merge(
        [c for _, cs in cands for c in cs],
        [u for a, cs in cands for u in undated_reports(a, cs)],
    )
