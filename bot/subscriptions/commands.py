"""``digestbot subscribers list|count|export``: the operator's view of the subscriber table.

``export`` writes CSV (default) or JSON lines to stdout or ``--output``; it streams, so a
large table never sits in memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from bot.config import load_settings
from bot.subscriptions.store import Subscriber, SubscriptionStore

FIELDS = (
    "chat_id",
    "active",
    "inactive_reason",
    "lang",
    "time",
    "frequency",
    "weekday",
    "tz",
    "next_due_at",
    "created_at",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "count", "export"))
    state = parser.add_mutually_exclusive_group()
    state.add_argument("--active", action="store_true", help="only active subscribers")
    state.add_argument("--inactive", action="store_true", help="only inactive subscribers")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="export format")
    parser.add_argument("--output", "-o", type=Path, default=None, help="export to a file")
    parser.add_argument("--database-url", default=None, help="default: $DIGESTBOT_DATABASE_URL")


def row(sub: Subscriber) -> dict[str, Any]:
    return {
        "chat_id": sub.chat_id,
        "active": sub.active,
        "inactive_reason": sub.inactive_reason or "",
        "lang": sub.lang,
        "time": sub.prefs.time_label,
        "frequency": sub.prefs.frequency,
        "weekday": sub.prefs.weekday,
        "tz": sub.prefs.tz,
        "next_due_at": sub.next_due_at.isoformat() if sub.next_due_at else "",
        "created_at": sub.created_at.isoformat(),
    }


@contextmanager
def _out(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    url = args.database_url or settings.effective_database_url
    store = SubscriptionStore.from_url(url)
    active = True if args.active else False if args.inactive else None
    try:
        if args.action == "count":
            st = store.stats()
            if active is None:
                print(f"active: {st.active}\ninactive: {st.inactive} (blocked: {st.blocked})")
            else:
                print(st.active if active else st.inactive)
            return 0
        subs = store.iter_subscribers(active=active)
        if args.action == "list":
            for sub in subs:
                r = row(sub)
                state = "active" if sub.active else f"inactive ({r['inactive_reason']})"
                print(
                    f"{sub.chat_id}\t{state}\t{r['time']} {r['frequency']} {r['tz']}\t{r['lang']}"
                )
            return 0
        with _out(args.output) as fh:
            if args.format == "jsonl":
                for sub in subs:
                    fh.write(json.dumps(row(sub), ensure_ascii=False) + "\n")
            else:
                writer = csv.DictWriter(fh, fieldnames=FIELDS)
                writer.writeheader()
                for sub in subs:
                    writer.writerow(row(sub))
        return 0
    finally:
        store.close()
