"""Polite HTTP fetching with httpx: bounded in time, size, redirects and per-host load.

* connect/read timeouts and an overall deadline (a server that drips one byte a second
  never holds a slot for long);
* at most ``max_redirects`` (5) redirects; a loop ends there too;
* bodies are streamed and cut at ``max_bytes`` (5 MB): a 20 MB page costs 5 MB at most;
* a User-Agent that names the bot and where to read about it;
* conditional GET (``If-None-Match``/``If-Modified-Since``): an unchanged feed is a 304;
* at most ``per_host`` requests in flight to one host, and ``delay`` seconds between the
  starts of two requests to the same host.

Failures are :class:`FetchError` with a ``kind`` that becomes the refusal reason.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import httpx

from bot import __version__
from bot.ingest.urls import host_of
from bot.observability.metrics import INGEST_FETCHES

USER_AGENT = f"digestbot/{__version__} (+https://github.com/digestbot; news digest bot)"
MAX_BYTES = 5 * 1024 * 1024
FetchKind = Literal["http", "timeout", "too_large", "redirects", "network", "type"]


class FetchError(Exception):
    """A fetch that produced no usable body; ``kind`` is the reason's suffix."""

    def __init__(self, kind: FetchKind, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind: FetchKind = kind
        self.detail = detail
        self.status = status

    @property
    def reason(self) -> str:
        return f"fetch_{self.kind}"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One httpx client shared by a round; ``async with Fetcher() as f: await f.get(url)``."""

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        deadline: float = 30.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = 5,
        per_host: int = 2,
        delay: float = 0.5,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.per_host = per_host
        self.delay = delay
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        self._slots: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.per_host)
        )
        self._next_start: dict[str, float] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _polite(self, host: str) -> None:
        """Wait until ``delay`` has passed since the last request to ``host`` started."""
        now = time.monotonic()
        start = max(now, self._next_start.get(host, now))
        self._next_start[host] = start + self.delay
        if start > now:
            await asyncio.sleep(start - now)

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Fetched:
        """GET ``url``; a 304 comes back as a :class:`Fetched` with ``not_modified``."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = host_of(url)
        async with self._slots[host]:
            await self._polite(host)
            try:
                async with asyncio.timeout(self.deadline):
                    fetched = await self._get(url, headers)
            except TimeoutError:
                INGEST_FETCHES.labels(outcome="timeout").inc()
                raise FetchError(
                    "timeout", f"no complete answer within {self.deadline:g} s"
                ) from None
            except FetchError as exc:
                INGEST_FETCHES.labels(outcome=exc.kind).inc()
                raise
        INGEST_FETCHES.labels(outcome="304" if fetched.not_modified else "200").inc()
        return fetched

    async def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return self._fetched(response, b"")
                if response.status_code >= 400:
                    raise FetchError(
                        "http", f"HTTP {response.status_code}", status=response.status_code
                    )
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(
                        "too_large", f"{int(declared)} bytes declared, cap {self.max_bytes}"
                    )
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError("too_large", f"more than {self.max_bytes} bytes")
                    chunks.append(chunk)
                return self._fetched(response, b"".join(chunks))
        except httpx.TooManyRedirects as exc:
            raise FetchError("redirects", f"too many redirects: {exc}") from None
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"timed out ({exc.__class__.__name__})") from None
        except httpx.InvalidURL as exc:
            raise FetchError("network", f"invalid URL: {exc}") from None
        except httpx.HTTPError as exc:
            raise FetchError("network", f"{exc.__class__.__name__}: {exc}") from None

    @staticmethod
    def _fetched(response: httpx.Response, body: bytes) -> Fetched:
        return Fetched(
            url=str(response.url),
            status=response.status_code,
            body=body,
            content_type=response.headers.get("Content-Type"),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )
