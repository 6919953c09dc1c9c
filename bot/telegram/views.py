"""Every screen the bot shows, rendered from the cache when first asked for and remembered.

A cache never changes while a :class:`Views` serves it (a new cache gets new views), so a
screen depends only on the language and the view's state (page, order, year, party).
:class:`Views` renders a screen the first time it is asked for, fits it into one
Telegram message where it is a list (:mod:`bot.telegram.pages`), builds its keyboard and
keeps the result in a bounded LRU: a repeated request costs a dictionary look-up, and
memory does not grow with the archive (a dossier of 10,000 articles has tens of
thousands of possible screens). Nothing is rendered at start-up but the help and about
screens; the search index and the timeline's sorted lists are built on first use. Keys
are validated before use, so forged button data cannot grow the memo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from telegram import InlineKeyboardMarkup

from bot.cache.archive import Archive
from bot.cache.search import Hit, Searcher, SearchIndex, query_key, query_words
from bot.model import ArticleEntry, Cache, Reaction, TimelineEvent, TreatyArticle
from bot.telegram import first_contact, glance, pages, render
from bot.telegram import keyboards as kb
from bot.telegram.callbacks import Order, ReactionsParty, ReactionsView, cache_tag
from bot.telegram.i18n import LANGS, Lang, t
from bot.telegram.paging import page_of
from bot.telegram.party_lookup import PartyLookup
from bot.telegram.refs import find_article
from bot.telegram.share import (
    digest_code,
    event_code,
    provision_code,
    reaction_code,
    share_query,
)
from bot.telegram.source import render_source, source_keyboard
from bot.telegram.split import split_html

RECENT_QUERIES = 256
#: rendered screens kept (both languages, every view); the least recently used go first
MAX_SCREENS = 1024


@dataclass(frozen=True)
class Screen:
    """A reply ready to send: its parts (each within Telegram's limit) and keyboard."""

    parts: tuple[str, ...]
    markup: InlineKeyboardMarkup | None = None

    @classmethod
    def of(cls, text: str, markup: InlineKeyboardMarkup | None = None) -> Screen:
        return cls(tuple(split_html(text)), markup)


@dataclass
class Views:
    cache: Cache
    commands: Sequence[str] = ()
    max_screens: int = MAX_SCREENS
    tag: str = field(init=False)
    _memo: OrderedDict[Hashable, Screen] = field(init=False, default_factory=OrderedDict)
    _queries: OrderedDict[str, tuple[str, Sequence[Hit]]] = field(
        init=False, default_factory=OrderedDict
    )
    _events: dict[tuple[Order, int | None], list[TimelineEvent]] = field(
        init=False, default_factory=dict
    )
    _treaty_bounds: dict[Lang, list[tuple[int, int]]] = field(init=False, default_factory=dict)
    _index: SearchIndex | None = field(init=False, default=None)
    _indexer: threading.Thread | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.tag = cache_tag(self.cache.source_digest)

    # --- what is worked out once, on first use ---------------------------------------

    @property
    def index(self) -> Searcher:
        """The cache's archive when it was opened from one (the index is on disk); else the
        search index, built here if :meth:`index_in_background` has not done so."""
        if isinstance(self.cache.store, Archive):
            return self.cache.store
        if self._index is None:
            if self._indexer is not None:
                self._indexer.join()
            if self._index is None:
                self._index = SearchIndex(self.cache)
        return self._index

    def index_in_background(self) -> None:
        """Build the search index in a thread, so the first search need not wait for it
        (about a second per 1,000 articles) and start-up does not either. Nothing to do
        for a cache opened from its archive."""
        if isinstance(self.cache.store, Archive):
            return
        if self._index is None and self._indexer is None:

            def build() -> None:
                self._index = SearchIndex(self.cache)

            self._indexer = threading.Thread(target=build, name="search-index", daemon=True)
            self._indexer.start()

    @cached_property
    def years(self) -> list[int]:
        return render.timeline_years(self.cache)

    @cached_property
    def parties(self) -> list[str]:
        return render.reaction_parties(self.cache)

    @cached_property
    def lookup(self) -> PartyLookup:
        return PartyLookup.of(self.parties, self.cache.party_names_en)

    @cached_property
    def groups(self) -> list[glance.PartyGroup]:
        """The reactions by party and person (the glance), grouped on first use."""
        return glance.group_reactions(self.cache, self.parties)

    @cached_property
    def _outline(self) -> pages.TimelineOutline:
        return pages.outline(self.cache.timeline)

    @cached_property
    def _sources(self) -> list[ArticleEntry]:
        return pages.sources_order(self.cache)

    @cached_property
    def _provisions(self) -> list[TreatyArticle]:
        return pages.treaty_order(self.cache)

    def events(self, order: Order, year: int | None) -> list[TimelineEvent]:
        """The timeline (or a year of it) sorted, once per order and year."""
        key = (order, year)
        found = self._events.get(key)
        if found is None:
            if year is None and (other := self._events.get(("n" if order == "o" else "o", None))):
                found = other[::-1]
            else:
                found = render.timeline_events(self.cache, order, year)
            self._events[key] = found
        return found

    def _get(self, key: Hashable, build: Callable[[], Screen]) -> Screen:
        screen = self._memo.get(key)
        if screen is None:
            screen = self._memo[key] = build()
            while len(self._memo) > self.max_screens:
                self._memo.popitem(last=False)
        else:
            self._memo.move_to_end(key)
        return screen

    def warm(self) -> None:
        """Render the fixed screens in both languages; the rest are rendered on demand."""
        for lang in LANGS:
            self.help(lang)
            self.about(lang)

    # --- simple screens ---------------------------------------------------------------

    def message(self, lang: Lang, key: str, markup: InlineKeyboardMarkup | None = None) -> Screen:
        """A fixed catalogue string as a screen."""
        return self._get(
            ("msg", lang, key), lambda: Screen.of(render.finish(lang, t(lang, key)), markup)
        )

    def help(self, lang: Lang) -> Screen:
        return self._get(("help", lang), lambda: Screen.of(render.render_help(lang, self.commands)))

    def about(self, lang: Lang, *, technical: bool = False) -> Screen:
        """/about for a reader, or (``technical``) the data's technical details."""
        return self._get(
            ("about", lang, technical),
            lambda: Screen.of(
                first_contact.about_screen(lang, self.cache, technical),
                first_contact.about_keyboard(lang, self.tag, technical),
            ),
        )

    def sources(self, lang: Lang, page: int = 0) -> Screen:
        """A page of the source articles (one page for a small dossier, as before)."""
        items = self._sources
        paged = page_of(len(items), pages.SOURCES_PAGE_SIZE, page)
        page = paged.index

        def build() -> Screen:
            text = pages.fit(
                lambda style: pages.render_sources_page(lang, self.cache, items, page, style).text
            )
            return Screen.of(text, kb.list_keyboard(lang, self.tag, "so", page, paged.count))

        return self._get(("sources", lang, page), build)

    def treaty(self, lang: Lang, page: int = 0) -> Screen:
        """A page of the treaty's provisions, fitted into one message."""
        items = self._provisions
        bounds = self._treaty_bounds.get(lang)
        if bounds is None:
            bounds = self._treaty_bounds[lang] = pages.treaty_bounds(lang, self.cache, items)
        page = min(max(page, 0), len(bounds) - 1)

        def build() -> Screen:
            text = pages.fit(
                lambda style: pages.render_treaty_page(lang, self.cache, items, bounds, page, style)
            )
            start, end = bounds[page]
            codes = [provision_code(p) for p in items[start:end]]
            share = share_query(codes) if codes else None
            markup = kb.list_keyboard(lang, self.tag, "ta", page, len(bounds), share)
            return Screen.of(text, markup)

        return self._get(("treaty", lang, page), build)

    def lang_menu(self, lang: Lang) -> Screen:
        return self._get(
            ("langmenu", lang),
            lambda: Screen.of(
                render.finish(lang, t(lang, "lang_choose")), kb.lang_keyboard(self.tag)
            ),
        )

    # --- digests ----------------------------------------------------------------------

    def digest_pages(self) -> int:
        return page_of(len(self.cache.articles), render.ARTICLES_PAGE_SIZE, 0).count

    def digest_menu(self, lang: Lang, page: int, *, unknown: bool = False) -> Screen:
        """A page of the article menu; ``unknown`` says first that a number was not found."""
        page = min(max(page, 0), self.digest_pages() - 1)

        def build() -> Screen:
            markup = (
                kb.digest_menu_keyboard(lang, self.tag, self.cache, page)
                if self.cache.articles
                else None
            )
            text = render.render_digest_menu(lang, self.cache, page)
            if unknown:
                text = render.finish(lang, t(lang, "unknown_article_menu")) + "\n\n" + text
            return Screen.of(text, markup)

        return self._get(("dmenu", lang, page, unknown), build)

    def digest(self, lang: Lang, index: int) -> Screen | None:
        """The digest of ``cache.articles[index]``; None when there is no such article."""
        if not 0 <= index < len(self.cache.articles):
            return None
        article = self.cache.articles[index]
        return self._get(
            ("digest", lang, index),
            lambda: Screen.of(
                render.render_digest(lang, self.cache, article),
                kb.back_to_digests_keyboard(
                    lang,
                    self.tag,
                    render.menu_order(self.cache).index(index) // render.ARTICLES_PAGE_SIZE,
                    digest_code(article.id),
                ),
            ),
        )

    # --- timeline ---------------------------------------------------------------------

    def timeline_start(self, lang: Lang, order: Order, year: int | None) -> Screen:
        """What /timeline opens on: the summary for a long timeline, else its first page."""
        if year is None and len(self.cache.timeline) > pages.SUMMARY_MIN_EVENTS:
            return self.timeline_summary(lang, order)
        return self.timeline(lang, 0, order, year)

    def timeline_summary(self, lang: Lang, order: Order) -> Screen:
        """Years and months with their counts, the most reported events, a button per year."""

        def build() -> Screen:
            shape = self._outline
            text = pages.fit(
                lambda style: pages.render_timeline_summary(lang, self.cache, shape, style)
            )
            markup = kb.timeline_summary_keyboard(lang, self.tag, list(shape.years), order)
            return Screen.of(text, markup)

        return self._get(("tlsum", lang, order), build)

    def timeline(self, lang: Lang, page: int, order: Order, year: int | None) -> Screen:
        if year is not None and year not in self.years:
            year = None
        events = self.events(order, year)
        paged = page_of(len(events), render.TIMELINE_PAGE_SIZE, page)
        page = paged.index

        def build() -> Screen:
            text = pages.fit(
                lambda style: (
                    render.render_timeline(
                        lang, self.cache, page, order, year, style=style, events=events
                    ).text
                )
            )
            share = share_query([event_code(e) for e in paged.of(events)])
            markup = kb.timeline_keyboard(lang, self.tag, page, paged.count, order, year, share)
            return Screen.of(text, markup)

        return self._get(("tl", lang, page, order, year), build)

    def year_menu(self, lang: Lang, order: Order) -> InlineKeyboardMarkup:
        return kb.years_keyboard(lang, self.tag, self.years, order)

    def no_such_year(self, lang: Lang, year: int, order: Order) -> Screen:
        listed = " ".join(str(y) for y in self.years) or "—"
        text = render.finish(lang, t(lang, "bad_year", year=year, years=listed))
        return Screen.of(text, self.year_menu(lang, order))

    # --- reactions --------------------------------------------------------------------

    def party_candidates(self, wanted: str) -> list[int]:
        """Indices of the parties ``wanted`` names (see :mod:`bot.telegram.party_lookup`):
        one for a whole name or alias, several when the name is ambiguous («كوريا»)."""
        wanted_parties = set(self.lookup.candidates(wanted))
        return [i for i, p in enumerate(self.parties) if p in wanted_parties]

    def party_index(self, wanted: str) -> int | None:
        """The one party ``wanted`` names; None when it names none or several."""
        found = self.party_candidates(wanted)
        return found[0] if len(found) == 1 else None

    def which_party(self, lang: Lang, wanted: str, candidates: Sequence[int]) -> Screen:
        """An ambiguous name («كوريا»): ask which party, one button each."""
        shown = render.esc(render.truncate(wanted, 40))
        text = render.finish(lang, t(lang, "which_party", party=shown))
        names = [(i, render.party_name(lang, self.cache, self.parties[i])) for i in candidates]
        return Screen.of(text, kb.party_choice_keyboard(self.tag, names))

    def no_such_party(self, lang: Lang, wanted: str) -> Screen:
        """/reactions <name> matched no party: say so, list them, offer their buttons."""
        names = sorted(
            (render.party_name(lang, self.cache, p) for p in self.parties), key=str.casefold
        )
        listed = ("، " if lang == "ar" else ", ").join(render.esc(n) for n in names) or "—"
        text = t(lang, "bad_party", party=render.esc(render.truncate(wanted, 40)), parties=listed)
        markup = kb.glance_keyboard(lang, self.tag, self.cache, self.groups)
        return Screen.of(render.finish(lang, text), markup)

    def reactions(self, lang: Lang, party: int | None, page: int) -> Screen:
        """The glance (``party`` None) or one party's people (``party`` indexes the groups:
        the sorted parties, then the party-less group)."""
        if party is None or not 0 <= party < len(self.groups):
            return self._get(
                ("rx", lang, None, 0),
                lambda: Screen.of(
                    render.finish(lang, glance.render_glance(lang, self.cache, self.groups)),
                    kb.glance_keyboard(lang, self.tag, self.cache, self.groups),
                ),
            )
        group = self.groups[party]
        pages = max(1, -(-len(group.people) // glance.PEOPLE_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)

        def build() -> Screen:
            text, _, _ = glance.render_party(lang, self.cache, group, page)
            markup = kb.party_keyboard(lang, self.tag, self.cache, party, group, page, pages)
            return Screen.of(render.finish(lang, text), markup)

        return self._get(("rx", lang, party, page), build)

    def reactions_view(self, lang: Lang, view: ReactionsView) -> Screen | None:
        """A person's statements or a stance's; None when the view names nothing here."""
        if view.mode == "p":
            if not 0 <= view.a < len(self.groups) or not 0 <= view.b < len(
                self.groups[view.a].people
            ):
                return None
            group = self.groups[view.a]
            person = group.people[view.b]
            items: Sequence[Reaction] = person.statements
            name = glance.person_name(lang, self.cache, person, group.party)
            back = (
                t(lang, "btn_back_party", party=glance.group_name(lang, self.cache, group)),
                ReactionsParty(view.a, 0),
            )
        else:
            if not 0 <= view.a < len(glance.STANCES):
                return None
            stance = glance.STANCES[view.a]
            items = [r for g in self.groups for r in g.statements if r.stance == stance]
            name = t(lang, f"stance_{stance}")
            back = (t(lang, "btn_back_parties"), ReactionsParty(None, 0))
        pages = max(1, -(-len(items) // render.REACTIONS_PAGE_SIZE))
        page = min(max(view.page, 0), pages - 1)
        view = ReactionsView(view.mode, view.a, view.b if view.mode == "p" else 0, page)

        def build() -> Screen:
            key = "person_title" if view.mode == "p" else "stance_title"
            title = t(lang, key, name=name, stance=name, page=page + 1, pages=pages)
            text, _, _ = glance.render_statements(
                lang, self.cache, title, items, page, render.REACTIONS_PAGE_SIZE
            )
            size = render.REACTIONS_PAGE_SIZE
            chunk = items[page * size : (page + 1) * size]
            share = share_query([reaction_code(r) for r in chunk])
            markup = kb.statements_keyboard(lang, self.tag, view, pages, back, share)
            return Screen.of(render.finish(lang, text), markup)

        return self._get(("rv", lang, view), build)

    # --- sources ----------------------------------------------------------------------

    def source(self, lang: Lang, ref: str, number: int) -> Screen:
        """Sentence ``number`` of article ``ref`` in its paragraph (see bot.telegram.source)."""
        article = find_article(self.cache, ref)
        text = self.cache.text(self.cache.articles[article].id) if article is not None else None

        def build() -> Screen:
            html, url = render_source(lang, self.cache, ref, number)
            return Screen.of(html, source_keyboard(lang, url))

        if article is None or text is None or text.index_of(number) is None:
            return build()  # not remembered: forged numbers must not grow the memo
        return self._get(("src", lang, article, number), build)

    # --- search (open-ended queries: a bounded LRU of recent ones, for paging) -------

    def search(self, lang: Lang, query: str, page: int = 0) -> tuple[Screen, int]:
        """A page of results for ``query`` and how many items matched.

        The query's hits are remembered under a short key (see :func:`query_key`) in a
        bounded LRU, so its paging buttons carry only the key and a page number.
        """
        words = query_words(query)
        key = query_key(words)
        known = self._queries.get(key)
        hits = known[1] if known is not None else self.index.search_all(words)
        # equal keys can be typed differently (ايران / إيران): the header shows this spelling
        self._queries[key] = (query, hits)
        self._queries.move_to_end(key)
        while len(self._queries) > RECENT_QUERIES:
            self._queries.popitem(last=False)
        screen = self.search_page(lang, key, page)
        assert screen is not None
        return screen, len(self._queries[key][1])

    def search_page(self, lang: Lang, key: str, page: int) -> Screen | None:
        """Page ``page`` of a remembered query; None when the key has been forgotten."""
        remembered = self._queries.get(key)
        if remembered is None:
            return None
        self._queries.move_to_end(key)
        query, hits = remembered
        paged = page_of(len(hits), render.SEARCH_PAGE_SIZE, page)
        page, count = paged.index, paged.count

        def build() -> Screen:
            text = pages.fit(
                lambda style: (
                    render.render_search(lang, self.cache, query, hits, page, style=style).text
                )
            )
            return Screen.of(text, kb.search_keyboard(lang, self.tag, key, page, count))

        # the spelling is part of the key: the header repeats the query as typed
        return self._get(("sr", lang, key, query, page), build)
