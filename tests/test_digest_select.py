"""The selection rules every digest obeys, independent of the ranking algorithm."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.digest.select import Candidate, candidates, choose, is_content_sentence, needs_context


def _norm(text: str) -> str:
    return text.replace("أ", "ا").replace("إ", "ا")


def test_headings_lead_ins_urls_and_bylines_are_not_content() -> None:
    assert not is_content_sentence("ماذا نعرف عن المعاهدة؟")  # too short
    assert not is_content_sentence("ويمكن إجمال المخاوف الغربية فيما يلي:")
    assert not is_content_sentence("الناتو حذر سابقا من تهديد أوسع نطاقا من التعاون بين روسيا")
    assert not is_content_sentence("https://hura7.com/?p=36884")
    assert not is_content_sentence("المصدر: وكالات")
    assert is_content_sentence("وباتت الاتفاقية سارية بعد أن تبادل البلدان وثائق المصادقة.")
    assert is_content_sentence("وتنفي موسكو وبيونجيانج تبادل الأسلحة.")
    assert not is_content_sentence("المعاهدة ليست الأولى..")
    assert not is_content_sentence("ماذا نعرف عنها؟")
    quoted = "وقال بوتين إن «الاتفاقية تنص على المساعدة المتبادلة في حالة العدوان»."
    assert is_content_sentence(quoted)


def test_repeated_sentence_and_headline_are_dropped() -> None:
    headline = "القادم مخيف دخلت حيز التنفيذ معاهدة الدفاع المشترك بين كوريا الشمالية وروسيا"
    body = "وباتت الاتفاقية سارية بعد أن تبادل البلدان وثائق المصادقة عليها في موسكو."
    sentences = [
        (0, headline),
        (1, headline),
        (2, body),
        (3, body.replace("أن", "ان")),  # same sentence, other hamza spelling
        (4, "وقال محللون إن الاتفاقية تشكل تحولا جذريا في الوضع الاستراتيجي بأكمله."),
    ]
    kept = candidates(sentences, normalize=_norm, title=headline)
    assert [c.index for c in kept] == [2, 4]


def _cand(index: int, length: int) -> Candidate:
    return Candidate(index, "ب" * length)


def test_choose_keeps_budget_and_returns_article_order() -> None:
    ranked = [_cand(5, 200), _cand(1, 200), _cand(9, 200), _cand(3, 200), _cand(7, 50)]
    picked = choose(ranked, budget=700)
    assert [c.index for c in picked] == [1, 5, 7, 9]
    assert sum(len(c.text) for c in picked) <= 700


def test_choose_reserves_room_for_three() -> None:
    # 650 alone would leave no room for two more; 300 + 200 + 150 fits.
    ranked = [_cand(0, 650), _cand(1, 300), _cand(2, 200), _cand(3, 900), _cand(4, 150)]
    assert [c.index for c in choose(ranked, budget=700)] == [1, 2, 4]


def test_choose_fills_to_three_with_short_sentences_when_none_fit() -> None:
    ranked = [_cand(0, 650), _cand(1, 600), _cand(2, 300), _cand(3, 900), _cand(4, 500)]
    picked = choose(ranked, budget=700)
    # No three fit, so the fallback fills from the better-ranked half of the rest,
    # shortest first: [650, 600, 300] → 300, [650, 600] → 600, [650, 900] → 650.
    assert [c.index for c in picked] == [0, 1, 2]


def test_choose_never_exceeds_five() -> None:
    ranked = [_cand(i, 10) for i in range(12)]
    assert len(choose(ranked)) == 5


@given(
    st.lists(st.integers(min_value=20, max_value=800), min_size=0, max_size=40),
    st.randoms(use_true_random=False),
)
def test_choose_invariants(lengths: list[int], rnd: object) -> None:
    pool = [_cand(i, n) for i, n in enumerate(lengths)]
    ranked = list(pool)
    rnd.shuffle(ranked)  # type: ignore[attr-defined]
    picked = choose(ranked)
    indices = [c.index for c in picked]
    assert indices == sorted(set(indices))  # original order, no repeats
    assert min(3, len(pool)) <= len(picked) <= 5
    total = sum(len(c.text) for c in picked)
    if sum(sorted(lengths)[:3]) <= 700:  # the article allows a digest within budget
        assert total <= 700


def test_back_referring_openings_need_context() -> None:
    assert needs_context("وهو ما أدى لإثارة المخاوف الغربية في ظل الادعاءات.", _norm)
    assert needs_context("وبعد ذلك قدم مساعدة كبيرة في استعادة الاقتصاد الوطني.", _norm)
    assert needs_context("لذا، تحمل الزيارة عددا من الرسائل.", _norm)
    assert not needs_context("وقع الرئيس الروسي معاهدة الدفاع المشترك مع كوريا الشمالية.", _norm)
    assert not needs_context("وكالات ـ وقع الرئيس الروسي معاهدة الدفاع.", _norm)
