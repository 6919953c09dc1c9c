"""Fan-out to 10,000 subscribers through the Bot API emulator (docs/architecture.md, Targets).

    .venv/bin/python bench/fanout.py [--subscribers 10000] [--rate-seconds 20]
                                     [--database-url postgresql+psycopg://…]

The emulator runs in this process; the sender is the real ``digestbot deliver`` in a
child process (so the two do not share a core), against a fresh database per scenario
(SQLite under a temporary directory unless ``--database-url`` is given; a PostgreSQL URL
gets a fresh schema per scenario). Each scenario: N subscribers, all due, and one new
digest in the cache, so every subscriber is owed exactly one message.

(a) default rate (``DIGESTBOT_SEND_RATE``, 25/s): 10,000 messages would take 400 s, so the
    round is stopped with SIGTERM after ``--rate-seconds`` (a clean stop: sent deliveries are
    recorded, claimed ones released). Reports the achieved rate (target ≥ 95 % of the
    configured one), the busiest 1-second window and the 429s the emulator's flood control
    (30/s per bot, 1/s per chat, as Telegram) answered (target 0).
(b) no rate limit: messages per second for the whole round (target ≥ 500); ``--senders K``
    runs K ``deliver`` processes at once, as K replicas would share the queue.
(c) no rate limit, SIGKILL when half the messages are out, then a restart: lost (target 0)
    and duplicates (≤ 1 per affected subscriber).
Every scenario reports the sender's peak resident memory (VmHWM, sampled from /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from botapi_emulator import BotAPIEmulator
from sqlalchemy import create_engine, insert, text

from bot.cache.store import dumps_cache
from bot.model import ArticleEntry, Cache, Digest
from bot.subscriptions.models import subscribers
from bot.subscriptions.store import SubscriptionStore

FIRST_CHAT = 1_000_000
PAST = datetime(2020, 1, 1, tzinfo=UTC)


def one_digest_cache() -> Cache:
    """A cache with one (new) article: the digest every subscriber is owed."""
    article = ArticleEntry(
        id="900_bench",
        title="دخلت معاهدة الشراكة الاستراتيجية الشاملة حيز التنفيذ",
        source="الأول",
        url="https://example.com/treaty?id=1",
        published="2024-12-05",
        published_precision="day",
        published_reason="meta",
    )
    digest = Digest(
        article_id=article.id,
        algorithm="textrank",
        sentence_indices=[0, 2, 5],
        sentences=[
            "دخلت معاهدة الشراكة الاستراتيجية الشاملة بين كوريا الشمالية وروسيا حيز التنفيذ.",
            "وقّع البلدان الاتفاقية في يونيو/حزيران الماضي خلال زيارة بوتين إلى بيونغ يانغ.",
            "تنص المادة 4 على تقديم المساعدة العسكرية الفورية في حال تعرض أحد الطرفين لهجوم.",
        ],
    )
    return Cache(
        source_digest="bench" + "0" * 27,
        digest_algorithm="textrank",
        articles=[article],
        digests=[digest],
    )


class Database:
    """A fresh database per scenario: a SQLite file, or a schema on the given PostgreSQL."""

    def __init__(self, base_url: str | None, workdir: Path, name: str) -> None:
        self.schema: str | None = None
        self.base_url = base_url
        if base_url is None:
            self.url = f"sqlite:///{workdir / f'{name}.sqlite3'}"
            self.store = SubscriptionStore.from_url(self.url)
        else:
            self.schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base_url)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            self.url = f"{base_url}?options=-csearch_path%3D{self.schema}"
            self.store = SubscriptionStore.from_url(self.url)

    def add_subscribers(self, n: int) -> None:
        rows = [
            {
                "chat_id": FIRST_CHAT + i,
                "lang": "ar",
                "hour": 8,
                "minute": 0,
                "tz": "Asia/Riyadh",
                "frequency": "daily",
                "weekday": 4,
                "active": True,
                "inactive_reason": None,
                "next_due_at": PAST,  # due now
                "queued_through": 0,
                "created_at": PAST,
                "updated_at": PAST,
            }
            for i in range(n)
        ]
        with self.store.engine.begin() as conn:
            conn.execute(insert(subscribers), rows)

    def statuses(self) -> Counter[str]:
        return Counter(s for _c, _a, s, _n in self.store.delivery_log())

    def close(self) -> None:
        self.store.close()
        if self.schema and self.base_url:
            admin = create_engine(self.base_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            admin.dispose()


class Scenario:
    def __init__(self, emu: BotAPIEmulator, db: Database, cache_file: Path, n: int) -> None:
        self.emu = emu
        self.db = db
        self.cache_file = cache_file
        self.n = n
        self.mark = len(emu.calls)
        self.concurrency = 8
        self.peak_rss_kb = 0
        self.watchers: list[asyncio.Task[None]] = []

    def env(self, rate: float | None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            TELEGRAM_BOT_TOKEN=self.emu.token,
            TELEGRAM_API_URL=self.emu.base_url,
            DIGESTBOT_DATABASE_URL=self.db.url,
            DIGESTBOT_CACHE=str(self.cache_file),
            LOG_LEVEL="WARNING",
        )
        if rate is not None:
            env["DIGESTBOT_SEND_RATE"] = str(rate)
        return env

    async def start(self, rate: float | None) -> asyncio.subprocess.Process:
        args = [sys.executable, "-m", "bot.cli", "deliver", "--json"]
        args += ["--concurrency", str(self.concurrency)]
        if rate is None:
            args.append("--no-rate-limit")
        proc = await asyncio.create_subprocess_exec(
            *args,
            env=self.env(rate),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        self.watchers.append(asyncio.create_task(self._watch_rss(proc.pid)))
        return proc

    async def _watch_rss(self, pid: int) -> None:
        """Sample the sender's peak resident memory (VmHWM) until it exits."""
        status = Path(f"/proc/{pid}/status")
        while True:
            try:
                text = status.read_text()  # noqa: ASYNC240 - /proc never blocks
            except OSError:
                return
            for line in text.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
            await asyncio.sleep(0.1)

    def sends(self) -> list[tuple[float, int, int]]:
        """(time, HTTP status, chat) of every sendMessage of this scenario."""
        return [
            (c.time, c.status, int(c.params.get("chat_id", 0)))
            for c in self.emu.calls[self.mark :]
            if c.method == "sendMessage"
        ]

    def ok_count(self) -> int:
        return sum(1 for _t, status, _c in self.sends() if status == 200)

    def per_chat(self) -> Counter[int]:
        return Counter(c for _t, status, c in self.sends() if status == 200)


def busiest_second(times: list[float]) -> int:
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def cpu_seconds() -> tuple[float, float]:
    """CPU time used so far by this process (the emulator) and by waited-for children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


async def scenario_rate(sc: Scenario, rate: float, seconds: float) -> dict[str, object]:
    # Telegram's flood control as the emulator models it: 30/s for the bot, 1/s per chat
    sc.emu.set_flood_limits(global_per_second=30.0, per_chat_per_second=1.0, per_chat_burst=3)
    try:
        return await _scenario_rate(sc, rate, seconds)
    finally:
        sc.emu.clear_flood_limits()


async def _scenario_rate(sc: Scenario, rate: float, seconds: float) -> dict[str, object]:
    proc = await sc.start(rate)
    while sc.ok_count() == 0:  # noqa: ASYNC110 - polling the emulator's call log
        await asyncio.sleep(0.05)
    await asyncio.sleep(seconds)
    proc.send_signal(signal.SIGTERM)
    await proc.communicate()
    sends = sc.sends()
    times = sorted(t for t, status, _c in sends if status == 200)
    achieved = (len(times) - 1) / (times[-1] - times[0])
    statuses = sc.db.statuses()
    return {
        "configured_rate": rate,
        "messages": len(times),
        "achieved_rate": round(achieved, 2),
        "achieved_pct": round(100 * achieved / rate, 1),
        "busiest_1s_window": busiest_second(times),
        "http_429": sum(1 for _t, s, _c in sends if s == 429),
        "after_sigterm": dict(statuses),
        "exit_code": proc.returncode,
    }


async def scenario_unlimited(sc: Scenario, senders: int = 1) -> dict[str, object]:
    """All N through ``senders`` concurrent ``deliver`` processes (replicas sharing the queue)."""
    procs = [await sc.start(None) for _ in range(senders)]
    reports = []
    for proc in procs:
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"deliver failed: {err.decode()[-2000:]}")
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    times = sorted(t for t, status, _c in sc.sends() if status == 200)
    per_chat = sc.per_chat()
    return {
        "senders": senders,
        "messages": len(times),
        "rate_seen_by_server": round((len(times) - 1) / (times[-1] - times[0]), 1),
        "sent_by_each": [r["sent"] for r in reports],
        "every_subscriber_once": all(per_chat[FIRST_CHAT + i] == 1 for i in range(sc.n)),
    }


async def scenario_kill(sc: Scenario) -> dict[str, object]:
    proc = await sc.start(None)
    while sc.ok_count() < sc.n // 2:  # noqa: ASYNC110 - polling the emulator's call log
        await asyncio.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    at_kill = sc.ok_count()
    mid = sc.db.statuses()
    restart = await sc.start(None)
    _out, err = await restart.communicate()
    if restart.returncode != 0:
        raise SystemExit(f"restarted deliver failed: {err.decode()[-2000:]}")
    per_chat = sc.per_chat()
    owed = [FIRST_CHAT + i for i in range(sc.n)]
    lost = sum(1 for c in owed if per_chat[c] == 0)
    dup_subs = sum(1 for c in owed if per_chat[c] > 1)
    return {
        "killed_after_messages": at_kill,
        "db_at_kill": dict(mid),
        "lost": lost,
        "duplicates": sum(per_chat[c] - 1 for c in owed if per_chat[c] > 1),
        "subscribers_with_a_duplicate": dup_subs,
        "max_per_subscriber": max(per_chat[c] for c in owed),
        "db_after_restart": dict(sc.db.statuses()),
    }


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    results: dict[str, object] = {"subscribers": args.subscribers}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        cache_file = workdir / "cache.json"
        cache_file.write_text(dumps_cache(one_digest_cache()), encoding="utf-8")
        async with BotAPIEmulator() as emu:
            for i in range(args.subscribers):
                emu.add_chat(FIRST_CHAT + i)

            async def rate_plan(sc: Scenario) -> dict[str, object]:
                return await scenario_rate(sc, args.rate, args.rate_seconds)

            async def unlimited_plan(sc: Scenario) -> dict[str, object]:
                return await scenario_unlimited(sc, args.senders)

            plans: list[tuple[str, Callable[[Scenario], Awaitable[dict[str, object]]]]] = [
                ("a_default_rate", rate_plan),
                ("b_unlimited", unlimited_plan),
                ("c_kill_9_and_restart", scenario_kill),
            ]
            for name, run in plans:
                if args.only and not name.startswith(args.only):
                    continue
                db = Database(args.database_url, workdir, name[0])
                try:
                    db.add_subscribers(args.subscribers)
                    sc = Scenario(emu, db, cache_file, args.subscribers)
                    sc.concurrency = args.concurrency
                    started = time.perf_counter()
                    cpu = cpu_seconds()
                    outcome = await run(sc)
                    for watcher in sc.watchers:
                        watcher.cancel()
                    outcome["sender_peak_rss_mb"] = round(sc.peak_rss_kb / 1024, 1)
                    outcome["wall_seconds"] = round(time.perf_counter() - started, 1)
                    outcome["cpu_seconds_emulator_sender"] = [
                        round(after - before, 1)
                        for after, before in zip(cpu_seconds(), cpu, strict=True)
                    ]
                    results[name] = outcome
                    print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
                finally:
                    db.close()
    results["backend"] = "postgresql" if args.database_url else "sqlite"
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="configured rate for (a)")
    parser.add_argument("--rate-seconds", type=float, default=20.0, help="length of (a)")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL base URL (default: SQLite)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="sender tasks per process")
    parser.add_argument("--senders", type=int, default=1, help="deliver processes in (b)")
    parser.add_argument("--only", default=None, help="run one scenario: a, b or c")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
