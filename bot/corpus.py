"""Load the seed articles: validate ``articles.toml``, read each file, clean and split it.

All or nothing: any problem (missing or unlisted file, duplicate id, malformed date,
unknown field, empty body) raises :class:`~bot.errors.CorpusError` naming the entry,
and no partial corpus is ever returned. Text is kept as written; only furniture is
removed (see :mod:`bot.arabic.boilerplate`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast, get_args

from bot.arabic.boilerplate import clean
from bot.arabic.normalize import normalize
from bot.arabic.sentences import split_sentences
from bot.corpus_types import Article, ArticleMeta, Precision, Sentence
from bot.errors import CorpusError

METADATA_FILE = "articles.toml"
ARTICLE_GLOB = "*.txt"
_PRECISIONS: tuple[str, ...] = get_args(Precision)
_REQUIRED = ("id", "file", "title", "published", "published_precision", "published_reason")
_OPTIONAL = ("source", "url", "language")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_DATE_FORMS = {"year": r"\d{4}", "month": r"\d{4}-\d{2}", "day": r"\d{4}-\d{2}-\d{2}"}
_DATE_HINTS = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}


def load_metadata(path: Path) -> tuple[ArticleMeta, ...]:
    """Parse and validate ``articles.toml``; entries come back sorted by id.

    Each ``[[article]]`` needs id, file, title, published ("YYYY-MM-DD", "YYYY-MM" or
    "YYYY" matching ``published_precision`` day/month/year, or a TOML date), the
    precision and a one-line reason; source, url and language are optional.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"{path}: metadata file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read metadata: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: invalid TOML: {exc}") from exc

    unknown_top = set(data) - {"article"}
    if unknown_top:
        raise CorpusError(f"{path}: unknown top-level keys {sorted(unknown_top)}; use [[article]]")
    entries = data.get("article")
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path}: no [[article]] entries")

    metas: list[ArticleMeta] = []
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise CorpusError(f"{path}: entry #{position} is not a table")
        meta = _parse_entry(cast(Mapping[str, Any], entry), f"{path}: entry #{position}")
        label = f"{path}: entry #{position} (id {meta.id!r})"
        if meta.id in seen_ids:
            raise CorpusError(f"{label}: duplicate id, first used by entry #{seen_ids[meta.id]}")
        if meta.file in seen_files:
            raise CorpusError(
                f"{label}: file {meta.file!r} already listed by entry #{seen_files[meta.file]}"
            )
        seen_ids[meta.id] = position
        seen_files[meta.file] = position
        metas.append(meta)
    return tuple(sorted(metas, key=lambda m: m.id))


def load_corpus(seeds_dir: Path = Path("seeds")) -> tuple[Article, ...]:
    """Load every article listed in ``seeds_dir/articles.toml``, sorted by id.

    Every ``*.txt`` in the directory must be listed and every listed file must exist.
    """
    metas = load_metadata(seeds_dir / METADATA_FILE)
    listed = {m.file for m in metas}
    unlisted = sorted(p.name for p in seeds_dir.glob(ARTICLE_GLOB) if p.name not in listed)
    if unlisted:
        raise CorpusError(
            f"{seeds_dir / METADATA_FILE}: file {unlisted[0]!r} is not listed"
            + (f" (and {len(unlisted) - 1} more)" if len(unlisted) > 1 else "")
        )
    missing = [m for m in metas if not (seeds_dir / m.file).is_file()]
    if missing:
        raise CorpusError(f"article {missing[0].id!r}: file {missing[0].file!r} not found")
    return tuple(build_article(meta, _read(seeds_dir / meta.file, meta)) for meta in metas)


def build_article(meta: ArticleMeta, raw: str) -> Article:
    """Clean one article's raw text and split it into paragraphs and indexed sentences.

    A paragraph repeating the title (as written in the metadata or detected in the text)
    is dropped: the title lives in ``meta.title``, not among the sentences.
    """
    cleaned = clean(raw)
    titles = {normalize(meta.title)} | ({normalize(cleaned.title)} if cleaned.title else set())
    paragraphs = tuple(p for p in cleaned.paragraphs if normalize(p) not in titles)
    sentences: list[Sentence] = []
    for p_index, paragraph in enumerate(paragraphs):
        for text in split_sentences(paragraph):
            sentences.append(Sentence(index=len(sentences), paragraph=p_index, text=text))
    if not sentences:
        raise CorpusError(f"article {meta.id!r} ({meta.file}): no body text after cleaning")
    return Article(meta=meta, paragraphs=paragraphs, sentences=tuple(sentences), urls=cleaned.urls)


def _read(path: Path, meta: ArticleMeta) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"article {meta.id!r}: {meta.file} is not valid UTF-8: {exc}") from exc
    except OSError as exc:
        raise CorpusError(f"article {meta.id!r}: cannot read {meta.file}: {exc}") from exc


def _parse_entry(entry: Mapping[str, Any], where: str) -> ArticleMeta:
    if isinstance(entry.get("id"), str):
        where = f"{where} (id {entry['id']!r})"
    _check_field_names(entry, where)
    article_id = _required(entry, where, "id")
    file = _required(entry, where, "file")
    precision = _required(entry, where, "published_precision")
    language = _optional(entry, where, "language") or "ar"
    url = _optional(entry, where, "url")
    _check_values(where, article_id, file, precision, language, url)
    return ArticleMeta(
        id=article_id,
        file=file,
        title=_required(entry, where, "title"),
        source=_optional(entry, where, "source"),
        url=url,
        published=_parse_date(entry["published"], cast(Precision, precision), where),
        published_precision=cast(Precision, precision),
        published_reason=_required(entry, where, "published_reason"),
        language=language,
    )


def _check_field_names(entry: Mapping[str, Any], where: str) -> None:
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise CorpusError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise CorpusError(f"{where}: missing field(s) {missing}")


def _optional(entry: Mapping[str, Any], where: str, key: str) -> str | None:
    """A non-empty string field, stripped; None when absent."""
    return None if entry.get(key) is None else _required(entry, where, key)


def _required(entry: Mapping[str, Any], where: str, key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where}: field {key!r} must be a non-empty string")
    return value.strip()


def _check_values(
    where: str, article_id: str, file: str, precision: str, language: str, url: str | None
) -> None:
    """The shapes the fields must have: one error naming the first field that is wrong."""
    if not _ID_RE.fullmatch(article_id):
        raise CorpusError(f"{where}: id must be 1-32 letters, digits, '-' or '_'")
    if Path(file).name != file or not file.endswith(".txt"):
        raise CorpusError(f"{where}: file {file!r} must be a plain *.txt name inside the seeds dir")
    if precision not in _PRECISIONS:
        raise CorpusError(f"{where}: published_precision {precision!r} is not one of {_PRECISIONS}")
    if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?", language):
        raise CorpusError(f"{where}: language {language!r} is not a language code such as 'ar'")
    if url is not None and not re.match(r"https?://\S+$", url):
        raise CorpusError(f"{where}: url {url!r} is not an http(s) URL")


def _parse_date(value: object, precision: Precision, where: str) -> dt.date:
    """A TOML date (day precision) or a string whose shape matches the precision."""
    if isinstance(value, dt.datetime):
        raise CorpusError(f"{where}: published must be a date, not a date-time")
    if isinstance(value, dt.date):
        if precision != "day":
            raise CorpusError(f"{where}: published is a full date but precision is {precision!r}")
        return value
    if not isinstance(value, str) or not re.fullmatch(_DATE_FORMS[precision], value):
        raise CorpusError(
            f"{where}: published {value!r} is malformed for precision {precision!r} "
            f"(expected {_DATE_HINTS[precision]})"
        )
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        raise CorpusError(f"{where}: published {value!r} is not a real date: {exc}") from exc
