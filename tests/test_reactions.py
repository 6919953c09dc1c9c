"""Behaviour of the reaction extractor on small articles written for each rule."""

from __future__ import annotations

from extract_support import article, paragraph_lists, sentence_texts
from hypothesis import given, settings

from bot.extract.reactions import extract_reactions, stance_of
from bot.extract.speakers import names_match, parse_mention, short_refers_to, tokenize
from bot.model import Reaction

AGREEMENT = "ووقعت فرنسا والمغرب اتفاقية للتعاون في مجال الطاقة تنص على بناء محطة مشتركة."


def by_actor(reactions: list[Reaction], word: str) -> list[Reaction]:
    return [r for r in reactions if word in r.actor]


def test_role_nationality_and_name_give_actor_role_and_party() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال وزير الخارجية الفرنسي جان نويل بارو إن "
        "الاتفاقية “تفتح صفحة جديدة من التعاون بين البلدين”.",
    )
    [r] = extract_reactions([a])
    assert r.actor == "جان نويل بارو"
    assert r.role == "وزير الخارجية الفرنسي"
    assert r.party == "فرنسا"
    assert r.kind == "quote"
    assert r.quote == "تفتح صفحة جديدة من التعاون بين البلدين"
    assert r.sources[0].article_id == "a" and r.sources[0].sentence_index == 1


def test_surname_and_pronoun_refer_back_to_the_full_mention() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال وزير الخارجية الفرنسي جان نويل بارو إن الاتفاقية مهمة للبلدين.",
        "وأضاف: «سنبدأ العمل على المحطة خلال العام المقبل بالتعاون مع شركائنا».",
        "وأكد بارو أن باريس ملتزمة بكل بنود الاتفاق.",
    )
    rs = extract_reactions([a])
    assert len(rs) == 3
    assert {r.actor_key for r in rs} == {rs[0].actor_key}
    assert all(r.party == "فرنسا" and r.actor == "جان نويل بارو" for r in rs)
    assert any(r.quote.startswith("سنبدأ العمل على المحطة") for r in rs)


def test_speaker_before_the_verb_and_organisation_party() -> None:
    a = article("a", AGREEMENT, "الاتحاد الأوروبي حذر من أن الاتفاقية تهدد استقرار السوق.")
    [r] = extract_reactions([a])
    assert r.party == "الاتحاد الأوروبي"
    assert r.stance == "critical"


def test_no_comment_is_a_reaction() -> None:
    a = article("a", AGREEMENT, "ولم يصدر بعد رد عن الجزائر، الجارة الشرقية للمغرب.")
    [r] = extract_reactions([a])
    assert (r.party, r.stance, r.kind) == ("الجزائر", "no_comment", "no_comment")


def test_negated_comment_verb_is_a_no_comment() -> None:
    a = article("a", AGREEMENT, "ولم تعلق إسبانيا بعد على الاتفاق.")
    [r] = extract_reactions([a])
    assert (r.party, r.stance) == ("إسبانيا", "no_comment")


def test_all_three_quote_styles() -> None:
    a = article(
        "a",
        AGREEMENT,
        'وقال الرئيس الفرنسي إيمانويل ماكرون إن "الشراكة مع المغرب استراتيجية".',
        "وقال رئيس الحكومة المغربية عزيز أخنوش إن «المحطة ستوفر آلاف الوظائف للشباب».",
        "وأكدت المتحدثة باسم الخارجية الفرنسية أن “باريس تنظر إلى الرباط كشريك أساسي”.",
    )
    quotes = {r.quote for r in extract_reactions([a])}
    assert "الشراكة مع المغرب استراتيجية" in quotes
    assert "المحطة ستوفر آلاف الوظائف للشباب" in quotes
    assert "باريس تنظر إلى الرباط كشريك أساسي" in quotes


def test_media_report_but_never_speak() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقالت وكالة رويترز إن المحطة ستكلف ملياري دولار.",
        "ونقلت وكالة الأنباء المغربية عن الملك محمد السادس قوله إن الاتفاق “يخدم شعبي البلدين”.",
    )
    rs = extract_reactions([a])
    assert [r.actor for r in rs] == ["محمد السادس"]
    assert rs[0].party is None or rs[0].party == "المغرب"


def test_coordinated_parties_each_react() -> None:
    a = article("a", AGREEMENT, "وتقول الجزائر وإسبانيا إن الاتفاق يثير القلق في المنطقة.")
    parties = {r.party for r in extract_reactions([a])}
    assert parties == {"الجزائر", "إسبانيا"}


def test_same_statement_in_two_articles_merges_with_both_sources() -> None:
    line = (
        "وقال الرئيس الكوري الجنوبي يون سوك يول إن الاتفاق “يهدد أمن شبه الجزيرة الكورية بأكملها”."
    )
    a = article("a", AGREEMENT, line)
    b = article("b", "وقعت فرنسا والمغرب الاتفاقية أمس.", line)
    [r] = extract_reactions([a, b])
    assert [e.article_id for e in r.sources] == ["a", "b"]
    assert r.stance == "critical"


def test_transliteration_variants_merge_across_articles() -> None:
    a = article("a", AGREEMENT, "وقال الزعيم الكوري الشمالي كيم جونغ أون إن الاتفاق عظيم.")
    b = article(
        "b", AGREEMENT, "وأكد الزعيم الكوري الشمالي كيم جونج أونج أن بلاده ستلتزم بالاتفاق."
    )
    rs = extract_reactions([a, b])
    assert len({r.actor_key for r in rs}) == 1


def test_stance_depends_on_party_and_words() -> None:
    sig = frozenset({"فرنسا", "المغرب"})
    assert stance_of("الاتفاقية خطوة مهمة", "المغرب", sig) == "supportive"
    assert stance_of("نشعر بقلق إزاء الاتفاق", "الجزائر", sig) == "critical"
    assert stance_of("ندرس النص", "الجزائر", sig) == "neutral"
    assert stance_of("المنتجات ستضر بالمزارعين", "المغرب", sig, independent=True) == "critical"


def test_mention_parser_name_first_with_appositive_role() -> None:
    text = "جون كيربي منسق الاتصالات الاستراتيجية في البيت الأبيض قال"
    m = parse_mention(tokenize(text), 0, text, known=frozenset())
    assert m is not None and m.name == ("جون", "كيربي")
    assert m.party == "الولايات المتحدة"


def test_name_folding() -> None:
    assert names_match(("كيم", "جونغ", "أون"), ("كيم", "جونج", "أونج"))
    assert not names_match(("كيم", "جونغ", "أون"), ("كيم", "جونغ", "إيل"))
    assert short_refers_to(("بوتين",), ("فلاديمير", "بوتين"))
    assert not short_refers_to(("بايدن",), ("فلاديمير", "بوتين"))


def test_deterministic() -> None:
    arts = [
        article("a", AGREEMENT, "وقال الرئيس الفرنسي إيمانويل ماكرون إن الاتفاق تاريخي."),
        article("b", AGREEMENT, "وحذر وزير الخارجية الجزائري أحمد عطاف من تداعيات الاتفاق."),
    ]
    assert extract_reactions(arts) == extract_reactions(arts)


_FRAGMENTS = [
    "وقال",
    "وأضاف",
    "الرئيس",
    "الروسي",
    "بوتين",
    "إن",
    "“الاتفاق",
    "مهم”",
    "«نعم»",
    "ولم يصدر بعد رد عن الصين",
    "وكالة",
    "نقلت",
    "عن",
    "قوله",
    "الاتفاقية",
    "تنص على",
    "،",
    ".",
]


@settings(max_examples=60, deadline=None)
@given(paragraph_lists(_FRAGMENTS, 14))
def test_any_text_gives_well_formed_cited_reactions(paras: list[list[str]]) -> None:
    a = article("p", *(" ".join(p) for p in paras))
    texts = sentence_texts(a)
    for r in extract_reactions([a]):
        assert r.stance in ("critical", "supportive", "neutral", "no_comment")
        assert r.quote.strip()
        for e in r.sources:
            assert texts[e.sentence_index] == e.text


def test_quotation_before_the_verb() -> None:
    a = article(
        "a",
        AGREEMENT,
        "«هذه الاتفاقية خطوة مهمة لأمن المنطقة كلها»، قال وزير الخارجية التركي هاكان فيدان "
        "للصحفيين.",
    )
    [r] = extract_reactions([a])
    assert (r.actor, r.party, r.kind) == ("هاكان فيدان", "تركيا", "quote")
    assert r.quote == "هذه الاتفاقية خطوة مهمة لأمن المنطقة كلها"


def test_according_to_an_official_is_his_statement_but_not_an_agency() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وفقًا لناصر بوريطة- وزير الخارجية المغربي- تدخل الاتفاقية حيز التنفيذ الشهر المقبل.",
        "وبحسب وكالة الأنباء الفرنسية فإن المحطة ستبنى قرب الدار البيضاء.",
    )
    [r] = extract_reactions([a])
    assert r.actor == "ناصر بوريطة"
    assert r.party == "المغرب"
    assert r.quote.startswith("تدخل الاتفاقية حيز التنفيذ")


def test_role_then_one_name_and_relational_surname() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال رئيس الهيئة سامي الورتاني في مؤتمر صحفي إن الاتفاق سيعرض على البرلمان.",
        "وأعلنت الحكومة الحداد ثلاثة أيام اعتبارا من الغد.",
    )
    actors = [r.actor for r in extract_reactions([a])]
    assert "سامي الورتاني" in actors
    assert not any("ثلاثة" in x or "اعتبارا" in x for x in actors)
