"""SIGTERM during a fan-out loses nothing: ``digestbot run`` as a real process, the emulator
as Telegram, the SQLite file inspected between and after two runs.

The first run is slowed to a few messages a second and terminated mid-round. It must exit
0 promptly with no delivery left claimed (unsent claims are released, sends recorded).
The second run finishes the round: every subscriber ends up with their digest, none lost,
at most one duplicate each (a send cancelled after Telegram accepted it).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from botapi_emulator import BotAPIEmulator
from sqlalchemy import create_engine, select
from test_shutdown_support import BotProcess, database_url, free_port, until
from test_telegram_support import sample_cache

from bot.delivery.scheduler import article_refs
from bot.subscriptions.models import deliveries
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.delivery_message import compose_delivery

pytestmark = pytest.mark.slow

SUBSCRIBERS = list(range(900_001, 900_041))  # 40 chats


def prepare_queue(db_url: str, emulator: BotAPIEmulator) -> None:
    """Subscribers whose first digest is ready now, as a scheduler tick would leave them."""
    now = datetime.now(UTC)
    store = SubscriptionStore.from_url(db_url)
    try:
        store.sync_articles(article_refs(sample_cache()), now)
        for chat_id in SUBSCRIBERS:
            emulator.add_chat(chat_id)
            store.subscribe(chat_id, Preferences(), now)
        assert store.promote_due(now, force=True) == len(SUBSCRIBERS)
    finally:
        store.close()


def statuses(db_url: str) -> dict[int, list[tuple[str, str]]]:
    """chat → [(article, status)] for every delivery that left the "queued" state."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.chat_id, deliveries.c.article_id, deliveries.c.status).where(
                    deliveries.c.status != "queued"
                )
            ).all()
    finally:
        engine.dispose()
    out: dict[int, list[tuple[str, str]]] = {}
    for chat_id, article, status in rows:
        out.setdefault(chat_id, []).append((article, status))
    return out


def digests_received(emulator: BotAPIEmulator) -> Counter[int]:
    """Bot messages per subscriber chat (each delivery is one message here)."""
    return Counter({c: len([m for m in emulator.messages(c) if m.from_bot]) for c in SUBSCRIBERS})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


async def test_sigterm_during_fanout_loses_no_delivery(
    emulator: BotAPIEmulator, tmp_path: Path, db_url: str
) -> None:
    prepare_queue(db_url, emulator)
    cache = sample_cache()
    head = statuses(db_url)[SUBSCRIBERS[0]][0][0]
    rendered = compose_delivery(cache, head, "ar")
    assert rendered is not None and len(rendered.parts) == 1

    metrics_port = free_port()
    bot = await BotProcess(
        tmp_path,
        emulator,
        DIGESTBOT_DATABASE_URL=db_url,
        DIGESTBOT_SEND_RATE="6",
        DIGESTBOT_TICK_SECONDS="1",
        DIGESTBOT_METRICS_PORT=str(metrics_port),
        LOG_LEVEL="INFO",
    ).start()
    try:
        await until(
            lambda: sum(digests_received(emulator).values()) >= 4, 90, "the fan-out to start", bot
        )
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{metrics_port}/healthz")
            metrics = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        assert health.status_code == 200, health.text
        bot.terminate()
        code = await bot.wait(30)
    finally:
        await bot.stop()
    logs = bot.logs()
    assert code == 0, logs[-3000:]
    assert 'digestbot_deliveries_total{outcome="sent"}' in metrics

    first = statuses(db_url)
    received = digests_received(emulator)
    states = Counter(status for rows in first.values() for _, status in rows)
    assert states["claimed"] == 0, f"claims left behind: {states}\n{logs[-3000:]}"
    assert 0 < states["sent"] < len(SUBSCRIBERS), states  # really interrupted mid-round
    assert states["sent"] + states["ready"] == len(SUBSCRIBERS)
    assert "released" in logs  # the fan-out gave its unsent claims back
    for chat_id in SUBSCRIBERS:
        sent = [s for _, s in first[chat_id]].count("sent")
        # recorded as sent ⇒ Telegram has it; at most one unrecorded (cancelled mid-send)
        assert sent <= received[chat_id] <= sent + 1, (chat_id, sent, received[chat_id])

    # Second run: the rest of the round goes out; nobody is skipped.
    again = await BotProcess(
        tmp_path,
        emulator,
        DIGESTBOT_DATABASE_URL=db_url,
        DIGESTBOT_SEND_RATE="200",
        DIGESTBOT_TICK_SECONDS="1",
        LOG_LEVEL="INFO",
    ).start()
    try:
        await until(
            lambda: all(digests_received(emulator)[c] >= 1 for c in SUBSCRIBERS),
            90,
            "every subscriber's digest",
            again,
        )
        await until(
            lambda: all(s == "sent" for rows in statuses(db_url).values() for _, s in rows),
            30,
            "every delivery recorded as sent",
            again,
        )
    finally:
        code = await again.stop()
    assert code == 0, again.logs()[-3000:]
    final = digests_received(emulator)
    assert all(1 <= final[c] <= 2 for c in SUBSCRIBERS), final
    for chat_id in SUBSCRIBERS:
        texts = {m.raw_text for m in emulator.messages(chat_id) if m.from_bot}
        assert texts == set(rendered.parts), chat_id


async def test_kill_9_during_fanout_then_restart_loses_nothing(
    emulator: BotAPIEmulator, tmp_path: Path, db_url: str
) -> None:
    """kill -9 mid-round, restart: 0 deliveries lost, ≤ 1 duplicate each."""
    prepare_queue(db_url, emulator)
    bot = await BotProcess(
        tmp_path,
        emulator,
        DIGESTBOT_DATABASE_URL=db_url,
        DIGESTBOT_SEND_RATE="6",
        DIGESTBOT_TICK_SECONDS="1",
    ).start()
    try:
        await until(
            lambda: sum(digests_received(emulator).values()) >= 4, 90, "the fan-out to start", bot
        )
        assert bot.proc is not None
        bot.proc.kill()
        assert await bot.wait(30) == -9
    finally:
        await bot.stop()
    states = Counter(s for rows in statuses(db_url).values() for _, s in rows)
    assert states["claimed"] > 0, states  # a hard kill leaves its claims behind

    again = await BotProcess(
        tmp_path,
        emulator,
        DIGESTBOT_DATABASE_URL=db_url,
        DIGESTBOT_SEND_RATE="200",
        DIGESTBOT_TICK_SECONDS="1",
    ).start()
    try:
        await until(
            lambda: all(digests_received(emulator)[c] >= 1 for c in SUBSCRIBERS),
            90,
            "every subscriber's digest after the restart",
            again,
        )
        await until(
            lambda: all(s == "sent" for rows in statuses(db_url).values() for _, s in rows),
            30,
            "every delivery recorded as sent",
            again,
        )
    finally:
        code = await again.stop()
    assert code == 0, again.logs()[-3000:]
    received = digests_received(emulator)
    assert all(1 <= received[c] <= 2 for c in SUBSCRIBERS), received


async def test_sigterm_when_idle_exits_cleanly_and_closes_health(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    port = free_port()
    bot = await BotProcess(tmp_path, emulator, DIGESTBOT_METRICS_PORT=str(port)).start()
    try:

        async def healthy() -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    r = await client.get(f"http://127.0.0.1:{port}/healthz")
                return r.status_code == 200
            except httpx.HTTPError:
                return False

        ok = False
        for _ in range(900):
            if ok := await healthy():
                break
            assert bot.proc is not None and bot.proc.returncode is None, bot.logs()[-3000:]
            await asyncio.sleep(0.1)
        assert ok, bot.logs()[-3000:]
        emulator.user_sends(700, "/help")
        assert await emulator.wait_for_bot_messages(700, timeout=30)
        bot.terminate()
        code = await bot.wait(30)
    finally:
        await bot.stop()
    logs = bot.logs()
    assert code == 0, logs[-3000:]
    assert "received SIGTERM" in logs
    assert not await healthy()


def sent_metric(text: str) -> float:
    m = re.search(r'^digestbot_deliveries_total\{outcome="sent"\} (\S+)$', text, re.M)
    return float(m[1]) if m else 0.0


async def scrape(port: int) -> str:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/metrics")).text


async def wait_serving(proc: BotProcess, port: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 90
    while True:
        assert proc.proc is not None and proc.proc.returncode is None, proc.logs()[-3000:]
        try:
            await scrape(port)
            return
        except httpx.HTTPError:
            assert loop.time() < deadline, proc.logs()[-3000:]
            await asyncio.sleep(0.1)


@pytest.mark.postgres
async def test_two_webhook_replicas_share_a_queue_and_survive_losing_one(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    """Replicas on one PostgreSQL with one shared webhook secret, both running
    the scheduler against the same queue (SKIP LOCKED claims). SIGTERM to the replica that
    is sending, mid-round: the other one finishes the round. Every subscriber gets the
    digest; nobody gets it twice."""
    with database_url("postgresql", tmp_path) as url:
        prepare_queue(url, emulator)
        hook_port = free_port()
        common = {
            "DIGESTBOT_DATABASE_URL": url,
            "DIGESTBOT_SEND_RATE": "8",
            "DIGESTBOT_TICK_SECONDS": "1",
            "DIGESTBOT_WEBHOOK_URL": f"http://127.0.0.1:{hook_port}/tg",
            "DIGESTBOT_WEBHOOK_SECRET": "shared_replica_secret",
        }
        web_ports = [hook_port, free_port()]
        metric_ports = [free_port(), free_port()]
        replicas = []
        for web, metrics in zip(web_ports, metric_ports, strict=True):
            replicas.append(
                await BotProcess(
                    tmp_path,
                    emulator,
                    DIGESTBOT_WEBHOOK_PORT=str(web),
                    DIGESTBOT_METRICS_PORT=str(metrics),
                    **common,
                ).start()
            )
        try:
            for proc, port in zip(replicas, metric_ports, strict=True):
                await wait_serving(proc, port)  # both replicas up before judging the round
            await until(
                lambda: sum(digests_received(emulator).values()) >= 8,
                90,
                "the fan-out to start",
                replicas[1],
            )
            sent_before = [sent_metric(await scrape(p)) for p in metric_ports]
            victim = 0 if sent_before[0] >= sent_before[1] else 1
            survivor = 1 - victim
            replicas[victim].terminate()
            assert await replicas[victim].wait(30) == 0, replicas[victim].logs()[-3000:]
            await until(
                lambda: all(digests_received(emulator)[c] >= 1 for c in SUBSCRIBERS),
                90,
                "the surviving replica to finish the round",
                replicas[survivor],
            )
            await until(
                lambda: all(s == "sent" for rows in statuses(url).values() for _, s in rows),
                30,
                "every delivery recorded as sent",
                replicas[survivor],
            )
            survivor_sent = sent_metric(await scrape(metric_ports[survivor]))
        finally:
            for proc in replicas:
                await proc.stop()
        survived = replicas[survivor].proc
        assert survived is not None
        assert survived.returncode == 0, replicas[survivor].logs()[-3000:]
        assert "released" in replicas[victim].logs()  # its unsent claims went back
        assert survivor_sent > sent_before[survivor]  # ... and the survivor sent them
        received = digests_received(emulator)
        duplicates = sum(received.values()) - len(SUBSCRIBERS)
        # a clean SIGTERM records or releases every claim; at most a send in flight repeats
        assert all(1 <= received[c] <= 2 for c in SUBSCRIBERS), received
        assert duplicates <= 1, received
        assert emulator.webhook_url == common["DIGESTBOT_WEBHOOK_URL"]
