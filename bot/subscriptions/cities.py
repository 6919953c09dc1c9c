"""Time zones typed as a city, in Arabic or English («القاهرة», «cairo», «New York»).

English: any city that names an IANA zone (the part after the last "/", as in
``Africa/Cairo`` → "cairo", ``America/New_York`` → "new york"). Arabic: the capitals and
large cities of the Arab world and the cities readers most often live in, in the usual
spellings; matching folds hamza, ta marbuta and a leading «ال». A city that is not a
zone's own name (Jeddah, Alexandria, Mecca) maps to its country's zone.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from bot.arabic.normalize import normalize

#: city (Arabic or English, as typed) → IANA zone
_CITIES: dict[str, str] = {
    "القاهرة": "Africa/Cairo",
    "الإسكندرية": "Africa/Cairo",
    "الجيزة": "Africa/Cairo",
    "الرياض": "Asia/Riyadh",
    "جدة": "Asia/Riyadh",
    "مكة": "Asia/Riyadh",
    "مكة المكرمة": "Asia/Riyadh",
    "المدينة المنورة": "Asia/Riyadh",
    "الدمام": "Asia/Riyadh",
    "دبي": "Asia/Dubai",
    "أبوظبي": "Asia/Dubai",
    "أبو ظبي": "Asia/Dubai",
    "الشارقة": "Asia/Dubai",
    "الدوحة": "Asia/Qatar",
    "الكويت": "Asia/Kuwait",
    "المنامة": "Asia/Bahrain",
    "مسقط": "Asia/Muscat",
    "عمان": "Asia/Amman",
    "عمّان": "Asia/Amman",
    "بيروت": "Asia/Beirut",
    "دمشق": "Asia/Damascus",
    "حلب": "Asia/Damascus",
    "بغداد": "Asia/Baghdad",
    "البصرة": "Asia/Baghdad",
    "أربيل": "Asia/Baghdad",
    "القدس": "Asia/Jerusalem",
    "غزة": "Asia/Gaza",
    "رام الله": "Asia/Hebron",
    "الخليل": "Asia/Hebron",
    "صنعاء": "Asia/Aden",
    "عدن": "Asia/Aden",
    "الخرطوم": "Africa/Khartoum",
    "طرابلس": "Africa/Tripoli",
    "بنغازي": "Africa/Tripoli",
    "تونس": "Africa/Tunis",
    "الجزائر": "Africa/Algiers",
    "وهران": "Africa/Algiers",
    "الرباط": "Africa/Casablanca",
    "الدار البيضاء": "Africa/Casablanca",
    "مراكش": "Africa/Casablanca",
    "نواكشوط": "Africa/Nouakchott",
    "مقديشو": "Africa/Mogadishu",
    "جيبوتي": "Africa/Djibouti",
    "إسطنبول": "Europe/Istanbul",
    "أنقرة": "Europe/Istanbul",
    "طهران": "Asia/Tehran",
    "لندن": "Europe/London",
    "باريس": "Europe/Paris",
    "برلين": "Europe/Berlin",
    "موسكو": "Europe/Moscow",
    "كييف": "Europe/Kyiv",
    "واشنطن": "America/New_York",
    "نيويورك": "America/New_York",
    "تورنتو": "America/Toronto",
    "بكين": "Asia/Shanghai",
    "طوكيو": "Asia/Tokyo",
    "سيول": "Asia/Seoul",
    "سول": "Asia/Seoul",
    "بيونغ يانغ": "Asia/Pyongyang",
    "بيونج يانج": "Asia/Pyongyang",
    # English names that are not a zone's own city
    "alexandria": "Africa/Cairo",
    "jeddah": "Asia/Riyadh",
    "mecca": "Asia/Riyadh",
    "medina": "Asia/Riyadh",
    "abu dhabi": "Asia/Dubai",
    "sharjah": "Asia/Dubai",
    "doha": "Asia/Qatar",
    "manama": "Asia/Bahrain",
    "sanaa": "Asia/Aden",
    "rabat": "Africa/Casablanca",
    "washington": "America/New_York",
    "beijing": "Asia/Shanghai",
    "kiev": "Europe/Kyiv",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
}


def _key(text: str) -> str:
    words = normalize(text).replace("_", " ").replace("-", " ").split()
    words = [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words]
    return " ".join(words)


@cache
def _index() -> dict[str, str]:
    zones = available_timezones()
    index: dict[str, str] = {}
    for zone in sorted(zones):
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            index.setdefault(_key(zone.rsplit("/", 1)[1]), zone)
    for city, zone in _CITIES.items():
        if zone in zones:
            index[_key(city)] = zone
    return index


def zone_for_city(text: str) -> str | None:
    """The IANA zone of the city ``text`` names, or None."""
    key = _key(text)
    return _index().get(key) if key else None
