"""The real-article scorer (bench/realworld.py): unit tests on a tiny corpus written here,
and a run over whatever real corpus is present (skipped when there is none, as in CI)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import evaluate_realworld  # noqa: E402
import realworld  # noqa: E402

BODY_1 = (
    "معاهدة المياه بين بلدين\n\n"
    "وقّع وزيرا الخارجية في عمّان يوم 3 مارس 2025 معاهدة لتقاسم مياه النهر.\n"
    "وتنص المادة الثانية على تقاسم مياه النهر مناصفة بين البلدين.\n"
    'وقال وزير الخارجية الأردني أيمن الصفدي إن "المعاهدة خطوة تاريخية نحو التعاون".\n'
)
BODY_2 = (
    "انتقادات للمعاهدة\n\nوانتقدت الحكومة السورية المعاهدة يوم 4 مارس 2025 ووصفتها بأنها مجحفة.\n"
)

MANIFEST = """
story = "water-pact"
split = "dev"
description = "an invented water treaty"

[[article]]
id = "wp_01"
query = "q"
url = "https://example.org/1"
title = "معاهدة المياه بين بلدين"
source = "example"
published = "2025-03-03"
published_precision = "day"
published_reason = "dateline"
retrieved = "2026-12-03"
sha256 = "{sha1}"

[[article]]
id = "wp_02"
query = "q"
url = "https://example.org/2"
title = "انتقادات للمعاهدة"
source = "example"
published = "2025-03-04"
published_precision = "day"
published_reason = "dateline"
retrieved = "2026-12-03"
sha256 = "{sha2}"

[[article]]
id = "wp_03"
query = "q"
url = "https://example.org/3"
title = "not fetched"
published = "2025"
published_precision = "year"
published_reason = "url"
retrieved = "2026-12-03"
sha256 = "00"
"""

GOLD = """
[[event]]
what = "treaty signed"
date = "2025-03-03"
granularity = "day"
evidence = [["wp_01", "معاهدة لتقاسم مياه النهر"]]

[[event]]
what = "an event only the absent article reports"
date = "2025-01-01"
granularity = "day"
evidence = [["wp_03", "anything"]]

[[provision]]
what = "equal sharing"
number = 2
keywords = ["مناصفه"]
sources = [["wp_01", "تقاسم مياه النهر مناصفة"]]

[[provision]]
what = "a clause no extractor can find"
keywords = ["الصيد"]
sources = [["wp_01", "هذا النص غير موجود في المقال"]]

[[reaction]]
actor = "أيمن الصفدي"
party = "الأردن"
stance = "supportive"
sources = [["wp_01", "المعاهدة خطوة تاريخية"]]

[[reaction]]
actor = "الحكومة السورية"
party = "سوريا"
stance = "critical"
sources = [["wp_02", "وانتقدت الحكومة السورية"]]
"""


def _write(tmp_path: Path, *, corrupt: bool = False) -> tuple[Path, Path, Path]:
    root = tmp_path / "corpus"
    (root / "water-pact").mkdir(parents=True)
    b1, b2 = BODY_1.encode(), BODY_2.encode()
    (root / "water-pact" / "wp_01.txt").write_bytes(b1)
    (root / "water-pact" / "wp_02.txt").write_bytes(b2 + (b"x" if corrupt else b""))
    manifests = tmp_path / "manifest"
    manifests.mkdir()
    (manifests / "water-pact.toml").write_text(
        MANIFEST.format(sha1=hashlib.sha256(b1).hexdigest(), sha2=hashlib.sha256(b2).hexdigest()),
        "utf-8",
    )
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "water-pact.toml").write_text(GOLD, "utf-8")
    return root, manifests, gold


def test_status_tells_present_missing_and_changed(tmp_path: Path) -> None:
    root, manifests, _ = _write(tmp_path, corrupt=True)
    [m] = realworld.load_manifests(manifests)
    assert [realworld.state(root, m.story, e) for e in m.articles] == [
        "present",
        "sha256 mismatch",
        "missing",
    ]
    table = evaluate_realworld.status([m], root)
    assert "| water-pact | dev | 3 | 1 | 1 | 1 |" in table
    assert "wp_02: sha256 mismatch" in table


def test_changed_text_is_not_scored(tmp_path: Path) -> None:
    root, manifests, gold = _write(tmp_path, corrupt=True)
    [m] = realworld.load_manifests(manifests)
    s = realworld.score_story(m, root, gold)
    assert s.present == 1
    assert s.reactions.gold == 1  # the critical reaction's article is not loaded


def test_scores_a_tiny_story(tmp_path: Path) -> None:
    root, manifests, gold = _write(tmp_path)
    [m] = realworld.load_manifests(manifests)
    s = realworld.score_story(m, root, gold)
    assert (s.present, s.listed) == (2, 3)
    # the absent article's event is left out; one provision snippet is nowhere
    assert s.events.gold == 1
    assert s.unresolved == 1
    assert s.events.matched == 1
    assert (s.provisions.gold, s.provisions.matched, s.provisions.junk) == (2, 1, 0)
    assert s.reactions.gold == 2
    assert s.reactions.matched == 2, s.reactions.missed
    assert s.reactions.stance_agree == 2, s.reactions.stance_errors
    assert s.long_sentences == 0


def test_reaction_with_wrong_party_is_not_matched_and_stance_is_separate() -> None:
    from bot.extract.quality import GoldReaction
    from bot.model import Evidence, Reaction

    ev = [Evidence(article_id="a", sentence_index=0, text="x")]

    def reaction(party: str, stance: str) -> Reaction:
        return Reaction(
            actor="أيمن الصفدي",
            actor_key="صفدي",
            role=None,
            party=party,
            stance=stance,
            quote="q",
            kind="quote",
            sources=ev,
        )

    gold = [GoldReaction("الصفدي", "الأردن", "critical", frozenset({("a", 0)}))]
    assert realworld.score_reactions([reaction("سوريا", "critical")], gold).matched == 0
    s = realworld.score_reactions([reaction("الأردن", "supportive")], gold)
    assert (s.matched, s.stance_agree, s.recall, s.stance) == (1, 0, 1.0, 0.0)


def test_junk_counts_items_matching_no_gold_only() -> None:
    from bot.extract.quality import GoldProvision
    from bot.model import Evidence, TreatyArticle

    ev = [Evidence(article_id="a", sentence_index=0, text="x")]
    gold = [GoldProvision("w", 2, (), frozenset({("a", 0)}))]
    items = [
        TreatyArticle(number=2, title="t", text="t", sources=ev),
        TreatyArticle(number=2, title="t", text="t", sources=ev),  # duplicate: not junk
        TreatyArticle(number=None, title="ما يلي", text="ما يلي", sources=ev),
    ]
    s = realworld.score_provisions(items, gold)
    assert (s.matched, s.predicted, s.junk) == (1, 3, 1)


def test_long_sentences_are_counted(tmp_path: Path) -> None:
    root, manifests, gold = _write(tmp_path)
    long_body = "عنوان\n\n" + "وقال المسؤول إن الاتفاق مهم.وأضاف أن " + "كلمة " * 90 + "\n"
    path = root / "water-pact" / "wp_01.txt"
    path.write_text(long_body, "utf-8")
    text = manifests / "water-pact.toml"
    old = realworld.load_manifests(manifests)[0].articles[0].sha256
    new = hashlib.sha256(long_body.encode()).hexdigest()
    text.write_text(text.read_text("utf-8").replace(old, new), "utf-8")
    [m] = realworld.load_manifests(manifests)
    s = realworld.score_story(m, root, gold)
    assert s.long_sentences == 1  # the 90 words after «وأضاف» are one sentence


def test_real_corpus_scores_when_present() -> None:
    """Runs on the real corpus when its texts are here; CI has none and skips."""
    root = realworld.corpus_root()
    manifests = realworld.load_manifests()
    if not root.is_dir():
        pytest.skip(
            f"no real-article corpus at {root} (set DIGESTBOT_CORPUS); texts stay out of git"
        )
    present = [
        m
        for m in manifests
        if any(realworld.state(root, m.story, e) == "present" for e in m.articles)
    ]
    if not present:
        pytest.skip(f"no manifest's text is present under {root}")
    for m in present:
        changed = [
            e.id for e in m.articles if realworld.state(root, m.story, e) == "sha256 mismatch"
        ]
        assert not changed, f"{m.story}: texts differ from the manifest's sha256: {len(changed)}"
        s = realworld.score_story(m, root)
        if m.split == "dev":  # test stories: aggregate numbers only, never items
            articles = realworld.load_story(m, root)
            gold = realworld.load_gold(realworld.GOLD_DIR / f"{m.story}.toml", articles)
            # a snippet may quote a headline or a caption the cleaning drops; more than a
            # few means the gold or the cleaning is off
            cited = len(gold.events) + len(gold.provisions) + len(gold.reactions)
            assert len(gold.unresolved) <= max(1, cited // 20), (
                f"{m.story}: gold snippets in no sentence: {gold.unresolved}"
            )
        assert 0.0 <= s.reactions.recall <= 1.0
    report = evaluate_realworld.report(present, root, details=False)
    assert "dev total" in report or "test total" in report


def test_one_reaction_merging_two_outlets_counts_once_one_to_one() -> None:
    from bot.extract.quality import GoldReaction
    from bot.model import Evidence, Reaction

    merged = Reaction(
        actor="أيمن الصفدي",
        actor_key="صفدي",
        role=None,
        party="الأردن",
        stance="supportive",
        quote="q",
        kind="quote",
        sources=[
            Evidence(article_id="a", sentence_index=0, text="x"),
            Evidence(article_id="b", sentence_index=3, text="x"),
        ],
    )
    gold = [
        GoldReaction("الصفدي", "الأردن", "supportive", frozenset({("a", 0)})),
        GoldReaction("الصفدي", "الأردن", "supportive", frozenset({("b", 3)})),
    ]
    s = realworld.score_reactions([merged], gold)
    assert (s.matched, s.found_any, s.gold) == (1, 2, 2)


def test_party_names_match_by_alias_or_words() -> None:
    assert realworld.same_party("الناتو", "حلف شمال الأطلسي")
    assert realworld.same_party("عمان", "سلطنة عمان")
    assert not realworld.same_party("إيران", "العراق")
    assert not realworld.same_party(None, "إيران")
