"""What the emulator remembers: calls it answered, messages in each chat, chat events.

Tests and ``digestbot chat`` read these records instead of parsing HTTP traffic, so they
are plain dataclasses with the Telegram JSON shapes kept where a caller may want them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from botapi_emulator.html_entities import MessageEntity


@dataclass(slots=True)
class Button:
    """One inline keyboard button, flattened for display and pressing."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    row: int = 0
    column: int = 0


@dataclass(slots=True)
class SentMessage:
    """A message in a chat as it stands now (edits applied), plus its history."""

    chat_id: int
    message_id: int
    #: The text as the client shows it: markup parsed away, trimmed.
    text: str
    #: Exactly what the bot sent in ``text`` (HTML markup included).
    raw_text: str
    parse_mode: str | None
    entities: list[MessageEntity]
    reply_markup: dict[str, Any] | None
    date: int
    from_bot: bool = True
    edit_date: int | None = None
    deleted: bool = False
    link_preview_disabled: bool = False
    reply_to_message_id: int | None = None
    #: Earlier versions of ``text``, oldest first, one per edit that changed it.
    history: list[str] = field(default_factory=list)
    #: Every parameter of the call that created the message, decoded.
    params: dict[str, Any] = field(default_factory=dict)
    #: For a photo: Telegram's PhotoSize list (``text`` is then the caption).
    photo: list[dict[str, Any]] | None = None

    @property
    def buttons(self) -> list[Button]:
        """Inline keyboard buttons in reading order (rows, then columns)."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or []
        found: list[Button] = []
        for r, row in enumerate(rows):
            for c, button in enumerate(row):
                found.append(
                    Button(
                        text=str(button.get("text", "")),
                        callback_data=button.get("callback_data"),
                        url=button.get("url"),
                        row=r,
                        column=c,
                    )
                )
        return found

    @property
    def html(self) -> str:
        """Alias of :attr:`raw_text` for readability in tests of HTML output."""
        return self.raw_text


@dataclass(slots=True)
class RecordedCall:
    """One Bot API request and the emulator's answer."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    time: float
    token: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def description(self) -> str | None:
        value = self.response.get("description")
        return None if value is None else str(value)


EventKind = Literal["message", "edit", "delete", "callback_answer", "chat_action"]


@dataclass(slots=True)
class ChatEvent:
    """Something a person watching the chat would notice, in order of occurrence."""

    kind: EventKind
    chat_id: int
    message: SentMessage | None = None
    #: For ``callback_answer``: the toast/alert text; for ``chat_action``: the action.
    text: str | None = None
    show_alert: bool = False
    time: float = 0.0
