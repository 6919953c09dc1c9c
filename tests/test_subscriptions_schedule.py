"""Preferences parsing and slot arithmetic: time zones, offsets, DST, missed slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.subscriptions.schedule import (
    InvalidPreference,
    Preferences,
    next_slot_after,
    normalise_zone,
    parse_time,
)
from bot.telegram.subscribe import BadInput, parse_args


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8", (8, 0)), ("08:30", (8, 30)), ("7.05", (7, 5)), ("٠٧:٤٥", (7, 45)), ("23:59", (23, 59))],
)
def test_parse_time(text: str, expected: tuple[int, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "12:60", "noon", "", "8:5x"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(InvalidPreference):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asia/Riyadh", "Asia/Riyadh"),
        ("asia/riyadh", "Asia/Riyadh"),
        ("America/New York", "America/New_York"),
        ("+03:00", "UTC+03:00"),
        ("+3", "UTC+03:00"),
        ("UTC-05:30", "UTC-05:30"),
        ("gmt+0530", "UTC+05:30"),
        ("utc", "UTC"),
    ],
)
def test_normalise_zone(text: str, expected: str) -> None:
    assert normalise_zone(text) == expected


@pytest.mark.parametrize("text", ["Mars/Olympus", "+15:00", "+03:75", "../../etc/passwd", ""])
def test_normalise_zone_rejects(text: str) -> None:
    with pytest.raises(InvalidPreference):
        normalise_zone(text)


def test_fixed_offset_slot() -> None:
    prefs = Preferences(hour=9, minute=15, tz="UTC+03:00")
    now = datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
    assert next_slot_after(prefs, now) == datetime(2026, 1, 2, 6, 15, tzinfo=UTC)


def test_twice_daily_and_weekly() -> None:
    now = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)  # a Thursday
    twice = Preferences(hour=8, tz="UTC", frequency="twice")
    assert next_slot_after(twice, now) == datetime(2026, 1, 1, 20, 0, tzinfo=UTC)
    weekly = Preferences(hour=8, tz="UTC", frequency="weekly", weekday=0)
    assert next_slot_after(weekly, now) == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def test_autumn_dst_ambiguous_time_served_once() -> None:
    # 25 Oct 2026, Berlin: 02:30 happens twice; served once, at the first occurrence
    prefs = Preferences(hour=2, minute=30, tz="Europe/Berlin")
    first = next_slot_after(prefs, datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    after = next_slot_after(prefs, first)
    assert after.astimezone(ZoneInfo("Europe/Berlin")).date().day == 26


def test_parse_args_any_order_and_errors() -> None:
    base = Preferences()
    prefs = parse_args(["weekly", "Africa/Cairo", "07:30"], base)
    assert (prefs.frequency, prefs.tz, prefs.time_label) == ("weekly", "Africa/Cairo", "07:30")
    assert parse_args(["+03:00", "مرتين"], base).frequency == "twice"
    for bad, key in (
        ("25:99", "sub_bad_time"),
        ("Mars/Olympus", "sub_bad_tz"),
        ("soon", "sub_bad_args"),
    ):
        with pytest.raises(BadInput) as info:
            parse_args([bad], base)
        assert info.value.key == key


@settings(max_examples=200, deadline=None)
@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    tz=st.sampled_from(
        ["Europe/Berlin", "America/New_York", "Asia/Riyadh", "Australia/Lord_Howe", "UTC+05:45"]
    ),
    frequency=st.sampled_from(["daily", "twice", "weekly"]),
    weekday=st.integers(0, 6),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
)
def test_slots_strictly_increase_and_keep_wall_clock(
    hour: int, minute: int, tz: str, frequency: str, weekday: int, start: datetime
) -> None:
    prefs = Preferences(hour=hour, minute=minute, tz=tz, frequency=frequency, weekday=weekday)  # type: ignore[arg-type]
    now = start.replace(tzinfo=UTC)
    slot = next_slot_after(prefs, now)
    limit = {"daily": 1, "twice": 0.5, "weekly": 7}[frequency]
    assert now < slot <= now + timedelta(days=limit, hours=2)
    again = next_slot_after(prefs, slot)
    assert again > slot
