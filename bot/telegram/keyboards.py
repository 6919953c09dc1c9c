"""Inline keyboards for paging and filtering; every button's data comes from callbacks.encode."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.model import Cache
from bot.telegram import callbacks as cb
from bot.telegram.i18n import Lang, t
from bot.telegram.paging import page_of
from bot.telegram.render import (
    ARTICLES_PAGE_SIZE,
    article_button_label,
    party_name,
    reaction_parties,
    timeline_years,
    truncate,
)
from bot.telegram.share import share_button


def _button(text: str, action: cb.Action, tag: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.encode(action, tag))


def timeline_keyboard(
    lang: Lang,
    tag: str,
    page: int,
    pages: int,
    order: cb.Order,
    year: int | None,
    share: str | None = None,
) -> InlineKeyboardMarkup:
    """‹ previous / next ›, the order toggle and the year menu; the picture; «مشاركة»
    (``share``: the page's items' codes, see :func:`bot.telegram.share.share_query`)."""
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.TimelinePage(page - 1, order, year), tag))
    if page < pages - 1:
        nav.append(_button(t(lang, "btn_next"), cb.TimelinePage(page + 1, order, year), tag))
    flip: cb.Order = "o" if order == "n" else "n"
    flip_label = t(lang, "btn_oldest_first" if order == "n" else "btn_newest_first")
    tools = [
        _button(flip_label, cb.TimelinePage(0, flip, year), tag),
        _button(t(lang, "btn_by_year"), cb.YearMenu(order), tag),
    ]
    picture = [_button(t(lang, "btn_picture"), cb.TimelinePicture(), tag)]
    if share:
        picture.append(share_button(lang, share))
    rows = [nav, tools, picture] if nav else [tools, picture]
    return InlineKeyboardMarkup(rows)


def year_keyboard(lang: Lang, tag: str, cache: Cache, order: cb.Order) -> InlineKeyboardMarkup:
    """One button per year that has events, plus "all years"."""
    years = timeline_years(cache)
    buttons = [_button(str(y), cb.TimelinePage(0, order, y), tag) for y in years]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([_button(t(lang, "btn_all_years"), cb.TimelinePage(0, order, None), tag)])
    return InlineKeyboardMarkup(rows)


def reactions_keyboard(
    lang: Lang,
    tag: str,
    cache: Cache,
    party: int | None,
    page: int,
    pages: int,
    share: str | None = None,
) -> InlineKeyboardMarkup:
    """Paging for the current filter, then one button per party and "all parties", then
    «مشاركة» for the page's reactions when ``share`` (their codes) is given."""
    rows: list[list[InlineKeyboardButton]] = []
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.ReactionsParty(party, page - 1), tag))
    if page < pages - 1:
        nav.append(_button(t(lang, "btn_next"), cb.ReactionsParty(party, page + 1), tag))
    if nav:
        rows.append(nav)
    parties = reaction_parties(cache)
    buttons = [
        _button(
            ("✓ " if i == party else "") + truncate(party_name(lang, cache, name), 24),
            cb.ReactionsParty(i, 0),
            tag,
        )
        # in the reader's alphabetical order; indices stay those of reaction_parties
        for i, name in sorted(
            enumerate(parties), key=lambda item: party_name(lang, cache, item[1]).casefold()
        )
    ]
    rows += [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if parties:
        label = ("✓ " if party is None else "") + t(lang, "btn_all_parties")
        rows.append([_button(label, cb.ReactionsParty(None, 0), tag)])
    if share:
        rows.append([share_button(lang, share)])
    return InlineKeyboardMarkup(rows)


def digest_menu_keyboard(lang: Lang, tag: str, cache: Cache, page: int) -> InlineKeyboardMarkup:
    """One button per article on this page, then paging."""
    paged = page_of(len(cache.articles), ARTICLES_PAGE_SIZE, page)
    rows = [
        [_button(article_button_label(a, lang), cb.DigestOf(paged.start + i), tag)]
        for i, a in enumerate(paged.of(cache.articles))
    ]
    nav: list[InlineKeyboardButton] = []
    if paged.index > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.DigestList(paged.index - 1), tag))
    if paged.index < paged.count - 1:
        nav.append(_button(t(lang, "btn_next"), cb.DigestList(paged.index + 1), tag))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def back_to_digests_keyboard(
    lang: Lang, tag: str, article_index: int, share_code: str | None = None
) -> InlineKeyboardMarkup:
    """Back to the list; «مشاركة» (``@bot <code>`` in a chat of the reader's choice)."""
    page = article_index // ARTICLES_PAGE_SIZE
    row = [_button(t(lang, "btn_all_articles"), cb.DigestList(page), tag)]
    if share_code is not None:
        row.append(share_button(lang, share_code))
    return InlineKeyboardMarkup([row])


def lang_keyboard(tag: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button("العربية", cb.SetLang("ar"), tag), _button("English", cb.SetLang("en"), tag)]]
    )


def search_keyboard(
    lang: Lang, tag: str, key: str, page: int, pages: int
) -> InlineKeyboardMarkup | None:
    """‹ previous / next › through a query's hits; None when they fit on one page."""
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.SearchPage(key, page - 1), tag))
    if page < pages - 1:
        nav.append(_button(t(lang, "btn_next"), cb.SearchPage(key, page + 1), tag))
    return InlineKeyboardMarkup([nav]) if nav else None
