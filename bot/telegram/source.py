"""/source 004 17: a cited sentence in its paragraph, so a reader can check a citation.

Footnotes carry a tappable ``/source_004_17`` for each cited sentence and ``/start
src_004_17`` deep-links to the same screen. The article is named by its number (see
:mod:`bot.telegram.refs`), the sentence by the number a reader counts (headings not
counted). The screen shows the paragraph as written with the cited sentence in bold and
an «فتح المصدر» button when the article's URL is known.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.model import Cache
from bot.telegram.context import Context
from bot.telegram.i18n import Lang, lang_of, t
from bot.telegram.refs import find_article
from bot.telegram.render import finish, format_date
from bot.telegram.text import esc, outlet

#: ``/source_004_17`` (tappable in a footnote), also addressed ``@bot``
TAPPABLE = re.compile(r"^/source_(?P<article>[A-Za-z0-9]+)_(?P<n>\d{1,5})(?:@\w+)?$")
DEEP_LINK = re.compile(r"^src_(?P<article>[A-Za-z0-9]+)_(?P<n>\d{1,5})$")


def parse_args(args: list[str]) -> tuple[str, int] | None:
    """``["004", "17"]`` or ``["004_17"]`` → ("004", 17); None when malformed."""
    joined = " ".join(args).replace("_", " ").replace("/", " ").split()
    if len(joined) != 2 or not joined[1].isdigit() or len(joined[1]) > 5:
        return None
    return joined[0], int(joined[1])


def render_source(lang: Lang, cache: Cache, ref: str, number: int) -> tuple[str, str | None]:
    """The screen for sentence ``number`` of article ``ref`` and the URL to open, if any."""
    index = find_article(cache, ref)
    if index is None:
        return finish(lang, t(lang, "unknown_article") + "\n\n" + t(lang, "source_usage")), None
    article = cache.articles[index]
    body = cache.text(article.id)
    head = [
        f"📄 <b>{esc(article.title)}</b>",
        f"{esc(outlet(article, lang))} · "
        f"{esc(format_date(lang, article.published, article.published_precision))}",
    ]
    if body is None:
        return finish(lang, "\n".join(head) + "\n\n" + t(lang, "source_no_text")), article.url
    total = len(body.sentences) - len(body.headings)
    sentence = body.index_of(number)
    if sentence is None:
        text = t(lang, "source_missing", n=number, total=total)
        return finish(lang, "\n".join(head) + "\n\n" + text), article.url
    head.append(f"<b>{esc(t(lang, 'source_title', n=number, total=total))}</b>")
    paragraph = body.paragraphs[sentence]
    parts = []
    for i, text in enumerate(body.sentences):
        if body.paragraphs[i] != paragraph:
            continue
        parts.append(f"<b>{esc(text)}</b>" if i == sentence else esc(text))
    note = f"<i>{esc(t(lang, 'source_context'))}</i>"
    return finish(lang, "\n".join(head) + "\n\n" + " ".join(parts) + "\n\n" + note), article.url


def source_keyboard(lang: Lang, url: str | None) -> InlineKeyboardMarkup | None:
    """«فتح المصدر» when the original's address is known."""
    if not url:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "btn_open_source"), url=url)]])


async def source(update: Update, context: Context) -> None:
    """/source 004 17 (and the tappable /source_004_17): the sentence in its paragraph."""
    from bot.telegram.handlers import show

    message = update.effective_message
    if message is None:
        return
    views = context.bot_data.views
    lang = lang_of(context.user_data)
    args = list(context.args or [])
    if not args and message.text and (tapped := TAPPABLE.match(message.text.strip())):
        args = [tapped["article"], tapped["n"]]
    wanted = parse_args(args)
    if wanted is None:
        await show(message, views.message(lang, "source_usage"))
        return
    await show(message, views.source(lang, *wanted))
