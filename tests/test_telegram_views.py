"""Views: screens are rendered once, split within the limit, and forged keys cannot grow memory."""

from __future__ import annotations

from botapi_emulator.html_entities import MAX_MESSAGE_LENGTH, parse_html, utf16_len
from test_telegram_support import sample_cache

from bot.telegram import render
from bot.telegram.views import Screen, Views


def test_screens_are_memoised_and_match_the_renderer() -> None:
    cache = sample_cache()
    views = Views(cache, commands=["start", "help"])
    first = views.timeline("ar", 1, "n", None)
    assert views.timeline("ar", 1, "n", None) is first
    assert first.parts == (render.render_timeline("ar", cache, 1, "n", None).text,)
    assert first.markup is not None
    assert views.help("en").parts == (render.render_help("en", ["start", "help"]),)


def test_warm_renders_first_visits_in_both_languages() -> None:
    views = Views(sample_cache())
    views.warm()
    warmed = len(views._memo)
    assert warmed >= 2 * 7 + 2 * 3
    views.about("ar")
    views.digest("en", 2)
    assert len(views._memo) == warmed


def test_forged_state_is_clamped_before_it_reaches_the_memo() -> None:
    views = Views(sample_cache())
    for page in (-5, 2, 99, 999_999):
        views.timeline("ar", page, "o", None)
        views.timeline("ar", page, "o", 1999)  # no such year → all years
        views.reactions("ar", 999_999, page)
        views.digest_menu("ar", page)
    assert len(views._memo) == 2 + 1 + 1  # last timeline page, first page, one each
    assert views.digest("ar", 99) is None
    assert views.timeline("ar", 99, "o", None) is views.timeline("ar", 1, "o", None)


def test_long_screens_are_pre_split() -> None:
    long = Screen.of("<b>" + "جملة طويلة. " * 1000 + "</b>")
    assert len(long.parts) > 1
    for part in long.parts:
        plain, _ = parse_html(part)
        assert utf16_len(plain) <= MAX_MESSAGE_LENGTH


def test_party_lookup_and_unknown_year() -> None:
    views = Views(sample_cache())
    assert views.party_index("الصين") == views.parties.index("الصين")
    assert views.party_index("المريخ") is None
    screen = views.no_such_year("en", 1999, "o")
    assert "1999" in screen.parts[0] and "2023 2024" in screen.parts[0]


def test_party_is_found_by_arabic_or_english_name_whole_before_part() -> None:
    from test_telegram_support import REAL_CACHE

    from bot.cache.store import load_cache

    views = Views(load_cache(REAL_CACHE))

    def found(wanted: str) -> str | None:
        index = views.party_index(wanted)
        return None if index is None else views.parties[index]

    assert found("روسيا") == found("Russia") == found("russia") == "روسيا"
    assert found("اوكرانيا") == found("أوكرانيا") == "أوكرانيا"  # hamza folded
    assert found("صين") == "الصين"  # part of a name
    assert found("West") == "الغرب"
    assert found("xyz") is None and found("") is None and found("U") is None


def test_unknown_party_screen_lists_parties_and_escapes_the_input() -> None:
    cache = sample_cache().model_copy(update={"party_names_en": {"الصين": "China"}})
    views = Views(cache)
    screen = views.no_such_party("en", "<b>&")
    plain, _ = parse_html(screen.parts[0])
    assert "«<b>&»" in plain and "China" in plain
    assert screen.markup is not None
    labels = [b.text for row in screen.markup.inline_keyboard for b in row]
    assert "China" in labels
