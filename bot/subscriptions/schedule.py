"""Delivery preferences and the time-zone arithmetic behind "when is this subscriber due".

A subscriber is due when ``next_due_at`` (UTC, stored) is in the past. After a slot is
served, :func:`next_slot_after` gives the first slot strictly after *now*, so any number of
slots missed while the bot was down collapse into one delivery. Slots are wall-clock times
in the subscriber's zone (zoneinfo + tzdata), so 08:00 stays 08:00 across DST changes; a
time that does not exist on a spring-forward day is served at the shifted instant
(zoneinfo's ``fold=0`` rule), and an ambiguous autumn time is served once, at its first
occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.arabic.normalize import ascii_digits
from bot.subscriptions.cities import zone_for_city

Frequency = Literal["daily", "twice", "weekly", "each"]
#: what a reader can choose; "each" is a channel's: every digest as soon as it is queued
FREQUENCIES: Final[tuple[Frequency, ...]] = ("daily", "twice", "weekly")
CHANNEL_FREQUENCY: Final[Frequency] = "each"
_ALL: Final = (*FREQUENCIES, CHANNEL_FREQUENCY)

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*$")
_OFFSET = re.compile(r"^\s*(?:UTC|GMT)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)


class InvalidPreference(ValueError):
    """A time of day, time zone or frequency that cannot be used; nothing is changed."""


@dataclass(frozen=True)
class Preferences:
    """When a subscriber wants digests: local time, zone key, frequency, weekday (Mon=0)."""

    hour: int = 8
    minute: int = 0
    tz: str = "Asia/Riyadh"
    frequency: Frequency = "daily"
    weekday: int = 4

    def with_(self, **changes: object) -> Preferences:
        """A copy with ``changes`` applied and validated."""
        new = replace(self, **changes)  # type: ignore[arg-type]
        new.validate()
        return new

    def validate(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise InvalidPreference(f"time out of range: {self.hour}:{self.minute:02d}")
        if self.frequency not in _ALL:
            raise InvalidPreference(f"unknown frequency {self.frequency!r}")
        if not 0 <= self.weekday <= 6:
            raise InvalidPreference(f"weekday out of range: {self.weekday}")
        zone_of(self.tz)

    @property
    def time_label(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def parse_time(text: str) -> tuple[int, int]:
    """``"8"``, ``"08:30"``, ``"8.30"``, Arabic-Indic digits → (hour, minute); else raise."""
    digits = ascii_digits(text)
    m = _TIME.match(digits)
    if not m:
        raise InvalidPreference(f"not a time of day: {text!r}")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InvalidPreference(f"not a time of day: {text!r}")
    return hour, minute


def normalise_zone(text: str) -> str:
    """An IANA name (``"asia/riyadh"`` → ``"Asia/Riyadh"``), a city in Arabic or English
    (``"القاهرة"``, ``"cairo"`` → ``"Africa/Cairo"``) or ``"+03:00"`` → ``"UTC+03:00"``."""
    raw = text.strip()
    m = _OFFSET.match(raw)
    if m:
        sign = "-" if m.group(1) in "-−" else "+"
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59 or (hours == 14 and minutes):
            raise InvalidPreference(f"offset out of range: {text!r}")
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    if raw.upper() in {"UTC", "GMT", "Z"}:
        return "UTC"
    key = _ZONES_BY_LOWER.get(raw.lower().replace(" ", "_")) or zone_for_city(raw)
    if key is None:
        raise InvalidPreference(f"unknown time zone: {text!r}")
    return key


def zone_of(key: str) -> tzinfo:
    """The tzinfo for a stored zone key (IANA name or ``UTC±HH:MM``)."""
    if key.startswith("UTC") and len(key) == 9:
        sign = -1 if key[3] == "-" else 1
        return timezone(sign * timedelta(hours=int(key[4:6]), minutes=int(key[7:9])))
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidPreference(f"unknown time zone: {key!r}") from exc


def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


_ZONES_BY_LOWER: Final = _zones()


def _slot_times(prefs: Preferences) -> list[time]:
    first = time(prefs.hour, prefs.minute)
    if prefs.frequency == "twice":
        second = time((prefs.hour + 12) % 24, prefs.minute)
        return sorted([first, second])
    return [first]


def next_slot_after(prefs: Preferences, now: datetime) -> datetime:
    """The first delivery slot strictly after ``now`` (aware), as an aware UTC datetime."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if prefs.frequency == CHANNEL_FREQUENCY:
        return now.astimezone(UTC)  # due at every tick: the next digest as soon as it is queued
    zone = zone_of(prefs.tz)
    local_day: date = now.astimezone(zone).date() - timedelta(days=1)
    for offset in range(0, 10):
        day = local_day + timedelta(days=offset)
        if prefs.frequency == "weekly" and day.weekday() != prefs.weekday:
            continue
        for slot in _slot_times(prefs):
            candidate = datetime.combine(day, slot, tzinfo=zone).astimezone(UTC)
            if candidate > now:
                return candidate
    raise AssertionError("no slot within ten days")  # pragma: no cover - weekly ≤ 7 days


def frequency_of(value: str) -> Frequency:
    """Validate a frequency read from a button or the database."""
    if value not in _ALL:
        raise InvalidPreference(f"unknown frequency {value!r}")
    return value
