"""Timeline rules from the second round on real articles (issue 11, dates): each written
for an invented sentence, never a story's names or dates."""

from __future__ import annotations

import datetime as dt

from bot.corpus import build_article
from bot.corpus_types import Article, ArticleMeta
from bot.extract.dates import find_dates
from bot.extract.timeline import extract_timeline
from bot.model import TimelineEvent

WED = dt.date(2025, 4, 16)  # a Wednesday
FRI = dt.date(2025, 4, 18)
SAT = dt.date(2025, 4, 19)
SUN = dt.date(2025, 4, 20)


def _article(aid: str, text: str, published: dt.date, title: str = "عنوان الاختبار") -> Article:
    meta = ArticleMeta(
        id=aid,
        file=f"{aid}.txt",
        title=title,
        source=None,
        url=None,
        published=published,
        published_precision="day",
        published_reason="test",
    )
    return build_article(meta, text)


def _dates(items: list[TimelineEvent]) -> list[tuple[str, str, str | None]]:
    return [(e.date, e.granularity, e.end) for e in items]


def _cited(e: TimelineEvent) -> list[tuple[str, int]]:
    return [(s.article_id, s.sentence_index) for s in e.sources]


def test_a_date_closing_a_since_phrase_is_a_boundary_not_the_event() -> None:
    text = (
        "وتعد القمة أكبر تجمع دولي في المدينة منذ بدء الحرب على الجارة في فبراير 2020. "
        "وهو أول لقاء بين الرجلين منذ أن شنت القوات هجومها في مارس 2021."
    )
    assert extract_timeline([_article("a", text, WED)]) == []


def test_a_since_duration_does_not_swallow_a_later_date() -> None:
    text = "والتقى الوزيران للمرة الأولى منذ سنوات في 5 أبريل الجاري."
    assert _dates(extract_timeline([_article("a", text, WED)])) == [("2025-04-05", "day", None)]


def test_a_bracketed_local_time_day_restates_the_date_before_it() -> None:
    text = (
        "ذكرت الوكالة الرسمية اليوم الأربعاء (الخميس بالتوقيت المحلي) أن المعاهدة دخلت حيز التنفيذ."
    )
    assert _dates(extract_timeline([_article("a", text, WED)])) == [("2025-04-16", "day", None)]


def test_joining_a_group_is_an_event() -> None:
    text = "وتأسس التحالف في عام 2001، وانضمت إليه دولة ساحلية في عام 2009."
    items = extract_timeline([_article("a", text, WED)])
    assert _dates(items) == [("2001", "year", None), ("2009", "year", None)]


def test_dying_told_with_mat_is_an_event() -> None:
    text = "وخلف الوزير سلفه الذي مات مع مرافقيه في حادث تحطم طائرة في 3 مارس الماضي."
    assert _dates(extract_timeline([_article("a", text, WED)])) == [("2025-03-03", "day", None)]


def test_a_statement_telling_a_deed_of_that_day_is_the_deed() -> None:
    a = _article(
        "a",
        "قال المصرف الدولي في بيان اليوم الجمعة إن المجلس التنفيذي للمصرف أكمل"
        " المراجعة الأولى لبرنامج الإصلاح.",
        FRI,
    )
    b = _article(
        "b",
        "وافق المجلس التنفيذي للمصرف الدولي، في بيان أصدره أمس الجمعة، على المراجعة"
        " الأولى لبرنامج الإصلاح.",
        SAT,
    )
    (e,) = extract_timeline([a, b])
    assert (e.date, _cited(e)) == ("2025-04-18", [("a", 0), ("b", 0)])


def test_a_statement_of_last_week_tells_the_deed_of_a_day_in_it() -> None:
    a = _article(
        "a",
        "وقعت الحكومة والمصرف الدولي في 16 أبريل 2025 اتفاقا لزيادة القرض إلى ثمانية"
        " مليارات دولار.",
        WED,
    )
    b = _article(
        "b",
        "وأعلنت الحكومة، الأسبوع الماضي، عن اتفاق مع المصرف الدولي لزيادة القرض إلى"
        " ثمانية مليارات دولار.",
        SUN,
    )
    (e,) = extract_timeline([a, b])
    assert (e.date, _cited(e)) == ("2025-04-16", [("a", 0), ("b", 0)])


def test_two_deeds_of_one_day_in_other_words_stay_two() -> None:
    a = _article("a", "وقع الرئيسان اتفاقية التعاون الأربعاء في العاصمة.", WED)
    b = _article("b", "أجرى الرئيسان محادثات مطولة الأربعاء في العاصمة.", WED)
    assert len(extract_timeline([a, b])) == 2


def test_an_undated_lede_is_no_month_item_when_its_article_dates_that_day() -> None:
    text = (
        "فاز رئيس البلاد بولاية ثانية بنسبة كبيرة من الأصوات. "
        "وأعلنت المحكمة الدستورية، اليوم الأحد، فوز الرئيس بالانتخابات في نتائجها النهائية."
    )
    items = extract_timeline([_article("a", text, SUN, title="الرئيس يفوز بولاية ثانية")])
    assert [(e.date, e.granularity) for e in items] == [("2025-04-20", "day")]
    assert _cited(items[0]) == [("a", 1)]
    alone = _article("b", text.split(". ")[0] + ".", SUN, title="الرئيس يفوز بولاية ثانية")
    assert _dates(extract_timeline([alone])) == [("2025-04", "month", None)]
    # an event of two days before is another one: the lede stays the month's news
    before = text.replace("اليوم الأحد", "الجمعة")
    items = extract_timeline([_article("c", before, SUN, title="الرئيس يفوز بولاية ثانية")])
    assert _dates(items) == [("2025-04", "month", None), ("2025-04-18", "day", None)]


def test_last_week_is_the_saturday_to_friday_week_before_publication() -> None:
    for published in (SAT, SUN, dt.date(2025, 4, 25)):  # Saturday, Sunday, Friday after
        (m,) = find_dates("أعلنت الوزارة الأسبوع الماضي نتائج المسح", published, "day")
        assert (m.value, m.value_end) == (dt.date(2025, 4, 12), dt.date(2025, 4, 18))
    (m,) = find_dates("أعلنت الوزارة الأسبوع الماضي نتائج المسح", FRI, "day")
    assert (m.value, m.value_end) == (dt.date(2025, 4, 5), dt.date(2025, 4, 11))


def test_a_date_a_thing_is_about_is_not_an_event() -> None:
    text = "واكتفت القناة بنشر الحصاد اليومي الخاص بيوم أمس الثلاثاء، دون أي بيان جديد."
    assert extract_timeline([_article("a", text, WED)]) == []
    text = "ونشرت الوزارة أمس التقرير الخاص بشهر مارس 2025."
    assert _dates(extract_timeline([_article("a", text, WED)])) == [("2025-04-15", "day", None)]


def test_congratulations_received_are_a_statement_of_their_own() -> None:
    text = (
        "وتلقى الرئيس المنتخب اليوم الأربعاء برقيات تهنئة من قادة عدة دول. "
        "وفاز الرئيس في جولة الإعادة الأحد بأغلبية الأصوات."
    )
    items = extract_timeline([_article("a", text, WED)])
    assert _dates(items) == [("2025-04-13", "day", None), ("2025-04-16", "day", None)]


def test_years_listed_in_brackets_are_each_a_date() -> None:
    text = "وتحل المعاهدة محل الوثائق الموقعة بين البلدين في الأعوام (1961 و2000 و2001)."
    items = extract_timeline([_article("a", text, WED)])
    assert [e.date for e in items] == ["1961", "2000", "2001"]


def test_one_day_named_twice_in_apposition_is_one_event() -> None:
    text = "وأعلن المتحدث باسم اللجنة، السبت (12 أبريل/نيسان)، النتائج الأولية للاقتراع."
    items = extract_timeline([_article("a", text, WED)])
    assert _dates(items) == [("2025-04-12", "day", None)]
    twice = "وأصدر الديوان بلاغا اليوم الأربعاء، وترأس الملك بعد زوال الأربعاء جلسة عمل في القصر."
    assert len(extract_timeline([_article("b", twice, WED)])) == 2


def test_a_date_closing_an_after_phrase_dates_what_the_phrase_names() -> None:
    a = _article("a", "وتوفي الوزير في حادث تحطم طائرة في 3 مارس الماضي.", WED)
    b = _article(
        "b", "ودعي الناخبون إلى اقتراع مبكر بعد وفاة الوزير في حادث طائرة في مارس الماضي.", WED
    )
    (e,) = extract_timeline([a, b])
    assert (e.date, _cited(e)) == ("2025-03-03", [("a", 0), ("b", 0)])


def test_a_dateline_sentence_dates_the_news_after_it() -> None:
    text = "القاهرة، 18 أبريل. /وكالة/. ووصف الرئيس الاتفاق بأنه خطوة تاريخية خلال حفل رسمي."
    (e,) = extract_timeline([_article("a", text, SUN)])
    assert (e.date, _cited(e)) == ("2025-04-18", [("a", 0)])
    assert "ووصف الرئيس" in e.text
    # a date alone, with no place before it, is no dateline
    alone = "الأربعاء. ووصف الرئيس الاتفاق بأنه خطوة تاريخية خلال حفل رسمي."
    assert extract_timeline([_article("b", alone, SUN)]) == []


def test_condolences_are_a_statement() -> None:
    text = "وفي وقت سابق الأربعاء، عبر الأمير عن خالص تعازيه للملك وللشعب."
    assert _dates(extract_timeline([_article("a", text, WED)])) == [("2025-04-16", "day", None)]
