"""The bot on dossiers of thousands of articles: build, start-up, memory and every screen.

    .venv/bin/python bench/scale.py [--sizes 1000,10000] [--rounds 20] [--max-build 3000]
    .venv/bin/python bench/scale.py --build-only --sizes 1000,3000 --max-build 10000

For each size it writes a synthetic dossier (bench/scale_corpus.write_dossier: the seeds'
paragraphs mixed with sentences naming people, dates and figures of their own), runs the
real build in a child process (``digestbot build``'s own functions; time per article and
the child's peak resident memory), writes ``cache.json``, derives its archive
(bot.cache.archive: what the first start would do, timed apart, in a fresh data
directory), then starts ``digestbot run`` against the Bot API emulator and reports:

- first reply after spawn (spawn → reply to /start) and resident memory (at that moment
  and after every command below has been answered); then the first reply again as the
  median of ``--starts`` starts alternating with the echo bot (one start is at the mercy
  of a shared machine's load);
- per command (/timeline, /reactions, /treaty_articles, /sources, /digest, /search <word>)
  the number of messages and characters of the reply, and its p50/p95 latency (command
  sent → last part received) against a bare PTB echo bot (bench/echo_bot.py) and against
  a bare PTB bot that sends the very screens the bot sent ("payload"), recorded from the
  bot's first answer.

Sizes above ``--max-build`` are not built (the timeline merge is still quadratic on
main: a 10,000-article build takes tens of minutes); their cache is the largest built
cache tiled (article ids suffixed, event dates moved on by whole years), which exercises
serving at that size but says nothing about the build — the report says so.

Targets (issue 16): first reply ≤ 1.5 s at 1,000 and ≤ 2 s at 10,000; resident memory
≤ 120 MB and ≤ 250 MB; one message of ≤ 4096 characters per command; p95 ≤ 1.1× the
payload bot and ≤ 1.5× the echo bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHAT = 555_000_001
TELEGRAM_LIMIT = 4096


def commands(search_word: str) -> tuple[str, ...]:
    return (
        "/timeline",
        "/reactions",
        "/treaty_articles",
        "/sources",
        "/digest",
        f"/search {search_word}",
    )


# --- build (child process, so its peak memory is its own) ------------------------------


def build_child(seeds: Path, out: Path) -> int:
    """Build ``seeds`` into ``out`` as `digestbot build` does; print one JSON line."""
    from bot.cache.build import BuildSettings, write_outputs
    from bot.cache.commands import build_files

    wall, cpu = time.perf_counter(), time.process_time()
    outputs = build_files(seeds, BuildSettings())
    write_outputs(out, outputs)
    result = {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result))
    return 0


def archive_child(cache: Path, data_dir: Path) -> int:
    """Derive the archive of ``cache`` into ``data_dir`` as the first start that serves it
    would (bot.cache.archive); print one JSON line."""
    from bot.cache.archive import archive_path, cache_key, open_served

    wall = time.perf_counter()
    open_served(cache, data_dir)
    path = archive_path(data_dir, cache_key(cache.read_bytes()))
    result = {
        "wall_s": time.perf_counter() - wall,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mb": path.stat().st_size / 1e6,
    }
    print(json.dumps(result))
    return 0


def write_corpus(target: Path, count: int, seed: int) -> None:
    from scale_corpus import write_dossier

    from bot.corpus import load_corpus

    target.mkdir(parents=True)
    write_dossier(target, load_corpus(ROOT / "seeds"), count, seed)


def tile_cache(source: Path, target: Path, count: int) -> None:
    """A cache of ``count`` articles made of copies of ``source`` (serving only)."""
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    copies = -(-count // len(data["articles"]))
    kept = {f"{a['id']}t{c}" if c else a["id"] for c in range(copies) for a in data["articles"]}
    kept = set(sorted(kept)[:count])

    def ident(article_id: str, copy: int) -> str:
        return f"{article_id}t{copy}" if copy else article_id

    def shift(date: str | None, years: int) -> str | None:
        if date is None or not date[:4].isdigit():
            return date
        return f"{int(date[:4]) + years:04d}{date[4:]}"

    tiled: dict[str, list[Any]] = {
        k: [] for k in ("articles", "digests", "texts", "timeline", "treaty_articles", "reactions")
    }
    for copy in range(copies):
        for a in data["articles"]:
            tiled["articles"].append({**a, "id": ident(a["id"], copy)})
        for d in data["digests"]:
            tiled["digests"].append({**d, "article_id": ident(d["article_id"], copy)})
        for x in data.get("texts", []):
            tiled["texts"].append({**x, "article_id": ident(x["article_id"], copy)})
        for key in ("timeline", "treaty_articles", "reactions"):
            for item in data[key]:
                new = {**item}
                new["sources"] = [
                    {**s, "article_id": ident(s["article_id"], copy)} for s in item["sources"]
                ]
                if key == "timeline" and copy:
                    new["date"] = shift(new["date"], 2 * copy)
                    new["end"] = shift(new.get("end"), 2 * copy)
                tiled[key].append(new)
    tiled["articles"] = [a for a in tiled["articles"] if a["id"] in kept]
    tiled["digests"] = [d for d in tiled["digests"] if d["article_id"] in kept]
    tiled["texts"] = [x for x in tiled["texts"] if x["article_id"] in kept]
    for key in ("timeline", "treaty_articles", "reactions"):
        tiled[key] = [i for i in tiled[key] if all(s["article_id"] in kept for s in i["sources"])]
    result = {**data, **tiled, "source_digest": f"{data['source_digest']}-tiled{count}"}
    text = json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    target.write_text(text, encoding="utf-8")


# --- serving ---------------------------------------------------------------------------


def payload_main(recorded: Path) -> int:
    """A bare PTB bot answering each command with the screens digestbot sent for it."""
    from telegram import InlineKeyboardMarkup, Update
    from telegram.ext import ContextTypes

    screens: dict[str, list[list[Any]]] = json.loads(recorded.read_text(encoding="utf-8"))

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        for text, markup in screens.get(message.text, [["?", None]]):
            keyboard = InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None
            await message.reply_html(text, reply_markup=keyboard)

    from echo_bot import run_bare_bot  # bench/: a bare PTB app, nothing else

    return run_bare_bot(answer)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Proc:
    name: str
    argv: list[str]
    emu: Any
    proc: subprocess.Popen[bytes] | None = None
    startup: float = 0.0
    rss_start: int = -1
    rss_end: int = -1
    samples: dict[str, list[float]] = field(default_factory=dict)


async def launch(p: Proc, env: dict[str, str], logs: Path) -> None:
    env = {**env, "TELEGRAM_BOT_TOKEN": p.emu.token, "TELEGRAM_API_URL": p.emu.base_url}
    log = (logs / f"{p.name}.log").open("wb")
    started = time.perf_counter()
    p.proc = subprocess.Popen(  # noqa: ASYNC220 - spawn only
        p.argv, env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT
    )
    p.emu.user_sends(CHAT, "/start")
    await p.emu.wait_for_bot_messages(CHAT, 1, timeout=300)
    p.startup = time.perf_counter() - started
    p.rss_start = rss_kib(p.proc.pid)
    await p.emu.wait_until_quiet(idle=0.3)
    await drain(p)


async def stop(p: Proc) -> None:
    if p.proc is None:
        return
    p.proc.terminate()
    for _ in range(150):
        if p.proc.poll() is not None:
            return
        await asyncio.sleep(0.1)
    p.proc.kill()


async def drain(p: Proc) -> list[Any]:
    """Every bot message not read yet, after the bot went quiet."""
    await p.emu.wait_until_quiet(idle=0.3, timeout=60)
    try:
        return list(await p.emu.wait_for_bot_messages(CHAT, 1, timeout=0.01))
    except TimeoutError:
        return []


async def round_trip(p: Proc, command: str, parts: int) -> float:
    started = time.perf_counter()
    p.emu.user_sends(CHAT, command)
    got = 0
    while got < parts:
        got += len(await p.emu.wait_for_bot_messages(CHAT, 1, timeout=60))
    return time.perf_counter() - started


@dataclass
class Shown:
    messages: int
    chars: int
    longest: int


async def serve(cache: Path, rounds: int, search_word: str, work: Path) -> dict[str, Any]:
    from botapi_emulator import BotAPIEmulator

    cmds = commands(search_word)
    env = {
        **os.environ,
        "DIGESTBOT_CACHE": str(cache),
        "DIGESTBOT_DATA_DIR": str(work),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    recorded = work / "screens.json"
    shown: dict[str, Shown] = {}
    async with BotAPIEmulator() as e1, BotAPIEmulator() as e2, BotAPIEmulator() as e3:
        bot = Proc("digestbot", [sys.executable, "-m", "bot.cli", "run"], e1)
        echo = Proc("echo", [sys.executable, str(ROOT / "bench" / "echo_bot.py")], e2)
        payload = Proc("payload", [sys.executable, __file__, "--payload-bot", str(recorded)], e3)
        procs = (bot, echo, payload)
        try:
            await launch(bot, env, work)
            screens: dict[str, list[list[Any]]] = {}
            for command in cmds:
                before = len(bot.emu.messages(CHAT))
                bot.emu.user_sends(CHAT, command)
                await bot.emu.wait_for_bot_messages(CHAT, 1, timeout=120)
                await bot.emu.wait_until_quiet(idle=0.5, timeout=120)
                await drain(bot)
                sent = bot.emu.messages(CHAT)[before:]
                shown[command] = Shown(
                    len(sent),
                    sum(len(m.text) for m in sent),
                    max((len(m.text) for m in sent), default=0),
                )
                screens[command] = [[m.raw_text, m.reply_markup] for m in sent]
            recorded.write_text(json.dumps(screens, ensure_ascii=False), encoding="utf-8")
            await launch(echo, env, work)
            await launch(payload, env, work)
            for p in procs:
                p.samples = {c: [] for c in cmds}
            for _ in range(3):  # warm-up
                for command in cmds:
                    for p in procs:
                        parts = 1 if p is echo else shown[command].messages
                        await round_trip(p, command, parts)
            for _ in range(rounds):
                for command in cmds:
                    for p in procs:
                        parts = 1 if p is echo else shown[command].messages
                        p.samples[command].append(await round_trip(p, command, parts))
            for p in procs:
                if p.proc is not None:
                    p.rss_end = rss_kib(p.proc.pid)
        finally:
            for p in procs:
                await stop(p)
    return {"procs": procs, "shown": shown, "commands": cmds}


async def first_replies(cache: Path, work: Path, starts: int) -> dict[str, list[float]]:
    """First reply after spawn, the bot and the echo bot alternately, ``starts`` each
    (one start is at the mercy of a shared machine's load)."""
    from botapi_emulator import BotAPIEmulator

    env = {
        **os.environ,
        "DIGESTBOT_CACHE": str(cache),
        "DIGESTBOT_DATA_DIR": str(work),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    argv = {
        "digestbot": [sys.executable, "-m", "bot.cli", "run"],
        "echo": [sys.executable, str(ROOT / "bench" / "echo_bot.py")],
    }
    found: dict[str, list[float]] = {name: [] for name in argv}
    for _ in range(starts):
        for name, command in argv.items():
            async with BotAPIEmulator() as emu:
                p = Proc(name, command, emu)
                try:
                    await launch(p, env, work)
                finally:
                    await stop(p)
                found[name].append(p.startup)
    return found


def report_serving(result: dict[str, Any]) -> None:
    bot, echo, payload = result["procs"]
    for p in (bot, echo, payload):
        print(
            f"  {p.name:<10} first reply after spawn {p.startup:6.2f} s; resident memory "
            f"{p.rss_start / 1024:6.1f} MiB at start, {p.rss_end / 1024:6.1f} MiB at the end"
        )
    print(
        f"  {'command':<18}{'msgs':>5}{'chars':>8}{'longest':>8}{'bot p50':>9}{'bot p95':>9}"
        f"{'echo p95':>9}{'payl p95':>9}{'vs echo':>8}{'vs payl':>8}"
    )
    ms = 1000.0
    for command in result["commands"]:
        s: Shown = result["shown"][command]
        b, e, pl = (p.samples[command] for p in (bot, echo, payload))
        bp95, ep95, pp95 = (percentile(v, 0.95) for v in (b, e, pl))
        flag = "" if s.messages == 1 and s.longest <= TELEGRAM_LIMIT else " !"
        print(
            f"  {command[:18]:<18}{s.messages:>5}{s.chars:>8}{s.longest:>8}"
            f"{statistics.median(b) * ms:>7.1f}ms{bp95 * ms:>7.1f}ms{ep95 * ms:>7.1f}ms"
            f"{pp95 * ms:>7.1f}ms{bp95 / ep95:>7.2f}x{bp95 / pp95:>7.2f}x{flag}"
        )


def run_child(flag: str, *paths: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, flag, *map(str, paths)],
        cwd=str(ROOT),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=20, help="round trips per command")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--max-build", type=int, default=3000, help="tile caches above this")
    parser.add_argument("--tile-from", type=Path, default=None, help="a built cache.json to tile")
    parser.add_argument("--search-word", default="الاتفاقية")
    parser.add_argument("--keep", type=Path, default=None, help="keep caches in this directory")
    parser.add_argument(
        "--build-only", action="store_true", help="build each size (CPU per article), no serving"
    )
    parser.add_argument("--starts", type=int, default=3, help="starts timed for the first reply")
    parser.add_argument("--build-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--payload-bot", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--archive-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_child:
        return build_child(*args.build_child)
    if args.payload_bot:
        return payload_main(args.payload_bot)
    if args.archive_child:
        return archive_child(*args.archive_child)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        built: Path | None = args.tile_from
        for size in sizes:
            work = base / f"n{size}"
            work.mkdir(parents=True, exist_ok=True)
            out = work / "summaries"
            print(f"\n== {size} articles ==", flush=True)
            if size <= args.max_build:
                seeds = work / "seeds"
                if not (out / "cache.json").exists():
                    if not seeds.exists():
                        write_corpus(seeds, size, args.seed)
                    b = run_child("--build-child", seeds, out)
                    print(
                        f"  build: {b['wall_s']:.1f} s wall, {b['cpu_s'] * 1000 / size:.1f} ms "
                        f"CPU per article, peak {b['peak_mib']:.0f} MiB",
                        flush=True,
                    )
                else:
                    print("  build: reused the kept cache", flush=True)
                built = out / "cache.json"
                if args.build_only:
                    continue
            else:
                if built is None:
                    print("  no built cache to tile: raise --max-build", file=sys.stderr)
                    return 2
                out.mkdir(exist_ok=True)
                tile_cache(built, out / "cache.json", size)
                print(f"  build: not run (above --max-build); cache tiled from {built}", flush=True)
            cache = out / "cache.json"
            print(f"  cache.json: {cache.stat().st_size / 1e6:.1f} MB", flush=True)
            shutil.rmtree(work / "archive", ignore_errors=True)  # timed: derived afresh
            a = run_child("--archive-child", cache, work)
            print(
                f"  archive (SQLite, derived once per cache version): {a['wall_s']:.1f} s wall, "
                f"peak {a['peak_mib']:.0f} MiB, {a['mb']:.1f} MB",
                flush=True,
            )
            result = asyncio.run(serve(cache, args.rounds, args.search_word, work))
            report_serving(result)
            if args.starts > 0:
                starts = asyncio.run(first_replies(cache, work, args.starts))
                print(
                    "  first reply, median of "
                    + "; ".join(
                        f"{name} {statistics.median(v):.2f} s ({', '.join(f'{x:.2f}' for x in v)})"
                        for name, v in starts.items()
                    ),
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
