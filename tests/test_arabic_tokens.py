"""Word tokens, the stemmer and stop words — and proof that none of them needs the network."""

from __future__ import annotations

import importlib
import socket
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.arabic.normalize import normalize
from bot.arabic.stem import stem
from bot.arabic.stopwords import STOP_WORDS, is_stop_word
from bot.arabic.tokens import words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مقاتلات إف-16، إلى أوكرانيا", ["مقاتلات", "إف", "16", "إلى", "أوكرانيا"]),
        ("بين العام 1950-53 وتعد", ["بين", "العام", "1950", "53", "وتعد"]),
        ("«معاهدة الشراكة» (الأول) وكالات:", ["معاهدة", "الشراكة", "الأول", "وكالات"]),
        ("الـ4 من ديسمبر ١٩٥٠", ["الـ4", "من", "ديسمبر", "١٩٥٠"]),
        ("بلغ 1.7 و٣٫٥ و10,000 جندي", ["بلغ", "1.7", "و٣٫٥", "و10,000", "جندي"]),
        ("وُقِّعت عامًا", ["وُقِّعت", "عامًا"]),
        ("U.S. forces; Kim's", ["U", "S", "forces", "Kim", "s"]),
        ("https://hura7.com/?p=36884", ["https", "hura7", "com", "p", "36884"]),
        ("؟ ، . … — _", []),
    ],
)
def test_words_table(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@settings(max_examples=150)
@given(st.text(max_size=60))
def test_words_are_substrings_in_order_without_punctuation(text: str) -> None:
    position = 0
    for token in words(text):
        found = text.find(token, position)
        assert found >= 0
        position = found + len(token)
        assert not any(ch.isspace() or ch in "،؛؟«»“”\"'()!?:;" for ch in token)


@pytest.mark.parametrize(
    ("family", "root_like"),
    [
        (["المعاهدة", "والمعاهدة", "معاهدة"], "معاهد"),
        (["الشمالية", "الشَّمَالِيَّة", "والشمالية"], "شمال"),
        (["روسيا", "وروسيا", "بروسيا", "الروسية", "الروسي"], "روس"),
        (["الاتفاقية", "الاتفاقيات", "والاتفاقيات"], "اتفاق"),
    ],
)
def test_stem_conflates_word_families(family: list[str], root_like: str) -> None:
    assert {stem(w) for w in family} == {root_like}


def test_stem_output_is_normalised_and_latin_untouched() -> None:
    assert stem("أوكرانيا") == normalize(stem("أوكرانيا"))
    assert stem("Putin") == "putin"
    assert stem("2024") == "2024"
    assert stem("") == ""


@settings(max_examples=100)
@given(st.text(max_size=20))
def test_stem_never_crashes_and_is_normalised(word: str) -> None:
    out = stem(word)
    assert out == normalize(out)


def test_stop_words_from_sumy_in_normalised_form() -> None:
    assert len(STOP_WORDS) > 600  # sumy ships 751 entries; folding merges a few spellings
    assert all(w == normalize(w) for w in STOP_WORDS)
    for w in ["في", "من", "إلى", "الى", "على", "التي", "التى", "هذا", "وقال"]:
        assert is_stop_word(w), w
    for w in ["روسيا", "معاهدة", "الدفاع", "بوتين", "الشمالية"]:
        assert not is_stop_word(w), w


def test_text_layer_works_with_the_network_and_nltk_download_disabled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Re-import and use the whole layer with sockets and nltk.download booby-trapped."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the Arabic text layer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import nltk

    monkeypatch.setattr(nltk, "download", refuse)
    for name in [m for m in sys.modules if m.startswith("bot.arabic")]:
        monkeypatch.delitem(sys.modules, name)
    stem_mod = importlib.import_module("bot.arabic.stem")
    stop_mod = importlib.import_module("bot.arabic.stopwords")
    sent_mod = importlib.import_module("bot.arabic.sentences")
    assert stem_mod.stem("والمعاهدات") == "معاهد"
    assert stop_mod.is_stop_word("إلى")
    assert sent_mod.split_sentences("أولا. ثانيا.") == ["أولا.", "ثانيا."]
