"""Regression tests for the review of /treaty_articles: each rule on an invented text, plus
the seed case the reviewer found."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract_support import article

from bot.corpus import load_corpus
from bot.extract.treaty import extract_treaty_articles
from bot.model import Cache, TreatyArticle
from bot.telegram import render

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds() -> list[TreatyArticle]:
    return extract_treaty_articles(load_corpus(ROOT / "seeds"))


def numbered(provisions: list[TreatyArticle], n: int) -> TreatyArticle:
    [p] = [p for p in provisions if p.number == n]
    return p


# --- 9. a cited instrument belongs to the clause that cites it ----------------------------


def test_cited_charter_folds_into_the_citing_clause() -> None:
    a = article(
        "a",
        "ووقع البلدان معاهدة دفاعية.",
        "وتنص المادة الخامسة من المعاهدة على أن يساعد كل طرف الآخر عند الاعتداء عليه وفقا "
        "للمادة 51 من ميثاق الأمم المتحدة التي تكفل حق الدفاع عن النفس.",
    )
    provisions = extract_treaty_articles([a])
    assert [p.number for p in provisions] == [5]
    assert "ميثاق الأمم المتحدة" in provisions[0].text


def test_seed_charter_is_part_of_article_4(seeds: list[TreatyArticle]) -> None:
    assert not [p for p in seeds if "51" in p.title]
    four = numbered(seeds, 4)
    assert "ولمادة 51 من ميثاق الأمم المتحدة" in four.text
    assert ("002", 37) in {(e.article_id, e.sentence_index) for e in four.sources}


# --- 10. an unnumbered report of a numbered clause merges into it --------------------------


def test_unnumbered_report_of_a_numbered_clause_merges() -> None:
    a = article(
        "a",
        "ووقع البلدان اتفاقية للطاقة.",
        "وتنص المادة الرابعة من الاتفاقية على إنشاء خط أنابيب مشترك لنقل الغاز من الميناء "
        "إلى العاصمة.",
    )
    b = article("b", "وتتضمن الاتفاقية تعهدا بإنشاء خط أنابيب لنقل الغاز من الميناء إلى العاصمة.")
    provisions = extract_treaty_articles([a, b])
    assert len(provisions) == 1
    assert provisions[0].number == 4
    assert {e.article_id for e in provisions[0].sources} == {"a", "b"}


def test_a_different_obligation_stays_apart() -> None:
    a = article(
        "a",
        "ووقع البلدان اتفاقية للطاقة.",
        "وتنص المادة الرابعة من الاتفاقية على إنشاء خط أنابيب مشترك لنقل الغاز.",
    )
    b = article("b", "وتتضمن الاتفاقية تعهدا بتدريب المهندسين في مجال الطاقة المتجددة.")
    assert len(extract_treaty_articles([a, b])) == 2


def test_seed_mutual_assistance_is_article_4(seeds: list[TreatyArticle]) -> None:
    four = numbered(seeds, 4)
    assert {e.article_id for e in four.sources} == {"000", "001", "002", "003", "004"}
    assert not [p for p in seeds if p.number is None and "مساعدة عسكرية" in p.title]


# --- 11. a clause's text starts after its lead-in --------------------------------------------


def test_clause_text_without_its_lead_in() -> None:
    a = article(
        "a",
        "ووقع البلدان اتفاقية أمنية.",
        "ويشير البند الثاني منها إلى أنه في حالة وقوع كارثة طبيعية يرسل كل طرف فرق الإنقاذ.",
    )
    [p] = extract_treaty_articles([a])
    assert p.text.startswith("في حالة وقوع كارثة طبيعية")


def test_seed_articles_3_and_4_text(seeds: list[TreatyArticle]) -> None:
    for n in (3, 4):
        text = numbered(seeds, n).text
        assert text.startswith("في حالة"), text
        assert "البند" not in text.split("،")[0]


# --- 12. provisions need the agreement; texts are whole clauses ------------------------------


def test_item_of_a_non_treaty_list_is_not_a_provision() -> None:
    a = article(
        "a",
        "ووقع البلدان اتفاقية للتعاون الاقتصادي.",
        "ووفقا لمقال نشره الرئيس في صحيفة محلية، سيشمل التعاون مجالات عدة ومن أبرزها:",
        "تطوير السياحة بين البلدين، حيث تم الاتفاق على إلغاء التأشيرات للطلاب.",
    )
    assert extract_treaty_articles([a]) == []


def test_seed_trade_in_local_currencies_is_not_a_provision(seeds: list[TreatyArticle]) -> None:
    assert not [p for p in seeds if "العملات المحلية" in p.title + p.text]


def test_conditional_clause_gets_a_short_title_from_its_content() -> None:
    a = article(
        "a",
        "ووقع البلدان اتفاقية أمنية.",
        "ويشير البند الثاني منها إلى أنه في حالة تعرض أحد البلدين لفيضان مدمر، فإن الطرف "
        "الآخر يرسل على الفور فرق الإنقاذ للمساعدة في إجلاء السكان.",
        "وتنص المادة الثالثة على أنه في حال وقوع زلزال كبير، يقدم الطرف الآخر المساعدات "
        "الطبية العاجلة.",
    )
    titles = {p.number: p.title for p in extract_treaty_articles([a])}
    assert titles == {2: "المساعدة في حالة فيضان مدمر", 3: "المساعدات الطبية في حال زلزال كبير"}


def test_seed_titles_of_articles_3_and_4(seeds: list[TreatyArticle]) -> None:
    assert numbered(seeds, 3).title == "التشاور في حالة “تهديد فوري” بالعدوان المسلح"
    assert numbered(seeds, 4).title == "المساعدة العسكرية في حالة هجوم مسلح"


def test_replacement_text_is_the_whole_clause() -> None:
    a = article(
        "a",
        "ووفقا لوزير الخارجية، تحل الاتفاقية الجديدة محل المذكرات الموقعة بين البلدين سابقا.",
    )
    [p] = extract_treaty_articles([a])
    assert p.text == "تحل الاتفاقية الجديدة محل المذكرات الموقعة بين البلدين سابقا"


def test_title_drops_the_governing_particle_but_the_text_stays_as_written() -> None:
    a = article("a", "وتهدف الاتفاقية للتعاون الثقافي والعلمي بين الجامعات في البلدين.")
    [p] = extract_treaty_articles([a])
    assert p.title.startswith("التعاون الثقافي")
    assert p.text.startswith("للتعاون الثقافي")  # a letter is never rewritten
    shown = render.render_treaty(
        "ar",
        Cache(
            source_digest="x",
            digest_algorithm="lead",
            articles=[],
            digests=[],
            treaty_articles=[p],
        ),
    )
    # the title opens the text: said once, as written
    assert "للتعاون الثقافي" in shown and "التعاون الثقافي" not in shown


def test_every_seed_provision_text_is_verbatim_from_its_sources(
    seeds: list[TreatyArticle],
) -> None:
    for p in seeds:
        assert any(p.text in s.text for s in p.sources), p.text


def test_seed_replacement_and_cooperation_texts(seeds: list[TreatyArticle]) -> None:
    [replaces] = [p for p in seeds if p.title.startswith("تحل محل")]
    assert replaces.text.startswith("تحل اتفاقية الشراكة")
    assert "محل الوثائق الأساسية" in replaces.text
    for p in seeds:
        assert not p.text.startswith(("والتعاون", "وتنسيق")), p.text
