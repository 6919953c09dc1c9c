"""The UI catalogue: every key in both languages, files merged, placeholders consistent."""

from __future__ import annotations

import re
import string
from importlib import resources

import pytest

from bot.telegram.i18n import (
    LANGS,
    CatalogueError,
    catalogue,
    coerce_lang,
    lang_of,
    merge_catalogues,
    set_lang,
    t,
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_exists_in_both_languages_with_same_placeholders() -> None:
    cat = catalogue()
    assert len(cat) > 50
    for key, texts in cat.items():
        assert set(texts) == set(LANGS), key
        assert _fields(texts["ar"]) == _fields(texts["en"]), key


def test_every_locale_file_is_loaded_and_merged() -> None:
    import tomllib

    folder = resources.files("bot.telegram").joinpath("locales")
    names = [e.name for e in folder.iterdir() if e.name.endswith(".toml")]
    assert "core.toml" in names
    cat = catalogue()
    for name in names:
        keys = tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8")).keys()
        assert set(keys) <= set(cat), name


def test_arabic_texts_are_arabic() -> None:
    arabic = re.compile("[\u0600-\u06ff]")
    for key, texts in catalogue().items():
        if key.startswith("cmd_") or key.startswith("month_") or key in {"about"}:
            continue
        assert arabic.search(texts["ar"]), key


def test_strings_are_valid_html_fragments() -> None:
    for key, texts in catalogue().items():
        for text in texts.values():
            assert not re.search(r"&(?!(lt|gt|amp|quot);)", text), key
            assert not re.search(r"<(?!/?(b|i|code)>)", text), key


def test_merge_rejects_duplicates_and_missing_languages() -> None:
    a = '[x]\nar = "س"\nen = "x"\n'
    with pytest.raises(CatalogueError, match="already defined"):
        merge_catalogues({"a.toml": a, "b.toml": a})
    with pytest.raises(CatalogueError, match="'en'"):
        merge_catalogues({"a.toml": '[x]\nar = "س"\n'})
    with pytest.raises(CatalogueError, match="unknown languages"):
        merge_catalogues({"a.toml": '[x]\nar = "س"\nen = "x"\nfr = "x"\n'})
    assert merge_catalogues({"a.toml": a, "b.toml": '[y]\nar = "ص"\nen = "y"\n'}).keys() == {
        "x",
        "y",
    }


def test_language_choice_defaults_to_arabic() -> None:
    assert lang_of(None) == "ar"
    data: dict[str, object] = {}
    assert lang_of(data) == "ar"
    set_lang(data, "en")
    assert lang_of(data) == "en"
    assert coerce_lang("EN-gb") == "en"
    assert coerce_lang("fr") == "ar"
    assert coerce_lang(3) == "ar"


def test_t_formats_and_reports_missing_keys() -> None:
    assert "7" in t("en", "treaty_article_n", n=7)
    assert t("ar", "month_6") == "يونيو"
    with pytest.raises(KeyError, match="nope"):
        t("ar", "nope")


def test_every_literal_key_used_in_the_bot_exists() -> None:
    folder = resources.files("bot.telegram")
    used: set[str] = set()
    for entry in folder.iterdir():
        if entry.name.endswith(".py"):
            source = entry.read_text(encoding="utf-8")
            used |= set(re.findall(r"\bt\(\s*[\w.]+,\s*\"([a-z_0-9]+)\"", source))
            used |= set(re.findall(r"\.message\(\s*\w+,\s*\"([a-z_0-9]+)\"", source))
    assert len(used) > 15
    assert sorted(used - set(catalogue())) == []
    for stance in ("critical", "supportive", "neutral", "no_comment"):
        assert f"stance_{stance}" in catalogue()
    for kind in ("digest", "timeline", "treaty", "reaction"):
        assert f"kind_{kind}" in catalogue()
    for month in range(1, 13):
        assert f"month_{month}" in catalogue()
