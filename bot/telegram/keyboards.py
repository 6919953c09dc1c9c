"""Inline keyboards for paging and filtering; every button's data comes from callbacks.encode."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.model import ArticleEntry, Cache
from bot.telegram import callbacks as cb
from bot.telegram.glance import (
    PEOPLE_PAGE_SIZE,
    STANCE_ICON,
    STANCES,
    PartyGroup,
    glance_shown,
    group_name,
    person_name,
)
from bot.telegram.i18n import Lang, t
from bot.telegram.refs import article_number
from bot.telegram.render import (
    ARTICLES_PAGE_SIZE,
    menu_order,
    outlet,
    party_name,
    reaction_parties,
    timeline_years,
    truncate,
)
from bot.telegram.rtl import rtl_lines
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
    return years_keyboard(lang, tag, timeline_years(cache), order)


def years_keyboard(
    lang: Lang, tag: str, years: Sequence[int], order: cb.Order
) -> InlineKeyboardMarkup:
    """:func:`year_keyboard` for years already known (no pass over the timeline)."""
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


def glance_keyboard(
    lang: Lang, tag: str, cache: Cache, groups: Sequence[PartyGroup]
) -> InlineKeyboardMarkup:
    """One button per party (as the glance lists them), then one per stance present."""
    buttons = [
        _button(truncate(group_name(lang, cache, groups[i]), 24), cb.ReactionsParty(i, 0), tag)
        for i in glance_shown(lang, cache, groups)
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    present = {r.stance for g in groups for r in g.statements}
    stances = [
        _button(f"{STANCE_ICON[s]} {t(lang, f'stance_{s}')}", cb.ReactionsView("s", n, 0, 0), tag)
        for n, s in enumerate(STANCES)
        if s in present
    ]
    rows += [stances[i : i + 2] for i in range(0, len(stances), 2)]
    return InlineKeyboardMarkup(rows)


def party_keyboard(
    lang: Lang, tag: str, cache: Cache, index: int, group: PartyGroup, page: int, pages: int
) -> InlineKeyboardMarkup:
    """One button per person on this page, paging, and back to every party."""
    start = page * PEOPLE_PAGE_SIZE
    rows = [
        [
            _button(
                truncate(person_name(lang, cache, person, group.party), 32),
                cb.ReactionsView("p", index, start + j, 0),
                tag,
            )
        ]
        for j, person in enumerate(group.people[start : start + PEOPLE_PAGE_SIZE])
    ]
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.ReactionsParty(index, page - 1), tag))
    if page < pages - 1:
        nav.append(_button(t(lang, "btn_next"), cb.ReactionsParty(index, page + 1), tag))
    if nav:
        rows.append(nav)
    rows.append([_button(t(lang, "btn_back_parties"), cb.ReactionsParty(None, 0), tag)])
    return InlineKeyboardMarkup(rows)


def statements_keyboard(
    lang: Lang,
    tag: str,
    view: cb.ReactionsView,
    pages: int,
    back: tuple[str, cb.Action],
    share: str | None = None,
) -> InlineKeyboardMarkup:
    """Paging through a person's or a stance's statements, back one level, and
    «مشاركة» for the page's statements when ``share`` (their codes) is given."""

    def at(page: int) -> cb.ReactionsView:
        return cb.ReactionsView(view.mode, view.a, view.b, page)

    nav: list[InlineKeyboardButton] = []
    if view.page > 0:
        nav.append(_button(t(lang, "btn_prev"), at(view.page - 1), tag))
    if view.page < pages - 1:
        nav.append(_button(t(lang, "btn_next"), at(view.page + 1), tag))
    rows = [nav] if nav else []
    last = [_button(truncate(back[0], 32), back[1], tag)]
    if share:
        last.append(share_button(lang, share))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def party_choice_keyboard(tag: str, names: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per candidate party (index into reaction_parties, shown name)."""
    return InlineKeyboardMarkup(
        [[_button(truncate(name, 32), cb.ReactionsParty(i, 0), tag)] for i, name in names]
    )


def _numbered_label(lang: Lang, cache: Cache, article: ArticleEntry) -> str:
    """``004 · outlet: title`` cut for a phone; right-to-left from its start in Arabic."""
    label = truncate(
        f"{article_number(cache, article)} · {outlet(article, lang)}: {article.title}", 48
    )
    return rtl_lines(label) if lang == "ar" else label


def digest_menu_keyboard(lang: Lang, tag: str, cache: Cache, page: int) -> InlineKeyboardMarkup:
    """One button per article on this page (newest first, with its number), then paging."""
    start = page * ARTICLES_PAGE_SIZE
    order = menu_order(cache)
    chunk = order[start : start + ARTICLES_PAGE_SIZE]
    rows = [
        [_button(_numbered_label(lang, cache, cache.articles[i]), cb.DigestOf(i), tag)]
        for i in chunk
    ]
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.DigestList(page - 1), tag))
    if start + ARTICLES_PAGE_SIZE < len(order):
        nav.append(_button(t(lang, "btn_next"), cb.DigestList(page + 1), tag))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def back_to_digests_keyboard(
    lang: Lang, tag: str, page: int, share_code: str | None = None
) -> InlineKeyboardMarkup:
    """«All articles» from a digest: sends the menu page that lists this article below it;
    «مشاركة» (``@bot <code>`` in a chat of the reader's choice)."""
    row = [_button(t(lang, "btn_all_articles"), cb.DigestList(page, back=True), tag)]
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


def timeline_summary_keyboard(
    lang: Lang, tag: str, years: Sequence[int], order: cb.Order
) -> InlineKeyboardMarkup:
    """The summary's way down: one button per year, then every event page by page."""
    buttons = [_button(str(y), cb.TimelinePage(0, order, y), tag) for y in years]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([_button(t(lang, "btn_all_events"), cb.TimelinePage(0, order, None), tag)])
    return InlineKeyboardMarkup(rows)


def list_keyboard(
    lang: Lang, tag: str, view: cb.ListView, page: int, pages: int, share: str | None = None
) -> InlineKeyboardMarkup | None:
    """‹ previous / next › through a paged list, and «مشاركة» for the page's items when
    ``share`` (their codes) is given; None when there is nothing to press."""
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(t(lang, "btn_prev"), cb.ListPage(view, page - 1), tag))
    if page < pages - 1:
        nav.append(_button(t(lang, "btn_next"), cb.ListPage(view, page + 1), tag))
    rows = [nav] if nav else []
    if share:
        rows.append([share_button(lang, share)])
    return InlineKeyboardMarkup(rows) if rows else None
