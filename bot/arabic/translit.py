"""Arabic person names in Latin letters, for display in the English UI.

Arabic writes long vowels and consonants but not short vowels, so no transliteration
is exact; this one aims at a name an English reader can say and recognise, in the
conventions of English-language news:

* long vowels: «ا» → a, «و» between consonants or last → u, «ي» between consonants or
  last → i; at the start of a word or next to a vowel «و»/«ي» are w/y («وليد» → Walid,
  «هاياشي» → Hayashi); «يو» at the start → Yu;
* the article: «ال» → "al-" («السيسي» → al-Sisi, at the start of a name Al-…), but
  «عبد» before it joins as "Abdel" («عبد الفتاح» → Abdel Fattah), «الله» after it is
  "Allah" and «عبدالله» "Abdullah";
* «ة» at the end → a, «ى» → a, «ع» → a (or "'" after a long vowel), hamza seats by
  their vowel («أ» → a, «إ» → i, «ؤ»/«ئ»/«ء» dropped or "'"), emphatics by their plain
  letters, «خ غ ش ث ذ» → kh gh sh th dh, and «ڤ پ چ گ» → v p ch g;
* a word written with no vowel letter at all («محمد», «نصر») gets an "a" after each
  consonant but the last (Mahamad, Nasar) — readable, though a conventional spelling
  (Mohammed) needs the table of known names (``bot/extract/data/people.toml``);
* the shadda doubles its consonant, other diacritics give their short vowels.

Only the display changes: the Arabic original stays the key for matching.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CONSONANTS = {
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ڤ": "v",
    "پ": "p",
    "چ": "ch",
    "گ": "g",
    "ک": "k",
}
_SHORT = {"\u064e": "a", "\u0650": "i", "\u064f": "u"}  # fatha, kasra, damma
_SHADDA = "\u0651"
_OTHER_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # tanwin, sukun…, tatweel
_HAMZA_ONLY = frozenset("ءؤئ")
_WORD = re.compile(r"[\u0600-\u06ff]+")


def _letters(word: str) -> list[tuple[str, str]]:
    """(letter, short vowel or shadda marks after it) pairs."""
    out: list[tuple[str, str]] = []
    for ch in word:
        if ch in _SHORT or ch == _SHADDA:
            if out:
                out[-1] = (out[-1][0], out[-1][1] + ch)
            continue
        if _OTHER_MARKS.match(ch):
            continue
        out.append((ch, ""))
    return out


_VOWEL_LETTERS = frozenset("اأإآىوي")
#: a word may open on two consonants when a stop or fricative is followed by one of
#: these («كريستالينا», «بلينكن», «فلاديمير»); otherwise an Arabic word opens on consonant
#: + vowel («نجيب» → Najib, «وليد» → Walid)
_CLUSTER_FIRST = frozenset("بتدفكقغجطخپگڤ")
_CLUSTER_SECOND = frozenset("رل")
#: a word ending on two consonants gets an "a" before the last when it is one of these
#: («ميلر» → Milar, «أيمن» → Ayman, «الأسد» → al-Asad), unless the pair is a cluster
#: English writes too (nd, ld, rd)
_FINAL_SECOND = frozenset("رلنمد")


def _word(word: str) -> str:
    """One Arabic word (no article handling) in Latin letters, lower case."""
    letters = _letters(word)
    n = len(letters)
    # (latin, kind): kind "V" vowel, "C" consonant, "" silent
    parts: list[tuple[str, str]] = []
    skip = False
    for i, (ch, marks) in enumerate(letters):
        if skip:
            skip = False
            continue
        first, last = i == 0, i == n - 1
        nxt = letters[i + 1][0] if not last else ""
        prev_kind = parts[-1][1] if parts else ""
        if ch in "اآ":
            parts.append(("a", "V"))
        elif ch == "أ":
            if first and nxt == "و":
                parts.append(("o", "V"))
                skip = True
            else:
                parts.append(("a", "V"))
        elif ch == "إ":
            parts.append(("i", "V"))
            skip = nxt == "ي"
        elif ch == "ى":
            parts.append(("a", "V"))
        elif ch == "ة":
            parts.append(("a" if last else "at", "V"))
        elif ch in _HAMZA_ONLY:
            parts.append(("'" if prev_kind == "V" and not last else "", ""))
        elif ch == "ع":
            parts.append(("'" if prev_kind == "V" else "a", "C"))
        elif ch in "وي":
            if ch == "ي" and nxt == "ي":
                parts.append(("ie", "V"))
                skip = True
            elif first or prev_kind == "V" or (nxt in _VOWEL_LETTERS and nxt != "" and not last):
                parts.append(("w" if ch == "و" else "y", "C"))
            else:
                parts.append(("u" if ch == "و" else "i", "V"))
        else:
            latin = _CONSONANTS.get(ch, "")
            if _SHADDA in marks and len(latin) == 1:
                latin += latin
            parts.append((latin, "C" if latin else ""))
        for mark in marks:
            if mark in _SHORT:
                parts.append((_SHORT[mark], "V"))
    return "".join(_epenthesis(parts, letters))


def _epenthesis(parts: list[tuple[str, str]], letters: list[tuple[str, str]]) -> list[str]:
    """Short "a"s where Arabic leaves a vowel unwritten: after every consonant but the
    last of a word with no vowel at all; after an opening consonant that no vowel or
    cluster-forming consonant follows; after the first of three consonants in a row."""
    kinds = [k for _latin, k in parts]
    sounding = [i for i, k in enumerate(kinds) if k]
    out = [latin for latin, _k in parts]
    if not any(kinds[i] == "V" for i in sounding) and not any(
        latin.endswith("a") for latin, k in parts if k == "C"
    ):
        for i in sounding[:-1]:
            out[i] += "a"
        return out
    if (
        len(sounding) >= 3
        and kinds[sounding[0]] == "C"
        and kinds[sounding[1]] == "C"
        and not out[sounding[0]].endswith("a")
        and not (
            letters[sounding[0]][0] in _CLUSTER_FIRST and letters[sounding[1]][0] in _CLUSTER_SECOND
        )
        and letters[sounding[0]][0] != "س"
    ):
        out[sounding[0]] += "a"
    run: list[int] = []
    for i in [*sounding, -1]:
        if i >= 0 and kinds[i] == "C" and not out[i].endswith("a"):
            run.append(i)
            continue
        if i < 0 and len(run) >= 2:
            one, two = letters[run[-2]][0], letters[run[-1]][0]
            if two in _FINAL_SECOND and not (two == "د" and one in "نلر"):
                out[run[-2]] += "a"
                run = run[:-1]
        if len(run) >= 3:
            out[run[0]] += "a"
        run = []
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)
def transliterate_name(name: str) -> str:
    """A person's Arabic name in Latin letters, each part capitalised («فلاديمير بوتين»
    → "Faladimir Butin" — the known-names table gives "Vladimir Putin"); text that is not
    Arabic is kept."""
    parts = name.split()
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if not _WORD.fullmatch(part.replace("-", "")):
            out.append(part)
            i += 1
            continue
        bare = part
        if bare in ("عبدالله", "عبد الله"):
            out.append("Abdullah")
            i += 1
            continue
        if bare == "عبد" and i + 1 < len(parts) and parts[i + 1].startswith("ال"):
            rest = parts[i + 1][2:]
            out.append("Abdel" if not rest else f"Abdel {_cap(_hyphened(rest))}")
            if parts[i + 1] == "الله":
                out[-1] = "Abdullah"
            i += 2
            continue
        if bare == "الله":
            out.append("Allah")
        elif bare.startswith("ال") and len(bare) > 3:
            out.append(("Al-" if not out else "al-") + _cap(_hyphened(bare[2:])))
        else:
            out.append(_cap(_hyphened(bare)))
        i += 1
    return " ".join(out)


def _hyphened(part: str) -> str:
    """A word that may hold hyphens («سو-سوك» → Su-Suk)."""
    return "-".join(_cap(_word(p)) if k else _word(p) for k, p in enumerate(part.split("-")))
