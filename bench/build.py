"""Time `digestbot build` on the seeds and on synthetic corpora recombined from them.

    .venv/bin/python bench/build.py [--sizes 250,500,1000] [--seed 2024]

For each corpus it runs the real pipeline stage by stage — load_corpus (read, clean,
split), one digest per article, the three extractors, rendering cache.json and the
Markdown — and prints the per-article digest time (median, p95), the whole build's total
and its cost per article (CPU time, so other load on the machine does not count), and at
the end the process's peak resident memory. Synthetic
articles are deterministic (seeded RNG): 5–40 paragraphs drawn from the cleaned seed
paragraphs, written to a temporary seeds/ directory with an articles.toml, so the loader
is measured too. Target (docs/architecture.md, Targets): ≤ 50 ms per article median, linear growth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from scale_corpus import write_article  # bench/: one synthetic-article writer

from bot.cache.build import BuildSettings, article_entry, paused_gc, render_outputs
from bot.corpus import load_corpus
from bot.corpus_types import Article
from bot.digest.digest import digest_article
from bot.extract.reactions import extract_reactions
from bot.extract.timeline import extract_timeline
from bot.extract.treaty import extract_treaty_articles
from bot.model import Cache, Digest

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    """Run ``fn``; return its result and the CPU seconds this process spent on it.

    CPU time, not wall time: on a shared machine, waiting for a core is not the build's
    cost. The whole build's wall time is printed too.
    """
    start = time.process_time()
    result = fn()
    return result, time.process_time() - start


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def write_synthetic(target: Path, seeds: Sequence[Article], count: int, seed: int) -> None:
    """A deterministic corpus of ``count`` articles recombined from the seed paragraphs."""
    rng = random.Random(seed)
    pool = [p for a in seeds for p in a.paragraphs]
    entries = []
    for n in range(count):
        template = seeds[n % len(seeds)].meta
        paragraphs = rng.sample(pool, k=min(len(pool), rng.randint(5, 40)))
        published = template.published + dt.timedelta(days=n % 365)
        entries.append(write_article(target, n, paragraphs, template.source, published))
    (target / "articles.toml").write_text("\n".join(entries), encoding="utf-8")


def bench_corpus(label: str, seeds_dir: Path) -> float:
    """Run and report the build stages on one corpus; returns whole-build ms per article."""
    settings = BuildSettings()
    wall_start = time.perf_counter()
    articles, t_load = _timed(lambda: load_corpus(seeds_dir))
    digest_times = []
    digests = []
    for article in articles:
        choice, t = _timed(partial(digest_article, article, settings.algorithm))
        digest_times.append(t)
        digests.append(choice)
    timeline, t_timeline = _timed(lambda: extract_timeline(articles))
    treaty, t_treaty = _timed(lambda: extract_treaty_articles(articles))
    reactions, t_reactions = _timed(lambda: extract_reactions(articles))

    def render() -> dict[str, str]:
        cache = Cache(
            source_digest="bench",
            digest_algorithm=settings.algorithm,
            articles=[article_entry(a) for a in articles],
            digests=[
                Digest(
                    article_id=c.article_id,
                    algorithm=c.algorithm,
                    sentence_indices=list(c.indices),
                    sentences=list(c.sentences),
                )
                for c in digests
            ],
            timeline=timeline,
            treaty_articles=treaty,
            reactions=reactions,
        )
        return render_outputs(cache)

    _, t_render = _timed(render)
    wall = time.perf_counter() - wall_start
    n = len(articles)
    total = t_load + sum(digest_times) + t_timeline + t_treaty + t_reactions + t_render
    sentences = sum(len(a.sentences) for a in articles)
    print(f"\n## {label}: {n} articles, {sentences} sentences")
    print(
        f"digest per article: median {statistics.median(digest_times) * 1e3:.1f} ms, "
        f"p95 {_p95(digest_times) * 1e3:.1f} ms, max {max(digest_times) * 1e3:.1f} ms"
    )
    print(
        f"stages: load {t_load * 1e3:.0f} ms · digests {sum(digest_times) * 1e3:.0f} ms · "
        f"timeline {t_timeline * 1e3:.0f} ms · treaty {t_treaty * 1e3:.0f} ms · "
        f"reactions {t_reactions * 1e3:.0f} ms · render {t_render * 1e3:.0f} ms"
    )
    per_article = total / n * 1e3
    print(
        f"whole build: {total:.2f} s CPU total ({wall:.2f} s wall), "
        f"{per_article:.1f} ms CPU per article"
    )
    return per_article


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--sizes", default="250,500,1000", help="synthetic corpus sizes")
    parser.add_argument("--seed", type=int, default=2024, help="RNG seed of the synthetic corpus")
    args = parser.parse_args(argv)
    seeds = load_corpus(args.seeds)
    with paused_gc():
        bench_corpus("seeds", args.seeds)
    per_article: dict[int, float] = {}
    for size in (int(s) for s in args.sizes.split(",") if s):
        with tempfile.TemporaryDirectory(prefix="digestbot-bench-") as tmp:
            write_synthetic(Path(tmp), seeds, size, args.seed)
            with paused_gc():  # as `digestbot build` does
                per_article[size] = bench_corpus(f"synthetic ×{size}", Path(tmp))
    if len(per_article) > 1:
        sizes = sorted(per_article)
        growth = per_article[sizes[-1]] / per_article[sizes[0]]
        print(
            f"\nlinearity: ms per article at {sizes[0]} → {sizes[-1]} articles: "
            f"{per_article[sizes[0]]:.1f} → {per_article[sizes[-1]]:.1f} "
            f"(×{growth:.2f}; 1.0 = linear)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
