"""Small text helpers every screen shares: escaping, shortening, naming an outlet."""

from __future__ import annotations

import html
from urllib.parse import urlparse

from bot.model import ArticleEntry
from bot.telegram.english import outlet_english
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
