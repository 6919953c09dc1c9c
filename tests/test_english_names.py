"""People in the English UI (issue 12, point 12): the table of known names, the generic
transliteration of the others, and where the English name is (and is not) used."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from bot.arabic.fold import fold
from bot.arabic.translit import transliterate_name
from bot.extract.english import (
    is_person,
    person_display,
    person_english,
    person_search_words,
)


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        # long vowels: ا → a, و/ي between consonants → u/i, at the end → u/i
        ("هاياشي", "Hayashi"),
        ("كوليبا", "Kuliba"),
        ("ميقاتي", "Miqati"),
        # و/ي after a vowel or before one are consonants
        ("وليد", "Walid"),
        ("يون سوك يول", "Yun Suk Yul"),
        # the article, and «عبد» joined to it
        ("بشار الأسد", "Bashar al-Asad"),
        ("السيسي", "Al-Sisi"),
        ("عبد الفتاح السيسي", "Abdel Fatah al-Sisi"),
        ("عبدالله", "Abdullah"),
        ("حسن نصر الله", "Hasan Nasar Allah"),
        # taa marbuta, alif maqsura, ain, hamza seats
        ("فاطمة", "Fatma"),
        ("مصطفى", "Masatfa"),
        ("سعيد", "Said"),
        ("علي", "Ali"),
        ("إسرائيل", "Isra'il"),
        ("أيمن الصفدي", "Ayman al-Safdi"),
        ("يوري أوشاكوف", "Yuri Oshakuf"),
        # a word with no vowel letter gets its short vowels
        ("محمد", "Mahamad"),
        ("جعفر", "Jaafar"),
        # a foreign cluster stays; «يي» is "ie"; hyphens are kept
        ("كريستالينا", "Kristalina"),
        ("دانييل", "Daniel"),
        ("ليم سو-سوك", "Lim Su-Suk"),
        # the shadda doubles its consonant
        ("فتّاح", "Fattah"),
        # text that is not Arabic is kept
        ("Kim 3", "Kim 3"),
    ],
)
def test_transliteration_patterns(arabic: str, latin: str) -> None:
    assert transliterate_name(arabic) == latin


def test_every_transliteration_is_latin_and_readable() -> None:
    names = ["أرتيوم لوكين", "كارين جان بيير", "غرانت شابس", "مسعود بزشكيان", "جان إيف لودريان"]
    for name in names:
        latin = transliterate_name(name)
        assert latin.isascii() and latin.replace(" ", "").replace("-", "").replace("'", "")
        assert all(part[0].isupper() for part in latin.split())
        # no run of four consonants: a reader can say it
        run = 0
        for ch in latin.lower():
            run = run + 1 if ch.isalpha() and ch not in "aeiouy" else 0
            assert run < 4, latin


def test_known_people_by_their_english_spelling_in_any_arabic_spelling() -> None:
    assert person_english("فلاديمير بوتين") == "Vladimir Putin"
    assert person_english("بوتين") == "Vladimir Putin"
    assert person_english("كيم جونج أون") == "Kim Jong Un"  # ج for غ: folded
    assert person_english("كيم جونغ أون") == "Kim Jong Un"
    assert person_english("ليم سو سوك") == person_english("ليم سو-سوك") == "Lim Soo-suk"
    assert person_english("أرتيوم لوكين") is None


def test_display_keeps_the_arabic_original_where_the_spelling_is_a_guess() -> None:
    assert person_display("جو بايدن") == "Joe Biden"
    assert person_display("أرتيوم لوكين") == "Aratyum Lukin (أرتيوم لوكين)"
    assert set(person_search_words("فلاديمير بوتين").split()) >= {"Vladimir", "Putin", "Butin"}


def test_people_table_is_well_formed() -> None:
    text = resources.files("bot.extract").joinpath("data/people.toml").read_text("utf-8")
    people = tomllib.loads(text)["people"]
    seen: dict[str, str] = {}
    for arabic, entry in people.items():
        assert entry["en"].strip() and not any("\u0600" <= c <= "\u06ff" for c in entry["en"])
        for spelling in (arabic, *entry.get("aliases", ())):
            assert any("\u0600" <= c <= "\u06ff" for c in spelling), spelling
            key = fold(spelling)
            # one spelling never names two people
            assert seen.setdefault(key, entry["en"]) == entry["en"], spelling


def test_only_named_people_get_a_personal_name() -> None:
    assert is_person("فلاديمير بوتين", "الرئيس الروسي", "روسيا")
    assert not is_person("روسيا", None, "روسيا")  # a country as itself
    assert not is_person("وزارة الدفاع الأمريكية", "وزارة الدفاع الأمريكية", "الولايات المتحدة")
    assert not is_person("وكالة الأنباء المركزية الكورية الشمالية", None, "كوريا الشمالية")
    assert not is_person("محللون", "محللون", None)
