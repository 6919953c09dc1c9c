"""The live cache: seeds plus accepted articles, rebuilt incrementally, written atomically.

A new article costs its own products — its digest, timeline candidates, provision
mentions and parsed statements, kept per article under a key of its content and the
pipeline's settings (in memory and as files under ``<data dir>/products/``) — and only the
cross-article merges (timeline, provisions, reactions) run again over the whole dossier.
A statement parse records the few questions it asked of the rest of the dossier (see
:mod:`bot.extract.consulted`); it is redone only for an article whose answers the new
article changed.

The file is ``<data dir>/live/cache.json``, written to a temporary file in the same
directory and renamed over the old one, so a reader sees the old cache or the new one,
never half. The committed ``summaries/`` stays the seeds-only build that ``build
--check`` guards. :class:`LiveCacheWatcher` lets a running bot notice a new file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.arabic.normalize import normalize
from bot.cache.archive import archive_path, cache_key, open_served, write_archive
from bot.cache.build import BuildSettings, article_entry, article_text, paused_gc
from bot.cache.store import dumps_cache
from bot.cache.support import drop_unsupported
from bot.corpus import build_article
from bot.corpus_types import Article, ArticleMeta
from bot.digest.digest import digest_article
from bot.errors import CacheError, CorpusError
from bot.extract.reactions import ArticleReactions, merge_reactions
from bot.extract.timeline import Undated, merge, undated_reports
from bot.extract.timeline_candidates import Candidate, candidates
from bot.extract.treaty import ProvisionMention, article_provisions, merge_provisions
from bot.extract.vocabulary import vocabulary
from bot.ingest.serving import live_cache_path, serving_cache
from bot.model import ArticleText, Cache, Digest

PRODUCTS_DIR = "products"
#: bump when :class:`Products` changes shape: files of another shape are then never read
#: (2: provision mentions, reaction stages and the article's text joined the products)
PRODUCTS_VERSION = 3


def row_article(
    article_id: str,
    *,
    title: str,
    text: str,
    outlet: str | None,
    url: str | None,
    published: dt.date,
    published_reason: str,
) -> Article:
    """An ingested article in the pipeline's shape (cleaned and split like a seed).

    Raises :class:`CorpusError` when nothing is left after cleaning.
    """
    meta = ArticleMeta(
        id=article_id,
        file=f"{article_id}.txt",
        title=title or text.strip().splitlines()[0][:120],
        source=outlet,
        url=url,
        published=published,
        published_precision="day",
        published_reason=published_reason,
    )
    raw = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    return build_article(meta, raw)


def article_key(article: Article, settings: BuildSettings) -> str:
    """Content hash of one article as the pipeline sees it, plus the pipeline settings."""
    h = hashlib.sha256()
    h.update(
        json.dumps({**settings.as_dict(), "products": PRODUCTS_VERSION}, sort_keys=True).encode()
    )
    m = article.meta
    for part in (
        m.id,
        m.title,
        m.source or "",
        m.url or "",
        m.published.isoformat(),
        m.published_precision,
        m.published_reason,
        *article.paragraphs,
    ):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class Products:
    digest: Digest
    candidates: list[Candidate]
    undated: list[Undated]
    provisions: tuple[ProvisionMention, ...]
    reactions: ArticleReactions
    text: ArticleText


@dataclass
class ProductCache:
    """Per-article products by :func:`article_key`; optionally persisted as files."""

    settings: BuildSettings = field(default_factory=BuildSettings)
    directory: Path | None = None
    _memo: dict[str, Products] = field(default_factory=dict)
    computed: int = 0

    def get(self, article: Article) -> Products:
        return self.keyed(article)[1]

    def keyed(self, article: Article) -> tuple[str, Products]:
        key = article_key(article, self.settings)
        found = self._memo.get(key)
        if found is None and self.directory is not None:
            found = self._load(key)
        if found is None:
            found = self._compute(article)
            self.computed += 1
            if self.directory is not None:
                self._save(key, found)
        self._memo[key] = found
        return key, found

    def update(self, key: str, products: Products) -> None:
        """Store ``products`` again after a merge refilled part of them."""
        self._memo[key] = products
        if self.directory is not None:
            self._save(key, products)

    def _compute(self, article: Article) -> Products:
        s = self.settings
        choice = digest_article(
            article,
            s.algorithm,
            min_sentences=s.min_sentences,
            max_sentences=s.max_sentences,
            budget=s.budget,
            subject=s.subject,
        )
        digest = Digest(
            article_id=choice.article_id,
            algorithm=choice.algorithm,
            sentence_indices=list(choice.indices),
            sentences=list(choice.sentences),
        )
        cands = candidates(article)
        return Products(
            digest,
            cands,
            undated_reports(article, cands),
            article_provisions(article),
            ArticleReactions.of(article),
            article_text(article),
        )

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.pickle"

    def _load(self, key: str) -> Products | None:
        # files this process wrote itself (same package version is part of the key)
        try:
            with self._path(key).open("rb") as fh:
                value: Any = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None
        return value if isinstance(value, Products) else None

    def _save(self, key: str, products: Products) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, pickle.dumps(products, protocol=pickle.HIGHEST_PROTOCOL))


def dossier_digest(articles: Sequence[Article], settings: BuildSettings) -> str:
    """The live cache's version: a hash of every article's key (order-independent)."""
    return _digest_of_keys(article_key(a, settings) for a in articles)


def _digest_of_keys(keys: Iterable[str]) -> str:
    h = hashlib.sha256()
    for key in sorted(keys):
        h.update(key.encode())
    return "live:sha256:" + h.hexdigest()


def build_live_cache(articles: Sequence[Article], products: ProductCache) -> Cache:
    """The cache for ``articles``; per-article work comes from ``products``.

    Equal to :func:`bot.cache.build.build_cache` over the same articles (tested).
    """
    settings = products.settings
    ordered = sorted(articles, key=lambda a: a.id)
    with paused_gc(generation=0):
        keyed = [products.keyed(a) for a in ordered]
        made = [p for _, p in keyed]
        timeline = merge(
            [c for p in made for c in p.candidates], [u for p in made for u in p.undated]
        )
        parsed = [p.reactions.computed for p in made]
        reactions = merge_reactions(ordered, [p.reactions for p in made])
        treaty = merge_provisions([p.provisions for p in made])
        for (key, p), before in zip(keyed, parsed, strict=True):
            if p.reactions.computed != before:
                products.update(key, p)  # its statements were parsed (again)
    english = vocabulary().party_english
    cache = Cache(
        source_digest=_digest_of_keys(key for key, _ in keyed),  # = dossier_digest
        digest_algorithm=settings.algorithm,
        articles=[article_entry(a) for a in ordered],
        digests=[p.digest for p in made],
        timeline=timeline,
        treaty_articles=treaty,
        reactions=reactions,
        party_names_en={
            p: english[p] for p in sorted({r.party for r in reactions if r.party}) if p in english
        },
        texts=[p.text for p in made],
    )
    return drop_unsupported(cache)[0]  # the same citation check as a full build


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (POSIX-atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_live_cache(data_dir: Path, cache: Cache) -> Path:
    """Atomically replace the live cache file; returns its path.

    Its archive (texts and search index in SQLite, :mod:`bot.cache.archive`) is written
    first, also through a rename, so a bot noticing the new file opens it at once."""
    path = live_cache_path(data_dir)
    data = dumps_cache(cache).encode("utf-8")
    key = cache_key(data)
    write_archive(archive_path(data_dir, key), cache, key)
    atomic_write_bytes(path, data)
    return path


class LiveCacheWatcher:
    """Notices a new live cache file by (mtime, size, inode) and loads it once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None

    def poll(self) -> Cache | None:
        """The new cache if the file changed since the last call, else None.

        A file that fails to load (it never should: writes are atomic) is reported as a
        :class:`CacheError` once and not retried until it changes again.
        """
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        return open_served(self.path, self.path.parent.parent)  # <data dir>/live/cache.json


def title_key(title: str) -> str:
    return normalize(title)


__all__ = [
    "CacheError",
    "CorpusError",
    "LiveCacheWatcher",
    "ProductCache",
    "atomic_write_bytes",
    "build_live_cache",
    "live_cache_path",
    "row_article",
    "serving_cache",
    "write_live_cache",
]
