"""The emulator's shared state and the helpers every role uses.

Why a common base: the roles (updates, methods, faults, control) are separate modules
but act on one bot's world — its chats, its update queue, its recorded calls — so that
world lives here once, with the JSON shapes Telegram uses for users and messages.
"""

# _wait takes ``timeout=`` by design: tests read better than asyncio.timeout.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from botapi_emulator.errors import ApiError, bad_request
from botapi_emulator.html_entities import utf16_len
from botapi_emulator.members import ChatMembers
from botapi_emulator.models import ChatEvent, RecordedCall, SentMessage
from botapi_emulator.params import as_int

if TYPE_CHECKING:
    import tornado.httpserver

    from botapi_emulator.faults import Bucket, Fault, FloodLimits

# A Bot API token as Telegram issues them: <bot id>:<secret>.
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")

T = TypeVar("T")

#: A well-formed token that is not anybody's real bot; the emulator's default.
DEFAULT_TOKEN = "7000000001:AAEmulatorTokenForDigestbotLocalUse00"

_UPDATE_KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "inline_query",
    "chosen_inline_result",
    "channel_post",
    "my_chat_member",
)


@dataclass(slots=True)
class Chat:
    """A chat the emulator knows; private chats share their id with the user."""

    id: int
    type: str = "private"
    first_name: str = "مستخدم"
    last_name: str | None = None
    username: str | None = None
    title: str | None = None
    language_code: str | None = "ar"
    blocked: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or self.first_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass(slots=True)
class CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass(slots=True)
class Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class ChatState:
    chat: Chat
    messages: dict[int, SentMessage] = field(default_factory=dict)
    next_message_id: int = 1
    read_cursor: int = 0


class EmulatorCore:
    """State of one fake bot's world and the helpers shared by every role."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "digest_test_bot",
        bot_first_name: str = "Digest Bot",
        token: str = DEFAULT_TOKEN,
        valid_tokens: Iterable[str] | None = None,
        strict_html: bool = True,
    ) -> None:
        if not TOKEN_PATTERN.fullmatch(token):
            raise ValueError("token must look like a Telegram bot token")
        self.host = host
        self._requested_port = port
        self.port = 0
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.token = token
        #: ``None``: any well-formed token is accepted; else only these (others get 401).
        self.valid_tokens: set[str] | None = set(valid_tokens) if valid_tokens else None
        self.strict_html = strict_html
        self.calls: list[RecordedCall] = []
        self.events: list[ChatEvent] = []
        self._chats: dict[int, ChatState] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000_001)
        self._delivered_upto = 0
        self._poll_generation = 0
        self._callback_ids = itertools.count(4_000_000_000_001)
        self._callbacks: dict[str, CallbackQuery] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: list[Fault] = []
        self._flood: FloodLimits | None = None
        self._global_bucket: Bucket | None = None
        self._chat_buckets: dict[int, Bucket] = {}
        self._webhook: Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._call_cursors: dict[str, int] = {}
        self._changed = asyncio.Event()
        self._last_activity = time.monotonic()
        self._closing = False
        self._inflight = 0
        self._server: tornado.httpserver.HTTPServer | None = None
        #: group roles for ``getChatMember``: ``members.set(chat, user, "administrator")``
        self.members = ChatMembers()

    @property
    def api_root(self) -> str:
        """``http://host:port`` (no path)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` form: the token and method are appended to it."""
        return f"{self.api_root}/bot"

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    def method_url(self, method: str, token: str | None = None) -> str:
        """Full URL of one method, for raw HTTP clients."""
        return f"{self.base_url}{token or self.token}/{method}"

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet handed to the bot."""
        return sum(1 for u in self._updates if u["update_id"] > self._delivered_upto)

    def _check_channel_send(self, chat_id: int, chat_type: str) -> None:
        """Refuse a send the chat does not take; channels' rules live in the reach mixin."""

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """One message of a chat (bot's or user's); KeyError when unknown."""
        state = self._chats.get(chat_id)
        if state is None or message_id not in state.messages:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        return state.messages[message_id]

    async def _wait(
        self, ready: Callable[[], T | None], timeout: float, what: Callable[[], str]
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = ready()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"emulator: timed out after {timeout}s waiting for {what()}")
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _pulse(self) -> None:
        """Wake every waiter; they re-check their condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _enqueue(self, update: dict[str, Any]) -> None:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._last_activity = time.monotonic()
        self._pulse()

    def _user_json(
        self, user_id: int, first_name: str, username: str | None, language_code: str | None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            data["username"] = username
        if language_code:
            data["language_code"] = language_code
        return data

    def _bot_json(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _message_json(self, msg: SentMessage, *, with_reply: bool = True) -> dict[str, Any]:
        state = self._chats[msg.chat_id]
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self._bot_json()
            if msg.from_bot
            else self._user_json(
                msg.chat_id,
                state.chat.first_name,
                state.chat.username,
                state.chat.language_code,
            ),
            "chat": state.chat.to_api(),
            "date": msg.date,
            "text": msg.text,
        }
        if msg.entities:
            data["entities"] = [e.to_api() for e in msg.entities]
        if msg.photo is not None:
            data["photo"] = msg.photo
            caption, entities = data.pop("text"), data.pop("entities", None)
            if caption:
                data["caption"] = caption
            if entities:
                data["caption_entities"] = entities
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        if msg.link_preview_disabled:
            data["link_preview_options"] = {"is_disabled": True}
        if with_reply and msg.reply_to_message_id is not None:
            replied = state.messages.get(msg.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = self._message_json(replied, with_reply=False)
        return data

    def _resolve_chat(self, params: dict[str, Any], *, writing: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        state: ChatState | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            state = next((s for s in self._chats.values() if s.chat.username == raw[1:]), None)
        else:
            try:
                chat_id = as_int(params, "chat_id")
            except ApiError:
                raise bad_request("chat not found") from None
            state = self._chats.get(chat_id) if chat_id is not None else None
        if state is None:
            raise bad_request("chat not found")
        if writing and state.chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return state

    def _event(self, event: ChatEvent) -> None:
        event.time = time.time()
        self.events.append(event)


def scope_key(scope: dict[str, Any] | None) -> str:
    if not scope or scope.get("type") == "default":
        return '{"type":"default"}'
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


def chat_of(params: dict[str, Any]) -> int | None:
    value = params.get("chat_id")
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def update_kind(update: dict[str, Any]) -> str | None:
    return next((k for k in _UPDATE_KINDS if k in update), None)


def utf16_offset(text: str, index: int) -> int:
    return utf16_len(text[:index])
