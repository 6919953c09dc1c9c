"""Regression tests for the review of /reactions: each rule on an invented sentence, plus
the seed sentence the reviewer found."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract_support import article

from bot.corpus import load_corpus
from bot.extract.reactions import extract_reactions
from bot.model import Reaction

ROOT = Path(__file__).resolve().parent.parent


AGREEMENT = "ووقعت فرنسا والمغرب اتفاقية للتعاون في مجال الطاقة تنص على بناء محطة مشتركة."


@pytest.fixture(scope="module")
def seeds() -> list[Reaction]:
    return extract_reactions(load_corpus(ROOT / "seeds"))


def at(reactions: list[Reaction], aid: str, index: int) -> list[Reaction]:
    return [
        r
        for r in reactions
        if any(e.article_id == aid and e.sentence_index == index for e in r.sources)
    ]


# --- 1. a denial keeps its verb ---------------------------------------------------------


def test_denial_keeps_its_verb_for_each_party() -> None:
    a = article("a", AGREEMENT, "وتنفي باريس والرباط وجود بنود سرية.")
    got = [r for r in extract_reactions([a]) if "بنود سرية" in r.quote]
    assert {r.party for r in got} == {"فرنسا", "المغرب"}
    assert all(r.quote == "تنفي وجود بنود سرية" for r in got)


def test_seed_denial_of_arms_exchange(seeds: list[Reaction]) -> None:
    got = at(seeds, "004", 30)
    assert {r.party for r in got} == {"روسيا", "كوريا الشمالية"}
    assert all(r.quote.startswith("تنفي") and r.quote.endswith("تبادل الأسلحة") for r in got)


# --- 2. quotes end at their closing mark, paraphrases at the clause boundary --------------


def test_paraphrase_stops_before_the_next_narrated_clause() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال وزير الخارجية الفرنسي جان بارو إن الاتفاقية “خطوة مهمة” للطرفين، "
        "كما كشفت تقارير صحفية عن زيارة مرتقبة للوفد المغربي.",
    )
    [r] = [r for r in extract_reactions([a]) if "بارو" in r.actor]
    assert r.quote == "الاتفاقية “خطوة مهمة” للطرفين"


def test_words_after_the_closing_mark_are_not_quoted() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وأكد الرئيس الفرنسي جان دوبون أن البلدين يرفضان الضغوط الخارجية التي تعرقل التعاون”، "
        "وهو ما أثار قلق الجيران.",
    )
    [r] = [r for r in extract_reactions([a]) if "دوبون" in r.actor]
    assert r.quote == "البلدين يرفضان الضغوط الخارجية التي تعرقل التعاون"


def test_an_unclosed_quote_ends_where_the_narration_starts() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال وزير الطاقة الفرنسي جان دوبون إن “تأخير المحطة سيكون خطأ كبيرا جدا، "
        "وأضاف “إذا حدث ذلك فسنراجع كل الاتفاقات الموقعة مع الشركاء”.",
    )
    quotes = sorted(r.quote for r in extract_reactions([a]) if "دوبون" in r.actor)
    assert quotes == [
        "إذا حدث ذلك فسنراجع كل الاتفاقات الموقعة مع الشركاء",
        "تأخير المحطة سيكون خطأ كبيرا جدا",
    ]


def test_a_closing_shaped_mark_after_that_opens_the_quote() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وأعلن الرئيس الفرنسي جان دوبون أن” فرنسا لا تستبعد توسيع التعاون إلى مجالات أخرى”.",
    )
    [r] = [r for r in extract_reactions([a]) if "دوبون" in r.actor]
    assert r.quote == "فرنسا لا تستبعد توسيع التعاون إلى مجالات أخرى"
    assert r.kind == "quote"


def test_seed_quotes_end_at_their_marks(seeds: list[Reaction]) -> None:
    [blinken] = [r for r in at(seeds, "002", 58) if "بلينكن" in r.actor]
    assert blinken.quote.endswith("في شبه الجزيرة الكورية")
    [putin18] = at(seeds, "002", 18)
    assert "وهو ما" not in putin18.quote and not putin18.quote.endswith("”")
    putin23 = sorted(r.quote for r in at(seeds, "002", 23))
    assert len(putin23) == 2 and not any("وأضاف" in q for q in putin23)
    for index in (21, 22):
        assert all(not r.quote.startswith("”") for r in at(seeds, "002", index))


# --- 3. paraphrases start with the speech verb and end at a clause boundary --------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "كما دعا وزير الخارجية الفرنسي، جان بارو، الشركاء إلى تسريع بناء المحطة.",
            "دعا الشركاء إلى تسريع بناء المحطة",
        ),
        (
            "وعبر المتحدث باسم الحكومة المغربية كريم سلامي في تصريحاته عن ارتياح الرباط للاتفاق.",
            "عبر في تصريحاته عن ارتياح الرباط للاتفاق",
        ),
        (
            "وأكد الرئيس الفرنسي جان دوبون أن البلدين يبنيان شراكة دائمة بينما شدد الوزير المغربي "
            "على أهمية التمويل.",
            "البلدين يبنيان شراكة دائمة",
        ),
    ],
)
def test_paraphrase_starts_with_the_verb(sentence: str, expected: str) -> None:
    got = [r.quote for r in extract_reactions([article("a", AGREEMENT, sentence)])]
    assert expected in got


def test_pronoun_paraphrase_keeps_its_verb() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وزار الرئيس الفرنسي جان دوبون الرباط، وأشار إلى أهمية المحطة لأمن الطاقة في البلدين.",
    )
    [r] = [r for r in extract_reactions([a]) if "دوبون" in r.actor]
    assert r.quote == "أشار إلى أهمية المحطة لأمن الطاقة في البلدين"


def test_a_subheading_is_not_a_statement() -> None:
    a = article(
        "a",
        AGREEMENT,
        "باريس حذرت سابقا من تأخير المشروع",
        "وقال وزير الطاقة الفرنسي جان دوبون إن “المشروع يسير وفق الجدول المتفق عليه”.",
    )
    reactions = extract_reactions([a])
    assert not [r for r in reactions if "تأخير المشروع" in r.quote]


def test_seed_paraphrases_start_with_the_verb(seeds: list[Reaction]) -> None:
    bare = ("إلى ", "على ", "عن ", "في ", "من ")
    for r in seeds:
        if r.kind == "paraphrase":
            assert not r.quote.startswith(bare), r.quote
            assert r.quote.split()[-1] not in ("بينما", "كما", "فيما", "و"), r.quote
    assert any(r.quote.startswith("دعا المجتمع الدولي") for r in at(seeds, "002", 57))
    assert not at(seeds, "003", 10)  # the subheading


# --- 5. roles come from the statement's own article --------------------------------------


def test_role_comes_from_the_statements_own_article() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقالت المتحدثة باسم الحكومة الفرنسية ليا مارتان إن “الاتفاقية تخدم مصالح البلدين معا”.",
    )
    b = article(
        "b",
        AGREEMENT,
        "وقالت المتحدثة باسم وزارة الخارجية الفرنسية ليا مارتان إن “باريس ستواصل دعم المشروع”.",
    )
    got = {
        r.sources[0].article_id: r.role for r in extract_reactions([a, b]) if "مارتان" in r.actor
    }
    assert got == {
        "a": "المتحدثة باسم الحكومة الفرنسية",
        "b": "المتحدثة باسم وزارة الخارجية الفرنسية",
    }


def test_seed_jean_pierre_role_in_002(seeds: list[Reaction]) -> None:
    [r] = [r for r in at(seeds, "002", 55) if "بيير" in r.actor]
    assert r.role == "المتحدثة باسم البيت الأبيض"
    [r] = [r for r in at(seeds, "003", 17) if "بيير" in r.actor]
    assert r.role == "المتحدثة باسم وزارة الخارجية"


# --- 6. the most frequent spelling of a name -----------------------------------------------


def test_most_frequent_spelling_is_shown() -> None:
    odd = article(
        "a", AGREEMENT, "وقال الرئيس المغربي كريم بنجلونج إن “المحطة ستوفر آلاف الوظائف”."
    )
    usual = [
        article(
            aid,
            AGREEMENT,
            f"وقال الرئيس المغربي كريم بنجلون إن “المشروع رقم {n} يعزز التعاون بين البلدين”.",
        )
        for n, aid in enumerate(("b", "c"))
    ]
    names = {r.actor for r in extract_reactions([odd, *usual]) if r.actor.startswith("كريم")}
    assert names == {"كريم بنجلون"}


def test_seed_kim_is_spelled_as_most_sources_write(seeds: list[Reaction]) -> None:
    assert {r.actor for r in seeds if r.actor.startswith("كيم")} == {"كيم جونغ أون"}


# --- 4. "نظيره" + nationality is the referent's role with that nationality ---------------


def test_counterpart_takes_the_referents_role() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال وزير الطاقة الفرنسي جان دوبون ونظيره المغربي، إن المحطة “ستبدأ الإنتاج قبل "
        "نهاية العقد الحالي”.",
    )
    [r] = [r for r in extract_reactions([a]) if r.party == "المغرب"]
    assert r.actor == r.role == "وزير الطاقة المغربي"


def test_seed_blinkens_counterpart(seeds: list[Reaction]) -> None:
    actors = {r.actor for r in at(seeds, "002", 58)}
    assert "وزير الخارجية الكوري الجنوبي" in actors
    assert not any("نظير" in r.actor for r in seeds)


# --- 7. a reported silence reads as written ------------------------------------------------


def test_no_response_yet_is_shown_as_written() -> None:
    a = article("a", AGREEMENT, "ولم يصدر بعد رد عن إسبانيا، الشريك التجاري الأول للمغرب.")
    [r] = [r for r in extract_reactions([a]) if r.stance == "no_comment"]
    assert r.party == "إسبانيا"
    assert r.quote == "لم يصدر بعد رد عن إسبانيا، الشريك التجاري الأول للمغرب"


def test_seed_china_has_not_responded_yet(seeds: list[Reaction]) -> None:
    [china] = [r for r in seeds if r.stance == "no_comment"]
    assert china.kind == "no_comment" and china.quote.startswith("لم يصدر بعد رد عن الصين")


# --- 8. a state outlet voicing a position is a speaker; a report's attribution is not -------


def test_state_outlet_quoting_its_position_is_a_reaction() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقالت وكالة الأنباء الرسمية المغربية إن الاتفاقية “تفتح عهدا جديدا من الشراكة "
        "بين البلدين”.",
        "وبحسب الوكالة المغربية فإن “المحطة ستكون نموذجا للتعاون في المنطقة”.",
    )
    got = [r for r in extract_reactions([a]) if r.actor.startswith("وكالة")]
    assert len(got) == 2
    assert {r.party for r in got} == {"المغرب"} and {r.stance for r in got} == {"supportive"}
    assert len({r.actor_key for r in got}) == 1


def test_an_outlets_report_is_only_a_source() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وذكرت وكالة الأنباء المغربية أن “الوفد الفرنسي وصل إلى الرباط مساء الأحد الماضي”.",
        "وبحسب ما ذكرت وكالة الأنباء المغربية فإن الوفد سيزور موقع المحطة.",
        "وقالت الوكالة إن الوفد سيزور موقع المحطة غدا.",
    )
    assert not [r for r in extract_reactions([a]) if "وكالة" in r.actor or "الوكالة" in r.actor]


def test_seed_kcna_statements(seeds: list[Reaction]) -> None:
    for aid, index in (("000", 10), ("004", 27)):
        [r] = at(seeds, aid, index)
        assert r.party == "كوريا الشمالية" and r.stance == "supportive", r
