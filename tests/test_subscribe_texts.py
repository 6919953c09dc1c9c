"""The subscription replies' wording: plural forms, dates in words, isolated time zones,
both slots of "twice a day", and the reply to /subscribe from a current subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import Subscriber
from bot.telegram import render
from bot.telegram.subscribe import (
    LRI,
    PDI,
    already_keyboard,
    already_subscribed_text,
    digests_count,
    isolate_ltr,
    queue_line,
    schedule_label,
    summary,
    times_label,
    when_label,
)

CAIRO = f"{LRI}Africa/Cairo{PDI}"


def n(value: int) -> str:
    """A number as the Arabic UI writes counters (one digit rule, owned by render)."""
    return render.counter("ar", value)


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "موجز واحد"),
        (2, "موجزان"),
        (3, f"{n(3)} موجزات"),
        (5, f"{n(5)} موجزات"),
        (10, f"{n(10)} موجزات"),
        (11, f"{n(11)} موجزًا"),
        (25, f"{n(25)} موجزًا"),
        (99, f"{n(99)} موجزًا"),
        (100, f"{n(100)} موجز"),
        (102, f"{n(102)} موجز"),
        (105, f"{n(105)} موجزات"),
        (111, f"{n(111)} موجزًا"),
    ],
)
def test_arabic_plural_forms(count: int, words: str) -> None:
    assert digests_count("ar", count) == words


@pytest.mark.parametrize(("count", "words"), [(1, "1 digest"), (2, "2 digests"), (0, "0 digests")])
def test_english_plural_forms(count: int, words: str) -> None:
    assert digests_count("en", count) == words


def test_queue_line_in_both_languages_and_when_empty() -> None:
    assert queue_line("ar", 5) == f"📚 في قائمتك {n(5)} موجزات."
    assert queue_line("ar", 1) == "📚 في قائمتك موجز واحد."
    assert queue_line("en", 1) == "📚 In your queue: 1 digest."
    assert queue_line("en", 7) == "📚 In your queue: 7 digests."
    assert queue_line("ar", 0) == "📚 قائمتك فارغة الآن؛ سيصلك الجديد في موعده."
    assert "0 digests" not in queue_line("en", 0)


def test_next_delivery_in_words_with_the_zone_isolated() -> None:
    due = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 00:00 on Tuesday in Cairo (UTC+2)
    assert when_label("ar", due, "Africa/Cairo") == (
        f"الثلاثاء 24 نوفمبر 2026، الساعة 00:00 بتوقيت {CAIRO}"
    )
    assert when_label("en", due, "Africa/Cairo") == "Tuesday 24 November 2026, 00:00 (Africa/Cairo)"
    assert "2026-11-24" not in when_label("ar", due, "Africa/Cairo")


def test_offset_zones_are_isolated_in_arabic_only() -> None:
    due = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert when_label("ar", due, "UTC+03:00").endswith(f"بتوقيت {LRI}UTC+03:00{PDI}")
    assert isolate_ltr("en", "UTC+03:00") == "UTC+03:00"


def test_twice_a_day_names_both_slots() -> None:
    prefs = Preferences(hour=12, minute=0, tz="Africa/Cairo", frequency="twice")
    assert times_label("ar", prefs) == "12:00 و00:00"
    assert times_label("en", prefs) == "12:00 and 00:00"
    assert schedule_label("ar", prefs) == f"مرتين يوميًا الساعة 12:00 و00:00 بتوقيت {CAIRO}"
    assert schedule_label("en", prefs) == "twice a day at 12:00 and 00:00 (Africa/Cairo)"
    evening = Preferences(hour=21, minute=30, tz="UTC", frequency="twice")
    assert times_label("en", evening) == "21:30 and 09:30"
    daily = Preferences(hour=7, minute=30, tz="Asia/Riyadh", frequency="daily")
    assert times_label("ar", daily) == "07:30"
    assert summary("ar", prefs) == (
        f"⏰ الوقت: 12:00 و00:00\n🔁 التكرار: مرتين يوميًا\n🌍 المنطقة الزمنية: {CAIRO}"
    )


def _subscriber(prefs: Preferences, due: datetime) -> Subscriber:
    return Subscriber(
        chat_id=1,
        lang="ar",
        prefs=prefs,
        active=True,
        inactive_reason=None,
        next_due_at=due,
        created_at=due,
    )


def test_already_subscribed_shows_the_settings_and_where_to_change_them() -> None:
    prefs = Preferences(hour=12, minute=0, tz="Africa/Cairo", frequency="twice")
    sub = _subscriber(prefs, datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    text = already_subscribed_text("ar", sub, 5)
    assert text.startswith("ℹ️ <b>أنت مشترك بالفعل</b>\n\n⏰ الوقت: 12:00 و00:00\n")
    assert f"📬 الموجز التالي: الثلاثاء 24 نوفمبر 2026، الساعة 00:00 بتوقيت {CAIRO}" in text
    assert f"📚 في قائمتك {n(5)} موجزات." in text
    assert "/settings" in text and "/unsubscribe" in text
    english = already_subscribed_text("en", sub, 1)
    assert "You are already subscribed" in english
    assert "📬 Next digest: Tuesday 24 November 2026, 00:00 (Africa/Cairo)" in english
    assert "📚 In your queue: 1 digest." in english
    buttons = [b for row in already_keyboard("ar").inline_keyboard for b in row]
    assert [b.callback_data for b in buttons] == ["sub:settings", "sub:unsub"]
    assert [b.text for b in buttons] == ["⚙️ الإعدادات", "🔕 إلغاء الاشتراك"]
