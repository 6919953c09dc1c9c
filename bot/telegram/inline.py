"""Inline mode: ``@bot words`` in any chat answers with the items that match.

The same search as /search (:mod:`bot.cache.search`): a digest sentence stands for its
digest, and timeline events, provisions and reactions for themselves. Each result is an
article that posts the item's cited, self-contained message (:mod:`bot.telegram.share`)
with a link back to the bot; an empty query offers the latest digests; share codes
(``@bot e_1a2b3c4d5e``, what «مشاركة» types in; several under a list screen) offer
exactly those items.

Caching: every answer carries UI strings in the reader's language (titles, dates, the
footnotes' heading, the link back), so the same query answers differently for an Arabic
and an English reader. Without ``is_personal`` Telegram serves one cached answer per
query text to everybody — an English reader could get the Arabic answer an earlier
reader caused, without the bot being asked. So answers are always personal (cached per
reader); ``cache_time`` is five minutes: the cache changes only on redeploy, and a
stale answer still posts a correct, cited message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode

from bot.cache.search import Searcher, query_words
from bot.telegram.i18n import Lang, t
from bot.telegram.share import Item, ShareIndex, bot_link

MAX_RESULTS: Final = 50  # Telegram's limit per answer
CACHE_TIME: Final = 300
IS_PERSONAL: Final = True  # the reader's language changes every answer: see above


def matching_items(share: ShareIndex, search: Searcher, query: str) -> list[Item]:
    """The items for an inline query, best first, each once."""
    text = query.strip()
    if not text:
        latest = sorted(
            range(len(share.cache.articles)),
            key=lambda i: (share.cache.articles[i].published, share.cache.articles[i].id),
            reverse=True,
        )
        return [item for i in latest if (item := share.digest_item(share.cache.articles[i].id))]
    codes = [share.get(word) for word in text.split()]
    if all(codes):  # one share code, or a screen's codes («مشاركة» under a list)
        return list({item.code: item for item in codes if item is not None}.values())
    items: dict[str, Item] = {}
    for hit in search.search_all(query_words(text)):
        item = share.item_for(hit.kind, hit.item_text or hit.text, hit.sources)
        if item is not None:
            items.setdefault(item.code, item)
    return list(items.values())


def results(
    share: ShareIndex, items: Sequence[Item], lang: Lang, bot_username: str | None
) -> list[InlineQueryResultArticle]:
    """One article result per item; its id is the item's share code (≤ 64 bytes)."""
    out = []
    for item in items[:MAX_RESULTS]:
        markup = None
        if bot_username:
            button = InlineKeyboardButton(
                t(lang, "share_open_in_bot"), url=bot_link(bot_username, item.code)
            )
            markup = InlineKeyboardMarkup([[button]])
        out.append(
            InlineQueryResultArticle(
                id=item.code,
                title=share.title(lang, item),
                description=share.description(item),
                input_message_content=InputTextMessageContent(
                    share.message(lang, item, bot_username),
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                ),
                reply_markup=markup,
            )
        )
    return out


def page(items: Sequence[Item], offset: str) -> tuple[list[Item], str]:
    """The items from ``offset`` (Telegram hands back our ``next_offset``) and the next one."""
    start = int(offset) if offset.isdigit() else 0
    chunk = list(items[start : start + MAX_RESULTS])
    more = start + MAX_RESULTS < len(items)
    return chunk, str(start + MAX_RESULTS) if more else ""


def empty_button(lang: Lang) -> InlineQueryResultsButton:
    """Shown above an empty answer: open the bot (its /start help)."""
    return InlineQueryResultsButton(text=t(lang, "inline_open_bot"), start_parameter="help")
