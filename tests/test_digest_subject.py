"""Digests about the dossier (issue 12, point 6): the subject from the dossier's definition,
the redundancy rule, the build reading ``dossier.toml``, and the recall the rules reach."""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
from functools import cache
from pathlib import Path

import pytest

from bot.cache import commands
from bot.cache.build import BuildSettings, input_files, read_inputs, source_digest, with_subject
from bot.corpus import load_corpus
from bot.corpus_types import Article
from bot.digest.digest import DEFAULT_ALGORITHM, digest_article
from bot.digest.evaluation import gold_indices, load_gold, overlap_recall
from bot.digest.rankers import lead, novel, subject_relevance
from bot.digest.subject import DOSSIER_FILE, load_subject, shared_subject, subject_of
from bot.ingest.dossier import dossier_subject, load_dossier

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT / "bench"))

import digests_realworld  # noqa: E402


@cache
def _seeds() -> tuple[Article, ...]:
    return tuple(load_corpus(SEEDS))


def test_a_term_counts_only_when_all_its_words_occur() -> None:
    subject = subject_of(["الدفاع المشترك", "بوتين"], ["معاهدة بين بلدين"])
    assert subject.relevance("وقال بوتين إن اتفاق الدفاع المشترك نافذ.") == 2.0
    assert subject.relevance("وزار وزير الدفاع موسكو.") == 0.0  # «الدفاع» alone is not the term
    # words of the title or description count, but less than a term
    assert subject.relevance("ووقعت المعاهدة في يونيو.") == 0.5


def test_shared_subject_keeps_what_several_queries_agree_on() -> None:
    subject = shared_subject(
        ["وقف إطلاق النار لبنان", "نتنياهو وقف إطلاق النار", "ميقاتي يرحب بوقف إطلاق النار"]
    )
    words = {stems[0] for stems, _w in subject.phrases}
    assert subject.relevance("أعلن وقف إطلاق النار") >= 2
    assert not any("نتنياه" in w or "ميقات" in w for w in words)  # one query's names only


def test_specific_terms_outrank_the_parties_named_everywhere() -> None:
    subject = subject_of(["روسيا", "الدفاع المشترك"])
    texts = [
        "وزار وفد روسيا المدينة.",
        "وقالت روسيا إن الطقس بارد.",
        "وينص بند الدفاع المشترك على المساعدة وفق روسيا.",
        "ووصل وفد روسيا إلى المطار.",
    ]
    assert subject_relevance(texts, subject)[0] == 2


def test_a_restatement_of_a_kept_sentence_goes_back() -> None:
    texts = [
        "وقعت روسيا وكوريا الشمالية معاهدة الدفاع المشترك في بيونغ يانغ.",
        "ووقعت روسيا وكوريا الشمالية معاهدة الدفاع المشترك.",
        "وانتقدت سول الخطوة وقالت إنها تهدد أمن المنطقة.",
    ]
    assert novel(lead)(texts) == [0, 2, 1]


def test_the_build_reads_the_subject_beside_the_seeds(tmp_path: Path) -> None:
    assert SEEDS / DOSSIER_FILE in input_files(SEEDS)
    settled = with_subject(BuildSettings(), SEEDS)
    assert settled.subject == load_subject(SEEDS / DOSSIER_FILE) is not None
    # the intake reads the same subject from its dossier
    assert dossier_subject(load_dossier(SEEDS / DOSSIER_FILE)) == settled.subject
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / DOSSIER_FILE).unlink()
    assert with_subject(BuildSettings(), seeds).subject is None
    assert source_digest(read_inputs(seeds), BuildSettings()) != source_digest(
        read_inputs(SEEDS), BuildSettings()
    )
    # without a definition the digests are those of the fused ranking alone
    out = commands.build_files(seeds, BuildSettings())
    assert out.keys() == commands.build_files(SEEDS, BuildSettings()).keys()


def _recall(subject_on: bool) -> float:
    gold = load_gold(ROOT / "tests" / "gold" / "digests.toml")
    subject = load_subject(SEEDS / DOSSIER_FILE) if subject_on else None
    return statistics.fmean(
        overlap_recall(
            digest_article(a, DEFAULT_ALGORITHM, subject=subject).indices,
            gold_indices(a, gold[a.meta.file]),
        )
        for a in _seeds()
    )


def test_seed_key_sentence_recall_reaches_the_goal() -> None:
    lead3 = statistics.fmean(
        overlap_recall(
            digest_article(a, "lead", max_sentences=3).indices,
            gold_indices(a, load_gold(ROOT / "tests" / "gold" / "digests.toml")[a.meta.file]),
        )
        for a in _seeds()
    )
    assert _recall(True) >= 0.6 > lead3
    # with order-independent stems the subject changes no seed's recall (0.60 both ways,
    # docs/digest-evaluation.md); it must never cost one
    assert _recall(True) >= _recall(False)


def test_key_quotes_name_the_sentence_they_start_in() -> None:
    from bot.corpus import build_article
    from bot.corpus_types import ArticleMeta

    meta = ArticleMeta(
        id="x",
        file="x.txt",
        title="t",
        source=None,
        url=None,
        published=dt.date(2024, 6, 19),
        published_precision="day",
        published_reason="test",
    )
    article = build_article(meta, "جملة أولى هنا عن المعاهدة. وجملة ثانية عن الرد.\n")
    assert digests_realworld.key_indices(article, ["عن المعاهدة. وجملة"]) == frozenset({0})
    assert digests_realworld.key_indices(article, ["وجملة ثانية"]) == frozenset({1})
    assert digests_realworld.key_indices(article, ["غير موجود"]) is None


def test_real_article_key_quotes_are_found() -> None:
    gold = digests_realworld.load_key_gold()
    assert len(gold) >= 15 and {g.part for g in gold} == {"tune", "untuned", "fresh"}
    assert all(3 <= len(g.keys) <= 5 for g in gold)
    scored, part, skipped = _real()
    if not part:
        pytest.skip("no real-article corpus here (texts are not in git)")
    assert skipped == []
    default = scored[DEFAULT_ALGORITHM].recall
    lead3 = scored["lead-3 under the digest rules"].recall
    assert statistics.fmean(default.values()) > statistics.fmean(lead3.values())


@cache
def _real() -> tuple[dict[str, digests_realworld.Scored], dict[str, str], list[str]]:
    return digests_realworld.score(digests_realworld.load_key_gold())
