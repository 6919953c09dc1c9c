"""Benchmark the live intake through a local HTTP server, and the incremental cache.

    .venv/bin/python bench/ingest.py [--feeds 200] [--items 20] [--dossier 1000]

1. A poll round over ``--feeds`` RSS feeds of ``--items`` items each, every item an
   article page, all served from loopback: items per second (wall), CPU ms per item from
   fetch to stored verdict, and how many were accepted or refused (by reason).
2. The live cache: a dossier of ``--dossier`` synthetic articles (recombined from the
   seed paragraphs, as bench/build.py does) built in full, then one article added with
   the per-article products of the others kept, and its archive written — from scratch,
   then updated from the previous version's archive: the add's CPU time and its share of
   the full build (targets: ≤ 1 s and ≤ 5 %).
3. Peak resident memory of the process.

Politeness is off for the loopback server (no delay, 8 requests per host): the numbers
measure the intake's own cost, not the courtesy pauses.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import random
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.cache.archive import archive_path, cache_key, write_archive
from bot.cache.build import BuildSettings, build_cache
from bot.cache.store import dumps_cache
from bot.corpus import build_article, load_corpus
from bot.corpus_types import Article
from bot.ingest.fetch import Fetcher
from bot.ingest.intake import Intake
from bot.ingest.live import ProductCache, build_live_cache
from bot.ingest.store import ArticleStore
from bot.model import Cache
from bot.subscriptions.store import SubscriptionStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def synthetic_pages(
    seeds: tuple[Article, ...], feeds: int, items: int, seed: int
) -> dict[str, bytes]:
    """Path → body for every feed and article page (deterministic)."""
    rng = random.Random(seed)
    pool = [p for a in seeds for p in a.paragraphs]
    out: dict[str, bytes] = {}
    for f in range(feeds):
        entries = []
        for i in range(items):
            paragraphs = rng.sample(pool, k=min(len(pool), rng.randint(5, 25)))
            title = f"تقرير رقم {f}-{i}: " + paragraphs[0][:60]
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            day = dt.date(2025, 1, 1) + dt.timedelta(days=(f * items + i) % 300)
            out[f"/a/{f}/{i}"] = (
                f'<html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta property="article:published_time" content="{day}"></head>'
                f"<body><article><h1>{title}</h1>{body}</article></body></html>"
            ).encode()
            entries.append(
                f"<item><title>{title}</title><link>http://HOST/a/{f}/{i}</link>"
                f"<guid>bench-{f}-{i}</guid></item>"
            )
        out[f"/feed/{f}"] = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>feed {f}</title>{''.join(entries)}</channel></rss>"
        ).encode()
    return out


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = pages.get(self.path)
            if data is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            ctype = "application/rss+xml" if self.path.startswith("/feed") else "text/html"
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}"


async def poll_bench(feeds: int, items: int, tmp: Path) -> None:
    seeds = load_corpus(SEEDS)
    served: dict[str, bytes] = {}
    server, host = serve(served)  # the links name the port, so fill the pages in after
    for path, data in synthetic_pages(seeds, feeds, items, seed=2024).items():
        served[path] = data.replace(b"HOST", host.encode())
    subs = SubscriptionStore.from_url(f"sqlite:///{tmp / 'bench.sqlite3'}")
    store = ArticleStore(subs)
    now = dt.datetime.now(dt.UTC)
    for f in range(feeds):
        store.add_feed(f"http://{host}/feed/{f}", now)
    intake = Intake(
        store,
        seeds_dir=SEEDS,
        data_dir=tmp / "data",
        fetcher=lambda: Fetcher(delay=0.0, per_host=8),
    )
    wall, cpu = time.perf_counter(), time.process_time()
    report = await intake.poll_round(publish=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(report.outcomes)
    reasons = Counter(o.reason or o.status for o in report.outcomes)
    print(f"poll round: {feeds} feeds × {items} items = {n} items in {wall:.1f} s wall")
    print(
        f"  {n / wall:.0f} items/s; CPU {1000 * cpu / max(n, 1):.1f} ms per item (fetch → verdict)"
    )
    print(f"  outcomes: {dict(sorted(reasons.items()))}")
    server.shutdown()
    subs.close()


def incremental_bench(size: int, tmp: Path) -> None:
    seeds = load_corpus(SEEDS)
    rng = random.Random(7)
    pool = [p for a in seeds for p in a.paragraphs]
    arts: list[Article] = []
    for n in range(size + 1):
        template = seeds[n % len(seeds)].meta
        paragraphs = rng.sample(pool, k=min(len(pool), rng.randint(5, 40)))
        meta = dataclasses.replace(
            template,
            id=f"syn{n:05d}",
            file=f"syn{n:05d}.txt",
            title=paragraphs[0][:120],
            published=template.published + dt.timedelta(days=n % 365),
        )
        arts.append(build_article(meta, "\n\n".join(paragraphs)))
    base, extra = arts[:size], arts[size]
    cpu = time.process_time()
    build_cache(base, digest="bench", settings=BuildSettings())
    full = time.process_time() - cpu
    products = ProductCache(directory=tmp / "products")
    before = build_live_cache(base, products)  # the products of the dossier as it stands
    cpu = time.process_time()
    grown = build_live_cache([*base, extra], products)
    add = time.process_time() - cpu
    print(f"dossier of {size}: full build {full:.2f} s CPU; adding one article:")
    print(f"  build_live_cache {add:.3f} s CPU = {100 * add / full:.1f} % of the full build")
    # the archive the live intake writes with it (write_live_cache): from scratch, or
    # updated from the previous version's archive
    data = tmp / "archive-data"
    _archive(data, before, incremental=False)
    for label, incremental in (("from scratch", False), ("incremental", True)):
        cpu = time.process_time()
        _archive(data, grown, incremental=incremental)
        made = time.process_time() - cpu
        total = add + made
        print(
            f"  + archive {label}: {made:.3f} s CPU; total {total:.3f} s CPU "
            f"= {100 * total / full:.1f} % (targets ≤ 1 s and ≤ 5 %)"
        )
        for old in (data / "archive").iterdir():  # the next one starts from `before` again
            if old.name != archive_path(data, _key(before)).name:
                old.unlink()


def _key(cache: Cache) -> str:
    return cache_key(dumps_cache(cache).encode("utf-8"))


def _archive(data: Path, cache: Cache, *, incremental: bool) -> None:
    key = _key(cache)
    write_archive(archive_path(data, key), cache, key, incremental=incremental)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--dossier", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(poll_bench(args.feeds, args.items, Path(tmp)))
        incremental_bench(args.dossier, Path(tmp))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
