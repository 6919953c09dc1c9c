"""Shared fixtures. The emulator fixture gives each test its own Bot API server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from botapi_emulator import BotAPIEmulator


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    """A started :class:`BotAPIEmulator` on an ephemeral port, stopped after the test.

    Point PTB at it with ``Bot(emulator.token, base_url=emulator.base_url)``.
    """
    async with BotAPIEmulator() as emu:
        yield emu
