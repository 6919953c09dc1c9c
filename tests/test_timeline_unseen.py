"""Date and timeline rules prompted by real articles no rule had seen (issue 11), in
invented sentences."""

from __future__ import annotations

import dataclasses
import datetime as dt

from extract_support import article

from bot.corpus_types import Article
from bot.extract.dates import find_dates
from bot.extract.timeline import extract_timeline

PUB = dt.date(2025, 3, 1)


def _dated(*sentences: str, aid: str = "a") -> list[tuple[str, str]]:
    return [(e.date, e.text) for e in extract_timeline([article(aid, *sentences)])]


def test_al_ithnayn_after_a_dual_noun_is_the_two() -> None:
    assert find_dates("اجتمع ممثلو البلدين الاثنين في جنيف لبحث الاتفاق.", PUB) == []
    [m] = find_dates("اجتمع ممثلو البلدين يوم الاثنين في جنيف.", PUB)
    assert m.value == dt.date(2025, 2, 24)


def test_al_am_after_a_role_is_general_not_the_year() -> None:
    assert find_dates("وحضر أمينها العام السابق الاجتماع.", PUB) == []
    assert find_dates("وقال المدعي العام الماضي في كلمته إن القضية انتهت.", PUB) == []


def test_an_expected_meeting_is_not_an_event() -> None:
    assert _dated("ومن المتوقع أن يلتقي الوزيران يوم 5 مارس في القاهرة.") == []


def test_future_tense_with_a_coming_month_is_not_an_event() -> None:
    assert _dated("وسيدخل الاتفاق حيز التنفيذ الشهر المقبل.") == []
    # an announced day stays a scheduled event
    assert _dated("وأعلنت اللجنة أن النتائج ستصدر يوم 3 مارس.") != []


def test_a_term_of_office_is_not_an_event() -> None:
    dated = _dated("وانتخب المجلس رئيسا جديدا للفترة 2026-2028.")
    assert not any(d.startswith("2026") for d, _ in dated), dated


def _year_only(a: Article) -> Article:
    meta = dataclasses.replace(a.meta, published=dt.date(2023, 1, 1), published_precision="year")
    return dataclasses.replace(a, meta=meta)


def test_a_year_only_article_resolves_a_day_and_month_from_its_text() -> None:
    a = _year_only(
        article(
            "a",
            "اجتمع الطرفان في جنيف عام 2022 لبحث الاتفاق.",
            "ووقع الطرفان الاتفاق في 3 مارس بعد جولات من التفاوض.",
        )
    )
    dates = {e.date for e in extract_timeline([a])}
    assert "2022-03-03" in dates, dates


def test_a_year_only_article_without_a_year_in_its_text_leaves_the_day_alone() -> None:
    a = _year_only(article("a", "ووقع الطرفان الاتفاق في 3 مارس بعد جولات من التفاوض."))
    assert extract_timeline([a]) == []


def test_one_event_a_day_apart_in_two_time_zones_is_one() -> None:
    a = article("a", "وقع وزيرا الخارجية اتفاقية التجارة الحرة بين البلدين في طوكيو يوم 26 فبراير.")
    b = article("b", "وقع وزيرا الخارجية اتفاقية التجارة الحرة بين البلدين في طوكيو يوم 27 فبراير.")
    items = extract_timeline([a, b])
    assert len(items) == 1, [(e.date, e.text) for e in items]
    assert {s.article_id for s in items[0].sources} == {"a", "b"}


def test_two_events_a_day_apart_stay_two() -> None:
    a = article("a", "وقع وزيرا الخارجية اتفاقية التجارة الحرة في طوكيو يوم 26 فبراير.")
    b = article("b", "وقع رئيسا البرلمانين مذكرة تعاون ثقافي في سيول يوم 27 فبراير.")
    assert len(extract_timeline([a, b])) == 2


def test_al_am_al_sabiq_after_a_role_is_no_anaphoric_year() -> None:
    dated = _dated(
        "وقع الطرفان الاتفاق في 3 مارس 2024.",
        "وحمل المتظاهرون صور أمينه العام السابق في المسيرة.",
    )
    assert all(d.startswith("2024-03") for d, _ in dated), dated


def test_a_future_announcement_next_week_is_not_an_event() -> None:
    assert _dated("وقال الوزير إن تمويلات أخرى ستعلن الأسبوع المقبل.") == []


def test_maghrebi_month_names() -> None:
    [m] = find_dates("ترأس الملك يوم السبت 09 شتنبر 2023 جلسة عمل.", PUB)
    assert m.value == dt.date(2023, 9, 9)
    [m] = find_dates("وصلت البعثة في 3 دجنبر 2024.", PUB)
    assert m.value == dt.date(2024, 12, 3)


def test_chairing_and_considering_are_dated_events() -> None:
    assert _dated("ترأس الملك جلسة عمل يوم 26 فبراير.") != []
    assert _dated("واعتبر الأمين العام يوم 26 فبراير أن الاتفاق مهم.") != []
