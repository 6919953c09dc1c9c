"""Behaviour of bot.extract.timeline on small articles written for each rule."""

from __future__ import annotations

import datetime as dt

from bot.corpus import build_article
from bot.corpus_types import Article, ArticleMeta, Precision
from bot.extract.events import event_classes
from bot.extract.timeline import extract_timeline
from bot.model import TimelineEvent


def _article(aid: str, text: str, published: dt.date, precision: Precision = "day") -> Article:
    meta = ArticleMeta(
        id=aid,
        file=f"{aid}.txt",
        title="عنوان الاختبار",
        source=None,
        url=None,
        published=published,
        published_precision=precision,
        published_reason="test",
    )
    return build_article(meta, text)


WED = dt.date(2024, 6, 19)  # a Wednesday
DEC = dt.date(2024, 12, 5)


def _cited(e: TimelineEvent) -> list[tuple[str, int]]:
    return [(s.article_id, s.sentence_index) for s in e.sources]


def test_same_signing_told_twice_is_one_item_with_the_precise_date() -> None:
    a = _article("a", "وقع الرئيسان اتفاقية التعاون الأربعاء في العاصمة.", WED)
    b = _article(
        "b", "دخلت الاتفاقية حيز التنفيذ، وكان البلدان قد وقعا الاتفاقية في يونيو الماضي.", DEC
    )
    items = extract_timeline([a, b])
    signing = [e for e in items if e.date.startswith("2024-06")]
    assert len(signing) == 1
    (e,) = signing
    assert (e.date, e.granularity) == ("2024-06-19", "day")
    assert _cited(e) == [("a", 0), ("b", 0)]
    assert (e.resolution.kind, e.resolution.phrase, e.resolution.value) == (
        "relative",
        "الأربعاء",
        "2024-06-19",
    )


def test_different_kinds_of_event_on_one_day_stay_apart() -> None:
    a = _article(
        "a", "وقع الرئيسان الاتفاقية الأربعاء. واستقبلت حشود الرئيس الأربعاء في المطار.", WED
    )
    assert len(extract_timeline([a])) == 2


def test_since_and_before_dates_do_not_date_the_event() -> None:
    text = "زار الرئيس البلاد للمرة الأولى منذ عام 2000. وسيصل الوفد قبل نهاية يونيو 2024."
    assert extract_timeline([_article("a", text, WED)]) == []


def test_a_date_without_event_predicate_is_not_an_event() -> None:
    text = "بلغ التضخم 30 في المئة في مارس 2024 وفق الأرقام الرسمية."
    assert extract_timeline([_article("a", text, WED)]) == []


def test_quoted_today_is_not_resolved_against_publication() -> None:
    text = "وقال الرئيس، خلال التوقيع آنذاك، إن «الاتفاقية الموقعة اليوم تنص على المساعدة»."
    assert extract_timeline([_article("a", text, DEC)]) == []


def test_weekday_needs_a_publication_day() -> None:
    text = "زار رئيس الوزراء المدينة المنكوبة الأربعاء."
    assert extract_timeline([_article("a", text, dt.date(2023, 9, 1), "month")]) == []
    (e,) = extract_timeline([_article("a", text, dt.date(2023, 9, 15), "day")])
    assert e.date == "2023-09-13"


def test_two_dates_in_one_sentence_give_two_clauses() -> None:
    text = (
        "قال الوزير، في السابع من نوفمبر 2024، إن البلدين وقعا اتفاق التجارة "
        "في يونيو 2024 بعد مفاوضات طويلة."
    )
    items = extract_timeline([_article("a", text, dt.date(2024, 11, 10))])
    assert [(e.date, e.granularity) for e in items] == [("2024-06", "month"), ("2024-11-07", "day")]
    assert items[0].text.startswith("إن البلدين وقعا")
    assert items[1].text.startswith("قال الوزير") and "اتفاق التجارة" in items[1].text
    assert all(e.sources[0].text == text for e in items)


def test_a_speech_verb_date_dates_the_whole_statement_not_a_future_date_in_it() -> None:
    # invented, then the seed case (003 s16): one statement, dated when it was made
    invented = (
        "قالت الحكومة، في الثالث من مارس 2023، إن الدعم سيستمر حتى انتهاء الأزمة في أغسطس 2023."
    )
    (e,) = extract_timeline([_article("a", invented, dt.date(2023, 3, 5))])
    assert (e.date, e.text) == ("2023-03-03", invented)
    seed = (
        "قال البيت الأبيض، في السابع من نوفمبر 2024، إن الولايات المتحدة ستواصل تقديم "
        "المساعدات لأوكرانيا قبل انتقال السلطة من الرئيس جو بايدن إلى الرئيس المنتخب "
        "دونالد ترامب في يناير2025 ."
    )
    (e,) = extract_timeline([_article("b", seed, dt.date(2024, 11, 10))])
    assert (e.date, e.granularity, e.text) == ("2024-11-07", "day", seed)


def test_ranges_keep_their_end_and_sort_by_start() -> None:
    text = (
        "اندلعت الحرب الأهلية بين عامي 1975 و1990 في البلاد. "
        "وتأسست الجمهورية عام 1943. وفاز الحزب في انتخابات 2018-2019 بمقاعد عديدة."
    )
    items = extract_timeline([_article("a", text, WED)])
    assert [(e.date, e.end) for e in items] == [("1943", None), ("1975", "1990"), ("2018", "2019")]


def test_statements_on_one_day_merge_only_when_they_say_the_same() -> None:
    a = _article("a", "قال الوزير الأربعاء إن المفاوضات مع الجيران متعثرة.", WED)
    b = _article("b", "قال الوزير الأربعاء إن المفاوضات مع الجيران متعثرة تماما.", WED)
    c = _article("c", "قال المتحدث الأربعاء إن الطقس سيكون حارا في الصيف.", WED)
    items = extract_timeline([a, b, c])
    assert sorted(len(e.sources) for e in items) == [1, 2]


def test_output_is_deterministic_and_sorted() -> None:
    arts = [
        _article("a", "وقع البلدان معاهدة عام 1961. وزار الرئيس موسكو في مارس 2019.", WED),
        _article("b", "انهار الاتحاد السوفيتي عام 1991. واجتمع القادة في 3 مايو 2020.", WED),
    ]
    first = extract_timeline(arts)
    assert first == extract_timeline(list(reversed(arts)))
    assert [e.date for e in first] == ["1961", "1991", "2019-03", "2020-05-03"]


def test_event_vocabulary_ignores_adjectives_and_bare_nouns() -> None:
    assert event_classes("القانون الانتخابي") == frozenset()
    assert event_classes("على الإطلاق") == frozenset()
    assert event_classes("للانتخابات") == {"elect"}
    assert event_classes("وأغلقته") == {"open_close"}


def test_negated_predicates_are_not_events() -> None:
    text = "ولم يصدر بعد رد عن الحكومة منذ الأسبوع الماضي، ولم تعلن الوزارة شيئا في مارس 2024."
    assert extract_timeline([_article("a", text, WED)]) == []


def test_a_clause_does_not_borrow_the_predicate_of_another_dated_clause() -> None:
    text = "كان الجسر قائما في سبعينيات القرن الماضي، وأجريت آخر صيانة له عام 2002."
    (e,) = extract_timeline([_article("a", text, WED)])
    assert (e.date, e.text) == ("2002", "وأجريت آخر صيانة له عام 2002.")


def test_decade_of_last_century_is_a_resolved_range() -> None:
    text = "وكان السدان قد شيدا في سبعينيات القرن الماضي."
    (e,) = extract_timeline([_article("a", text, WED)])
    assert (e.date, e.end, e.granularity) == ("1970", "1979", "year")
    assert (e.resolution.kind, e.resolution.phrase, e.resolution.value) == (
        "relative",
        "سبعينيات القرن الماضي",
        "1970..1979",
    )


def test_imperfect_persons_are_derived_for_verbs_only() -> None:
    from bot.extract.events import imperfect_persons

    assert imperfect_persons("يصل") == {"تصل", "نصل"}
    assert imperfect_persons("زيارة") == set()
    assert event_classes("تصل") == {"arrive"}
    assert event_classes("توقعت") == frozenset()  # "expected", not "signed"


def test_a_date_naming_a_document_is_not_an_event_date() -> None:
    text = "عقد المجلس جلسة ناقش خلالها مشروع موازنة العام المقبل وخطة 2030."
    assert extract_timeline([_article("a", text, WED)]) == []


def test_same_day_and_next_day_resolve_against_the_previous_date() -> None:
    text = (
        "وصل الوفد إلى العاصمة في 3 مايو 2020. واجتمع بالرئيس في اليوم التالي. "
        "وغادر الوفد في مساء اليوم نفسه."
    )
    items = extract_timeline([_article("a", text, WED)])
    assert [e.date for e in items] == ["2020-05-03", "2020-05-04", "2020-05-04"]
    how = items[1].resolution
    assert (how.kind, how.value, how.anchor) == ("anaphor", "2020-05-04", "3 مايو 2020")
    assert how.phrase is not None and how.phrase.endswith("اليوم التالي")


def test_same_day_without_a_previous_date_is_no_date() -> None:
    text = "واجتمع الوفد بالرئيس في اليوم نفسه."
    assert extract_timeline([_article("a", text, WED)]) == []


def test_a_date_in_a_relative_clause_shows_that_clause_with_its_head() -> None:
    invented = "وأشاد الوزير بدعم الجمهورية الجديدة، التي تأسست عام 1991 بعد الاستقلال."
    (e,) = extract_timeline([_article("a", invented, WED)])
    assert (e.date, e.text) == ("1991", "الجمهورية الجديدة، التي تأسست عام 1991 بعد الاستقلال.")
    seed = (
        "وأشاد كيم بروسيا لاتخاذها ما وصفه بأنه خطوة استراتيجية مهمة للغاية لدعم كوريا "
        "الشمالية، التي تأسست عام 1948 بدعم من الاتحاد السوفيتي السابق."
    )
    (e,) = extract_timeline([_article("b", seed, WED)])
    assert e.text == "كوريا الشمالية، التي تأسست عام 1948 بدعم من الاتحاد السوفيتي السابق."


def test_an_adverbial_clause_runs_on_to_its_main_clause() -> None:
    text = (
        "وشهدت البلاد تحولات كبيرة في العقود الماضية، وعرفت أزمات متتالية، ونموا في "
        "قطاعات عدة، وهجرة واسعة من الأرياف إلى المدن الكبرى والساحل، "
        "وخلال الحرب الأهلية 1975-1990، دمرت معظم الجسور في العاصمة، "
        "وفي أعقاب انهيار الحكومة عام 1992، تراجعت الخدمات العامة بشدة، لكن الوضع تحسن لاحقا."
    )
    items = extract_timeline([_article("a", text, WED)])
    by_date = {e.date: e for e in items}
    assert by_date["1975"].end == "1990"
    assert by_date["1975"].text.endswith("دمرت معظم الجسور في العاصمة")
    assert by_date["1992"].text.endswith("تراجعت الخدمات العامة بشدة")


def test_a_clause_does_not_end_between_subject_and_object() -> None:
    text = (
        "وتوسعت العلاقات كثيرا في العقد الأخير، وزادت المبادلات، ووقعت اتفاقيات عدة، لذا؛ "
        "أثارت الزيارة الطويلة التي قام بها الرئيس في مارس الماضي للعاصمة المجاورة، "
        "قلق الجيران وحلفائهم، لاسيما في الجنوب، وقد نشرت الصحف تقارير عن ذلك في 2022."
    )
    items = extract_timeline([_article("a", text, WED)])
    (visit,) = [e for e in items if e.date == "2024-03"]
    assert visit.text.startswith("أثارت الزيارة")
    assert visit.text.endswith("قلق الجيران وحلفائهم")


def test_a_coordinated_clause_without_subject_shows_the_sentence() -> None:
    text = (
        "هي اتفاقية وقعها الرئيسان في العاصمة في مارس الماضي، "
        "ودخلت حيز التنفيذ بعد تبادل وثائق التصديق، الخميس، وفق الوكالة."
    )
    items = extract_timeline([_article("a", text, DEC)])
    (force,) = [e for e in items if e.date == "2024-12-05"]
    assert force.text == text


def test_a_qualified_month_keeps_its_qualifier() -> None:
    text = "وأكدت الوزارة أواخر أكتوبر أن القوات انسحبت من المنطقة."
    (e,) = extract_timeline([_article("a", text, dt.date(2024, 12, 5))])
    assert (e.date, e.granularity, e.qualifier) == ("2024-10", "month", "late")
    seed = "وأكدت وزارة الدفاع الأمريكية أواخرا أكتوبر أن كوريا الشمالية أرسلت نحو 10 آلاف جندي."
    (e,) = extract_timeline([_article("b", seed, dt.date(2024, 12, 5))])
    assert e.qualifier == "late"
    signed = "وقع الرئيسان اتفاقية التعاون الأربعاء في العاصمة."
    (e,) = extract_timeline([_article("c", signed, WED)])
    assert e.qualifier is None


def test_a_circumstantial_phrase_does_not_give_the_event_its_class() -> None:
    # "signed during a visit in June" is the signing; it merges with the signing, not
    # with the welcome of the visit (seed: 003 s1, 000 s5 against 004 s16)
    a = _article(
        "a",
        "وقع الرئيسان اتفاقية التعاون الأربعاء في العاصمة. "
        "واستقبلت حشود كبيرة الرئيس الضيف الأربعاء في المطار.",
        WED,
    )
    b = _article(
        "b",
        "أبرمت هذه الاتفاقية خلال زيارة نادرة للرئيس إلى العاصمة في يونيو الماضي. "
        "هي اتفاقية أبرمها الرئيسان، أثناء زيارة الرئيس إلى العاصمة في يونيو الماضي، "
        "ودخلت حيز التنفيذ بعد تبادل وثائق التصديق، الخميس.",
        DEC,
    )
    items = extract_timeline([a, b])
    (signing,) = [e for e in items if ("a", 0) in _cited(e)]
    (welcome,) = [e for e in items if ("a", 1) in _cited(e)]
    assert ("b", 0) in _cited(signing) and ("b", 1) in _cited(signing)
    assert _cited(welcome) == [("a", 1)]
    (force,) = [e for e in items if e.date == "2024-12-05"]
    assert _cited(force) == [("b", 1)]


def test_undated_reports_are_cited_by_the_recent_event_of_their_kind() -> None:
    # an article of 5 December saying the treaty entered into force supports the entry
    # into force dated "الخميس" by another outlet; it never makes an item of its own
    a = _article(
        "a",
        "ودخلت الاتفاقية حيز التنفيذ بعد تبادل وثائق التصديق في العاصمة، الخميس.",
        DEC,
    )
    b = _article(
        "b",
        "دخلت اتفاقية التعاون الموقعة بين البلدين في يونيو الماضي حيز التنفيذ. "
        "وباتت الاتفاقية سارية بعد حفل في العاصمة. "
        "وقال الوزير إن الاتفاقية لن تدخل حيز التنفيذ قبل سنوات.",
        DEC,
    )
    items = extract_timeline([a, b])
    (force,) = [e for e in items if e.date == "2024-12-05"]
    assert _cited(force) == [("a", 0), ("b", 0), ("b", 1)]
    (signing,) = [e for e in items if e.date == "2024-06"]
    assert _cited(signing) == [("b", 0)]
    old = _article("c", "ودخلت الاتفاقية حيز التنفيذ بعد حفل كبير في العاصمة.", dt.date(2025, 1, 9))
    assert len(extract_timeline([a, old])[0].sources) == 1  # weeks later: another report


def test_a_date_relative_to_another_dated_event_of_the_sentence_is_resolved() -> None:
    text = (
        "ووصلت السفينة الحربية إلى الميناء يوم 12 مارس 2024، "
        "وذلك بعد يومين من استدعاء الخارجية للسفير في العاصمة، لإبلاغه احتجاجها."
    )
    items = extract_timeline([_article("a", text, WED)])
    (summons,) = [e for e in items if e.date == "2024-03-10"]
    assert summons.text.startswith("استدعاء الخارجية للسفير")
    how = summons.resolution
    assert (how.kind, how.value, how.anchor) == ("offset", "2024-03-10", "يوم 12 مارس 2024")
    assert how.rule is not None and how.rule.startswith("2 day(s) before")
    seed = (
        "كما كشفت تقارير أمريكية عن وصول حاملة الطائرات، يوم 22 يونيو الجاري إلى كوريا "
        "الجنوبية، وذلك بعد يوم من استدعاء كوريا الجنوبية للسفير الروسي في سيئول."
    )
    items = extract_timeline([_article("b", seed, dt.date(2024, 6, 1), "month")])
    assert [e.date for e in items] == ["2024-06-21", "2024-06-22"]


def test_a_speakers_statement_in_a_month_merges_with_his_statement_on_a_day_of_it() -> None:
    a = _article("a", "وأكد الرئيس الأربعاء أن البلدين يواجهان تحديات مشتركة كبيرة.", WED)
    b = _article("b", "ووصف الرئيس في يونيو الاتفاق بأنه وثيقة تاريخية.", DEC)
    c = _article("c", "ووصف الوزير في يونيو الاتفاق بأنه خطوة مهمة للغاية.", DEC)
    items = extract_timeline([a, b, c])
    assert [(e.date, _cited(e)) for e in items] == [
        ("2024-06", [("c", 0)]),
        ("2024-06-19", [("a", 0), ("b", 0)]),
    ]


def test_a_relative_clause_inside_a_clause_is_shown_with_its_head() -> None:
    invented = "في حين لم تذكر اتفاقية النقل البحري التي وقعت في 3 مايو عام 2010 أي رسوم."
    (e,) = extract_timeline([_article("a", invented, WED)])
    assert (e.date, e.text) == ("2010-05-03", "اتفاقية النقل البحري التي وقعت في 3 مايو عام 2010")
    kept = "وقع الرئيس الاتفاقية التي نوقشت طويلا في 3 مايو عام 2010 في العاصمة."
    (e,) = extract_timeline([_article("b", kept, WED)])
    assert e.text == kept  # the main clause has its own predicate


def test_a_circumstantial_date_does_not_take_a_dated_clauses_predicate() -> None:
    text = (
        "وكان المصرف قد أوقف العمل بالمنصة في أواخر تموز 2023، "
        "بعد انتهاء ولاية الحاكم السابق في 31 تموز."
    )
    items = extract_timeline([_article("a", text, dt.date(2023, 8, 10))])
    (end,) = [e for e in items if e.date == "2023-07-31"]
    assert end.text == "بعد انتهاء ولاية الحاكم السابق في 31 تموز."


def test_the_undated_news_of_an_article_is_dated_to_its_publication_month() -> None:
    def news(aid: str, title: str, published: dt.date) -> Article:
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
        return build_article(
            meta, "صادق الرئيس على قانون الموازنة الجديد، فيما تنتقده المعارضة بشدة."
        )

    (e,) = extract_timeline([news("a", "الرئيس يصادق على الموازنة", dt.date(2024, 11, 10))])
    assert (e.date, e.granularity) == ("2024-11", "month")
    assert e.text == "صادق الرئيس على قانون الموازنة الجديد"
    assert (e.resolution.kind, e.resolution.published) == ("undated", "2024-11-10")
    # the headline names another event, or the month may be the previous one: no item
    assert extract_timeline([news("b", "المعارضة تنتقد الرئيس", dt.date(2024, 11, 10))]) == []
    assert extract_timeline([news("c", "الرئيس يصادق على الموازنة", dt.date(2024, 11, 2))]) == []


def test_an_undated_report_needs_shared_content_and_may_match_the_scene() -> None:
    a = _article(
        "a",
        "ودخلت اتفاقية التجارة الحرة حيز التنفيذ بعد تبادل وثائق التصديق بين البلدين، الخميس.",
        DEC,
    )
    b = _article(
        "b",
        "وتبادل وثائق التصديق على اتفاقية التجارة الحرة وزيرا خارجية البلدين في العاصمة. "
        "ودخل قانون المرور الجديد حيز التنفيذ في المدن الساحلية وسط ترحيب السائقين.",
        DEC,
    )
    (force,) = extract_timeline([a, b])
    assert _cited(force) == [("a", 0), ("b", 0)]  # the exchange, not the traffic law
