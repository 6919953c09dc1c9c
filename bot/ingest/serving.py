"""Which cache a process serves: the intake's live cache, else the committed build.

Kept apart from :mod:`bot.ingest.live` so ``digestbot run``/``deliver`` can choose their
cache without importing the pipeline (a second delivery process must start quickly).
"""

from __future__ import annotations

from pathlib import Path

from bot.cache.archive import open_served
from bot.errors import CacheError
from bot.model import Cache

LIVE_DIR = "live"
LIVE_FILE = "cache.json"


def live_cache_path(data_dir: Path) -> Path:
    """``<data dir>/live/cache.json``: written by the intake, read by the bot."""
    return data_dir / LIVE_DIR / LIVE_FILE


def serving_cache(committed: Path, data_dir: Path, *, explicit: bool = False) -> Cache:
    """The cache a process should serve: the live one when the intake has written it
    (seeds plus accepted articles), else the committed seeds-only build. An explicitly
    chosen file (``--cache``) is always taken as given.

    Either is opened from its archive in ``data_dir`` (:mod:`bot.cache.archive`: texts and
    search index stay on disk), derived from the file the first time it is served."""
    live = live_cache_path(data_dir)
    if not explicit and live.is_file():
        try:
            return open_served(live, data_dir)
        except CacheError:  # never half-written; a schema change needs a new publish
            pass
    return open_served(committed, data_dir)
