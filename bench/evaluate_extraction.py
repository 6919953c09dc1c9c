"""Measure the extractors against the hand-annotated gold files; print Markdown.

    .venv/bin/python bench/evaluate_extraction.py [--section dates|timeline|treaty_reactions|all]

Sections (docs/extraction.md publishes their output):

* dates: the table of tests/gold/dates.toml through the project's grammar and through
  dateparser 1.5 (``search_dates`` on the sentence, and ``parse`` on the gold span, i.e.
  with the span handed to it), with sockets blocked to show dateparser stays offline;
* timeline: precision/recall of ``extract_timeline`` on the seeds, on articles written
  for the tests and on held-out articles (tests/gold/timeline*.toml);
* treaty_reactions: precision/recall of ``extract_treaty_articles`` and
  ``extract_reactions`` on the same kinds of sets (tests/gold/treaty*.toml, reactions*.toml).

Each section is a function in SECTIONS; another extractor adds its own the same way.
Deterministic: rerunning prints the same numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.corpus import load_corpus  # noqa: E402
from bot.extract.dates import find_dates, format_date  # noqa: E402
from bot.extract.quality import (  # noqa: E402
    Counts,
    load_reaction_gold,
    load_treaty_gold,
    score_reactions,
    score_treaty,
)
from bot.extract.reactions import extract_reactions  # noqa: E402
from bot.extract.timeline import extract_timeline  # noqa: E402
from bot.extract.timeline_gold import load_gold, score  # noqa: E402
from bot.extract.treaty import extract_treaty_articles  # noqa: E402


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


@contextmanager
def _no_network() -> Iterator[list[str]]:
    """Make every socket connection fail and record attempts."""
    attempts: list[str] = []
    original = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(repr(address))
        raise OSError("network disabled by bench")

    socket.socket.connect = refuse  # type: ignore[method-assign, assignment]
    try:
        yield attempts
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


def _score_cells(s: Counts) -> list[str]:
    """Gold, extracted, matched, precision, recall and F1 columns of a score row."""
    return [
        str(s.gold),
        str(s.predicted),
        str(s.matched),
        f"{s.precision:.3f}",
        f"{s.recall:.3f}",
        f"{s.f1:.3f}",
    ]


def _scored_section(
    title: str, header: list[str], rows: list[list[str]], note: str, details: list[str]
) -> str:
    """A score table under ``title``, the note on how items match, then the misses."""
    out = f"### {title}\n\n" + _table(header, rows) + "\n\n" + note
    if details:
        out += "\n\n" + "\n".join(details)
    return out


def _gold_rows(case: dict[str, Any]) -> list[list[str]]:
    return [e.split("|") for e in case["expect"]]


def dates_section() -> str:
    cases = tomllib.loads((ROOT / "tests/gold/dates.toml").read_text("utf-8"))["case"]
    positives = [c for c in cases if c["expect"]]
    negatives = [c for c in cases if not c["expect"]]

    ours_ok = 0
    ours_neg = 0
    for c in cases:
        pub = dt.date.fromisoformat(c["published"])
        got = [
            [
                m.text,
                m.granularity,
                format_date(m.value, m.unit),
                format_date(m.value_end, m.unit) if m.value_end else "",
            ]
            for m in find_dates(c["text"], pub)
        ]
        want = [r[:4] for r in _gold_rows(c)]
        if got == want:
            if c["expect"]:
                ours_ok += 1
            else:
                ours_neg += 1

    with _no_network() as attempts:
        import dateparser
        from dateparser.search import search_dates

        search_value = search_span = parse_value = dp_neg = 0
        for c in cases:
            pub = dt.date.fromisoformat(c["published"])
            settings = {
                "RELATIVE_BASE": dt.datetime(pub.year, pub.month, pub.day),
                "PREFER_DATES_FROM": "past",
            }
            found = search_dates(c["text"], languages=["ar"], settings=settings) or []
            if not c["expect"]:
                dp_neg += not found
                continue
            span, _gran, date, *_ = _gold_rows(c)[0]
            if any(d.isoformat()[: len(date)] == date for _, d in found):
                search_value += 1
            if any(s == span for s, _ in found):
                search_span += 1
            parsed = dateparser.parse(span, languages=["ar"], settings=settings)
            if parsed is not None and parsed.isoformat()[: len(date)] == date:
                parse_value += 1

    n, k = len(positives), len(negatives)
    rows = [
        ["digestbot grammar", f"{ours_ok}/{n}", f"{ours_ok}/{n}", "yes", f"{ours_neg}/{k}"],
        [
            "dateparser search_dates",
            f"{search_value}/{n}",
            f"{search_span}/{n}",
            "no",
            f"{dp_neg}/{k}",
        ],
        ["dateparser parse(gold span)", f"{parse_value}/{n}", "given", "no", "n/a"],
    ]
    header = [
        "system",
        "first date value right",
        "span exact",
        "granularity",
        "non-dates left alone",
    ]
    note = (
        f"\n\n{n} dated expressions, {k} non-dates (tests/gold/dates.toml). "
        "'value right' compares the gold date at its own precision (a month only to the "
        "month); granularity is not compared for dateparser since it reports none. "
        f"Network connections attempted by dateparser: {len(attempts)}."
    )
    return "### Dates\n\n" + _table(header, rows) + note


#: (label, articles folder, suffix of tests/gold/timeline*.toml)
_TIMELINE_SETS = [
    ("seeds (dossier)", "seeds", ""),
    ("own articles (tuned on)", "tests/articles/timeline", "_unseen"),
    ("held-out articles", "tests/articles/timeline_heldout", "_heldout"),
    ("second held-out set", "tests/articles/timeline_heldout2", "_heldout2"),
    ("third held-out set", "tests/articles/timeline_heldout3", "_heldout3"),
    ("fourth held-out set", "tests/articles/timeline_heldout4", "_heldout4"),
]


def timeline_section() -> str:
    rows = []
    details = []
    for label, folder, suffix in _TIMELINE_SETS:
        articles = load_corpus(ROOT / folder)
        gold = load_gold(ROOT / f"tests/gold/timeline{suffix}.toml", articles)
        s = score(extract_timeline(articles), gold)
        rows.append(
            [label, *_score_cells(s), f"{s.matched_any_date}/{s.gold}", f"{s.source_recall:.3f}"]
        )
        for e in s.false_positives:
            details.append(f"- {label}: extra item {e.date} «{e.text[:70]}»")
        for g in s.missed:
            details.append(f"- {label}: missed {g.date} {g.what}")
    header = [
        "set",
        "gold events",
        "items",
        "matched",
        "precision",
        "recall",
        "F1",
        "events any date",
        "source recall",
    ]
    note = (
        "An item matches a gold event when its date, granularity and range end are "
        "equal and it cites one of the event's sentences; one item per event, so unmerged "
        "duplicates count as extra items. 'events any date' matches on sentences alone; "
        "'source recall' is the share of a matched event's gold sentences the item cites."
    )
    return _scored_section("Timeline", header, rows, note, details)


_TREATY_REACTION_SETS = [
    ("seeds (dossier)", "seeds", ""),
    ("own articles (tuned on)", "tests/articles/extraction", "_own"),
    ("held-out articles", "tests/articles/extraction_heldout", "_heldout"),
    ("second held-out set", "tests/articles/extraction_heldout2", "_heldout2"),
]


def treaty_reactions_section() -> str:
    """Treaty provisions and reactions (actor + party + stance) against tests/gold."""
    rows = []
    details = []
    for label, folder, suffix in _TREATY_REACTION_SETS:
        articles = load_corpus(ROOT / folder)
        t = score_treaty(
            extract_treaty_articles(articles),
            load_treaty_gold(ROOT / f"tests/gold/treaty{suffix}.toml", articles),
        )
        r = score_reactions(
            extract_reactions(articles),
            load_reaction_gold(ROOT / f"tests/gold/reactions{suffix}.toml", articles),
        )
        for what, s in (("treaty provisions", t), ("reactions", r)):
            rows.append([label, what, *_score_cells(s)])
            details += [f"- {label}, {what}: extra {x}" for x in s.false_positives]
            details += [f"- {label}, {what}: missed {x}" for x in s.missed]
    header = ["set", "extractor", "gold", "extracted", "matched", "precision", "recall", "F1"]
    note = (
        "A provision matches when its number is the gold number, or (unnumbered) it "
        "cites a gold sentence and contains the gold keywords. A reaction matches when it "
        "cites a gold sentence and has the gold actor, party and stance. One extracted item "
        "per gold item, so unmerged duplicates count as extra items."
    )
    return _scored_section("Treaty provisions and reactions", header, rows, note, details)


SECTIONS: dict[str, Callable[[], str]] = {
    "dates": dates_section,
    "timeline": timeline_section,
    "treaty_reactions": treaty_reactions_section,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    args = parser.parse_args(argv)
    names = list(SECTIONS) if args.section == "all" else [args.section]
    print("\n\n".join(SECTIONS[name]() for name in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
