"""``digestbot feeds|ingest|articles|poll``: the intake for operators and cron.

``feeds add|list|remove URL`` manages followed feeds; ``ingest URL|FILE…`` takes in single
articles and prints accepted/refused with the reason; ``articles list [--refused]`` shows
what was judged; ``poll`` runs one round (for cron). ``digestbot run`` polls by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import load_settings
from bot.ingest.intake import Intake, Outcome, utcnow
from bot.ingest.store import ArticleStore
from bot.subscriptions.store import SubscriptionStore, default_worker_id


def open_intake(seeds: Path | None = None) -> Intake:
    settings = load_settings()
    subs = SubscriptionStore.from_url(settings.effective_database_url)
    return Intake(
        ArticleStore(subs),
        seeds_dir=seeds or settings.seeds_dir,
        data_dir=settings.data_dir,
        owner=default_worker_id(),
    )


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else "—"


def outcome_line(o: Outcome) -> str:
    why = f" [{o.reason}] {o.detail}" if o.reason else f" {o.detail}"
    return f"{o.status:8} {o.id or '-':20} {o.url}{why}"


def feeds_main(args: argparse.Namespace) -> int:
    intake = open_intake(args.seeds)
    store = intake.store
    if args.action == "add":
        for url in args.urls:
            feed, created = store.add_feed(url, utcnow(), interval=args.interval)
            print(f"{'following' if created else 'already following'} {feed.url} (#{feed.id})")
    elif args.action == "remove":
        code = 0
        for url in args.urls:
            if store.remove_feed(url):
                print(f"removed {url}")
            else:
                print(f"not following {url}", file=sys.stderr)
                code = 1
        return code
    else:
        for f in store.list_feeds():
            health = (
                "ok"
                if f.failing_since is None
                else f"failing since {_when(f.failing_since)} ({f.failures}×: {f.last_error})"
            )
            print(
                f"#{f.id} {f.url}\n   every {f.interval_seconds}s, last success "
                f"{_when(f.last_success)}, next {_when(f.next_poll)}, {health}"
            )
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Shared by the four subcommands; ``main`` dispatches on ``args.command``."""
    parser.add_argument(
        "--seeds", type=Path, default=None, help="seeds directory (default $DIGESTBOT_SEEDS)"
    )
    command = parser.prog.split()[-1]
    if command == "feeds":
        parser.add_argument("action", choices=["add", "list", "remove"])
        parser.add_argument("urls", nargs="*", metavar="URL")
        parser.add_argument("--interval", type=int, default=900, help="seconds between polls")
    elif command == "ingest":
        parser.add_argument("targets", nargs="+", metavar="URL|FILE")
    elif command == "articles":
        parser.add_argument("action", choices=["list"])
        parser.add_argument("--refused", action="store_true", help="only refused articles")
        parser.add_argument("--limit", type=int, default=50)


def main(args: argparse.Namespace) -> int:
    if args.command == "feeds":
        return feeds_main(args)
    intake = open_intake(args.seeds)
    if args.command == "ingest":
        outcomes = asyncio.run(intake.ingest(list(args.targets)))
        for o in outcomes:
            print(outcome_line(o))
        return 0 if all(o.status in ("accepted", "known") for o in outcomes) else 1
    if args.command == "articles":
        rows = intake.store.list_articles(
            status="refused" if args.refused else None, limit=args.limit
        )
        for r in rows:
            why = f" [{r.reason}] {r.detail or ''}" if r.reason else ""
            also = f" (also reported by {len(r.also_reported_by)})" if r.also_reported_by else ""
            print(f"{r.status:8} {r.id:20} {r.published or '':10} {r.title[:60]}{also}{why}")
        return 0
    report = asyncio.run(intake.poll_round())
    for o in report.outcomes:
        print(outcome_line(o))
    print(
        f"{report.feeds} feeds ({report.not_modified} unchanged, {report.failed_feeds} failed), "
        f"{report.accepted} accepted, {len(report.announced)} announced"
    )
    return 0
