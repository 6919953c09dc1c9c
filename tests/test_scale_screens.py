"""A dossier of thousands of articles: every command answers with one message, lists page,
the timeline opens on a summary, search ranks, and nothing is rendered before it is asked.

The cache is synthetic and built in memory (the real build of thousands of articles takes
minutes; bench/scale.py measures that): 2,400 articles, events and provisions reported by
hundreds of them, reactions whose actors are quoted across the archive.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from botapi_emulator import BotAPIEmulator
from botapi_emulator.models import SentMessage
from test_telegram_support import sample_cache

from bot.cache.search import query_key, query_words
from bot.config import Settings
from bot.lifecycle import start_polling, stop_polling
from bot.model import (
    ABSOLUTE,
    ArticleEntry,
    Cache,
    Digest,
    Evidence,
    Reaction,
    TimelineEvent,
    TreatyArticle,
)
from bot.telegram import callbacks as cb
from bot.telegram import pages, render
from bot.telegram.app import build_application
from bot.telegram.views import Views

CHAT = 6161
ORDERS: tuple[cb.Order, ...] = ("o", "n")
LIMIT = 4096
WORDS = ("الاتفاقية", "الدفاع", "التعاون", "العسكري", "روسيا", "كوريا", "بيونغ", "يانغ", "موسكو")


def large_cache(articles: int = 2400, seed: int = 7) -> Cache:
    rng = random.Random(seed)
    pool = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + "." for _ in range(500)
    ]

    def sentence() -> str:
        return rng.choice(pool)

    entries, digests = [], []
    for n in range(articles):
        year, month, day = 2015 + n % 10, 1 + n % 12, 1 + n % 28
        entries.append(
            ArticleEntry(
                id=f"a{n:05d}",
                title=f"مقال رقم {n}: " + sentence()[:90],
                source=rng.choice(("الأول", "الثاني", None)),
                url=f"https://example.com/{n}",
                published=f"{year}-{month:02d}-{day:02d}",
                published_precision="day",
                published_reason="meta",
            )
        )
        digests.append(
            Digest(
                article_id=f"a{n:05d}",
                algorithm="textrank",
                sentence_indices=[0, 2, 5],
                sentences=[sentence(), sentence(), sentence()],
            )
        )

    def sources(k: int) -> list[Evidence]:
        picked = sorted(rng.sample(range(articles), k))
        return [Evidence(article_id=f"a{i:05d}", sentence_index=3, text=sentence()) for i in picked]

    timeline = [
        TimelineEvent(
            date=f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            granularity="day",
            text=f"حدث {i}: " + sentence() * rng.randint(1, 4),
            resolution=ABSOLUTE,
            sources=sources(300 if i % 50 == 0 else rng.randint(1, 3)),
        )
        for i in range(articles * 5 // 8)
    ]
    treaty = [
        TreatyArticle(number=i, title=f"بند {i}", text=sentence() * 6, sources=sources(200))
        for i in range(1, 41)
    ]
    reactions = [
        Reaction(
            actor=f"متحدث {i}",
            actor_key=f"spk{i}",
            role="وزير الخارجية",
            party=rng.choice(("روسيا", "الصين", "اليابان")),
            stance="neutral",
            quote=sentence() * 2,
            kind="quote",
            sources=sources(150 if i % 40 == 0 else 1),
        )
        for i in range(articles // 4)
    ]
    return Cache(
        source_digest="sha256:large",
        digest_algorithm="textrank",
        articles=entries,
        digests=digests,
        timeline=timeline,
        treaty_articles=treaty,
        reactions=reactions,
    )


@pytest.fixture(scope="module")
def big() -> Cache:
    return large_cache()


def units(message: SentMessage) -> int:
    return len(message.text.encode("utf-16-le")) // 2


async def one_reply(emu: BotAPIEmulator, text: str) -> SentMessage:
    """Send ``text``; exactly one message must come back, within Telegram's limit."""
    emu.user_sends(CHAT, text)
    (first,) = await emu.wait_for_bot_messages(CHAT, 1, timeout=30)
    await emu.wait_until_quiet(idle=0.3)
    assert emu.messages(CHAT)[-1].message_id == first.message_id, f"{text}: more than one"
    assert units(first) <= LIMIT
    return first


async def press(emu: BotAPIEmulator, message: SentMessage, label: str) -> SentMessage:
    emu.press_button(CHAT, message.message_id, label)
    await emu.wait_for_call("editMessageText", timeout=30, chat_id=CHAT)
    edited = emu.message(CHAT, message.message_id)
    assert units(edited) <= LIMIT
    return edited


def labels(message: SentMessage) -> list[str]:
    return [b.text for b in message.buttons]


async def test_every_command_is_one_message_on_a_large_dossier(
    emulator: BotAPIEmulator, tmp_path: Path, big: Cache
) -> None:
    settings = Settings(DIGESTBOT_DATA_DIR=tmp_path, DIGESTBOT_CACHE=tmp_path / "none.json")
    app = build_application(settings, big, token=emulator.token, base_url=emulator.base_url)
    await start_polling(app, poll_timeout=5)
    try:
        for command in ("/reactions", "/digest", "/search الاتفاقية الدفاع", "/about"):
            await one_reply(emulator, command)

        summary = await one_reply(emulator, "/timeline")
        assert "1500" in summary.text and "2015" in summary.text and "2024" in summary.text
        assert labels(summary)[:2] == ["2015", "2016"] and labels(summary)[-1] == "كل الأحداث ›"
        year = await press(emulator, summary, "2019")
        assert "سنة 2019" in year.text and "التالي ›" in labels(year)

        sources = await one_reply(emulator, "/sources")
        assert "2400" in sources.text and "1/160" in sources.text
        assert labels(sources) == ["التالي ›"]
        second = await press(emulator, sources, "التالي ›")
        assert "2/160" in second.text and labels(second) == ["‹ السابق", "التالي ›"]

        treaty = await one_reply(emulator, "/treaty_articles")
        assert "المادة 1" in treaty.text and "+" in treaty.text  # 200 sources: three cited
        before = [int(n) for n in re.findall(r"المادة (\d+)", treaty.text)]
        nxt = await press(emulator, treaty, "التالي ›")
        after = [int(n) for n in re.findall(r"المادة (\d+)", nxt.text)]
        assert after and min(after) > max(before)
    finally:
        await stop_polling(app)
    failed = [c.method for c in emulator.calls if not c.ok and c.method != "getUpdates"]
    assert failed == []


def test_nothing_is_rendered_before_it_is_asked_for(big: Cache) -> None:
    views = Views(big)
    views.warm()
    assert len(views._memo) == 4
    assert {"years", "_outline", "_sources"}.isdisjoint(vars(views)) and views._index is None
    views.index_in_background()
    assert views._indexer is not None
    views._indexer.join()
    assert views.index is views._index and views.search("ar", "الدفاع")[1] > 0


def test_every_screen_of_a_large_dossier_fits_one_message(big: Cache) -> None:
    views = Views(big)
    screens = [views.timeline_start(lang, "o", None) for lang in ("ar", "en")]
    screens += [
        views.timeline("ar", p, o, y) for p in (0, 7, 999) for o in ORDERS for y in (None, 2020)
    ]
    screens += [views.sources("en", p) for p in (0, 80, 159)]
    screens += [views.treaty("ar", p) for p in range(12)]
    screens += [views.reactions("ar", party, p) for party in (None, 0, 1) for p in (0, 3, 99)]
    screens += [views.search("ar", w)[0] for w in ("الاتفاقية", "روس", "موسكو الدفاع")]
    for screen in screens:
        assert len(screen.parts) == 1
        assert pages.shown_length(screen.parts[0]) <= LIMIT


def test_treaty_pages_keep_full_texts_and_cover_every_provision(big: Cache) -> None:
    views = Views(big)
    seen: list[int] = []
    page = 0
    while True:
        text = render.finish("ar", views.treaty("ar", page).parts[0])
        seen += [int(n) for n in re.findall(r"المادة (\d+)", text)]
        if views.treaty("ar", page + 1) is views.treaty("ar", page):
            break
        page += 1
    assert sorted(set(seen)) == list(range(1, 41))
    first = big.treaty_articles[0]
    assert render.esc(first.text) in views.treaty("ar", 0).parts[0]  # not shortened


def test_citations_are_capped_per_item_and_counted() -> None:
    cache = sample_cache()
    sources = [Evidence(article_id=a.id, sentence_index=0, text="x") for a in cache.articles]
    capped, full = render.Citations(cache, "ar", per_item=2), render.Citations(cache, "ar")
    assert capped.cite(sources) == " ¹ +1" and full.cite(sources) == " ¹"
    titles = [render.esc(render.truncate(a.title, 80)) for a in cache.articles]
    assert [title in capped.footer() for title in titles] == [True, True, False]
    assert all(title in full.footer() for title in titles)


def test_fit_takes_the_first_style_that_fits_and_cuts_as_a_last_resort() -> None:
    tried: list[render.Style] = []

    def grow(style: render.Style) -> str:
        tried.append(style)
        return "x" * (5000 if style.per_item is None else 100)

    assert pages.fit(grow) == "x" * 100 and len(tried) == 2
    assert pages.shown_length(pages.fit(lambda style: "جملة. " * 2000)) <= LIMIT


def test_timeline_outline_counts_years_months_and_ranks_by_reports(big: Cache) -> None:
    shape = pages.outline(big.timeline)
    assert shape.total == 1500 and sum(shape.years.values()) == 1500
    assert sum(shape.months[2015].values()) == shape.years[2015]
    reports = [len({e.article_id for e in ev.sources}) for ev in shape.biggest]
    assert reports == sorted(reports, reverse=True) and reports[0] == 300


def test_small_timelines_still_open_on_their_first_page() -> None:
    views = Views(sample_cache(n_events=30))
    assert views.timeline_start("ar", "o", None) is views.timeline("ar", 0, "o", None)


def test_list_page_buttons_round_trip_and_reject_unknown_lists() -> None:
    data = cb.encode(cb.ListPage("so", 12), "abc123")
    assert cb.decode(data, "abc123") == cb.ListPage("so", 12)
    assert cb.decode(cb.encode(cb.ListPage("ta", 0), "abc123"), "abc123") == cb.ListPage("ta", 0)
    with pytest.raises(cb.Forged):
        cb.decode("1:abc123:pg:zz:1", "abc123")


def test_search_on_a_large_dossier_pages_its_hits_one_message_each(big: Cache) -> None:
    views = Views(big)
    first, total = views.search("ar", "الدفاع")
    assert total > 2 * render.SEARCH_PAGE_SIZE and len(first.parts) == 1
    key = query_key(query_words("الدفاع"))
    second = views.search_page("ar", key, 1)
    assert second is not None and len(second.parts) == 1
    assert second.parts[0] != first.parts[0]
    assert pages.shown_length(second.parts[0]) <= LIMIT


def test_reactions_first_screen_lists_what_fits_and_says_how_many_more() -> None:
    """Dozens of parties (a large dossier) still make one first screen: the parties that
    fit, their buttons, and a line naming how many more can be asked for by name."""
    base = sample_cache()
    template = base.reactions[0]
    reactions = [
        template.model_copy(
            update={
                "actor": f"المتحدث الرسمي رقم {i} باسم وزارة الخارجية",
                "actor_key": f"spk{i}",
                "party": f"جمهورية الطرف رقم {i} الاتحادية",
            }
        )
        for i in range(90)
    ]
    views = Views(base.model_copy(update={"reactions": reactions}))
    screen = views.reactions("ar", None, 0)
    assert len(screen.parts) == 1 and pages.shown_length(screen.parts[0]) <= LIMIT
    listed = screen.parts[0].count("• ")
    assert 0 < listed < 90 and f"{90 - listed} طرفًا آخر" in screen.parts[0]
    assert screen.markup is not None
    party_buttons = [b for row in screen.markup.inline_keyboard for b in row if "الطرف" in b.text]
    assert len(party_buttons) == listed
