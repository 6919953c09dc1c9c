"""Screens that stay one message however large the dossier: paged lists and summaries.

A dossier of thousands of articles has thousands of sources, hundreds of provisions and
events reported by hundreds of articles. Listing them all in one reply floods the chat
(measured at 1,000 articles: /sources 35 messages, /treaty_articles 26, /timeline 11).
Here every list is paged, the timeline has a summary level (years with their months'
counts and the most reported events, then a year's events page by page), and
:func:`fit` renders a screen in the first :data:`~bot.telegram.render.STYLES` that fits
one Telegram message.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.model import ArticleEntry, Cache, TimelineEvent, TreatyArticle
from bot.telegram.i18n import Lang, t
from bot.telegram.paging import page_of
from bot.telegram.render import (
    STYLES,
    Citations,
    Style,
    _event_line,
    _join,
    _opens_with,
    chronological,
    clip,
    counter,
    esc,
    event_years,
    finish,
    format_date,
    outlet,
)
from bot.telegram.split import TELEGRAM_LIMIT, split_html, utf16_len

SOURCES_PAGE_SIZE = 15
TREATY_PAGE_SIZE = 6
#: /timeline opens on the summary when the timeline has more events than this
SUMMARY_MIN_EVENTS = 60
BIGGEST_EVENTS = 5

_TAG = re.compile(r"<[^>]*>")


def shown_length(text: str) -> int:
    """What Telegram counts against its limit: the text without markup, in UTF-16 units."""
    return utf16_len(html.unescape(_TAG.sub("", text)))


def fit(render: Callable[[Style], str], limit: int = TELEGRAM_LIMIT) -> str:
    """The screen in the first style that fits one message; cut at a line as a last resort."""
    text = ""
    for style in STYLES:
        text = render(style)
        if shown_length(text) <= limit:
            return text
    return split_html(text, limit)[0]


@dataclass(frozen=True)
class PageView:
    text: str
    page: int  # clamped
    pages: int


def _page_title(lang: Lang, title: str, page: int, pages: int) -> str:
    if pages <= 1:
        return title
    return (
        title + " — " + t(lang, "page_of", page=counter(lang, page + 1), pages=counter(lang, pages))
    )


# --- sources --------------------------------------------------------------------------


def sources_order(cache: Cache) -> list[ArticleEntry]:
    """Articles as /sources lists them: by publication date, then id."""
    return sorted(cache.articles, key=lambda a: (a.published, a.id))


def render_sources_page(
    lang: Lang, cache: Cache, ordered: Sequence[ArticleEntry], page: int, style: Style
) -> PageView:
    """One page of the source articles (all of them on one page for a small dossier)."""
    if not ordered:
        return PageView(finish(lang, t(lang, "empty_sources")), 0, 1)
    paged = page_of(len(ordered), SOURCES_PAGE_SIZE, page)
    page, pages = paged.index, paged.count
    title = _page_title(lang, t(lang, "sources_title", n=counter(lang, len(ordered))), page, pages)
    lines = [f"<b>{esc(title)}</b>"]
    for article in paged.of(ordered):
        name = esc(outlet(article, lang))
        if article.url:
            name = f'<a href="{html.escape(article.url, quote=True)}">{name}</a>'
        date = esc(format_date(lang, article.published, article.published_precision))
        lines.append(f"• {name} — {esc(clip(article.title, style.text_chars))} ({date})")
    return PageView(finish(lang, "\n".join(lines)), page, pages)


# --- treaty ---------------------------------------------------------------------------


def treaty_order(cache: Cache) -> list[TreatyArticle]:
    """Provisions by number; unnumbered ones last."""
    return sorted(cache.treaty_articles, key=lambda a: (a.number is None, a.number or 0))


def render_treaty_page(
    lang: Lang,
    cache: Cache,
    items: Sequence[TreatyArticle],
    bounds: Sequence[tuple[int, int]],
    page: int,
    style: Style,
) -> str:
    """One page of provisions (``items[start:end]`` for the page's bounds), each cited."""
    if not items:
        return finish(lang, t(lang, "empty_treaty"))
    page = min(max(page, 0), len(bounds) - 1)
    start, end = bounds[page]
    cites = Citations.styled(cache, lang, style)
    # the honest header: provisions as the articles report them, not the treaty's text
    reporting = len({ev.article_id for item in items for ev in item.sources})
    title = _page_title(lang, t(lang, "treaty_title_n", n=reporting), page, len(bounds))
    blocks = [f"📜 <b>{esc(title)}</b>"]
    for item in items[start:end]:
        label = (
            t(lang, "treaty_article_n", n=item.number)
            if item.number is not None
            else t(lang, "treaty_article")
        )
        head = f"<b>{esc(label)}</b> — "
        text = esc(clip(item.text, style.text_chars))
        if _opens_with(item.text, item.title):
            blocks.append(f"{head}{text}{cites.cite(item.sources)}")
        else:
            title = esc(clip(item.title, style.text_chars))
            blocks.append(f"{head}{title}\n{text}{cites.cite(item.sources)}")
    return _join(lang, blocks, cites)


def treaty_bounds(
    lang: Lang, cache: Cache, items: Sequence[TreatyArticle]
) -> list[tuple[int, int]]:
    """Pages of provisions: as many (up to :data:`TREATY_PAGE_SIZE`) as fit one message
    with their full text (and three cited articles each), so a provision is shortened
    only when it alone is longer than a message."""
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < len(items):
        end = start + 1
        while end < min(len(items), start + TREATY_PAGE_SIZE):
            text = render_treaty_page(lang, cache, items, [(start, end + 1)], 0, STYLES[1])
            if shown_length(text) > TELEGRAM_LIMIT - 40:  # room for "page n/m"
                break
            end += 1
        bounds.append((start, end))
        start = end
    return bounds or [(0, 0)]


# --- timeline summary -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineOutline:
    """Counts behind the timeline's summary, computed once per cache."""

    total: int
    years: dict[int, int]  # year → events that cover it
    months: dict[int, Counter[int]]  # year → month → events dated in that month
    biggest: tuple[TimelineEvent, ...]  # the most reported events, most sources first


def outline(events: Sequence[TimelineEvent], biggest: int = BIGGEST_EVENTS) -> TimelineOutline:
    years: Counter[int] = Counter()
    months: dict[int, Counter[int]] = {}
    for event in events:
        for year in event_years(event):
            years[year] += 1
        parts = event.date.split("-")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            months.setdefault(int(parts[0]), Counter())[int(parts[1])] += 1

    def reported(event: TimelineEvent) -> int:
        return len({ev.article_id for ev in event.sources})

    ranked = sorted(events, key=chronological)
    ranked.sort(key=reported, reverse=True)  # stable: equal counts stay in date order
    return TimelineOutline(
        len(events), dict(sorted(years.items())), months, tuple(ranked[:biggest])
    )


def render_timeline_summary(lang: Lang, cache: Cache, shape: TimelineOutline, style: Style) -> str:
    """Years with their event counts (and months' in full style), then the biggest events."""
    title = t(
        lang,
        "timeline_summary_title",
        n=counter(lang, shape.total),
        years=counter(lang, len(shape.years)),
    )
    sep = "، " if lang == "ar" else ", "
    lines = []
    for year, n in shape.years.items():
        line = f"• <b>{year}</b> — " + t(lang, "timeline_summary_events", n=counter(lang, n))
        months = shape.months.get(year)
        if months and style.notes:
            listed = sep.join(
                f"{t(lang, f'month_{m}')} {counter(lang, c)}" for m, c in sorted(months.items())
            )
            line += f" ({esc(listed)})"
        lines.append(line)
    cites = Citations.styled(cache, lang, style)
    biggest = [_event_line(lang, e, cites, style) for e in shape.biggest]
    blocks = [f"📅 <b>{esc(title)}</b>", "\n".join(lines)]
    if biggest:
        blocks.append(f"<b>{esc(t(lang, 'timeline_biggest'))}</b>\n" + "\n".join(biggest))
    blocks.append(t(lang, "timeline_summary_hint"))
    return _join(lang, blocks, cites)
