"""Digests never carry a sentence whose «هذه الزيارة» points at nothing in the digest."""

from __future__ import annotations

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.corpus import load_corpus
from bot.digest.digest import digest_article
from bot.digest.select import Candidate, antecedent_nouns, dangling_reference


def test_a_demonstrative_noun_needs_an_earlier_mention() -> None:
    visit = Candidate(9, "وبشكل عام، كانت هذه الزيارة هي أول زيارة خارجية منذ الجائحة.")
    treaty = Candidate(1, "وقع البلدان المعاهدة في يونيو.")
    other = Candidate(2, "وزار بوتين موسكو بعد ذلك.")
    ratified = Candidate(4, "وصادق البرلمان على هذه المعاهدة في نوفمبر.")
    assert antecedent_nouns(visit.text, normalize) == ["زياره"]
    assert dangling_reference([treaty, visit], normalize, stem) is visit
    assert dangling_reference([treaty, ratified], normalize, stem) is None
    assert dangling_reference([ratified], normalize, stem) is ratified
    # the noun must be in the sentence just before: otherwise it may name something else
    assert dangling_reference([treaty, other, ratified], normalize, stem) is ratified
    # «هذا العام» points at the present, not back in the text
    assert antecedent_nouns("ويحتفلان هذا العام بالذكرى.", normalize) == []


def test_seed_digests_have_no_dangling_demonstrative() -> None:
    for article in load_corpus():
        choice = digest_article(article)
        picked = [Candidate(i, s) for i, s in zip(choice.indices, choice.sentences, strict=True)]
        assert dangling_reference(picked, normalize, stem) is None, article.id
        assert 3 <= len(picked) <= 5


def test_an_unnamed_speaker_needs_the_sentence_that_names_them() -> None:
    from bot.digest.select import needs_previous

    assert needs_previous("وأضاف أنّ هذا النوع من التعاون قد يشكل انتهاكا.", normalize)
    assert needs_previous("وتابع “سنقوم بمساع جديدة”.", normalize)
    assert needs_previous("وقالت في بيان إن الاتفاق نافذ.", normalize)
    assert not needs_previous("وقال الرئيس بوتين إن الاتفاق نافذ.", normalize)
    assert not needs_previous("وأكد رئيس الوزراء أن الحكومة ملتزمة.", normalize)
    named = Candidate(2, "وقال نتنياهو إنه مستعد لتطبيق الاتفاق.")
    added = Candidate(3, "وأضاف أنه سيعرض الاتفاق على الحكومة.")
    went_on = Candidate(4, "وتابع “سنرد بقوة على أي انتهاك”.")
    other = Candidate(5, "وقالت الوكالة إن الجيش انتشر في الجنوب.")
    pool = [Candidate(0, "أعلنت الحكومة موافقتها."), named, added, went_on, other]
    assert dangling_reference([pool[0], added], normalize, stem, pool) is added
    assert dangling_reference([named, added], normalize, stem, pool) is None
    # the same speaker's run: «قال نتنياهو…» … «وتابع…» reads right without «وأضاف…»
    assert dangling_reference([named, went_on], normalize, stem, pool) is None
    # but not after another speaker's sentence
    again = Candidate(6, "وأضاف أن الانسحاب يبدأ غدا.")
    assert dangling_reference([named, other, again], normalize, stem, [*pool, again]) is None
    assert dangling_reference([named, again], normalize, stem, [*pool, again]) is again
