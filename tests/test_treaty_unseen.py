"""Treaty rules prompted by real articles no rule had seen (issue 11), invented sentences."""

from __future__ import annotations

from extract_support import article

from bot.extract.treaty import extract_treaty_articles


def _titles(*sentences: str) -> list[str]:
    return [p.title for p in extract_treaty_articles([article("a", *sentences)])]


def test_items_after_a_lead_are_the_provisions_not_ma_yali() -> None:
    titles = _titles(
        "ووقع البلدان اتفاقية للتعاون المائي.",
        "وتنص الاتفاقية على ما يلي:",
        "إنشاء لجنة مشتركة لإدارة مياه النهر.",
        "تبادل بيانات الفيضانات بين البلدين كل شهر.",
        "وقال وزير الري إن الاتفاقية تاريخية.",
    )
    assert len(titles) == 2, titles
    assert titles[0].startswith("إنشاء لجنة مشتركة")
    assert titles[1].startswith("تبادل بيانات الفيضانات")
    assert not any(t.startswith("ما") for t in titles)


def test_a_cited_charter_article_is_not_a_provision() -> None:
    titles = _titles(
        "وتنص الاتفاقية على الدفاع المشترك إذا تعرض أحد الطرفين لهجوم، "
        "وفقا للمادة 51 من ميثاق الأمم المتحدة."
    )
    assert titles and not any("ميثاق" in t for t in titles), titles


def test_what_someone_did_under_the_agreement_is_not_a_provision() -> None:
    titles = _titles(
        "ووقع الزعيمان معاهدة جديدة.",
        "وبموجب الاتفاقية، قال الرئيس إن التعاون سيتوسع.",
        "واتفقت الدولتان على التعاون بموجب اتفاق وقعه وزيرا الخارجية.",
    )
    assert not any("قال" in t or "وقعه" in t for t in titles), titles


def test_kama_tanussu_continues_the_previous_sentence() -> None:
    titles = _titles(
        "وتنص المعاهدة على حماية الحدود المشتركة.",
        "كما تنص على تعزيز القدرات الدفاعية للبلدين.",
    )
    assert any(t.startswith("تعزيز القدرات الدفاعية") for t in titles), titles


def test_the_writers_comment_after_a_comma_is_not_part_of_the_obligation() -> None:
    [p] = extract_treaty_articles(
        [
            article(
                "a",
                "وتلزم الاتفاقية البلدين بتبادل المعلومات الأمنية، "
                "وتمثل هذه الاتفاقية أقوى رابط بين البلدين منذ عقود.",
            )
        ]
    )
    assert "أقوى رابط" not in p.text


def test_items_of_one_list_never_merge_into_one_provision() -> None:
    titles = _titles(
        "وتنص المعاهدة على ما يلي:",
        "في حالة التهديد بهجوم مسلح على إحدى الدولتين، تجري مشاورات لتقديم المساعدة.",
        "في حالة وقوع هجوم مسلح على إحدى الدولتين، تقدم الأخرى المساعدة العسكرية فورا.",
    )
    assert len(titles) == 2, titles


def test_a_joint_statements_points_are_provisions() -> None:
    titles = _titles(
        "اختتمت قمة المجموعة أعمالها أمس.",
        'ودعا قادة دول "المجموعة" إلى إصلاح المؤسسات المالية الدولية.',
        "وأكد الجانبان على احترام سيادة الدول وعدم التدخل في شؤونها.",
        "وجاء في البيان الختامي: الترحيب باستخدام العملات الوطنية في التجارة.",
    )
    assert any(t.startswith("إصلاح المؤسسات المالية") for t in titles), titles
    assert any(t.startswith("احترام سيادة الدول") for t in titles), titles
    assert any(t.startswith("الترحيب باستخدام العملات") for t in titles), titles


def test_joint_statements_count_only_where_there_is_a_summit_or_an_agreement() -> None:
    assert _titles("وأكد الجانبان على أهمية المباراة المقبلة بين الفريقين.") == []


def test_an_aside_after_the_agreement_and_coordinated_obligations() -> None:
    titles = _titles(
        "ويتضمن الاتفاق، المتوقع دخوله حيز التنفيذ غدا، انسحاب القوات من المنطقة العازلة "
        "مقابل نشر قوات الشرطة في المنطقة، فضلا عن تسليم الأسلحة الثقيلة إلى لجنة محايدة."
    )
    assert titles[0].startswith("انسحاب القوات"), titles
    assert any(t.startswith("نشر قوات الشرطة") for t in titles), titles
    assert any(t.startswith("تسليم الأسلحة الثقيلة") for t in titles), titles
    assert not any("المتوقع" in t for t in titles)


def test_under_the_terms_of_the_agreement_and_negative_obligations() -> None:
    titles = _titles(
        "وبموجب شروط الاتفاق، لن تنفذ القوات أي عمل هجومي عبر الحدود، "
        "ولن تقيم الحكومة أي منشآت عسكرية جديدة قرب النهر."
    )
    assert len(titles) == 2, titles


def test_an_ordinal_and_a_new_clause_about_the_agreement_are_no_new_obligations() -> None:
    titles = _titles(
        "وتنص الاتفاقية على إتمام المراجعة الأولى والثانية للبرنامج،والاتفاق سيتم في وقت قريب."
    )
    assert len(titles) == 1, titles
    assert titles[0].startswith("إتمام المراجعة الأولى والثانية")


def test_a_trilateral_joint_statement_includes_its_points() -> None:
    titles = _titles(
        "ووقع البلدان اتفاقا لاستئناف العلاقات بوساطة دولة ثالثة.",
        "وتضمن البيان الثلاثي المشترك استئناف العلاقات الدبلوماسية خلال شهرين.",
    )
    assert any(t.startswith("استئناف العلاقات الدبلوماسية") for t in titles), titles
