"""RSS 2.0 and Atom documents → feed items, with feedparser.

feedparser copes with entities, CDATA and much malformed XML (it sets ``bozo`` and
falls back to a lenient parser); a document that still yields no feed at all is a
:class:`FeedError`, recorded on the feed rather than raised through the round.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from dataclasses import dataclass

import feedparser


class FeedError(Exception):
    """The document is not a feed we can read."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    guid: str
    link: str
    title: str
    published: dt.date | None
    summary: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    items: tuple[FeedItem, ...]
    malformed: str | None  # feedparser's complaint when it had to be lenient


def _date(entry: object) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = getattr(entry, key, None) or (entry.get(key) if isinstance(entry, dict) else None)
        if isinstance(value, time.struct_time):
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


_TAG = re.compile(r"<[^>]{0,200}>")


def plain_title(value: str) -> str:
    """A title as text: markup from CDATA dropped, entities resolved, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", value)).split())


def parse_feed(text: str, base_url: str = "") -> ParsedFeed:
    """Parse a feed document (already decoded, see :mod:`bot.ingest.decode`; re-encoded
    as UTF-8 with that charset declared, so feedparser does not guess again)."""
    parsed = feedparser.parse(
        text.encode("utf-8"),
        response_headers={
            "content-location": base_url,
            "content-type": "application/xml; charset=utf-8",
        },
    )
    version = str(parsed.get("version") or "")
    entries = list(parsed.get("entries") or [])
    complaint = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    if not version and not entries:
        raise FeedError(f"not an RSS or Atom feed ({complaint or 'no feed element'})")
    if complaint and not entries:
        raise FeedError(f"malformed XML and no items ({complaint})")
    items = []
    for entry in entries:
        link = str(entry.get("link") or "").strip()
        guid = str(entry.get("id") or link).strip()
        if not link and not guid:
            continue
        items.append(
            FeedItem(
                guid=guid,
                link=link or guid,
                title=plain_title(str(entry.get("title") or "")),
                published=_date(entry),
                summary=str(entry.get("summary") or ""),
            )
        )
    feed = parsed.get("feed") or {}
    return ParsedFeed(
        title=plain_title(str(feed.get("title") or "")),
        items=tuple(items),
        malformed=complaint,
    )
