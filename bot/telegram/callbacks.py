"""Compact, versioned ``callback_data`` for inline buttons.

Format: ``"<version>:<cache tag>:<kind>:<args…>"``, e.g. ``"1:3fa2:tl:2:n:2024"``. The
cache tag (a short hash of the cache's ``source_digest``) makes buttons from an older
cache *stale*; anything that does not parse is *forged*. Both get a polite answer. Items
are referred to by index, never by free text, so data stays well under Telegram's
64-byte limit.

Subscription buttons (``"sub:<args…>"``, e.g. ``"sub:next"``, ``"sub:t:0630"``) carry no
cache tag: they act on the subscription, not on the cache, so a digest delivered before a
cache rebuild keeps working buttons.

Handlers are routed by action type: :func:`pattern` gives ``CallbackQueryHandler`` a
predicate that reads only the kind; the handler then decodes and validates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
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
    back: bool = False  # pressed under a digest: send the menu below it, not over it


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


@dataclass(frozen=True)
class ReactionsView:
    """A reactions screen below the first: a person's statements (``mode`` "p": group
    ``a``, person ``b``) or every statement of a stance ("s": stance index ``a``)."""

    mode: Literal["p", "s"]
    a: int
    b: int
    page: int


@dataclass(frozen=True)
class AboutPage:
    technical: bool  # the technical details rather than the reader's /about


class SubscriptionAction:
    """A subscription button (``sub:…``): not tied to a cache build."""

    __slots__ = ()


@dataclass(frozen=True)
class SubscriptionMenu(SubscriptionAction):
    """Under a delivered digest or a subscriber's summary: next digest, settings, stop."""

    choice: Literal["next", "settings", "unsub"]


@dataclass(frozen=True)
class PanelTime(SubscriptionAction):
    hour: int
    minute: int


@dataclass(frozen=True)
class PanelFrequency(SubscriptionAction):
    frequency: Literal["daily", "twice", "weekly"]


@dataclass(frozen=True)
class PanelWeekday(SubscriptionAction):
    day: int  # 0 = Monday


@dataclass(frozen=True)
class PanelZone(SubscriptionAction):
    index: int  # into the panel's quick zones


@dataclass(frozen=True)
class PanelAsk(SubscriptionAction):
    """ "Other…": the next text message is the time or the zone."""

    field: Literal["time", "tz"]


@dataclass(frozen=True)
class PanelDone(SubscriptionAction):
    """Confirm (or save) the panel's draft, or cancel it."""

    confirm: bool


PanelAction = PanelTime | PanelFrequency | PanelWeekday | PanelZone | PanelAsk | PanelDone
PANEL_ACTIONS: Final = (PanelTime, PanelFrequency, PanelWeekday, PanelZone, PanelAsk, PanelDone)
Action = (
    TimelinePage
    | YearMenu
    | ReactionsParty
    | DigestOf
    | DigestList
    | SetLang
    | SearchPage
    | TimelinePicture
    | ReactionsView
    | AboutPage
    | SubscriptionMenu
    | PanelAction
)

SUBSCRIPTION_PREFIX: Final = "sub"

#: the kind field of each tagged action type (subscription actions share "sub")
KINDS: Final[dict[type[object], str]] = {
    TimelinePage: "tl",
    YearMenu: "ty",
    ReactionsParty: "rx",
    DigestOf: "dg",
    DigestList: "dl",
    SetLang: "lg",
    SearchPage: "sr",
    TimelinePicture: "tp",
    ReactionsView: "rv",
    AboutPage: "ab",
    SubscriptionAction: SUBSCRIPTION_PREFIX,
}


class Stale(Exception):
    """The button was made for another cache build."""


class Forged(Exception):
    """The data is not something this bot ever produced."""


def cache_tag(source_digest: str) -> str:
    """A short tag of the cache build; buttons carry it to detect staleness."""
    return hashlib.sha256(source_digest.encode("utf-8")).hexdigest()[:TAG_LEN]


def encode(action: Action, tag: str = "") -> str:
    """Serialise ``action``; raises ValueError if it would exceed 64 bytes.

    ``tag`` (the cache's) is required for every action but subscription ones.
    """
    if isinstance(action, SubscriptionAction):
        data = f"{SUBSCRIPTION_PREFIX}:{_subscription_body(action)}"
    elif tag:
        data = f"{VERSION}:{tag}:{_tagged_body(action)}"
    else:
        raise ValueError(f"{action!r} needs the cache tag")
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def _tagged_body(action: Action) -> str:
    match action:
        case TimelinePage(page, order, year):
            return f"tl:{page}:{order}:{'' if year is None else year}"
        case YearMenu(order):
            return f"ty:{order}"
        case ReactionsParty(party, page):
            return f"rx:{'' if party is None else party}:{page}"
        case DigestOf(article):
            return f"dg:{article}"
        case DigestList(page, back):
            return f"dl:{page}:b" if back else f"dl:{page}"
        case SetLang(lang):
            return f"lg:{lang}"
        case SearchPage(key, page):
            return f"sr:{key}:{page}"
        case ReactionsView(mode, a, b, page):
            return f"rv:{mode}:{a}:{b}:{page}"
        case AboutPage(technical):
            return f"ab:{'t' if technical else 'r'}"
        case TimelinePicture():
            return "tp"
    raise ValueError(f"not a tagged action: {action!r}")


#: subscription buttons without arguments, by their body after "sub:"
_SUBSCRIPTION_FIXED: Final[dict[str, SubscriptionMenu | PanelAction]] = {
    "next": SubscriptionMenu("next"),
    "settings": SubscriptionMenu("settings"),
    "unsub": SubscriptionMenu("unsub"),
    "t:x": PanelAsk("time"),
    "z:x": PanelAsk("tz"),
    "f:daily": PanelFrequency("daily"),
    "f:twice": PanelFrequency("twice"),
    "f:weekly": PanelFrequency("weekly"),
    "ok": PanelDone(confirm=True),
    "no": PanelDone(confirm=False),
}
_SUBSCRIPTION_BODIES: Final[dict[object, str]] = {v: k for k, v in _SUBSCRIPTION_FIXED.items()}


def _subscription_body(action: SubscriptionAction) -> str:
    if (fixed := _SUBSCRIPTION_BODIES.get(action)) is not None:
        return fixed
    match action:
        case PanelTime(hour, minute):
            return f"t:{hour:02d}{minute:02d}"
        case PanelWeekday(day):
            return f"w:{day}"
        case PanelZone(index):
            return f"z:{index}"
    raise ValueError(f"not a subscription action: {action!r}")


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
    if fields[0] == SUBSCRIPTION_PREFIX:
        return _decode_subscription(data, fields[1:])
    if len(fields) < 3 or fields[0] != VERSION:
        # An older or newer layout of our own data is stale; anything else is forged.
        if len(fields) >= 3 and fields[0].isdigit():
            raise Stale(data)
        raise Forged(data)
    if fields[1] != tag:
        raise Stale(data)
    return _decode_tagged(data, fields[2], fields[3:])


def _decode_tagged(data: str, kind: str, args: list[str]) -> Action:
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
        case "dl", [page, "b"]:
            return DigestList(_nat(page), back=True)
        case "rv", ["p" | "s" as mode, a, b, page]:
            return ReactionsView(mode, _nat(a), _nat(b), _nat(page))
        case "ab", ["t" | "r" as which]:
            return AboutPage(which == "t")
        case "lg", ["ar" | "en" as lang]:
            return SetLang(lang)
        case "sr", [key, page] if _QUERY_KEY.fullmatch(key):
            return SearchPage(key, _nat(page))
        case "tp", []:
            return TimelinePicture()
    raise Forged(data)


def _decode_subscription(data: str, fields: list[str]) -> SubscriptionMenu | PanelAction:
    if (fixed := _SUBSCRIPTION_FIXED.get(":".join(fields))) is not None:
        return fixed
    match fields:
        case ["t", hhmm] if len(hhmm) == 4 and hhmm.isdigit():
            hour, minute = int(hhmm[:2]), int(hhmm[2:])
            if hour < 24 and minute < 60:
                return PanelTime(hour, minute)
        case ["w", day] if day.isdigit() and int(day) < 7:
            return PanelWeekday(int(day))
        case ["z", index]:
            return PanelZone(_nat(index))
    raise Forged(data)


def kind_of(data: object) -> str | None:
    """The kind field of our callback data, the rest unchecked: for routing only."""
    if not isinstance(data, str):
        return None
    fields = data.split(":")
    if fields[0] == SUBSCRIPTION_PREFIX:
        return SUBSCRIPTION_PREFIX
    if len(fields) >= 3 and fields[0].isdigit():
        return fields[2]
    return None


def pattern(action_type: type[object]) -> Callable[[object], bool]:
    """A ``CallbackQueryHandler`` pattern selecting the buttons of one action type."""
    kind = KINDS[action_type]
    return lambda data: kind_of(data) == kind
