"""Health checks as injected callables, so the HTTP server never imports the store or cache.

``/healthz`` answers 200 only when every check passes: a load balancer or the container's
HEALTHCHECK then stops routing to (or restarts) a replica whose database went away.
Each check gets a timeout and any exception counts as a failure, so a hung database
cannot hang the health endpoint itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: How long one check may take before it counts as failed.
DEFAULT_CHECK_TIMEOUT = 2.0


@dataclass(frozen=True)
class HealthReport:
    """The outcome of one round of checks: overall flag and one flag per check."""

    ok: bool
    checks: dict[str, bool]

    def as_json(self) -> dict[str, Any]:
        """The small body ``/healthz`` returns."""
        return {"status": "ok" if self.ok else "unavailable", "checks": dict(self.checks)}


@dataclass
class HealthChecks:
    """What "healthy" means for this process: the cache is loaded and the database answers.

    ``cache_loaded`` is cheap and synchronous (a flag the runner sets once the cache is in
    memory); ``database`` is a coroutine (e.g. ``SELECT 1`` through the store's engine).
    ``extra`` holds further named async checks (e.g. "accepting updates").
    """

    cache_loaded: Callable[[], bool]
    database: Callable[[], Awaitable[bool]]
    extra: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    timeout: float = DEFAULT_CHECK_TIMEOUT

    async def _guard(self, name: str, check: Callable[[], Awaitable[bool]]) -> bool:
        try:
            return bool(await asyncio.wait_for(check(), self.timeout))
        except TimeoutError:
            log.warning("health check %s timed out after %.1fs", name, self.timeout)
        except Exception as exc:  # any failure of a probe means "unhealthy", never a 500
            log.warning("health check %s failed: %s", name, type(exc).__name__)
        return False

    async def run(self) -> HealthReport:
        """Run every check concurrently and combine them."""
        try:
            cache_ok = bool(self.cache_loaded())
        except Exception as exc:
            log.warning("health check cache failed: %s", type(exc).__name__)
            cache_ok = False
        names = ["database", *self.extra]
        probes = [self.database, *self.extra.values()]
        results = await asyncio.gather(
            *(self._guard(n, p) for n, p in zip(names, probes, strict=True))
        )
        checks = {"cache": cache_ok, **dict(zip(names, results, strict=True))}
        return HealthReport(ok=all(checks.values()), checks=checks)


def always_healthy() -> HealthChecks:
    """Checks that always pass: for tools (e.g. the emulator chat) with nothing to probe."""

    async def _yes() -> bool:
        return True

    return HealthChecks(cache_loaded=lambda: True, database=_yes)


def sqlalchemy_ping(engine: Any) -> Callable[[], Awaitable[bool]]:
    """A database check for a SQLAlchemy engine, sync or async: ``SELECT 1`` succeeds.

    A sync engine runs in a worker thread so the event loop (and the webhook) keeps going.
    """
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncEngine

    async def _ping() -> bool:
        if isinstance(engine, AsyncEngine):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True

        def _sync() -> bool:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True

        return await asyncio.to_thread(_sync)

    return _ping
