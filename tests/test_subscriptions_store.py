"""The subscription store on SQLite and PostgreSQL: migrations, queue, schedule, claims."""
# ruff: noqa: F811  (pytest fixtures imported from test_subscriptions_support)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from test_subscriptions_support import Clock, clock, store  # noqa: F401

from bot.subscriptions.models import metadata
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import ArticleRef, SubscriptionStore

A = [
    ArticleRef("b", "2024-06-20", "fb"),
    ArticleRef("a", "2024-06-19", "fa"),
    ArticleRef("c", "2024-11-08", "fc"),
]
UTC8 = Preferences(hour=8, minute=0, tz="UTC", frequency="daily")


def heads(store: SubscriptionStore, chat: int) -> list[tuple[str, str]]:
    return [(a, s) for c, a, s, _n in store.delivery_log() if c == chat]


def test_migrations_create_the_model_tables_and_are_idempotent(store: SubscriptionStore) -> None:
    store.migrate()
    current, head = store.schema_revision()
    assert current == head is not None  # whatever the newest revision is
    insp = inspect(store.engine)
    for table in metadata.sorted_tables:
        cols = {c["name"] for c in insp.get_columns(table.name)}
        assert cols == {c.name for c in table.columns}, table.name


def test_upgrade_keeps_subscribers(tmp_path: Path, clock: Clock) -> None:
    url = f"sqlite:///{tmp_path / 'u.sqlite3'}"
    first = SubscriptionStore.from_url(url)
    first.subscribe(1, UTC8, clock())
    first.close()
    again = SubscriptionStore.from_url(url)  # start-up migrates again
    assert again.get(1) is not None
    assert again.get(1).active  # type: ignore[union-attr]


def test_upgrade_from_the_first_revision_keeps_data_and_languages(
    tmp_path: Path, clock: Clock
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = SubscriptionStore.from_url(url, migrate=False)
    with old.engine.begin() as conn:
        command.upgrade(old._alembic_config(conn), "0001")
    assert old.schema_revision()[0] == "0001"
    assert "chat_prefs" not in inspect(old.engine).get_table_names()
    old.subscribe(1, UTC8, clock())
    old.set_lang(1, "en")
    old.close()
    new = SubscriptionStore.from_url(url)  # start-up runs 0002 and every later revision
    current, head = new.schema_revision()
    assert current == head and current != "0001"
    assert new.get(1) is not None and new.chat_lang(1) == "en"  # the subscription's
    new.remember_lang(2, "en", clock())
    assert new.chat_lang(2) == "en"
    new.downgrade("0001")  # and back down, for an operator rolling back
    assert "chat_prefs" not in inspect(new.engine).get_table_names()
    assert new.get(1) is not None


def test_queue_in_publication_order_once_per_subscriber(
    store: SubscriptionStore, clock: Clock
) -> None:
    assert store.sync_articles(A, clock()) == 3
    store.subscribe(1, UTC8, clock())
    assert store.sync_articles(A, clock()) == 0  # idempotent
    store.enqueue_pending(None)
    assert heads(store, 1) == [("a", "queued"), ("b", "queued"), ("c", "queued")]
    store.sync_articles([*A, ArticleRef("d", "2024-12-01", "fd")], clock())
    assert [a for a, _ in heads(store, 1)] == ["a", "b", "c", "d"]


def test_rebuilt_article_is_appended_only_when_already_served(
    store: SubscriptionStore, clock: Clock
) -> None:
    store.sync_articles(A[:1], clock())
    store.subscribe(1, UTC8, clock())
    store.subscribe(2, UTC8, clock())
    # chat 1 got "b"; chat 2 still has it queued
    store.promote_due(clock(), force=True)
    got = store.claim("w", clock(), chat_id=1)
    store.mark_sent([c.id for c in got], clock())
    store.sync_articles([ArticleRef("b", "2024-06-20", "fb-rebuilt")], clock())
    assert heads(store, 1) == [("b", "sent"), ("b", "queued")]
    assert heads(store, 2) == [("b", "ready")]


@pytest.mark.parametrize(
    ("start", "expected"),
    [("oldest", ["a", "b", "c", "d"]), ("latest_only", ["c", "d"]), ("newest", ["d"])],
)
def test_new_subscriber_start(
    store: SubscriptionStore, clock: Clock, start: str, expected: list[str]
) -> None:
    store.sync_articles(A, clock())
    store.subscribe(1, UTC8, clock(), start=start)  # type: ignore[arg-type]
    store.sync_articles([ArticleRef("d", "2025-01-01", "fd")], clock())
    assert [a for a, _ in heads(store, 1)] == expected


def test_resubscribe_resumes_the_same_queue(store: SubscriptionStore, clock: Clock) -> None:
    store.sync_articles(A, clock())
    store.subscribe(1, UTC8, clock())
    clock.set(datetime(2026, 3, 1, 8, 0, 1, tzinfo=UTC))
    assert store.promote_due(clock()) == 1
    store.mark_sent([c.id for c in store.claim("w", clock())], clock())
    assert store.deactivate(1, "unsubscribed", clock())
    store.sync_articles([*A, ArticleRef("d", "2025-01-01", "fd")], clock())  # while away
    assert [a for a, _ in heads(store, 1)] == ["a", "b", "c"]
    sub, created = store.subscribe(1, UTC8, clock(), start="newest")
    assert not created and sub.active
    assert heads(store, 1) == [("a", "sent"), ("b", "queued"), ("c", "queued"), ("d", "queued")]


def test_missed_slots_are_delivered_once(store: SubscriptionStore, clock: Clock) -> None:
    store.sync_articles(A, clock())
    store.subscribe(1, Preferences(hour=8, tz="UTC", frequency="twice"), clock())
    assert store.promote_due(clock()) == 0  # 05:00, due at 08:00
    clock.advance(days=3)  # six slots missed while "down"
    assert store.promote_due(clock()) == 1
    assert store.promote_due(clock()) == 0
    assert store.get(1).next_due_at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)  # type: ignore[union-attr]


def test_a_ready_digest_blocks_a_second_one(store: SubscriptionStore, clock: Clock) -> None:
    store.sync_articles(A, clock())
    store.subscribe(1, UTC8, clock())
    assert store.promote_due(clock(), force=True) == 1
    assert store.promote_due(clock(), force=True) == 0
    assert [s for _, s in heads(store, 1)] == ["ready", "queued", "queued"]


def test_due_in_local_time_across_dst(store: SubscriptionStore, clock: Clock) -> None:
    store.sync_articles(A, clock())
    berlin = Preferences(hour=8, tz="Europe/Berlin", frequency="daily")
    clock.set(datetime(2026, 3, 28, 12, tzinfo=UTC))
    store.subscribe(1, berlin, clock())
    # 29 March 2026: clocks go forward, 08:00 CEST is 06:00 UTC (it was 07:00 UTC before)
    assert store.get(1).next_due_at == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)  # type: ignore[union-attr]
    clock.set(datetime(2026, 3, 29, 5, 59, tzinfo=UTC))
    assert store.promote_due(clock()) == 0
    clock.set(datetime(2026, 3, 29, 6, 0, tzinfo=UTC))
    assert store.promote_due(clock()) == 1


def test_claims_are_exclusive_and_leases_expire(store: SubscriptionStore, clock: Clock) -> None:
    store.sync_articles(A, clock())
    for chat in range(1, 6):
        store.subscribe(chat, UTC8, clock())
    store.promote_due(clock(), force=True)
    first = store.claim("w1", clock(), limit=3)
    second = store.claim("w2", clock(), limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {c.id for c in first} & {c.id for c in second}
    assert store.claim("w3", clock()) == []
    clock.advance(minutes=5)  # w1 "crashed": its lease ran out
    retaken = store.claim("w3", clock(), lease=timedelta(minutes=2))
    assert {c.id for c in retaken} == {c.id for c in first} | {c.id for c in second}
    assert store.release([c.id for c in retaken], "w3") == 5
    assert store.release_worker() == 0


def test_blocked_subscriber_keeps_the_digest_for_later(
    store: SubscriptionStore, clock: Clock
) -> None:
    store.sync_articles(A, clock())
    store.subscribe(1, UTC8, clock())
    store.promote_due(clock(), force=True)
    (c,) = store.claim("w", clock())
    store.requeue_blocked(c.id, 1, clock(), "blocked")
    sub = store.get(1)
    assert sub is not None and not sub.active and sub.inactive_reason == "blocked"
    assert store.promote_due(clock(), force=True) == 0
    store.subscribe(1, UTC8, clock())
    assert store.promote_due(clock(), force=True) == 1
    assert [c2.article_id for c2 in store.claim("w", clock())] == ["a"]


def test_stats(store: SubscriptionStore, clock: Clock) -> None:
    store.sync_articles(A, clock())
    store.subscribe(1, UTC8, clock())
    store.subscribe(2, Preferences(frequency="weekly"), clock())
    store.deactivate(2, "unsubscribed", clock())
    st = store.stats()
    assert (st.active, st.inactive, st.pending, st.items) == (1, 1, 6, 3)
    assert st.by_frequency == {"daily": 1}
    assert store.queue_depth() == 6
    assert [s.chat_id for s in store.iter_subscribers(active=True)] == [1]


def test_language_choice_is_kept_per_chat_and_followed_by_digests(
    store: SubscriptionStore, clock: Clock
) -> None:
    store.subscribe(1, UTC8, clock())
    store.remember_lang(1, "en", clock())
    store.remember_lang(2, "en", clock())  # not subscribed
    store.remember_lang(2, "ar", clock())  # chosen again: one row, the latest choice
    assert store.get(1).lang == "en"  # type: ignore[union-attr]
    assert (store.chat_lang(1), store.chat_lang(2), store.chat_lang(3)) == ("en", "ar", None)


def test_claims_say_which_chats_are_channels(store: SubscriptionStore, clock: Clock) -> None:
    """A group (negative id, a reader's subscription) keeps the reader's buttons; only a
    channel's subscription ("each") is rendered as a channel post."""
    store.sync_articles(A[:1], clock())
    store.subscribe(-100_123, UTC8, clock())  # a supergroup subscribed by its admins
    channel = Preferences(hour=0, minute=0, tz="UTC", frequency="each")
    store.subscribe(-100_456, channel, clock())
    store.promote_due(clock(), force=True)
    got = {c.chat_id: c.channel for c in store.claim("w", clock())}
    assert got == {-100_123: False, -100_456: True}
