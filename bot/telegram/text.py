"""Small text helpers every screen shares: escaping, shortening, naming an outlet."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.extract.english import outlet_english
from bot.model import ArticleEntry
from bot.telegram.i18n import Lang, t

SNIPPET_CHARS = 280


def esc(text: str) -> str:
    """Escape dynamic text for Telegram HTML."""
    return html.escape(text, quote=False)


def outlet(article: ArticleEntry, lang: Lang = "ar") -> str:
    """The outlet's name, else the site's host name, else "unnamed outlet".

    Never the internal article id: readers are told the title next to it instead.
    """
    if article.source:
        return outlet_english(article.source) if lang == "en" else article.source
    if article.url:
        host = urlparse(article.url).hostname
        if host:
            return host.removeprefix("www.")
    return t(lang, "unnamed_outlet")


def truncate(text: str, limit: int = SNIPPET_CHARS) -> str:
    """Shorten at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip() + "…"


def clip(text: str, limit: int | None) -> str:
    """``text`` cut to ``limit`` characters at a word boundary (None: unchanged)."""
    return text if limit is None else truncate(text, limit)


@dataclass(frozen=True)
class Style:
    """How much of each item a screen shows.

    A screen is first rendered in full (the default); when that would not fit one
    Telegram message (an event reported by hundreds of articles, long provisions), it is
    rendered again with fewer cited articles per item and shorter texts — see
    :data:`STYLES` and :func:`bot.telegram.pages.fit`.
    """

    per_item: int | None = None  # articles cited per item; the rest are counted (+N)
    text_chars: int | None = None  # an item's text is cut at a word boundary beyond this
    title_chars: int = 80  # article titles in the footnotes
    notes: bool = True  # how a timeline date was resolved, under the event


FULL = Style()
#: from the full screen to the most compact one; the first that fits one message is sent
STYLES: tuple[Style, ...] = (
    FULL,
    Style(per_item=3),
    Style(per_item=3, text_chars=400),
    Style(per_item=2, text_chars=240, title_chars=50),
    Style(per_item=1, text_chars=140, title_chars=30, notes=False),
)
