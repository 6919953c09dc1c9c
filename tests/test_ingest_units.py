"""The intake's pure parts: canonical URLs, charset decoding, feed parsing, dossier terms,
and the live cache (incremental equals full, atomic writes, the watcher, which cache is served)."""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

import pytest
from ingest_support import TOPIC, atom, body, page, rss

from bot.cache.build import build_cache
from bot.cache.store import dumps_cache
from bot.corpus import load_corpus
from bot.corpus_types import Article
from bot.ingest.accept import REASONS, arabic_share, signature
from bot.ingest.decode import decode
from bot.ingest.dossier import load_dossier
from bot.ingest.feeds import FeedError, parse_feed
from bot.ingest.live import (
    LiveCacheWatcher,
    ProductCache,
    build_live_cache,
    live_cache_path,
    row_article,
    serving_cache,
    write_live_cache,
)
from bot.ingest.page import extract_page
from bot.ingest.urls import canonical_url

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT / "bench"))

import scale_corpus  # noqa: E402


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.org/news/2025/story/?utm_source=x&utm_campaign=y",
        "https://example.org/news/2025/story",
        "https://m.example.org/news/2025/story#comments",
        "https://example.org/amp/news/2025/story/?amp=1",
        "https://EXAMPLE.org:443/news/2025/story.amp?fbclid=abc",
    ],
)
def test_one_story_one_canonical_url(url: str) -> None:
    assert canonical_url(url) == "https://example.org/news/2025/story"


def test_query_parameters_that_name_content_are_kept_in_order() -> None:
    assert canonical_url("https://e.org/a?b=2&id=7") == canonical_url("https://e.org/a?id=7&b=2")
    assert canonical_url("https://e.org/a?id=7") != canonical_url("https://e.org/a?id=8")


def test_windows_1256_without_or_with_a_wrong_charset_decodes() -> None:
    text = page("عنوان", body([0, 1]), charset_meta=None)
    raw = text.encode("cp1256")
    assert decode(raw).text == text
    assert decode(raw, "text/html; charset=iso-8859-1").text == text  # the header lies
    declared = page("عنوان", body([0, 1]), charset_meta="windows-1256").encode("cp1256")
    assert decode(declared).how == "meta"
    assert decode(text.encode(), "text/html; charset=utf-8").how == "header"


def test_feeds_entities_cdata_atom_and_malformed() -> None:
    when = dt.datetime(2025, 3, 4, tzinfo=dt.UTC)
    feed = parse_feed(
        rss("أ &amp; ب", [("g", "https://e.org/1", "<![CDATA[خبر <b>عاجل</b> &amp; مهم]]>", when)])
    )
    assert feed.title == "أ & ب"
    assert feed.items[0].title == "خبر عاجل & مهم" and feed.items[0].published == when.date()
    entries = parse_feed(atom("أطلس", [("urn:1", "https://e.org/2", "&lt;i&gt;تقرير&lt;/i&gt;")]))
    assert entries.items[0].title == "تقرير" and entries.items[0].guid == "urn:1"
    with pytest.raises(FeedError):
        parse_feed("<rss><channel><title>مكسور")
    with pytest.raises(FeedError):
        parse_feed("not xml at all")


def test_dossier_terms_allow_an_attached_conjunction() -> None:
    dossier = load_dossier(SEEDS / "dossier.toml")
    found = dossier.matched_terms("وقالت موسكو إن وبيونغ يانغ وقّعت المعاهدة")
    assert "موسكو" in found and "بيونغ يانغ" in found
    assert dossier.matched_terms("بدأ موسم الحصاد في الوادي") == []


def test_language_share_and_signatures() -> None:
    assert arabic_share(TOPIC[0]) > 0.9 and arabic_share("An English sentence") == 0
    assert signature(TOPIC[0]) == signature(TOPIC[0])
    assert signature(TOPIC[0]) != signature(TOPIC[1])
    assert {"not_arabic", "off_topic", "near_duplicate", "fetch_timeout"} <= set(REASONS)


def test_a_page_without_a_date_gets_none() -> None:
    assert extract_page(page("بلا تاريخ", body([0, 1, 2, 3]), date=None)).published is None
    dated = extract_page(page("بتاريخ", body([0, 1, 2, 3]), date="2025-02-01"))
    assert dated.published == dt.date(2025, 2, 1)


def _ingested(n: int) -> list[object]:
    return [
        row_article(
            f"20250301-{i:010d}",
            title=f"تقرير {i}",
            text="\n".join(body([i, i + 3, i + 5, i + 7, i + 9, i + 11])),
            outlet="صحيفة",
            url=None,
            published=dt.date(2025, 3, 1),
            published_reason="test",
        )
        for i in range(n)
    ]


def test_incremental_cache_equals_a_full_build_and_reuses_products(tmp_path: Path) -> None:
    articles = [*load_corpus(SEEDS), *_ingested(3)]
    products = ProductCache(directory=tmp_path / "products")
    live = build_live_cache(articles, products)  # type: ignore[arg-type]
    full = build_cache(articles, digest=live.source_digest)  # type: ignore[arg-type]
    assert dumps_cache(live) == dumps_cache(full)
    assert products.computed == len(articles)
    more = [*articles, *_ingested(4)[3:]]
    again = ProductCache(directory=tmp_path / "products")  # a new process: products on disk
    build_live_cache(more, again)  # type: ignore[arg-type]
    assert again.computed == 1  # only the new article's digest and candidates


def _dossier(tmp_path: Path, count: int) -> list[Article]:
    """Varied synthetic articles (bench/scale_corpus.py): people of their own, named in
    full in one article and by surname or role in others, dates, provisions."""
    target = tmp_path / "dossier"
    target.mkdir()
    scale_corpus.write_dossier(target, load_corpus(SEEDS), count, seed=11)
    return list(load_corpus(target))


def _same_as_full_build(articles: list[Article], products: ProductCache) -> None:
    live = build_live_cache(articles, products)
    full = build_cache(articles, digest=live.source_digest)
    assert dumps_cache(live) == dumps_cache(full)


def test_incremental_cache_equals_a_full_build_as_a_varied_dossier_grows(
    tmp_path: Path,
) -> None:
    articles = _dossier(tmp_path, 18)
    random.Random(3).shuffle(articles)  # later arrivals sort before earlier ones too
    products = ProductCache(directory=tmp_path / "products")
    _same_as_full_build(articles[:10], products)
    _same_as_full_build(articles[:17], products)
    again = ProductCache(directory=tmp_path / "products")  # a new process: products on disk
    _same_as_full_build(articles, again)
    assert again.computed == 1
    # each article's statements were parsed at most once per dossier it was part of
    assert max(again.get(a).reactions.computed for a in articles) <= 2 * 3


def _said(article_id: str, *lines: str) -> Article:
    return row_article(
        article_id,
        title="تصريحات حول الاتفاقية",
        text="\n".join(lines),
        outlet="صحيفة",
        url=None,
        published=dt.date(2025, 3, 1),
        published_reason="test",
    )


def test_a_new_article_reparses_only_the_articles_whose_dossier_answers_it_changes(
    tmp_path: Path,
) -> None:
    # "بوتين" alone is a name only once some article introduces him with a role
    surname_only = _said(
        "20250301-0000000001",
        "وقال بوتين إن الاتفاقية خطوة مهمة نحو تعزيز الاستقرار في المنطقة.",
        "وتنص الاتفاقية على تقديم المساعدة العسكرية الفورية إذا تعرض أحد الطرفين لهجوم.",
    )
    unrelated = _said(
        "20250301-0000000002",
        "وأكد وزير الخارجية الصيني وانغ يي أن بلاده تتابع التطورات عن كثب.",
    )
    introduces = _said(
        "20250301-0000000003",
        "وقال الرئيس الروسي فلاديمير بوتين إن التعاون بين البلدين سيعود بالنفع على الشعبين.",
    )
    products = ProductCache()
    _same_as_full_build([surname_only], products)
    parsed = products.get(surname_only).reactions.computed
    _same_as_full_build([surname_only, unrelated], products)
    assert products.get(surname_only).reactions.computed == parsed  # nothing it asked changed
    live = build_live_cache([surname_only, unrelated, introduces], products)
    assert products.get(surname_only).reactions.computed > parsed  # "بوتين" is known now
    assert products.get(unrelated).reactions.computed == parsed
    assert any(
        r.actor_key and ev.article_id == surname_only.id
        for r in live.reactions
        if "بوتين" in r.actor
        for ev in r.sources
    )
    _same_as_full_build([surname_only, unrelated, introduces], products)


def test_live_cache_is_replaced_atomically_and_noticed(tmp_path: Path) -> None:
    cache = build_cache(load_corpus(SEEDS), digest="one")
    watcher = LiveCacheWatcher(live_cache_path(tmp_path))
    assert watcher.poll() is None
    write_live_cache(tmp_path, cache)
    seen = watcher.poll()
    # opened from its archive, written with it: texts are read on demand
    assert seen is not None and seen.texts == [] and watcher.poll() is None
    assert dumps_cache(seen.model_copy(update={"texts": cache.texts})) == dumps_cache(cache)
    assert all(seen.text(t.article_id) == t for t in cache.texts)
    write_live_cache(tmp_path, cache.model_copy(update={"source_digest": "two"}))
    seen = watcher.poll()
    assert seen is not None and seen.source_digest == "two"
    assert os.listdir(live_cache_path(tmp_path).parent) == ["cache.json"]  # no temp files left
    assert len(os.listdir(tmp_path / "archive")) == 2  # each version's archive, no temp
    committed = ROOT / "summaries" / "cache.json"
    assert serving_cache(committed, tmp_path).source_digest == "two"
    assert serving_cache(committed, tmp_path, explicit=True).source_digest != "two"
    assert serving_cache(committed, tmp_path / "empty").source_digest != "two"


def test_an_unplaced_official_follows_the_dossier_country_when_it_changes(
    tmp_path: Path,
) -> None:
    # an article that names no country: its minister speaks for the dossier's country,
    # which only the later articles decide
    unplaced = _said(
        "20250301-0000000011",
        "وقال وزير المالية إن الاتفاق سيخفض عجز الموازنة خلال العام المقبل.",
    )
    about_egypt = [
        _said(
            f"20250301-00000000{12 + i}",
            "وقالت الحكومة المصرية إن مصر ستحصل على الشريحة التالية من القرض.",
            "وأكد مسؤول مصري أن مصر ملتزمة بالإصلاحات.",
        )
        for i in range(2)
    ]
    products = ProductCache()
    _same_as_full_build([unplaced], products)
    before = build_live_cache([unplaced], products)
    _same_as_full_build([unplaced, *about_egypt], products)
    after = build_live_cache([unplaced, *about_egypt], products)
    minister = [r for r in after.reactions if any(e.article_id == unplaced.id for e in r.sources)]
    assert minister and {r.party for r in minister} == {"مصر"}
    assert all(r.party != "مصر" for r in before.reactions)
