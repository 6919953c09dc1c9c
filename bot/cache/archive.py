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
  sentence is shown (:meth:`Archive.text`, with a small LRU), with the digest of that
  JSON and the *bases* of its sentences (:data:`bot.cache.search.Base`: their word forms,
  reused by the next version's index while the text is unchanged);
- ``hits`` and ``words`` (FTS5): the search index of :mod:`bot.cache.search`, one row per
  entry; ``place`` is the entry's position in the index's order, ``sig`` a digest of the
  whole row (how an update finds what changed). ``words`` holds each entry's folded word
  forms and plural roots as FTS5 tokens (the ``ascii`` tokenizer with ``_`` as a token
  character: every form — a run of ``\\w`` — is exactly one token, nothing else is
  folded), and its written forms unindexed for ranking. A query word is a prefix query on the forms
  (exact under three letters) or a match of its plural root; the ranking of
  :meth:`bot.cache.search.SearchIndex.search_all` — words matched as written, folded, by
  prefix, by plural; then weight; then index order — is computed in SQL. The same hits
  in the same order as the in-memory index (tests/test_archive.py).

Incremental: a new archive is the newest one of this format beside it, copied and
updated — only the texts and index entries that differ are deleted or inserted, and the
unchanged texts' bases are read instead of computed (:func:`write_archive`). The same
archive as one written from scratch (tested on a dossier grown article by article).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from bot.arabic.fold import fold
from bot.arabic.plural import pattern_root
from bot.cache.search import (
    MIN_PREFIX_CHARS,
    Base,
    Hit,
    KnownBases,
    SearchIndex,
    bases_version,
    clear_memos,
)
from bot.cache.store import load_cache, loads_cache
from bot.errors import CacheError
from bot.model import ArticleText, Cache, Evidence

FORMAT = 2
ARCHIVE_DIR = "archive"
#: archives kept in the directory (the newest): the served one, and a few a running
#: process may still have open while the live cache moves on
KEEP = 4
TEXTS_REMEMBERED = 64
_TOKEN = re.compile(r"\w+")
log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE texts(
    article_id TEXT PRIMARY KEY, digest TEXT NOT NULL, body TEXT NOT NULL, bases TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE hits(
    n INTEGER PRIMARY KEY, place INTEGER NOT NULL, weight INTEGER NOT NULL,
    sig TEXT NOT NULL UNIQUE, body TEXT NOT NULL
);
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


def _bases_json(bases: Sequence[Base | None]) -> str:
    return json.dumps(bases, ensure_ascii=False, separators=(",", ":"))


def _bases_of(body: str) -> list[Base | None]:
    return [None if b is None else (b[0], b[1], b[2], b[3]) for b in json.loads(body)]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _Row:
    """One search index entry as the archive stores it; ``sig`` tells it apart."""

    __slots__ = ("body", "forms", "roots", "sig", "weight", "written")

    def __init__(self, row: tuple[Hit, tuple[str, str, str], int]) -> None:
        hit, (self.forms, self.written, self.roots), self.weight = row
        self.body = _hit_json(hit)
        self.sig = _digest(
            "\0".join((self.body, self.forms, self.written, self.roots, str(self.weight)))
        )


def _index_rows(cache: Cache, known: KnownBases | None) -> tuple[list[_Row], SearchIndex]:
    index = SearchIndex(cache, known, postings=False)
    rows = [_Row(r) for r in index.rows()]
    seen: dict[str, int] = {}
    for row in rows:  # two equal entries (rare) are told apart by their rank
        k = seen[row.sig] = seen.get(row.sig, 0) + 1
        if k > 1:
            row.sig += f"#{k}"
    return rows, index


def _insert_rows(db: sqlite3.Connection, rows: Sequence[tuple[int, int, _Row]]) -> None:
    """Insert ``(n, place, row)``: the hit and its words, under the number ``n``."""
    db.executemany(
        "INSERT INTO hits VALUES (?, ?, ?, ?, ?)",
        ((n, place, r.weight, r.sig, r.body) for n, place, r in rows),
    )
    db.executemany(
        "INSERT INTO words(rowid, forms, roots, written) VALUES (?, ?, ?, ?)",
        ((n, r.forms, r.roots, r.written) for n, _, r in rows),
    )


def _texts(cache: Cache) -> list[tuple[str, str, str]]:
    """Each text's (article id, digest, JSON)."""
    out = []
    for t in cache.texts:
        body = t.model_dump_json()
        out.append((t.article_id, _digest(body), body))
    return out


def _write_new(db: sqlite3.Connection, cache: Cache, key: str) -> None:
    """Fill an empty database with the archive of ``cache``."""
    db.executescript(_SCHEMA)
    core = cache.model_copy(update={"texts": []}).model_dump_json(by_alias=True)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("format", str(FORMAT)), ("bases", bases_version()), ("key", key), ("core", core)],
    )
    rows, index = _index_rows(cache, None)
    db.executemany(
        "INSERT INTO texts VALUES (?, ?, ?, ?)",
        ((a, d, body, _bases_json(index.bases.get(a, []))) for a, d, body in _texts(cache)),
    )
    _insert_rows(db, [(n, n, r) for n, r in enumerate(rows)])
    db.execute("INSERT INTO words(words) VALUES ('optimize')")


def _update(db: sqlite3.Connection, cache: Cache, key: str) -> None:
    """Turn a copy of an earlier archive into the archive of ``cache``: rows of texts
    that went or changed are deleted, those of new or changed texts inserted, and index
    entries likewise; the bases of unchanged texts are read, not computed again."""
    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'bases')"))
    if meta.get("format") != str(FORMAT):
        raise CacheError("not an archive of this format")
    if meta.get("bases") != bases_version():  # written by other rules: no base is reused
        db.execute("DELETE FROM texts")
    texts = _texts(cache)
    db.execute(
        "CREATE TEMP TABLE new_texts(article_id TEXT PRIMARY KEY, digest TEXT) WITHOUT ROWID"
    )
    db.executemany("INSERT INTO new_texts VALUES (?, ?)", ((a, d) for a, d, _ in texts))
    db.execute(
        "DELETE FROM texts WHERE NOT EXISTS (SELECT 1 FROM new_texts n "
        "WHERE n.article_id = texts.article_id AND n.digest = texts.digest)"
    )

    def known(body: ArticleText) -> list[Base | None] | None:
        row = db.execute(
            "SELECT t.bases FROM texts t JOIN new_texts n USING (article_id, digest) "
            "WHERE t.article_id = ?",
            (body.article_id,),
        ).fetchone()
        return _bases_of(row[0]) if row else None

    rows, index = _index_rows(cache, known)
    kept = {a for (a,) in db.execute("SELECT article_id FROM texts")}
    db.executemany(
        "INSERT INTO texts VALUES (?, ?, ?, ?)",
        (
            (a, d, body, _bases_json(index.bases.get(a, [])))
            for a, d, body in texts
            if a not in kept
        ),
    )
    del texts, index
    db.execute("CREATE TEMP TABLE new_hits(sig TEXT PRIMARY KEY, place INTEGER) WITHOUT ROWID")
    db.executemany("INSERT INTO new_hits VALUES (?, ?)", ((r.sig, n) for n, r in enumerate(rows)))
    gone = "SELECT n FROM hits WHERE sig NOT IN (SELECT sig FROM new_hits)"
    db.execute(f"DELETE FROM words WHERE rowid IN ({gone})")
    db.execute(f"DELETE FROM hits WHERE n IN ({gone})")
    db.execute(
        "UPDATE hits SET place = new_hits.place FROM new_hits "
        "WHERE new_hits.sig = hits.sig AND hits.place <> new_hits.place"
    )
    added = [
        place
        for (place,) in db.execute(
            "SELECT place FROM new_hits WHERE sig NOT IN (SELECT sig FROM hits) ORDER BY place"
        )
    ]
    (top,) = db.execute("SELECT coalesce(max(n), -1) FROM hits").fetchone()
    _insert_rows(db, [(top + 1 + i, place, rows[place]) for i, place in enumerate(added)])
    core = cache.model_copy(update={"texts": []}).model_dump_json(by_alias=True)
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [("bases", bases_version()), ("key", key), ("core", core)],
    )
    db.execute("DROP TABLE new_texts")
    db.execute("DROP TABLE new_hits")


def _previous(directory: Path, path: Path) -> Path | None:
    """The newest archive of this format beside ``path``: the base of an update."""
    found = [p for p in directory.glob(f"*-v{FORMAT}.sqlite") if p != path]
    return max(found, key=lambda p: p.stat().st_mtime_ns, default=None)


def write_archive(path: Path, cache: Cache, key: str, *, incremental: bool = True) -> Path:
    """Write the archive of ``cache`` (a fully loaded one, texts included) to ``path``
    through a temporary file and a rename; older archives beside it beyond :data:`KEEP`
    are removed.

    When an archive of this format is beside it (the previous live cache's, say), the
    new one is that archive updated — copied, then only the texts and index entries that
    differ written (``incremental=False``: always from scratch). The same archive as one
    written from scratch (tests/test_archive.py); a previous file that is not a
    readable archive of this format is left aside and the archive written from scratch.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        previous = _previous(path.parent, path) if incremental else None
        done = False
        if previous is not None:
            try:
                shutil.copyfile(previous, tmp)
                db = sqlite3.connect(tmp)
                try:
                    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
                    _update(db, cache, key)
                    db.commit()
                    done = True
                finally:
                    db.close()
            except (
                sqlite3.DatabaseError,
                CacheError,
                ValueError,
                KeyError,
                TypeError,
                IndexError,
            ) as exc:
                log.warning(
                    "archive %s not updatable (%s): writing %s anew", previous.name, exc, path.name
                )
                Path(tmp).unlink(missing_ok=True)
                Path(tmp).touch()
        if not done:
            db = sqlite3.connect(tmp)
            try:
                db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
                _write_new(db, cache, key)
                db.commit()
            finally:
                db.close()
        clear_memos()  # the words memoised while indexing: not kept by a serving process
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(path.parent, keep=path)
    return path


def _prune(directory: Path, keep: Path) -> None:
    """Keep ``keep`` and the newest :data:`KEEP` - 1 other archives; remove the rest,
    archives of other formats, and temporary files a killed writer left (an hour old)."""
    found = sorted(
        (p for p in directory.glob("*.sqlite") if p != keep),
        key=lambda p: (p.name.endswith(f"-v{FORMAT}.sqlite"), p.stat().st_mtime_ns),
        reverse=True,
    )
    for old in found[KEEP - 1 :]:
        old.unlink(missing_ok=True)  # an open reader keeps its file until it closes
    for old in found[: KEEP - 1]:
        if not old.name.endswith(f"-v{FORMAT}.sqlite"):
            old.unlink(missing_ok=True)
    stale = time.time() - 3600
    for tmp in directory.glob(".*.tmp"):
        try:
            if tmp.stat().st_mtime < stale:
                tmp.unlink()
        except FileNotFoundError:
            pass


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
            "hits.place"
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
