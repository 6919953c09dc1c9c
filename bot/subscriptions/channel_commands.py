"""``digestbot channels add @name|-100…|list|remove @name|-100…``: the operator's channels.

``add @name`` asks the Bot API which channel that is (``getChat``; needs
``TELEGRAM_BOT_TOKEN``, and ``TELEGRAM_API_URL`` for a local server or the emulator);
``add -100…`` works without a token (the name is filled in when the channel's admin sends
``/channel`` or the bot is re-added). Make the bot an administrator of the channel with
the right to post first; the serving bot then posts every digest there, oldest first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Bot
from telegram.error import TelegramError

from bot.config import Settings, load_settings
from bot.delivery.fanout import utcnow
from bot.subscriptions.channels import ChannelRegistry, is_channel_id
from bot.subscriptions.store import SubscriptionStore

DEFAULT_API = "https://api.telegram.org/bot"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "list", "remove"))
    parser.add_argument("channel", nargs="?", default=None, help="@username or -100… id")
    parser.add_argument("--lang", choices=("ar", "en"), default="ar", help="posts' language")
    parser.add_argument("--database-url", default=None, help="default: $DIGESTBOT_DATABASE_URL")


async def _lookup(settings: Settings, ref: str) -> tuple[int, str | None, str | None]:
    """(id, username, title) of a channel from the Bot API."""
    token = settings.require_token()
    async with Bot(token, base_url=settings.telegram_api_url or DEFAULT_API) as bot:
        chat = await bot.get_chat(ref)
    if chat.type != "channel":
        raise ValueError(f"{ref} is a {chat.type}, not a channel")
    return chat.id, chat.username, chat.title


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = SubscriptionStore.from_url(args.database_url or settings.effective_database_url)
    registry = ChannelRegistry(store)
    try:
        if args.action == "list":
            for c in registry.list():
                state = "active" if c.active else f"paused ({c.inactive_reason})"
                print(f"{c.chat_id}\t{c.label}\t{state}\t{c.lang}\t{c.added_at.isoformat()}")
            return 0
        if not args.channel:
            print(
                f"digestbot channels {args.action}: which channel? @name or -100…", file=sys.stderr
            )
            return 2
        ref: str = args.channel.strip()
        if args.action == "remove":
            channel = registry.find(ref)
            if channel is None or not registry.remove(channel.chat_id, utcnow()):
                print(f"no such channel: {ref}", file=sys.stderr)
                return 1
            print(f"removed {channel.label}")
            return 0
        username: str | None = None
        title: str | None = None
        if ref.lstrip("-").isdigit():
            chat_id = int(ref)
            if not is_channel_id(chat_id):
                print(f"not a channel id: {ref} (channels are -100…)", file=sys.stderr)
                return 2
        else:
            try:
                chat_id, username, title = asyncio.run(_lookup(settings, ref))
            except (TelegramError, ValueError) as exc:
                print(f"cannot add {ref}: {exc}", file=sys.stderr)
                return 1
        channel, created = registry.add(
            chat_id, utcnow(), username=username, title=title, lang=args.lang
        )
        print(f"{'added' if created else 'enabled'} {channel.label} ({channel.chat_id})")
        return 0
    finally:
        store.close()
