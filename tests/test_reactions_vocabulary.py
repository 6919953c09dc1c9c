"""The word lists behind the treaty and reaction extractors (bot/extract/data/*.toml)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from bot.arabic.normalize import normalize
from bot.extract.speakers import nationality_at, party_at, tokenize
from bot.extract.vocabulary import variants, vocabulary

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bot/extract/data"
OWN_DATA = ["parties", "nationalities", "roles", "speech_verbs", "stance", "treaty_cues"]


def test_every_nationality_names_a_known_party() -> None:
    v = vocabulary()
    parties = set(v.party_kinds)
    for _, party in v.nationalities:
        assert party in parties, party


def test_every_party_has_an_english_name() -> None:
    v = vocabulary()
    assert set(v.party_english) == set(v.party_kinds)
    for party, name in v.party_english.items():
        assert name.strip() and name.isascii(), party


def test_no_alias_points_to_two_parties() -> None:
    seen: dict[tuple[str, ...], str] = {}
    for words, party in vocabulary().party_aliases:
        assert seen.setdefault(words, party) == party, words


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("الكوري الشمالي", "كوريا الشمالية"),
        ("الكورية الجنوبية", "كوريا الجنوبية"),
        ("الأمريكيين", "الولايات المتحدة"),
        ("الروسية", "روسيا"),
        ("البريطاني", "بريطانيا"),
    ],
)
def test_nationality_forms(text: str, party: str) -> None:
    hit = nationality_at(tokenize(text), 0)
    assert hit is not None and hit[1] == party


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("وموسكو", "روسيا"),
        ("للولايات المتحدة", "الولايات المتحدة"),
        ("البيت الأبيض", "الولايات المتحدة"),
        ("بيونغ يانغ", "كوريا الشمالية"),
        ("حلف الناتو", "حلف شمال الأطلسي"),
    ],
)
def test_party_aliases_with_proclitics(text: str, party: str) -> None:
    hit = party_at(tokenize(text), 0)
    assert hit is not None and hit[1] == party


def test_proclitic_variants() -> None:
    assert "روسيا" in variants("وبروسيا")
    assert "الولايات" in variants("للولايات")
    assert variants("وزير")[0] == "وزير"


def test_ordinals_cover_one_to_fifteen() -> None:
    numbers = {n for _, n in vocabulary().ordinals}
    assert set(range(1, 16)) <= numbers


def test_lists_are_stored_normalised() -> None:
    v = vocabulary()
    for words in (v.speech_verbs, v.role_heads, v.treaty_words, v.clause_words, v.topic):
        assert all(w == normalize(w) for w in words)
    assert normalize("قالت") in v.speech_verbs
    assert normalize("المتحدث") in v.role_heads


def test_no_dossier_person_in_code_or_data() -> None:
    """Speakers of the seeds must be found by rule, never listed."""
    gold = tomllib.loads((ROOT / "tests/gold/reactions.toml").read_text("utf-8"))
    parties = {normalize(a) for words, _ in vocabulary().party_aliases for a in words}
    names = {
        normalize(w)
        for e in gold["reaction"]
        for w in e["actor"].split()
        if len(w) > 2 and normalize(w) not in parties and not normalize(w).startswith("ال")
    } - {normalize(w) for w in ("نظيره", "وزارة", "الدفاع", "محللون")}
    assert {normalize("بوتين"), normalize("روته")} <= names  # the check has teeth
    for name in OWN_DATA:
        values = _strings(tomllib.loads((DATA / f"{name}.toml").read_text("utf-8")))
        assert not names & _words(values), (name, sorted(names & _words(values)))
    for module in ("treaty", "reactions", "speakers", "vocabulary", "quality"):
        tree = ast.parse((ROOT / f"bot/extract/{module}.py").read_text("utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        literals = [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
        ]
        assert not names & _words(literals), (module, sorted(names & _words(literals)))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in normalize(t).split()}
