"""Photos, inline mode and channels: the Bot API surface a bot needs to reach beyond one chat.

A mixin of :class:`~botapi_emulator.server.BotAPIEmulator`, kept apart from the core so the
core stays about messages and updates. Validation follows Telegram's answers:

* ``sendPhoto``: a multipart upload (PNG or JPEG, ≤ 10 MB, width + height ≤ 10000, ratio
  ≤ 20), a ``file_id`` this server issued, or an ``attach://`` reference; the caption is
  at most 1024 characters *after* entity parsing and its HTML is validated like a text's.
* Inline mode: :meth:`user_inline_query` queues an ``inline_query``;
  ``answerInlineQuery`` takes at most 50 results, ids of 1–64 bytes, unique, of known
  types, an article's ``input_message_content`` validated like a message;
  :meth:`user_picks_inline_result` posts the chosen result into a chat (``via_bot``) and
  queues ``chosen_inline_result``.
* Channels: :meth:`add_channel`, :meth:`channel_post`, :meth:`set_bot_status` (queues
  ``my_chat_member``); sending to a channel where the bot is not an administrator is
  403, and with flood limits on, a channel takes at most 20 messages a minute.
"""

from __future__ import annotations

import itertools
import re
import struct
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from botapi_emulator.html_entities import HTMLParseError, MessageEntity, parse_html, trim_text
from botapi_emulator.html_entities import utf16_len as _utf16_len
from botapi_emulator.methods import Formatted
from botapi_emulator.models import ChatEvent, SentMessage

if TYPE_CHECKING:
    from botapi_emulator.server import ApiError, BotAPIEmulator

MAX_CAPTION_LENGTH = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_INLINE_RESULTS = 50
#: a channel's flood limit: messages per minute
CHANNEL_PER_MINUTE = 20
_RESULT_TYPES = frozenset(
    {
        "article",
        "photo",
        "gif",
        "mpeg4_gif",
        "video",
        "audio",
        "voice",
        "document",
        "location",
        "venue",
        "contact",
        "game",
        "sticker",
    }
)
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ADMIN_STATUSES = frozenset({"administrator", "creator"})


def _error(code: int, description: str) -> ApiError:
    from botapi_emulator.server import ApiError

    return ApiError(code, description)


def _bad(description: str) -> ApiError:
    return _error(400, f"Bad Request: {description}")


@dataclass(slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    body: bytes


@dataclass(slots=True)
class StoredPhoto:
    file_id: str
    file_unique_id: str
    width: int
    height: int
    data: bytes

    def sizes(self) -> list[dict[str, Any]]:
        """Telegram's PhotoSize list: a thumbnail and the stored photo (≤ 2560 px)."""
        scale = min(1.0, 2560 / max(self.width, self.height))
        big = (round(self.width * scale), round(self.height * scale))
        small = 320 / max(self.width, self.height)
        thumb = (max(1, round(self.width * small)), max(1, round(self.height * small)))
        return [
            {
                "file_id": self.file_id + "-s",
                "file_unique_id": self.file_unique_id + "s",
                "width": thumb[0],
                "height": thumb[1],
                "file_size": len(self.data) // 20 + 1,
            },
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": big[0],
                "height": big[1],
                "file_size": len(self.data),
            },
        ]


@dataclass(slots=True)
class InlineQuery:
    id: str
    user_id: int
    query: str
    chat_type: str | None
    language_code: str | None
    answer: dict[str, Any] | None = None


@dataclass(slots=True)
class ReachState:
    photos: dict[str, StoredPhoto] = field(default_factory=dict)
    photo_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    queries: dict[str, InlineQuery] = field(default_factory=dict)
    query_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7_000_001))
    #: channel id → the bot's status there ("administrator", "left", "kicked", …)
    bot_status: dict[int, str] = field(default_factory=dict)
    #: channel id → send times within the last minute (flood limit)
    channel_sends: dict[int, list[float]] = field(default_factory=dict)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, None when the bytes are neither."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


class ReachMixin:
    """Photos, inline mode and channels; mixed into :class:`BotAPIEmulator`."""

    _reach_state: ReachState | None = None

    @property
    def reach(self) -> ReachState:
        if self._reach_state is None:
            self._reach_state = ReachState()
        return self._reach_state

    # ------------------------------------------------------------------ photos

    def photo_bytes(self, file_id: str) -> bytes:
        """The bytes of a photo the bot sent (KeyError when unknown)."""
        return self.reach.photos[file_id].data

    def _caption(self, params: dict[str, Any]) -> tuple[str, str | None, list[MessageEntity]]:
        emu = cast("BotAPIEmulator", self)
        raw = params.get("caption")
        if raw is None or raw == "":
            return "", None, []
        if not isinstance(raw, str):
            raise _bad("parameter 'caption' must be a string")
        parse_mode = params.get("parse_mode") or None
        if isinstance(parse_mode, str) and parse_mode.lower() == "html":
            try:
                plain, entities = parse_html(raw, strict_ampersand=emu.strict_html)
            except HTMLParseError as exc:
                raise _bad(f"can't parse entities: {exc.description}") from None
        elif parse_mode is None:
            plain, entities = raw, []
        else:
            plain, entities = raw, []  # Markdown is not used here; shown as sent
        plain, entities = trim_text(plain, entities)
        if _utf16_len(plain) > MAX_CAPTION_LENGTH:
            raise _bad("message caption is too long")
        return plain, parse_mode if isinstance(parse_mode, str) else None, entities

    def _photo(self, params: dict[str, Any]) -> StoredPhoto:
        value = params.get("photo")
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, Upload):
            size = image_size(value.body)
            if size is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            if len(value.body) > MAX_PHOTO_BYTES:
                raise _bad("PHOTO_SAVE_FILE_INVALID")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * min(width, height):
                raise _bad("PHOTO_INVALID_DIMENSIONS")
            number = next(self.reach.photo_ids)
            photo = StoredPhoto(
                f"AgACAgIAAxkDPhoto{number:08d}", f"AQADPh{number:06d}", width, height, value.body
            )
            self.reach.photos[photo.file_id] = photo
            return photo
        if isinstance(value, str) and value in self.reach.photos:
            return self.reach.photos[value]
        if isinstance(value, str) and value:
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad("there is no photo in the request")

    async def _m_send_photo(self, params: dict[str, Any]) -> Any:
        emu = cast("BotAPIEmulator", self)
        state = emu._resolve_chat(params)
        emu._check_channel_send(state.chat.id, state.chat.type)
        photo = emu._photo(params)
        plain, parse_mode, entities = emu._caption(params)
        markup = emu._reply_markup(params)
        raw = params.get("caption") if isinstance(params.get("caption"), str) else ""
        text = Formatted(str(raw or ""), plain, parse_mode, entities)
        msg = emu._store_bot_message(state, params, text, markup)
        msg.photo = photo.sizes()
        emu._event(ChatEvent("message", state.chat.id, msg))
        return emu._message_json(msg)

    # ------------------------------------------------------------------ inline mode

    def user_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str | None = "sender",
        language_code: str | None = "ar",
        first_name: str = "مستخدم",
    ) -> str:
        """Queue an ``inline_query`` as if the user typed ``@bot query``; returns its id."""
        emu = cast("BotAPIEmulator", self)
        if len(query) > 256:
            raise ValueError("an inline query is at most 256 characters")
        query_id = str(next(emu.reach.query_ids))
        emu.reach.queries[query_id] = InlineQuery(
            query_id, user_id, query, chat_type, language_code
        )
        payload: dict[str, Any] = {
            "id": query_id,
            "from": emu._user_json(user_id, first_name, None, language_code),
            "query": query,
            "offset": offset,
        }
        if chat_type is not None:
            payload["chat_type"] = chat_type
        emu._enqueue({"inline_query": payload})
        return query_id

    def inline_answer(self, query_id: str) -> dict[str, Any] | None:
        """The bot's accepted answer to an inline query (its parameters), if any."""
        return self.reach.queries[query_id].answer

    async def wait_for_inline_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until the bot answered ``query_id`` successfully; its parameters."""
        emu = cast("BotAPIEmulator", self)
        return await emu._wait(
            lambda: emu.reach.queries[query_id].answer,
            timeout,
            lambda: f"an answer to inline query {query_id}",
        )

    def _check_result(self, result: Any, seen: set[str]) -> None:
        emu = cast("BotAPIEmulator", self)
        if not isinstance(result, dict):
            raise _bad("can't parse InlineQueryResult JSON object")
        kind = result.get("type")
        if kind not in _RESULT_TYPES:
            raise _bad("RESULT_TYPE_INVALID")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise _bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise _bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if kind == "article":
            title = result.get("title")
            if not isinstance(title, str) or not title.strip():
                raise _bad("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content")
            if not isinstance(content, dict) or "message_text" not in content:
                raise _bad("can't parse InputMessageContent JSON object")
            emu._format({"text": content["message_text"], "parse_mode": content.get("parse_mode")})
        markup = result.get("reply_markup")
        if markup is not None:
            emu._reply_markup({"reply_markup": markup})

    async def _m_answer_inline_query(self, params: dict[str, Any]) -> Any:
        emu = cast("BotAPIEmulator", self)
        from botapi_emulator.params import as_int as _as_int
        from botapi_emulator.params import as_json as _as_json
        from botapi_emulator.params import as_str as _as_str

        query_id = _as_str(params, "inline_query_id") or ""
        query = emu.reach.queries.get(query_id)
        if query is None or query.answer is not None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        results = _as_json(params, "results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            emu._check_result(result, seen)
        cache_time = _as_int(params, "cache_time")
        if cache_time is not None and cache_time < 0:
            raise _bad("cache_time must be non-negative")
        next_offset = _as_str(params, "next_offset") or ""
        if len(next_offset.encode("utf-8")) > 64:
            raise _bad("NEXT_OFFSET_INVALID")
        button = _as_json(params, "button")
        if button is not None:
            start = button.get("start_parameter") if isinstance(button, dict) else None
            if start is not None and not _START_PARAMETER.fullmatch(str(start)):
                raise _bad("START_PARAM_INVALID")
        query.answer = {
            "results": results,
            "cache_time": 300 if cache_time is None else cache_time,
            "is_personal": str(params.get("is_personal", "")).lower() in {"true", "1"},
            "next_offset": next_offset,
            "button": button,
        }
        return True

    def user_picks_inline_result(self, query_id: str, result_id: str, chat_id: int) -> SentMessage:
        """The user taps a result: its message appears in ``chat_id`` (sent by the user
        *via* the bot) and the bot gets ``chosen_inline_result``. Returns the message."""
        emu = cast("BotAPIEmulator", self)
        query = emu.reach.queries[query_id]
        if query.answer is None:
            raise KeyError(f"inline query {query_id} was not answered")
        result = next((r for r in query.answer["results"] if r.get("id") == result_id), None)
        if result is None:
            raise KeyError(f"no result {result_id!r} in the answer to {query_id}")
        content = result["input_message_content"]
        formatted = emu._format(
            {"text": content["message_text"], "parse_mode": content.get("parse_mode")}
        )
        raw, plain = formatted.raw, formatted.plain
        parse_mode, entities = formatted.parse_mode, formatted.entities
        state = emu._chats.get(chat_id)
        if state is None:
            emu.add_chat(chat_id)
            state = emu._chats[chat_id]
        msg = SentMessage(
            chat_id=chat_id,
            message_id=state.next_message_id,
            text=plain,
            raw_text=raw,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=result.get("reply_markup"),
            date=int(time.time()),
            from_bot=False,
            params={"via_bot": emu.bot_username, "inline_result_id": result_id},
        )
        state.next_message_id += 1
        state.messages[msg.message_id] = msg
        emu._event(ChatEvent("message", chat_id, msg))
        emu._enqueue(
            {
                "chosen_inline_result": {
                    "result_id": result_id,
                    "from": emu._user_json(query.user_id, "مستخدم", None, query.language_code),
                    "query": query.query,
                }
            }
        )
        return msg

    # ------------------------------------------------------------------ channels

    def add_channel(
        self, chat_id: int, *, username: str | None = None, title: str = "قناة"
    ) -> None:
        """Make a channel known (the bot not yet a member; see :meth:`set_bot_status`)."""
        emu = cast("BotAPIEmulator", self)
        if chat_id >= 0:
            raise ValueError("channel ids are negative (-100…)")
        emu.add_chat(chat_id, chat_type="channel", username=username, title=title)
        emu.reach.bot_status.setdefault(chat_id, "left")

    def bot_status(self, chat_id: int) -> str:
        return self.reach.bot_status.get(chat_id, "left")

    def set_bot_status(self, chat_id: int, status: str, *, by_user: int = 1) -> None:
        """An admin adds the bot ("administrator") or removes it ("left", "kicked"):
        queues ``my_chat_member`` as Telegram does."""
        emu = cast("BotAPIEmulator", self)
        old = emu.reach.bot_status.get(chat_id, "left")
        emu.reach.bot_status[chat_id] = status
        now = int(time.time())

        def member(value: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": value, "user": emu._bot_json()}
            if value == "administrator":
                data.update(
                    can_be_edited=False,
                    is_anonymous=False,
                    can_manage_chat=True,
                    can_delete_messages=True,
                    can_manage_video_chats=False,
                    can_restrict_members=True,
                    can_promote_members=False,
                    can_change_info=True,
                    can_invite_users=True,
                    can_post_stories=False,
                    can_edit_stories=False,
                    can_delete_stories=False,
                    can_post_messages=True,
                    can_edit_messages=True,
                )
            if value == "kicked":
                data["until_date"] = 0
            return data

        emu._enqueue(
            {
                "my_chat_member": {
                    "chat": emu.chat(chat_id).to_api(),
                    "from": emu._user_json(by_user, "مشرف", None, "ar"),
                    "date": now,
                    "old_chat_member": member(old),
                    "new_chat_member": member(status),
                }
            }
        )

    def channel_post(self, chat_id: int, text: str) -> int:
        """An admin posts ``text`` in a channel (commands get entities); returns its id."""
        emu = cast("BotAPIEmulator", self)
        from botapi_emulator.control import _BOT_COMMAND_IN_TEXT
        from botapi_emulator.core import utf16_offset as _utf16_offset

        state = emu._chats[chat_id]
        entities = [
            MessageEntity("bot_command", _utf16_offset(text, m.start()), _utf16_len(m.group()))
            for m in _BOT_COMMAND_IN_TEXT.finditer(text)
        ]
        msg = SentMessage(
            chat_id=chat_id,
            message_id=state.next_message_id,
            text=text,
            raw_text=text,
            parse_mode=None,
            entities=entities,
            reply_markup=None,
            date=int(time.time()),
            from_bot=False,
        )
        state.next_message_id += 1
        state.messages[msg.message_id] = msg
        payload: dict[str, Any] = {
            "message_id": msg.message_id,
            "sender_chat": state.chat.to_api(),
            "chat": state.chat.to_api(),
            "date": msg.date,
            "text": text,
        }
        if entities:
            payload["entities"] = [e.to_api() for e in entities]
        emu._enqueue({"channel_post": payload})
        return msg.message_id

    def _check_channel_send(self, chat_id: int, chat_type: str) -> None:
        """403 unless the bot is an administrator of the channel; 429 over 20 a minute."""
        emu = cast("BotAPIEmulator", self)
        if chat_type != "channel":
            return
        status = emu.reach.bot_status.get(chat_id, "left")
        if status == "kicked":
            raise _error(403, "Forbidden: bot was kicked from the channel chat")
        if status not in _ADMIN_STATUSES:
            raise _error(403, "Forbidden: bot is not a member of the channel chat")
        if emu._flood is None:
            return
        now = time.monotonic()
        recent = [s for s in emu.reach.channel_sends.get(chat_id, []) if now - s < 60.0]
        if len(recent) >= CHANNEL_PER_MINUTE:
            from botapi_emulator.server import ApiError

            wait = max(1, int(60.0 - (now - recent[0])) + 1)
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        recent.append(now)
        emu.reach.channel_sends[chat_id] = recent
