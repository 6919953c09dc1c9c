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
