"""The HTTP face: tornado handlers that turn requests into :meth:`BotAPIEmulator.handle`."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

import tornado.iostream
import tornado.web

from botapi_emulator.errors import ApiError, bad_request
from botapi_emulator.reach import Upload

if TYPE_CHECKING:
    from botapi_emulator.server import BotAPIEmulator


class MethodHandler(tornado.web.RequestHandler):
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
                raise bad_request("can't parse JSON object") from None
            if not isinstance(decoded, dict):
                raise bad_request("can't parse JSON object")
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


class NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(b'{"ok":false,"error_code":404,"description":"Not Found"}')
