"""One "next digest" at a time per chat.

Updates are handled concurrently, so two quick presses of «الموجز التالي» run side by
side: the first claims the last queued digest and is still sending it when the second
finds the queue empty and says «قرأت كل الموجزات» — before the digest arrives. Holding
a per-chat lock around "claim and send" keeps each press behind the one before it, so
the end of the queue is announced only after the last digest was sent. Locks are weak
values: a chat's lock lives only while a press holds or waits for it.
"""

from __future__ import annotations

import asyncio
from weakref import WeakValueDictionary

_LOCKS: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()


def chat_lock(chat_id: int) -> asyncio.Lock:
    """The lock for ``chat_id`` (shared by every press in flight for that chat)."""
    lock = _LOCKS.get(chat_id)
    if lock is None:
        lock = asyncio.Lock()
        _LOCKS[chat_id] = lock
    return lock
