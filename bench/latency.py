"""Latency of the bot through the emulator, against a bare PTB echo bot in the same run.

For /timeline, /reactions and /digest this measures the time from a user's message
arriving at the emulator to the bot's reply arriving there (long polling, real HTTP on
loopback), for ``digestbot run`` and for a minimal PTB echo bot, both started as
subprocesses so their start-up time and resident memory can be reported too::

    python bench/latency.py [--cache summaries/cache.json] [--rounds 200] [--users one|many|both]

Target: the bot's p95 within 1.2x the echo bot's p95 for the same message.

``--users many`` sends every message from a chat the bot has not seen before (a new
reader's first message: the bot looks up their saved language), ``one`` from one
returning reader, ``both`` (default) measures the two in turn. The echo baseline is
bench/echo_bot.py, a bare PTB bot with nothing else imported.

A third bot, "payload echo", answers each command with the very screen (HTML text and
keyboard) digestbot sends, straight from memory. An echo repeats a 9-character message,
while the bot's screens are 1-2 thousand characters with entities and buttons that the
Bot API (here the emulator) must parse, so "bot / payload echo" is the bot's own
overhead (handlers, metrics, language, retries) and "payload echo / echo" the cost of
what it sends.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from botapi_emulator import BotAPIEmulator  # noqa: E402

COMMANDS = ("/timeline", "/reactions", "/digest")
CHAT = 777_000_001
TARGET_RATIO = 1.2


def payload_echo_main() -> int:
    """A bare PTB bot answering each command with digestbot's screen for it, as is."""
    from telegram import Update
    from telegram.ext import ContextTypes

    from bot.cache.store import load_cache
    from bot.telegram.views import Screen, Views

    views = Views(load_cache(Path(os.environ["DIGESTBOT_CACHE"])))
    screens: dict[str, Screen] = {
        "/timeline": views.timeline_start("ar", "o", None),
        "/reactions": views.reactions("ar", None, 0),
        "/digest": views.digest_menu("ar", 0),
    }
    fallback = views.help("ar")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        screen = screens.get(message.text, fallback)
        for i, part in enumerate(screen.parts):
            last = i == len(screen.parts) - 1
            await message.reply_html(part, reply_markup=screen.markup if last else None)

    from echo_bot import run_bare_bot  # bench/: a bare PTB app, nothing else

    return run_bare_bot(echo)


@dataclass
class Bot:
    """One bot process with its own emulator (two pollers cannot share one token)."""

    name: str
    argv: list[str]
    emu: BotAPIEmulator
    proc: subprocess.Popen[bytes] | None = None
    startup: float = 0.0
    rss_start_kib: int = -1
    rss_kib: int = -1

    def __post_init__(self) -> None:
        self.samples: dict[str, list[float]] = {c: [] for c in COMMANDS}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def rss_kib(pid: int) -> int:
    """Resident set size of a process from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


async def launch(bot: Bot, env: dict[str, str], log_dir: Path) -> None:
    """Spawn the bot; start-up is the time from spawn to its reply to /start."""
    env = {**env, "TELEGRAM_BOT_TOKEN": bot.emu.token, "TELEGRAM_API_URL": bot.emu.base_url}
    log = (log_dir / f"{bot.name}.log").open("wb")
    started = time.perf_counter()
    bot.proc = subprocess.Popen(  # noqa: ASYNC220 - spawn only; waits go through the loop
        bot.argv, env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT
    )
    bot.emu.user_sends(CHAT, "/start")
    await bot.emu.wait_for_bot_messages(CHAT, 1, timeout=60)
    bot.rss_start_kib = rss_kib(bot.proc.pid)
    bot.startup = time.perf_counter() - started
    await bot.emu.wait_until_quiet(idle=0.3)
    bot.emu.messages(CHAT)  # nothing else pending


async def round_trip(bot: Bot, text: str, chat: int = CHAT) -> float:
    started = time.perf_counter()
    bot.emu.user_sends(chat, text)
    await bot.emu.wait_for_bot_messages(chat, 1, timeout=10)
    elapsed = time.perf_counter() - started
    await bot.emu.wait_until_quiet(idle=0.0, timeout=5)  # a split reply's other parts
    return elapsed


async def stop(bot: Bot) -> None:
    """SIGTERM and wait without blocking the loop (the emulator must answer the last poll)."""
    if bot.proc is None:
        return
    bot.proc.terminate()
    for _ in range(150):
        if bot.proc.poll() is not None:
            return
        await asyncio.sleep(0.1)
    bot.proc.kill()


def _row(name: str, *samples: list[float]) -> str:
    ms = 1000.0
    cells = "".join(
        f"{statistics.median(v) * ms:>8.2f}ms{percentile(v, 0.95) * ms:>8.2f}ms" for v in samples
    )
    p95 = [percentile(v, 0.95) for v in samples]
    return f"{name:<12}{cells}{p95[0] / p95[1]:>10.2f}x{p95[0] / p95[2]:>10.2f}x"


def report(bot: Bot, echo: Bot, payload: Bot, rounds: int, users: str) -> bool:
    who = "each message from a new chat" if users == "many" else "one returning chat"
    print(f"\n{rounds} rounds per command, interleaved, each bot with its own emulator; {who}")
    print(
        f"{'command':<12}{'bot p50':>10}{'bot p95':>10}{'echo p50':>10}{'echo p95':>10}"
        f"{'payl. p50':>10}{'payl. p95':>10}{'vs echo':>11}{'vs payl.':>11}"
    )
    ok = True
    for command in COMMANDS:
        b, e, pl = bot.samples[command], echo.samples[command], payload.samples[command]
        ok = ok and percentile(b, 0.95) / percentile(e, 0.95) <= TARGET_RATIO
        print(_row(command, b, e, pl))
    print(_row("all", *([x for v in r.samples.values() for x in v] for r in (bot, echo, payload))))
    print("(p95 ratios; 'payl.' = a bare PTB bot sending the bot's own screens)")
    print(f"target p95 ≤ {TARGET_RATIO}x echo: {'met' if ok else 'NOT met'}")
    return ok


def report_processes(bots: tuple[Bot, ...]) -> None:
    for r in bots:
        print(
            f"{r.name}: start-up (spawn → reply to /start) {r.startup:.2f}s, resident memory "
            f"{r.rss_start_kib / 1024:.1f} MiB at start, {r.rss_kib / 1024:.1f} MiB at the end"
        )


async def measure(bots: tuple[Bot, ...], rounds: int, first_chat: int | None) -> None:
    """Interleave the bots, command by command; ``first_chat`` numbers new chats."""
    for b in bots:
        for samples in b.samples.values():
            samples.clear()
    for n in range(rounds):
        for k, command in enumerate(COMMANDS):
            chat = CHAT if first_chat is None else first_chat + n * len(COMMANDS) + k
            for b in bots:
                b.samples[command].append(await round_trip(b, command, chat))


async def bench(cache: Path, rounds: int, users: str) -> int:
    if not cache.is_file():  # noqa: ASYNC240 - before anything runs
        print(f"no cache at {cache}: run `digestbot build` first or pass --cache", file=sys.stderr)
        return 2
    async with (
        BotAPIEmulator() as bot_emu,
        BotAPIEmulator() as echo_emu,
        BotAPIEmulator() as payload_emu,
    ):
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DIGESTBOT_CACHE": str(cache),
                "DIGESTBOT_DATA_DIR": tmp,
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
                # one user firing replies back to back, far above Telegram's flood limit:
                # measure the bot's own cost, not the shared send budget's pacing
                "DIGESTBOT_SEND_RATE": "10000",
            }
            bot = Bot("digestbot", [sys.executable, "-m", "bot.cli", "run"], bot_emu)
            echo = Bot("echo", [sys.executable, str(ROOT / "bench" / "echo_bot.py")], echo_emu)
            payload = Bot(
                "payload echo", [sys.executable, __file__, "--payload-echo-bot"], payload_emu
            )
            bots = (bot, echo, payload)
            try:
                for b in bots:
                    await launch(b, env, Path(tmp))
                for _ in range(5):  # warm-up
                    for command in COMMANDS:
                        for b in bots:
                            await round_trip(b, command)
                print(f"cache: {cache}")
                if users in ("one", "both"):
                    await measure(bots, rounds, None)
                    report(bot, echo, payload, rounds, "one")
                if users in ("many", "both"):
                    await measure(bots, rounds, 900_000_000)
                    report(bot, echo, payload, rounds, "many")
                for b in bots:
                    if b.proc is not None:
                        b.rss_kib = rss_kib(b.proc.pid)
            finally:
                for b in bots:
                    await stop(b)
    report_processes(bots)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "summaries" / "cache.json")
    parser.add_argument("--rounds", type=int, default=200, help="messages per command")
    parser.add_argument("--users", choices=("one", "many", "both"), default="both")
    parser.add_argument("--payload-echo-bot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.payload_echo_bot:
        return payload_echo_main()
    return asyncio.run(bench(args.cache, args.rounds, args.users))


if __name__ == "__main__":
    sys.exit(main())
