"""Share any item: a short code per digest, event, provision and reaction, and the cited,
self-contained message that stands for it outside the bot.

Codes are deep-link payloads (``t.me/<bot>?start=<code>``): Telegram allows 1–64
characters of ``[A-Za-z0-9_-]``. A digest's code is ``d_`` and its article's id prefix
(``d_000``), stable as long as the article is in the dossier; the other items have no id
of their own, so their code is a kind letter and a hash of what identifies them (``e_``
date and text, ``p_`` number and title, ``r_`` actor, party and quotation): a rebuilt
cache that still has the item still resolves the link, and a link to an item that is gone
says so instead of showing another item.

The message carries its citations as footnotes (outlet, title, sentence numbers) and a
link back to the bot, so a forwarded copy still says where every line comes from.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Final, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.model import Cache, Evidence, Reaction, TimelineEvent, TreatyArticle
from bot.telegram import render
from bot.telegram.i18n import Lang, t
from bot.telegram.split import split_html

ItemKind = Literal["digest", "timeline", "treaty", "reaction"]
CODE: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HASH_CHARS: Final = 10
#: a shared message is one message: its body stops here, leaving room for the link back
SHARED_LIMIT: Final = 3900


def _hash(*parts: str) -> str:
    h = hashlib.sha256("\0".join(parts).encode("utf-8"))
    return h.hexdigest()[:HASH_CHARS]


def digest_code(article_id: str) -> str:
    return "d_" + article_id.split("_", 1)[0]


def event_code(event: TimelineEvent) -> str:
    return "e_" + _hash(event.date, event.end or "", event.text)


def provision_code(item: TreatyArticle) -> str:
    return "p_" + _hash(str(item.number), item.title, item.text)


def reaction_code(item: Reaction) -> str:
    return "r_" + _hash(item.actor_key, item.party or "", item.quote)


@dataclass(frozen=True)
class Item:
    """One shareable item: its kind, index in its cache list, code and title."""

    kind: ItemKind
    index: int
    code: str


def bot_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}"


class ShareIndex:
    """Every item of a cache by code, and the shareable message for each."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        items: list[Item] = []
        for i, article in enumerate(cache.articles):
            items.append(Item("digest", i, digest_code(article.id)))
        items += [Item("timeline", i, event_code(e)) for i, e in enumerate(cache.timeline)]
        items += [Item("treaty", i, provision_code(p)) for i, p in enumerate(cache.treaty_articles)]
        items += [Item("reaction", i, reaction_code(r)) for i, r in enumerate(cache.reactions)]
        self.items = items
        # the same event quoted twice has one code: the first item keeps it
        self.by_code: dict[str, Item] = {}
        for item in items:
            self.by_code.setdefault(item.code, item)
        self._messages: dict[tuple[Lang, str, str | None], str] = {}
        self._by_text: dict[tuple[str, str], Item] = {}
        for item in items:
            self._by_text.setdefault((item.kind, self._text(item)), item)

    def _text(self, item: Item) -> str:
        match item.kind:
            case "digest":
                return self.cache.articles[item.index].id
            case "timeline":
                return self.cache.timeline[item.index].text
            case "treaty":
                return self.cache.treaty_articles[item.index].text
            case "reaction":
                return self.cache.reactions[item.index].quote

    def get(self, code: str) -> Item | None:
        return self.by_code.get(code) if CODE.fullmatch(code) else None

    def digest_item(self, article_id: str) -> Item | None:
        return self._by_text.get(("digest", article_id))

    def item_for(self, kind: str, text: str, sources: tuple[Evidence, ...]) -> Item | None:
        """The item a search hit stands for (a digest sentence stands for its digest)."""
        if kind in ("digest", "sentence"):
            return self.digest_item(sources[0].article_id) if sources else None
        return self._by_text.get((kind, text))

    def code_of(self, kind: ItemKind, index: int) -> str | None:
        return next((i.code for i in self.items if i.kind == kind and i.index == index), None)

    # --- what is shown ----------------------------------------------------------------

    def title(self, lang: Lang, item: Item) -> str:
        """A short title (inline result list): the kind and what the item is."""
        kind = t(lang, f"kind_{item.kind}")
        match item.kind:
            case "digest":
                article = self.cache.articles[item.index]
                what = f"{render.outlet(article, lang)}: {article.title}"
            case "timeline":
                event = self.cache.timeline[item.index]
                what = render.format_date(lang, event.date, event.granularity)
            case "treaty":
                p = self.cache.treaty_articles[item.index]
                number = t(lang, "treaty_article_n", n=p.number) if p.number else ""
                what = f"{number} {p.title}".strip()
            case "reaction":
                r = self.cache.reactions[item.index]
                party = render.party_name(lang, self.cache, r.party) if r.party else ""
                what = f"{r.actor} ({party})" if party and party != r.actor else r.actor
        return render.truncate(f"{kind} · {what}", 120)

    def description(self, item: Item) -> str:
        """The item's own words, shortened (inline result list)."""
        if item.kind == "digest":
            digest = self.cache.digest(self.cache.articles[item.index].id)
            text = " ".join(digest.sentences) if digest else ""
        else:
            text = self._text(item)
        return render.truncate(text, 160)

    def message(self, lang: Lang, item: Item, bot_username: str | None) -> str:
        """The self-contained, cited HTML message for ``item`` (one Telegram message)."""
        key = (lang, item.code, bot_username)
        if (known := self._messages.get(key)) is None:
            known = self._messages[key] = self._render(lang, item, bot_username)
        return known

    def _render(self, lang: Lang, item: Item, bot_username: str | None) -> str:
        cites = render.Citations(self.cache, lang)
        match item.kind:
            case "digest":
                body = render.render_digest(lang, self.cache, self.cache.articles[item.index])
                body = split_html(body, SHARED_LIMIT)[0]  # one message, room for the link
            case "timeline":
                event = self.cache.timeline[item.index]
                line = render._event_line(lang, event, cites)
                body = render.finish(lang, f"📅 {line}\n\n{cites.footer()}")
            case "treaty":
                p = self.cache.treaty_articles[item.index]
                head = t(lang, "treaty_article_n", n=p.number) if p.number else p.title
                text = f"📜 <b>{render.esc(head)}</b> — {render.esc(p.title)}\n"
                text += f"{render.esc(p.text)}{cites.cite(p.sources)}"
                body = render.finish(lang, f"{text}\n\n{cites.footer()}")
            case "reaction":
                r = self.cache.reactions[item.index]
                line = render.reaction_line(lang, r, cites)
                body = render.finish(lang, f"🗣 {line}\n\n{cites.footer()}")
        if bot_username:
            link = html.escape(bot_link(bot_username, item.code), quote=True)
            back = f'🔗 <a href="{link}">{render.esc(t(lang, "share_open_in_bot"))}</a>'
            body += "\n\n" + render.finish(lang, back)
        return body

    def keyboard(self, lang: Lang, item: Item) -> InlineKeyboardMarkup:
        """«مشاركة»: opens the chat picker with ``@bot <code>`` typed in."""
        return share_keyboard(lang, item.code)


#: Telegram's limit on an inline query's text
MAX_QUERY_CHARS: Final = 256


def share_query(codes: list[str]) -> str:
    """Codes joined by spaces, as many whole codes as an inline query holds: «مشاركة» on a
    screen of several items opens inline mode offering exactly those items."""
    query = ""
    for code in dict.fromkeys(codes):
        longer = f"{query} {code}" if query else code
        if len(longer) > MAX_QUERY_CHARS:
            break
        query = longer
    return query


def share_button(lang: Lang, code: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(lang, "btn_share"), switch_inline_query=code)


def share_keyboard(lang: Lang, code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[share_button(lang, code)]])
