"""Reading and writing ``summaries/cache.json``: the only I/O the cache contract needs.

Serialisation is canonical (sorted keys, fixed indentation, UTF-8 as written, final
newline) so two builds from the same inputs give byte-identical files and git diffs of
the cache stay readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.errors import CacheError
from bot.model import SCHEMA_VERSION, Cache


def dumps_cache(cache: Cache) -> str:
    """The canonical JSON text of ``cache`` (deterministic, human-diffable)."""
    data = cache.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def loads_cache(text: str, *, origin: str = "cache") -> Cache:
    """Parse and validate cache JSON; every failure is a :class:`CacheError` naming ``origin``."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CacheError(
            f"{origin} is not valid JSON ({exc.msg} at line {exc.lineno}); "
            "rebuild it with `digestbot build`"
        ) from exc
    if not isinstance(data, dict):
        raise CacheError(f"{origin} must hold a JSON object; rebuild it with `digestbot build`")
    version = data.get("schema")
    if version != SCHEMA_VERSION:
        raise CacheError(
            f"{origin} has schema version {version!r}, this digestbot reads version "
            f"{SCHEMA_VERSION}; rebuild it with `digestbot build`"
        )
    try:
        return Cache.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CacheError(
            f"{origin} does not match schema {SCHEMA_VERSION}: {where}: {first['msg']} "
            f"({exc.error_count()} problem(s)); rebuild it with `digestbot build`"
        ) from exc


def load_cache(path: Path) -> Cache:
    """Load ``path`` (normally ``summaries/cache.json``) or raise a clear :class:`CacheError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CacheError(f"no cache at {path}; create it with `digestbot build`") from exc
    except UnicodeDecodeError as exc:
        raise CacheError(f"{path} is not UTF-8 text; rebuild it with `digestbot build`") from exc
    except OSError as exc:
        raise CacheError(f"cannot read {path}: {exc.strerror}") from exc
    return loads_cache(text, origin=str(path))
