"""A local Telegram Bot API emulator: for the tests and for ``digestbot chat``."""

from bot.emulator.faults import Fault, FaultKind
from bot.emulator.html_entities import MessageEntity, parse_html, utf16_len
from bot.emulator.models import Button, ChatEvent, RecordedCall, SentMessage
from bot.emulator.server import DEFAULT_TOKEN, ApiError, BotAPIEmulator, Chat

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
