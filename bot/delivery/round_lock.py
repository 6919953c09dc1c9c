"""At most one *forced* round at a time per database, across processes and hosts.

``digestbot deliver --force`` makes every active subscriber due. Two such runs at once
would each promote a digest per subscriber: the second run promotes the *next* digest of
everyone the first one already served, and each chat gets two different digests in one
round. Whoever holds this lock promotes; a run that cannot take it joins the round in
progress instead (it sends what is ready, promotes only what is really due).

PostgreSQL: a session advisory lock on a dedicated connection (works across hosts).
SQLite: an exclusive ``flock`` on ``<database>.round-lock`` beside the file (one host, as
SQLite itself). An in-memory database belongs to one process: always granted.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator

from sqlalchemy import text

from bot.subscriptions.store import SubscriptionStore

#: pg_advisory_lock key of the forced round (the schema migration uses 724106)
ROUND_LOCK_KEY = 724107


@contextlib.asynccontextmanager
async def forced_round(store: SubscriptionStore) -> AsyncIterator[bool]:
    """Yield True when this process holds the forced-round lock, False when another does."""
    if store.dialect == "postgresql":
        async with _pg_lock(store) as held:
            yield held
        return
    database = store.engine.url.database
    if not database or database == ":memory:":
        yield True
        return
    fd = os.open(f"{database}.round-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.asynccontextmanager
async def _pg_lock(store: SubscriptionStore) -> AsyncIterator[bool]:
    conn = await asyncio.to_thread(store.engine.connect)
    try:
        held = bool(
            await asyncio.to_thread(
                lambda: conn.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": ROUND_LOCK_KEY}
                ).scalar()
            )
        )
        try:
            yield held
        finally:
            if held:
                await asyncio.to_thread(
                    lambda: conn.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": ROUND_LOCK_KEY}
                    )
                )
    finally:
        await asyncio.to_thread(conn.close)
