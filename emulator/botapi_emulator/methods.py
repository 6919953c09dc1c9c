"""Bot API methods that act on chats: sending, editing, deleting, answering, commands.

Each validates its parameters like Telegram does and answers Telegram's descriptions,
so PTB's own error mapping runs unchanged against the emulator.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from botapi_emulator.core import ChatState, EmulatorCore, scope_key
from botapi_emulator.errors import bad_request
from botapi_emulator.html_entities import (
    MAX_MESSAGE_LENGTH,
    HTMLParseError,
    MessageEntity,
    parse_html,
    trim_text,
    utf16_len,
)
from botapi_emulator.models import ChatEvent, SentMessage
from botapi_emulator.params import as_bool, as_int, as_json, as_str

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


_BUTTON_URL = re.compile(r"^(?:(?:https?|tg)://\S+|[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?)$")


@dataclass(frozen=True, slots=True)
class Formatted:
    """A message text after Telegram's parsing: as sent, as shown, and its entities."""

    raw: str
    plain: str
    parse_mode: str | None
    entities: list[MessageEntity]


class MethodsMixin(EmulatorCore):
    """The chat-facing Bot API methods (``_m_*``) and their validation helpers."""

    def _format(
        self, params: dict[str, Any], *, too_long: str = "message is too long"
    ) -> Formatted:
        """The text after Telegram's parsing rules, or Telegram's error.

        ``too_long`` differs by method: sendMessage says "message is too long",
        editMessageText says "MESSAGE_TOO_LONG".
        """
        raw = as_str(params, "text") or ""
        parse_mode = as_str(params, "parse_mode") or None
        if parse_mode is not None:
            mode = parse_mode.lower()
            if mode == "html":
                try:
                    plain, entities = parse_html(raw, strict_ampersand=self.strict_html)
                except HTMLParseError as exc:
                    raise bad_request(f"can't parse entities: {exc.description}") from None
            elif mode in {"markdown", "markdownv2"}:
                # Not used by digestbot; shown as sent rather than guessed at.
                plain, entities = raw, []
            else:
                raise bad_request(f"unsupported parse_mode {parse_mode!r}")
        else:
            explicit = as_json(params, "entities") or []
            if not isinstance(explicit, list):
                raise bad_request("can't parse entities JSON object")
            try:
                entities = [MessageEntity.from_api(e) for e in explicit]
            except (KeyError, TypeError, ValueError):
                raise bad_request("can't parse entities JSON object") from None
            plain = raw
        plain, entities = trim_text(plain, entities)
        if not plain:
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise bad_request(too_long)
        return Formatted(raw, plain, parse_mode, entities)

    def _reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = as_json(params, "reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'Field "inline_keyboard" of the InlineKeyboardMarkup should be an Array '
                    "of Arrays"
                )
            for row in rows:
                for button in row:
                    _check_button(button)
        elif not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request('can\'t find field "inline_keyboard"')
        return markup

    def _store_bot_message(
        self,
        state: ChatState,
        params: dict[str, Any],
        text: Formatted,
        markup: dict[str, Any] | None,
    ) -> SentMessage:
        reply_to: int | None = None
        reply_parameters = as_json(params, "reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = int(reply_parameters.get("message_id", 0)) or None
            allow = bool(reply_parameters.get("allow_sending_without_reply"))
        else:
            reply_to = as_int(params, "reply_to_message_id")
            allow = as_bool(params, "allow_sending_without_reply")
        if reply_to is not None and reply_to not in state.messages:
            if not allow:
                raise bad_request("message to be replied not found")
            reply_to = None
        preview = as_json(params, "link_preview_options")
        preview_disabled = as_bool(params, "disable_web_page_preview") or (
            isinstance(preview, dict) and bool(preview.get("is_disabled"))
        )
        msg = SentMessage(
            chat_id=state.chat.id,
            message_id=state.next_message_id,
            text=text.plain,
            raw_text=text.raw,
            parse_mode=text.parse_mode,
            entities=text.entities,
            reply_markup=markup,
            date=int(time.time()),
            link_preview_disabled=preview_disabled,
            reply_to_message_id=reply_to,
            params=dict(params),
        )
        state.next_message_id += 1
        state.messages[msg.message_id] = msg
        return msg

    def _bot_message(self, state: ChatState, params: dict[str, Any], verb: str) -> SentMessage:
        message_id = as_int(params, "message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        msg = state.messages.get(message_id)
        if msg is None or msg.deleted:
            raise bad_request(f"message to {verb} not found")
        if not msg.from_bot and verb == "edit":
            raise bad_request("message can't be edited")
        return msg

    async def _m_get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_send_message(self, params: dict[str, Any]) -> Any:
        state = self._resolve_chat(params)
        self._check_channel_send(state.chat.id, state.chat.type)
        text = self._format(params)
        msg = self._store_bot_message(state, params, text, self._reply_markup(params))
        self._event(ChatEvent("message", state.chat.id, msg))
        return self._message_json(msg)

    async def _m_edit_message_text(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        state = self._resolve_chat(params)
        msg = self._bot_message(state, params, "edit")
        text = self._format(params, too_long="MESSAGE_TOO_LONG")
        markup = self._reply_markup(params)
        if text.plain == msg.text and text.entities == msg.entities and markup == msg.reply_markup:
            raise bad_request(_NOT_MODIFIED)
        if text.plain != msg.text:
            msg.history.append(msg.text)
        msg.text, msg.raw_text = text.plain, text.raw
        msg.parse_mode, msg.entities = text.parse_mode, text.entities
        msg.reply_markup = markup
        msg.edit_date = int(time.time())
        self._event(ChatEvent("edit", state.chat.id, msg))
        return self._message_json(msg)

    async def _m_edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        state = self._resolve_chat(params)
        msg = self._bot_message(state, params, "edit")
        markup = self._reply_markup(params)
        if markup == msg.reply_markup or (not markup and not msg.reply_markup):
            raise bad_request(_NOT_MODIFIED)
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
        query_id = as_str(params, "callback_query_id")
        query = self._callbacks.get(query_id or "")
        if query is None or query.answered:
            raise bad_request(_QUERY_INVALID)
        text = as_str(params, "text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        self._event(
            ChatEvent(
                "callback_answer",
                query.chat_id,
                self._chats[query.chat_id].messages.get(query.message_id),
                text=text,
                show_alert=as_bool(params, "show_alert"),
            )
        )
        return True

    async def _m_send_chat_action(self, params: dict[str, Any]) -> Any:
        state = self._resolve_chat(params)
        action = as_str(params, "action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._event(ChatEvent("chat_action", state.chat.id, text=action))
        return True

    def _scope_and_language(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = as_json(params, "scope")
        if scope is not None:
            if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
                raise bad_request("can't parse BotCommandScope JSON object")
            if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
                self._resolve_chat({"chat_id": scope.get("chat_id")}, writing=False)
        language = as_str(params, "language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return scope_key(scope), language

    async def _m_set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = as_json(params, "commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command = str(item.get("command", ""))
            description = str(item.get("description", ""))
            if not _COMMAND_RE.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
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

    async def _m_true(self, params: dict[str, Any]) -> Any:
        return True


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
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
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        # Telegram takes http(s) and tg links, and bare domains (it adds http://).
        if not isinstance(url, str) or not _BUTTON_URL.match(url):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
