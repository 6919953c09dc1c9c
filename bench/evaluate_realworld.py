"""Score the extractors on the real-article corpus; print Markdown tables.

    DIGESTBOT_CORPUS=/path/to/corpus .venv/bin/python bench/evaluate_realworld.py
        [--status] [--details] [--story SLUG ...]

``--status`` lists which texts of each manifest are present, missing or changed (sha256).
Otherwise one row per story, then the dev total and the test total separately.
``--details`` adds misses, junk and stance errors — for dev stories only: test stories
print aggregate numbers and nothing item-level, so rule writers never see test items.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from realworld import (  # noqa: E402
    LONG_SENTENCE,
    Manifest,
    StoryScore,
    Total,
    corpus_root,
    load_manifests,
    score_story,
    state,
    total,
)

from bot.extract.quality import Counts  # noqa: E402


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def status(manifests: list[Manifest], root: Path) -> str:
    rows = []
    details = []
    for m in manifests:
        states = Counter(state(root, m.story, e) for e in m.articles)
        rows.append(
            [
                m.story,
                m.split,
                str(len(m.articles)),
                str(states["present"]),
                str(states["missing"]),
                str(states["sha256 mismatch"]),
            ]
        )
        if m.split == "dev":
            details += [
                f"- {m.story}/{e.id}: {st}"
                for e in m.articles
                if (st := state(root, m.story, e)) != "present"
            ]
    out = f"corpus root: {root}\n\n"
    out += _table(["story", "split", "listed", "present", "missing", "sha256 mismatch"], rows)
    return out + ("\n\n" + "\n".join(details) if details else "")


def _pr(c: Counts) -> list[str]:
    return [f"{c.matched}/{c.gold}", f"{c.recall:.2f}", f"{c.precision:.2f}"]


HEADER = [
    "story",
    "split",
    "articles",
    "speaker+party",
    "R",
    "P",
    "R any",
    "stance",
    "provisions",
    "R",
    "P",
    "junk",
    "events",
    "R",
    "P",
    f"sent.>{LONG_SENTENCE} (glued)",
    "unresolved gold",
]


def _row(s: StoryScore) -> list[str]:
    r, p, e = s.reactions, s.provisions, s.events
    return [
        s.story,
        s.split,
        f"{s.present}/{s.listed}",
        *_pr(r),
        f"{r.found_any / r.gold if r.gold else 1.0:.2f}",
        f"{r.stance_agree}/{r.matched} {r.stance:.2f}",
        *_pr(p),
        str(p.junk),
        *_pr(e),
        f"{s.long_sentences} ({s.glued_long})",
        str(s.unresolved),
    ]


def _total_row(label: str, t: Total) -> list[str]:
    return [
        label,
        "",
        str(t.present),
        *_pr(t.reactions),
        f"{t.reactions_any / t.reactions.gold if t.reactions.gold else 1.0:.2f}",
        f"{t.stance_agree}/{t.reactions.matched} {t.stance:.2f}",
        *_pr(t.provisions),
        str(t.junk),
        *_pr(t.events),
        f"{t.long_sentences} ({t.glued_long})",
        "",
    ]


def _details(s: StoryScore) -> list[str]:
    out = [f"- {s.story} reaction missed: {x}" for x in s.reactions.missed]
    out += [f"- {s.story} reaction extra: {x}" for x in s.reactions.false_positives]
    out += [f"- {s.story} stance: {x}" for x in s.reactions.stance_errors]
    out += [f"- {s.story} provision missed: {x}" for x in s.provisions.missed]
    out += [f"- {s.story} provision junk: {x}" for x in s.provisions.false_positives]
    out += [f"- {s.story} event missed: {g.date} {g.what}" for g in s.events.missed]
    out += [f"- {s.story} event extra: {e.date} «{e.text[:80]}»" for e in s.events.false_positives]
    return out


def report(manifests: list[Manifest], root: Path, *, details: bool) -> str:
    scores = [score_story(m, root) for m in manifests]
    rows = [_row(s) for s in scores]
    for split in ("dev", "test"):
        part = [s for s in scores if s.split == split and s.present]
        if part:
            rows.append(_total_row(f"**{split} total**", total(part)))
    out = _table(HEADER, rows)
    out += (
        "\n\nspeaker+party: a reaction citing a gold statement's sentence with the gold "
        "actor and party (one-to-one); 'R any': the same without one-to-one (one "
        "reaction may merge the same words from several outlets); stance: agreement on "
        "the one-to-one matches. provisions: "
        "gold number, or a gold sentence with the gold keywords; junk: extracted items "
        "matching no gold provision. events: gold date and granularity and a gold "
        "sentence. 'unresolved gold': snippets of present articles found in no sentence."
    )
    if details:
        lines = [x for s in scores if s.split == "dev" for x in _details(s)]
        out += "\n\n" + "\n".join(lines)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--status", action="store_true", help="which texts are present")
    parser.add_argument("--details", action="store_true", help="item-level misses (dev only)")
    parser.add_argument("--story", nargs="*", help="only these stories")
    args = parser.parse_args(argv)
    manifests = load_manifests()
    if args.story:
        manifests = [m for m in manifests if m.story in args.story]
    root = corpus_root()
    if args.status:
        print(status(manifests, root))
    elif not manifests:
        print("no manifests in tests/realworld/manifest")
    else:
        print(report(manifests, root, details=args.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
