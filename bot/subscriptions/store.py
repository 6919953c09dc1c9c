"""The subscription store: subscribers and their delivery queue in one SQL database.

Design choice — *sync* SQLAlchemy, called from asyncio through :func:`asyncio.to_thread`
(:meth:`SubscriptionStore.call`): one code path serves the bot, the ``digestbot
deliver``/``subscribers`` commands and Alembic (which is synchronous); the stdlib sqlite3
and psycopg drivers are the best-tested ones; and every hot path is a set-based statement
over hundreds of rows, so the thread hop costs far less than the SQL it carries.

Queue semantics (see also docs/architecture.md):

* ``queue_items`` is the append-only list of article *versions* in publication order
  (``seq``). :meth:`sync_articles` appends new ids (and rebuilt ids whose digest changed)
  and then queues them for every active subscriber — idempotently, so every replica may
  run it at start-up.
* ``deliveries`` holds one row per (subscriber, item): ``queued`` → ``ready`` when the
  subscriber's slot comes (:meth:`promote_due`, one digest per slot) → ``claimed`` under a
  lease (:meth:`claim`; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) → ``sent``. A claim whose
  lease expired is claimable again, so a crashed sender's rows are retried: a crash between
  send and mark costs at most one duplicate, never a loss.
* Where a new subscriber starts is ``Settings.new_subscriber_start``: ``oldest`` queues the
  whole backlog oldest first; ``latest_only`` queues just the newest article; ``newest``
  queues nothing from the backlog, only articles added after subscribing. Unsubscribing
  keeps the queue, and subscribing again resumes it (articles added meanwhile are appended).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Engine,
    and_,
    bindparam,
    create_engine,
    event,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StoreError
from bot.subscriptions.models import (
    DeliveryStatus,
    chat_prefs,
    deliveries,
    queue_items,
    subscribers,
)
from bot.subscriptions.schedule import (
    CHANNEL_FREQUENCY,
    Preferences,
    frequency_of,
    next_slot_after,
)

P = ParamSpec("P")
R = TypeVar("R")
StartPolicy = Literal["oldest", "newest", "latest_only"]
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.READY, DeliveryStatus.CLAIMED)


@dataclass(frozen=True)
class ArticleRef:
    """What the queue needs to know about an article of the loaded cache."""

    article_id: str
    published: str
    fingerprint: str

    @staticmethod
    def fingerprint_of(*parts: str) -> str:
        """A stable hash of an article's served content (title, digest sentences)."""
        h = hashlib.sha256()
        for part in parts:
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:32]


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    lang: str
    prefs: Preferences
    active: bool
    inactive_reason: str | None
    next_due_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Claimed:
    """A delivery held by one sender until its lease expires."""

    id: int
    chat_id: int
    article_id: str
    attempts: int
    lang: str
    #: a registered channel (posts carry a link to the bot, not a reader's buttons);
    #: groups have negative ids too and keep the reader's buttons
    channel: bool = False


@dataclass(frozen=True)
class Stats:
    active: int
    inactive: int
    blocked: int
    by_frequency: dict[str, int]
    pending: int
    ready: int
    sent: int
    failed: int
    items: int


def default_worker_id() -> str:
    """Identifies a claimer in the ``claimed_by`` column (host, pid, random)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("datetimes passed to the store must be timezone-aware")
    return now.astimezone(UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def create_store_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def check_database_url(url: str) -> None:
    """Raise :class:`StoreError` (password hidden) for a URL of a database we do not support."""
    try:
        parsed = make_url(url)
    except Exception:  # sqlalchemy.exc.ArgumentError, ValueError: not a URL at all
        raise StoreError("DIGESTBOT_DATABASE_URL is not a database URL") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(
            f"unsupported database {backend!r} in {shown}: use sqlite:///path or postgresql://"
        )


def _subscriber_lang(chat_id: int, lang: str) -> Any:
    return update(subscribers).where(subscribers.c.chat_id == chat_id).values(lang=lang)


class SubscriptionStore:
    """All SQL for subscriptions and deliveries. Methods are sync; use :meth:`call` from async."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, *, migrate: bool = True, **engine_kwargs: Any) -> SubscriptionStore:
        """Open (and by default migrate) the database at ``url``; raises :class:`StoreError`."""
        check_database_url(url)
        try:
            store = cls(create_store_engine(url, **engine_kwargs))
            if migrate:
                store.migrate()
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the subscription database: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from exc
        except OSError as exc:  # e.g. the data directory is a file
            why = exc.strerror or str(exc)
            if isinstance(exc, FileExistsError | NotADirectoryError):
                why = "not a directory (check DIGESTBOT_DATA_DIR)"
            raise StoreError(
                f"cannot open the subscription database: {exc.filename}: {why}"
            ) from None
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def call(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a store method in a worker thread so the event loop never blocks on SQL."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    def close(self) -> None:
        self.engine.dispose()

    # -- migrations -------------------------------------------------------------------

    @staticmethod
    def _alembic_config(connection: Connection | None = None) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", "bot.subscriptions:migrations")
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision shipped with the package (idempotent)."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # two replicas starting together must not both run DDL
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(724106)")
            command.upgrade(self._alembic_config(conn), "head")

    def downgrade(self, revision: str) -> None:
        """Take the schema back to ``revision`` (rolling back a release; data in dropped
        tables is lost)."""
        with self.engine.begin() as conn:
            command.downgrade(self._alembic_config(conn), revision)

    def schema_revision(self) -> tuple[str | None, str | None]:
        """(current revision in the database, newest revision shipped)."""
        head = ScriptDirectory.from_config(self._alembic_config()).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        return current, head

    # -- articles → queue ---------------------------------------------------------------

    def sync_articles(self, articles: Sequence[ArticleRef], now: datetime) -> int:
        """Append unseen article versions in publication order and queue them; idempotent.

        Returns how many items were added. A rebuilt article (same id, new fingerprint) is
        appended too, but only queued for subscribers who no longer have that article
        pending — an unsent older version is served with the current text anyway.
        """
        now = _utc(now)
        ordered = sorted(articles, key=lambda a: (a.published, a.article_id))
        with self.engine.begin() as conn:
            self._lock(conn, "queue_items")
            known = {
                (r.article_id, r.fingerprint)
                for r in conn.execute(select(queue_items.c.article_id, queue_items.c.fingerprint))
            }
            new = [a for a in ordered if (a.article_id, a.fingerprint) not in known]
            for a in new:
                conn.execute(
                    insert(queue_items).values(
                        article_id=a.article_id,
                        fingerprint=a.fingerprint,
                        published=a.published,
                        added_at=now,
                    )
                )
        self.enqueue_pending(None)
        return len(new)

    def _lock(self, conn: Connection, table: str) -> None:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")

    def _insert_ignore(self) -> Any:
        if self.dialect == "postgresql":
            return postgresql.insert(deliveries)
        return sqlite.insert(deliveries)

    def enqueue_pending(self, chat_ids: Sequence[int] | None) -> int:
        """Queue every item newer than each active subscriber's ``queued_through``."""
        with self.engine.begin() as conn:
            return self.enqueue_in(conn, chat_ids)

    def enqueue_in(self, conn: Connection, chat_ids: Sequence[int] | None) -> int:
        """:meth:`enqueue_pending` inside the caller's transaction (the intake announces an
        article and queues it for every subscriber in one commit)."""
        s, q = subscribers, queue_items
        d2 = deliveries.alias("d2")
        q2 = queue_items.alias("q2")
        top = conn.execute(select(func.coalesce(func.max(q.c.seq), 0))).scalar_one()
        cond = [s.c.active.is_(True), q.c.seq > s.c.queued_through]
        if chat_ids is not None:
            cond.append(s.c.chat_id.in_(list(chat_ids)))
        already_pending = exists(
            select(literal(1))
            .select_from(d2.join(q2, q2.c.seq == d2.c.item_seq))
            .where(
                d2.c.chat_id == s.c.chat_id,
                q2.c.article_id == q.c.article_id,
                d2.c.status.in_(PENDING),
            )
        )
        rows = (
            select(
                s.c.chat_id,
                q.c.seq,
                q.c.article_id,
                literal(DeliveryStatus.QUEUED.value),
                literal(0),
            )
            .select_from(s.join(q, q.c.seq > s.c.queued_through))
            .where(and_(*cond), ~already_pending)
            .order_by(s.c.chat_id, q.c.seq)
        )
        stmt = (
            self._insert_ignore()
            .from_select(["chat_id", "item_seq", "article_id", "status", "attempts"], rows)
            .on_conflict_do_nothing()
        )
        added = conn.execute(stmt).rowcount or 0
        upd = update(s).where(s.c.active.is_(True), s.c.queued_through < top)
        if chat_ids is not None:
            upd = upd.where(s.c.chat_id.in_(list(chat_ids)))
        conn.execute(upd.values(queued_through=top))
        return max(added, 0)

    # -- subscribers --------------------------------------------------------------------

    def subscribe(
        self,
        chat_id: int,
        prefs: Preferences,
        now: datetime,
        *,
        lang: str = "ar",
        start: StartPolicy = "oldest",
    ) -> tuple[Subscriber, bool]:
        """Create or reactivate a subscriber; returns (subscriber, created).

        A returning subscriber keeps their queue and its position; only a brand-new one is
        positioned by ``start``.
        """
        prefs.validate()
        now = _utc(now)
        due = next_slot_after(prefs, now)
        values = {
            "lang": lang,
            "hour": prefs.hour,
            "minute": prefs.minute,
            "tz": prefs.tz,
            "frequency": prefs.frequency,
            "weekday": prefs.weekday,
            "active": True,
            "inactive_reason": None,
            "next_due_at": due,
            "updated_at": now,
        }
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(subscribers.c.chat_id).where(subscribers.c.chat_id == chat_id)
            ).first()
            if existing is None:
                top = conn.execute(
                    select(func.coalesce(func.max(queue_items.c.seq), 0))
                ).scalar_one()
                through = {"oldest": 0, "newest": top, "latest_only": max(top - 1, 0)}[start]
                conn.execute(
                    insert(subscribers).values(
                        chat_id=chat_id, created_at=now, queued_through=through, **values
                    )
                )
            else:
                conn.execute(
                    update(subscribers).where(subscribers.c.chat_id == chat_id).values(**values)
                )
        self.enqueue_pending([chat_id])
        sub = self.get(chat_id)
        assert sub is not None
        return sub, existing is None

    def update_preferences(self, chat_id: int, prefs: Preferences, now: datetime) -> Subscriber:
        """Change when a subscriber is served; the next slot is recomputed from ``now``."""
        prefs.validate()
        now = _utc(now)
        with self.engine.begin() as conn:
            n = conn.execute(
                update(subscribers)
                .where(subscribers.c.chat_id == chat_id)
                .values(
                    hour=prefs.hour,
                    minute=prefs.minute,
                    tz=prefs.tz,
                    frequency=prefs.frequency,
                    weekday=prefs.weekday,
                    next_due_at=next_slot_after(prefs, now),
                    updated_at=now,
                )
            ).rowcount
        if not n:
            raise KeyError(chat_id)
        sub = self.get(chat_id)
        assert sub is not None
        return sub

    def set_lang(self, chat_id: int, lang: str) -> None:
        """The language a subscription's digests are sent in (no row: nothing happens)."""
        with self.engine.begin() as conn:
            conn.execute(_subscriber_lang(chat_id, lang))

    def remember_lang(self, chat_id: int, lang: str, now: datetime) -> None:
        """A chat's explicit /lang choice: kept for the chat and followed by its digests."""
        now = _utc(now)
        upsert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = upsert(chat_prefs).values(chat_id=chat_id, lang=lang, updated_at=now)
        with self.engine.begin() as conn:
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[chat_prefs.c.chat_id], set_={"lang": lang, "updated_at": now}
                )
            )
            conn.execute(_subscriber_lang(chat_id, lang))

    def chat_lang(self, chat_id: int) -> str | None:
        """The language a chat chose with /lang, else its subscription's; None if neither."""
        with self.engine.connect() as conn:
            chosen = conn.execute(
                select(chat_prefs.c.lang).where(chat_prefs.c.chat_id == chat_id)
            ).scalar()
            if chosen is None:
                chosen = conn.execute(
                    select(subscribers.c.lang).where(subscribers.c.chat_id == chat_id)
                ).scalar()
        return None if chosen is None else str(chosen)

    def deactivate(self, chat_id: int, reason: str, now: datetime) -> bool:
        """Stop serving a chat (``unsubscribed`` or ``blocked``); its queue is kept intact."""
        now = _utc(now)
        with self.engine.begin() as conn:
            n = conn.execute(
                update(subscribers)
                .where(subscribers.c.chat_id == chat_id, subscribers.c.active.is_(True))
                .values(active=False, inactive_reason=reason, updated_at=now)
            ).rowcount
            # a ready or claimed digest goes back to the queue: resubscribing resumes it
            conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.chat_id == chat_id,
                    deliveries.c.status.in_((DeliveryStatus.READY,)),
                )
                .values(status=DeliveryStatus.QUEUED, not_before=None)
            )
        return bool(n)

    def get(self, chat_id: int) -> Subscriber | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(subscribers).where(subscribers.c.chat_id == chat_id)).first()
        return None if row is None else self._subscriber(row._mapping)

    @staticmethod
    def _subscriber(m: Any) -> Subscriber:
        prefs = Preferences(
            hour=m["hour"],
            minute=m["minute"],
            tz=m["tz"],
            frequency=frequency_of(m["frequency"]),
            weekday=m["weekday"],
        )
        return Subscriber(
            chat_id=m["chat_id"],
            lang=m["lang"],
            prefs=prefs,
            active=bool(m["active"]),
            inactive_reason=m["inactive_reason"],
            next_due_at=m["next_due_at"],
            created_at=m["created_at"],
        )

    def iter_subscribers(self, *, active: bool | None = None) -> Iterator[Subscriber]:
        """Every subscriber ordered by chat id (streamed, for listing and export)."""
        stmt = select(subscribers).order_by(subscribers.c.chat_id)
        if active is not None:
            stmt = stmt.where(subscribers.c.active.is_(active))
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(stmt):
                yield self._subscriber(row._mapping)

    def pending_count(self, chat_id: int) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(deliveries)
                    .where(deliveries.c.chat_id == chat_id, deliveries.c.status.in_(PENDING))
                ).scalar_one()
            )

    # -- scheduling ---------------------------------------------------------------------

    def promote_due(self, now: datetime, *, force: bool = False, batch: int = 1000) -> int:
        """Mark the queue head of every due subscriber ``ready`` and advance their next slot.

        One digest per slot; slots missed while nobody ran collapse into one, because the
        next slot is computed strictly after ``now``. A subscriber who still has a ready or
        claimed digest gets no second one. ``force`` treats every active subscriber as due.
        Returns how many deliveries became ready.
        """
        now = _utc(now)
        total = 0
        s = subscribers
        last_chat: int | None = None
        while True:
            with self.engine.begin() as conn:
                stmt = select(s).where(s.c.active.is_(True))
                if force:
                    if last_chat is not None:
                        stmt = stmt.where(s.c.chat_id > last_chat)
                else:
                    stmt = stmt.where(s.c.next_due_at <= now)
                stmt = stmt.order_by(s.c.chat_id).limit(batch)
                if conn.dialect.name == "postgresql":
                    stmt = stmt.with_for_update(skip_locked=True, of=s)
                rows = [self._subscriber(r._mapping) for r in conn.execute(stmt)]
                if not rows:
                    return total
                last_chat = rows[-1].chat_id
                conn.execute(
                    update(s)
                    .where(s.c.chat_id == bindparam("b_chat"))
                    .values(next_due_at=bindparam("b_due")),
                    [{"b_chat": r.chat_id, "b_due": next_slot_after(r.prefs, now)} for r in rows],
                )
                total += self._ready_heads(conn, [r.chat_id for r in rows])
            if len(rows) < batch:
                return total

    @staticmethod
    def _ready_heads(conn: Connection, chat_ids: list[int]) -> int:
        d = deliveries
        d2 = deliveries.alias("d2")
        busy = exists(
            select(literal(1)).where(
                d2.c.chat_id == d.c.chat_id,
                d2.c.status.in_((DeliveryStatus.READY, DeliveryStatus.CLAIMED)),
            )
        )
        head_seq = (
            select(func.min(d2.c.item_seq))
            .where(d2.c.chat_id == d.c.chat_id, d2.c.status == DeliveryStatus.QUEUED)
            .scalar_subquery()
        )
        heads = select(d.c.id).where(
            d.c.chat_id.in_(chat_ids),
            d.c.status == DeliveryStatus.QUEUED,
            d.c.item_seq == head_seq,
            ~busy,
        )
        ids = [r[0] for r in conn.execute(heads)]
        if not ids:
            return 0
        conn.execute(
            update(d)
            .where(d.c.id.in_(ids), d.c.status == DeliveryStatus.QUEUED)
            .values(status=DeliveryStatus.READY, not_before=None)
        )
        return len(ids)

    # -- claims -------------------------------------------------------------------------

    def claim(
        self,
        worker: str,
        now: datetime,
        *,
        limit: int = 200,
        lease: timedelta = timedelta(minutes=2),
        chat_id: int | None = None,
        statuses: Iterable[DeliveryStatus] = (DeliveryStatus.READY,),
    ) -> list[Claimed]:
        """Atomically take up to ``limit`` sendable deliveries for ``worker`` under a lease.

        Sendable: ready (and past any backoff), or claimed by someone whose lease expired.
        PostgreSQL skips rows other replicas hold (``FOR UPDATE SKIP LOCKED``); SQLite
        serialises writers, so the single ``UPDATE … RETURNING`` is atomic there too.
        """
        now = _utc(now)
        d = deliveries
        sendable = or_(
            and_(
                d.c.status.in_(list(statuses)),
                or_(d.c.not_before.is_(None), d.c.not_before <= now),
            ),
            and_(d.c.status == DeliveryStatus.CLAIMED, d.c.claim_expires_at < now),
        )
        pick = select(d.c.id).where(sendable)
        if chat_id is not None:
            pick = pick.where(d.c.chat_id == chat_id).order_by(d.c.item_seq)
        else:
            pick = pick.order_by(d.c.id)
        pick = pick.limit(limit)
        if self.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(d)
            .where(d.c.id.in_(pick.scalar_subquery()))
            .values(status=DeliveryStatus.CLAIMED, claimed_by=worker, claim_expires_at=now + lease)
            .returning(d.c.id, d.c.chat_id, d.c.article_id, d.c.attempts)
        )
        with self.engine.begin() as conn:
            rows = conn.execute(stmt).all()
            if not rows:
                return []
            chats = {
                chat_id: (lang, frequency)
                for chat_id, lang, frequency in conn.execute(
                    select(
                        subscribers.c.chat_id, subscribers.c.lang, subscribers.c.frequency
                    ).where(subscribers.c.chat_id.in_({r.chat_id for r in rows}))
                ).all()
            }
        out = [
            Claimed(
                id=r.id,
                chat_id=r.chat_id,
                article_id=r.article_id,
                attempts=r.attempts,
                lang=chats.get(r.chat_id, ("ar", ""))[0],
                channel=chats.get(r.chat_id, ("ar", ""))[1] == CHANNEL_FREQUENCY,
            )
            for r in rows
        ]
        out.sort(key=lambda c: c.id)
        return out

    def mark_sent(self, ids: Sequence[int], now: datetime) -> int:
        """Record successful sends."""
        if not ids:
            return 0
        now = _utc(now)
        with self.engine.begin() as conn:
            stmt = update(deliveries).where(deliveries.c.id.in_(list(ids)))
            return conn.execute(
                stmt.values(
                    status=DeliveryStatus.SENT,
                    sent_at=now,
                    claimed_by=None,
                    claim_expires_at=None,
                    attempts=deliveries.c.attempts + 1,
                )
            ).rowcount

    def release(self, ids: Sequence[int], worker: str) -> int:
        """Give claimed-but-unsent deliveries back (e.g. on shutdown) so others send them."""
        if not ids:
            return 0
        d = deliveries
        with self.engine.begin() as conn:
            return conn.execute(
                update(d)
                .where(
                    d.c.id.in_(list(ids)),
                    d.c.status == DeliveryStatus.CLAIMED,
                    d.c.claimed_by == worker,
                )
                .values(status=DeliveryStatus.READY, claimed_by=None, claim_expires_at=None)
            ).rowcount

    def claimers(self) -> list[str]:
        """Distinct ids of the workers that hold claims right now."""
        d = deliveries
        with self.engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    select(d.c.claimed_by)
                    .where(d.c.status == DeliveryStatus.CLAIMED, d.c.claimed_by.is_not(None))
                    .distinct()
                )
            ]

    def release_worker(self, worker: str | None = None) -> int:
        """Release every claim of ``worker`` (of everyone when None).

        Used at start-up for claimers known to be dead (a killed process on this host), so
        their deliveries are retried at once instead of after the lease.
        """
        d = deliveries
        stmt = update(d).where(d.c.status == DeliveryStatus.CLAIMED)
        if worker is not None:
            stmt = stmt.where(d.c.claimed_by == worker)
        with self.engine.begin() as conn:
            return conn.execute(
                stmt.values(status=DeliveryStatus.READY, claimed_by=None, claim_expires_at=None)
            ).rowcount

    def retry_later(self, delivery_id: int, not_before: datetime, error: str, worker: str) -> None:
        """A transient failure: back to ``ready`` after ``not_before``; counts an attempt."""
        d = deliveries
        with self.engine.begin() as conn:
            conn.execute(
                update(d)
                .where(
                    d.c.id == delivery_id,
                    d.c.status == DeliveryStatus.CLAIMED,
                    d.c.claimed_by == worker,
                )
                .values(
                    status=DeliveryStatus.READY,
                    claimed_by=None,
                    claim_expires_at=None,
                    not_before=_utc(not_before),
                    attempts=d.c.attempts + 1,
                    last_error=error[:300],
                )
            )

    def requeue_blocked(self, delivery_id: int, chat_id: int, now: datetime, reason: str) -> None:
        """The chat blocked the bot (403): deactivate it and keep the digest queued for later."""
        d = deliveries
        with self.engine.begin() as conn:
            conn.execute(
                update(subscribers)
                .where(subscribers.c.chat_id == chat_id)
                .values(active=False, inactive_reason=reason, updated_at=_utc(now))
            )
            conn.execute(
                update(d)
                .where(
                    d.c.chat_id == chat_id,
                    d.c.status.in_((DeliveryStatus.READY, DeliveryStatus.CLAIMED)),
                )
                .values(
                    status=DeliveryStatus.QUEUED,
                    claimed_by=None,
                    claim_expires_at=None,
                    not_before=None,
                )
            )
            conn.execute(
                update(d)
                .where(d.c.id == delivery_id)
                .values(attempts=d.c.attempts + 1, last_error=reason)
            )

    def note_error(self, delivery_id: int, error: str) -> None:
        """Keep a note on a delivery for operators (e.g. "maybe delivered"); status unchanged."""
        with self.engine.begin() as conn:
            conn.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(last_error=error[:300])
            )

    def mark_failed(self, delivery_id: int, error: str) -> None:
        """A permanent error (Telegram rejected the message itself); kept for operators."""
        d = deliveries
        with self.engine.begin() as conn:
            conn.execute(
                update(d)
                .where(d.c.id == delivery_id)
                .values(
                    status=DeliveryStatus.FAILED,
                    claimed_by=None,
                    claim_expires_at=None,
                    attempts=d.c.attempts + 1,
                    last_error=error[:300],
                )
            )

    # -- numbers ------------------------------------------------------------------------

    def queue_depth(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(deliveries)
                    .where(deliveries.c.status.in_(PENDING))
                ).scalar_one()
            )

    def stats(self) -> Stats:
        s, d = subscribers, deliveries
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    func.count().filter(s.c.active.is_(True)),
                    func.count().filter(s.c.active.is_(False)),
                    func.count().filter(s.c.inactive_reason == "blocked"),
                )
            ).one()
            freq: dict[str, int] = dict(
                conn.execute(
                    select(s.c.frequency, func.count())
                    .where(s.c.active.is_(True))
                    .group_by(s.c.frequency)
                ).all()
            )
            status: dict[str, int] = dict(
                conn.execute(select(d.c.status, func.count()).group_by(d.c.status)).all()
            )
            items = conn.execute(select(func.count()).select_from(queue_items)).scalar_one()
        return Stats(
            active=int(row[0]),
            inactive=int(row[1]),
            blocked=int(row[2]),
            by_frequency={k: int(v) for k, v in freq.items()},
            pending=sum((int(status.get(k, 0)) for k in PENDING), 0),
            ready=int(status.get(DeliveryStatus.READY, 0)),
            sent=int(status.get(DeliveryStatus.SENT, 0)),
            failed=int(status.get(DeliveryStatus.FAILED, 0)),
            items=int(items),
        )

    def delivery_log(self) -> list[tuple[int, str, str, int]]:
        """(chat id, article id, status, attempts) for every delivery — for tests and audits."""
        d = deliveries
        with self.engine.connect() as conn:
            return [
                (r.chat_id, r.article_id, r.status, r.attempts)
                for r in conn.execute(
                    select(d.c.chat_id, d.c.article_id, d.c.status, d.c.attempts).order_by(d.c.id)
                )
            ]


__all__ = [
    "ArticleRef",
    "Claimed",
    "Stats",
    "StoreError",
    "Subscriber",
    "SubscriptionStore",
    "create_store_engine",
    "default_worker_id",
]
