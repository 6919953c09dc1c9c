"""The offline pipeline's last step: articles → :class:`Cache` → the files of ``summaries/``.

Everything here is pure except :func:`read_inputs`, :func:`write_outputs` and
:func:`stale_report`, which touch the file system. Determinism is the contract: the
same inputs and settings give the same bytes, and ``source_digest`` says which inputs.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bot import __version__
from bot.arabic.boilerplate import is_heading
from bot.cache.markdown import render_digest_markdown
from bot.cache.store import dumps_cache
from bot.cache.support import Unsupported, drop_unsupported
from bot.corpus_types import Article
from bot.digest.digest import DEFAULT_ALGORITHM, digest_article
from bot.digest.select import CHAR_BUDGET, MAX_SENTENCES, MIN_SENTENCES
from bot.digest.subject import DOSSIER_FILE, Subject, load_subject
from bot.extract.reactions import extract_reactions
from bot.extract.timeline import extract_timeline
from bot.extract.treaty import extract_treaty_articles
from bot.extract.vocabulary import vocabulary
from bot.model import SCHEMA_VERSION, ArticleEntry, ArticleText, Cache, Digest

#: bump when the pipeline's output changes for the same inputs and settings
PIPELINE_VERSION = 3  # 3: the cache carries article texts; unsupported citations dropped
CACHE_FILE = "cache.json"
METADATA_FILE = "articles.toml"


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """Every knob that changes the output; hashed into ``source_digest``."""

    algorithm: str = DEFAULT_ALGORITHM
    min_sentences: int = MIN_SENTENCES
    max_sentences: int = MAX_SENTENCES
    budget: int = CHAR_BUDGET
    #: what the dossier is about (its definition's terms), weighed by the digests
    subject: Subject | None = None

    def as_dict(self) -> dict[str, object]:
        """The settings plus pipeline, schema and package versions: all that shapes output."""
        return {
            "algorithm": self.algorithm,
            "min_sentences": self.min_sentences,
            "max_sentences": self.max_sentences,
            "budget": self.budget,
            "subject": self.subject.describe() if self.subject else None,
            "pipeline_version": PIPELINE_VERSION,
            "schema": SCHEMA_VERSION,
            "digestbot": __version__,
        }


@contextmanager
def paused_gc(generation: int = 2) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch build.

    A build allocates many small objects that stay alive until it ends; each full
    collection walks all of them, so with the collector on the per-article cost grows
    with the corpus (measured: the last 250 of 1,000 synthetic articles digest about 2×
    slower than the first 250). Reference counting still frees almost everything; one
    collection at the end reclaims the rest. While paused, every new object stays in the
    youngest generation, so ``generation=0`` collects exactly what this build allocated
    (the live cache: a full collection would walk every article's kept products each
    time one article arrives, about 0.5 s at 1,000 articles).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect(generation)


def input_files(seeds_dir: Path) -> list[Path]:
    """The files a build reads: ``articles.toml``, ``dossier.toml`` (the subject the
    digests weigh) and every ``*.txt`` seed, sorted."""
    files = sorted(seeds_dir.glob("*.txt"))
    known = [seeds_dir / METADATA_FILE, seeds_dir / DOSSIER_FILE]
    return [p for p in known if p.exists()] + files


def with_subject(settings: BuildSettings, seeds_dir: Path) -> BuildSettings:
    """``settings`` with the subject of the dossier defined beside the seeds, unless set."""
    if settings.subject is not None:
        return settings
    return replace(settings, subject=load_subject(seeds_dir / DOSSIER_FILE))


def source_digest(inputs: Mapping[str, bytes], settings: BuildSettings) -> str:
    """SHA-256 over the input files (name and bytes) and the settings, order-independent."""
    h = hashlib.sha256()
    h.update(json.dumps(settings.as_dict(), sort_keys=True).encode())
    for name in sorted(inputs):
        data = inputs[name]
        h.update(f"\0{name}\0{len(data)}\0".encode())
        h.update(data)
    return "sha256:" + h.hexdigest()


def read_inputs(seeds_dir: Path) -> dict[str, bytes]:
    """The bytes of every input file, keyed by its name relative to ``seeds_dir``."""
    return {p.relative_to(seeds_dir).as_posix(): p.read_bytes() for p in input_files(seeds_dir)}


def article_entry(article: Article) -> ArticleEntry:
    """The served metadata of one article (dates as ISO text, as the schema stores them)."""
    meta = article.meta
    return ArticleEntry(
        id=meta.id,
        title=meta.title,
        source=meta.source,
        url=meta.url,
        published=meta.published.isoformat(),
        published_precision=meta.published_precision,
        published_reason=meta.published_reason,
    )


def article_text(article: Article) -> ArticleText:
    """The article's sentences as served by /source and searched by /search."""
    return ArticleText(
        article_id=article.id,
        sentences=[s.text for s in article.sentences],
        paragraphs=[s.paragraph for s in article.sentences],
        headings=[
            s.index
            for s in article.sentences
            if is_heading(s.text) and article.paragraphs[s.paragraph].strip() == s.text.strip()
        ],
    )


def build_digests(articles: Sequence[Article], settings: BuildSettings) -> list[Digest]:
    """One :class:`Digest` per article, in the articles' order."""
    digests = []
    for article in articles:
        choice = digest_article(
            article,
            settings.algorithm,
            min_sentences=settings.min_sentences,
            max_sentences=settings.max_sentences,
            budget=settings.budget,
            subject=settings.subject,
        )
        digests.append(
            Digest(
                article_id=choice.article_id,
                algorithm=choice.algorithm,
                sentence_indices=list(choice.indices),
                sentences=list(choice.sentences),
            )
        )
    return digests


def build_cache(
    articles: Sequence[Article],
    *,
    digest: str,
    settings: BuildSettings | None = None,
) -> Cache:
    """Every view the bot serves, computed once from the loaded articles; a citation whose
    sentence does not carry its line is dropped (see :mod:`bot.cache.support`)."""
    return checked_cache(articles, digest=digest, settings=settings)[0]


def checked_cache(
    articles: Sequence[Article],
    *,
    digest: str,
    settings: BuildSettings | None = None,
) -> tuple[Cache, list[Unsupported]]:
    """The cache as :func:`build_cache` gives it, and the unsupported citations dropped."""
    return drop_unsupported(assemble_cache(articles, digest=digest, settings=settings))


def assemble_cache(
    articles: Sequence[Article],
    *,
    digest: str,
    settings: BuildSettings | None = None,
) -> Cache:
    """Every view as the extractors give it, before the citation check."""
    settings = settings or BuildSettings()
    ordered = sorted(articles, key=lambda a: a.id)
    reactions = extract_reactions(ordered)
    english = vocabulary().party_english
    return Cache(
        source_digest=digest,
        digest_algorithm=settings.algorithm,
        articles=[article_entry(a) for a in ordered],
        digests=build_digests(ordered, settings),
        timeline=extract_timeline(ordered),
        treaty_articles=extract_treaty_articles(ordered),
        reactions=reactions,
        party_names_en={
            p: english[p] for p in sorted({r.party for r in reactions if r.party}) if p in english
        },
        texts=[article_text(a) for a in ordered],
    )


def render_outputs(cache: Cache) -> dict[str, str]:
    """File name → content for ``summaries/``: ``cache.json`` and one ``<id>.md`` per digest."""
    outputs = {CACHE_FILE: dumps_cache(cache)}
    for digest in cache.digests:
        entry = cache.article(digest.article_id)
        if entry is None:  # pragma: no cover - build_cache always pairs them
            raise AssertionError(f"digest without article: {digest.article_id}")
        outputs[f"{digest.article_id}.md"] = render_digest_markdown(entry, digest)
    return outputs


def write_outputs(out_dir: Path, outputs: Mapping[str, str]) -> list[str]:
    """Write ``outputs`` into ``out_dir``; remove generated files no longer produced.

    Returns the names written or removed. Only ``*.md`` and ``*.json`` are ever removed,
    so a mistaken ``--out`` cannot delete unrelated files. Unchanged files are left
    untouched (their mtime too), which keeps rebuilds cheap and git quiet.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    for name, text in sorted(outputs.items()):
        path = out_dir / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(name)
    for path in sorted(out_dir.iterdir()):
        if path.is_file() and path.suffix in {".md", ".json"} and path.name not in outputs:
            path.unlink()
            changed.append(path.name)
    return changed


def stale_report(out_dir: Path, outputs: Mapping[str, str]) -> list[str]:
    """What in ``out_dir`` differs from a fresh build: missing, differing and extra files."""
    if not out_dir.is_dir():
        return [f"{out_dir}/ does not exist"]
    problems = []
    for name, text in sorted(outputs.items()):
        path = out_dir / name
        if not path.exists():
            problems.append(f"missing: {path}")
        elif path.read_bytes() != text.encode("utf-8"):
            problems.append(f"differs from a fresh build: {path}")
    for path in sorted(out_dir.iterdir()):
        if path.name not in outputs and not path.name.startswith("."):
            problems.append(f"extra (not produced by the build): {path}")
    return problems
