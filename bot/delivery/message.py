"""What a scheduled delivery sends, and the seam through which it is composed.

The delivery layer queues, paces and sends; it does not know how a digest reads. The
Telegram layer supplies a :class:`Composer` (``bot.telegram.delivery_message``) that
turns (cache, article, language) into :class:`Rendered` parts and a keyboard, so a
scheduled digest reads exactly like ``/digest`` without delivery importing the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from telegram import InlineKeyboardMarkup

from bot.model import Cache


@dataclass(frozen=True)
class Rendered:
    """A delivery's message: HTML parts (each ≤ 4096) and the keyboard of the last part."""

    parts: list[str]
    markup: InlineKeyboardMarkup | None


class Composer(Protocol):
    """Compose the message for one queued article; None when the cache no longer has it.

    ``channel``: a channel post, which carries a link to the bot (``bot_username``)
    instead of the reader's buttons.
    """

    def __call__(
        self,
        cache: Cache,
        article_id: str,
        lang: str,
        *,
        channel: bool = False,
        bot_username: str | None = None,
    ) -> Rendered | None: ...
