"""Pure rendering of cache items into Telegram HTML, in the bot's one house style.

Nothing here touches Telegram or the network: each function takes the cache, a language
and the view's state and returns HTML text, so every reply can be unit-tested. All text
from the cache is escaped with :func:`html.escape`; sources are cited as superscript
numbers resolved at the bottom of the message, each naming the article and the sentence.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.cache.search import Hit, first_match, query_words
from bot.extract.english import is_person, person_display, person_english, role_name
from bot.model import (
    ArticleEntry,
    Cache,
    DateResolution,
    Evidence,
    Reaction,
    TimelineEvent,
    TreatyArticle,
    iso_at,
)
from bot.telegram.callbacks import Order
from bot.telegram.citations import Citations as Citations
from bot.telegram.citations import superscript as superscript
from bot.telegram.i18n import Lang, t
from bot.telegram.paging import page_of
from bot.telegram.refs import article_number
from bot.telegram.rtl import ltr_lines, rtl_lines
from bot.telegram.text import FULL as FULL
from bot.telegram.text import SNIPPET_CHARS as SNIPPET_CHARS
from bot.telegram.text import STYLES as STYLES
from bot.telegram.text import Style as Style
from bot.telegram.text import clip as clip
from bot.telegram.text import esc as esc
from bot.telegram.text import outlet as outlet
from bot.telegram.text import truncate as truncate

TIMELINE_PAGE_SIZE = 6
REACTIONS_PAGE_SIZE = 6
ARTICLES_PAGE_SIZE = 8

_STANCE_ICON = {"critical": "🔴", "supportive": "🟢", "neutral": "⚪", "no_comment": "🤐"}


def counter(lang: Lang, value: int) -> str:
    """A UI number (page, count), in Western digits in both languages.

    The digit rule: every number in a message is written with Western digits (0-9) —
    UI counters and page numbers, sentence numbers in footnotes, years on buttons — the
    same digits the source articles use for their dates and figures, so one message
    never mixes digit systems. Content is quoted as written. ``lang`` is kept so a
    future rule can differ per language in one place.
    """
    del lang
    return str(value)


def format_date(lang: Lang, value: str, precision: str | None = None) -> str:
    """``2024-06-19`` → ``19 يونيو 2024``; never more precise than what is known.

    ``precision`` ("day", "month", "year") trims a date stored as a full ISO day but
    known only to the month or year (e.g. a publication month stored as ``2024-06-01``).
    """
    try:
        numbers = [int(p) for p in iso_at(value, precision).split("-")]
    except ValueError:
        return value
    if len(numbers) >= 2 and 1 <= numbers[1] <= 12:
        month = t(lang, f"month_{numbers[1]}")
        if len(numbers) == 3:
            return f"{numbers[2]} {month} {numbers[0]}"
        return f"{month} {numbers[0]}"
    return str(numbers[0]) if numbers else value


def snippet(text: str, query: Sequence[str], limit: int = SNIPPET_CHARS) -> str:
    """A long text cut to ``limit`` around its first word matching ``query``, so the
    reader sees why it is a hit; a short text whole."""
    if len(text) <= limit:
        return text
    at = first_match(text, query)
    if at is None or at < limit // 2:
        return truncate(text, limit)
    start = text.rfind(" ", 0, max(0, at - limit // 3)) + 1
    return "…" + truncate(text[start:], limit - 1)


def finish(lang: Lang, text: str) -> str:
    """Final touch for every reply: direction marks for the reader's language (RLM on
    lines that would read left-to-right in the Arabic UI, LRM on lines that would read
    right-to-left in the English one)."""
    return rtl_lines(text) if lang == "ar" else ltr_lines(text)


def _join(lang: Lang, body: Sequence[str], cites: Citations | None = None) -> str:
    blocks = [b for b in body if b]
    if cites is not None and (foot := cites.footer()):
        if lang == "en":  # the sentences shown are the sources' own words
            blocks.append(f"<i>{esc(t(lang, 'quoted_in_arabic'))}</i>")
        blocks.append(foot)
    return finish(lang, "\n\n".join(blocks))


# --- simple screens -------------------------------------------------------------------


def render_welcome(lang: Lang, name: str | None) -> str:
    greeting = t(lang, "welcome", name=esc(name) if name else t(lang, "friend"))
    return finish(lang, greeting + "\n\n" + t(lang, "welcome_body"))


def render_help(lang: Lang, commands: Sequence[str]) -> str:
    lines = [f"<b>{esc(t(lang, 'help_title'))}</b>"]
    lines += [f"/{name} — {esc(t(lang, f'cmd_{name}'))}" for name in commands]
    return finish(lang, "\n".join(lines) + "\n\n" + t(lang, "help_footer"))


def render_about(lang: Lang, cache: Cache) -> str:
    return finish(
        lang,
        t(
            lang,
            "about",
            schema=cache.schema_version,
            digest=esc(cache.source_digest[:16]),
            algorithm=esc(cache.digest_algorithm),
            articles=len(cache.articles),
            digests=len(cache.digests),
            timeline=len(cache.timeline),
            treaty=len(cache.treaty_articles),
            reactions=len(cache.reactions),
        ),
    )


def render_sources(lang: Lang, cache: Cache) -> str:
    if not cache.articles:
        return finish(lang, t(lang, "empty_sources"))
    lines = [f"<b>{esc(t(lang, 'sources_title', n=counter(lang, len(cache.articles))))}</b>"]
    for article in sorted(cache.articles, key=lambda a: (a.published, a.id)):
        name = esc(outlet(article, lang))
        if article.url:
            name = f'<a href="{html.escape(article.url, quote=True)}">{name}</a>'
        date = esc(format_date(lang, article.published, article.published_precision))
        lines.append(f"• {name} — {esc(article.title)} ({date})")
    return finish(lang, "\n".join(lines))


# --- digests --------------------------------------------------------------------------


def article_button_label(article: ArticleEntry, lang: Lang = "ar", limit: int = 48) -> str:
    """Button text for an article: outlet and title, short enough for a phone screen.

    In the Arabic UI a label starting with Latin (``hura7.com: …``) gets a leading RLM
    so the Arabic title after it still reads right-to-left.
    """
    label = truncate(f"{outlet(article, lang)}: {article.title}", limit)
    return rtl_lines(label) if lang == "ar" else label


def menu_order(cache: Cache) -> list[int]:
    """Indices of ``cache.articles`` as the digest menu lists them: newest first."""
    return sorted(
        range(len(cache.articles)),
        key=lambda i: (cache.articles[i].published, cache.articles[i].id),
        reverse=True,
    )


def render_digest_menu(lang: Lang, cache: Cache, page: int) -> str:
    """Every article of the page with its number, full title, outlet and date (newest
    first); the buttons below carry the number and a short title."""
    pages = page_of(len(cache.articles), ARTICLES_PAGE_SIZE, page).count
    if not cache.articles:
        return finish(lang, t(lang, "empty_digests"))
    page = min(max(page, 0), pages - 1)
    title = t(lang, "digest_menu", page=counter(lang, page + 1), pages=counter(lang, pages))
    lines = [title, ""]
    for i in menu_order(cache)[page * ARTICLES_PAGE_SIZE : (page + 1) * ARTICLES_PAGE_SIZE]:
        article = cache.articles[i]
        date = format_date(lang, article.published, article.published_precision)
        lines.append(
            f"<b>{esc(article_number(cache, article))}</b> · {esc(article.title)}\n"
            f"    <i>{esc(outlet(article, lang))} · {esc(date)}</i>"
        )
    lines.append("")
    lines.append(t(lang, "digest_menu_hint"))
    return finish(lang, "\n".join(lines))


def render_digest(lang: Lang, cache: Cache, article: ArticleEntry) -> str:
    """Title, outlet and date on top; the digest's sentences; a link to the original."""
    digest = cache.digest(article.id)
    head = [
        f"📰 <b>{esc(article.title)}</b>",
        f"{esc(outlet(article, lang))} · "
        f"{esc(format_date(lang, article.published, article.published_precision))}",
    ]
    if digest is None or not digest.sentences:
        return _join(lang, ["\n".join(head), t(lang, "digest_missing")])
    cites = Citations(cache, lang)
    body = []
    for index, sentence in zip(digest.sentence_indices, digest.sentences, strict=False):
        mark = cites.cite([Evidence(article_id=article.id, sentence_index=index, text=sentence)])
        body.append(f"• {esc(sentence)}{mark}")
    # the link to the original rides on the footnote's outlet name: shown once
    return _join(lang, ["\n".join(head), "\n".join(body)], cites)


# --- timeline -------------------------------------------------------------------------


MAX_RANGE_YEARS = 100


def event_years(event: TimelineEvent) -> range:
    """The years an event covers: its start year through its range end's (1950–1953 → 4)."""
    if not event.date[:4].isdigit():
        return range(0)
    first = int(event.date[:4])
    last = int(event.end[:4]) if event.end and event.end[:4].isdigit() else first
    if not first <= last <= first + MAX_RANGE_YEARS:
        last = first
    return range(first, last + 1)


def timeline_years(cache: Cache) -> list[int]:
    """Every year some event covers (a range event counts for each of its years)."""
    return sorted({y for e in cache.timeline for y in event_years(e)})


def timeline_events(cache: Cache, order: Order, year: int | None) -> list[TimelineEvent]:
    """Events sorted by date (ISO strings sort chronologically), optionally one year only.

    A range event is listed under every year it covers.
    """
    events = [e for e in cache.timeline if year is None or year in event_years(e)]
    events.sort(key=chronological, reverse=(order == "n"))
    return events


#: where a qualified period sits inside its month (day) or year (month, day)
_IN_MONTH = {"early": 5, "mid": 15, "late": 25}
_IN_YEAR = {"early": (2, 15), "mid": (6, 15), "late": (10, 15)}


def chronological(event: TimelineEvent) -> tuple[int, int, int, int, str, str]:
    """Sort key: «أواخر نوفمبر» after 9 November; a bare «نوفمبر» after every dated day of
    November, a bare year after its dated months.

    A date known only to the month may be any day of it; listing it before 7–9 November
    would read as if it came first (a signing «نوفمبر 2024» before the votes that led to
    it). After the month's dated events, and labelled «اليوم غير مذكور», it claims nothing
    it does not know. ISO strings alone would put ``2024-11`` before ``2024-11-07``.
    """
    parts = [int(p) for p in event.date.split("-") if p.isdigit()] + [0, 0, 0]
    y, m, d = parts[:3]
    qualified = 0
    if event.qualifier is not None and event.granularity == "month":
        d, qualified = _IN_MONTH[event.qualifier], 1
    elif event.qualifier is not None and event.granularity == "year":
        (m, d), qualified = _IN_YEAR[event.qualifier], 1
    elif event.granularity == "month":
        d = 32  # after the month's last day
    elif event.granularity == "year":
        m = 13  # after the year's last month
    return (y, m, d, qualified, event.end or "", event.text)


@dataclass(frozen=True)
class TimelineView:
    text: str
    page: int  # clamped
    pages: int


def _has_finer(cites: Citations, event: TimelineEvent) -> bool:
    """Does the timeline date another event more precisely inside this one's month or
    year? Only then is «اليوم غير مذكور» needed: the undated event is listed after them."""
    inside = event.date + "-"
    return any(other.date.startswith(inside) for other in cites.cache.timeline)


def _event_line(lang: Lang, event: TimelineEvent, cites: Citations, style: Style = FULL) -> str:
    when = format_date(lang, event.date, event.granularity)
    if event.qualifier:  # "أواخر نوفمبر" stays "late November", not all of November
        when = t(lang, f"qualifier_{event.qualifier}", when=when)
    elif event.granularity in ("month", "year") and not event.end and _has_finer(cites, event):
        when = t(lang, f"{event.granularity}_only", when=when)
    if event.end:
        when = f"{when} – {format_date(lang, event.end, event.granularity)}"
    text = clip(event.text, style.text_chars)
    line = f"• <b>{esc(when)}</b> — {esc(text)}{cites.cite(event.sources)}"
    if not style.notes:
        return line
    sources = [a for ev in event.sources if (a := cites.cache.article(ev.article_id))]
    note = resolution_note(lang, event.resolution, sources)
    if note:
        line += f"\n  <i>{esc(note)}</i>"
    return line


def resolution_note(
    lang: Lang, resolution: DateResolution, articles: Sequence[ArticleEntry] = ()
) -> str:
    """How a date not written in full was worked out, in the reader's words; empty for
    absolute dates. The publication date is shown no more precisely than the source
    article's date is known."""
    phrase, anchor = resolution.phrase or "", resolution.anchor or ""
    match resolution.kind:
        case "absolute":
            return ""
        case "undated":
            return t(lang, "date_undated", published=_published(lang, resolution, articles))
        case "anaphor":
            return t(lang, "date_anchored", phrase=phrase, anchor=anchor)
        case "offset":  # the phrase's own anchor follows it in the text: «قبل يومين من …»
            return t(lang, "date_anchored", phrase=f"{phrase} …", anchor=anchor)
        case "relative":
            published = _published(lang, resolution, articles)
            return t(lang, "date_relative", phrase=phrase, published=published)


def _published(lang: Lang, resolution: DateResolution, articles: Sequence[ArticleEntry]) -> str:
    day = resolution.published or ""
    precision = next((a.published_precision for a in articles if a.published == day), None)
    return format_date(lang, day, precision)


def render_timeline(
    lang: Lang,
    cache: Cache,
    page: int,
    order: Order,
    year: int | None,
    *,
    style: Style = FULL,
    events: Sequence[TimelineEvent] | None = None,
) -> TimelineView:
    """A page of the timeline; ``events`` (when given) are ``timeline_events``' result."""
    if events is None:
        events = timeline_events(cache, order, year)
    paged = page_of(len(events), TIMELINE_PAGE_SIZE, page)
    page, pages = paged.index, paged.count
    title = t(lang, "timeline_title", page=counter(lang, page + 1), pages=counter(lang, pages))
    if year is not None:
        title += " · " + t(lang, "year_label", year=year)
    title += " · " + t(lang, "order_newest" if order == "n" else "order_oldest")
    if not events:
        return TimelineView(
            _join(lang, [f"📅 <b>{esc(title)}</b>", t(lang, "empty_timeline")]), page, pages
        )
    cites = Citations.styled(cache, lang, style)
    chunk = paged.of(events)
    lines = [_event_line(lang, e, cites, style) for e in chunk]
    return TimelineView(
        _join(lang, [f"📅 <b>{esc(title)}</b>", "\n".join(lines)], cites), page, pages
    )


# --- treaty ---------------------------------------------------------------------------


def _opens_with(text: str, title: str) -> bool:
    """The title is the text's own opening words, perhaps behind a glued و/ب/ل/ف or with
    "لل" for the title's "ال" ("للتعاون السياسي" opens with "التعاون السياسي")."""
    text, title = text.strip(), title.strip()
    if not title:
        return False
    if text.startswith(title) or (text[:1] in "وبلف" and text[1:].startswith(title)):
        return True
    return title.startswith("ال") and text.startswith("لل" + title[2:])


def render_treaty(lang: Lang, cache: Cache) -> str:
    if not cache.treaty_articles:
        return finish(lang, t(lang, "empty_treaty"))
    cites = Citations(cache, lang)
    items = treaty_items(cache)
    reporting = len({ev.article_id for item in items for ev in item.sources})
    blocks = [f"📜 <b>{esc(t(lang, 'treaty_title_n', n=reporting))}</b>"]
    for item in items:
        label = (
            t(lang, "treaty_article_n", n=item.number)
            if item.number is not None
            else t(lang, "treaty_article")
        )
        head = f"<b>{esc(label)}</b> — "
        if _opens_with(item.text, item.title):
            # the title is the provision's own opening words: say them once
            blocks.append(f"{head}{esc(item.text)}{cites.cite(item.sources)}")
        else:
            blocks.append(f"{head}{esc(item.title)}\n{esc(item.text)}{cites.cite(item.sources)}")
    return _join(lang, blocks, cites)


# --- reactions ------------------------------------------------------------------------


def reaction_parties(cache: Cache) -> list[str]:
    """Parties that reacted, sorted, so buttons can refer to them by index."""
    return sorted({r.party for r in cache.reactions if r.party})


def party_name(lang: Lang, cache: Cache, party: str) -> str:
    """A party as the reader's language names it; the Arabic key when no English is known."""
    return cache.party_names_en.get(party, party) if lang == "en" else party


@dataclass(frozen=True)
class ReactionsView:
    text: str
    party: int | None
    page: int
    pages: int


def actor_name(lang: Lang, cache: Cache, actor: str, role: str | None, party: str | None) -> str:
    """How a speaker is named: a country speaking as itself by the party's name; in
    English an unnamed office or group («محللون», «وزارة الدفاع الأمريكية») by its
    English title when known, and a person by their English name (known, or
    transliterated with the Arabic original: :func:`bot.extract.english.person_display`)."""
    if actor == party and party is not None:
        return party_name(lang, cache, party)
    if lang == "en" and (role is None or role == actor):
        return role_name(actor, party, cache.party_names_en)
    if lang == "en" and is_person(actor, role, party):
        return person_display(actor)
    return actor


def reaction_line(lang: Lang, r: Reaction, cites: Citations) -> str:
    # a country speaking as itself ("أوكرانيا") is a party name, not a quotation
    actor = actor_name(lang, cites.cache, r.actor, r.role, r.party)
    who = f"<b>{esc(actor)}</b>"
    party = party_name(lang, cites.cache, r.party) if r.party and r.party != r.actor else None
    role = r.role
    if role is not None and lang == "en":
        role = role_name(role, r.party, cites.cache.party_names_en)
    details = list(dict.fromkeys(d for d in (role, party) if d and d != r.actor and d != actor))
    if details:
        who += f" ({esc('، '.join(details) if lang == 'ar' else ', '.join(details))})"
    stance = f"{_STANCE_ICON[r.stance]} {esc(t(lang, f'stance_{r.stance}'))}"
    said = f"«{esc(r.quote)}»" if r.kind == "quote" else esc(r.quote)
    return f"• {who} — {stance}: {said}{cites.cite(r.sources)}"


def reactions_of(cache: Cache, party: int | None) -> list[Reaction]:
    """The reactions a /reactions screen lists, in its order (all parties when ``party`` is
    None or out of range)."""
    parties = reaction_parties(cache)
    chosen = parties[party] if party is not None and 0 <= party < len(parties) else None
    items = [r for r in cache.reactions if chosen is None or r.party == chosen]
    items.sort(key=lambda r: (r.party or "", r.actor))
    return items


def treaty_items(cache: Cache) -> list[TreatyArticle]:
    """The provisions in the order /treaty_articles lists them (numbered first)."""
    return sorted(cache.treaty_articles, key=lambda a: (a.number is None, a.number or 0))


def render_reactions(
    lang: Lang, cache: Cache, party: int | None, page: int, *, style: Style = FULL
) -> ReactionsView:
    parties = reaction_parties(cache)
    if party is not None and not 0 <= party < len(parties):
        party = None
    chosen = parties[party] if party is not None else None
    items = reactions_of(cache, party)
    paged = page_of(len(items), REACTIONS_PAGE_SIZE, page)
    page, pages = paged.index, paged.count
    title = t(lang, "reactions_title", page=counter(lang, page + 1), pages=counter(lang, pages))
    if chosen is not None:
        title += " · " + party_name(lang, cache, chosen)
    if not items:
        text = _join(lang, [f"🗣 <b>{esc(title)}</b>", t(lang, "empty_reactions")])
        return ReactionsView(text, party, page, pages)
    cites = Citations.styled(cache, lang, style)
    chunk = paged.of(items)
    lines = [reaction_line(lang, r, cites) for r in chunk]
    text = _join(lang, [f"🗣 <b>{esc(title)}</b>", "\n".join(lines)], cites)
    return ReactionsView(text, party, page, pages)


# --- search ---------------------------------------------------------------------------


SEARCH_PAGE_SIZE = 10


@dataclass(frozen=True)
class SearchView:
    text: str
    page: int  # clamped
    pages: int


def render_search(
    lang: Lang,
    cache: Cache,
    query: str,
    hits: Sequence[Hit],
    page: int = 0,
    *,
    style: Style = FULL,
) -> SearchView:
    """One page of hits (``hits`` are all of them): each the matching sentence or item as
    written, cited."""
    shown_query = esc(truncate(" ".join(query.split()), 60))
    if not hits:
        text = t(lang, "search_none", query=shown_query) + "\n\n" + t(lang, "search_rule")
        return SearchView(finish(lang, text), 0, 1)
    total = len(hits)
    paged = page_of(total, SEARCH_PAGE_SIZE, page)
    page, pages = paged.index, paged.count
    chunk = paged.of(hits)
    first = paged.start + 1
    last = first + len(chunk) - 1
    shown = (
        counter(lang, first) + "–" + counter(lang, last) if last > first else counter(lang, first)
    )
    title = t(lang, "search_title", query=shown_query, shown=shown, total=counter(lang, total))
    if pages > 1:
        title += " · " + t(
            lang, "search_page", page=counter(lang, page + 1), pages=counter(lang, pages)
        )
    cites = Citations.styled(cache, lang, style)
    words = query_words(query)
    limit = min(style.text_chars or SNIPPET_CHARS, SNIPPET_CHARS)
    lines = []
    for hit in chunk:
        label = format_date(lang, hit.label) if hit.kind == "timeline" else hit.label
        if hit.kind == "reaction" and lang == "en":
            label = person_english(label) or label
        if hit.party and hit.party != hit.label:
            label = f"{label} ({party_name(lang, cache, hit.party)})"
        kind = esc(t(lang, f"kind_{hit.kind}"))
        lines.append(
            f"• [{kind}] <b>{esc(truncate(label, 80))}</b> — "
            f"{esc(snippet(hit.text, words, limit))}{cites.cite(hit.sources)}"
        )
    blocks = [title, "\n".join(lines)]
    if pages > 1:
        blocks.append(f"<i>{t(lang, 'search_narrow')}</i>")
    return SearchView(_join(lang, blocks, cites), page, pages)
