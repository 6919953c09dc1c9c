"""``digestbot build [--check] [--seeds DIR] [--out DIR]``: write or verify ``summaries/``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cache.build import (
    CACHE_FILE,
    BuildSettings,
    checked_cache,
    paused_gc,
    read_inputs,
    render_outputs,
    source_digest,
    stale_report,
    with_subject,
    write_outputs,
)
from bot.cache.store import load_cache
from bot.cache.support import Unsupported, unsupported
from bot.digest.rankers import RANKERS
from bot.errors import CacheError, CorpusError

DEFAULT_SEEDS = Path("seeds")
DEFAULT_OUT = Path("summaries")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `digestbot build` (the CLI calls this only when `build` is chosen)."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the output directory differs from a fresh build",
    )
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="input directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument(
        "--algorithm",
        choices=sorted(RANKERS),
        default=BuildSettings().algorithm,
        help="digest algorithm (default: the one docs/digest-evaluation.md chose)",
    )


def build_files(seeds: Path, settings: BuildSettings) -> dict[str, str]:
    """Load the corpus from ``seeds`` and render every output file (no writes)."""
    return build_checked(seeds, settings)[0]


def build_checked(seeds: Path, settings: BuildSettings) -> tuple[dict[str, str], list[Unsupported]]:
    """The output files and the unsupported citations the citation check dropped."""
    from bot.corpus import load_corpus  # the corpus loader pulls in the Arabic stack

    if not seeds.is_dir():
        raise CorpusError(f"seeds directory {seeds} does not exist")
    inputs = read_inputs(seeds)
    settings = with_subject(settings, seeds)
    with paused_gc():
        articles = load_corpus(seeds)
        digest = source_digest(inputs, settings)
        cache, dropped = checked_cache(articles, digest=digest, settings=settings)
        return render_outputs(cache), dropped


def committed_unsupported(out: Path) -> list[Unsupported] | None:
    """Unsupported citations in the committed cache; None when there is none to read."""
    path = out / CACHE_FILE
    if not path.exists():
        return None
    try:
        return unsupported(load_cache(path))
    except CacheError:
        return None  # stale_report names the problem


def main(args: argparse.Namespace) -> int:
    """Build (or with --check verify) the output directory; 1 means stale."""
    settings = BuildSettings(algorithm=args.algorithm)
    outputs, dropped = build_checked(args.seeds, settings)
    out: Path = args.out
    print(
        f"citation check: {len(dropped)} unsupported citation(s) found and dropped"
        + (":" if dropped else "")
    )
    for item in dropped:
        print(f"  - {item.describe()}")
    if args.check:
        problems = stale_report(out, outputs)
        committed = committed_unsupported(out) or []
        problems += [f"unsupported citation: {u.describe()}" for u in committed]
        if problems:
            print(f"{out}/ is stale; run `digestbot build` and commit the result:", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        print(f"{out}/ is up to date ({len(outputs)} files)")
        return 0
    changed = write_outputs(out, outputs)
    print(f"built {out}/: {len(outputs)} files, {len(changed)} changed")
    for name in changed:
        print(f"  {name}")
    return 0
