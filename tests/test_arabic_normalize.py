"""normalize(): the matching form folds spelling variants and is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.arabic.normalize import normalize, strip_diacritics


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("أوكرانيا", "اوكرانيا"),
        ("إقرأ أيضاً", "اقرا ايضا"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("على", "علي"),
        ("الشمالية", "الشماليه"),
        ("الشَّمَالِيَّة", "الشماليه"),
        ("الـــ4 من ديسمبر", "ال4 من ديسمبر"),
        ("١٩٥٠-٥٣", "1950-53"),
        ("۲۰۲۴", "2024"),
        ("٣٫٥", "3.5"),
        ("مسؤول", "مسوول"),
        ("رئيس", "رييس"),
        ("کوریا الشمالیة", "كوريا الشماليه"),  # Persian keheh/yeh as in scraped tag lines
        ("  كيم\n\tجونغ   أون ", "كيم جونغ اون"),
        ("U.S. Forces", "u.s. forces"),
        ("\u200fبوتين\u200e", "بوتين"),
        ("ﻻ", "لا"),  # presentation-form ligature
    ],
)
def test_folds(written: str, folded: str) -> None:
    assert normalize(written) == folded


def test_variants_of_one_word_meet() -> None:
    spellings = ["الأمريكية", "الامريكية", "الأمريكيه", "الأَمْرِيكِيَّة", "الأمريـكية"]
    assert len({normalize(s) for s in spellings}) == 1


def test_strip_diacritics_keeps_letters_as_written() -> None:
    assert strip_diacritics("وُقِّعت أُبرمت الـ4") == "وقعت أبرمت ال4"


arabicish = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآٱؤئء")
        + list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640")
        + list('٠١٢٣٤٥٦٧٨٩0123456789 \n\t.،؟«»“”"ـیکAaZzİ\u0301\u200f')
    ),
    max_size=60,
)


@settings(max_examples=150)
@given(arabicish)
def test_idempotent_on_arabic_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=150)
@given(st.text(max_size=40))
def test_idempotent_on_any_unicode(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=100)
@given(arabicish)
def test_no_diacritics_tatweel_or_indic_digits_survive(text: str) -> None:
    out = normalize(text)
    assert not any(ch in out for ch in "\u064e\u0651\u0640أإآىة٠١٢٣٤٥٦٧٨٩")
    assert "  " not in out and out == out.strip()
