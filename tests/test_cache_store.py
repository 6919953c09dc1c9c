"""load_cache / dumps_cache: round-trip, canonical bytes and the clear errors the bot shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cache.store import dumps_cache, load_cache, loads_cache
from bot.errors import CacheError
from bot.model import (
    ABSOLUTE,
    SCHEMA_VERSION,
    ArticleEntry,
    Cache,
    Digest,
    Evidence,
    TimelineEvent,
)


def _cache() -> Cache:
    return Cache(
        source_digest="abc",
        digest_algorithm="lexrank",
        articles=[
            ArticleEntry(
                id="000",
                title="عنوان «مقتبس»",
                source="الأول",
                url=None,
                published="2024-12-05",
                published_precision="day",
                published_reason="given",
            )
        ],
        digests=[
            Digest(
                article_id="000",
                algorithm="lexrank",
                sentence_indices=[0, 2],
                sentences=["جملة أولى.", "جملة ثالثة."],
            )
        ],
        timeline=[
            TimelineEvent(
                date="2024-06",
                granularity="month",
                text="وقع البلدان الاتفاقية",
                resolution=ABSOLUTE,
                sources=[Evidence(article_id="000", sentence_index=2, text="جملة ثالثة.")],
            )
        ],
    )


def test_round_trip_is_equal_and_bytes_are_stable(tmp_path: Path) -> None:
    text = dumps_cache(_cache())
    path = tmp_path / "cache.json"
    path.write_text(text, encoding="utf-8")
    loaded = load_cache(path)
    assert loaded == _cache()
    assert dumps_cache(loaded) == text
    assert json.loads(text)["schema"] == SCHEMA_VERSION
    assert "«مقتبس»" in text  # Arabic kept as written, not \u-escaped
    assert text.endswith("}\n")


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match=r"no cache at .*digestbot build"):
        load_cache(tmp_path / "nope.json")


def test_bad_json_is_a_cache_error() -> None:
    with pytest.raises(CacheError, match="not valid JSON"):
        loads_cache("{not json", origin="x.json")


def test_other_schema_version_is_named() -> None:
    data = json.loads(dumps_cache(_cache()))
    data["schema"] = SCHEMA_VERSION + 1
    with pytest.raises(CacheError, match=f"schema version {SCHEMA_VERSION + 1}"):
        loads_cache(json.dumps(data))


def test_wrong_shape_names_the_field() -> None:
    data = json.loads(dumps_cache(_cache()))
    del data["digests"][0]["sentences"]
    with pytest.raises(CacheError, match=r"digests\.0\.sentences"):
        loads_cache(json.dumps(data))


def test_non_object_is_rejected() -> None:
    with pytest.raises(CacheError, match="JSON object"):
        loads_cache("[1, 2]")
