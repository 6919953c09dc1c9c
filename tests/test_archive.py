"""The served cache's archive (bot.cache.archive): the same cache, texts and search hits
as the whole cache in memory, derived once per version and written atomically."""

from __future__ import annotations

import dataclasses
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cache.archive import (
    FORMAT,
    KEEP,
    Archive,
    archive_path,
    cache_key,
    open_served,
    write_archive,
)
from bot.cache.search import SearchIndex, query_words
from bot.cache.store import dumps_cache, load_cache
from bot.corpus import load_corpus
from bot.corpus_types import Article
from bot.ingest.live import ProductCache, build_live_cache
from bot.model import Cache
from bot.telegram.views import Views

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import scale_corpus  # noqa: E402

COMMITTED = ROOT / "summaries" / "cache.json"


@pytest.fixture(scope="module")
def full() -> Cache:
    return load_cache(COMMITTED)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Cache:
    return open_served(COMMITTED, tmp_path_factory.mktemp("data"))


def queries(cache: Cache) -> list[str]:
    """Every distinct word of a few articles, and queries exercising each matching rule."""
    words = {w for body in cache.texts[:12] for s in body.sentences for w in s.split()}
    rules = [
        "الاتفاقية",  # article dropped, prefix
        "بيونغ",  # folded transliteration (= بيونج)
        "بيونج",
        "سلاح",  # broken plural (~ أسلحة)
        "أسلحة",
        "Russia",  # a party's English name
        "مجلس الأمن",  # every word must match
        "في",  # shorter than three letters: whole words only
        "ال",
        "x-y",  # no word matches punctuation
        "",
    ]
    return rules + sorted(words)


def test_fts5_is_compiled_in() -> None:
    import sqlite3

    sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")


def test_the_archive_gives_the_hits_of_the_index_in_memory(full: Cache, served: Cache) -> None:
    index = SearchIndex(full)
    archive = served.store
    assert isinstance(archive, Archive)
    found = 0
    for query in queries(full):
        words = query_words(query)
        expected = index.search_all(words)
        got = archive.search_all(words)
        assert list(got) == expected, query
        assert len(got) == len(expected)
        assert list(got[2:7]) == expected[2:7]
        found += bool(expected)
    assert found > 100  # the comparison is not between empty lists


def test_the_served_cache_is_the_cache_with_texts_on_demand(full: Cache, served: Cache) -> None:
    assert served.texts == []  # not held in memory
    assert dumps_cache(served.model_copy(update={"texts": full.texts})) == dumps_cache(full)
    for body in full.texts:
        assert served.text(body.article_id) == body
    assert served.text("no-such-article") is None
    for i, article in enumerate(full.articles):
        assert served.position(article.id) == full.articles.index(article) == i


def test_search_screens_are_the_same_from_the_archive(full: Cache, served: Cache) -> None:
    for query in ("الاتفاقية", "Russia", "سلاح", "لا شيء هنا"):
        for page in (0, 1):
            a = Views(full).search("ar", query, page)
            b = Views(served).search("en", query, page)
            c = Views(full).search("en", query, page)
            assert a[1] == b[1] == c[1]
            assert b[0].parts == c[0].parts


def test_derived_once_per_version_and_again_when_damaged(tmp_path: Path, full: Cache) -> None:
    cache_json = tmp_path / "cache.json"
    cache_json.write_bytes(COMMITTED.read_bytes())
    data = tmp_path / "data"
    open_served(cache_json, data)
    path = archive_path(data, cache_key(cache_json.read_bytes()))
    stamp = path.stat().st_mtime_ns
    open_served(cache_json, data)
    assert path.stat().st_mtime_ns == stamp  # opened, not derived again
    assert sorted(os.listdir(data / "archive")) == [path.name]  # no temporary file left

    path.write_bytes(b"not a database")
    again = open_served(cache_json, data)
    assert again.text(full.texts[0].article_id) == full.texts[0]

    # a new version of cache.json gets its own archive
    cache_json.write_text(dumps_cache(full.model_copy(update={"source_digest": "other"})))
    assert open_served(cache_json, data).source_digest == "other"
    assert len(os.listdir(data / "archive")) == 2


def test_a_missing_cache_is_a_cache_error(tmp_path: Path) -> None:
    from bot.errors import CacheError

    with pytest.raises(CacheError, match="digestbot build"):
        open_served(tmp_path / "cache.json", tmp_path)


# --- incremental archives -------------------------------------------------------------


def _grown_dossier(tmp_path: Path, count: int) -> list[Article]:
    """Varied synthetic articles (bench/scale_corpus.py), shuffled: later arrivals sort
    before earlier ones too."""
    target = tmp_path / "dossier"
    target.mkdir()
    scale_corpus.write_dossier(target, load_corpus(ROOT / "seeds"), count, seed=5)
    articles = list(load_corpus(target))
    random.Random(8).shuffle(articles)
    return articles


def _same_archive(a: Path, b: Path, cache: Cache) -> None:
    """Two archives of ``cache`` serve the same core, texts and search (hits and order)."""
    x, y = Archive(a), Archive(b)
    try:
        assert x.key == y.key
        assert dumps_cache(x.core()) == dumps_cache(y.core())
        for body in cache.texts:
            assert x.text(body.article_id) == y.text(body.article_id) == body
        index = SearchIndex(cache)
        found = 0
        for query in queries(cache):
            words = query_words(query)
            expected = index.search_all(words)
            assert list(x.search_all(words)) == expected, query
            assert list(y.search_all(words)) == expected, query
            found += bool(expected)
        assert found > 50
    finally:
        x.close()
        y.close()


def _archive(data: Path, cache: Cache, *, incremental: bool = True) -> Path:
    key = cache_key(dumps_cache(cache).encode("utf-8"))
    return write_archive(archive_path(data, key), cache, key, incremental=incremental)


def test_an_updated_archive_equals_one_from_scratch_as_the_dossier_grows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    articles = _grown_dossier(tmp_path, 9)
    products = ProductCache(directory=tmp_path / "products")
    grown, scratch = tmp_path / "grown", tmp_path / "scratch"
    steps = [articles[:3], *(articles[: n + 1] for n in range(3, len(articles)))]
    first = articles[0]
    changed = dataclasses.replace(first, paragraphs=(*first.paragraphs[1:], "فقرة جديدة."))
    steps.append([changed, *articles[1:]])  # an article's text changes
    steps.append(articles[2:])  # two articles go
    for step in steps:
        cache = build_live_cache(step, products)
        _same_archive(_archive(grown, cache), _archive(scratch, cache, incremental=False), cache)
    assert len(list((grown / "archive").glob("*.sqlite"))) == KEEP  # older ones removed
    assert "not updatable" not in caplog.text  # each one was updated, none written anew


def test_an_unusable_previous_archive_is_passed_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    articles = _grown_dossier(tmp_path, 4)
    products = ProductCache()
    data, scratch = tmp_path / "data", tmp_path / "scratch"
    before = build_live_cache(articles[:3], products)
    after = build_live_cache(articles, products)
    expected = _archive(scratch, after, incremental=False)

    # a damaged file of this format, the newest: written from scratch instead
    previous = _archive(data, before)
    damaged = data / "archive" / f"{'0' * 40}-v{FORMAT}.sqlite"
    damaged.write_bytes(previous.read_bytes()[:5000])
    _same_archive(_archive(data, after), expected, after)
    assert "not updatable" in caplog.text

    # an archive of an earlier format beside it is not read, and is removed
    for old in (data / "archive").iterdir():
        old.unlink()
    ancient = data / "archive" / f"{'1' * 40}-v{FORMAT - 1}.sqlite"
    ancient.write_bytes(b"an earlier format")
    stale = data / "archive" / ".x.sqlite.1234.tmp"  # a writer killed an hour ago
    stale.write_bytes(b"")
    os.utime(stale, (1, 1))
    path = _archive(data, after)
    _same_archive(path, expected, after)
    assert sorted(os.listdir(data / "archive")) == [path.name]

    # bases written by other rules (another version of the normalisation) are not reused
    previous = _archive(data, before)
    with sqlite3.connect(previous) as db:
        db.execute("UPDATE meta SET value = 'other' WHERE key = 'bases'")
        db.execute("UPDATE texts SET bases = '[]'")
    db.close()
    _same_archive(_archive(data, after), expected, after)
