"""The article and feed store on SQLite and PostgreSQL: leases keep replicas off each
other's feeds, a canonical URL is accepted once, an article is announced once."""
# ruff: noqa: F811

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from test_subscriptions_support import Clock, clock, drop_schema, open_store  # noqa: F401

from bot.ingest.store import ArticleStore
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import ArticleRef, SubscriptionStore


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[SubscriptionStore, ArticleStore, str, str | None]]:
    subs, url, schema = open_store(request.param, tmp_path)
    try:
        yield subs, ArticleStore(subs), url, schema
    finally:
        subs.close()
        if schema:
            drop_schema(schema)


def row(article_id: str, canonical: str, clock: Clock) -> dict[str, object]:
    return {
        "id": article_id,
        "urls": [canonical],
        "canonical_url": canonical,
        "guid": None,
        "feed_id": None,
        "outlet": None,
        "title": "عنوان",
        "published": "2025-03-04",
        "published_reason": "test",
        "fetched": clock(),
        "text": "نص",
        "content_hash": None,
        "signature": None,
        "status": "accepted",
        "reason": None,
        "detail": "",
    }


def test_two_pollers_never_hold_one_feed(
    stores: tuple[SubscriptionStore, ArticleStore, str, str | None], clock: Clock
) -> None:
    _subs, store, url, schema = stores
    for n in range(40):
        store.add_feed(f"https://feeds.example/{n}", clock())
    other_subs = (
        SubscriptionStore.from_url(url, connect_args={"options": f"-csearch_path={schema}"})
        if schema
        else SubscriptionStore.from_url(url)
    )
    other = ArticleStore(other_subs)
    got: dict[str, list[int]] = {}

    def take(name: str, s: ArticleStore) -> None:
        got[name] = [f.id for f in s.lease_feeds(name, clock(), limit=25)]

    threads = [
        threading.Thread(target=take, args=("a", store)),
        threading.Thread(target=take, args=("b", other)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(got["a"]) & set(got["b"])
    assert len(got["a"]) + len(got["b"]) == 40
    # a lease that expired (its poller died) is free again; a held one is not
    assert store.lease_feeds("c", clock()) == []
    again = store.lease_feeds("c", clock() + timedelta(minutes=6))
    assert len(again) == 40
    other_subs.close()


def test_a_canonical_url_is_accepted_once_and_announced_once(
    stores: tuple[SubscriptionStore, ArticleStore, str, str | None], clock: Clock
) -> None:
    subs, store, _url, _schema = stores
    subs.subscribe(7, Preferences(hour=8), clock())
    assert store.record(row("20250304-a", "https://e.org/a", clock)) == "accepted"
    assert store.record(row("20250304-b", "https://e.org/a", clock)) == "refused"
    assert store.get("20250304-b").reason == "duplicate_url"  # type: ignore[union-attr]
    ref = ArticleRef("20250304-a", "2025-03-04", ArticleRef.fingerprint_of("عنوان", "نص"))
    assert store.announce([ref], clock()) == ["20250304-a"]
    assert store.announce([ref], clock()) == []  # another replica, or a restart
    assert subs.sync_articles([ref], clock()) == 0  # the delivery sync sees it queued
    queued = [a for chat, a, _s, _n in subs.delivery_log() if chat == 7]
    assert queued.count("20250304-a") == 1
    assert store.unannounced() == []
