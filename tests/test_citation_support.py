"""The build's citation check (issue 12, point 1): a cited sentence carries its line."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
from test_telegram_support import REAL_CACHE, ev, sample_cache

from bot.cache import commands
from bot.cache.store import dumps_cache, load_cache
from bot.cache.support import (
    drop_unsupported,
    main_predicate,
    supports,
    supports_event,
    supports_provision,
    unsupported,
)

SIGNING = "ووقع بوتين وكيم اتفاقية الشراكة الاستراتيجية الشاملة في بيونغ يانغ."


def test_a_sentence_containing_the_line_supports_it() -> None:
    assert supports(
        "وقال بلينكن إن «هذا التعاون يشكل تهديدًا خطيرًا» للمنطقة.", "هذا التعاون يشكل تهديدا خطيرا"
    )
    # another statement of the same speaker that day does not
    assert not supports(
        "ووصف بوتين الاتفاق بأنه «وثيقة ثورية».", "موسكو وبيونغ يانغ تحاربان هيمنة الولايات المتحدة"
    )


def test_a_merged_event_is_carried_by_its_main_predicate_not_by_a_side_word() -> None:
    event = "وفرض الغرب على روسيا أشد عقوبات ردا على غزو أوكرانيا"
    assert main_predicate(event) == frozenset({"sanction"})
    assert not supports_event(
        "وتقاربت روسيا وكوريا الشمالية منذ بدء الهجوم الروسي على أوكرانيا.", event
    )
    assert supports_event(SIGNING, "وقع الرئيس الروسي اتفاقية مع الزعيم الكوري الشمالي")
    # a statement must be carried in its own words, not by any other statement
    assert not supports_event(
        "وقال بوتين إن العلاقات قوية.", "وأكد بوتين أن البلدين يحاربان الهيمنة"
    )


def test_drop_unsupported_keeps_supported_citations_and_drops_empty_items() -> None:
    cache = sample_cache()
    provision = cache.treaty_articles[0].model_copy(
        update={
            "sources": [
                ev(
                    "000_aaaa",
                    7,
                    "تنص المادة 4: في حال تعرض أحد الطرفين لهجوم مسلح يقدم الطرف الآخر"
                    " المساعدة العسكرية فورًا.",
                ),
                ev("001_bbbb", 2, "زار بوتين بيونغ يانغ."),
            ]
        }
    )
    orphan = cache.treaty_articles[1].model_copy(
        update={"sources": [ev("001_bbbb", 3, "لا علاقة.")]}
    )
    cache = cache.model_copy(
        update={"treaty_articles": [provision, orphan], "timeline": [], "reactions": []}
    )
    kept, dropped = drop_unsupported(cache)
    assert len(dropped) == 2
    assert [len(p.sources) for p in kept.treaty_articles] == [1]
    assert unsupported(kept) == []


@pytest.mark.skipif(not REAL_CACHE.exists(), reason="summaries/ not built")
def test_committed_cache_has_no_unsupported_citation() -> None:
    assert unsupported(load_cache(REAL_CACHE)) == []


def test_build_reports_and_check_fails_on_an_unsupported_citation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    out = tmp_path / "out"
    parser = argparse.ArgumentParser()
    commands.add_arguments(parser)
    args = parser.parse_args(["--seeds", str(seeds), "--out", str(out)])
    assert commands.main(args) == 0
    report = capsys.readouterr().out
    assert "citation check:" in report and "unsupported citation(s) found and dropped" in report
    args.check = True
    assert commands.main(args) == 0
    # a committed cache that cites a sentence not carrying its line fails the check
    cache = load_cache(out / "cache.json")
    bad = cache.reactions[0].model_copy(
        update={"sources": [*cache.reactions[0].sources, ev("000", 0, "جملة لا تقول ذلك.")]}
    )
    tampered = cache.model_copy(update={"reactions": [bad, *cache.reactions[1:]]})
    (out / "cache.json").write_text(dumps_cache(tampered), encoding="utf-8")
    assert commands.main(args) == 1
    assert "unsupported citation: reaction" in capsys.readouterr().err
    shutil.rmtree(out)


def test_a_provision_is_carried_by_a_paraphrase_naming_its_concepts() -> None:
    clause = "في حالة تعرض أحد الطرفين لهجوم مسلح يقدم الطرف الآخر المساعدة العسكرية فورا"
    assert supports_provision(
        "ويلزم الاتفاق الدولتين بتقديم مساعدة عسكرية دون تأخير إذا تعرضت إحداهما لعدوان.",
        clause,
    )
    # one shared concept is not a paraphrase of the clause
    assert not supports_provision("وقدمت الصين مساعدات إنسانية للمتضررين من الفيضانات.", clause)
