"""Shared fixtures for the subscription and delivery tests (imported by their modules).

``store`` is parametrised over SQLite (always) and PostgreSQL (when reachable: the URL in
``DIGESTBOT_TEST_POSTGRES_URL``, else the local default), each test in a fresh database
file or a fresh PostgreSQL schema that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.subscriptions.store import SubscriptionStore

PG_URL = os.environ.get(
    "DIGESTBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Clock:
    """An injectable clock for time travel; starts at a fixed instant."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 5, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when
        return self.now


_pg_reason: str | None = None


def postgres_schema_url() -> tuple[str, str]:
    """A fresh schema on the test PostgreSQL; skips the test when it is unreachable."""
    global _pg_reason
    if _pg_reason is not None:
        pytest.skip(_pg_reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except OperationalError as exc:
        _pg_reason = f"PostgreSQL not reachable at {PG_URL}: {str(exc).splitlines()[0]}"
        pytest.skip(_pg_reason)
    return PG_URL, schema


def drop_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def open_store(backend: str, tmp_path: Path) -> tuple[SubscriptionStore, str, str | None]:
    """(store, url, schema or None) for ``backend`` in ``sqlite`` / ``postgresql``."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'subs.sqlite3'}"
        return SubscriptionStore.from_url(url), url, None
    url, schema = postgres_schema_url()
    store = SubscriptionStore.from_url(url, connect_args={"options": f"-csearch_path={schema}"})
    return store, url, schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SubscriptionStore]:
    s, _url, schema = open_store(request.param, tmp_path)
    try:
        yield s
    finally:
        s.close()
        if schema:
            drop_schema(schema)


@pytest.fixture
def clock() -> Clock:
    return Clock()
