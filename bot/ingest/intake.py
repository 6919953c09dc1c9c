"""One intake round: poll due feeds, judge their new items, publish the live cache.

:class:`Intake` is the service behind ``digestbot poll|ingest``, ``/add`` and the bot's
polling job. Everything that can fail per item (a fetch, a page, a parse) is recorded
as that item's refusal and the round goes on; a failing feed backs off exponentially.
Publishing writes the live cache first and then announces (queues) the articles it
contains, so a subscriber is never queued an article their bot cannot show.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.cache.build import BuildSettings
from bot.corpus import load_corpus
from bot.corpus_types import Article
from bot.delivery.scheduler import article_refs, dead_local_claimers
from bot.errors import CorpusError
from bot.ingest.accept import Known, Verdict, content_hash, judge, signature
from bot.ingest.decode import decode
from bot.ingest.dossier import DOSSIER_FILE, Dossier, dossier_subject, load_dossier
from bot.ingest.feeds import FeedError, FeedItem, parse_feed
from bot.ingest.fetch import Fetched, Fetcher, FetchError
from bot.ingest.live import (
    ProductCache,
    build_live_cache,
    live_cache_path,
    row_article,
    write_live_cache,
)
from bot.ingest.page import Page, extract_page, text_page
from bot.ingest.store import ArticleRow, ArticleStore, FeedRow
from bot.ingest.urls import canonical_url
from bot.model import Cache
from bot.observability.metrics import INGEST_ARTICLES, INGEST_LAST_SUCCESS, INGEST_POLL_LAG

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_BACKOFF = timedelta(hours=6)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    """What happened to one candidate article."""

    id: str | None
    status: str  # accepted | refused | retry | known
    reason: str | None
    detail: str
    title: str
    url: str


@dataclass
class RoundReport:
    feeds: int = 0
    not_modified: int = 0
    failed_feeds: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    announced: list[str] = field(default_factory=list)
    cache_written: bool = False

    @property
    def accepted(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "accepted")


def article_id(key: str, day: dt.date) -> str:
    """Date-prefixed so ingested articles sort after the seeds and by date."""
    return f"{day:%Y%m%d}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def next_poll(feed: FeedRow, now: datetime, *, ok: bool, rng: random.Random) -> datetime:
    """The feed's interval ±10 % jitter; doubling per consecutive failure, capped."""
    base = timedelta(seconds=feed.interval_seconds)
    if not ok:
        base = min(base * (2 ** min(feed.failures + 1, 16)), MAX_BACKOFF)
    return now + base * rng.uniform(0.9, 1.1)


class Intake:
    """Feeds and URLs in; accepted articles, the live cache and announcements out."""

    def __init__(
        self,
        store: ArticleStore,
        *,
        seeds_dir: Path,
        data_dir: Path,
        dossier: Dossier | None = None,
        clock: Clock = utcnow,
        owner: str = "intake",
        fetcher: Callable[[], Fetcher] = Fetcher,
        products: ProductCache | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.seeds_dir = seeds_dir
        self.data_dir = data_dir
        self.dossier = dossier or load_dossier(seeds_dir / DOSSIER_FILE)
        self.clock = clock
        self.owner = owner
        self.new_fetcher = fetcher
        self.products = products or ProductCache(
            settings=BuildSettings(subject=dossier_subject(self.dossier)),
            directory=data_dir / "products",
        )
        self.rng = rng or random.Random()
        self._seeds: tuple[Article, ...] | None = None
        self._known: Known | None = None
        self._published: str | None = None
        self._checked = False
        self._lock = asyncio.Lock()
        self._judging = asyncio.Lock()

    # -- judging ------------------------------------------------------------------------

    async def _known_index(self) -> Known:
        if self._known is None:  # a direct ingest_url/ingest_file call outside a round
            self._known = await self.store.call(self.store.known)
        return self._known

    async def _judge(
        self,
        page: Page,
        *,
        key: str,
        given: str,
        final: str | None,
        guid: str | None,
        feed_id: int | None,
        item: FeedItem | None,
    ) -> Outcome:
        """Record one page's verdict. One judgement at a time: a near-copy must find its
        original already recorded."""
        async with self._judging:
            now = self.clock()
            known = await self._known_index()
            title = page.title or (item.title if item else "")
            source = page.canonical or final
            canonical = canonical_url(source) if source else None
            published, why = _published(page, item, now)
            urls = list(dict.fromkeys(u for u in (given, final, page.canonical) if u))
            art_id = article_id(key, published)
            text = page.text
            verdict: Verdict
            try:
                article = row_article(
                    art_id,
                    title=title,
                    text=page.text,
                    outlet=page.outlet,
                    url=page.canonical or final,
                    published=published,
                    published_reason=why,
                )
                text = "\n".join(article.paragraphs)
            except (CorpusError, IndexError):
                article = None
            sig = signature(text) if text else []
            if article is None and text.strip():
                verdict = Verdict(False, "too_short", "no body text left after cleaning")
            else:
                verdict = judge(
                    self.dossier,
                    known,
                    title=title,
                    text=text,
                    canonical=canonical,
                    sig=sig,
                    declared_lang=page.declared_lang,
                )
            if verdict.accepted:
                known.add(art_id, [canonical] if canonical else [], sig)
            row = {
                "id": art_id,
                "urls": urls,
                "canonical_url": canonical,
                "guid": guid,
                "feed_id": feed_id,
                "outlet": page.outlet,
                "title": title[:2000],
                "published": published.isoformat(),
                "published_reason": why[:300],
                "fetched": now,
                "text": text,
                "content_hash": content_hash(title, text),
                "signature": sig or None,
                "status": "accepted" if verdict.accepted else "refused",
                "reason": verdict.reason or None,
                "detail": verdict.detail,
            }
            status = await self.store.call(self.store.record, row)
            if status != "accepted" and verdict.accepted:  # lost a race to another replica
                verdict = Verdict(False, "duplicate_url", "accepted meanwhile by another poller")
            if verdict.reason == "near_duplicate" and verdict.duplicate_of:
                entry = {"outlet": page.outlet or "", "url": final or given, "title": title}
                await self.store.call(self.store.add_also_reported, verdict.duplicate_of, entry)
            return self._count(
                Outcome(art_id, status, verdict.reason or None, verdict.detail, title, given)
            )

    @staticmethod
    def _count(outcome: Outcome) -> Outcome:
        INGEST_ARTICLES.labels(status=outcome.status, reason=outcome.reason or "").inc()
        log.info(
            "intake %s %s%s: %s",
            outcome.status,
            outcome.url,
            f" ({outcome.reason})" if outcome.reason else "",
            outcome.detail,
        )
        return outcome

    async def _failed(
        self, key: str, url: str, exc: FetchError | Exception, guid: str | None, feed_id: int | None
    ) -> Outcome:
        now = self.clock()
        if isinstance(exc, FetchError):
            transient = exc.kind in ("timeout", "network") or (exc.status or 0) >= 500
            reason, detail = exc.reason, exc.detail
        else:
            log.exception("intake error on %s", url, exc_info=exc)
            transient, reason, detail = False, "error", f"{exc.__class__.__name__}: {exc}"
        art_id = article_id(key, now.date())
        row = {
            "id": art_id,
            "urls": [url],
            "canonical_url": None,
            "guid": guid,
            "feed_id": feed_id,
            "outlet": None,
            "title": "",
            "published": None,
            "published_reason": None,
            "fetched": now,
            "text": "",
            "content_hash": None,
            "signature": None,
            "status": "retry" if transient else "refused",
            "reason": reason,
            "detail": detail,
        }
        status = await self.store.call(self.store.record, row)
        return self._count(Outcome(art_id, status, reason, detail, "", url))

    # -- sources ------------------------------------------------------------------------

    async def ingest_url(
        self,
        url: str,
        fetcher: Fetcher,
        *,
        guid: str | None = None,
        feed_id: int | None = None,
        item: FeedItem | None = None,
    ) -> Outcome:
        """Fetch, extract and judge one article page; never raises for a bad page."""
        key = f"{guid or ''}\0{url}"
        if guid is None:
            seen = await self.store.call(self.store.seen_url, url)
            if seen is not None:
                row = await self.store.call(self.store.get, seen)
                assert row is not None
                return Outcome(seen, "known", row.reason, "already judged", row.title, url)
        try:
            fetched = await fetcher.get(
                url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
            )
            ctype = (fetched.content_type or "text/html").split(";")[0].strip().lower()
            if ctype not in PAGE_TYPES:
                raise FetchError("type", f"content type {ctype!r}")
            page = _page_of(fetched, ctype)
        except Exception as exc:  # one bad page never blocks the rest
            return await self._failed(key, url, exc, guid, feed_id)
        return await self._judge(
            page, key=key, given=url, final=fetched.url, guid=guid, feed_id=feed_id, item=item
        )

    async def ingest_file(self, path: Path) -> Outcome:
        """A local ``.html``/``.htm``/``.txt`` file, through the same decode and judging."""
        where = await asyncio.to_thread(path.resolve)
        key = f"file\0{where}"
        try:
            data = await asyncio.to_thread(where.read_bytes)
        except OSError as exc:
            return await self._failed(key, str(path), FetchError("network", str(exc)), None, None)
        decoded = decode(data)
        if path.suffix.lower() in (".html", ".htm"):
            page = extract_page(decoded.text, None)
        else:
            page = text_page(decoded.text)
        return await self._judge(
            page,
            key=key,
            given=where.as_uri(),
            final=None,
            guid=None,
            feed_id=None,
            item=None,
        )

    async def ingest(self, targets: list[str]) -> list[Outcome]:
        """``digestbot ingest``/``/add``: URLs and files, then publish."""
        async with self._lock:
            self._known = await self.store.call(self.store.known)  # one index per round
            out: list[Outcome] = []
            async with self.new_fetcher() as fetcher:
                for target in targets:
                    if target.startswith(("http://", "https://")):
                        out.append(await self.ingest_url(target, fetcher))
                    else:
                        out.append(await self.ingest_file(Path(target)))
            await self._publish()
            return out

    async def _poll_feed(self, feed: FeedRow, fetcher: Fetcher, report: RoundReport) -> None:
        now = self.clock()
        try:
            fetched = await fetcher.get(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                accept=FEED_ACCEPT,
            )
            if fetched.not_modified:
                report.not_modified += 1
                await self._feed_done(feed, ok=True, fetched=fetched)
                return
            parsed = parse_feed(decode(fetched.body, fetched.content_type).text, fetched.url)
        except (FetchError, FeedError) as exc:
            report.failed_feeds += 1
            kind = exc.reason if isinstance(exc, FetchError) else "bad_feed"
            await self._feed_done(feed, ok=False, error=f"{kind}: {exc}")
            log.warning("feed %s failed (%s): %s", feed.url, kind, exc)
            return
        settled = await self.store.call(self.store.seen_guids, [i.guid for i in parsed.items])
        seen_now: set[str] = set()
        items: list[FeedItem] = []
        for item in parsed.items:
            if item.guid in seen_now and item.guid not in settled:
                report.outcomes.append(await self._refuse_guid(item, feed))
                continue
            seen_now.add(item.guid)
            items.append(item)
        fresh = [i for i in items if i.guid not in settled]
        results = await asyncio.gather(
            *(self.ingest_url(i.link, fetcher, guid=i.guid, feed_id=feed.id, item=i) for i in fresh)
        )
        report.outcomes.extend(results)
        await self._feed_done(feed, ok=True, fetched=fetched, title=parsed.title)
        del now

    async def _refuse_guid(self, item: FeedItem, feed: FeedRow) -> Outcome:
        now = self.clock()
        art_id = article_id(f"dup\0{item.guid}\0{item.link}", now.date())
        row = {
            "id": art_id,
            "urls": [item.link],
            "canonical_url": None,
            "guid": item.guid,
            "feed_id": feed.id,
            "outlet": None,
            "title": item.title,
            "published": None,
            "published_reason": None,
            "fetched": now,
            "text": "",
            "content_hash": None,
            "signature": None,
            "status": "refused",
            "reason": "duplicate_guid",
            "detail": f"the feed lists GUID {item.guid[:200]!r} more than once",
        }
        status = await self.store.call(self.store.record, row)
        return self._count(
            Outcome(art_id, status, "duplicate_guid", str(row["detail"]), item.title, item.link)
        )

    async def _feed_done(
        self,
        feed: FeedRow,
        *,
        ok: bool,
        fetched: Fetched | None = None,
        title: str | None = None,
        error: str | None = None,
    ) -> None:
        now = self.clock()
        etag = fetched.etag if fetched and not fetched.not_modified else None
        modified = fetched.last_modified if fetched and not fetched.not_modified else None
        if ok:
            INGEST_LAST_SUCCESS.set(now.timestamp())
        await self.store.call(
            self.store.feed_done,
            feed.id,
            self.owner,
            now,
            ok=ok,
            next_poll=next_poll(feed, now, ok=ok, rng=self.rng),
            etag=etag,
            last_modified=modified,
            title=title,
            error=error,
        )

    async def poll_round(self, *, publish: bool = True) -> RoundReport:
        """Poll every due feed this poller can lease, then publish (unless told not to:
        the benchmark times the two apart)."""
        async with self._lock:
            self._known = await self.store.call(self.store.known)  # one index per round
            report = RoundReport()
            now = self.clock()
            # a poller killed mid-round (kill -9) on this host left leases: free them now
            holders = await self.store.call(self.store.lease_holders, now)
            for dead in dead_local_claimers(holders):
                released = await self.store.call(self.store.release_leases, dead)
                log.info("released %d feed leases of the dead poller %s", released, dead)
            leased = await self.store.call(self.store.lease_feeds, self.owner, now)
            report.feeds = len(leased)
            INGEST_POLL_LAG.set(
                max(((now - f.next_poll).total_seconds() for f in leased), default=0.0)
            )
            if leased:
                async with self.new_fetcher() as fetcher:
                    await asyncio.gather(*(self._poll_feed(f, fetcher, report) for f in leased))
            if publish:
                report.cache_written, report.announced = await self._publish()
            return report

    # -- publishing ---------------------------------------------------------------------

    def seeds(self) -> tuple[Article, ...]:
        if self._seeds is None:
            self._seeds = load_corpus(self.seeds_dir)
        return self._seeds

    def live_articles(self, rows: list[ArticleRow]) -> list[Article]:
        arts = list(self.seeds())
        for r in rows:
            try:
                arts.append(
                    row_article(
                        r.id,
                        title=r.title,
                        text=r.text,
                        outlet=r.outlet,
                        url=r.canonical_url if r.canonical_url else None,
                        published=dt.date.fromisoformat(
                            r.published or r.fetched.date().isoformat()
                        ),
                        published_reason=r.published_reason or "",
                    )
                )
            except CorpusError:  # pragma: no cover - judged articles always have a body
                log.error("accepted article %s has no body; left out of the cache", r.id)
        return arts

    def build(self) -> Cache:
        """The live cache for the seeds and every accepted article (sync; CPU-bound)."""
        return build_live_cache(self.live_articles(self.store.accepted()), self.products)

    def _current_digest(self) -> str | None:
        if self._published is None:
            try:
                data: Any = json.loads(live_cache_path(self.data_dir).read_text("utf-8"))
                self._published = str(data.get("source_digest"))
            except (OSError, ValueError):
                return None
        return self._published

    def publish_sync(self) -> tuple[bool, list[str]]:
        """Write the live cache if the dossier changed, then announce what it holds."""
        unannounced = self.store.unannounced()
        current = self._current_digest()
        if not unannounced and (current is None or self._checked):
            return False, []  # nothing accepted yet, or nothing new since the last check
        self._checked = True  # the first publish of a process rebuilds (seeds may change)
        cache = self.build()
        written = cache.source_digest != current
        if written:
            write_live_cache(self.data_dir, cache)
            self._published = cache.source_digest
        wanted = set(unannounced)
        refs = [r for r in article_refs(cache) if r.article_id in wanted]
        return written, self.store.announce(refs, self.clock())

    async def _publish(self) -> tuple[bool, list[str]]:
        return await asyncio.to_thread(self.publish_sync)


def _published(page: Page, item: FeedItem | None, now: datetime) -> tuple[dt.date, str]:
    if page.published is not None:
        return page.published, "the page's own date (metadata or dateline)"
    if item is not None and item.published is not None:
        return item.published, "the feed item's date; the page gives none"
    return now.date(), "no date on the page or in the feed: the day it was fetched"


def _page_of(fetched: Fetched, ctype: str) -> Page:
    text = decode(fetched.body, fetched.content_type).text
    if ctype == "text/plain":
        return text_page(text)
    return extract_page(text, fetched.url)
