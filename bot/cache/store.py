"""Reading and writing ``summaries/cache.json``: the only I/O the cache contract needs.

Serialisation is canonical (sorted keys, fixed indentation, UTF-8 as written, final
newline) so two builds from the same inputs give byte-identical files and git diffs of
the cache stay readable.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.errors import CacheError
from bot.model import (
    SCHEMA_VERSION,
    Cache,
    DateResolution,
    Reaction,
    TimelineEvent,
    TreatyArticle,
)


def dumps_cache(cache: Cache) -> str:
    """The canonical JSON text of ``cache`` (deterministic, human-diffable)."""
    data = cache.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _share(cache: Cache) -> None:
    """Give every item of a loaded cache one shared "fields set" per class.

    pydantic keeps, per instance, the set of field names the input gave (216 bytes);
    a cache of 10,000 articles has about 400,000 items, so these sets alone held 86 MB.
    Items of a loaded cache are frozen and only read; their sets are all equal (the
    build writes every field), so one set per class serves them all.
    """
    shared: dict[type, set[str]] = {}

    def share(item: BaseModel) -> None:
        fields = item.__pydantic_fields_set__
        kind = type(item)
        common = shared.setdefault(kind, set(fields))
        if fields == common:
            object.__setattr__(item, "__pydantic_fields_set__", common)

    for group in (cache.articles, cache.digests, cache.texts):
        for entry in group:
            share(entry)
    items: list[TimelineEvent | TreatyArticle | Reaction] = [
        *cache.timeline,
        *cache.treaty_articles,
        *cache.reactions,
    ]
    for item in items:
        share(item)
        for ev in item.sources:
            share(ev)
    # most events share one of a few date resolutions ("absolute" above all): one object each
    resolutions: dict[DateResolution, DateResolution] = {}
    for event in cache.timeline:
        resolution = resolutions.setdefault(event.resolution, event.resolution)
        if resolution is event.resolution:
            share(resolution)
        else:
            object.__setattr__(event, "resolution", resolution)


def loads_cache(text: str | bytes, *, origin: str = "cache") -> Cache:
    """Parse and validate cache JSON; every failure is a :class:`CacheError` naming ``origin``.

    A valid cache is parsed and validated in one pass by pydantic's JSON parser (about
    twice as fast as ``json.loads`` and then validating, and without the intermediate
    dicts: start-up and peak memory at 10,000 articles). Only when that fails is the
    text parsed again step by step, to say precisely what is wrong.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # a million new objects would trigger full collections: 3× slower
    try:
        cache = Cache.model_validate_json(text)
    except ValidationError:
        pass
    else:
        if cache.schema_version == SCHEMA_VERSION and "schema_version" in cache.model_fields_set:
            _share(cache)
            return cache
    finally:
        if was_enabled:
            gc.enable()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CacheError(
                f"{origin} is not UTF-8 text; rebuild it with `digestbot build`"
            ) from exc
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
        data = path.read_bytes()  # parsed as bytes: no 100 MB str at 10,000 articles
    except FileNotFoundError as exc:
        raise CacheError(f"no cache at {path}; create it with `digestbot build`") from exc
    except OSError as exc:
        raise CacheError(f"cannot read {path}: {exc.strerror}") from exc
    return loads_cache(data, origin=str(path))
