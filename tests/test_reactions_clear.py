"""Issue 12, points 3 and 5, in invented sentences: whole clauses, never fragments; stance
where it is clear (accusations, one speaker's near-identical lines, academics)."""

from __future__ import annotations

from extract_support import article

from bot.extract.clauses import needs_governor
from bot.extract.reactions import extract_reactions
from bot.extract.stance_rules import harmonise_stances, is_analyst
from bot.extract.vocabulary import vocabulary
from bot.model import Evidence, Reaction

#: an agreement between Turkey and Iran, both named in three treaty sentences
PACT = (
    "وقعت تركيا وإيران معاهدة للدفاع المشترك في أنقرة.",
    "وتنص المعاهدة بين تركيا وإيران على التشاور المنتظم.",
    "وتلتزم تركيا وإيران بموجب المعاهدة بتبادل المعلومات.",
)


def _reactions(*sentences: str) -> list[Reaction]:
    return extract_reactions([article("a", *PACT, *sentences)])


def test_an_outsiders_accusation_against_a_party_is_critical() -> None:
    [r] = _reactions("وتقول إيطاليا إن إيران أرسلت آلاف الجنود إلى تركيا.")
    assert (r.party, r.stance) == ("إيطاليا", "critical")


def test_an_outsiders_report_without_a_deed_of_a_party_stays_neutral() -> None:
    [r] = _reactions("وتقول إيطاليا إن الطقس سيكون معتدلا في روما غدا.")
    assert r.stance == "neutral"


def test_a_party_reporting_its_own_deployment_is_not_accusing_itself() -> None:
    [r] = _reactions("وقال وزير الدفاع التركي أحمد يلماز إن تركيا أرسلت قوات لحماية الحدود.")
    assert r.stance != "critical"


def test_an_academic_speaks_for_no_government() -> None:
    [r] = _reactions(
        "وقال أحمد قره، أستاذ العلاقات الدولية بجامعة أنقرة التركية، إن المعاهدة مهمة."
    )
    assert r.actor == "أحمد قره"
    assert r.party is None
    v = vocabulary()
    assert is_analyst("أستاذ العلاقات الدولية", v) and is_analyst("الباحث في المركز", v)
    assert not is_analyst("وزير الخارجية", v) and not is_analyst(None, v)


def _said(quote: str, stance: str, key: str = "k") -> Reaction:
    return Reaction(
        actor="س",
        actor_key=key,
        role=None,
        party="تركيا",
        stance=stance,
        quote=quote,
        kind="paraphrase",
        sources=[Evidence(article_id="a", sentence_index=0, text=quote)],
    )


def test_near_identical_lines_of_one_speaker_get_one_stance() -> None:
    lines = [
        _said("أنقرة تكافح سياسة الهيمنة التي تفرضها القوى الكبرى منذ عقود", "supportive"),
        _said("أنقرة تحارب سياسة الهيمنة والاستعمار منذ عقود", "neutral"),
        _said("الأمطار غزيرة في الشمال هذا الأسبوع", "neutral"),
        _said("أنقرة تحارب سياسة الهيمنة والاستعمار منذ عقود", "neutral", key="other"),
    ]
    out = harmonise_stances(lines, vocabulary())
    assert [r.stance for r in out] == ["supportive", "supportive", "neutral", "neutral"]


def test_a_speaker_who_warns_and_praises_keeps_both_and_ties_stay_neutral() -> None:
    lines = [
        _said("تعاون الطاقة بين البلدين يبشر بالخير للمنطقة كلها", "supportive"),
        _said("تعاون الطاقة بين البلدين يحمل مخاطر على المنطقة كلها", "critical"),
        _said("تعاون الطاقة بين البلدين في المنطقة كلها", "neutral"),
    ]
    out = harmonise_stances(lines, vocabulary())
    assert [r.stance for r in out] == ["supportive", "critical", "neutral"]


def test_an_accusative_subject_keeps_its_verb() -> None:
    [r] = _reactions("وتقول إيطاليا إن جنودا إيرانيين وصلوا إلى الحدود التركية.")
    assert r.quote.startswith("تقول إيطاليا إن جنودا")
    v = vocabulary()
    assert needs_governor("جنودًا وصلوا", v) and needs_governor("جنودا إيرانيين وصلوا", v)
    assert not needs_governor("الجنود وصلوا", v) and not needs_governor("روسيا تريد السلام", v)


def test_a_pronoun_subject_keeps_its_verb() -> None:
    [r] = _reactions("ووصف الرئيس التركي كمال أوزتورك المعاهدة بأنها “وثيقة تاريخية”.")
    assert r.quote == "وصف الرئيس التركي كمال أوزتورك المعاهدة بأنها “وثيقة تاريخية”"
    [r] = _reactions("وقال وزير الخارجية الإيراني حسن رضائي إنه يرقى إلى مستوى التحالف.")
    assert r.quote.startswith("قال وزير الخارجية الإيراني")


def test_parties_verb_after_their_names_shows_the_whole_sentence() -> None:
    out = _reactions(
        "وتتابع إيطاليا وإسبانيا المحادثات عن كثب وعبرتا عن قلقهما إزاء تنامي التعاون العسكري."
    )
    assert {r.party for r in out} == {"إيطاليا", "إسبانيا"}
    assert all(r.quote.startswith("وتتابع إيطاليا وإسبانيا") for r in out)
    assert all(r.stance == "critical" for r in out)
