"""Arabic temporal expressions: absolute dates, ranges, qualifiers and relative dates.

Why a grammar and not dateparser alone: dateparser 1.5 (installed, fully offline: its
language data ships in the wheel and it never fetches anything) parses plain
"17 مارس 1949" well, but it returns a ``datetime`` with the missing parts filled from
the base date, so "نوفمبر 2024" and "5 نوفمبر 2024" are indistinguishable (no
granularity); it does not know the Levantine month family or the paired forms
("تشرين الثاني/نوفمبر", "يونيو/حزيران الماضي"), ordinals in words ("السابع من نوفمبر"),
glued prefixes ("الـ4 من ديسمبر"), qualifiers (أواخر/مطلع) or ranges ("1950-53"), and
its ``search_dates`` gives no reliable spans. bench/evaluate_extraction.py measures it on
the table of tests/test_dates.py. So spans, granularity and resolution come from this
grammar, whose vocabulary lives in ``data/months.toml``.

Matching happens on a folded copy of the text (no diacritics/tatweel, one alef, Western
digits) with an index map back to the original, so every mention carries the text as
written and its exact span.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from bot.model import ABSOLUTE, DateResolution

Granularity = Literal["day", "month", "year", "range"]
Unit = Literal["day", "month", "year"]
Qualifier = Literal["early", "mid", "late"]
_T = TypeVar("_T")

_DATA = Path(__file__).with_name("data")
_DROPPED = frozenset(
    chr(c)
    for c in [
        *range(0x0610, 0x061B),
        *range(0x064B, 0x0660),
        0x0670,
        *range(0x06D6, 0x06EE),
        0x0640,
    ]
)
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ک": "ك",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u00a0": " ",
    }
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """One temporal expression: where it is, what it says, and how it was anchored.

    ``value`` is the first day of the period named (of the range's first period for
    ranges); ``value_end`` the first day of the range's last period. ``unit`` is the
    precision of ``value``/``value_end`` (equal to ``granularity`` unless it is a range).
    """

    start: int
    end: int
    text: str
    granularity: Granularity
    unit: Unit
    value: dt.date
    value_end: dt.date | None
    qualifier: Qualifier | None
    resolution: DateResolution
    #: finest part of the publication date the resolution relied on (None: absolute), so a
    #: caller whose publication date is only known to the month can drop day-relative ones
    anchor: Unit | None = None

    @property
    def relative(self) -> bool:
        return self.resolution.kind != "absolute"


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching and return, for each folded char, its original index."""
    index = [i for i, ch in enumerate(text) if ch not in _DROPPED]
    kept = "".join(text[i] for i in index) if len(index) != len(text) else text
    return kept.translate(_FOLD), index


def _f(word: str) -> str:
    return fold(word)[0]


@dataclass(frozen=True, slots=True)
class _Vocab:
    months: Mapping[str, int]  # folded name -> month number (both families)
    gregorian: frozenset[str]
    weekdays: Mapping[str, int]
    ordinals: Mapping[str, int]
    relative: Mapping[str, str]  # folded word -> past|current|next
    qualifiers: Mapping[str, Qualifier]
    deictic: Mapping[str, int]
    units: Mapping[str, str]
    dual_units: Mapping[str, str]
    ambiguous_bare: frozenset[str]
    year_triggers: frozenset[str]
    number_words: Mapping[str, int]
    decades: Mapping[str, int]
    centuries: Mapping[str, int]


def _alt(words: Iterable[str], *, slash_space: bool = False) -> str:
    """Regex alternation, longest first; inner spaces may be written as a slash."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        p = re.escape(w)
        if slash_space:
            p = p.replace(r"\ ", r"[\s/]+")
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"


@cache
def _vocab() -> _Vocab:
    raw = tomllib.loads((_DATA / "months.toml").read_text("utf-8"))
    months: dict[str, int] = {}
    greg: set[str] = set()
    for family in ("gregorian", "levantine"):
        for num, names in raw[family].items():
            for name in names:
                months[_f(name)] = int(num)
                if family == "gregorian":
                    greg.add(_f(name))

    def table(section: Mapping[str, list[str]]) -> dict[str, int]:
        return {_f(w): int(k) for k, ws in section.items() for w in ws}

    def labels(section: Mapping[str, list[str]]) -> dict[str, str]:
        return {_f(w): k for k, ws in section.items() for w in ws}

    quals: dict[str, Qualifier] = {}
    for k, ws in raw["qualifiers"].items():
        for w in ws:
            quals[_f(w)] = k
    return _Vocab(
        months=months,
        gregorian=frozenset(greg),
        weekdays=table(raw["weekdays"]),
        ordinals=table(raw["ordinals"]),
        relative=labels(raw["relative"]),
        qualifiers=quals,
        deictic=table(raw["deictic"]),
        units=labels(raw["units"]),
        dual_units=labels(raw["dual_units"]),
        ambiguous_bare=frozenset(_f(w) for w in raw["ambiguous_bare"]["words"]),
        year_triggers=frozenset(_f(w) for w in raw["year_triggers"]["words"]),
        number_words=table(raw["number_words"]),
        decades=table(raw["decades"]),
        centuries=table(raw["centuries"]),
    )


_L = r"(?<![^\W\d_])"  # not preceded by a letter
_R = r"(?![^\W\d_])"  # not followed by a letter
_NOD = r"(?<!\d)"
_YEAR_CORE = r"(?:1[0-9]|20|21)\d\d"
_YEAR = _YEAR_CORE + r"(?!\d)(?!\s*ه\b)(?!\s*ه$)"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    v = _vocab()
    greg = _alt(v.gregorian)
    lev = _alt((m for m in v.months if m not in v.gregorian), slash_space=True)
    single = _alt(v.months, slash_space=True)
    month = rf"(?:{greg}\s*/?\s*{lev}|{lev}\s*/?\s*{greg}|{single})"
    rel = _alt(v.relative)
    qual = _alt(v.qualifiers)
    wd = _alt(v.weekdays)
    ords = _alt(v.ordinals, slash_space=False).replace(r"\ ", r"\s+")
    year_word = r"(?:[لوب]?(?:عامي|العامين|الاعوام|اعوام|العام|عام|السنوات|سنوات|السنه|سنه))"
    year_tail = rf"(?:\s*[،,]?\s*(?:من\s+)?(?:{year_word}\s*)?(?P<y>{_YEAR}))"
    day_num = r"(?:ال)?(?P<d>[0-3]?\d)(?!\d)"
    day_num2 = r"(?:ال)?(?P<d2>[0-3]?\d)(?!\d)"
    units = _alt(list(v.units))
    duals = _alt(list(v.dual_units))
    deictic = _alt(v.deictic)
    numw = _alt(v.number_words)
    day_period = r"(?:(?:يوم|مساء|صباح|ليله|فجر|ظهر|مساء\s+يوم|صباح\s+يوم)\s+)"
    trig = _alt(v.year_triggers)
    return {
        # [weekday] [يوم] 18 [و19] [من] [شهر] June[/حزيران] [[عام] 2024] [الجاري]
        "dmy": re.compile(
            rf"{_L}(?:[وب]?(?:{day_period})?(?P<wd>{wd})\s*[،,]?\s*)?(?:[وفب]?يوم\s*)?"
            rf"(?:{_NOD}{day_num}(?:\s*(?:و|-|–|الي|حتي)\s*{day_num2})?|(?P<ord>{ords}))"
            rf"\s*(?:من\s+)?(?:شهر\s+)?(?P<m>{month}){_R}{year_tail}?"
            rf"(?:\s+(?P<rel>{rel}){_R})?"
        ),
        # [أواخر] [شهر] June[/حزيران] [[عام] 2024] [الماضي]
        "my": re.compile(
            rf"{_L}(?:[وفبل]?(?P<q>{qual})\s+)?(?:[وفبل]?شهر\s+)?[وفبل]?(?P<m>{month}){_R}"
            rf"{year_tail}?(?:\s+(?P<rel>{rel}){_R})?"
        ),
        # 12/03/2024 (day first, the Arabic convention) or ISO 2024-03-12
        "numeric": re.compile(
            rf"{_NOD}(?:(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>{_YEAR})"
            rf"|(?P<iy>{_YEAR_CORE})-(?P<im>[01]\d)-(?P<id>[0-3]\d))(?!\d)"
        ),
        # 1950-53, 2025-2027, 2024/2025
        "yrange": re.compile(
            rf"{_L}(?:(?:بين|من)\s+)?(?:{year_word}\s*)?{_NOD}(?P<y>{_YEAR})"
            rf"\s*(?:-|–|/)\s*(?P<y2>\d{{4}}|\d\d)(?!\d)"
        ),
        # بين عامي 2025 و2027, من 2019 إلى 2021 ("و" alone coordinates, see "year")
        "yrange2": re.compile(
            rf"{_L}(?:بين|من)\s+(?:{year_word}\s*)?{_NOD}(?P<y>{_YEAR})"
            rf"\s*(?:و|الي|حتي)\s*(?:{year_word}\s*)?(?P<y2>\d{{4}})(?!\d)"
        ),
        # [أواخر] عام 1961 [و1962 و1963]: the coordinated years are mentions of their own
        "year": re.compile(
            rf"{_L}(?:[وفبل]?(?P<q>{qual})\s+)?{year_word}\s*\(?\s*(?P<y>{_YEAR})"
            rf"(?P<more>(?:\s*[،,]?\s*و\s*{_YEAR})*)"
        ),
        # منذ 2000 / في 2022: span is the number only
        "tyear": re.compile(
            rf"{_L}[وفبل]?{trig}\s+(?P<y>{_YEAR})(?P<more>(?:\s*[،,]?\s*و\s*{_YEAR})*)"
        ),
        # العام الماضي / الشهر المقبل / هذا العام / [أواخر] العام الجاري
        "period": re.compile(
            rf"{_L}(?:[وفبل]?(?P<q>{qual})\s+)?[وفبل]?(?:(?P<this>هذا|هذه)\s+)?"
            rf"(?P<p>العام|السنه|الشهر|الاسبوع){_R}(?(this)|\s+(?P<rel>{rel}){_R})"
        ),
        # قبل 24 عامًا / منذ عامين
        "ago": re.compile(
            rf"{_L}[وف]?(?:قبل|منذ)\s+(?:(?:نحو|حوالي|زهاء)\s+)?"
            rf"(?:(?P<n>\d{{1,4}}|{numw})\s*(?P<u>{units})|(?P<du>{duals})){_R}"
        ),
        # سبعينيات القرن الماضي
        "decade": re.compile(
            rf"{_L}[وفبل]?(?P<dec>{_alt(v.decades)})\s+(?P<c>{_alt(v.centuries)}){_R}"
        ),
        # [مساء] [يوم] السبت [الماضي]
        "weekday": re.compile(
            rf"{_L}[وفب]?(?P<per>{day_period})?(?P<wd>{wd}){_R}(?:\s+(?P<rel>{rel}){_R})?"
        ),
        # اليوم / أمس الخميس; not "اليوم نفسه", "اليوم التالي", "اليوم الأول من القمة"
        "deictic": re.compile(
            rf"{_L}[وفبل]?(?P<x>{deictic}){_R}(?!\s+(?:نفسه|ذاته))(?:\s+(?P<wd>{wd}){_R})?"
        ),
    }


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # folded offsets
    end: int
    granularity: Granularity
    unit: Unit
    value: dt.date
    value_end: dt.date | None
    qualifier: Qualifier | None
    resolution: DateResolution


def _day_hit(m: re.Match[str], d: dt.date, resolution: DateResolution) -> _Hit:
    return _Hit(m.start(), m.end(), "day", "day", d, None, None, resolution)


def _month_hit(
    m: re.Match[str], first: dt.date, resolution: DateResolution, qualifier: Qualifier | None = None
) -> _Hit:
    return _Hit(m.start(), m.end(), "month", "month", first, None, qualifier, resolution)


def _year_hit(
    start: int, end: int, year: int, resolution: DateResolution, qualifier: Qualifier | None = None
) -> _Hit:
    return _Hit(start, end, "year", "year", dt.date(year, 1, 1), None, qualifier, resolution)


def _year_range_hit(m: re.Match[str], first: int, last: int, resolution: DateResolution) -> _Hit:
    return _Hit(
        m.start(),
        m.end(),
        "range",
        "year",
        dt.date(first, 1, 1),
        dt.date(last, 1, 1),
        None,
        resolution,
    )


def _word(table: Mapping[str, _T], word: str | None) -> _T | None:
    """``table.get(word)`` for an optional match group (None when the group did not match)."""
    return table.get(word) if word else None


def _month_of(name: str) -> int:
    """Month number of a (possibly paired) folded month expression."""
    v = _vocab()
    name = re.sub(r"[\s/]+", " ", name).strip()
    for cand in sorted(v.months, key=len, reverse=True):
        if re.search(rf"{_L}[وفبل]?{re.escape(cand)}{_R}", name):
            return v.months[cand]
    raise ValueError(name)


def _is_pair(name: str) -> bool:
    v = _vocab()
    has_g = any(re.search(rf"{_L}{re.escape(g)}{_R}", name) for g in v.gregorian)
    flat = re.sub(r"[\s/]+", " ", name)
    has_l = any(
        re.search(rf"{_L}{re.escape(m)}{_R}", flat) for m in v.months if m not in v.gregorian
    )
    return has_g and has_l


#: a month or day named without year or relative word is taken as upcoming only when it
#: falls this close after publication ("الانتخابات في يوليو" in June), else as past
FUTURE_WINDOW_DAYS = 92


def _year_of_month(month: int, rel: str | None, pub: dt.date, day: int | None = None) -> int:
    """Year of a month (or day) named without one, from the relative word or proximity."""
    key = (month, day or 1)
    here = (pub.month, pub.day if day else 1)
    if rel == "current":
        return pub.year
    if rel == "next":
        return pub.year if key > here else pub.year + 1
    if rel == "past":
        return pub.year if key < here else pub.year - 1
    if key <= here:
        return pub.year
    ahead = dt.date(pub.year, month, min(day or 1, 28)) - pub.replace(day=1 if not day else pub.day)
    return pub.year if ahead.days <= FUTURE_WINDOW_DAYS else pub.year - 1


def _fmt(d: dt.date, unit: Unit) -> str:
    return {"day": d.isoformat(), "month": d.strftime("%Y-%m"), "year": f"{d.year:04d}"}[unit]


def format_date(value: dt.date, unit: Unit) -> str:
    """ISO date as precise as ``unit``: YYYY-MM-DD, YYYY-MM or YYYY."""
    return _fmt(value, unit)


def _rel_note(m: re.Match[str], value: str, pub: dt.date, why: str) -> DateResolution:
    """Resolution of the relative expression matched by ``m``."""
    return DateResolution(
        kind="relative", phrase=m.group(0).strip(), value=value, rule=why, published=pub.isoformat()
    )


def _step_note(why: str, step: int) -> str:
    """``why`` with the offset from the publication period when there is one ("… -1")."""
    return why + (f" {step:+d}" if step else "")


def _add_months(d: dt.date, n: int) -> dt.date:
    """First day of the month ``n`` months after (before, when negative) ``d``'s."""
    mm = d.year * 12 + d.month - 1 + n
    return dt.date(mm // 12, mm % 12 + 1, 1)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _dmy(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    month = _month_of(m["m"])
    day = int(m["d"]) if m["d"] else v.ordinals[re.sub(r"\s+", " ", m["ord"])]
    rel = _word(v.relative, m["rel"])
    resolution: DateResolution | None = None
    if m["y"]:
        year, resolution = int(m["y"]), ABSOLUTE
    else:
        year = _year_of_month(month, rel, pub, day)
    start = _safe_date(year, month, day)
    if start is None:
        return None
    end = None
    if m["d2"]:
        end = _safe_date(year, month, int(m["d2"]))
        if end is None or end <= start:
            return None
    if resolution is None:
        why = {
            "current": "current year",
            "next": "next such day",
            "past": "last such day before",
        }.get(rel or "", "year of the nearest such day, past unless within 3 months ahead")
        resolution = _rel_note(m, _fmt(start, "day"), pub, why)
    if end is None:
        return _day_hit(m, start, resolution)
    return _Hit(m.start(), m.end(), "range", "day", start, end, None, resolution)


def _my(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    name = m["m"]
    month = _month_of(name)
    rel = _word(v.relative, m["rel"])
    qualifier = _word(v.qualifiers, m["q"])
    bare = not (m["y"] or rel or _is_pair(name))
    if bare and re.sub(r"\s+", " ", name) in v.ambiguous_bare and qualifier is None:
        return None
    if m["y"]:
        year, resolution = int(m["y"]), ABSOLUTE
    else:
        year = _year_of_month(month, rel, pub)
        why = {
            "current": "current year",
            "next": "next such month",
            "past": "last such month before",
        }.get(rel or "", "nearest such month, past unless within 3 months ahead")
        resolution = _rel_note(m, f"{year:04d}-{month:02d}", pub, why)
    return _month_hit(m, dt.date(year, month, 1), resolution, qualifier)


def _numeric(m: re.Match[str], pub: dt.date) -> _Hit | None:
    del pub
    if m["y"]:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    else:
        d = _safe_date(int(m["iy"]), int(m["im"]), int(m["id"]))
    if d is None:
        return None
    return _day_hit(m, d, ABSOLUTE)


def _expand_y2(y: int, y2s: str) -> int:
    y2 = int(y2s)
    if len(y2s) == 2:
        y2 = y - y % 100 + y2
    return y2


def _yrange(m: re.Match[str], pub: dt.date) -> _Hit | None:
    del pub
    y = int(m["y"])
    y2 = _expand_y2(y, m["y2"])
    if not y < y2 <= y + 100:
        return None
    return _year_range_hit(m, y, y2, ABSOLUTE)


def _year(m: re.Match[str], pub: dt.date) -> _Hit | None:
    del pub
    qualifier = _word(_vocab().qualifiers, m["q"])
    return _year_hit(m.start(), m.end("y"), int(m["y"]), ABSOLUTE, qualifier)


def _more_years(m: re.Match[str]) -> Iterator[_Hit]:
    """The coordinated years of "لعامي 2000 و2001", "أعوام 1964 و2008 و2012"."""
    if not m["more"]:
        return
    offset = m.start("more")
    for y in re.finditer(r"\d{4}", m["more"]):
        yield _year_hit(offset + y.start(), offset + y.end(), int(y.group()), ABSOLUTE)


def _tyear(m: re.Match[str], pub: dt.date) -> _Hit | None:
    del pub
    return _year_hit(m.start("y"), m.end("y"), int(m["y"]), ABSOLUTE)


def _period(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    rel = "current" if m["this"] else v.relative[m["rel"]]
    step = {"past": -1, "current": 0, "next": 1}[rel]
    qualifier = _word(v.qualifiers, m["q"])
    if m["p"] in ("العام", "السنه"):
        if m["p"] == "العام" and _general_adjective(m):
            return None  # "أمينه العام السابق": the former secretary-general
        y = pub.year + step
        note = _rel_note(m, f"{y:04d}", pub, _step_note("year of publication", step))
        return _year_hit(m.start(), m.end(), y, note, qualifier)
    if m["p"] == "الشهر":
        first = _add_months(pub, step)
        why = _step_note("month of publication", step)
        return _month_hit(m, first, _rel_note(m, _fmt(first, "month"), pub, why), qualifier)
    # the Arabic calendar week runs from Saturday (السبت) to Friday (الجمعة): "الأسبوع
    # الماضي" in a Sunday article is the week that ended two days before, not the one
    # before that
    saturday = pub - dt.timedelta(days=(pub.weekday() - 5) % 7) + dt.timedelta(weeks=step)
    friday = saturday + dt.timedelta(days=6)
    week = f"{saturday.isoformat()}..{friday.isoformat()}"
    note = _rel_note(m, week, pub, _step_note("calendar week (Saturday to Friday)", step))
    return _Hit(m.start(), m.end(), "range", "day", saturday, friday, qualifier, note)


def _ago(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    if m["du"]:
        n, unit = 2, v.dual_units[m["du"]]
    else:
        n = int(m["n"]) if m["n"].isdigit() else v.number_words[m["n"]]
        unit = v.units[m["u"]]
    if unit == "decade":
        n, unit = n * 10, "year"
    if unit == "year":
        y = pub.year - n
        return _year_hit(m.start(), m.end(), y, _rel_note(m, f"{y:04d}", pub, f"{n} years before"))
    if unit == "month":
        first = _add_months(pub, -n)
        return _month_hit(m, first, _rel_note(m, _fmt(first, "month"), pub, f"{n} months before"))
    days = n * (7 if unit == "week" else 1)
    d = pub - dt.timedelta(days=days)
    return _day_hit(m, d, _rel_note(m, d.isoformat(), pub, f"{days} days before"))


def _decade(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    name = re.sub(r"\s+", " ", m["c"])
    century, resolution, why = v.centuries[name], ABSOLUTE, ""
    if name.endswith("الماضي"):
        century, why = pub.year // 100 - 1, "century before publication's"
    elif name.endswith("الحالي") or name.startswith("هذا"):
        century, why = pub.year // 100, "century of publication"
    start = century * 100 + v.decades[m["dec"]]
    if name.endswith(("الماضي", "الحالي")) or name.startswith("هذا"):
        resolution = _rel_note(m, f"{start}..{start + 9}", pub, why)
    return _year_range_hit(m, start, start + 9, resolution)


_TWO_BEFORE = frozenset({"بين", "من", "كلا", "مع", "الي", "عن", "علي", "لدي", "احد", "هذين"})
_TWO_AFTER = re.compile(r"\s*(?:معا|منهما|منهم|كليهما)")


def _the_two(m: re.Match[str]) -> bool:
    before = m.string[: m.start()].split()
    if m.group(0).startswith(("ب", "ل", "و")) and not m.group(0).startswith("ال"):
        return True  # "بالاثنين", "للاثنين": the two
    if (
        before
        and len(before[-1]) > 4
        and before[-1].endswith("ين")
        and before[-1] not in _DAY_WORDS
    ):
        return True  # "بين البلدين الاثنين": "the two" agreeing with a dual/plural noun
    return bool(before and before[-1] in _TWO_BEFORE) or bool(_TWO_AFTER.match(m.string, m.end()))


#: nouns that "العام" qualifies as "general" ("الأمين العام", "المدعي العام", "الرأي العام")
_GENERAL_NOUNS = frozenset(
    _f(w)
    for w in (
        "أمين",
        "مدير",
        "مدعي",
        "نائب",
        "رأي",
        "قطاع",
        "مؤتمر",
        "مفتش",
        "مراقب",
        "منسق",
        "قائد",
        "إضراب",
        "عفو",
        "أمن",
        "نظام",
        "مرشد",
        "قنصل",
        "مستشار",
    )
)
_DAY_WORDS = frozenset({"يوم", "صباح", "مساء", "فجر", "ليله", "ظهر"})


def _general_adjective(m: re.Match[str]) -> bool:
    """Is "العام" in the match the adjective "general" of the noun before it?"""
    before = m.string[: m.start()].split()
    if not before:
        return False
    word = before[-1]
    for prefix in ("وال", "فال", "بال", "لل", "ال", "و", "ف"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in ("هم", "ها", "ه"):
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= 3
            and word[: -len(suffix)] in _GENERAL_NOUNS
        ):
            return True
    return word in _GENERAL_NOUNS


def _weekday(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    wd = v.weekdays[m["wd"]]
    rel = _word(v.relative, m["rel"])
    # الاثنين also means "the two" ("بين الاثنين", "الاثنين معا"): bare, it is a weekday
    # unless a preposition or "كلا" comes before it or معا/منهما after it.
    if m["wd"] == "الاثنين" and not (m["per"] or m["rel"]) and _the_two(m):
        return None
    delta = (pub.weekday() - wd) % 7
    if rel == "next":
        d = pub + dt.timedelta(days=(wd - pub.weekday()) % 7 or 7)
        why = "next such weekday after"
    else:
        if rel == "past" and delta == 0:
            delta = 7
        d = pub - dt.timedelta(days=delta)
        why = "latest such weekday not after" if rel != "past" else "last such weekday before"
    return _day_hit(m, d, _rel_note(m, d.isoformat(), pub, why))


_FUNCTION_AL = frozenset({"الي", "التي", "الذي", "الذين", "اللذين", "اللتين", "اللذان"})


def _deictic(m: re.Match[str], pub: dt.date) -> _Hit | None:
    v = _vocab()
    if m["x"] == "اليوم" and not m["wd"]:
        following = m.string[m.end() :].split(maxsplit=1)
        nxt = following[0] if following else ""
        if nxt.startswith("ال") and nxt not in _FUNCTION_AL:
            return None  # "اليوم التالي", "اليوم الأول من القمة": not today
    step = v.deictic[m["x"]]
    d = pub + dt.timedelta(days=step)
    return _day_hit(m, d, _rel_note(m, d.isoformat(), pub, _step_note("publication day", step)))


_BUILDERS = {
    "dmy": _dmy,
    "numeric": _numeric,
    "my": _my,
    "yrange": _yrange,
    "yrange2": _yrange,
    "year": _year,
    "tyear": _tyear,
    "period": _period,
    "ago": _ago,
    "decade": _decade,
    "weekday": _weekday,
    "deictic": _deictic,
}

_QUOTES = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|„[^“”]*[“”]")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quotations; a speaker's "today" is not the article's."""
    return [(m.start(), m.end()) for m in _QUOTES.finditer(text)]


def _anchor(builder: str, hit: _Hit) -> Unit | None:
    if hit.resolution.kind == "absolute":
        return None
    if builder in ("dmy", "my"):
        return "month"  # the publication month decides the year of "يونيو" / "8 نوفمبر"
    return hit.unit


@cache
def _prefilter() -> re.Pattern[str]:
    """Any digit or calendar word: sentences without one cannot hold a date."""
    v = _vocab()
    words = [*v.months, *v.weekdays, *v.deictic, *v.dual_units, "العام", "السنه", "الشهر"]
    words += ["الاسبوع", *v.ordinals, *v.decades, *v.units]
    return re.compile(r"\d|" + _alt(w.split(" ")[0] for w in words))


def _hits(folded: str, published: dt.date) -> Iterator[tuple[_Hit, Unit | None]]:
    if not _prefilter().search(folded):
        return
    for name, pattern in _patterns().items():
        for m in pattern.finditer(folded):
            hit = _BUILDERS[name](m, published)
            if hit is not None:
                yield hit, _anchor(name, hit)
            if name in ("year", "tyear"):
                yield from ((extra, None) for extra in _more_years(m))


def find_dates(
    text: str, published: dt.date, published_precision: Unit = "day"
) -> list[DateMention]:
    """All temporal expressions in ``text``, relative ones resolved against ``published``.

    Overlapping candidates keep the longest (then earliest). Relative expressions inside
    quotations are dropped: they are anchored to when the speaker spoke, not to the
    article's date. ``published_precision`` only shapes how resolutions cite the date
    ("published 2024-06", not a made-up first day); callers drop mentions whose
    ``anchor`` is finer than it.
    """
    folded, index = fold(text)
    chosen: list[tuple[_Hit, Unit | None]] = []
    for hit, anchor in sorted(
        _hits(folded, published), key=lambda ha: (ha[0].start - ha[0].end, ha[0].start)
    ):
        if any(hit.start < c.end and c.start < hit.end for c, _ in chosen):
            continue
        chosen.append((hit, anchor))
    quotes = quoted_spans(text)
    out: list[DateMention] = []
    for h, anchor in sorted(chosen, key=lambda ha: ha[0].start):
        start = index[h.start]
        end = index[h.end - 1] + 1
        if h.resolution.kind != "absolute" and any(a <= start and end <= b for a, b in quotes):
            continue
        written = text[start:end]
        resolution = h.resolution
        if resolution.phrase is not None:
            phrase = resolution.phrase.replace(folded[h.start : h.end].strip(), written, 1)
            resolution = resolution.model_copy(update={"phrase": phrase})
        if published_precision != "day" and resolution.published is not None:
            shown = _fmt(published, published_precision)
            resolution = resolution.model_copy(update={"published": shown})
        out.append(
            DateMention(
                start=start,
                end=end,
                text=written,
                granularity=h.granularity,
                unit=h.unit,
                value=h.value,
                value_end=h.value_end,
                qualifier=h.qualifier,
                resolution=resolution,
                anchor=anchor,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A date told relative to the previous date of the text: "اليوم نفسه", "العام التالي"."""

    start: int
    end: int
    text: str
    unit: Unit
    offset: int  # periods after (+) or before (-) the previous date's period


_ANAPHOR_UNITS: dict[str, Unit] = {
    "اليوم": "day",
    "الشهر": "month",
    "العام": "year",
    "السنه": "year",
}
_ANAPHOR_STEPS = {
    "نفسه": 0,
    "نفسها": 0,
    "ذاته": 0,
    "ذاتها": 0,
    "التالي": 1,
    "التاليه": 1,
    "السابق": -1,
    "السابقه": -1,
}
_ANAPHOR = re.compile(
    r"(?<![^\W\d_])(?:[وفب]?(?:في|خلال|صباح|مساء|ظهر|بعد\s+ظهر|فجر|ليله|مطلع|اواخر)\s+)?"
    r"(?P<p>اليوم|الشهر|العام|السنه)\s+(?P<w>نفسه|نفسها|ذاته|ذاتها|التاليه|التالي|السابقه|السابق)"
    r"(?![^\W\d_])"
)


def find_anaphora(text: str) -> list[Anaphor]:
    """Dates that only the previous date of the text can resolve (outside quotations)."""
    folded, index = fold(text)
    quotes = quoted_spans(text)
    out = []
    for m in _ANAPHOR.finditer(folded):
        if m["p"] == "العام" and _general_adjective(m):
            continue  # "أمينه العام السابق": the former secretary-general
        start, end = index[m.start()], index[m.end() - 1] + 1
        if any(a <= start and end <= b for a, b in quotes):
            continue
        out.append(
            Anaphor(start, end, text[start:end], _ANAPHOR_UNITS[m["p"]], _ANAPHOR_STEPS[m["w"]])
        )
    return out


def resolve_anaphor(a: Anaphor, previous: DateMention, where: str) -> DateMention | None:
    """``a`` against the previous dated mention, when that one is precise enough."""
    if previous.value_end is not None or _RANK[previous.unit] > _RANK[a.unit]:
        return None
    v = previous.value
    if a.unit == "day":
        value = v + dt.timedelta(days=a.offset)
    elif a.unit == "month":
        value = _add_months(v, a.offset)
    else:
        value = dt.date(v.year + a.offset, 1, 1)
    how = {0: "same", 1: "the one after", -1: "the one before"}[a.offset]
    return DateMention(
        start=a.start,
        end=a.end,
        text=a.text,
        granularity=a.unit,
        unit=a.unit,
        value=value,
        value_end=None,
        qualifier=None,
        resolution=DateResolution(
            kind="anaphor",
            phrase=a.text,
            value=_fmt(value, a.unit),
            rule=f"{how} {a.unit} as the anchor, {where}",
            anchor=previous.text,
        ),
        anchor=previous.anchor,
    )


_RANK: dict[str, int] = {"day": 0, "month": 1, "year": 2}
