"""The article and feed store: what the intake has seen, in the subscriptions database.

Sync SQLAlchemy Core over the :class:`SubscriptionStore`'s engine (same database, same
thread-hop convention: call from asyncio through ``store.call``). The guarantees:

* a GUID or URL seen once is never fetched again (restart included); transient fetch
  failures are kept as ``retry`` and tried again a few times;
* two replicas never accept the same canonical URL (a partial unique index), never poll
  one feed at once (leases; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and never announce
  an article twice (:meth:`announce` marks it in the transaction that queues it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.ingest.accept import Known
from bot.ingest.models import articles, feeds
from bot.subscriptions.models import queue_items
from bot.subscriptions.store import ArticleRef, SubscriptionStore

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    interval_seconds: int
    last_poll: datetime | None
    last_success: datetime | None
    failing_since: datetime | None
    failures: int
    last_error: str | None
    next_poll: datetime


@dataclass(frozen=True)
class ArticleRow:
    id: str
    urls: list[str]
    canonical_url: str | None
    guid: str | None
    feed_id: int | None
    outlet: str | None
    title: str
    published: str | None
    published_reason: str | None
    fetched: datetime
    text: str
    content_hash: str | None
    signature: list[int] | None
    status: str
    reason: str | None
    detail: str | None
    also_reported_by: list[dict[str, str]]
    attempts: int
    announced: datetime | None


def _feed(m: Any) -> FeedRow:
    return FeedRow(**{k: m[k] for k in FeedRow.__dataclass_fields__})


def _article(m: Any) -> ArticleRow:
    values = {k: m[k] for k in ArticleRow.__dataclass_fields__}
    values["urls"] = json.loads(m["urls"] or "[]")
    values["signature"] = json.loads(m["signature"]) if m["signature"] else None
    values["also_reported_by"] = json.loads(m["also_reported_by"] or "[]")
    return ArticleRow(**values)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("datetimes passed to the store must be timezone-aware")
    return now.astimezone(UTC)


class ArticleStore:
    """Feeds, articles and announcements. Methods are sync; use :meth:`call` from async."""

    def __init__(self, subscriptions: SubscriptionStore) -> None:
        self.subs = subscriptions
        self.engine = subscriptions.engine
        self.call = subscriptions.call

    # -- feeds --------------------------------------------------------------------------

    def add_feed(self, url: str, now: datetime, *, interval: int = 900) -> tuple[FeedRow, bool]:
        """Follow ``url`` (first poll at once); returns (feed, created)."""
        now = _utc(now)
        with self.engine.begin() as conn:
            row = conn.execute(select(feeds).where(feeds.c.url == url)).first()
            if row is not None:
                return _feed(row._mapping), False
            conn.execute(
                insert(feeds).values(
                    url=url, interval_seconds=interval, added_at=now, next_poll=now, failures=0
                )
            )
            row = conn.execute(select(feeds).where(feeds.c.url == url)).one()
        return _feed(row._mapping), True

    def remove_feed(self, url: str) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(feeds).where(feeds.c.url == url)).rowcount)

    def list_feeds(self) -> list[FeedRow]:
        with self.engine.connect() as conn:
            return [_feed(r._mapping) for r in conn.execute(select(feeds).order_by(feeds.c.id))]

    def lease_feeds(
        self,
        owner: str,
        now: datetime,
        *,
        limit: int = 500,
        lease: timedelta = timedelta(minutes=5),
    ) -> list[FeedRow]:
        """Take the due feeds nobody else holds, for ``lease``; a crashed poller's lease
        simply expires."""
        now = _utc(now)
        f = feeds
        free = or_(f.c.lease_expires.is_(None), f.c.lease_expires < now)
        pick = select(f.c.id).where(f.c.next_poll <= now, free).order_by(f.c.next_poll).limit(limit)
        if self.subs.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(f)
            .where(f.c.id.in_(pick.scalar_subquery()), free)
            .values(lease_owner=owner[:64], lease_expires=now + lease)
            .returning(*f.c)
        )
        with self.engine.begin() as conn:
            rows = [_feed(r._mapping) for r in conn.execute(stmt)]
        return sorted(rows, key=lambda r: r.next_poll)

    def lease_holders(self, now: datetime) -> list[str]:
        """Owners of unexpired feed leases (to spot pollers that died holding one)."""
        f = feeds
        with self.engine.connect() as conn:
            return [
                str(r[0])
                for r in conn.execute(
                    select(f.c.lease_owner)
                    .where(f.c.lease_owner.is_not(None), f.c.lease_expires >= _utc(now))
                    .distinct()
                )
            ]

    def release_leases(self, owner: str) -> int:
        """Drop ``owner``'s leases (a poller known to be dead): its feeds are due again."""
        f = feeds
        with self.engine.begin() as conn:
            return conn.execute(
                update(f)
                .where(f.c.lease_owner == owner)
                .values(lease_owner=None, lease_expires=None)
            ).rowcount

    def feed_done(
        self,
        feed_id: int,
        owner: str,
        now: datetime,
        *,
        ok: bool,
        next_poll: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record a poll's outcome and release the lease."""
        now = _utc(now)
        f = feeds
        values: dict[str, Any] = {
            "last_poll": now,
            "next_poll": _utc(next_poll),
            "lease_owner": None,
            "lease_expires": None,
        }
        if ok:
            values.update(last_success=now, failing_since=None, failures=0, last_error=None)
            if etag is not None or last_modified is not None:
                values.update(etag=etag, last_modified=last_modified)
            if title:
                values["title"] = title[:300]
        else:
            values.update(
                failures=f.c.failures + 1,
                failing_since=func.coalesce(f.c.failing_since, now),
                last_error=(error or "")[:300],
            )
        with self.engine.begin() as conn:
            conn.execute(
                update(f).where(f.c.id == feed_id, f.c.lease_owner == owner[:64]).values(**values)
            )

    # -- articles -----------------------------------------------------------------------

    def seen_guids(self, guids: Sequence[str]) -> set[str]:
        """GUIDs already judged for good (a ``retry`` under the attempt limit is not)."""
        if not guids:
            return set()
        a = articles
        settled = or_(a.c.status != "retry", a.c.attempts >= MAX_ATTEMPTS)
        with self.engine.connect() as conn:
            return {
                r[0]
                for r in conn.execute(select(a.c.guid).where(a.c.guid.in_(list(guids)), settled))
            }

    def seen_url(self, url: str) -> str | None:
        """The id of a settled article fetched from exactly ``url`` (as given), if any."""
        a = articles
        settled = or_(a.c.status != "retry", a.c.attempts >= MAX_ATTEMPTS)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(a.c.id).where(a.c.urls.contains(json.dumps(url)), settled).limit(1)
            ).first()
        return None if row is None else str(row[0])

    def known(self) -> Known:
        """Canonical URLs, GUIDs and signatures of every accepted article."""
        known = Known()
        a = articles
        with self.engine.connect() as conn:
            for r in conn.execute(
                select(a.c.id, a.c.canonical_url, a.c.urls, a.c.guid, a.c.signature)
                .where(a.c.status == "accepted")
                .order_by(a.c.fetched, a.c.id)
            ):
                urls = [r.canonical_url] if r.canonical_url else []
                known.add(r.id, urls, json.loads(r.signature) if r.signature else None)
                if r.guid:
                    known.guids.add(r.guid)
        return known

    def record(self, row: dict[str, Any]) -> str:
        """Insert (or update a ``retry`` row with) one judged article; returns its status.

        An accepted article that loses the race for its canonical URL to another replica
        is recorded as a refused ``duplicate_url`` instead.
        """
        row = dict(row)
        for key in ("urls", "signature", "also_reported_by"):
            if key in row and not isinstance(row[key], str | None):
                row[key] = json.dumps(row[key], ensure_ascii=False)
        row["detail"] = (row.get("detail") or "")[:500] or None
        a = articles
        try:
            with self.engine.begin() as conn:
                self._upsert(conn, row)
        except IntegrityError:
            row.update(status="refused", reason="duplicate_url", detail="accepted meanwhile")
            with self.engine.begin() as conn:
                self._upsert(conn, row)
        with self.engine.connect() as conn:
            return str(conn.execute(select(a.c.status).where(a.c.id == row["id"])).scalar_one())

    @staticmethod
    def _upsert(conn: Any, row: dict[str, Any]) -> None:
        a = articles
        old = conn.execute(select(a.c.status, a.c.attempts).where(a.c.id == row["id"])).first()
        if old is None:
            conn.execute(insert(a).values(**row))
        elif old.status == "retry":
            conn.execute(
                update(a).where(a.c.id == row["id"]).values(**row, attempts=old.attempts + 1)
            )

    def add_also_reported(self, article_id: str, entry: dict[str, str]) -> None:
        """Note a near-duplicate's outlet and URL on the first article (once per URL)."""
        a = articles
        with self.engine.begin() as conn:
            cur = conn.execute(
                select(a.c.also_reported_by).where(a.c.id == article_id)
            ).scalar_one_or_none()
            listed: list[dict[str, str]] = json.loads(cur or "[]")
            if all(e.get("url") != entry.get("url") for e in listed):
                listed.append(entry)
                conn.execute(
                    update(a)
                    .where(a.c.id == article_id)
                    .values(also_reported_by=json.dumps(listed, ensure_ascii=False))
                )

    def list_articles(
        self, *, status: str | None = None, limit: int | None = None
    ) -> list[ArticleRow]:
        stmt = select(articles).order_by(articles.c.fetched.desc(), articles.c.id)
        if status is not None:
            stmt = stmt.where(articles.c.status == status)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [_article(r._mapping) for r in conn.execute(stmt)]

    def get(self, article_id: str) -> ArticleRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        return None if row is None else _article(row._mapping)

    def accepted(self) -> list[ArticleRow]:
        """Every accepted article, in id order (the live cache's input)."""
        stmt = select(articles).where(articles.c.status == "accepted").order_by(articles.c.id)
        with self.engine.connect() as conn:
            return [_article(r._mapping) for r in conn.execute(stmt)]

    def reasons(self) -> dict[str, int]:
        """Refusals counted by reason (for operators and the tests' closing note)."""
        a = articles
        with self.engine.connect() as conn:
            return {
                str(r[0]): int(r[1])
                for r in conn.execute(
                    select(a.c.reason, func.count())
                    .where(a.c.status != "accepted")
                    .group_by(a.c.reason)
                )
            }

    def freshness(self) -> tuple[datetime | None, datetime | None]:
        """(when the newest accepted article was fetched, the last successful feed poll)."""
        with self.engine.connect() as conn:
            last_article = conn.execute(
                select(func.max(articles.c.fetched)).where(articles.c.status == "accepted")
            ).scalar_one()
            last_poll = conn.execute(select(func.max(feeds.c.last_success))).scalar_one()
        return _aware(last_article), _aware(last_poll)

    # -- announcing ---------------------------------------------------------------------

    def unannounced(self) -> list[str]:
        a = articles
        with self.engine.connect() as conn:
            return [
                str(r[0])
                for r in conn.execute(
                    select(a.c.id)
                    .where(a.c.status == "accepted", a.c.announced.is_(None))
                    .order_by(a.c.id)
                )
            ]

    def announce(self, refs: Sequence[ArticleRef], now: datetime) -> list[str]:
        """Queue each article's digest for every active subscriber and mark it announced,
        all in one transaction; articles already announced (by another replica) are
        skipped. Returns the ids announced now."""
        now = _utc(now)
        a, q = articles, queue_items
        done: list[str] = []
        with self.engine.begin() as conn:
            self.subs._lock(conn, "queue_items")
            for ref in sorted(refs, key=lambda r: (r.published, r.article_id)):
                claimed = conn.execute(
                    update(a)
                    .where(
                        a.c.id == ref.article_id, a.c.status == "accepted", a.c.announced.is_(None)
                    )
                    .values(announced=now)
                ).rowcount
                if not claimed:
                    continue
                exists_ = conn.execute(
                    select(q.c.seq).where(
                        and_(q.c.article_id == ref.article_id, q.c.fingerprint == ref.fingerprint)
                    )
                ).first()
                if exists_ is None:
                    conn.execute(
                        insert(q).values(
                            article_id=ref.article_id,
                            fingerprint=ref.fingerprint,
                            published=ref.published,
                            added_at=now,
                        )
                    )
                done.append(ref.article_id)
            if done:
                self.subs.enqueue_in(conn, None)
        return done


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
