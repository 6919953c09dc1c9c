"""Compact, versioned ``callback_data`` for inline buttons.

Format: ``"<version>:<cache tag>:<kind>:<args…>"``, e.g. ``"1:3fa2:tl:2:n:2024"``. The
cache tag (a short hash of the cache's ``source_digest``) makes buttons from an older
cache *stale*; anything that does not parse is *forged*. Both get a polite answer. Items
are referred to by index, never by free text, so data stays well under Telegram's
64-byte limit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final, Literal

VERSION: Final = "1"
MAX_BYTES: Final = 64
TAG_LEN: Final = 6
_QUERY_KEY: Final = re.compile(r"[0-9a-f]{6,16}")

Order = Literal["n", "o"]  # newest first, oldest first


@dataclass(frozen=True)
class TimelinePage:
    page: int
    order: Order
    year: int | None


@dataclass(frozen=True)
class YearMenu:
    order: Order


@dataclass(frozen=True)
class ReactionsParty:
    party: int | None  # index into the sorted party list; None = all parties
    page: int


@dataclass(frozen=True)
class DigestOf:
    article: int  # index into cache.articles


@dataclass(frozen=True)
class DigestList:
    page: int


@dataclass(frozen=True)
class SetLang:
    lang: Literal["ar", "en"]


@dataclass(frozen=True)
class SearchPage:
    key: str  # short hash of the query's words, looked up in the views' recent queries
    page: int


@dataclass(frozen=True)
class TimelinePicture:
    """/timeline's «🖼 صورة»: send the timeline as a picture."""


Action = (
    TimelinePage
    | YearMenu
    | ReactionsParty
    | DigestOf
    | DigestList
    | SetLang
    | SearchPage
    | TimelinePicture
)


class Stale(Exception):
    """The button was made for another cache build."""


class Forged(Exception):
    """The data is not something this bot ever produced."""


def cache_tag(source_digest: str) -> str:
    """A short tag of the cache build; buttons carry it to detect staleness."""
    return hashlib.sha256(source_digest.encode("utf-8")).hexdigest()[:TAG_LEN]


def encode(action: Action, tag: str) -> str:
    """Serialise ``action``; raises ValueError if it would exceed 64 bytes."""
    match action:
        case TimelinePage(page, order, year):
            body = f"tl:{page}:{order}:{'' if year is None else year}"
        case YearMenu(order):
            body = f"ty:{order}"
        case ReactionsParty(party, page):
            body = f"rx:{'' if party is None else party}:{page}"
        case DigestOf(article):
            body = f"dg:{article}"
        case DigestList(page):
            body = f"dl:{page}"
        case SetLang(lang):
            body = f"lg:{lang}"
        case SearchPage(key, page):
            body = f"sr:{key}:{page}"
        case TimelinePicture():
            body = "tp"
    data = f"{VERSION}:{tag}:{body}"
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def _nat(text: str) -> int:
    if not text.isdigit() or len(text) > 6:
        raise Forged(text)
    return int(text)


def _opt_nat(text: str) -> int | None:
    return None if text == "" else _nat(text)


def _order(text: str) -> Order:
    if text == "n":
        return "n"
    if text == "o":
        return "o"
    raise Forged(text)


def decode(data: str | None, tag: str) -> Action:
    """Parse button data; raises :class:`Stale` or :class:`Forged`."""
    if not data:
        raise Forged("empty")
    fields = data.split(":")
    if len(fields) < 3 or fields[0] != VERSION:
        # An older or newer layout of our own data is stale; anything else is forged.
        if len(fields) >= 3 and fields[0].isdigit():
            raise Stale(data)
        raise Forged(data)
    if fields[1] != tag:
        raise Stale(data)
    kind, args = fields[2], fields[3:]
    match kind, args:
        case "tl", [page, order, year]:
            return TimelinePage(_nat(page), _order(order), _opt_nat(year))
        case "ty", [order]:
            return YearMenu(_order(order))
        case "rx", [party, page]:
            return ReactionsParty(_opt_nat(party), _nat(page))
        case "dg", [article]:
            return DigestOf(_nat(article))
        case "dl", [page]:
            return DigestList(_nat(page))
        case "lg", ["ar"]:
            return SetLang("ar")
        case "lg", ["en"]:
            return SetLang("en")
        case "sr", [key, page] if _QUERY_KEY.fullmatch(key):
            return SearchPage(key, _nat(page))
        case "tp", []:
            return TimelinePicture()
    raise Forged(data)
