"""Which sentences may enter a digest, and how a ranking becomes a 3–5 sentence digest.

Kept separate from the rankers so every algorithm (and the lead baseline) is judged
under the same rules: whole sentences only, no boilerplate or headings, no repeats,
original order, about ``budget`` characters where the article allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.arabic.tokens import words

MIN_SENTENCES = 3
MAX_SENTENCES = 5
CHAR_BUDGET = 700
#: shorter "sentences" are headings, bylines or furniture, not content…
MIN_WORDS = 6
#: …unless they close with a full stop: "وتنفي موسكو وبيونجيانج تبادل الأسلحة."
MIN_WORDS_FULL_STOP = 4
#: a line without closing punctuation this short is a heading, not a sentence
HEADING_MAX_WORDS = 15

_TERMINAL = re.compile(r"[.!?؟…]['\"”»)\]]*\s*$")
_FULL_STOP = re.compile(r"(?<!\.)\.['\"”»)\]]*\s*$")  # one ".", not ".." or "…"
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_LEAD_IN = re.compile(r"[:：]\s*$")


#: openings that point back to an earlier sentence ("وهو ما", "وبعد ذلك", "وخلالها",
#: "لذا", "كما"…), matched on normalised text: out of context they dangle.
_DANGLING = re.compile(
    r"^[وف]?(?:هو|هي|هم|هما|هذا|هذه|ذلك|بعد ذلك|خلالها|خلاله|لذا|لذلك|كما|ايضا|بالتالي|مع ذلك)\b"
)


#: a demonstrative before a definite noun ("هذه الزيارة", "هذا الاتفاق"): the noun names
#: something the reader must already know
_DEMONSTRATIVE_NP = re.compile(r"(?:^|\s)[وف]?(?:هذه|هذا|تلك|ذلك|هاتين|هذين)\s+(ال\w{3,})")


#: «هذا العام», «هذا القرن»: the demonstrative points at the present, not back in the text
_DEICTIC_TIME = frozenset(
    {"عام", "العام", "شهر", "اسبوع", "قرن", "يوم", "صباح", "مساء", "عقد", "وقت"}
)


#: a speech verb whose speaker is not named: «وأضاف أن…», «وتابع: "…"», «وقالت في بيان إن…».
#: The speaker is whoever the sentence before named, so that sentence must come along.
_IMPLICIT_SPEAKER = re.compile(
    r"^[وف]?(?:اضاف|تابع|اردف|اوضح|اشار|اكد|لفت|شدد|قال|ذكر|اعتبر|راي|اعرب|حذر|دعا|"
    r"استطرد|زاد|مضي|ختم|نوه|رد)ت?\s*"
    r"(?:[:\"“”«»'،,-]|(?:ان|انه|انها|انهم|بان|بانه|في|خلال|عبر|قايلا|قايله|ايضا|كذلك|"
    r"له|لها|بقوله|بالقول|مضيفا|مضيفه|ل\w+)\b)"
)


def needs_previous(text: str, normalize: Callable[[str], str]) -> bool:
    """True when a sentence reports speech without naming the speaker («وأضاف أن…»):
    it means nothing without the sentence before it."""
    return bool(_IMPLICIT_SPEAKER.match(normalize(text.strip())))


def antecedent_nouns(text: str, normalize: Callable[[str], str]) -> list[str]:
    """The nouns a sentence points back to with a demonstrative («هذه الزيارة» → «زياره»);
    «هذا العام» and other times of the present are not references back."""
    nouns = [m[2:] for m in _DEMONSTRATIVE_NP.findall(normalize(text))]
    return [n for n in nouns if n not in _DEICTIC_TIME]


def speaker_index(
    cand: Candidate, pool: Sequence[Candidate], normalize: Callable[[str], str]
) -> int:
    """The index of the sentence that names the speaker of ``cand``: back through the
    sentences of ``pool`` before it while they too leave the speaker unnamed."""
    before = sorted((c for c in pool if c.index < cand.index), key=lambda c: -c.index)
    at = cand.index - 1
    for c in before:
        at = c.index
        if not needs_previous(c.text, normalize):
            break
    return at


def dangling_reference(
    chosen: Sequence[Candidate],
    normalize: Callable[[str], str],
    stem: Callable[[str], str],
    pool: Sequence[Candidate] = (),
) -> Candidate | None:
    """The first chosen sentence whose demonstrative noun («هذه الزيارة») the sentence just
    before it in the digest does not mention — the reader would take it to mean whatever
    was named last (another visit), or nothing — or whose unnamed speaker («وأضاف أن…»)
    is not named by the digest sentence before it (the article's sentences in ``pool``
    tell where the speaker was named: «قال نتنياهو…» then «وأضاف…» then «وتابع…»)."""
    previous: set[str] = set()
    last: int | None = None
    for cand in sorted(chosen, key=lambda c: c.index):
        wanted = [stem(n) for n in antecedent_nouns(cand.text, normalize)]
        if any(w not in previous for w in wanted):
            return cand
        if needs_previous(cand.text, normalize) and (
            last is None or last < speaker_index(cand, pool or chosen, normalize)
        ):
            return cand
        last = cand.index
        said = words(normalize(cand.text))
        previous = {stem(w[2:] if w.startswith("ال") and len(w) > 4 else w) for w in said}
        previous |= {stem(w) for w in said}
    return None


def needs_context(text: str, normalize: Callable[[str], str]) -> bool:
    """True when a sentence opens by referring back, so it reads badly on its own."""
    return bool(_DANGLING.match(normalize(text.strip())))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may enter a digest: its index in the article and its text as written."""

    index: int
    text: str


def _word_count(text: str) -> int:
    return len(words(text))


def is_content_sentence(text: str) -> bool:
    """True for a whole prose sentence; False for headings, lead-ins, bylines and URLs."""
    stripped = text.strip()
    if _URL.search(stripped) or _LEAD_IN.search(stripped):
        return False
    count = _word_count(stripped)
    if _FULL_STOP.search(stripped):
        return count >= MIN_WORDS_FULL_STOP
    if count < MIN_WORDS:
        return False
    return bool(_TERMINAL.search(stripped)) or count > HEADING_MAX_WORDS


def candidates(
    sentences: Sequence[tuple[int, str]],
    *,
    normalize: Callable[[str], str],
    title: str = "",
) -> list[Candidate]:
    """Content sentences in order, without repeats or the headline.

    A sentence is a repeat when its normalised text equals or is contained in an earlier
    kept one (article 000 prints its headline twice; agencies reuse paragraphs).
    """
    seen: list[str] = []
    norm_title = _squash(normalize(title)) if title else ""
    kept: list[Candidate] = []
    for index, text in sentences:
        if not is_content_sentence(text):
            continue
        key = _squash(normalize(text))
        if not key or key == norm_title or any(key in earlier for earlier in seen):
            continue
        seen.append(key)
        kept.append(Candidate(index, text.strip()))
    return kept


def _squash(text: str) -> str:
    """Letters and digits only, single-spaced: punctuation never makes two sentences differ."""
    return " ".join(words(text))


def choose(
    ranked: Sequence[Candidate],
    *,
    min_sentences: int = MIN_SENTENCES,
    max_sentences: int = MAX_SENTENCES,
    budget: int = CHAR_BUDGET,
) -> list[Candidate]:
    """Pick from ``ranked`` (best first) under the budget, then return them in article order.

    Greedy by rank, but a sentence is taken only if the shortest of the other sentences
    could still bring the digest to ``min_sentences`` within the budget: one
    long top sentence must not crowd out the rest. When no three sentences fit at all
    (long-sentence articles), the shortest of the better-ranked half of the rest fills
    up, so the digest overshoots the budget as little as possible.
    """
    chosen: list[Candidate] = []
    total = 0
    for cand in ranked:
        if len(chosen) == max_sentences:
            break
        need = min_sentences - len(chosen) - 1
        others = (len(c.text) for c in ranked if c is not cand and c not in chosen)
        reserve = sum(sorted(others)[:need]) if need > 0 else 0
        if total + len(cand.text) + reserve <= budget:
            chosen.append(cand)
            total += len(cand.text)
    rest = [c for c in ranked if c not in chosen]
    while len(chosen) < min_sentences and rest:
        pool = rest[: max(1, (len(rest) + 1) // 2)]
        best = min(pool, key=lambda c: (len(c.text), rest.index(c)))
        chosen.append(best)
        rest.remove(best)
    return sorted(chosen, key=lambda c: c.index)
