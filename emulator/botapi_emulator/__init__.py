"""A local Telegram Bot API emulator: for the tests and for ``digestbot chat``."""

from botapi_emulator.faults import Fault, FaultKind
from botapi_emulator.html_entities import MessageEntity, parse_html, utf16_len
from botapi_emulator.models import Button, ChatEvent, RecordedCall, SentMessage
from botapi_emulator.server import DEFAULT_TOKEN, ApiError, BotAPIEmulator, Chat

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotAPIEmulator",
    "Button",
    "Chat",
    "ChatEvent",
    "Fault",
    "FaultKind",
    "MessageEntity",
    "RecordedCall",
    "SentMessage",
    "parse_html",
    "utf16_len",
]
