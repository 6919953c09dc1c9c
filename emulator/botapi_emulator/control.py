"""The control API for tests and the chat: users act, then the caller inspects and waits.

Users' acts become updates in the queue; inspection reads what the bot did; the waiting
helpers wake on every change instead of sleeping for fixed times.
"""

# The waiting helpers take ``timeout=`` by design: tests read better than asyncio.timeout.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from botapi_emulator.core import (
    CallbackQuery,
    Chat,
    ChatState,
    EmulatorCore,
    chat_of,
    scope_key,
    utf16_offset,
)
from botapi_emulator.html_entities import MessageEntity, utf16_len
from botapi_emulator.models import Button, ChatEvent, RecordedCall, SentMessage

_BOT_COMMAND_IN_TEXT = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


class ControlMixin(EmulatorCore):
    """Make users act (send, press, block); inspect calls and messages; wait for them."""

    # ------------------------------------------------------------------ users act

    def add_chat(
        self,
        chat_id: int,
        *,
        first_name: str = "مستخدم",
        username: str | None = None,
        language_code: str | None = "ar",
        chat_type: str | None = None,
        title: str | None = None,
    ) -> Chat:
        """Make a chat known (as if its user had once started the bot); idempotent."""
        state = self._chats.get(chat_id)
        if state is None:
            kind = chat_type or ("private" if chat_id > 0 else "group")
            state = ChatState(
                Chat(
                    id=chat_id,
                    type=kind,
                    first_name=first_name,
                    username=username,
                    title=title,
                    language_code=language_code,
                )
            )
            self._chats[chat_id] = state
        return state.chat

    def user_sends(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "ar",
        first_name: str = "مستخدم",
        username: str | None = None,
    ) -> int:
        """Queue a text message from a user; commands get ``bot_command`` entities.

        Returns the new message's id. Sending also unblocks the bot, as in Telegram.
        """
        chat = self.add_chat(
            chat_id, first_name=first_name, username=username, language_code=language_code
        )
        chat.blocked = False
        state = self._chats[chat_id]
        message_id = state.next_message_id
        state.next_message_id += 1
        entities = [
            MessageEntity("bot_command", utf16_offset(text, m.start()), utf16_len(m.group()))
            for m in _BOT_COMMAND_IN_TEXT.finditer(text)
        ]
        msg = SentMessage(
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            raw_text=text,
            parse_mode=None,
            entities=entities,
            reply_markup=None,
            date=int(time.time()),
            from_bot=False,
        )
        state.messages[message_id] = msg
        user = self._user_json(
            chat_id if user_id is None else user_id, first_name, username, language_code
        )
        payload = self._message_json(msg)
        payload["from"] = user
        self._enqueue({"message": payload})
        return message_id

    def user_presses(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "ar",
        first_name: str = "مستخدم",
    ) -> str:
        """Queue a ``callback_query`` as if the user pressed a button on ``message_id``.

        ``callback_data`` is not checked against the keyboard, so tests can press stale
        buttons. Returns the callback query id the bot must answer.
        """
        state = self._chats.get(chat_id)
        if state is None or message_id not in state.messages:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        msg = state.messages[message_id]
        query_id = str(next(self._callback_ids))
        self._callbacks[query_id] = CallbackQuery(query_id, chat_id, message_id, callback_data)
        user = self._user_json(
            chat_id if user_id is None else user_id,
            first_name,
            state.chat.username,
            language_code,
        )
        self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": self._message_json(msg),
                    "chat_instance": str(-abs(chat_id) - 1),
                    "data": callback_data,
                }
            }
        )
        return query_id

    def press_button(self, chat_id: int, message_id: int, button: int | str) -> str:
        """Press a button by 1-based position in reading order or by its exact text."""
        msg = self.message(chat_id, message_id)
        buttons = [b for b in msg.buttons if b.callback_data is not None]
        chosen: Button | None
        if isinstance(button, int):
            chosen = buttons[button - 1] if 1 <= button <= len(buttons) else None
        else:
            chosen = next((b for b in buttons if b.text == button), None)
        if chosen is None or chosen.callback_data is None:
            raise KeyError(f"message {message_id} has no callback button {button!r}")
        return self.user_presses(chat_id, message_id, chosen.callback_data)

    def user_blocks_bot(self, chat_id: int) -> None:
        """From now on every send to this chat answers 403 until the user writes again."""
        self.add_chat(chat_id).blocked = True

    # ------------------------------------------------------------------ inspection

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first, with edits applied."""
        state = self._chats.get(chat_id)
        if state is None:
            return []
        return [
            m for m in state.messages.values() if m.from_bot and (include_deleted or not m.deleted)
        ]

    def chat(self, chat_id: int) -> Chat:
        return self._chats[chat_id].chat

    def chat_ids(self) -> list[int]:
        return list(self._chats)

    def calls_of(self, method: str) -> list[RecordedCall]:
        """Recorded calls of one method (case-insensitive), oldest first."""
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command list set for a scope and language (empty when never set)."""
        return list(self._commands.get((scope_key(scope), language_code), []))

    def callback_answer(self, query_id: str) -> RecordedCall | None:
        """The bot's ``answerCallbackQuery`` call for a query, if it answered."""
        for call in self.calls_of("answerCallbackQuery"):
            if str(call.params.get("callback_query_id")) == query_id and call.ok:
                return call
        return None

    # ------------------------------------------------------------------ waiting

    async def wait_for_bot_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Wait until ``count`` new bot messages arrived in a chat since the last read.

        Returns all new messages (possibly more than ``count``) and marks them read.
        """

        def ready() -> list[SentMessage] | None:
            state = self._chats.get(chat_id)
            if state is None:
                return None
            sent = [m for m in state.messages.values() if m.from_bot]
            if len(sent) - state.read_cursor < count:
                return None
            new = sent[state.read_cursor :]
            state.read_cursor = len(sent)
            return new

        return await self._wait(
            ready, timeout, lambda: f"{count} new bot message(s) in chat {chat_id}"
        )

    async def wait_for_call(
        self, method: str, timeout: float = 5.0, *, chat_id: int | None = None
    ) -> RecordedCall:
        """The next call of ``method`` not returned before (optionally to one chat)."""
        wanted = method.lower()
        key = f"{wanted}:{chat_id}"

        def ready() -> RecordedCall | None:
            start = self._call_cursors.get(key, 0)
            for index in range(start, len(self.calls)):
                call = self.calls[index]
                if call.method.lower() != wanted:
                    continue
                if chat_id is not None and chat_of(call.params) != chat_id:
                    continue
                self._call_cursors[key] = index + 1
                return call
            return None

        return await self._wait(ready, timeout, lambda: f"a {method} call")

    async def wait_for_event(self, after: int, timeout: float = 5.0) -> ChatEvent:
        """The first chat event with index ≥ ``after`` in :attr:`events`."""

        def ready() -> ChatEvent | None:
            return self.events[after] if len(self.events) > after else None

        return await self._wait(ready, timeout, lambda: "a chat event")

    async def wait_until_quiet(self, idle: float = 0.3, timeout: float = 10.0) -> bool:
        """Wait until every update was handed out and no call came for ``idle`` seconds.

        ``getUpdates`` polls do not count as activity. Returns False on timeout.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            quiet_for = time.monotonic() - self._last_activity
            if self.pending_updates == 0 and quiet_for >= idle:
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            pause = idle - quiet_for if self.pending_updates == 0 else idle
            await asyncio.sleep(max(0.01, min(pause, remaining)))
