"""Timeline of dated events across the dossier (DESIGN.md §2), one item per event.

The candidates (dated event clauses) come from :mod:`bot.extract.timeline_candidates`.
The same happening told by several articles (or twice in one) becomes one item: same
kind of predicate, dates that contain one another (June ⊇ Wednesday 19 June) and enough
shared content words. The item keeps the most precise date and its wording.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.arabic.stopwords import is_stop_word
from bot.corpus_types import Article
from bot.extract.dates import (
    format_date,
    quoted_spans,
)
from bot.extract.events import event_classes
from bot.extract.timeline_candidates import (
    NEGATIONS,
    UNIT_RANK,
    WEAK_CLASSES,
    WORD,
    Candidate,
    candidates,
    date_interval,
    norm_word,
    segments,
    speech_content,
)
from bot.model import DateResolution, Evidence, TimelineEvent

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
        slack = dt.timedelta(days=1)  # a day apart across time zones (see same_event)
        if b + slack < self.hull[0] or self.hull[1] + slack < a:
            return False
        return any(same_event(c, other) for other in self.members)


def same_event(x: Candidate, y: Candidate) -> bool:
    """Do two dated clauses report the same happening?

    They need the same kind of predicate and nested dates at most one precision step
    apart (or, from two articles, days one apart with half their content shared: time
    zones). Statements ("said") also need half their content words shared. Specific
    events (signed, visited, ratified …) merge without shared words when one date refines
    the other ("يونيو الماضي" ⊇ "الأربعاء") or both name the same day or the same range,
    since paraphrases across outlets share few words; otherwise some shared content.
    """
    shared = x.classes & y.classes
    if shared and _a_day_apart(x, y):
        # outlets in different time zones date one happening a day apart; the same
        # specific predicate and much shared content make it one event
        small = min(len(x.keys), len(y.keys)) or 1
        return bool(shared - WEAK_CLASSES) and len(x.keys & y.keys) / small >= MERGE_OVERLAP_WEAK
    if not shared:
        return _same_day_retold(x, y)
    if not _nested(x.interval, y.interval):
        return False
    ux, uy = UNIT_RANK[x.mention.unit], UNIT_RANK[y.mention.unit]
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
    if ux != uy and max(ux, uy) <= UNIT_RANK["month"]:
        return True
    return overlap >= MERGE_OVERLAP


#: content stems two differently worded reports of one day must share (at least, and as a
#: share of the smaller set) to be one event: "قال الصندوق في بيان اليوم الجمعة إن المجلس
#: التنفيذي أكمل …" and "وافق المجلس التنفيذي للصندوق، في بيان أصدره أمس الجمعة، على …"
RETOLD_SHARED = 3
RETOLD_OVERLAP = 0.5


def _same_day_retold(x: Candidate, y: Candidate) -> bool:
    """Two articles' reports of one day, one a statement that tells what the other reports
    as done, with most content words shared. (Two deeds of one day in different words,
    "signed" and "held talks", stay two events.)"""
    if x.article_id == y.article_id or not x.mention.unit == y.mention.unit == "day":
        return False
    if not _nested(x.interval, y.interval):  # a day, or the week ("الأسبوع الماضي") holding it
        return False
    if not (x.classes <= WEAK_CLASSES or y.classes <= WEAK_CLASSES):
        return False
    shared = len(x.keys & y.keys)
    small = min(len(x.keys), len(y.keys)) or 1
    return shared >= RETOLD_SHARED and shared / small >= RETOLD_OVERLAP


def _a_day_apart(x: Candidate, y: Candidate) -> bool:
    """Two single days of two articles, one day apart."""
    mx, my = x.mention, y.mention
    return (
        x.article_id != y.article_id
        and mx.unit == my.unit == "day"
        and mx.value_end is None
        and my.value_end is None
        and abs((mx.value - my.value).days) == 1
    )


def _nested(x: tuple[dt.date, dt.date], y: tuple[dt.date, dt.date]) -> bool:
    return (x[0] <= y[0] and y[1] <= x[1]) or (y[0] <= x[0] and x[1] <= y[1])


def _precision_rank(c: Candidate) -> tuple[int, int, int, int, str]:
    m = c.mention
    span = (date_interval(m)[1] - date_interval(m)[0]).days
    return (
        UNIT_RANK[m.unit],
        span,
        0 if m.resolution.kind == "absolute" else 1,
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
        toks = list(WORD.finditer(sent.text))
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
                said = [speech_content(sent.text), *quoted_spans(sent.text)]
            if any(sp is not None and sp[0] <= t.start() < sp[1] for sp in said):
                continue
            before = {norm_word(w.group()) for w in toks[max(0, i - 3) : i]}
            if before & NEGATIONS or before & _SUBORDINATE:
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
    toks = [t.group() for t in WORD.finditer(sentence)]
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
    #: clusters by month whatever their class, for a day retold in other words
    _any_class: dict[int, list[int]] = field(default_factory=dict)
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
        # a day of slack each side: one event dated a day apart in two time zones
        a, b = c.interval
        months = _month_span(a - dt.timedelta(days=1), b + dt.timedelta(days=1))
        found: set[int] = set()
        for cls in c.classes:
            if months is None:
                found.update(self._by_class.get(cls, ()))
                continue
            found.update(self._wide.get(cls, ()))
            for month in months:
                found.update(self._cells.get((cls, month), ()))
        if c.mention.unit == "day" and months is not None:  # see _same_day_retold
            for month in months:
                found.update(self._any_class.get(month, ()))
        return next((k for k in sorted(found) if self.clusters[k].accepts(c)), None)

    def _file(self, k: int) -> None:
        """File cluster ``k`` under its (grown) classes and months."""
        cl, filed = self.clusters[k], self._filed[k]
        months = _month_span(*cl.hull)
        for month in months or ():
            if ("", month) not in filed:
                filed.add(("", month))
                self._any_class.setdefault(month, []).append(k)
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


def _dates_today(
    u: Undated, window: Sequence[tuple[dt.date, int]], clusters: Sequence[_Cluster]
) -> bool:
    """Does ``u``'s own article date an event on its publication day? Then its undated
    lede is most likely that day's news told in other words, not news of the month."""
    return any(
        d == u.published and a == u.article_id for d, k in window for a, _ in clusters[k].sentences
    )


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
        elif u.news and u.published.day > RECENT_DAYS and not _dates_today(u, window, clusters):
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
                    for x, y in segments(u.sentence)
                    if event_classes(u.sentence[x:y]) & u.classes
                ),
                u.sentence,
            ),
            resolution=DateResolution(
                kind="undated",
                value=format_date(u.published, "month"),
                rule="the article's undated news (lede and headline): its publication month",
                published=u.published.isoformat(),
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
        items.append(((m.value, -UNIT_RANK[m.unit], best.text), event))
    return [e for _, e in sorted(items, key=lambda kv: kv[0])]


def extract_timeline(articles: Sequence[Article]) -> list[TimelineEvent]:
    """Return dated events sorted by date, events reported by several articles merged."""
    cands = [(a, candidates(a)) for a in articles]
    return merge(
        [c for _, cs in cands for c in cs],
        [u for a, cs in cands for u in undated_reports(a, cs)],
    )
