"""A served cache's archive: SQLite in the data directory, so the bot does not hold the
dossier's texts and search index as Python objects.

``cache.json`` stays the one committed, human-diffable product of the build. The archive
is derived from it once per version — keyed by the SHA-256 of the file — into
``<data dir>/archive/<key>.sqlite`` (never committed: a binary file would have to be
byte-identical for ``digestbot build --check``). The live intake writes the archive of
each live cache it publishes (:func:`bot.ingest.live.write_live_cache`), so a running bot
that notices the new file opens it without deriving anything; the committed cache's
archive is derived by the first start that serves it (seconds per 1,000 articles).

What it holds:

- ``meta``: the format, the key, and ``core`` — the cache without the articles' texts, as
  compact JSON (what the screens read all the time: articles, digests, timeline, treaty,
  reactions; about 60 % of ``cache.json``);
- ``texts``: each article's sentences, paragraphs and headings, read when a source
  sentence is shown (:meth:`Archive.text`, with a small LRU);
- ``hits`` and ``words`` (FTS5): the search index of :mod:`bot.cache.search`, one row per
  entry in the index's order. ``words`` holds each entry's folded word forms and plural
  roots as FTS5 tokens (the ``ascii`` tokenizer with ``_`` as a token character: every
  form — a run of ``\\w`` — is exactly one token, nothing else is folded), and its
  written forms unindexed for ranking. A query word is a prefix query on the forms
  (exact under three letters) or a match of its plural root; the ranking of
  :meth:`bot.cache.search.SearchIndex.search_all` — words matched as written, folded, by
  prefix, by plural; then weight; then index order — is computed in SQL. The same hits
  in the same order as the in-memory index (tests/test_archive.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from bot.arabic.fold import fold
from bot.arabic.plural import pattern_root
from bot.cache.search import MIN_PREFIX_CHARS, Hit, SearchIndex, clear_memos
from bot.cache.store import load_cache, loads_cache
from bot.errors import CacheError
from bot.model import ArticleText, Cache, Evidence

FORMAT = 1
ARCHIVE_DIR = "archive"
#: archives kept in the directory (the newest): the served one, and a few a running
#: process may still have open while the live cache moves on
KEEP = 4
TEXTS_REMEMBERED = 64
_TOKEN = re.compile(r"\w+")

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE texts(article_id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE hits(n INTEGER PRIMARY KEY, weight INTEGER NOT NULL, body TEXT NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(
    forms, roots, written UNINDEXED, tokenize = "ascii tokenchars '_'", detail = column
);
"""


def cache_key(data: bytes) -> str:
    """The archive key of a ``cache.json``'s bytes."""
    return hashlib.sha256(data).hexdigest()


def archive_path(data_dir: Path, key: str) -> Path:
    return data_dir / ARCHIVE_DIR / f"{key[:40]}-v{FORMAT}.sqlite"


def _hit_json(hit: Hit) -> str:
    sources = [[e.article_id, e.sentence_index, e.text] for e in hit.sources]
    row = [hit.kind, hit.label, hit.text, sources, hit.party, hit.item_text]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _hit_of(body: str) -> Hit:
    kind, label, text, sources, party, item_text = json.loads(body)
    evidence = tuple(Evidence(article_id=a, sentence_index=i, text=s) for a, i, s in sources)
    return Hit(kind, label, text, evidence, party, item_text)


def write_archive(path: Path, cache: Cache, key: str) -> Path:
    """Write the archive of ``cache`` (a fully loaded one, texts included) to ``path``
    through a temporary file and a rename; older archives beside it beyond :data:`KEEP`
    are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            core = cache.model_copy(update={"texts": []}).model_dump_json(by_alias=True)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("format", str(FORMAT)), ("key", key), ("core", core)],
            )
            db.executemany(
                "INSERT INTO texts VALUES (?, ?)",
                ((t.article_id, t.model_dump_json()) for t in cache.texts),
            )
            rows = list(SearchIndex(cache).rows())
            clear_memos()  # the words memoised while indexing: not kept by a serving process
            db.executemany(
                "INSERT INTO hits VALUES (?, ?, ?)",
                ((n, weight, _hit_json(hit)) for n, (hit, _, _, _, weight) in enumerate(rows)),
            )
            db.executemany(
                "INSERT INTO words(rowid, forms, roots, written) VALUES (?, ?, ?, ?)",
                (
                    (n, " ".join(sorted(forms)), " ".join(sorted(roots)), " ".join(sorted(wr)))
                    for n, (_, forms, wr, roots, _) in enumerate(rows)
                ),
            )
            db.execute("INSERT INTO words(words) VALUES ('optimize')")
            db.commit()
        finally:
            db.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(path.parent, keep=path)
    return path


def _prune(directory: Path, keep: Path) -> None:
    found = sorted(
        (p for p in directory.glob("*.sqlite") if p != keep),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in found[KEEP - 1 :]:
        old.unlink(missing_ok=True)  # an open reader keeps its file until it closes


class Archive:
    """An open archive: a cache's texts and search, read on demand (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = path.resolve().as_uri() + "?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._texts: OrderedDict[str, ArticleText | None] = OrderedDict()
        meta = dict(self._db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != str(FORMAT) or "core" not in meta:
            self._db.close()
            raise CacheError(f"{path} is not a digestbot archive of format {FORMAT}")
        self.key = meta["key"]
        self._core = meta["core"]

    def core(self) -> Cache:
        """The cache without texts, reading its texts from this archive."""
        cache = loads_cache(self._core.encode("utf-8"), origin=str(self.path))
        self._core = ""  # parsed once; the objects hold it now
        cache.attach(self)
        return cache

    def close(self) -> None:
        self._db.close()

    def text(self, article_id: str) -> ArticleText | None:
        with self._lock:
            if article_id in self._texts:
                self._texts.move_to_end(article_id)
                return self._texts[article_id]
            row = self._db.execute(
                "SELECT body FROM texts WHERE article_id = ?", (article_id,)
            ).fetchone()
            found = ArticleText.model_validate_json(row[0]) if row else None
            self._texts[article_id] = found
            while len(self._texts) > TEXTS_REMEMBERED:
                self._texts.popitem(last=False)
            return found

    # --- search -------------------------------------------------------------------

    def search_all(self, words: Sequence[str]) -> Sequence[Hit]:
        """Every hit for ``words`` (normalised cores), best first, read page by page."""
        if not words:
            return []
        match: list[str] = []
        score: list[str] = []
        params: list[str] = []
        for word in words:
            folded = fold(word)
            # a form is a run of \w: a word with anything else is no form's prefix
            plain = _TOKEN.fullmatch(folded) is not None
            root = pattern_root(word) if len(folded) >= MIN_PREFIX_CHARS else None
            if root is not None and _TOKEN.fullmatch(root) is None:
                root = None
            if len(folded) < MIN_PREFIX_CHARS:
                if not plain:
                    return []
                match.append(f'forms : "{folded}"')
                prefix = "0"
            else:
                options = [f'forms : "{folded}"*'] if plain else []
                options += [f'roots : "{root}"'] if root is not None else []
                if not options:
                    return []
                match.append(f"({' OR '.join(options)})")
                prefix = "instr(' ' || forms, ' ' || ?)"
            score.append(
                "CASE WHEN instr(' ' || written || ' ', ' ' || ? || ' ') THEN 4 "
                "WHEN instr(' ' || forms || ' ', ' ' || ? || ' ') THEN 3 "
                f"WHEN {prefix} THEN 2 ELSE 1 END"
            )
            params += [word, folded] + ([folded] if prefix != "0" else [])
        sql = (
            f"SELECT words.rowid FROM words JOIN hits ON hits.n = words.rowid "
            f"WHERE words MATCH ? ORDER BY ({' + '.join(score)}) DESC, hits.weight DESC, "
            "hits.n"
        )
        with self._lock:
            # the MATCH's parameter comes first in the statement, the score's after it
            rows = self._db.execute(sql, [" AND ".join(match), *params]).fetchall()
        return _Hits(self, [n for (n,) in rows])

    def hits(self, numbers: Sequence[int]) -> list[Hit]:
        if not numbers:
            return []
        marks = ",".join("?" * len(numbers))
        with self._lock:
            found = dict(
                self._db.execute(f"SELECT n, body FROM hits WHERE n IN ({marks})", list(numbers))
            )
        return [_hit_of(found[n]) for n in numbers]


class _Hits(Sequence[Hit]):
    """Ranked hits of one query, read from the archive when a page shows them."""

    def __init__(self, archive: Archive, numbers: list[int]) -> None:
        self._archive = archive
        self._numbers = numbers

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | Sequence[Hit]:
        if isinstance(index, slice):
            return self._archive.hits(self._numbers[index])
        return self._archive.hits([self._numbers[index]])[0]

    def __iter__(self) -> Iterator[Hit]:
        for start in range(0, len(self._numbers), 200):
            yield from self._archive.hits(self._numbers[start : start + 200])


def open_served(cache_json: Path, data_dir: Path) -> Cache:
    """The cache at ``cache_json`` opened from its archive, deriving the archive once.

    A missing or unreadable ``cache.json`` is a :class:`CacheError` as with
    :func:`bot.cache.store.load_cache`.
    """
    try:
        data = cache_json.read_bytes()
    except FileNotFoundError as exc:
        raise CacheError(f"no cache at {cache_json}; create it with `digestbot build`") from exc
    except OSError as exc:
        raise CacheError(f"cannot read {cache_json}: {exc.strerror}") from exc
    key = cache_key(data)
    path = archive_path(data_dir, key)
    del data
    if not path.is_file():
        write_archive(path, load_cache(cache_json), key)
    try:
        archive = Archive(path)
    except (sqlite3.DatabaseError, CacheError):
        write_archive(path, load_cache(cache_json), key)  # damaged: derive it again
        archive = Archive(path)
    return archive.core()
