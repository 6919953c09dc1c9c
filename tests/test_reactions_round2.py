"""Speakers, round 2 (issue 11): rules prompted by the dev corpus, in invented sentences."""

from __future__ import annotations

from extract_support import article

from bot.extract.reactions import extract_reactions
from bot.extract.speakers import parse_mention, tokenize
from bot.model import Reaction

AGREEMENT = "وقع البلدان اتفاقية للتعاون في مجال المياه."


def _one(*sentences: str) -> Reaction:
    [r] = extract_reactions([article("a", AGREEMENT, *sentences)])
    return r


def test_denouncing_is_a_critical_statement() -> None:
    r = _one("ندد سمير بلقاسم، مدير حملة المرشح المستقل، بالنتائج التي وصفها بـ“المهزلة”.")
    assert "بلقاسم" in r.actor
    assert r.stance == "critical"


def test_condemning_by_a_campaign_is_critical() -> None:
    r = _one("واستنكرت وزارة الخارجية التونسية “الضغط على الناخبين لتضخيم النتائج”.")
    assert (r.party, r.stance) == ("تونس", "critical")


def test_holding_responsible_needs_its_object() -> None:
    r = _one("وحمّل وزير الخارجية التونسي، كمال مرجان، السلطة المسؤولية الكاملة عن التجاوزات.")
    assert (r.actor, r.party, r.stance) == ("كمال مرجان", "تونس", "critical")
    # "حمل" without a statement's object is carrying, not speaking
    assert extract_reactions([article("a", "وحمل وزير الخارجية التونسي حقيبته إلى المطار.")]) == []


def test_a_role_described_at_length_then_named_between_commas() -> None:
    r = _one(
        "أعلن وزير الخارجية التونسي في الحكومة المؤقتة عن أكبر حزب في البلاد، كمال مرجان، "
        "رفضه للاتفاقية."
    )
    assert (r.actor, r.party, r.stance) == ("كمال مرجان", "تونس", "critical")


def test_the_caller_speaks_not_the_one_called() -> None:
    r = _one(
        "تلقى رئيس الجمهورية مكالمة هاتفية من رئيس جمهورية تركيا سليم أوزتورك، هنأه فيها "
        "بالاتفاقية، متمنياً له التوفيق."
    )
    assert (r.actor, r.party, r.stance) == ("سليم أوزتورك", "تركيا", "supportive")


def test_a_call_from_an_outlet_is_no_statement() -> None:
    rs = extract_reactions(
        [article("a", AGREEMENT, "تلقى الوزير اتصالا من وكالة الأنباء بشأن الاتفاقية.")]
    )
    assert rs == []


def test_family_name_after_al_belongs_to_the_name() -> None:
    text = "بعث الشيخ سالم بن راشد آل مكتوم رئيس دولة الإمارات العربية المتحدة، برقية تهنئة"
    m = parse_mention(tokenize(text), 1, text, subject=True)
    assert m is not None
    assert m.name == ("سالم", "بن", "راشد", "آل", "مكتوم")
    assert m.party == "الإمارات"  # the role after the name, not the title before it


def test_sender_with_title_and_role_after_the_name() -> None:
    r = _one(
        "فقد بعث الشيخ سالم بن راشد آل مكتوم رئيس دولة الإمارات العربية المتحدة، برقية تهنئة "
        "بمناسبة توقيع الاتفاقية."
    )
    assert (r.party, r.stance) == ("الإمارات", "supportive")
    assert "آل مكتوم" in r.actor


def test_a_plural_verb_is_followed_by_its_object_not_a_speaker() -> None:
    rs = extract_reactions(
        [article("a", AGREEMENT, "واتهموا الحكومة التونسية بتزوير نتائج الانتخابات.")]
    )
    assert all(r.party != "تونس" for r in rs)


def test_a_title_before_the_name_and_the_role_in_apposition() -> None:
    text = "قال الدكتور سامي عبد الحميد، رئيس مجلس الوزراء التونسي، إن الاتفاقية مكسب."
    m = parse_mention(tokenize(text), 1, text, subject=True)
    assert m is not None
    assert m.name == ("سامي", "عبد", "الحميد")
    assert m.role == "رئيس مجلس الوزراء التونسي"
    r = _one(text)
    assert (r.actor, r.party, r.stance) == ("سامي عبد الحميد", "تونس", "supportive")


def test_a_claim_is_a_statement() -> None:
    r = _one("كما ادعى وزير الخارجية التونسي أن الاتفاقية تنتهك القانون الدولي.")
    assert (r.party, r.stance) == ("تونس", "critical")


def test_disclosing_is_a_statement_but_media_disclosing_is_a_report() -> None:
    r = _one("وكشف وزير الخارجية التونسي عن أن الاتفاقية تتضمن بندا للدفاع المشترك.")
    assert r.party == "تونس"
    rs = extract_reactions([article("a", AGREEMENT, "وكشفت وسائل إعلام عن بنود الاتفاقية.")])
    assert rs == []


def test_an_occasion_ends_a_name() -> None:
    text = "بعث الدكتور سامي عبد الحميد بمناسبة الاتفاقية برقية"
    m = parse_mention(tokenize(text), 1, text, subject=True)
    assert m is not None
    assert "بمناسبة" not in m.name


def test_a_country_named_once_beside_an_agreement_is_not_its_party() -> None:
    from collections import Counter

    from bot.extract.reactions import _signatories
    from bot.extract.vocabulary import vocabulary

    v = vocabulary()
    assert _signatories(Counter({"أوكرانيا": 1}), v, articles=5) == frozenset()
    assert _signatories(Counter({"أوكرانيا": 1}), v, articles=1) == {"أوكرانيا"}
    assert _signatories(
        Counter({"روسيا": 3, "كوريا الشمالية": 2, "اليابان": 1}), v, articles=5
    ) == {
        "روسيا",
        "كوريا الشمالية",
    }


def test_according_to_an_official_at_the_end_of_the_sentence() -> None:
    r = _one(
        "ومن المتوقع أن يزور الوزير العاصمة الأسبوع المقبل لتوقيع الاتفاقية، وفقًا لمساعد "
        "الرئيس التونسي سامي عبد الحميد."
    )
    assert (r.actor, r.party) == ("سامي عبد الحميد", "تونس")
    assert r.quote.startswith("ومن المتوقع أن يزور الوزير")


def test_according_to_results_announced_by_someone_is_no_speaker_phrase() -> None:
    rs = extract_reactions(
        [
            article(
                "a",
                AGREEMENT,
                "حصد المرشح 60 بالمئة من الأصوات، حسب نتائج مؤقتة أعلنها رئيس الهيئة المستقلة.",
            )
        ]
    )
    assert all("نتائج" not in r.actor and "مؤقتة" not in r.actor for r in rs)
