"""The emulator over raw HTTP: body encodings, status codes and JSON shapes as Telegram's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import tornado.httpserver
import tornado.netutil
import tornado.web
from botapi_emulator import BotAPIEmulator

CHAT = 777


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


async def test_form_urlencoded_with_json_encoded_values(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    """What PTB's HTTPXRequest sends: strings raw, everything else JSON-encoded."""
    emulator.add_chat(CHAT)
    markup = {"inline_keyboard": [[{"text": "التالي", "callback_data": "tl:2"}]]}
    answer = await client.post(
        emulator.method_url("sendMessage"),
        data={
            "chat_id": str(CHAT),
            "text": "<i>123</i>",
            "parse_mode": "HTML",
            "reply_markup": json.dumps(markup),
            "disable_web_page_preview": "true",
        },
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True
    result = body["result"]
    assert result["text"] == "123"  # a numeric-looking text stays text
    assert result["entities"] == [{"type": "italic", "offset": 0, "length": 3}]
    assert result["reply_markup"] == markup
    assert result["chat"] == {"id": CHAT, "type": "private", "first_name": "مستخدم"}
    assert result["from"]["is_bot"] is True
    assert result["link_preview_options"] == {"is_disabled": True}


async def test_json_body(emulator: BotAPIEmulator, client: httpx.AsyncClient) -> None:
    emulator.add_chat(CHAT)
    answer = await client.post(
        emulator.method_url("sendMessage"),
        json={
            "chat_id": CHAT,
            "text": "مرحبا",
            "reply_markup": {"inline_keyboard": [[{"text": "1", "callback_data": "a"}]]},
        },
    )
    assert answer.status_code == 200
    assert answer.json()["result"]["text"] == "مرحبا"
    assert emulator.messages(CHAT)[0].buttons[0].callback_data == "a"


async def test_multipart_body(emulator: BotAPIEmulator, client: httpx.AsyncClient) -> None:
    emulator.add_chat(CHAT)
    answer = await client.post(
        emulator.method_url("sendMessage"),
        files={"chat_id": (None, str(CHAT)), "text": (None, "multipart")},
    )
    assert answer.status_code == 200
    assert answer.json()["result"]["text"] == "multipart"


async def test_get_with_query_and_case_insensitive_method(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    answer = await client.get(emulator.method_url("GETME"))
    assert answer.status_code == 200
    assert answer.json()["result"]["username"] == emulator.bot_username
    emulator.user_sends(CHAT, "x")
    answer = await client.get(emulator.method_url("getUpdates"), params={"timeout": "0"})
    [update] = answer.json()["result"]
    assert update["message"]["text"] == "x"
    assert emulator.calls[-1].method == "getUpdates"


async def test_unknown_method_is_404_like_telegram(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    answer = await client.post(emulator.method_url("sendTelepathy"), data={"chat_id": "1"})
    assert answer.status_code == 404
    assert answer.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    answer = await client.get(f"{emulator.api_root}/nothing/here")
    assert answer.status_code == 404
    assert answer.json()["description"] == "Not Found"


async def test_malformed_token_is_401(emulator: BotAPIEmulator, client: httpx.AsyncClient) -> None:
    answer = await client.get(f"{emulator.base_url}not-a-token/getMe")
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.parametrize(
    ("params", "status", "description"),
    [
        ({"text": "x"}, 400, "Bad Request: chat_id is empty"),
        ({"chat_id": "-100123", "text": "x"}, 400, "Bad Request: chat not found"),
        ({"chat_id": "@nobody", "text": "x"}, 400, "Bad Request: chat not found"),
        ({"chat_id": str(CHAT)}, 400, "Bad Request: message text is empty"),
        ({"chat_id": str(CHAT), "text": "x" * 4097}, 400, "Bad Request: message is too long"),
        (
            {"chat_id": str(CHAT), "text": "<b>x</i>", "parse_mode": "HTML"},
            400,
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 4, "
            'expected "</b>", found "</i>"',
        ),
        (
            {"chat_id": str(CHAT), "text": "x", "reply_markup": "{not json"},
            400,
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            {
                "chat_id": str(CHAT),
                "text": "x",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}
                ),
            },
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {
                "chat_id": str(CHAT),
                "text": "x",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "x", "url": "not a url"}]]}
                ),
            },
            400,
            "Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL",
        ),
        (
            {
                "chat_id": str(CHAT),
                "text": "x",
                "reply_markup": json.dumps({"inline_keyboard": [[{"text": "only text"}]]}),
            },
            400,
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in "
            "the inline keyboard",
        ),
        (
            {"chat_id": str(CHAT), "text": "x", "reply_to_message_id": "99"},
            400,
            "Bad Request: message to be replied not found",
        ),
    ],
)
async def test_error_bodies(
    emulator: BotAPIEmulator,
    client: httpx.AsyncClient,
    params: dict[str, str],
    status: int,
    description: str,
) -> None:
    emulator.add_chat(CHAT)
    answer = await client.post(emulator.method_url("sendMessage"), data=params)
    assert answer.status_code == status
    assert answer.json() == {"ok": False, "error_code": status, "description": description}


async def test_not_modified_description_is_telegrams(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    emulator.add_chat(CHAT)
    sent = await client.post(
        emulator.method_url("sendMessage"), json={"chat_id": CHAT, "text": "same"}
    )
    message_id = sent.json()["result"]["message_id"]
    answer = await client.post(
        emulator.method_url("editMessageText"),
        json={"chat_id": CHAT, "message_id": message_id, "text": "same"},
    )
    assert answer.status_code == 400
    assert answer.json()["description"].startswith("Bad Request: message is not modified: ")


async def test_fault_bodies(emulator: BotAPIEmulator, client: httpx.AsyncClient) -> None:
    emulator.add_chat(CHAT)
    emulator.inject_fault("sendMessage", kind="429", retry_after=3)
    emulator.inject_fault("sendMessage", kind="403", chat_id=CHAT)
    emulator.inject_fault("sendMessage", kind="500")
    emulator.inject_fault("sendMessage", kind="502")
    url = emulator.method_url("sendMessage")
    params = {"chat_id": CHAT, "text": "x"}
    first = await client.post(url, json=params)
    assert first.status_code == 429
    assert first.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    second = await client.post(url, json=params)
    assert second.status_code == 403
    assert second.json()["description"] == "Forbidden: bot was blocked by the user"
    third = await client.post(url, json=params)
    assert third.status_code == 500
    fourth = await client.post(url, json=params)
    assert fourth.status_code == 502
    assert "Bad Gateway" in fourth.text
    fifth = await client.post(url, json=params)
    assert fifth.status_code == 200


async def test_fault_for_another_chat_does_not_fire(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    emulator.add_chat(1)
    emulator.add_chat(2)
    fault = emulator.inject_fault("sendMessage", kind="403", chat_id=2)
    ok = await client.post(emulator.method_url("sendMessage"), json={"chat_id": 1, "text": "x"})
    assert ok.status_code == 200 and fault.fired == 0


async def test_stop_releases_a_pending_long_poll(client: httpx.AsyncClient) -> None:
    emu = BotAPIEmulator()
    await emu.start()
    poll = asyncio.create_task(client.post(emu.method_url("getUpdates"), json={"timeout": 30}))
    await asyncio.sleep(0.2)
    await emu.stop()
    answer = await asyncio.wait_for(poll, 5)
    assert answer.json() == {"ok": True, "result": []}


class _Receiver(tornado.web.RequestHandler):
    def initialize(
        self, received: list[tuple[dict[str, Any], str | None]], fail: list[int]
    ) -> None:
        self.received = received
        self.fail = fail

    def post(self) -> None:
        if self.fail:
            self.fail.pop()
            self.set_status(500)
            return
        secret = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((json.loads(self.request.body), secret))


async def test_webhook_delivery_with_secret_and_retry(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []
    fail = [1]  # the first delivery fails and is retried
    app = tornado.web.Application([(r"/hook", _Receiver, {"received": received, "fail": fail})])
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    try:
        answer = await client.post(
            emulator.method_url("setWebhook"),
            json={"url": f"http://127.0.0.1:{port}/hook", "secret_token": "s3cret"},
        )
        assert answer.json() == {"ok": True, "result": True}
        conflict = await client.post(emulator.method_url("getUpdates"), json={})
        assert conflict.status_code == 409
        emulator.user_sends(CHAT, "via webhook")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.05)
        [(update, secret)] = received
        assert update["message"]["text"] == "via webhook"
        assert secret == "s3cret"
        info = (await client.get(emulator.method_url("getWebhookInfo"))).json()["result"]
        assert info["url"] == f"http://127.0.0.1:{port}/hook"
        assert info["pending_update_count"] == 0
        assert "500" in info["last_error_message"]
        await client.post(emulator.method_url("deleteWebhook"), json={})
        assert (await client.post(emulator.method_url("getUpdates"), json={})).status_code == 200
    finally:
        server.stop()
        await server.close_all_connections()


async def test_flood_limits_per_chat_and_global(
    emulator: BotAPIEmulator, client: httpx.AsyncClient
) -> None:
    for chat in (1, 2, 3):
        emulator.add_chat(chat)
    url = emulator.method_url("sendMessage")

    async def send(chat: int) -> int:
        return (await client.post(url, json={"chat_id": chat, "text": "x"})).status_code

    emulator.set_flood_limits(global_per_second=None, per_chat_per_second=1, per_chat_burst=2)
    assert [await send(1), await send(1), await send(1)] == [200, 200, 429]
    assert emulator.calls[-1].response["parameters"] == {"retry_after": 1}
    assert await send(2) == 200  # another chat has its own allowance

    emulator.set_flood_limits(global_per_second=4, per_chat_per_second=None)
    assert [await send(c) for c in (1, 2, 3, 1, 2)] == [200, 200, 200, 200, 429]
    await asyncio.sleep(0.3)  # a quarter second refills one token at 4/s
    assert await send(3) == 200
    emulator.clear_flood_limits()
    assert [await send(1) for _ in range(5)] == [200] * 5
