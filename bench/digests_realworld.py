"""Key-sentence recall of digests on real articles (tests/realworld/digests.toml).

Evaluation only. The gold gives, per dev article, 3–5 key sentences as short verbatim
quotes; a quote names the sentence it starts in (normalised text, across sentence
boundaries, as the extraction gold does). Recall is the share of an article's key
sentences its digest contains. Articles are ``part = "tune"`` (the rules may be tuned on
them), ``"untuned"`` (scored only once the rules were fixed) or ``"fresh"`` (annotated
after the rules were fixed); each part is reported.

What a story is about comes from its own definition, as the dossier terms do for the
seeds: the stems its search queries (in the manifest) share
(:func:`bot.digest.subject.shared_subject`). No story's words are written here.
"""

from __future__ import annotations

import statistics
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from realworld import MANIFEST_DIR, corpus_root, load_manifest, load_story

from bot.arabic.normalize import normalize
from bot.corpus_types import Article
from bot.digest.evaluation import System, systems
from bot.digest.subject import Subject, shared_subject

GOLD = Path(__file__).resolve().parent.parent / "tests" / "realworld" / "digests.toml"
PARTS = ("tune", "untuned", "fresh")


@dataclass(frozen=True, slots=True)
class KeyGold:
    """One annotated article: its story, id, part and key quotes."""

    story: str
    id: str
    part: str
    keys: tuple[str, ...]


def load_key_gold(path: Path = GOLD) -> list[KeyGold]:
    """The annotations, in file order; a part other than tune/untuned is an error."""
    data = tomllib.loads(path.read_text("utf-8"))
    out = []
    for a in data["article"]:
        if a["part"] not in PARTS:
            raise ValueError(f"{path}: {a['id']}: part must be one of {PARTS}")
        out.append(KeyGold(a["story"], a["id"], a["part"], tuple(a["key"])))
    return out


def key_indices(article: Article, quotes: Sequence[str]) -> frozenset[int] | None:
    """The sentence each quote starts in; None when a quote is found nowhere."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    pos = 0
    for s in article.sentences:
        norm = normalize(s.text)
        starts.append((pos, s.index))
        parts.append(norm)
        pos += len(norm) + 1
    text = " ".join(parts)
    found = set()
    for q in quotes:
        at = text.find(normalize(q))
        if at < 0:
            return None
        found.add(max(i for start, i in starts if start <= at))
    return frozenset(found)


def story_subject(story: str, manifests: Path = MANIFEST_DIR) -> Subject:
    """What the story's search queries agree it is about."""
    data = tomllib.loads((manifests / f"{story}.toml").read_text("utf-8"))
    return shared_subject([str(a.get("query", "")) for a in data.get("article", [])])


@dataclass(frozen=True, slots=True)
class Scored:
    """Per system: recall per annotated article present, and mean sentences/characters."""

    recall: dict[str, float]
    sentences: float
    chars: float


def score(
    gold: Sequence[KeyGold], root: Path | None = None
) -> tuple[dict[str, Scored], dict[str, str], list[str]]:
    """Every system on every present annotated article: scores, article → part, and the
    ids left out (text missing or a quote not found)."""
    root = root or corpus_root()
    stories = sorted({g.story for g in gold})
    articles: dict[str, Article] = {}
    subjects: dict[str, Subject] = {}
    for story in stories:
        manifest = load_manifest(MANIFEST_DIR / f"{story}.toml")
        for a in load_story(manifest, root):
            articles[a.id] = a
        subjects[story] = story_subject(story)
    part: dict[str, str] = {}
    keys: dict[str, frozenset[int]] = {}
    skipped = []
    for g in gold:
        found = key_indices(articles[g.id], g.keys) if g.id in articles else None
        if found is None:
            skipped.append(g.id)
            continue
        keys[g.id], part[g.id] = found, g.part
    by_story: dict[str, dict[str, System]] = {s: systems(subjects[s]) for s in stories}
    names = list(next(iter(by_story.values())))
    out: dict[str, Scored] = {}
    for name in names:
        recall: dict[str, float] = {}
        lengths: list[tuple[int, int]] = []
        for g in gold:
            if g.id not in keys:
                continue
            summary = by_story[g.story][name](articles[g.id])
            recall[g.id] = len(keys[g.id] & set(summary.indices)) / len(keys[g.id])
            lengths.append((len(summary.sentences), len(" ".join(summary.sentences))))
        out[name] = Scored(
            recall,
            statistics.fmean(n for n, _ in lengths) if lengths else 0.0,
            statistics.fmean(c for _, c in lengths) if lengths else 0.0,
        )
    return out, part, skipped


def _mean(values: Mapping[str, float], ids: Sequence[str]) -> str:
    picked = [values[i] for i in ids if i in values]
    return f"{statistics.fmean(picked):.3f}" if picked else "–"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def realworld_tables(path: Path = GOLD, root: Path | None = None) -> dict[str, str]:
    """Markdown tables: mean recall per part, and recall per article."""
    gold = load_key_gold(path)
    scored, part, skipped = score(gold, root)
    ids = [g.id for g in gold if g.id in part]
    by_part = {p: [i for i in ids if part[i] == p] for p in PARTS}
    header = [
        "system",
        *(f"recall, {p} ({len(by_part[p])})" for p in PARTS),
        f"recall, all ({len(ids)})",
        "sentences",
        "chars",
    ]
    rows = [
        [
            name,
            *(_mean(s.recall, by_part[p]) for p in PARTS),
            _mean(s.recall, ids),
            f"{s.sentences:.1f}",
            f"{s.chars:.0f}",
        ]
        for name, s in scored.items()
    ]
    systems_table = _table(header, rows)
    if skipped:
        systems_table += f"\n\nNot scored (text missing or quote not found): {', '.join(skipped)}"
    chosen = [n for n in scored if n.startswith(("lead-3 under", "lead 3–5"))]
    chosen += [n for n in scored if n.startswith("luhn+lead")]
    per_rows = [[f"{i} ({part[i]})", *(f"{scored[n].recall[i]:.2f}" for n in chosen)] for i in ids]
    return {
        "systems": systems_table,
        "recall": _table(["article (part)", *chosen], per_rows),
    }
