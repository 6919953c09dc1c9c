"""`digestbot build`: determinism, source_digest, --check staleness, `digestbot digest`."""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from bot.cache import commands, digest_command
from bot.cache.build import (
    BuildSettings,
    build_cache,
    paused_gc,
    read_inputs,
    render_outputs,
    source_digest,
    stale_report,
    write_outputs,
)
from bot.cache.markdown import render_digest_markdown, shown_date
from bot.cache.store import load_cache
from bot.corpus import load_corpus
from bot.errors import CacheError
from bot.model import SCHEMA_VERSION, ArticleEntry, Cache, Digest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@cache
def _outputs() -> dict[str, str]:
    return commands.build_files(SEEDS, BuildSettings())


def _args(**kw: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands.add_arguments(parser)
    ns = parser.parse_args([])
    for k, v in kw.items():
        setattr(ns, k, v)
    return ns


def test_rebuild_gives_identical_bytes() -> None:
    again = commands.build_files(SEEDS, BuildSettings())
    assert again == _outputs()


def test_outputs_are_cache_plus_one_markdown_per_article() -> None:
    outputs = _outputs()
    articles = load_corpus(SEEDS)
    assert set(outputs) == {"cache.json"} | {f"{a.id}.md" for a in articles}
    for name, text in outputs.items():
        assert text.endswith("\n")
        if name.endswith(".md"):
            assert "## الملخص" in text


def test_cache_content_cites_sentences_as_written(tmp_path: Path) -> None:
    write_outputs(tmp_path, _outputs())
    loaded = load_cache(tmp_path / "cache.json")
    assert loaded.schema_version == SCHEMA_VERSION
    assert loaded.source_digest.startswith("sha256:")
    by_id = {a.id: a for a in load_corpus(SEEDS)}
    assert [a.id for a in loaded.articles] == sorted(by_id)
    for digest in loaded.digests:
        sentences = {s.index: s.text for s in by_id[digest.article_id].sentences}
        assert [sentences[i] for i in digest.sentence_indices] == digest.sentences
    text = (tmp_path / "cache.json").read_text(encoding="utf-8")
    assert "timestamp" not in text and "built_at" not in text


def test_source_digest_tracks_inputs_and_settings() -> None:
    inputs = read_inputs(SEEDS)
    base = source_digest(inputs, BuildSettings())
    assert base == source_digest(dict(reversed(list(inputs.items()))), BuildSettings())
    first = sorted(inputs)[-1]
    changed = {**inputs, first: inputs[first] + b" "}
    assert source_digest(changed, BuildSettings()) != base
    assert source_digest(inputs, BuildSettings(algorithm="lsa")) != base
    assert source_digest(inputs, BuildSettings(budget=600)) != base
    assert any(name.endswith("articles.toml") for name in inputs)


def test_check_reports_missing_differing_and_extra_files(tmp_path: Path) -> None:
    outputs = _outputs()
    assert stale_report(tmp_path / "absent", outputs) == [f"{tmp_path / 'absent'}/ does not exist"]
    write_outputs(tmp_path, outputs)
    assert stale_report(tmp_path, outputs) == []
    md = sorted(n for n in outputs if n.endswith(".md"))
    (tmp_path / md[0]).unlink()
    (tmp_path / md[1]).write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "old.md").write_text("left over\n", encoding="utf-8")
    problems = stale_report(tmp_path, outputs)
    assert any(p.startswith("missing:") and md[0] in p for p in problems)
    assert any(p.startswith("differs") and md[1] in p for p in problems)
    assert any(p.startswith("extra") and "old.md" in p for p in problems)
    assert len(problems) == 3
    changed = write_outputs(tmp_path, outputs)
    assert sorted(changed) == sorted([md[0], md[1], "old.md"])
    assert stale_report(tmp_path, outputs) == []


def test_build_then_check_via_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "summaries"
    assert commands.main(_args(seeds=SEEDS, out=out)) == 0
    assert commands.main(_args(seeds=SEEDS, out=out, check=True)) == 0
    assert "up to date" in capsys.readouterr().out
    (out / "cache.json").write_text("{}\n", encoding="utf-8")
    assert commands.main(_args(seeds=SEEDS, out=out, check=True)) == 1
    err = capsys.readouterr().err
    assert "stale" in err and "cache.json" in err and "digestbot build" in err


def test_check_notices_a_changed_seed(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "out"
    assert commands.main(_args(seeds=seeds, out=out)) == 0
    victim = sorted(seeds.glob("*.txt"))[1]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert commands.main(_args(seeds=seeds, out=out, check=True)) == 1


def test_committed_summaries_match_a_fresh_build() -> None:
    problems = stale_report(ROOT / "summaries", _outputs())
    assert problems == [], "summaries/ is stale; run `digestbot build`: " + "; ".join(problems)


def test_build_cache_orders_articles_by_id() -> None:
    articles = load_corpus(SEEDS)
    cache_ = build_cache(list(reversed(articles)), digest="x")
    assert [a.id for a in cache_.articles] == sorted(a.id for a in articles)
    assert render_outputs(cache_) == render_outputs(build_cache(articles, digest="x"))


def test_digest_command_prints_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_outputs(tmp_path, _outputs())
    cache_ = load_cache(tmp_path / "cache.json")
    first = cache_.articles[0]
    ns = argparse.Namespace(article_id=first.id, cache=tmp_path / "cache.json")
    assert digest_command.main(ns) == 0
    printed = capsys.readouterr().out
    assert first.title in printed
    digest = cache_.digest(first.id)
    assert digest is not None and digest.sentences[0] in printed


def test_digest_command_unknown_id_lists_known_ids(tmp_path: Path) -> None:
    write_outputs(tmp_path, _outputs())
    cache_ = load_cache(tmp_path / "cache.json")
    with pytest.raises(CacheError, match="not in the cache; known ids: ") as info:
        digest_command.main(argparse.Namespace(article_id="zzz", cache=tmp_path / "cache.json"))
    assert all(a.id in str(info.value) for a in cache_.articles)


def test_digest_command_missing_cache_is_clear(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match="digestbot build"):
        digest_command.main(argparse.Namespace(article_id="000", cache=tmp_path / "none.json"))


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_digest_command_accepts_a_unique_prefix_only() -> None:
    def entry(article_id: str) -> ArticleEntry:
        return ArticleEntry(
            id=article_id,
            title=f"عنوان {article_id}",
            source=None,
            url=None,
            published="2024-06-19",
            published_precision="day",
            published_reason="test",
        )

    ids = ["alpha1", "alpha2", "beta"]
    cache_ = Cache(
        source_digest="x",
        digest_algorithm="lead",
        articles=[entry(i) for i in ids],
        digests=[
            Digest(article_id=i, algorithm="lead", sentence_indices=[0], sentences=["جملة."])
            for i in ids
        ],
    )
    found, digest = digest_command.find_digest(cache_, "be")
    assert found.id == digest.article_id == "beta"
    assert digest_command.find_digest(cache_, "alpha2")[0].id == "alpha2"
    with pytest.raises(CacheError, match="ambiguous; known ids: alpha1, alpha2, beta"):
        digest_command.find_digest(cache_, "alpha")


def test_build_is_identical_across_hash_seeds() -> None:
    """Set/dict iteration order must never leak into the output (PYTHONHASHSEED varies)."""
    script = (
        "import hashlib, json, sys\n"
        "from pathlib import Path\n"
        "from bot.cache.build import BuildSettings\n"
        "from bot.cache.commands import build_files\n"
        "out = build_files(Path(sys.argv[1]), BuildSettings())\n"
        "print(hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest())\n"
    )
    expected = hashlib.sha256(json.dumps(_outputs(), sort_keys=True).encode()).hexdigest()
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(SEEDS)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == expected, f"PYTHONHASHSEED={seed} changed the output"


def test_dates_are_shown_only_as_precise_as_known() -> None:
    base = {"id": "a", "title": "t", "source": None, "url": None, "published_reason": "r"}
    day = ArticleEntry(**base, published="2024-06-19", published_precision="day")
    month = ArticleEntry(**base, published="2024-06-01", published_precision="month")
    year = ArticleEntry(**base, published="2024-01-01", published_precision="year")
    assert [shown_date(e) for e in (day, month, year)] == ["2024-06-19", "2024-06", "2024"]
    digest = Digest(article_id="a", algorithm="lead", sentence_indices=[0], sentences=["جملة."])
    assert "2024-06-01" not in render_digest_markdown(month, digest)
    assert "2024-06" in digest_command.format_digest(month, digest)


def test_markdown_numbers_sentences_from_one_like_the_bot() -> None:
    entry = ArticleEntry(
        id="a",
        title="t",
        source=None,
        url=None,
        published="2024-06-19",
        published_precision="day",
        published_reason="r",
    )
    digest = Digest(
        article_id="a", algorithm="lead", sentence_indices=[0, 4], sentences=["أولى.", "خامسة."]
    )
    page = render_digest_markdown(entry, digest)
    assert "أولى. — *(الجملة 1)*" in page and "خامسة. — *(الجملة 5)*" in page
    assert "(الجملة 0)" not in page


def test_committed_cache_shows_source_text_as_written() -> None:
    """Timeline events, treaty texts and quotes are cut from their sources, never
    rewritten; a quote joined from two places marks the gap with "…"."""
    cache = load_cache(ROOT / "summaries" / "cache.json")
    for event in cache.timeline:
        assert any(event.text in s.text for s in event.sources), event.text
    for provision in cache.treaty_articles:
        assert any(provision.text in s.text for s in provision.sources), provision.text
    for reaction in cache.reactions:
        if reaction.kind != "quote":
            continue  # paraphrases drop the speaker from the middle and are not in «»
        for piece in reaction.quote.split("…"):
            assert any(piece.strip() in s.text for s in reaction.sources), reaction.quote
