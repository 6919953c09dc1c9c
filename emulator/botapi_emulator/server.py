"""A local Telegram Bot API server on loopback, faithful for the methods the bot uses.

Why: the real API is unreachable from tests and from a fresh machine, and mocks of PTB
would test nothing. The emulator speaks HTTP like ``api.telegram.org`` does — JSON
answers ``{"ok": …}``, the same error codes and descriptions, long polling with offsets,
HTML validation, 4096-character limit, 64-byte callback data — so the real bot, its real
HTTP client and PTB's own error mapping run unchanged. Tests (and ``digestbot chat``)
drive it through the Python control API of :class:`BotAPIEmulator`: make a user send a
message or press a button, inspect what the bot sent, inject faults.

Everything runs on the caller's asyncio loop (tornado 6 is asyncio underneath); the
control methods must be called from that loop.
"""

# The waiting helpers take ``timeout=`` by design: tests read better than asyncio.timeout.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

from botapi_emulator.faults import FAULT_KINDS, Fault, FaultKind, fault_response
from botapi_emulator.html_entities import (
    MAX_MESSAGE_LENGTH,
    HTMLParseError,
    MessageEntity,
    parse_html,
    trim_text,
    utf16_len,
)
from botapi_emulator.members import ChatMembers, get_chat_member
from botapi_emulator.models import Button, ChatEvent, RecordedCall, SentMessage
from botapi_emulator.reach import ReachMixin, Upload

# A Bot API token as Telegram issues them: <bot id>:<secret>.
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")

log = logging.getLogger(__name__)

T = TypeVar("T")

#: A well-formed token that is not anybody's real bot; the emulator's default.
DEFAULT_TOKEN = "7000000001:AAEmulatorTokenForDigestbotLocalUse00"

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_BOT_COMMAND_IN_TEXT = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_BUTTON_URL = re.compile(r"^(?:(?:https?|tg)://\S+|[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?)$")
_UPDATE_KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "inline_query",
    "chosen_inline_result",
    "channel_post",
    "my_chat_member",
)


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


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
class _CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass(slots=True)
class _Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class _ChatState:
    chat: Chat
    messages: dict[int, SentMessage] = field(default_factory=dict)
    next_message_id: int = 1
    read_cursor: int = 0


@dataclass(slots=True)
class _Bucket:
    """A token bucket: ``capacity`` sends at once, refilled at ``rate`` per second."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0: one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


#: Methods Telegram's flood control counts as sending.
_FLOOD_METHODS = frozenset(
    {"sendmessage", "sendphoto", "editmessagetext", "editmessagereplymarkup"}
)


# ----------------------------------------------------------------------------- params


def _as_str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise _bad(f"parameter {name!r} must be a string")


def _as_int(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad(f"parameter {name!r} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            as_float = float(str(value).strip())
        except ValueError:
            raise _bad(f"parameter {name!r} must be an integer") from None
        if as_float.is_integer():
            return int(as_float)
        raise _bad(f"parameter {name!r} must be an integer") from None


def _as_float(params: dict[str, Any], name: str) -> float | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad(f"parameter {name!r} must be a number") from None


def _as_bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1"}


def _as_json(params: dict[str, Any], name: str, error: str | None = None) -> Any:
    """A structured parameter: already decoded (JSON body) or JSON text (form body)."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(error or f"can't parse {name} JSON object") from None
    return value


# ----------------------------------------------------------------------------- emulator


class BotAPIEmulator(ReachMixin):
    """A Bot API server for one fake bot, with a control API for tests and the chat CLI.

    Use ``async with BotAPIEmulator() as emu:`` and point PTB at it with
    ``Bot(emu.token, base_url=emu.base_url)``.
    """

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
        self._chats: dict[int, _ChatState] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000_001)
        self._delivered_upto = 0
        self._poll_generation = 0
        self._callback_ids = itertools.count(4_000_000_000_001)
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: list[Fault] = []
        self._flood: tuple[float | None, float | None, float] | None = None
        self._global_bucket: _Bucket | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        self._webhook: _Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._call_cursors: dict[str, int] = {}
        self._changed = asyncio.Event()
        self._last_activity = time.monotonic()
        self._closing = False
        self._inflight = 0
        self._server: tornado.httpserver.HTTPServer | None = None
        #: group roles for ``getChatMember``: ``members.set(chat, user, "administrator")``
        self.members = ChatMembers()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the port (ephemeral when 0) and start answering."""
        if self._server is not None:
            return
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/([A-Za-z_]+)/?", _MethodHandler, {"emulator": self}),
                (r".*", _NotFoundHandler),
            ],
            log_function=lambda _handler: None,
        )
        sockets = tornado.netutil.bind_sockets(self._requested_port, address=self.host)
        self.port = sockets[0].getsockname()[1]
        server = tornado.httpserver.HTTPServer(app, idle_connection_timeout=60)
        server.add_sockets(sockets)
        self._server = server
        self._closing = False
        log.debug("Bot API emulator listening on %s", self.api_root)

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery, close the port and all connections."""
        self._closing = True
        self._pulse()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._server is not None:
            self._server.stop()
            # Let released long polls write their (empty) answers before hanging up.
            with contextlib.suppress(TimeoutError):
                await self._wait(
                    lambda: True if not self._inflight else None, 2.0, lambda: "requests"
                )
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

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
            state = _ChatState(
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
            MessageEntity("bot_command", _utf16_offset(text, m.start()), utf16_len(m.group()))
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
        self._callbacks[query_id] = _CallbackQuery(query_id, chat_id, message_id, callback_data)
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

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """One message of a chat (bot's or user's); KeyError when unknown."""
        state = self._chats.get(chat_id)
        if state is None or message_id not in state.messages:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        return state.messages[message_id]

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
        return list(self._commands.get((_scope_key(scope), language_code), []))

    def callback_answer(self, query_id: str) -> RecordedCall | None:
        """The bot's ``answerCallbackQuery`` call for a query, if it answered."""
        for call in self.calls_of("answerCallbackQuery"):
            if str(call.params.get("callback_query_id")) == query_id and call.ok:
                return call
        return None

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet handed to the bot."""
        return sum(1 for u in self._updates if u["update_id"] > self._delivered_upto)

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.url if self._webhook else None

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
                if chat_id is not None and _chat_of(call.params) != chat_id:
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

    # ------------------------------------------------------------------ faults

    def inject_fault(
        self,
        method: str,
        *,
        kind: FaultKind,
        times: int | None = 1,
        chat_id: int | None = None,
        retry_after: int = 1,
        delay: float = 0.0,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` (``"*"``: any but getUpdates) fail.

        ``kind``: ``"429"`` (with ``parameters.retry_after``), ``"403"`` (bot blocked),
        ``"500"``, ``"502"`` (an HTML bad-gateway page) or ``"slow"`` (answer normally
        after ``delay`` seconds). ``times=None`` keeps the fault until
        :meth:`clear_faults`. Returns the rule; its ``fired`` counts hits.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        fault = Fault(
            method=method,
            kind=kind,
            remaining=times,
            chat_id=chat_id,
            retry_after=retry_after,
            delay=delay,
        )
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_flood_limits(
        self,
        *,
        global_per_second: float | None = 30.0,
        per_chat_per_second: float | None = 1.0,
        per_chat_burst: int = 3,
    ) -> None:
        """Answer 429 like Telegram's flood control when the bot sends too fast.

        Off by default. Token buckets: the whole bot may send ``global_per_second`` (with
        a one-second burst), each chat ``per_chat_per_second`` with ``per_chat_burst``
        at once. Counted: sendMessage, editMessageText, editMessageReplyMarkup.
        """
        self._flood = (global_per_second, per_chat_per_second, float(per_chat_burst))
        self._global_bucket = None
        self._chat_buckets.clear()

    def clear_flood_limits(self) -> None:
        self._flood = None

    def _flood_wait(self, name: str, chat_id: int | None) -> float:
        if self._flood is None or name not in _FLOOD_METHODS:
            return 0.0
        global_rate, chat_rate, burst = self._flood
        now = time.monotonic()
        buckets: list[_Bucket] = []
        if global_rate:
            if self._global_bucket is None:
                self._global_bucket = _Bucket(global_rate, global_rate, global_rate, now)
            buckets.append(self._global_bucket)
        if chat_rate and chat_id is not None:
            bucket = self._chat_buckets.get(chat_id)
            if bucket is None:
                bucket = self._chat_buckets[chat_id] = _Bucket(chat_rate, burst, burst, now)
            buckets.append(bucket)
        wait = max((b.wait(now) for b in buckets), default=0.0)
        if wait == 0.0:
            for b in buckets:
                b.tokens -= 1
        return wait

    # ------------------------------------------------------------------ dispatch

    async def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        """Answer one request: (HTTP status, JSON-able body or an HTML string)."""
        name = method.lower()
        chat_id = _chat_of(params)
        status: int
        body: Any
        if not TOKEN_PATTERN.fullmatch(token) or (
            self.valid_tokens is not None and token not in self.valid_tokens
        ):
            status, body = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        elif name not in _METHODS:
            status, body = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        else:
            status, body = await self._run(name, chat_id, params)
        if name != "getupdates":
            self._last_activity = time.monotonic()
        recorded = body if isinstance(body, dict) else {"ok": False, "html": body}
        self.calls.append(
            RecordedCall(
                method=_METHODS[name][0] if name in _METHODS else method,
                params=params,
                status=status,
                response=recorded,
                time=time.time(),
                token=token,
            )
        )
        self._pulse()
        return status, body

    async def _run(self, name: str, chat_id: int | None, params: dict[str, Any]) -> tuple[int, Any]:
        for fault in self._faults:
            if fault.matches(name, chat_id):
                fault.consume()
                if fault.kind == "slow":
                    await asyncio.sleep(fault.delay)
                    break
                return fault_response(fault)
        flood = self._flood_wait(name, chat_id)
        if flood > 0:
            retry_after = max(1, math.ceil(flood))
            return 429, ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            ).body()
        handler = _METHODS[name][1]
        try:
            result = await handler(self, params)
        except ApiError as exc:
            return exc.code, exc.body()
        return 200, {"ok": True, "result": result}

    # ------------------------------------------------------------------ helpers

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

    def _resolve_chat(self, params: dict[str, Any], *, writing: bool = True) -> _ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        state: _ChatState | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            state = next((s for s in self._chats.values() if s.chat.username == raw[1:]), None)
        else:
            try:
                chat_id = _as_int(params, "chat_id")
            except ApiError:
                raise _bad("chat not found") from None
            state = self._chats.get(chat_id) if chat_id is not None else None
        if state is None:
            raise _bad("chat not found")
        if writing and state.chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return state

    def _format(
        self, params: dict[str, Any], *, too_long: str = "message is too long"
    ) -> tuple[str, str, str | None, list[MessageEntity]]:
        """(raw text, plain text, parse mode, entities) after Telegram's parsing rules.

        ``too_long`` differs by method: sendMessage says "message is too long",
        editMessageText says "MESSAGE_TOO_LONG".
        """
        raw = _as_str(params, "text") or ""
        parse_mode = _as_str(params, "parse_mode") or None
        if parse_mode is not None:
            mode = parse_mode.lower()
            if mode == "html":
                try:
                    plain, entities = parse_html(raw, strict_ampersand=self.strict_html)
                except HTMLParseError as exc:
                    raise _bad(f"can't parse entities: {exc.description}") from None
            elif mode in {"markdown", "markdownv2"}:
                # Not used by digestbot; shown as sent rather than guessed at.
                plain, entities = raw, []
            else:
                raise _bad(f"unsupported parse_mode {parse_mode!r}")
        else:
            explicit = _as_json(params, "entities") or []
            if not isinstance(explicit, list):
                raise _bad("can't parse entities JSON object")
            try:
                entities = [MessageEntity.from_api(e) for e in explicit]
            except (KeyError, TypeError, ValueError):
                raise _bad("can't parse entities JSON object") from None
            plain = raw
        plain, entities = trim_text(plain, entities)
        if not plain:
            raise _bad("message text is empty")
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise _bad(too_long)
        return raw, plain, parse_mode, entities

    def _reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = _as_json(params, "reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'Field "inline_keyboard" of the InlineKeyboardMarkup should be an Array '
                    "of Arrays"
                )
            for row in rows:
                for button in row:
                    _check_button(button)
        elif not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise _bad('can\'t find field "inline_keyboard"')
        return markup

    def _store_bot_message(
        self,
        state: _ChatState,
        params: dict[str, Any],
        raw: str,
        plain: str,
        parse_mode: str | None,
        entities: list[MessageEntity],
        markup: dict[str, Any] | None,
    ) -> SentMessage:
        reply_to: int | None = None
        reply_parameters = _as_json(params, "reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = int(reply_parameters.get("message_id", 0)) or None
            allow = bool(reply_parameters.get("allow_sending_without_reply"))
        else:
            reply_to = _as_int(params, "reply_to_message_id")
            allow = _as_bool(params, "allow_sending_without_reply")
        if reply_to is not None and reply_to not in state.messages:
            if not allow:
                raise _bad("message to be replied not found")
            reply_to = None
        preview = _as_json(params, "link_preview_options")
        preview_disabled = _as_bool(params, "disable_web_page_preview") or (
            isinstance(preview, dict) and bool(preview.get("is_disabled"))
        )
        msg = SentMessage(
            chat_id=state.chat.id,
            message_id=state.next_message_id,
            text=plain,
            raw_text=raw,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            date=int(time.time()),
            link_preview_disabled=preview_disabled,
            reply_to_message_id=reply_to,
            params=dict(params),
        )
        state.next_message_id += 1
        state.messages[msg.message_id] = msg
        return msg

    def _bot_message(self, state: _ChatState, params: dict[str, Any], verb: str) -> SentMessage:
        message_id = _as_int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        msg = state.messages.get(message_id)
        if msg is None or msg.deleted:
            raise _bad(f"message to {verb} not found")
        if not msg.from_bot and verb == "edit":
            raise _bad("message can't be edited")
        return msg

    def _event(self, event: ChatEvent) -> None:
        event.time = time.time()
        self.events.append(event)

    # ------------------------------------------------------------------ methods

    async def _m_get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, params: dict[str, Any]) -> Any:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params, "offset") or 0
        limit = max(1, min(_as_int(params, "limit") or 100, 100))
        timeout = max(0.0, _as_float(params, "timeout") or 0.0)
        allowed = _as_json(params, "allowed_updates")
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse()  # an older long poll sees the new generation and ends with 409
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if isinstance(allowed, list) and allowed:
            self._updates = [
                u for u in self._updates if any(k in u for k in allowed) or _kind(u) is None
            ]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            ready = self._updates[:limit]
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing:
                break
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        if ready:
            self._delivered_upto = max(self._delivered_upto, ready[-1]["update_id"])
            self._last_activity = time.monotonic()
        return ready

    async def _m_send_message(self, params: dict[str, Any]) -> Any:
        state = self._resolve_chat(params)
        self._check_channel_send(state.chat.id, state.chat.type)
        raw, plain, parse_mode, entities = self._format(params)
        markup = self._reply_markup(params)
        msg = self._store_bot_message(state, params, raw, plain, parse_mode, entities, markup)
        self._event(ChatEvent("message", state.chat.id, msg))
        return self._message_json(msg)

    async def _m_edit_message_text(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        state = self._resolve_chat(params)
        msg = self._bot_message(state, params, "edit")
        raw, plain, parse_mode, entities = self._format(params, too_long="MESSAGE_TOO_LONG")
        markup = self._reply_markup(params)
        if plain == msg.text and entities == msg.entities and markup == msg.reply_markup:
            raise _bad(_NOT_MODIFIED)
        if plain != msg.text:
            msg.history.append(msg.text)
        msg.text, msg.raw_text, msg.parse_mode, msg.entities = plain, raw, parse_mode, entities
        msg.reply_markup = markup
        msg.edit_date = int(time.time())
        self._event(ChatEvent("edit", state.chat.id, msg))
        return self._message_json(msg)

    async def _m_edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        state = self._resolve_chat(params)
        msg = self._bot_message(state, params, "edit")
        markup = self._reply_markup(params)
        if markup == msg.reply_markup or (not markup and not msg.reply_markup):
            raise _bad(_NOT_MODIFIED)
        msg.reply_markup = markup
        msg.edit_date = int(time.time())
        self._event(ChatEvent("edit", state.chat.id, msg))
        return self._message_json(msg)

    async def _m_delete_message(self, params: dict[str, Any]) -> Any:
        state = self._resolve_chat(params, writing=False)
        msg = self._bot_message(state, params, "delete")
        msg.deleted = True
        self._event(ChatEvent("delete", state.chat.id, msg))
        return True

    async def _m_answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = _as_str(params, "callback_query_id")
        query = self._callbacks.get(query_id or "")
        if query is None or query.answered:
            raise _bad(_QUERY_INVALID)
        text = _as_str(params, "text")
        if text is not None and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        query.answered = True
        self._event(
            ChatEvent(
                "callback_answer",
                query.chat_id,
                self._chats[query.chat_id].messages.get(query.message_id),
                text=text,
                show_alert=_as_bool(params, "show_alert"),
            )
        )
        return True

    async def _m_send_chat_action(self, params: dict[str, Any]) -> Any:
        state = self._resolve_chat(params)
        action = _as_str(params, "action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._event(ChatEvent("chat_action", state.chat.id, text=action))
        return True

    def _scope_and_language(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = _as_json(params, "scope")
        if scope is not None:
            if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
                raise _bad("can't parse BotCommandScope JSON object")
            if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
                self._resolve_chat({"chat_id": scope.get("chat_id")}, writing=False)
        language = _as_str(params, "language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(scope), language

    async def _m_set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = _as_json(params, "commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command = str(item.get("command", ""))
            description = str(item.get("description", ""))
            if not _COMMAND_RE.fullmatch(command):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        key = self._scope_and_language(params)
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    async def _m_get_my_commands(self, params: dict[str, Any]) -> Any:
        return list(self._commands.get(self._scope_and_language(params), []))

    async def _m_delete_my_commands(self, params: dict[str, Any]) -> Any:
        self._commands.pop(self._scope_and_language(params), None)
        return True

    async def _m_get_chat(self, params: dict[str, Any]) -> Any:
        state = self._resolve_chat(params, writing=False)
        return {**state.chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}

    async def _m_set_webhook(self, params: dict[str, Any]) -> Any:
        url = _as_str(params, "url") or ""
        if not url:
            return await self._m_delete_webhook(params)
        if not re.match(r"^https?://[^/\s]+", url):
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        secret = _as_str(params, "secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad("bad webhook: secret token contains unallowed characters")
        allowed = _as_json(params, "allowed_updates")
        if _as_bool(params, "drop_pending_updates"):
            self._updates.clear()
        self._webhook = _Webhook(
            url=url,
            secret_token=secret,
            allowed_updates=allowed if isinstance(allowed, list) else None,
            max_connections=_as_int(params, "max_connections") or 40,
        )
        self._poll_generation += 1  # a running long poll ends
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        return True

    async def _m_delete_webhook(self, params: dict[str, Any]) -> Any:
        self._webhook = None
        if _as_bool(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_get_webhook_info(self, params: dict[str, Any]) -> Any:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    async def _m_true(self, params: dict[str, Any]) -> Any:
        return True

    async def _deliver_webhooks(self) -> None:
        """POST queued updates to the webhook one by one, retrying until it answers 2xx."""
        backoff = 0.05
        async with httpx.AsyncClient(timeout=10.0) as client:
            while not self._closing and self._webhook is not None:
                hook = self._webhook
                if not self._updates:
                    changed = self._changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 1.0)
                    continue
                update = self._updates[0]
                if hook.allowed_updates and _kind(update) not in hook.allowed_updates:
                    self._updates.pop(0)
                    continue
                headers = {"Content-Type": "application/json"}
                if hook.secret_token:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
                error: str | None = None
                try:
                    answer = await client.post(
                        hook.url,
                        content=json.dumps(update, ensure_ascii=False).encode(),
                        headers=headers,
                    )
                    if not 200 <= answer.status_code < 300:
                        error = f"Wrong response from the webhook: {answer.status_code} "
                        error += answer.reason_phrase
                except httpx.HTTPError as exc:
                    error = f"Connection error: {exc.__class__.__name__}"
                if error is None:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                    self._delivered_upto = max(self._delivered_upto, update["update_id"])
                    self._last_activity = time.monotonic()
                    backoff = 0.05
                    self._pulse()
                else:
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _bad("can't parse inline keyboard button: Text must be non-empty")
    actions = {
        "callback_data",
        "url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "web_app",
        "login_url",
        "callback_game",
        "pay",
        "copy_text",
        "switch_inline_query_chosen_chat",
    } & button.keys()
    if not actions:
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise _bad("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        # Telegram takes http(s) and tg links, and bare domains (it adds http://).
        if not isinstance(url, str) or not _BUTTON_URL.match(url):
            raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _scope_key(scope: dict[str, Any] | None) -> str:
    if not scope or scope.get("type") == "default":
        return '{"type":"default"}'
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


def _chat_of(params: dict[str, Any]) -> int | None:
    value = params.get("chat_id")
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _kind(update: dict[str, Any]) -> str | None:
    return next((k for k in _UPDATE_KINDS if k in update), None)


def _utf16_offset(text: str, index: int) -> int:
    return utf16_len(text[:index])


_Handler = Callable[[BotAPIEmulator, dict[str, Any]], Awaitable[Any]]

#: lower-case method name → (Telegram's spelling, implementation)
_METHODS: dict[str, tuple[str, _Handler]] = {
    name.lower(): (name, impl)
    for name, impl in [
        ("getMe", BotAPIEmulator._m_get_me),
        ("getUpdates", BotAPIEmulator._m_get_updates),
        ("sendMessage", BotAPIEmulator._m_send_message),
        ("sendPhoto", BotAPIEmulator._m_send_photo),
        ("answerInlineQuery", BotAPIEmulator._m_answer_inline_query),
        ("editMessageText", BotAPIEmulator._m_edit_message_text),
        ("editMessageReplyMarkup", BotAPIEmulator._m_edit_message_reply_markup),
        ("deleteMessage", BotAPIEmulator._m_delete_message),
        ("answerCallbackQuery", BotAPIEmulator._m_answer_callback_query),
        ("sendChatAction", BotAPIEmulator._m_send_chat_action),
        ("setMyCommands", BotAPIEmulator._m_set_my_commands),
        ("getMyCommands", BotAPIEmulator._m_get_my_commands),
        ("deleteMyCommands", BotAPIEmulator._m_delete_my_commands),
        ("getChat", BotAPIEmulator._m_get_chat),
        ("getChatMember", get_chat_member),
        ("setWebhook", BotAPIEmulator._m_set_webhook),
        ("deleteWebhook", BotAPIEmulator._m_delete_webhook),
        ("getWebhookInfo", BotAPIEmulator._m_get_webhook_info),
        ("setMyDescription", BotAPIEmulator._m_true),
        ("setMyShortDescription", BotAPIEmulator._m_true),
        ("setMyName", BotAPIEmulator._m_true),
        ("setChatMenuButton", BotAPIEmulator._m_true),
        ("close", BotAPIEmulator._m_true),
        ("logOut", BotAPIEmulator._m_true),
    ]
}


# ----------------------------------------------------------------------------- HTTP


class _MethodHandler(tornado.web.RequestHandler):
    """``/bot<token>/<method>`` with GET query, urlencoded, multipart or JSON parameters."""

    def initialize(self, emulator: BotAPIEmulator) -> None:
        self.emulator = emulator

    async def get(self, token: str, method: str) -> None:
        try:
            params = self._params()
        except ApiError as exc:
            self._reply(exc.code, exc.body())
            return
        self.emulator._inflight += 1
        try:
            status, body = await self.emulator.handle(token, method, params)
            self._reply(status, body)
        finally:
            self.emulator._inflight -= 1
            self.emulator._pulse()

    async def post(self, token: str, method: str) -> None:
        await self.get(token, method)

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for source in (self.request.query_arguments, self.request.body_arguments):
            for key, values in source.items():
                if values:
                    params[key] = values[-1].decode("utf-8", "replace")
        for key, files in self.request.files.items():
            if files:
                part = files[-1]
                params[key] = Upload(part.filename, part.content_type, part.body)
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() == "application/json" and self.request.body:
            try:
                decoded = json.loads(self.request.body)
            except ValueError:
                raise _bad("can't parse JSON object") from None
            if not isinstance(decoded, dict):
                raise _bad("can't parse JSON object")
            params.update(decoded)
        return params

    def _reply(self, status: int, body: Any) -> None:
        self.set_status(status)
        if isinstance(body, str):
            self.set_header("Content-Type", "text/html")
            payload = body.encode()
        else:
            self.set_header("Content-Type", "application/json")
            payload = json.dumps(body, ensure_ascii=False).encode()
        with contextlib.suppress(tornado.iostream.StreamClosedError):
            self.finish(payload)


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(b'{"ok":false,"error_code":404,"description":"Not Found"}')
