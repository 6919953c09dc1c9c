"""The timeline picture: the row plan, Arabic shaping, the PNG's geometry, and the
«🖼 صورة» button end to end through the emulator (sendPhoto, caption, file_id reuse)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from PIL import Image
from telegram.ext import Application
from test_telegram_support import REAL_CACHE, ev, sample_cache

from bot.cache.store import load_cache
from bot.config import Settings
from bot.lifecycle import start_polling, stop_polling
from bot.model import ABSOLUTE, Cache, TimelineEvent
from bot.picture.draw import Picture
from bot.picture.layout import DEFAULT_BUDGET, MAX_HEIGHT_PX, height, plan_rows
from bot.picture.shaping import is_presentation_form, unshaped_letters, visual
from bot.telegram import render
from bot.telegram.app import build_application
from bot.telegram.i18n import t
from bot.telegram.timeline_picture import TimelinePictures, caption, render_picture

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 5151


def _event(day: str, gran: str, text: str, n_sources: int = 1) -> TimelineEvent:
    return TimelineEvent(
        date=day,
        granularity=gran,
        text=text,
        resolution=ABSOLUTE,
        sources=[ev(f"{i:03d}_x", i, "جملة") for i in range(n_sources)],
    )


def cache_with(events: list[TimelineEvent]) -> Cache:
    return sample_cache().model_copy(update={"timeline": events})


def many_events(n: int) -> list[TimelineEvent]:
    """``n`` events: a sparse past (one a year) and a dense present (many a month)."""
    out = []
    for i in range(n):
        if i % 10 == 0:
            day = f"{1950 + i // 10}"
            out.append(_event(day, "year", f"حدث قديم رقم {i} وقعت فيه معاهدة الصداقة"))
        else:
            month = 1 + (i % 12)
            out.append(
                _event(
                    f"2024-{month:02d}-{1 + i % 28:02d}",
                    "day",
                    f"أعلن الكرملين في البيان رقم {i} أن الاتفاقية دخلت حيز التنفيذ بعد المصادقة",
                    1 + i % 5,
                )
            )
    return out


# --- shaping ------------------------------------------------------------------------


def test_visual_joins_letters_and_keeps_latin_untouched() -> None:
    shown = visual("وقع بوتين الاتفاقية")
    assert unshaped_letters(shown) == []
    assert sum(is_presentation_form(c) for c in shown) >= 15
    assert "ﻻ" in visual("لا") or "ﻼ" in visual("الا")  # lam-alef becomes a ligature
    assert visual("NATO 2024") == "NATO 2024"
    # reordered for a renderer without bidi: the last letter comes first
    assert visual("بوتين", reorder=True)[0] == visual("بوتين", reorder=False)[-1]


# --- layout ---------------------------------------------------------------------------


def test_plan_one_event() -> None:
    rows = plan_rows([_event("2024-06-19", "day", "وقع")], render.chronological)
    assert [r.kind for r in rows] == ["year", "event"]


def test_plan_folds_empty_years_and_keeps_everything_when_it_fits() -> None:
    events = [_event("1950", "year", "أ"), _event("1961", "year", "ب"), _event("1962", "year", "ج")]
    rows = plan_rows(events, render.chronological)
    assert [r.kind for r in rows] == ["year", "event", "gap", "year", "event", "year", "event"]
    gap = rows[2]
    assert gap.span == (1951, 1960)


def test_plan_for_300_events_fits_the_budget_and_keeps_every_event() -> None:
    events = many_events(300)
    rows = plan_rows(events, render.chronological)
    assert height(rows) <= DEFAULT_BUDGET
    shown = [e for r in rows for e in r.events]
    assert len(shown) == 300 and len(set(map(id, shown))) == 300  # every event, once
    # chronological from top to bottom
    keys = [render.chronological(r.events[0]) for r in rows if r.events]
    assert keys == sorted(keys)
    # the sparse past folds into fewer rows per event than the dense present
    past = [r for r in rows if r.events and r.year < 2024]
    present = [r for r in rows if r.events and r.year == 2024]
    assert len(present) > len(past)


def test_sparse_years_fold_before_a_dense_month() -> None:
    old = [_event(str(1950 + 5 * i), "year", f"قديم {i}") for i in range(10)]
    dense = [_event(f"2024-06-{d:02d}", "day", f"يونيو {d}") for d in range(1, 11)]
    rows = plan_rows(old + dense, render.chronological, budget=12.0)
    assert height(rows) <= 12.0
    june = [r for r in rows if r.events and r.events[0].date.startswith("2024-06")]
    assert all(r.kind == "event" for r in june)  # the busy month stays opened up
    assert any(r.kind == "summary" and r.year < 2000 for r in rows)


# --- the picture ----------------------------------------------------------------------


def _check_picture(picture: Picture) -> None:
    image = Image.open(io.BytesIO(picture.png))
    assert image.format == "PNG"
    assert image.size == (picture.width, picture.height) == (1080, picture.height)
    assert 300 <= picture.height <= MAX_HEIGHT_PX  # Telegram keeps it at full size
    # non-trivial: a good share of the picture is ink, in several colours
    grey = image.convert("L")
    histogram = grey.histogram()
    inked = sum(histogram[:200]) / (image.size[0] * image.size[1])
    assert inked > 0.01
    assert len(image.convert("RGB").getcolors(1 << 20) or []) > 20
    # every Arabic label is shaped: joined forms, no letter left in its isolated base form
    for label in picture.labels:
        assert unshaped_letters(label) == [], label
    shaped = [label for label in picture.labels if any(is_presentation_form(c) for c in label)]
    assert shaped  # at least the event texts, which are Arabic in both languages
    # no two labels overlap, and all are inside the picture
    boxes = [b for b, label in zip(picture.boxes, picture.labels, strict=True) if label.strip()]
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 <= x1 <= picture.width and 0 <= y0 <= y1 <= picture.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 0 or overlap_y <= 0, (a, b)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_picture_of_one_event(lang: str) -> None:
    cache = cache_with([_event("2024-06-19", "day", "وقع بوتين وكيم اتفاقية الشراكة", 3)])
    picture = render_picture(cache, lang)  # type: ignore[arg-type]
    assert picture is not None
    _check_picture(picture)
    assert picture.height < 800  # one event: a short picture, not a tall empty one


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_picture_of_300_events(lang: str) -> None:
    picture = render_picture(cache_with(many_events(300)), lang)  # type: ignore[arg-type]
    assert picture is not None
    _check_picture(picture)
    assert picture.height > 1500  # the room is used


def test_picture_of_the_seeds_cache_and_the_committed_example() -> None:
    cache = load_cache(REAL_CACHE)
    picture = render_picture(cache, "ar")
    assert picture is not None
    _check_picture(picture)
    example = Path(__file__).resolve().parent.parent / "docs" / "timeline-example.png"
    assert Image.open(example).size == (picture.width, picture.height)


def test_no_dated_events_no_picture() -> None:
    assert render_picture(cache_with([]), "ar") is None


def test_caption_fits_telegram() -> None:
    for lang in ("ar", "en"):
        text = caption(sample_cache(), lang)
        assert len(text) <= 1024


async def test_pictures_drawn_once_and_kept_on_disk(tmp_path: Path) -> None:
    cache = sample_cache()
    first = TimelinePictures(cache, folder=tmp_path)
    a, b = await first.png("ar"), await first.png("ar")
    assert a is b and a is not None and first.drawn == 1
    assert first.path("ar") is not None and first.path("ar").is_file()  # type: ignore[union-attr]
    again = TimelinePictures(cache, folder=tmp_path)  # a restart with the same cache
    assert await again.png("ar") == a and again.drawn == 0
    other = TimelinePictures(cache_with(many_events(3)), folder=tmp_path)
    assert other.key != first.key  # another cache version draws its own


# --- end to end -----------------------------------------------------------------------


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(DIGESTBOT_DATA_DIR=tmp_path, DIGESTBOT_CACHE=tmp_path / "none.json")
    app = build_application(
        settings, sample_cache(), token=emulator.token, base_url=emulator.base_url
    )
    await start_polling(app, poll_timeout=5)
    yield app
    await stop_polling(app)


async def test_picture_button_sends_a_photo_then_reuses_its_file_id(
    emulator: BotAPIEmulator, bot: App
) -> None:
    emulator.user_sends(CHAT, "/timeline")
    (listing,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert t("ar", "btn_picture") in [b.text for b in listing.buttons]
    emulator.press_button(CHAT, listing.message_id, t("ar", "btn_picture"))
    (photo,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=30)
    assert photo.photo is not None and photo.text.startswith("\u200f🖼 الخط الزمني")
    assert any(e.type == "bold" for e in photo.entities)
    file_id = photo.photo[-1]["file_id"]
    png = emulator.photo_bytes(file_id)
    assert Image.open(io.BytesIO(png)).size[0] == 1080
    upload = emulator.calls_of("sendPhoto")[-1]
    assert not isinstance(upload.params["photo"], str)  # the bytes went up once
    # second request: by file_id, nothing drawn or uploaded again
    emulator.press_button(CHAT, listing.message_id, t("ar", "btn_picture"))
    (again,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert again.photo is not None and again.photo[-1]["file_id"] == file_id
    assert emulator.calls_of("sendPhoto")[-1].params["photo"] == file_id
    assert bot.bot_data.pictures is not None and bot.bot_data.pictures.drawn == 1
    assert all(c.ok for c in emulator.calls_of("sendPhoto"))


async def test_picture_in_english_for_english_readers(emulator: BotAPIEmulator, bot: App) -> None:
    emulator.user_sends(CHAT, "/lang en")
    await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    emulator.user_sends(CHAT, "/timeline")
    (listing,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    emulator.press_button(CHAT, listing.message_id, t("en", "btn_picture"))
    (photo,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=30)
    assert photo.text.startswith("🖼 Timeline:")
    assert await emulator.wait_until_quiet()
    pictures = bot.bot_data.pictures
    assert pictures is not None
    assert pictures.file_id("en") is not None and pictures.file_id("ar") is None
