"""Health checks: combining probes, timeouts, and the SQLAlchemy ping against real SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

from bot.observability.health import HealthChecks, always_healthy, sqlalchemy_ping


async def _true() -> bool:
    return True


async def test_extra_checks_are_reported_and_counted() -> None:
    async def draining() -> bool:
        return False

    checks = HealthChecks(lambda: True, _true, extra={"accepting": draining})
    report = await checks.run()
    assert not report.ok
    assert report.checks == {"cache": True, "database": True, "accepting": False}
    assert report.as_json()["status"] == "unavailable"


async def test_checks_run_concurrently_under_one_timeout() -> None:
    async def slow() -> bool:
        await asyncio.sleep(10)
        return True

    checks = HealthChecks(lambda: True, slow, extra={"also_slow": slow}, timeout=0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    report = await checks.run()
    assert loop.time() - started < 1.0
    assert report.checks == {"cache": True, "database": False, "also_slow": False}


async def test_a_raising_cache_flag_is_unhealthy_not_an_error() -> None:
    def broken() -> bool:
        raise RuntimeError("cache gone")

    report = await HealthChecks(broken, _true).run()
    assert report.checks["cache"] is False and not report.ok


async def test_always_healthy() -> None:
    assert (await always_healthy().run()).ok


async def test_ping_sync_and_async_sqlite(tmp_path: Path) -> None:
    sync_engine = create_engine(f"sqlite:///{tmp_path / 's.db'}")
    async_engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    try:
        assert await sqlalchemy_ping(sync_engine)()
        assert await sqlalchemy_ping(async_engine)()
    finally:
        sync_engine.dispose()
        await async_engine.dispose()


async def test_ping_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # a directory that does not exist: SQLite cannot open the file
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    try:
        report = await HealthChecks(lambda: True, sqlalchemy_ping(engine)).run()
    finally:
        engine.dispose()
    assert report.checks["database"] is False
