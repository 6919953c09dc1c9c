"""Rules prompted by real articles no rule had seen (issue 11), in invented sentences."""

from __future__ import annotations

from extract_support import article

from bot.extract.reactions import extract_reactions
from bot.model import Reaction

AGREEMENT = "وقع البلدان اتفاقية للتعاون في مجال المياه."


def _one(*sentences: str) -> Reaction:
    [r] = extract_reactions([article("a", AGREEMENT, *sentences)])
    return r


def test_apposition_after_role_names_the_person() -> None:
    r = _one("صرّح وزير الخارجية الإسباني، مارك دوبوا، بأن الاتفاقية خطوة مهمة.")
    assert (r.actor, r.party) == ("مارك دوبوا", "إسبانيا")


def test_long_role_then_name_without_comma() -> None:
    r = _one("قال رئيس لجنة الشؤون الخارجية في البرلمان الألماني كلاوس مولر إن الاتفاقية خطيرة.")
    assert (r.actor, r.party, r.stance) == ("كلاوس مولر", "ألمانيا", "critical")


def test_nationality_adjective_outranks_a_bodys_name() -> None:
    r = _one("وقال نائب مستشار مجلس الأمن القومي الأمريكي بيتر هيل إن الاتفاقية مقلقة.")
    assert r.party == "الولايات المتحدة"


def test_name_in_quotation_marks_after_the_role_is_not_swallowed_by_the_quote() -> None:
    r = _one(
        'وقال وزير الخارجية الياباني "تارو سوزوكي" في مؤتمر صحفي: "نعرب عن أسفنا لتوقيع الاتفاقية".'
    )
    assert r.actor == "تارو سوزوكي"
    assert r.quote.startswith("نعرب")
    assert r.stance == "critical"  # regret is criticism


def test_subject_before_qad_and_the_verb() -> None:
    r = _one(
        "وكان رئيس دولة الإمارات الشيخ حمدان بن راشد قد أعرب خلال اتصال هاتفي عن ترحيبه بالاتفاقية."
    )
    assert r.party == "الإمارات"
    assert "حمدان" in r.actor


def test_condolences_are_a_statement_but_aid_is_a_deed() -> None:
    r = _one("قدم أمير قطر الشيخ فهد بن جاسم تعازيه في ضحايا الفيضانات، مؤكدا تضامن بلاده.")
    assert (r.party, r.stance) == ("قطر", "supportive")
    assert extract_reactions([article("a", "وقدمت الحكومة القطرية مساعدات للمتضررين.")]) == []


def test_calling_for_an_immediate_halt_is_critical() -> None:
    r = _one("ودعت وزارة الخارجية التركية إلى الوقف الفوري للعمل بالاتفاقية.")
    assert (r.party, r.stance) == ("تركيا", "critical")


def test_addressee_pronoun_between_verb_and_speaker() -> None:
    r = _one("ووجه له رئيس الوزراء الهندي راجيف كومار رسالة تهنئة بالاتفاقية.")
    assert (r.actor, r.party, r.stance) == ("راجيف كومار", "الهند", "supportive")


def test_surname_alone_takes_the_role_given_in_another_article() -> None:
    a = article("a", AGREEMENT, "وقال الرئيس البرازيلي لويس فرنانديز إن الاتفاقية مهمة.")
    b = article("b", "وقال فرنانديز إن الاتفاقية تفتح صفحة جديدة.")
    rs = extract_reactions([a, b])
    assert {r.party for r in rs} == {"البرازيل"}


def test_an_institution_has_no_persons_name_after_it() -> None:
    r = _one("وانتقدت وزارة الخارجية الأوكرانية زيارة الوفد إلى العاصمة.")
    assert (r.actor, r.party) == ("وزارة الخارجية الأوكرانية", "أوكرانيا")


def test_role_of_an_armys_spokesman_then_name_after_comma() -> None:
    r = _one("وقال المتحدث باسم جيش الاحتلال الإسرائيلي، يوسي كوهين، إن الاتفاقية لن تغير شيئا.")
    assert (r.actor, r.party) == ("يوسي كوهين", "إسرائيل")


def test_name_then_role_of_a_mission_gives_the_organisations_party() -> None:
    r = _one("قالت ماريا لوبيز، رئيسة بعثة صندوق النقد الدولي، إن الاتفاقية خطوة مهمة.")
    assert r.party == "صندوق النقد الدولي"


def test_hope_and_approval_are_supportive() -> None:
    r = _one("وقال الأمين العام للأمم المتحدة إنه يأمل أن تضع الاتفاقية حدا للمعاناة.")
    assert r.stance == "supportive"


def test_according_to_what_the_ministry_said_is_the_ministrys_statement() -> None:
    r = _one("وارتفع عدد ضحايا الفيضانات إلى 300 شخص، وفق ما أعلنته وزارة الداخلية الليبية.")
    assert (r.actor, r.party) == ("وزارة الداخلية الليبية", "ليبيا")
    assert r.quote.startswith("وارتفع عدد ضحايا")


def test_a_bare_body_word_is_the_body_named_before() -> None:
    rs = extract_reactions(
        [
            article(
                "a",
                AGREEMENT,
                "وانتقدت وزارة الخارجية الأوكرانية الاتفاقية بشدة.",
                "وأشارت الوزارة إلى أن الاتفاقية خطأ.",
            )
        ]
    )
    assert {r.party for r in rs} == {"أوكرانيا"}


def test_a_surname_takes_the_party_of_a_fuller_mention_elsewhere() -> None:
    a = article("a", AGREEMENT, "وقال رئيس الوزراء الإسباني كارلوس رامون إن الاتفاقية مهمة.")
    b = article("b", "واستقبل الرئيس رامون الوفد.", "وقال رامون إن الاتفاقية تاريخية.")
    assert {r.party for r in extract_reactions([a, b])} == {"إسبانيا"}


def test_background_after_a_short_quote_is_not_the_speakers_words() -> None:
    r = _one(
        'وقال وزير الخارجية الفرنسي إن "الاتفاقية مهمة جدا"، '
        "وكان الوزير قد زار موسكو العام الماضي ووقع عدة اتفاقيات هناك."
    )
    assert r.quote == "الاتفاقية مهمة جدا"


def test_background_after_a_paraphrase_is_not_the_speakers_words() -> None:
    r = _one(
        "وقال وزير الخارجية الفرنسي إن الاتفاقية مهمة جدا، "
        "ويذكر أن البلدين وقعا اتفاقا مماثلا في 2010."
    )
    assert "2010" not in r.quote


def test_an_official_without_nationality_speaks_for_the_articles_country() -> None:
    a = article(
        "a",
        "ضربت فيضانات واسعة شرق ليبيا، وأعلنت السلطات الليبية حالة الطوارئ في ليبيا.",
        "وقالت وزارة الداخلية إن عدد الضحايا ارتفع إلى 300 شخص في ليبيا.",
    )
    [r] = extract_reactions([a])
    assert r.party == "ليبيا"


def test_the_name_ali_is_not_the_preposition_ala() -> None:
    r = _one("ووجه المرشد الأعلى علي حسيني رسالة تهنئة بالاتفاقية.")
    assert "حسيني" in r.actor
    assert extract_reactions([article("a", AGREEMENT, "وحصل الرئيس على دعم البرلمان.")]) == []


def test_acting_president_then_name_after_comma() -> None:
    r = _one("قال الرئيس الإيراني بالوكالة، محمد رضائي، إنّ الاتفاقية ناجحة.")
    assert (r.actor, r.party) == ("محمد رضائي", "إيران")


def test_a_quoted_surname_after_the_verb_is_the_speaker() -> None:
    a = article(
        "a",
        AGREEMENT,
        "وقال وزير الخارجية التركي أحمد يلدز إن الاتفاقية مهمة.",
        'وأضاف "يلدز": الاتفاقية تفتح صفحة جديدة.',
    )
    rs = extract_reactions([a])
    assert len({r.actor_key for r in rs}) == 1
    assert all(r.party == "تركيا" for r in rs)


def test_previously_announced_is_narration_not_reported_speech() -> None:
    r = _one("وسبق أن أعلن الرئيس الأمريكي، جون سميث، أن الاتفاقية خطوة مهمة.")
    assert (r.actor, r.party) == ("جون سميث", "الولايات المتحدة")


def test_a_short_phrase_between_the_verb_and_the_words() -> None:
    rs = extract_reactions(
        [
            article(
                "a",
                AGREEMENT,
                "وقال وزير الخارجية الفرنسي جان بارو إن الاتفاقية مهمة.",
                'وقال في بيان إن "الاتفاقية خطوة أساسية نحو الاستقرار في المنطقة".',
            )
        ]
    )
    assert len(rs) == 2 and all(r.party == "فرنسا" for r in rs)


def test_a_presidency_speaks_for_its_country() -> None:
    signed = "ووقعت روسيا وكوريا الشمالية الاتفاقية في موسكو."
    again = "وتلزم الاتفاقية روسيا وكوريا الشمالية بالدفاع المشترك."
    said = "أعربت رئاسة كوريا الجنوبية، اليوم الخميس، عن إدانتها الاتفاقية."
    [r] = extract_reactions([article("a", signed, again, said)])
    assert (r.party, r.stance) == ("كوريا الجنوبية", "critical")


def _outsider(sentence: str) -> Reaction:
    signed = "ووقعت روسيا وكوريا الشمالية الاتفاقية في موسكو."
    again = "وتلزم الاتفاقية روسيا وكوريا الشمالية بالدفاع المشترك."
    [r] = extract_reactions([article("a", signed, again, sentence)])
    return r


def test_an_outsider_on_the_parties_growing_alliance_is_critical() -> None:
    r = _outsider("وقال وزير الخارجية الياباني إن تحالف القوى الاستبدادية يتنامى بسرعة.")
    assert r.stance == "critical"
    welcomed = _outsider("وقال وزير الخارجية الياباني إنه يرحب بتقارب الشعوب في المنطقة.")
    assert welcomed.stance == "supportive"


def test_an_anachronism_is_critical_not_historic() -> None:
    r = _outsider("وقال الرئيس الفرنسي إن الاتفاقية مفارقة تاريخية.")
    assert r.stance == "critical"


def test_according_to_a_capital_is_its_countrys_statement() -> None:
    r = _one("ووفقًا لموسكو، يشارك 36 من زعماء العالم في مراسم توقيع الاتفاقية.")
    assert r.party == "روسيا"


def test_a_press_office_speaks_for_its_country() -> None:
    r = _one("وأفاد المكتب الصحافي للكرملين بأن الاتفاقية ستوقع الأسبوع المقبل.")
    assert r.party == "روسيا"


def test_a_definite_noun_behind_a_preposition_is_not_a_name() -> None:
    r = _one("وأوضح الكاتب العام بالمديرية العامة للشؤون الداخلية أن الاتفاقية تدخل حيز التنفيذ.")
    assert "بالمديرية" not in r.actor


def test_a_charity_in_quotes_after_the_verb_speaks_for_its_country() -> None:
    r = _one("من جانبها، أعلنت “قطر الخيرية” عن دعمها للاتفاقية.")
    assert r.party == "قطر"


def test_envoys_and_the_un_adjective() -> None:
    r = _one("وقال المبعوث الأممي الخاص إن الاتفاقية خطوة مهمة.")
    assert r.party == "الأمم المتحدة"
    r = _one("وقال المبعوث الصيني الخاص تشاي جون إن الاتفاقية مهمة.")
    assert (r.actor, r.party) == ("تشاي جون", "الصين")


def test_a_body_in_quotation_marks_after_li_is_the_officers_party() -> None:
    r = _one('قال الأمين العام لـ"حزب الله" اللبناني، كريم منصور، إن الاتفاقية مهمة.')
    assert (r.actor, r.party) == ("كريم منصور", "حزب الله")


def test_a_telegram_named_far_after_a_long_subject_is_a_statement() -> None:
    r = _one(
        "بعث الشيخ سالم بن حمد آل سالم رئيس دولة الإمارات العربية المتحدة، برقية تهنئة إلى"
        " الرئيس الجديد."
    )
    assert (r.party, r.stance) == ("الإمارات", "supportive")


def test_an_unnamed_official_speaks_for_the_dossiers_country() -> None:
    other = article(
        "b", "قالت وزارة الخارجية الكوبية إن الاتفاقية مفيدة لكوبا.", "وتأمل كوبا في النمو."
    )
    bare = article("c", "وقال رئيس مجلس الوزراء إن الاتفاقية ستجذب الاستثمارات.")
    found = extract_reactions([other, bare])
    assert {r.party for r in found} == {"كوبا"}
