"""``digestbot digest ID``: print one article's digest from the cache (no NLP at run time)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cache.markdown import shown_date
from bot.cache.store import load_cache
from bot.errors import CacheError
from bot.model import ArticleEntry, Cache, Digest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `digestbot digest`."""
    parser.add_argument("article_id", metavar="ID", help="article id, or a unique prefix of one")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="cache file (default: DIGESTBOT_CACHE or summaries/cache.json)",
    )


def find_digest(cache: Cache, wanted: str) -> tuple[ArticleEntry, Digest]:
    """The article and digest for an id or unique id prefix; a clear error otherwise."""
    ids = [a.id for a in cache.articles]
    matches = [i for i in ids if i == wanted] or [i for i in ids if i.startswith(wanted)]
    if len(matches) != 1:
        problem = "is ambiguous" if matches else "is not in the cache"
        raise CacheError(f"article {wanted!r} {problem}; known ids: {', '.join(ids)}")
    entry = cache.article(matches[0])
    digest = cache.digest(matches[0])
    if entry is None or digest is None:
        raise CacheError(f"article {matches[0]!r} has no digest; rebuild with `digestbot build`")
    return entry, digest


def format_digest(entry: ArticleEntry, digest: Digest) -> str:
    """Plain text for a terminal: headline, outlet and date, the sentences, the link."""
    lines = [entry.title, f"{entry.source or 'مصدر غير معروف'} · {shown_date(entry)}", ""]
    pairs = zip(digest.sentence_indices, digest.sentences, strict=True)
    lines += [f"• {sentence} [{index}]" for index, sentence in pairs]
    if entry.url:
        lines += ["", entry.url]
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Print the digest; a missing cache or unknown id is a CacheError (exit 2)."""
    path: Path = args.cache
    if path is None:
        from bot.config import Settings

        path = Settings().cache_path
    entry, digest = find_digest(load_cache(path), args.article_id)
    try:
        print(format_digest(entry, digest))
    except BrokenPipeError:  # `digestbot digest 000 | head` closed the pipe early
        sys.stderr.close()
    return 0
