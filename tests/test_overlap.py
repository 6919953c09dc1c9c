"""Prefix-filter blocking (bot.extract.overlap) finds every set a full scan would match,
and the people look-ups of bot.extract.consulted answer as a scan in reading order does."""

from __future__ import annotations

import random
from collections import Counter

from bot.extract.consulted import DossierPersons, SetAnswers, WatchedSet
from bot.extract.overlap import OverlapIndex
from bot.extract.reactions import Actor
from bot.extract.speakers import names_match, short_refers_to


def _overlaps(a: frozenset[str], b: frozenset[str], ratio: float) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= ratio


def test_candidates_include_every_set_a_scan_matches() -> None:
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(40)]
    weights = [1 / (n + 1) for n in range(40)]  # a few common words, many rare ones
    sets = [frozenset(rng.choices(vocabulary, weights, k=rng.randint(0, 12))) for _ in range(400)]
    frequency = Counter(w for s in sets for w in s)
    for ratio in (0.4, 0.7, 1.0):
        index = OverlapIndex(ratio, lambda w: (frequency[w], w))
        for n, probe in enumerate(sets):
            expected = [m for m in range(n) if _overlaps(probe, sets[m], ratio)]
            found = index.candidates(probe)
            assert found == sorted(found)
            assert set(expected) <= set(found)
            assert index.add(probe) == n
        assert index.candidates(frozenset()) == []


def _person(name: str, party: str | None = None) -> Actor:
    return Actor("person", tuple(name.split()), "الرئيس", party, name)


def test_dossier_persons_answer_as_a_scan_in_reading_order() -> None:
    persons = [
        _person("فلاديمير بوتين"),
        _person("كيم جونغ أون"),
        _person("فلاديمير بوتين", "روسيا"),
        _person("كيم جونج أونج", "كوريا الشمالية"),
        _person("أنتوني بلينكن", "الولايات المتحدة"),
    ]
    index = DossierPersons.of([((0, n), a) for n, a in enumerate(persons)])
    for query in ("بوتين", "أون", "كيم", "بلينكن", "كيم جونج أون", "سيرغي لافروف", "فلاديمير"):
        name = tuple(query.split())
        hits = [a for a in persons if short_refers_to(name, a.name) or names_match(name, a.name)]
        assert index.first_named(name) == (hits[0] if hits else None)
        parties = [a.party for a in hits if a.party]
        assert index.party_of(name) == (parties[0] if parties else None)


def test_watched_set_records_questions_and_answers_check_them() -> None:
    words = WatchedSet(["زيارة", "روسيا"])
    assert "زيارة" in words and "بوتين" not in words and words
    answers = words.answers()
    assert answers == SetAnswers(frozenset({"زيارة"}), frozenset({"بوتين"}), True)
    assert answers.hold(frozenset({"زيارة", "كوريا"}))
    assert not answers.hold(frozenset({"زيارة", "بوتين"}))  # a new answer: parse again
    assert not answers.hold(frozenset({"روسيا"}))
    words.reset()
    assert words.answers() == SetAnswers()
