"""Table and property tests for the Arabic date grammar (bot.extract.dates)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.dates import DateMention, find_dates, fold, format_date

TABLE = Path(__file__).parent / "gold" / "dates.toml"
CASES: list[dict[str, Any]] = tomllib.loads(TABLE.read_text("utf-8"))["case"]


def _row(m: DateMention) -> str:
    end = format_date(m.value_end, m.unit) if m.value_end else ""
    kind = "absolute" if m.resolution.kind == "absolute" else "relative"
    return "|".join(
        [m.text, m.granularity, format_date(m.value, m.unit), end, m.qualifier or "", kind]
    )


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert sum(1 for c in CASES if not c["expect"]) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_table(case: dict[str, Any]) -> None:
    published = dt.date.fromisoformat(case["published"])
    found = [_row(m) for m in find_dates(case["text"], published)]
    assert found == case["expect"]


def test_spans_are_the_text_as_written() -> None:
    text = "وقّعت الاتفاقيةُ في ١٧ مارس ١٩٤٩، ثم في الـ4 من ديسمبر."
    for m in find_dates(text, dt.date(2024, 12, 5)):
        assert text[m.start : m.end] == m.text


def test_relative_resolution_says_how() -> None:
    (m,) = find_dates("قال المتحدث الخميس إن الوفد وصل.", dt.date(2024, 12, 5))
    how = m.resolution
    assert (how.kind, how.phrase, how.value, how.published) == (
        "relative",
        "الخميس",
        "2024-12-05",
        "2024-12-05",
    )
    assert how.rule  # the rule applied, for review
    assert m.anchor == "day"


def test_absolute_dates_do_not_depend_on_publication() -> None:
    text = "في 9 فبراير عام 2000"
    a = find_dates(text, dt.date(2024, 6, 19))
    b = find_dates(text, dt.date(1990, 1, 1))
    assert a == b
    assert a[0].anchor is None


def test_past_month_rolls_back_a_year_when_needed() -> None:
    (m,) = find_dates("في ديسمبر الماضي", dt.date(2024, 12, 5))
    assert (m.value, m.unit) == (dt.date(2023, 12, 1), "month")
    (m,) = find_dates("في نوفمبر الماضي", dt.date(2024, 12, 5))
    assert m.value == dt.date(2024, 11, 1)


def test_weekday_past_and_next() -> None:
    pub = dt.date(2024, 12, 5)  # Thursday
    (m,) = find_dates("الخميس الماضي", pub)
    assert m.value == dt.date(2024, 11, 28)
    (m,) = find_dates("الخميس المقبل", pub)
    assert m.value == dt.date(2024, 12, 12)


def test_relative_dates_inside_quotes_are_not_anchored() -> None:
    text = "وقال إن “الاتفاقية الموقعة اليوم” مهمة، وأعلن ذلك أمس."
    assert [m.text for m in find_dates(text, dt.date(2024, 6, 19))] == ["أمس"]


def test_impossible_day_falls_back_to_the_month() -> None:
    (m,) = find_dates("في 31 فبراير 2024", dt.date(2024, 6, 1))
    assert (m.text, m.granularity) == ("فبراير 2024", "month")


def test_fold_keeps_an_index_map() -> None:
    folded, index = fold("الـ٤ من إبريل")
    assert folded == "ال4 من ابريل"
    assert len(index) == len(folded)


_WORDS = st.sampled_from(
    ["قال", "الرئيس", "إن", "الوفد", "وصل", "10", "آلاف", "جندي", "المادة", "51", "إف-16", "،", "."]
)


@given(st.lists(_WORDS, max_size=12), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
def test_never_invents_dates_from_counts(words: list[str], pub: dt.date) -> None:
    assert find_dates(" ".join(words), pub) == []


_GREG = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
_LEV = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]


@given(
    st.integers(1, 28),
    st.integers(1, 12),
    st.integers(1900, 2100),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
)
def test_any_full_gregorian_date_round_trips(d: int, mth: int, y: int, pub: dt.date) -> None:
    text = f"وقع الحدث في {d} {_GREG[mth - 1]} {y} في العاصمة"
    (m,) = find_dates(text, pub)
    assert (m.value, m.granularity, m.resolution.kind) == (dt.date(y, mth, d), "day", "absolute")


def test_resolution_cites_publication_at_its_precision() -> None:
    (m,) = find_dates("كما يحتفلان هذا العام بالذكرى", dt.date(2024, 6, 1), "month")
    assert m.resolution.published == "2024-06"
    assert m.anchor == "year"


def test_anaphora_resolve_against_a_precise_enough_previous_date() -> None:
    from bot.extract.dates import find_anaphora, resolve_anaphor

    (a,) = find_anaphora("وتبعه زلزال ثان بعد ظهر اليوم نفسه.")
    assert (a.text, a.unit, a.offset) == ("بعد ظهر اليوم نفسه", "day", 0)
    (day,) = find_dates("ضرب الزلزال فجر الاثنين", dt.date(2023, 2, 8))
    resolved = resolve_anaphor(a, day, "sentence 0")
    assert resolved is not None and resolved.value == dt.date(2023, 2, 6)
    (month,) = find_dates("في مارس 2020", dt.date(2023, 2, 8))
    assert resolve_anaphor(a, month, "sentence 0") is None  # a month cannot give a day
    (nxt,) = find_anaphora("وفي العام التالي عاد")
    resolved = resolve_anaphor(nxt, month, "sentence 0")
    assert resolved is not None and format_date(resolved.value, "year") == "2021"


@given(
    st.integers(1, 12),
    st.sampled_from(["/", " / ", " "]),
    st.booleans(),
    st.integers(1990, 2030),
    st.sampled_from(["", "عام "]),
)
def test_paired_months_in_either_order(
    month: int, sep: str, greg_first: bool, year: int, year_word: str
) -> None:
    g, lev = _GREG[month - 1], _LEV[month - 1]
    pair = f"{g}{sep}{lev}" if greg_first else f"{lev}{sep}{g}"
    text = f"جرى ذلك في {pair} {year_word}{year} في العاصمة."
    (m,) = find_dates(text, dt.date(2024, 6, 19))
    assert (m.value, m.granularity, m.text) == (
        dt.date(year, month, 1),
        "month",
        f"{pair} {year_word}{year}",
    )
