"""``digestbot chat``: talk to the real bot in this terminal, no token, no network.

It starts the bundled Bot API emulator on loopback, the real bot (``build_application``)
long-polling it, and a chat transcript that shows replies as a person would see them:
Arabic lines right-aligned to the terminal width, formatting taken from the parsed
entities (bold/italic when the terminal has colours, links listed under the message),
inline keyboard buttons numbered. Type a number (or ``#N``) to press a button.

Non-interactive use: ``-c "/timeline"`` (repeatable) and ``--script FILE`` run each line,
wait until the bot goes quiet and print the replies; ``#2`` presses button 2 of the
latest keyboard; ``:sleep 1.5`` waits. Lines piped on stdin are a script too. The exit
status is 0 when every step got a reply and the Bot API accepted every call, else 1.

The bot is ``@digestbot`` in the emulator (``/digest@digestbot`` works as in a group) and
greets you as «ضيف» ("Guest" with ``--lang en``) unless ``--name`` gives your name.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from botapi_emulator.html_entities import MessageEntity
from botapi_emulator.models import Button, ChatEvent, SentMessage
from botapi_emulator.server import BotAPIEmulator
from telegram.error import TelegramError

from bot import chat_reach
from bot.lifecycle import AnyApp, start_polling, stop_polling

#: Builds the bot for a running emulator (token and base URL come from it).
AppFactory = Callable[[BotAPIEmulator], AnyApp]

_PRESS = re.compile(r"^#\s*(\d+)$")
_BARE_NUMBER = re.compile(r"^(\d{1,2})$")
_SLEEP = re.compile(r"^:sleep\s+(\d+(?:\.\d+)?)$")
_QUIT = frozenset({":q", ":quit", ":exit"})

#: one character of a message and the entity types (bold, link, …) covering it
Styled = tuple[str, frozenset[str]]
_ADDRESSED = re.compile(r"^/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")
#: The bot's @username in the emulator, so ``/digest@digestbot`` reaches it as in a group.
BOT_USERNAME = "digestbot"
#: The name the bot greets you by unless ``--name`` says otherwise, per client language.
DEFAULT_NAMES = {"ar": "ضيف", "en": "Guest"}
_HELP = (
    "Type a command (/help) or text. A number or #N presses button N of the latest "
    "keyboard.\n:lang en|ar sets your Telegram language, :sleep S waits, :q quits.\n"
    + chat_reach.HELP
)

_ANSI = {
    "bold": "1",
    "italic": "3",
    "underline": "4",
    "strikethrough": "9",
    "code": "2",
    "pre": "2",
    "text_link": "4",
    "spoiler": "7",
}


# ----------------------------------------------------------------------------- layout


def char_width(ch: str) -> int:
    """Terminal columns of one character: marks and format controls take none."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in {"Mn", "Me", "Cf"}:
        return 0
    return 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def _direction(text: str) -> str | None:
    """``"rtl"``/``"ltr"`` from the first strong character (or mark); None when neutral."""
    for ch in text:
        if ch == "\u200f":
            return "rtl"
        if ch == "\u200e":
            return "ltr"
        bidi = unicodedata.bidirectional(ch)
        if bidi in {"R", "AL"}:
            return "rtl"
        if bidi == "L":
            return "ltr"
    return None


def _styled_chars(text: str, entities: Sequence[MessageEntity]) -> list[Styled]:
    """Each character of ``text`` with the entity types covering it (UTF-16 offsets)."""
    chars: list[Styled] = []
    position = 0
    for ch in text:
        covering = frozenset(e.type for e in entities if e.offset <= position < e.offset + e.length)
        chars.append((ch, covering))
        position += 2 if ord(ch) > 0xFFFF else 1
    return chars


def _wrap(chars: list[Styled], width: int) -> list[list[Styled]]:
    """Word-wrap one paragraph to ``width`` columns (long words are cut)."""
    lines: list[list[Styled]] = []
    line: list[Styled] = []
    used = 0
    for word in _words(chars):
        w = _width(word)
        if used + w > width and line:
            lines.append(_rstrip(line))
            line, used = [], 0
        while w > width:
            head, word = _cut(word, width)
            lines.append(head)
            w = _width(word)
        line.extend(word)
        used += w
    lines.append(_rstrip(line))
    return lines


def _words(chars: list[Styled]) -> list[list[Styled]]:
    """Runs of characters each ending after a space (the last perhaps without one)."""
    words: list[list[Styled]] = []
    current: list[Styled] = []
    for item in chars:
        current.append(item)
        if item[0] == " ":
            words.append(current)
            current = []
    if current:
        words.append(current)
    return words


def _width(word: list[Styled]) -> int:
    return sum(char_width(c) for c, _ in word)


def _cut(word: list[Styled], width: int) -> tuple[list[Styled], list[Styled]]:
    """The head of a too-long word that fits ``width`` (at least one character), the rest."""
    taken = 0
    for count, (ch, _styles) in enumerate(word):
        if taken + char_width(ch) > width:
            return (word[:count], word[count:]) if count else (word[:1], word[1:])
        taken += char_width(ch)
    return word, []


def _rstrip(line: list[Styled]) -> list[Styled]:
    while line and line[-1][0] == " ":
        line.pop()
    return line


def layout(
    text: str,
    entities: Sequence[MessageEntity] = (),
    *,
    width: int = 80,
    color: bool = False,
    indent: int = 2,
) -> list[str]:
    """Lines of a message for the terminal: wrapped, RTL lines right-aligned, styled."""
    inner = max(10, width - indent)
    base = _direction(text) or "ltr"
    out: list[str] = []
    quoted = {"blockquote", "expandable_blockquote"}
    for paragraph in _split_lines(_styled_chars(text, entities)):
        plain = "".join(c for c, _ in paragraph)
        direction = _direction(plain) or base
        in_quote = any(styles & quoted for _, styles in paragraph)
        if not paragraph:
            out.append("")
            continue
        for piece in _wrap(paragraph, inner - (2 if in_quote else 0)):
            rendered = _render(piece, color)
            if in_quote:
                rendered = ("│ " + rendered) if direction == "ltr" else (rendered + " │")
            used = display_width("".join(c for c, _ in piece)) + (2 if in_quote else 0)
            pad = inner - used if direction == "rtl" else 0
            out.append(" " * (indent + max(0, pad)) + rendered)
    return out


def _split_lines(
    chars: list[Styled],
) -> list[list[Styled]]:
    lines: list[list[Styled]] = [[]]
    for item in chars:
        if item[0] == "\n":
            lines.append([])
        else:
            lines[-1].append(item)
    return lines


def _render(chars: list[Styled], color: bool) -> str:
    if not color:
        return "".join(c for c, _ in chars)
    out: list[str] = []
    current: frozenset[str] = frozenset()
    for ch, styles in chars:
        if styles != current:
            codes = sorted({_ANSI[s] for s in styles if s in _ANSI})
            out.append("\x1b[0m" + (f"\x1b[{';'.join(codes)}m" if codes else ""))
            current = styles
        out.append(ch)
    if current:
        out.append("\x1b[0m")
    return "".join(out)


# ----------------------------------------------------------------------------- transcript


@dataclass
class Transcript:
    """Prints what happens in one chat, once each, in order."""

    emulator: BotAPIEmulator
    chat_id: int
    out: TextIO
    width: int = 80
    color: bool = False
    printed_events: int = 0
    printed_calls: int = 0
    api_errors: int = 0
    #: The latest printed message with callback buttons: what "#N" presses.
    keyboard: SentMessage | None = None
    #: other chats printed too, marked 📢 (a channel played with :channel)
    watched: set[int] = field(default_factory=set)

    def watch(self, chat_id: int) -> None:
        self.watched.add(chat_id)

    def write(self, line: str = "") -> None:
        self.out.write(line + "\n")

    def user_line(self, text: str) -> None:
        self.write(f"› {text}")

    def notice(self, text: str) -> None:
        self.write(f"  ({text})")

    def flush(self) -> int:
        """Print events and Bot API errors not printed yet; return how many events."""
        events = self.emulator.events
        shown = 0
        while self.printed_events < len(events):
            event = events[self.printed_events]
            self.printed_events += 1
            if event.chat_id == self.chat_id:
                shown += self._event(event)
            elif event.chat_id in self.watched and event.kind == "message":
                self.write(f"\n📢 {self.emulator.chat(event.chat_id).title or event.chat_id}")
                shown += self._event(event)
        calls = self.emulator.calls
        while self.printed_calls < len(calls):
            call = calls[self.printed_calls]
            self.printed_calls += 1
            if call.status >= 400 and call.method != "getUpdates":
                self.api_errors += 1
                self.write(f"  ⚠ Bot API refused {call.method}: {call.description or call.status}")
        self.out.flush()
        return shown

    def _event(self, event: ChatEvent) -> int:
        msg = event.message
        if event.kind in {"message", "edit"} and msg is not None:
            self.write()
            title = "🤖" if event.kind == "message" else "🤖 ✎ (edited)"
            self.write(f"{title} #{msg.message_id}")
            for line in layout(msg.text, msg.entities, width=self.width, color=self.color):
                self.write(line)
            self._links(msg)
            self._buttons(msg)
            return 1
        if event.kind == "delete" and msg is not None:
            self.notice(f"message #{msg.message_id} deleted")
            return 1
        if event.kind == "callback_answer" and event.text:
            mark = "⚠" if event.show_alert else "💬"
            self.write(f"  {mark} {event.text}")
            return 1
        return 0

    def _links(self, msg: SentMessage) -> None:
        seen: list[str] = []
        for e in msg.entities:
            if e.type == "text_link" and e.url and e.url not in seen:
                seen.append(e.url)
        for url in seen:
            self.write(f"  🔗 {url}")

    def _buttons(self, msg: SentMessage) -> None:
        buttons = msg.buttons
        if not buttons:
            return
        number = 0
        rows: dict[int, list[str]] = {}
        for b in buttons:
            if b.callback_data is not None:
                number += 1
                label = f"[{number}] {b.text}"
            elif b.url is not None:
                label = f"[↗ {b.text}: {b.url}]"
            else:
                label = f"[{b.text}]"
            rows.setdefault(b.row, []).append(label)
        for labels in rows.values():
            line = "   ".join(labels)
            rtl = (_direction(msg.text) or "ltr") == "rtl"  # the keyboard follows its message
            pad = self.width - 2 - display_width(line) if rtl else 0
            self.write(" " * (2 + max(0, pad)) + line)
        if number:
            self.keyboard = msg

    def button(self, number: int) -> Button | None:
        if self.keyboard is None:
            return None
        current = self.emulator.message(self.chat_id, self.keyboard.message_id)
        if current.deleted:
            return None
        pressable = [b for b in current.buttons if b.callback_data is not None]
        return pressable[number - 1] if 1 <= number <= len(pressable) else None


# ----------------------------------------------------------------------------- session


@dataclass
class ChatOptions:
    """How the terminal user appears to the bot and how long to wait for it."""

    chat_id: int = 10_001
    #: Your Telegram first name; None: a neutral one in your client language («ضيف», Guest).
    first_name: str | None = None
    language_code: str = "ar"
    width: int = 80
    color: bool = False
    reply_timeout: float = 10.0
    idle: float = 0.4

    @property
    def name(self) -> str:
        if self.first_name:
            return self.first_name
        return DEFAULT_NAMES.get(self.language_code, DEFAULT_NAMES["en"])


class ChatSession:
    """One chat between the terminal user and the bot, over a running emulator."""

    def __init__(self, emulator: BotAPIEmulator, options: ChatOptions, out: TextIO) -> None:
        self.emulator = emulator
        self.options = options
        self.transcript = Transcript(
            emulator, options.chat_id, out, width=options.width, color=options.color
        )
        self.failures = 0
        self.inline_query: str | None = None  # the latest :inline query, for :pick
        self._not_busy = asyncio.Event()
        self._not_busy.set()

    async def step(self, line: str, *, echo: bool) -> bool:
        """Run one input line; return False when the user asked to quit."""
        text = line.strip()
        if text in _QUIT:
            return False
        if not text or await self._local(text):
            return True
        if text.split(" ", 1)[0] in chat_reach.COMMANDS:
            if echo:
                self.transcript.user_line(text)
            await chat_reach.step(self, text)
            return True
        if echo:
            self.transcript.write()
            self.transcript.user_line(text)
        before = len(self.emulator.events)
        press = _PRESS.match(text) or (
            _BARE_NUMBER.match(text) if not echo and self.transcript.keyboard else None
        )
        if press:
            if not self._press(int(press.group(1)), echo=echo):
                return True
        else:
            self.emulator.user_sends(
                self.options.chat_id,
                text,
                language_code=self.options.language_code,
                first_name=self.options.name,
            )
        if not await self._await_reply(before):
            self._no_reply(text if not press else None)
            return True
        await self.emulator.wait_until_quiet(self.options.idle, self.options.reply_timeout)
        self.transcript.flush()
        return True

    async def _local(self, text: str) -> bool:
        """The chat's own commands (:help, :lang, :sleep) and comments: True when handled."""
        if text == ":help":
            self.transcript.write(_HELP)
            return True
        if text.startswith(":lang"):
            parts = text.split()
            if len(parts) == 2 and re.fullmatch(r"[a-z]{2}", parts[1]):
                self.options.language_code = parts[1]
                self.transcript.notice(f"your Telegram language is now {parts[1]}")
            else:
                self.transcript.notice("usage: :lang en")
            return True
        if sleep := _SLEEP.match(text):
            await asyncio.sleep(float(sleep.group(1)))
            self.transcript.flush()
            return True
        return text.startswith("#") and not _PRESS.match(text)  # a comment line in a script

    def _press(self, number: int, *, echo: bool) -> bool:
        """Press button ``number`` of the latest keyboard; False (and a notice) if none."""
        button = self.transcript.button(number)
        keyboard = self.transcript.keyboard
        if button is None or button.callback_data is None or keyboard is None:
            self.transcript.notice(f"there is no button {number} on the latest keyboard")
            self.failures += 1
            return False
        if not echo:
            self.transcript.user_line(f"[{button.text}]")
        self.emulator.user_presses(
            self.options.chat_id,
            keyboard.message_id,
            button.callback_data,
            language_code=self.options.language_code,
            first_name=self.options.name,
        )
        return True

    def _no_reply(self, sent: str | None) -> None:
        """Say that nothing came, and why when the command was for another bot."""
        self.transcript.flush()
        self.transcript.notice(f"no reply within {self.options.reply_timeout:g}s")
        other = _ADDRESSED.match(sent) if sent is not None else None
        bot = self.emulator.bot_username
        if other is not None and other.group(1).lower() != bot.lower():
            self.transcript.notice(
                f"that command is addressed to @{other.group(1)}; this bot is @{bot}"
            )
        self.failures += 1

    async def _await_reply(self, after: int) -> bool:
        """Wait for something visible in this chat (a chat action alone does not count)."""
        index = after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.reply_timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                event = await self.emulator.wait_for_event(index, timeout=remaining)
            except TimeoutError:
                return False
            index += 1
            if event.chat_id == self.options.chat_id and event.kind != "chat_action":
                return True

    async def run_script(self, lines: Iterable[str]) -> int:
        for line in lines:
            if not await self.step(line, echo=True):
                break
        await self.emulator.wait_until_quiet(self.options.idle, self.options.reply_timeout)
        self.transcript.flush()
        return 1 if self.failures or self.transcript.api_errors else 0

    async def run_interactive(self, stdin: TextIO) -> int:
        out = self.transcript
        out.write(
            f"digestbot chat — @{self.emulator.bot_username} is polling a local emulator at "
            f"{self.emulator.api_root}; you are {self.options.name}"
        )
        out.write(_HELP)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        terminal = stdin is sys.stdin and stdin.isatty()
        if terminal:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401 - line editing and history for input()

        def read() -> None:
            while True:
                try:
                    line = input() + "\n" if terminal else stdin.readline()
                except (EOFError, OSError, ValueError):
                    line = ""
                loop.call_soon_threadsafe(queue.put_nowait, line or None)
                if not line:
                    return

        threading.Thread(target=read, name="chat-stdin", daemon=True).start()
        watcher = asyncio.create_task(self._watch())
        try:
            while True:
                out.out.write("› ")
                out.out.flush()
                line = await queue.get()
                if line is None:
                    out.write()
                    return 0
                self._not_busy.clear()
                try:
                    if not await self.step(line, echo=False):
                        return 0
                finally:
                    self._not_busy.set()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self) -> None:
        """Show messages that arrive between inputs (e.g. a scheduled digest)."""
        while True:
            await self.emulator.wait_for_event(self.transcript.printed_events, 3600)
            await self._not_busy.wait()  # a running step prints its own replies
            await self.emulator.wait_until_quiet(self.options.idle, 5)
            if self._not_busy.is_set() and self.transcript.flush():
                self.transcript.out.write("› ")
                self.transcript.out.flush()


class _DropPollCleanupError(logging.Filter):
    """Drops PTB's "Error while calling `get_updates` one more time…" traceback.

    On stop the Updater cancels its long poll and calls getUpdates once more to mark the
    fetched updates as read. When the stop lands just as a long poll ends (e.g. after a
    command that got no reply: the chat waits its 10 s while the next poll waits 10 s), the
    cancelled request still holds the single getUpdates connection and that last call fails
    with "Pool timeout". PTB already suppresses the error; it only matters for a restart
    against the same server, and the chat's emulator is thrown away right after.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while calling `get_updates` one more time")


async def start_bot(application: AnyApp) -> None:
    """Start like ``run_polling`` does (post_init included) without owning the loop."""
    await start_polling(application)


async def stop_bot(application: AnyApp) -> None:
    """Stop in ``run_polling``'s order, running the post_stop/post_shutdown hooks; quietly."""
    await stop_polling(application, quiet_updater=_DropPollCleanupError())


async def run_chat(
    factory: AppFactory,
    *,
    script: Sequence[str] | None,
    options: ChatOptions,
    out: TextIO,
    stdin: TextIO | None = None,
    port: int = 0,
    bot_username: str = BOT_USERNAME,
) -> int:
    """Emulator + bot + chat; ``script=None`` means interactive on ``stdin``."""
    async with BotAPIEmulator(port=port, bot_username=bot_username) as emulator:
        application = factory(emulator)
        try:
            await start_bot(application)
        except TelegramError as exc:
            out.write(f"digestbot chat: the bot failed to start: {exc}\n")
            with contextlib.suppress(Exception):
                await application.shutdown()
            return 1
        session = ChatSession(emulator, options, out)
        try:
            if script is not None:
                return await session.run_script(script)
            return await session.run_interactive(stdin or sys.stdin)
        finally:
            await stop_bot(application)


# ----------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache", type=Path, default=None, help="cache file (default: $DIGESTBOT_CACHE)"
    )
    parser.add_argument(
        "-c",
        "--command",
        dest="commands",
        action="append",
        default=[],
        metavar="LINE",
        help="send LINE (a command, text, or #N to press a button); repeatable",
    )
    parser.add_argument(
        "--script", type=Path, default=None, help="run the lines of FILE, then exit"
    )
    parser.add_argument("--lang", default="ar", help="your Telegram client language (default: ar)")
    parser.add_argument(
        "--name",
        default=None,
        help="your first name, as the bot greets you (default: ضيف; Guest with --lang en)",
    )
    parser.add_argument("--chat-id", type=int, default=10_001, help="your user/chat id")
    parser.add_argument(
        "--width", type=int, default=None, help="columns to align to (default: terminal width)"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to wait for a reply (default: 10)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="subscription database (default: a throw-away SQLite file)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data directory to serve from, e.g. data/ to see what `digestbot ingest` "
        "adds (default: a throw-away one)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="emulator port on 127.0.0.1 (default: any free one)"
    )
    parser.add_argument("--verbose", action="store_true", help="show the bot's INFO logs")


def _script_lines(args: argparse.Namespace) -> list[str] | None:
    lines: list[str] = list(args.commands)
    if args.script is not None:
        try:
            lines.extend(args.script.read_text(encoding="utf-8").splitlines())
        except OSError as exc:
            from bot.errors import ConfigError

            raise ConfigError(f"cannot read script {args.script}: {exc.strerror}") from exc
    if lines:
        return lines
    if not sys.stdin.isatty():
        return sys.stdin.read().splitlines()
    return None


def main(args: argparse.Namespace) -> int:
    # Imported here: the bot and its dependencies load only for this subcommand.
    from bot.cache.store import load_cache
    from bot.config import load_settings
    from bot.observability.logs import configure_logging
    from bot.telegram.app import build_application

    script = _script_lines(args)
    with tempfile.TemporaryDirectory(prefix="digestbot-chat-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        database = "digestbot.sqlite3" if args.data_dir else "chat.sqlite3"
        overrides: dict[str, object] = {
            "DIGESTBOT_DATABASE_URL": args.database_url
            or f"sqlite:///{(data_dir / database).as_posix()}",
            "DIGESTBOT_DATA_DIR": data_dir,
        }
        settings = load_settings(**overrides)
        configure_logging("INFO" if args.verbose else "WARNING", settings.log_format)
        cache = load_cache(args.cache or settings.cache_path)

        def factory(emulator: BotAPIEmulator) -> AnyApp:
            return build_application(
                settings, cache, token=emulator.token, base_url=emulator.base_url
            )

        interactive = script is None
        out = sys.stdout
        with contextlib.suppress(AttributeError, ValueError):
            out.reconfigure(errors="replace")  # type: ignore[union-attr]
        options = ChatOptions(
            chat_id=args.chat_id,
            first_name=args.name,
            language_code=args.lang,
            width=args.width or shutil.get_terminal_size((80, 24)).columns,
            color=interactive and out.isatty() and "NO_COLOR" not in os.environ,
            reply_timeout=args.timeout,
        )
        return asyncio.run(
            run_chat(factory, script=script, options=options, out=out, port=args.port)
        )
