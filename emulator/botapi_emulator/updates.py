"""Updates: the queue users fill, long polling with offsets, and webhook delivery.

Why one module: ``getUpdates`` and the webhook are two consumers of the same queue and
exclude each other (409), exactly as in Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import Any

import httpx

from botapi_emulator.core import EmulatorCore, Webhook, update_kind
from botapi_emulator.errors import ApiError, bad_request
from botapi_emulator.params import as_bool, as_float, as_int, as_json, as_str


class UpdatesMixin(EmulatorCore):
    """``getUpdates``, ``setWebhook``/``deleteWebhook``/``getWebhookInfo``, delivery."""

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.url if self._webhook else None

    async def _m_get_updates(self, params: dict[str, Any]) -> Any:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = as_int(params, "offset") or 0
        limit = max(1, min(as_int(params, "limit") or 100, 100))
        timeout = max(0.0, as_float(params, "timeout") or 0.0)
        allowed = as_json(params, "allowed_updates")
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse()  # an older long poll sees the new generation and ends with 409
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if isinstance(allowed, list) and allowed:
            self._updates = [
                u for u in self._updates if any(k in u for k in allowed) or update_kind(u) is None
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

    async def _m_set_webhook(self, params: dict[str, Any]) -> Any:
        url = as_str(params, "url") or ""
        if not url:
            return await self._m_delete_webhook(params)
        if not re.match(r"^https?://[^/\s]+", url):
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        secret = as_str(params, "secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        allowed = as_json(params, "allowed_updates")
        if as_bool(params, "drop_pending_updates"):
            self._updates.clear()
        self._webhook = Webhook(
            url=url,
            secret_token=secret,
            allowed_updates=allowed if isinstance(allowed, list) else None,
            max_connections=as_int(params, "max_connections") or 40,
        )
        self._poll_generation += 1  # a running long poll ends
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        return True

    async def _m_delete_webhook(self, params: dict[str, Any]) -> Any:
        self._webhook = None
        if as_bool(params, "drop_pending_updates"):
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
                if hook.allowed_updates and update_kind(update) not in hook.allowed_updates:
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
