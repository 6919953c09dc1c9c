"""The corpus loader: validated metadata, all-or-nothing loading, sentences indexed as cited."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.arabic.normalize import normalize
from bot.corpus import build_article, load_corpus, load_metadata
from bot.corpus_types import ArticleMeta
from bot.errors import CorpusError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

BODY = "الجملة الأولى من المتن تنتهي هنا. والجملة الثانية كذلك.\nفقرة ثانية بجملة واحدة."


def _entry(article_id: str, file_name: str, **extra: str) -> str:
    fields = {
        "id": article_id,
        "file": file_name,
        "title": "عنوان تجريبي",
        "published": "2024-06-19",
        "published_precision": "day",
        "published_reason": "dateline",
    } | extra
    return "[[article]]\n" + "".join(f'{k} = "{v}"\n' for k, v in fields.items()) + "\n"


def _write_seeds(tmp_path: Path, toml: str, files: dict[str, str]) -> Path:
    (tmp_path / "articles.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


# --- the real seeds ---------------------------------------------------------------------


def test_seeds_load_sorted_and_complete() -> None:
    corpus = load_corpus(SEEDS)
    assert [a.id for a in corpus] == ["000", "001", "002", "003", "004"]
    assert {a.meta.file for a in corpus} == {p.name for p in SEEDS.glob("*.txt")}
    for article in corpus:
        assert article.meta.published_reason and article.meta.title
        assert article.meta.published_precision in ("day", "month", "year")
        assert dt.date(2024, 1, 1) <= article.meta.published <= dt.date(2025, 1, 20)


def test_seed_sentences_indexed_across_the_body_with_paragraphs() -> None:
    for article in load_corpus(SEEDS):
        assert [s.index for s in article.sentences] == list(range(len(article.sentences)))
        paragraph_ids = [s.paragraph for s in article.sentences]
        assert paragraph_ids == sorted(paragraph_ids)
        assert set(paragraph_ids) == set(range(len(article.paragraphs)))
        for sentence in article.sentences:
            assert sentence.text in article.paragraphs[sentence.paragraph]
            assert normalize(sentence.text) != normalize(article.meta.title)


def test_seed_metadata_values() -> None:
    by_id = {m.id: m for m in load_metadata(SEEDS / "articles.toml")}
    assert by_id["003"].url == "https://hura7.com/?p=36884"
    assert by_id["003"].source == "hura7.com"
    assert by_id["000"].source == "الأول"
    assert by_id["001"].source is None and by_id["002"].source is None
    assert by_id["004"].published == dt.date(2024, 6, 19)
    assert by_id["004"].published.strftime("%A") == "Wednesday"  # "الأربعاء" in the text
    assert by_id["002"].published_precision == "month"
    assert by_id["002"].published == dt.date(2024, 6, 1)


def test_seed_urls_kept_as_metadata_not_sentences() -> None:
    corpus = {a.id: a for a in load_corpus(SEEDS)}
    assert corpus["003"].urls == ("https://hura7.com/?p=36884",)
    assert not any("http" in s.text for a in corpus.values() for s in a.sentences)


def test_seed_gold_sentences_are_whole_sentences() -> None:
    """Sentences hand-picked in tests/gold/digests.toml come out of the loader whole."""
    import tomllib

    gold_path = Path(__file__).resolve().parent / "gold" / "digests.toml"
    if not gold_path.exists():
        pytest.skip("no gold digests yet")
    gold = tomllib.loads(gold_path.read_text(encoding="utf-8"))
    corpus = {a.meta.file: a for a in load_corpus(SEEDS)}
    for entry in gold["article"]:
        texts = {normalize(s.text) for s in corpus[entry["file"]].sentences}
        for sentence in entry["sentences"]:
            assert normalize(sentence) in texts, sentence


# --- metadata errors name the entry ---------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"published": "2024-13-01"}, "not a real date"),
        ({"published": "19/06/2024"}, "malformed"),
        ({"published": "2024-06"}, "malformed for precision 'day'"),
        ({"published_precision": "week"}, "published_precision 'week'"),
        ({"url": "hura7.com"}, "not an http(s) URL"),
        ({"file": "../etc/passwd.txt"}, "plain *.txt name"),
        ({"id": "a b"}, "id must be"),
        ({"colour": "blue"}, "unknown field"),
        ({"title": "  "}, "'title' must be a non-empty string"),
        ({"language": "Arabic"}, "not a language code"),
    ],
)
def test_bad_entry_is_named(tmp_path: Path, extra: dict[str, str], message: str) -> None:
    toml = _entry("ok", "ok.txt") + _entry("bad", "bad.txt", **extra)
    seeds = _write_seeds(tmp_path, toml, {"ok.txt": BODY, "bad.txt": BODY})
    with pytest.raises(CorpusError, match="entry #2") as info:
        load_corpus(seeds)
    assert message in str(info.value)


def test_month_and_year_precision_dates(tmp_path: Path) -> None:
    toml = _entry("m", "m.txt", published="2024-06", published_precision="month") + _entry(
        "y", "y.txt", published="2024", published_precision="year"
    )
    metas = load_metadata(_write_seeds(tmp_path, toml, {}) / "articles.toml")
    assert [(m.id, m.published) for m in metas] == [
        ("m", dt.date(2024, 6, 1)),
        ("y", dt.date(2024, 1, 1)),
    ]


def test_toml_date_literal_accepted_for_day_precision(tmp_path: Path) -> None:
    toml = _entry("d", "d.txt").replace('published = "2024-06-19"', "published = 2024-06-19")
    (meta,) = load_metadata(_write_seeds(tmp_path, toml, {}) / "articles.toml")
    assert meta.published == dt.date(2024, 6, 19)


def test_missing_field_is_named(tmp_path: Path) -> None:
    toml = _entry("x", "x.txt").replace('published_reason = "dateline"\n', "")
    with pytest.raises(CorpusError, match=r"entry #1 \(id 'x'\): missing field\(s\)"):
        load_metadata(_write_seeds(tmp_path, toml, {}) / "articles.toml")


def test_duplicate_id(tmp_path: Path) -> None:
    toml = _entry("same", "a.txt") + _entry("same", "b.txt")
    seeds = _write_seeds(tmp_path, toml, {"a.txt": BODY, "b.txt": BODY})
    with pytest.raises(CorpusError, match=r"entry #2 \(id 'same'\): duplicate id.*entry #1"):
        load_corpus(seeds)


def test_duplicate_file(tmp_path: Path) -> None:
    toml = _entry("a", "a.txt") + _entry("b", "a.txt")
    with pytest.raises(CorpusError, match="already listed by entry #1"):
        load_corpus(_write_seeds(tmp_path, toml, {"a.txt": BODY}))


def test_missing_file_names_the_entry(tmp_path: Path) -> None:
    toml = _entry("a", "a.txt") + _entry("gone", "gone.txt")
    with pytest.raises(CorpusError, match=r"article 'gone': file 'gone.txt' not found"):
        load_corpus(_write_seeds(tmp_path, toml, {"a.txt": BODY}))


def test_unlisted_file_is_named(tmp_path: Path) -> None:
    seeds = _write_seeds(tmp_path, _entry("a", "a.txt"), {"a.txt": BODY, "stray.txt": BODY})
    with pytest.raises(CorpusError, match=r"'stray\.txt' is not listed"):
        load_corpus(seeds)


def test_invalid_toml_and_missing_metadata(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="metadata file not found"):
        load_corpus(tmp_path)
    (tmp_path / "articles.toml").write_text("[[article]\nid=", encoding="utf-8")
    with pytest.raises(CorpusError, match="invalid TOML"):
        load_corpus(tmp_path)
    (tmp_path / "articles.toml").write_text("title = 'x'\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown top-level keys"):
        load_corpus(tmp_path)


def test_non_utf8_and_empty_body(tmp_path: Path) -> None:
    toml = _entry("a", "a.txt")
    seeds = _write_seeds(tmp_path, toml, {})
    (seeds / "a.txt").write_bytes("نص".encode("cp1256"))
    with pytest.raises(CorpusError, match=r"'a': a\.txt is not valid UTF-8"):
        load_corpus(seeds)
    (seeds / "a.txt").write_text("الأكثر قراءة\nhttps://example.com/x\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"'a' \(a\.txt\): no body text"):
        load_corpus(seeds)


def test_nothing_half_loaded_when_a_later_entry_fails(tmp_path: Path) -> None:
    """One bad article anywhere means no corpus at all, not the good ones."""
    seed = "000_1fee31cb0336f9b4.txt"
    shutil.copy(SEEDS / seed, tmp_path / seed)
    only_first = _entry("000", seed)
    (tmp_path / "articles.toml").write_text(only_first, encoding="utf-8")
    assert [a.id for a in load_corpus(tmp_path)] == ["000"]
    (tmp_path / "articles.toml").write_text(
        only_first + _entry("zzz", "zzz.txt", published="2024-02-30"), encoding="utf-8"
    )
    (tmp_path / "zzz.txt").write_text(BODY, encoding="utf-8")
    with pytest.raises(CorpusError, match="zzz"):
        load_corpus(tmp_path)


def test_build_article_drops_title_paragraph_and_indexes_sentences() -> None:
    meta = ArticleMeta(
        id="t",
        file="t.txt",
        title="عنوان الخبر كما في الملف تماما",
        source=None,
        url=None,
        published=dt.date(2024, 6, 19),
        published_precision="day",
        published_reason="test",
    )
    article = build_article(meta, "عنوان الخبر كما في الملف تماما\n\n" + BODY)
    assert [(s.index, s.paragraph, s.text) for s in article.sentences] == [
        (0, 0, "الجملة الأولى من المتن تنتهي هنا."),
        (1, 0, "والجملة الثانية كذلك."),
        (2, 1, "فقرة ثانية بجملة واحدة."),
    ]


def test_a_word_has_one_stem_whatever_was_stemmed_before() -> None:
    # NLTK's ArabicStemmer leaks a flag from one word into the next ("يكتبونها" then
    # "موسكو"); our stem() must not depend on the order of calls
    from bot.arabic.stem import stem

    stem.cache_clear()
    alone = stem("موسكو")
    stem.cache_clear()
    stem("يكتبونها")
    after = stem("موسكو")
    stem.cache_clear()
    assert after == alone == "موسك"
