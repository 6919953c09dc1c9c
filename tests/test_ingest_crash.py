"""kill -9 during a poll round: the next round takes up the dead poller's feed at once,
nothing is lost, nothing is announced twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ingest_support import TOPIC, page, rss
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from bot.cache.store import load_cache
from bot.ingest.models import articles
from bot.ingest.store import ArticleStore
from bot.subscriptions.models import queue_items
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 8
# each story is long enough for the dossier's min_body_chars


def story(n: int) -> list[str]:
    """Distinct on-topic bodies: each rotates the sentence pool and adds its own line."""
    rotated = TOPIC[n:] + TOPIC[:n]
    own = f"وقال مصدر رقم {n} إن الجولة رقم {n} من المحادثات في موسكو ستناقش البند {n * 7}."
    sentences = [own, *rotated[: 5 + n % 3], own.replace("مصدر", "مسؤول")]
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


def count(store: SubscriptionStore, stmt: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())  # type: ignore[call-overload]


@pytest.mark.slow
def test_kill_9_mid_round_loses_nothing_and_announces_once(
    server: HTTPServer, tmp_path: Path
) -> None:
    gate = threading.Event()

    def held(request: Request) -> Response:
        n = int(request.path.rsplit("/", 1)[1])
        if n >= ITEMS // 2:
            gate.wait(30)  # the second half hangs until the first poller is dead
        return Response(page(f"جولة المحادثات رقم {n}", story(n)), content_type="text/html")

    when = datetime(2025, 3, 4, tzinfo=UTC)
    items = [
        (f"tag:test,2025:g{n}", server.url_for(f"/s/{n}"), f"جولة {n}", when) for n in range(ITEMS)
    ]
    server.expect_request("/feed").respond_with_data(
        rss("جولات", items), content_type="application/rss+xml"
    )
    for n in range(ITEMS):
        server.expect_request(f"/s/{n}").respond_with_handler(held)

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    subs = SubscriptionStore.from_url(url)
    subs.subscribe(5, Preferences(hour=8), datetime.now(UTC))
    ArticleStore(subs).add_feed(server.url_for("/feed"), datetime.now(UTC))
    env = {
        **os.environ,
        "DIGESTBOT_DATABASE_URL": url,
        "DIGESTBOT_DATA_DIR": str(tmp_path / "data"),
        "DIGESTBOT_SEEDS": str(ROOT / "seeds"),
    }
    cmd = [sys.executable, "-m", "bot.cli", "poll"]
    first = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while count(subs, select(func.count()).select_from(articles)) < ITEMS // 2:
        assert time.monotonic() < deadline, "the first poller recorded nothing"
        assert first.poll() is None, first.stdout.read() if first.stdout else ""
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    gate.set()

    second = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr
    third = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert third.returncode == 0, third.stdout + third.stderr

    rows = ArticleStore(subs).list_articles()
    guids = sorted(r.guid or "" for r in rows)
    assert guids == sorted(
        f"tag:test,2025:g{n}" for n in range(ITEMS)
    )  # nothing lost, nothing twice
    assert all(r.status == "accepted" and r.announced is not None for r in rows), (
        [(r.id, r.guid, r.status, r.reason, len(r.text)) for r in rows if r.announced is None],
        sorted(a.id for a in load_cache(tmp_path / "data" / "live" / "cache.json").articles),
        second.stdout + second.stderr,
        third.stdout + third.stderr,
    )
    per_article = count(
        subs, select(func.count(func.distinct(queue_items.c.article_id))).select_from(queue_items)
    )
    ingested = [a for a in (r.id for r in rows)]
    queued = [a for chat, a, _s, _n in subs.delivery_log() if chat == 5 and a in ingested]
    assert sorted(queued) == sorted(ingested)  # each announced to the subscriber exactly once
    assert per_article == count(subs, select(func.count()).select_from(queue_items))
    subs.close()
