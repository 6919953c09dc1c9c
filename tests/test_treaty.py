"""Behaviour of the treaty-provision extractor on small articles written for each rule."""

from __future__ import annotations

from extract_support import article, paragraph_lists, sentence_texts
from hypothesis import given, settings

from bot.arabic.normalize import normalize
from bot.extract.treaty import TITLE_WORDS, extract_treaty_articles


def test_numbered_clauses_by_ordinal_word_and_numeral_in_order() -> None:
    a = article(
        "a",
        "وتنص المادة الخامسة من الاتفاقية على إنشاء صندوق مشترك للاستثمار في البنية التحتية.",
        "كما يشير البند 12 إلى أن النزاعات تحال إلى محكمة تحكيم دولية.",
        "وتلزم المادة الحادية عشرة الطرفين بحماية البيانات الشخصية للمواطنين.",
        "وتنص المادة الثانية على خفض الرسوم الجمركية تدريجيا.",
    )
    provisions = extract_treaty_articles([a])
    numbered = [p for p in provisions if p.number is not None]
    assert [p.number for p in numbered] == [2, 5, 11, 12]
    five = numbered[1]
    assert five.title.startswith("إنشاء صندوق مشترك للاستثمار")
    assert five.sources[0].sentence_index == 0
    assert numbered[2].title.startswith("حماية البيانات الشخصية")


def test_cited_charter_article_is_not_a_provision_of_its_own() -> None:
    # Issue 11: «المادة 51 من ميثاق الأمم المتحدة» is what a clause cites, not a clause of
    # the agreement (it used to be listed as an unnumbered "reference" item).
    a = article(
        "a",
        "ويقدم كل طرف المساعدة وفقا للمادة 2 من ميثاق "
        "الأمم المتحدة التي تحظر استخدام القوة ضد سلامة أراضي الدول.",
    )
    assert extract_treaty_articles([a]) == []


def test_obligations_split_at_coordinated_verbal_nouns() -> None:
    a = article(
        "a",
        "ووقع البلدان اتفاقية أمنية جديدة.",
        "ويلزم الاتفاق البلدين بتبادل المعلومات الأمنية "
        "بشكل منتظم وتنسيق مواقفهما في المحافل الدولية.",
    )
    titles = {p.title for p in extract_treaty_articles([a])}
    assert titles == {"تبادل المعلومات الأمنية بشكل منتظم", "تنسيق مواقفهما في المحافل الدولية"}


def test_comma_then_coordinated_noun_continues_the_list() -> None:
    a = article(
        "a",
        "ووقعت الدولتان معاهدة تنص على التعاون في "
        "مكافحة الإرهاب، والتنسيق في مجال الهجرة غير النظامية.",
    )
    titles = [p.title for p in extract_treaty_articles([a])]
    assert "التعاون في مكافحة الإرهاب" in titles
    assert "التنسيق في مجال الهجرة غير النظامية" in titles


def test_other_dated_or_negated_agreements_are_not_provisions() -> None:
    a = article(
        "a",
        "وكانت معاهدة عام 1990 بين البلدين تنص على إنشاء منطقة عازلة على الحدود.",
        "ولا تتضمن الاتفاقية الجديدة أي بند بشأن تقاسم المياه.",
        "ويتضمن برنامج الزيارة حفلا موسيقيا وعشاء رسميا.",
        "وقال محلل إنه بموجب الصياغة الحالية قد يتأخر التنفيذ.",
    )
    assert extract_treaty_articles([a]) == []


def test_same_obligation_in_different_words_merges_across_articles() -> None:
    a = article(
        "a", "ووقع البلدان معاهدة دفاعية تنص على المساعدة العسكرية المتبادلة في حال وقوع عدوان."
    )
    b = article("b", "وتلزم المعاهدة الطرفين بتقديم مساعدة عسكرية فورية إذا تعرض أحدهما لهجوم.")
    c = article("c", "ويتضمن الاتفاق أيضا تعهدا بالتعاون في مجال الطاقة النووية السلمية.")
    provisions = extract_treaty_articles([a, b, c])
    assert len(provisions) == 2
    mutual = provisions[0]  # most reported first
    assert {e.article_id for e in mutual.sources} == {"a", "b"}
    assert "الطاقة النووية" in provisions[1].title


def test_replacement_of_earlier_treaties() -> None:
    a = article(
        "a",
        "وتحل الاتفاقية الجديدة محل معاهدة الصداقة الموقعة بين البلدين في الستينيات.",
    )
    [p] = extract_treaty_articles([a])
    assert p.title.startswith("تحل محل معاهدة الصداقة")


def test_agreed_in_the_passive_counts_without_a_treaty_word() -> None:
    a = article("a", "كما تم الاتفاق على إلغاء التأشيرات بين البلدين.")
    [p] = extract_treaty_articles([a])
    assert p.title == "إلغاء التأشيرات بين البلدين"


def test_deterministic_and_stable_under_reruns() -> None:
    arts = [
        article(
            "a",
            "وتنص المادة الأولى على إقامة منطقة تجارة حرة.",
            "ويلزم الاتفاق الطرفين بحماية الاستثمارات.",
        ),
        article("b", "ويتضمن الاتفاق تعهدا بحماية الاستثمارات المتبادلة."),
    ]
    assert extract_treaty_articles(arts) == extract_treaty_articles(list(arts))


_FRAGMENTS = [
    "وتنص",
    "المادة",
    "الثالثة",
    "البند",
    "7",
    "من",
    "الاتفاقية",
    "على",
    "إنشاء",
    "لجنة",
    "والتعاون",
    "في",
    "مجال",
    "الطاقة",
    "ويلزم",
    "الاتفاق",
    "البلدين",
    "بتبادل",
    "عام 1961",
    "لم",
    "،",
    ".",
    "“",
    "”",
]


@settings(max_examples=60, deadline=None)
@given(paragraph_lists(_FRAGMENTS, 16))
def test_any_text_gives_short_titles_cited_by_real_sentences(paras: list[list[str]]) -> None:
    a = article("p", *(" ".join(p) for p in paras))
    texts = sentence_texts(a)
    for p in extract_treaty_articles([a]):
        assert p.title.strip()
        assert len(p.title.split()) <= TITLE_WORDS + 8  # a cited instrument's name adds words
        assert p.sources
        for e in p.sources:
            assert texts[e.sentence_index] == e.text
        # The title is taken from the text it cites (bar a dropped proclitic).
        words = {w for e in p.sources for w in normalize(e.text).split()}
        for w in normalize(p.title).replace(":", " ").split():
            assert any(w in x or w.strip('“”"«»') in x for x in words), w


def test_clause_numbers_of_a_law_are_not_treaty_provisions() -> None:
    a = article(
        "a",
        "وتنص المادة 38 من القانون الانتخابي على أن يقدم كل مرشح خمسة آلاف تزكية.",
        "وقالت الهيئة إن المادة الثانية من النظام الداخلي تحدد مواعيد الحملة.",
    )
    assert extract_treaty_articles([a]) == []
