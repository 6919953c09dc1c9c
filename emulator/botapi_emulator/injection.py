"""Updates the user-facing control API cannot produce: raw, possibly malformed, payloads.

Telegram may send an update shape the bot's library does not know (a newer or older Bot
API); tests use :func:`inject_raw_update` to check the bot skips such an update instead of
stalling on it. The payload is queued exactly as given, under a fresh ``update_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botapi_emulator.server import BotAPIEmulator


def inject_raw_update(emulator: BotAPIEmulator, body: dict[str, Any]) -> int:
    """Queue ``body`` (everything but ``update_id``) as the next update; returns its id."""
    if "update_id" in body:
        raise ValueError("the emulator assigns update_id; leave it out of the body")
    emulator._enqueue(dict(body))
    update_id: int = emulator._updates[-1]["update_id"]
    return update_id
