"""Score every digest algorithm against tests/gold/digests.toml; print Markdown tables.

    .venv/bin/python bench/evaluate_digests.py [--seeds seeds] [--gold tests/gold/digests.toml]
        [--update docs/digest-evaluation.md]
    .venv/bin/python bench/evaluate_digests.py --realworld [--update docs/digest-evaluation.md]

The output is what docs/digest-evaluation.md publishes: mean ROUGE-1/2/L F1 (rouge-score
with an Arabic tokenizer), sentence-overlap recall, and digest length, then recall per
article. The dossier's subject is read from ``<seeds>/dossier.toml`` when there is one.

``--realworld`` scores key-sentence recall on the real dev articles annotated in
tests/realworld/digests.toml (texts under ``$DIGESTBOT_CORPUS``), the tuned and the
untuned part apart; each story's subject is what its search queries share
(:func:`bot.digest.subject.shared_subject`). Deterministic: rerunning gives the same table.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

from bot.corpus import load_corpus
from bot.digest.evaluation import as_row, load_gold, score_system, systems
from bot.digest.subject import DOSSIER_FILE, load_subject

sys.path.insert(0, str(Path(__file__).resolve().parent))

from digests_realworld import realworld_tables

HEADER = [
    "system",
    "ROUGE-1 F1",
    "ROUGE-2 F1",
    "ROUGE-L F1",
    "overlap recall",
    "sentences",
    "chars",
]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _leave_one_out(rouge_l: dict[str, dict[str, float]]) -> str:
    """Does choosing by this table generalise? Pick the best sumy-based system on all but
    one article (mean ROUGE-L), score it on that one; compare with lead-3 under the rules."""
    candidates = [n for n in rouge_l if not n.startswith(("lead", "sumy stock"))]
    ids = sorted(next(iter(rouge_l.values())))
    lines = ["| held-out article | chosen on the others | its ROUGE-L | lead-3 (rules) |"]
    lines.append("|---|---|---|---|")
    held_scores, lead_scores = [], []
    for held in ids:
        best = max(
            candidates,
            key=lambda n: (statistics.fmean(v for a, v in rouge_l[n].items() if a != held), n),
        )
        held_scores.append(rouge_l[best][held])
        lead_scores.append(rouge_l["lead-3 under the digest rules"][held])
        lines.append(f"| {held} | {best} | {held_scores[-1]:.3f} | {lead_scores[-1]:.3f} |")
    lines.append(
        f"| mean | | {statistics.fmean(held_scores):.3f} | {statistics.fmean(lead_scores):.3f} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--gold", type=Path, default=Path("tests/gold/digests.toml"))
    parser.add_argument(
        "--update", type=Path, help="rewrite the tables between <!-- eval:NAME --> markers"
    )
    parser.add_argument(
        "--marker", default="eval", help="marker prefix for --update (e.g. heldout)"
    )
    parser.add_argument(
        "--realworld",
        action="store_true",
        help="score the real dev articles of tests/realworld/digests.toml (marker realworld)",
    )
    args = parser.parse_args(argv)
    if args.realworld:
        tables = realworld_tables()
        print("\n\n".join(tables.values()))
        if args.update:
            _update(args.update, "realworld", tables)
        return 0
    articles = load_corpus(args.seeds)
    gold = load_gold(args.gold)
    rows = []
    per_article: dict[str, dict[str, float]] = {}
    rouge_l: dict[str, dict[str, float]] = {}
    for name, system in systems(load_subject(args.seeds / DOSSIER_FILE)).items():
        mean, per = score_system(system, articles, gold)
        rows.append(as_row(name, mean))
        per_article[name] = {aid: s.recall for aid, s in per.items()}
        rouge_l[name] = {aid: s.rougeL for aid, s in per.items()}
    tables = {"systems": _table(HEADER, rows), "loo": _leave_one_out(rouge_l)}
    print()
    ids = sorted({aid for scores in per_article.values() for aid in scores})
    recall_rows = [
        [name, *(f"{scores.get(aid, 0.0):.2f}" for aid in ids)]
        for name, scores in per_article.items()
    ]
    tables["recall"] = _table(["overlap recall per article", *ids], recall_rows)
    print("\n\n".join(tables.values()))
    if args.update:
        _update(args.update, args.marker, tables)
    return 0


def _update(path: Path, prefix: str, tables: dict[str, str]) -> None:
    """Rewrite the tables between ``<!-- PREFIX:NAME -->`` markers of ``path``."""
    text = path.read_text(encoding="utf-8")
    updated = 0
    for name, table in tables.items():
        tag = f"{prefix}:{name}"
        marker = re.compile(rf"(<!-- {tag} -->\n).*?(\n<!-- /{tag} -->)", re.S)
        match = marker.search(text)
        if match is None:
            continue  # the document publishes only some tables for this corpus
        replacement = match.group(1) + table + match.group(2)
        text = text[: match.start()] + replacement + text[match.end() :]
        updated += 1
    if not updated:
        raise SystemExit(f"{path}: no <!-- {prefix}:NAME --> markers")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
