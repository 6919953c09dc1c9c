"""Boilerplate removal: furniture goes by general rules, the body stays as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.arabic.boilerplate import CleanText, clean, is_heading
from bot.arabic.normalize import normalize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed(prefix: str) -> CleanText:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return clean(path.read_text(encoding="utf-8"))


def _no_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


# --- the seeds -------------------------------------------------------------------------


def test_000_repeated_headline_and_credit_line_removed() -> None:
    c = _seed("000")
    assert c.title == (
        "القادم مخيف.. دخلت حيز التنفيذ (معاهدة الدفاع المشترك) بين كوريا الشمالية وروسيا"
    )
    assert all(normalize(p) != normalize(c.title) for p in c.paragraphs)
    assert "(الأول) وكالات:" in c.furniture
    assert c.paragraphs[0].startswith("إعلان ليس بالمفاجئ")
    assert c.paragraphs[-1].endswith("من بين الأكثر تحصينا في العالم.")


def test_000_heading_split_across_lines_is_rejoined() -> None:
    c = _seed("000")
    assert "بند الدفاع المشترك" in c.paragraphs
    assert any(p.endswith("ينتهك اتفاقات رئيسية.") for p in c.paragraphs)
    assert "ماذا نعرف عن المعاهدة؟" in c.paragraphs  # a body heading is content, kept


def test_001_source_line_is_furniture_and_no_title_invented() -> None:
    c = _seed("001")
    assert c.title is None
    assert c.furniture == ("المصدر: وكالات",)
    assert len(c.paragraphs) == 15


def test_002_crumbs_signature_and_footer_removed_bullets_unmarked() -> None:
    c = _seed("002")
    assert c.title == "قراءة في زيارة “بوتين” إلى كوريا الشمالية.. دوافع القلق الغربي"
    assert {"آسياروسيا", "مقالات ذات صلة", "زر الذهاب إلى الأعلى", "د. غادة عبد العزيز"} <= set(
        c.furniture
    )
    assert c.paragraphs[-1].startswith("لذا؛ تفتح هذه الاتفاقية")
    assert not any(p.startswith("•") for p in c.paragraphs)
    assert "التعاون لبناء هيكل للأمن العادل وغير القابل للتجزئة في أوراسيا." in c.paragraphs


def test_003_date_weather_city_most_read_and_url() -> None:
    c = _seed("003")
    assert c.title == "أمن دولي ـ بوتين يوقع معاهدة الدفاع المشترك مع كوريا الشمالية"
    assert c.urls == ("https://hura7.com/?p=36884",)
    for line in ["الإثنين, يناير 20, 2025", "1.7 C", "Berlin", "الأكثر قراءة", "Most Popular"]:
        assert line in c.furniture
    assert not any("hura7" in p or "الأكثر قراءة" in p for p in c.paragraphs)
    assert c.paragraphs[0].startswith("وكالات ـ وقع الرئيس الروسي")
    assert c.paragraphs[-1].endswith("على ما يحتاجون إليه”.")


def test_004_article_ends_at_source_line_nothing_of_the_appended_story_kept() -> None:
    c = _seed("004")
    assert c.title is None
    assert c.paragraphs[0].startswith('سول "رويترز": وقع الرئيس الروسي')
    assert c.paragraphs[-1].startswith("ويتضمن جدول أعمال زيارة بوتين الأربعاء")
    body = " ".join(c.paragraphs)
    for foreign in ["إنترفاكس", "كلمات دلالية", "إقرأ أيضاً", "تابع أحدث الأخبار", "زاخاروفا"]:
        assert foreign not in body


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_body_is_text_as_written(prefix: str) -> None:
    """Every kept paragraph is a line of the raw file (modulo the bullet and heading repairs)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    raw = _no_space(path.read_text(encoding="utf-8"))
    for paragraph in _seed(prefix).paragraphs:
        assert _no_space(paragraph) in raw


# --- unseen articles: the rules are general ---------------------------------------------

UNSEEN = """\
الرئيسية  أخبار  عربي ودولي
الثلاثاء 12 مارس 2024
28°C
الأكثر مشاهدة
وزير الخارجية يبحث مع نظيره الفرنسي تطورات الأوضاع في المنطقة

وزير الخارجية يبحث مع نظيره الفرنسي تطورات الأوضاع في المنطقة
آخر تحديث: 12 مارس 2024 - 10:15

بحث وزير الخارجية مع نظيره الفرنسي، اليوم الثلاثاء، تطورات الأوضاع. وأكد الجانبان أهمية التهدئة.
اقرأ أيضا:
الرئيس يستقبل وفدا برلمانيا
ارتفاع أسعار النفط في التعاملات الآسيوية
وقال الوزير إن "الحل السياسي هو السبيل الوحيد. لا بديل عنه" مشيرا إلى استمرار الاتصالات.
حمّل تطبيق الجريدة على هاتفك
www.example.com/news/123
الوسوم: فرنسا الخارجية
أخبار ذات صلة
• الرئيس يستقبل وفدا برلمانيا
العودة إلى الأعلى
"""


def test_unseen_article_furniture_by_kind() -> None:
    c = clean(UNSEEN)
    assert c.title == "وزير الخارجية يبحث مع نظيره الفرنسي تطورات الأوضاع في المنطقة"
    assert c.paragraphs == (
        "بحث وزير الخارجية مع نظيره الفرنسي، اليوم الثلاثاء، تطورات الأوضاع. "
        "وأكد الجانبان أهمية التهدئة.",
        'وقال الوزير إن "الحل السياسي هو السبيل الوحيد. لا بديل عنه" مشيرا إلى استمرار الاتصالات.',
    )
    assert c.urls == ("www.example.com/news/123",)


def test_english_furniture_too() -> None:
    raw = (
        "Home > World\nMonday, March 4, 2024\nMost Read\n"
        "Talks resume in Geneva after a long pause\n"
        "Negotiators met in Geneva on Monday for the first time in months. Both sides said "
        "the mood was constructive.\nRead more\nOther headline here today\n"
        "Follow us on Telegram for more\nBack to top\n"
    )
    c = clean(raw)
    assert c.title == "Talks resume in Geneva after a long pause"
    assert len(c.paragraphs) == 1 and c.paragraphs[0].startswith("Negotiators met")


def test_headline_after_a_most_read_list_in_the_header() -> None:
    raw = (
        "الأكثر قراءة\nخبر أول من القائمة الجانبية\nخبر ثان من القائمة الجانبية\n"
        "الحكومة تعلن خطة جديدة لدعم قطاع الزراعة\n"
        "أعلنت الحكومة اليوم خطة جديدة لدعم قطاع الزراعة. وقال الوزير إنها تبدأ قريبا.\n"
    )
    c = clean(raw)
    assert c.title == "الحكومة تعلن خطة جديدة لدعم قطاع الزراعة"
    assert "خبر أول من القائمة الجانبية" in c.furniture
    assert len(c.paragraphs) == 1


def test_byte_order_mark_does_not_reach_title_or_body() -> None:
    c = clean("\ufeffعنوان الخبر في أربع كلمات\nالجملة الأولى من المتن تنتهي بنقطة هنا.\n")
    assert c.title == "عنوان الخبر في أربع كلمات"
    assert c.paragraphs == ("الجملة الأولى من المتن تنتهي بنقطة هنا.",)


def test_plain_body_without_furniture_is_untouched() -> None:
    raw = "الجملة الأولى في الخبر طويلة بما يكفي لتكون متنا.\nوالجملة الثانية كذلك تنتهي بنقطة."
    c = clean(raw)
    assert c.title is None and c.furniture == () and c.urls == ()
    assert c.paragraphs == tuple(raw.splitlines())


def test_mid_article_read_also_keeps_the_rest_of_the_body() -> None:
    raw = (
        "فقرة أولى من المتن تنتهي بنقطة واضحة هنا.\nاقرأ أيضاً: \nعنوان خبر آخر قصير\n"
        "فقرة ثانية من المتن تنتهي أيضا بنقطة واضحة هنا."
    )
    assert clean(raw).paragraphs == (
        "فقرة أولى من المتن تنتهي بنقطة واضحة هنا.",
        "فقرة ثانية من المتن تنتهي أيضا بنقطة واضحة هنا.",
    )


@pytest.mark.parametrize(
    ("line", "heading"),
    [("الدفاع المشترك", True), ("ماذا نعرف عن المعاهدة؟", False), ("ختامًا:", True), ("", False)],
)
def test_is_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


lines = st.lists(
    st.sampled_from(
        [
            "الأكثر قراءة",
            "اقرأ أيضا",
            "https://x.org/a",
            "الخميس, مايو 2, 2024",
            "20 C",
            "عنوان قصير من أربع كلمات",
            "فقرة من المتن تنتهي بنقطة وفيها كلمات كافية.",
            "• بند في قائمة ينتهي بنقطة ويحمل كلمات كافية.",
            "المصدر: وكالات",
            "كلمات دلالية: أ ب",
            "د. فلان الفلاني",
            "سطر",
            "",
        ]
    ),
    max_size=15,
).map("\n".join)


@settings(max_examples=150)
@given(lines)
def test_clean_only_removes_never_rewrites(raw: str) -> None:
    """Kept paragraphs and furniture come from the input; nothing is invented or reordered."""
    c = clean(raw)
    flat = _no_space(raw)
    position = 0
    for paragraph in c.paragraphs:
        found = flat.find(_no_space(paragraph), position)
        assert found >= 0, paragraph
        position = found
    assert all(_no_space(f) in flat for f in c.furniture)
    if c.title is not None:
        assert _no_space(c.title) in flat


def test_headline_glued_to_the_dateline_is_split_from_the_lede() -> None:
    c = clean(
        "البلدان يوقعان اتفاقية تجارة حرة تاريخية عمان (وكالات) - قال وزير التجارة إن "
        "الاتفاقية تدخل حيز التنفيذ اليوم.\nوأضاف أن البلدين سيتعاونان."
    )
    assert c.paragraphs[0] == "البلدان يوقعان اتفاقية تجارة حرة تاريخية"
    assert c.paragraphs[1].startswith("عمان (وكالات) - قال وزير التجارة")


def test_a_parenthesis_inside_running_text_is_no_dateline() -> None:
    text = "قال الكرملين (وكالات) - إن المعاهدة مهمة. وأضاف أن البلدين سيتعاونان."
    assert clean(text).paragraphs == (text,)


@pytest.mark.parametrize(
    "line", ["مشاركة » الأربعاء ديسمبر 04, 2024 10:29 pm", "6. يوليو 2024 - 10:48"]
)
def test_a_share_or_timestamp_line_is_furniture(line: str) -> None:
    c = clean(f"عنوان الخبر عن الاتفاق\n{line}\nقال الوزير إن الاتفاق مهم جدا للبلدين.")
    assert line not in c.paragraphs


def test_a_short_sentence_with_a_time_stays() -> None:
    line = "ويبدأ الاجتماع 10:30 يوم 5 مايو 2024."
    assert line in clean(f"قال الوزير إن الاتفاق مهم جدا للبلدين.\n{line}").paragraphs


def test_presentation_forms_become_letters() -> None:
    c = clean("أعلن الملك حداد وطﻧﻲ ﻟﻣدة ﺛﻼﺛﺔ أﯾﺎم في البلاد بعد الكارثة.")
    assert "حداد وطني لمدة ثلاثة" in c.paragraphs[0]
