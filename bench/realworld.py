"""The real-article corpus: manifests, texts, gold, and scoring the extractors on them.

Evaluation only (nothing in bot/ imports this). Texts are third-party and never in git:
they live under the corpus root (env ``DIGESTBOT_CORPUS``, default ``<repo>/corpus``) as
``<story>/<id>.txt``; the committed manifests (``tests/realworld/manifest/<story>.toml``)
give their metadata and sha256, the committed gold (``tests/realworld/gold/<story>.toml``)
the events, provisions and reactions a careful editor would list. Articles go through the
project's own cleaning and splitting (:func:`bot.corpus.build_article`); the articles of
one story form one corpus, as a dossier does.

Unlike the seeds' gold, a real-article gold must survive a partial corpus (a text not yet
fetched) and a sentence splitter that cuts a snippet in two: gold entries of absent
articles are left out of the score, a snippet is looked up across sentence boundaries
(it belongs to the sentence where it starts), and a snippet found nowhere is counted, not
fatal. Matching reuses bot/extract/quality.py and timeline_gold.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from bot.arabic.normalize import normalize
from bot.corpus import build_article
from bot.corpus_types import Article, ArticleMeta, Precision
from bot.extract import timeline_gold
from bot.extract.quality import (
    Counts,
    GoldProvision,
    GoldReaction,
    Key,
    actor_matches,
    cited,
    score_treaty,
)
from bot.extract.reactions import extract_reactions
from bot.extract.timeline import extract_timeline
from bot.extract.timeline_gold import GoldEvent
from bot.extract.treaty import extract_treaty_articles
from bot.extract.vocabulary import vocabulary
from bot.model import Reaction, TimelineEvent, TreatyArticle

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_DIR = ROOT / "tests" / "realworld" / "manifest"
GOLD_DIR = ROOT / "tests" / "realworld" / "gold"
#: a produced sentence longer than this is almost always two glued ones
LONG_SENTENCE = 400
_GLUE_RE = re.compile(r"[.!?؟][^\s\d.!?؟»\"')\]]")

Split = Literal["dev", "test"]
State = Literal["present", "missing", "sha256 mismatch"]


def corpus_root() -> Path:
    """Where the texts are: ``$DIGESTBOT_CORPUS`` or ``<repo>/corpus``."""
    return Path(os.environ.get("DIGESTBOT_CORPUS") or ROOT / "corpus")


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``[[article]]`` of a manifest."""

    id: str
    title: str
    source: str | None
    url: str | None
    published: dt.date
    precision: Precision
    reason: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    story: str
    split: Split
    description: str
    articles: tuple[Entry, ...]


def _published(value: object) -> dt.date:
    """A TOML date or "YYYY[-MM[-DD]]": the first day of the period."""
    if isinstance(value, dt.date):
        return value
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def load_manifest(path: Path) -> Manifest:
    """Parse one manifest file."""
    data = tomllib.loads(path.read_text("utf-8"))
    split = data["split"]
    if split not in ("dev", "test"):
        raise ValueError(f"{path}: split must be 'dev' or 'test', not {split!r}")
    entries = tuple(
        Entry(
            id=a["id"],
            title=a["title"],
            source=a.get("source"),
            url=a.get("url"),
            published=_published(a["published"]),
            precision=cast(Precision, a["published_precision"]),
            reason=a.get("published_reason", ""),
            sha256=a["sha256"].lower(),
        )
        for a in data.get("article", [])
    )
    return Manifest(data["story"], cast(Split, split), data.get("description", ""), entries)


def load_manifests(folder: Path = MANIFEST_DIR) -> list[Manifest]:
    """Every manifest, dev stories first, then by story name."""
    found = [load_manifest(p) for p in sorted(folder.glob("*.toml"))] if folder.is_dir() else []
    return sorted(found, key=lambda m: (m.split != "dev", m.story))


def text_path(root: Path, story: str, entry: Entry) -> Path:
    return root / story / f"{entry.id}.txt"


def state(root: Path, story: str, entry: Entry) -> State:
    """Whether the text is there with the manifest's sha256."""
    path = text_path(root, story, entry)
    if not path.is_file():
        return "missing"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return "present" if digest == entry.sha256 else "sha256 mismatch"


def load_story(manifest: Manifest, root: Path) -> tuple[Article, ...]:
    """The story's present articles (sha256 checked) cleaned and split like the seeds."""
    out = []
    for e in manifest.articles:
        if state(root, manifest.story, e) != "present":
            continue
        meta = ArticleMeta(
            id=e.id,
            file=f"{e.id}.txt",
            title=e.title,
            source=e.source,
            url=e.url,
            published=e.published,
            published_precision=e.precision,
            published_reason=e.reason,
        )
        raw = text_path(root, manifest.story, e).read_text("utf-8")
        out.append(build_article(meta, raw))
    return tuple(sorted(out, key=lambda a: a.id))


# --- gold -------------------------------------------------------------------------------


class _Locator:
    """Finds the sentence a gold snippet starts in, across sentence boundaries."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._joined: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        for a in articles:
            parts: list[str] = []
            starts: list[tuple[int, int]] = []
            pos = 0
            for s in a.sentences:
                norm = normalize(s.text)
                starts.append((pos, s.index))
                parts.append(norm)
                pos += len(norm) + 1
            self._joined[a.id] = (" ".join(parts), starts)

    def present(self, article_id: str) -> bool:
        return article_id in self._joined

    def find(self, article_id: str, snippet: str) -> Key | None:
        text, starts = self._joined[article_id]
        at = text.find(normalize(snippet))
        if at < 0:
            return None
        index = max(i for start, i in starts if start <= at)
        return (article_id, index)


@dataclass
class Gold:
    """A story's gold restricted to the present articles."""

    events: list[GoldEvent] = field(default_factory=list)
    provisions: list[GoldProvision] = field(default_factory=list)
    reactions: list[GoldReaction] = field(default_factory=list)
    #: snippets of present articles that no sentence contains: (kind, article id, snippet)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)


def _resolve(
    kind: str, sources: list[list[str]], loc: _Locator, gold: Gold
) -> frozenset[Key] | None:
    """The cited sentences; None when none of the sources' articles is present."""
    keys: set[Key] = set()
    any_present = False
    for article_id, snippet in sources:
        if not loc.present(article_id):
            continue
        any_present = True
        key = loc.find(article_id, snippet)
        if key is None:
            gold.unresolved.append((kind, article_id, snippet))
        else:
            keys.add(key)
    return frozenset(keys) if any_present else None


def load_gold(path: Path, articles: Sequence[Article]) -> Gold:
    """Read a story's gold file; entries citing only absent articles are left out."""
    gold = Gold()
    if not path.is_file():
        return gold
    data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    loc = _Locator(articles)
    for e in data.get("event", []):
        if (ev := _resolve("event", e["evidence"], loc, gold)) is not None:
            gold.events.append(GoldEvent(e["what"], e["date"], e["granularity"], e.get("end"), ev))
    for e in data.get("provision", []):
        if (ev := _resolve("provision", e["sources"], loc, gold)) is not None:
            keywords = tuple(normalize(k) for k in e.get("keywords", []))
            gold.provisions.append(GoldProvision(e["what"], e.get("number"), keywords, ev))
    for e in data.get("reaction", []):
        if (ev := _resolve("reaction", e["sources"], loc, gold)) is not None:
            gold.reactions.append(GoldReaction(e["actor"], e.get("party") or None, e["stance"], ev))
    return gold


# --- scoring ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReactionScore(Counts):
    """Speaker + party matches (one-to-one), and stance agreement on those matches."""

    stance_agree: int
    false_positives: tuple[str, ...]
    missed: tuple[str, ...]
    stance_errors: tuple[str, ...]
    #: gold statements some reaction finds, one reaction may cite several (the same words
    #: reported by several outlets merge into one reaction): recall without one-to-one
    found_any: int = 0

    @property
    def stance(self) -> float:
        return self.stance_agree / self.matched if self.matched else 1.0


def same_party(gold: str | None, got: str | None) -> bool:
    """The annotator's party name and the extractor's key name one party: equal, an alias
    of the key ("الناتو" for "حلف شمال الأطلسي"), or the key's words contain it ("عمان"
    in "سلطنة عمان")."""
    if gold == got:
        return True
    if gold is None or got is None:
        return False
    words = tuple(normalize(gold).split())
    if any(alias == words and key == got for alias, key in vocabulary().party_aliases):
        return True
    key_words = normalize(got).split()
    return all(w in key_words for w in words)


def _stance(value: str) -> str:
    return "neutral" if value == "no_comment" else value


def _where(keys: frozenset[Key]) -> str:
    return ",".join(f"{a}:{i}" for a, i in sorted(keys))


def score_reactions(extracted: Sequence[Reaction], gold: Sequence[GoldReaction]) -> ReactionScore:
    """A reaction finds its speaker when it cites a gold statement's sentence with the gold
    actor and party; pairs with the same stance are taken first, then the rest."""
    candidates = [
        (i, j)
        for i, r in enumerate(extracted)
        for j, g in enumerate(gold)
        if g.evidence & cited(r.sources)
        and same_party(g.party, r.party)
        and actor_matches(g.actor, r)
    ]
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for same_stance in (True, False):
        for i, j in candidates:
            agree = _stance(extracted[i].stance) == gold[j].stance
            if agree == same_stance and i not in used_i and j not in used_j:
                used_i.add(i)
                used_j.add(j)
                pairs.append((i, j))
    agree_n = sum(_stance(extracted[i].stance) == gold[j].stance for i, j in pairs)
    found_any = len({j for _, j in candidates})
    return ReactionScore(
        matched=len(pairs),
        predicted=len(extracted),
        gold=len(gold),
        stance_agree=agree_n,
        false_positives=tuple(
            f"{r.actor} [{r.party}] {r.stance} @{_where(cited(r.sources))}: {r.quote[:60]}"
            for i, r in enumerate(extracted)
            if i not in used_i
        ),
        missed=tuple(
            f"{g.actor} [{g.party}] {g.stance} @{_where(g.evidence)}"
            for j, g in enumerate(gold)
            if j not in used_j
        ),
        stance_errors=tuple(
            f"{gold[j].actor}: gold {gold[j].stance}, got {extracted[i].stance} "
            f"@{_where(gold[j].evidence)}: {extracted[i].quote[:60]}"
            for i, j in pairs
            if _stance(extracted[i].stance) != gold[j].stance
        ),
        found_any=found_any,
    )


@dataclass(frozen=True, slots=True)
class ProvisionScore(Counts):
    """One-to-one provision matches; ``junk`` items match no gold provision at all."""

    junk: int
    false_positives: tuple[str, ...]
    missed: tuple[str, ...]


def score_provisions(
    extracted: Sequence[TreatyArticle], gold: Sequence[GoldProvision]
) -> ProvisionScore:
    s = score_treaty(extracted, gold)
    junk = [p for p in extracted if not any(score_treaty([p], [g]).matched for g in gold)]
    return ProvisionScore(
        matched=s.matched,
        predicted=s.predicted,
        gold=s.gold,
        junk=len(junk),
        false_positives=tuple(f"{p.number} {p.title[:90]}" for p in junk),
        missed=s.missed,
    )


@dataclass(frozen=True, slots=True)
class StoryScore:
    story: str
    split: Split
    present: int
    listed: int
    sentences: int
    long_sentences: int  # longer than LONG_SENTENCE characters
    glued_long: int  # of those, holding a sentence mark glued to the next word
    unresolved: int
    events: timeline_gold.Score
    provisions: ProvisionScore
    reactions: ReactionScore


def score_story(manifest: Manifest, root: Path, gold_dir: Path = GOLD_DIR) -> StoryScore:
    """Run the three extractors on the story's present articles and score them."""
    articles = load_story(manifest, root)
    gold = load_gold(gold_dir / f"{manifest.story}.toml", articles)
    timeline: list[TimelineEvent] = extract_timeline(articles) if articles else []
    provisions = extract_treaty_articles(articles) if articles else []
    reactions = extract_reactions(articles) if articles else []
    texts = [s.text for a in articles for s in a.sentences]
    long = [t for t in texts if len(t) > LONG_SENTENCE]
    return StoryScore(
        story=manifest.story,
        split=manifest.split,
        present=len(articles),
        listed=len(manifest.articles),
        sentences=len(texts),
        long_sentences=len(long),
        glued_long=sum(bool(_GLUE_RE.search(t)) for t in long),
        unresolved=len(gold.unresolved),
        events=timeline_gold.score(timeline, gold.events),
        provisions=score_provisions(provisions, gold.provisions),
        reactions=score_reactions(reactions, gold.reactions),
    )


@dataclass(frozen=True, slots=True)
class Total:
    """Micro-averaged sums over stories."""

    stories: int
    present: int
    sentences: int
    long_sentences: int
    glued_long: int
    events: Counts
    provisions: Counts
    junk: int
    reactions: Counts
    stance_agree: int
    reactions_any: int

    @property
    def stance(self) -> float:
        return self.stance_agree / self.reactions.matched if self.reactions.matched else 1.0


def _sum(counts: Sequence[Counts]) -> Counts:
    return Counts(
        sum(c.matched for c in counts),
        sum(c.predicted for c in counts),
        sum(c.gold for c in counts),
    )


def total(scores: Sequence[StoryScore]) -> Total:
    return Total(
        stories=len(scores),
        present=sum(s.present for s in scores),
        sentences=sum(s.sentences for s in scores),
        long_sentences=sum(s.long_sentences for s in scores),
        glued_long=sum(s.glued_long for s in scores),
        events=_sum([s.events for s in scores]),
        provisions=_sum([s.provisions for s in scores]),
        junk=sum(s.provisions.junk for s in scores),
        reactions=_sum([s.reactions for s in scores]),
        stance_agree=sum(s.reactions.stance_agree for s in scores),
        reactions_any=sum(s.reactions.found_any for s in scores),
    )
