"""A local Telegram Bot API server on loopback, faithful for the methods the bot uses.

Why: the real API is unreachable from tests and from a fresh machine, and mocks of PTB
would test nothing. The emulator speaks HTTP like ``api.telegram.org`` does — JSON
answers ``{"ok": …}``, the same error codes and descriptions, long polling with offsets,
HTML validation, 4096-character limit, 64-byte callback data — so the real bot, its real
HTTP client and PTB's own error mapping run unchanged. Tests (and ``digestbot chat``)
drive it through the Python control API of :class:`BotAPIEmulator`: make a user send a
message or press a button, inspect what the bot sent, inject faults.

The class is assembled from one module per role: :mod:`~botapi_emulator.updates` (the
queue, long polling, webhooks), :mod:`~botapi_emulator.methods` (the Bot API methods),
:mod:`~botapi_emulator.faults` (injected faults, flood control),
:mod:`~botapi_emulator.control` (users act, inspection, waiting),
:mod:`~botapi_emulator.reach` (photos, inline mode, channels) over the shared state of
:mod:`~botapi_emulator.core`; this module adds the lifecycle and the dispatch.

Everything runs on the caller's asyncio loop (tornado 6 is asyncio underneath); the
control methods must be called from that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from botapi_emulator.control import ControlMixin
from botapi_emulator.core import DEFAULT_TOKEN, TOKEN_PATTERN, Chat, chat_of
from botapi_emulator.errors import ApiError
from botapi_emulator.faults import FaultsMixin
from botapi_emulator.http import MethodHandler, NotFoundHandler
from botapi_emulator.members import get_chat_member
from botapi_emulator.methods import MethodsMixin
from botapi_emulator.models import RecordedCall
from botapi_emulator.reach import ReachMixin
from botapi_emulator.updates import UpdatesMixin

__all__ = ["DEFAULT_TOKEN", "ApiError", "BotAPIEmulator", "Chat"]

log = logging.getLogger(__name__)


class BotAPIEmulator(ReachMixin, ControlMixin, UpdatesMixin, MethodsMixin, FaultsMixin):
    """A Bot API server for one fake bot, with a control API for tests and the chat CLI.

    Use ``async with BotAPIEmulator() as emu:`` and point PTB at it with
    ``Bot(emu.token, base_url=emu.base_url)``.
    """

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the port (ephemeral when 0) and start answering."""
        if self._server is not None:
            return
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/([A-Za-z_]+)/?", MethodHandler, {"emulator": self}),
                (r".*", NotFoundHandler),
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

    # ------------------------------------------------------------------ dispatch

    async def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        """Answer one request: (HTTP status, JSON-able body or an HTML string)."""
        name = method.lower()
        chat_id = chat_of(params)
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
        refused = await self._fault_answer(name, chat_id)
        if refused is not None:
            return refused
        handler = _METHODS[name][1]
        try:
            result = await handler(self, params)
        except ApiError as exc:
            return exc.code, exc.body()
        return 200, {"ok": True, "result": result}


_Handler = Callable[[BotAPIEmulator, dict[str, Any]], Awaitable[Any]]

#: lower-case method name → (Telegram's spelling, implementation)
_IMPLEMENTATIONS: list[tuple[str, _Handler]] = [
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
_METHODS: dict[str, tuple[str, _Handler]] = {
    name.lower(): (name, impl) for name, impl in _IMPLEMENTATIONS
}
