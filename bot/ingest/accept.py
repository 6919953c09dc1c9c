"""Acceptance: is a candidate article Arabic, on the dossier's topic, long enough and new?

Pure: the caller passes what the store already knows (:class:`Known`). Every refusal is
a :class:`Verdict` with a reason code from :data:`REASONS` and a human detail, so an
operator can always see why an article is not in the dossier.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.arabic.normalize import normalize
from bot.arabic.tokens import words
from bot.ingest.dossier import Dossier

if TYPE_CHECKING:  # datasketch imports SciPy (seconds, tens of MiB): loaded on first use
    from datasketch import MinHash, MinHashLSH

#: every refusal reason code, with what it means
REASONS: dict[str, str] = {
    "not_arabic": "the text is not Arabic",
    "off_topic": "too few of the dossier's terms",
    "too_short": "too little body text after cleaning",
    "duplicate_guid": "a feed item with this GUID was already taken in",
    "duplicate_url": "the same canonical URL is already in the dossier",
    "near_duplicate": "a near-copy of an article already in the dossier (recorded on it)",
    "no_text": "no main text could be extracted from the page",
    "fetch_http": "the server answered with an HTTP error",
    "fetch_timeout": "the server did not answer in time",
    "fetch_too_large": "the body exceeds the size cap",
    "fetch_redirects": "too many redirects (or a loop)",
    "fetch_network": "the connection failed",
    "fetch_type": "not an HTML or text document",
    "bad_file": "the local file cannot be read",
    "bad_feed": "the feed document cannot be read as RSS or Atom",
    "error": "an unexpected error while processing it (logged)",
}

SHINGLE = 4
NUM_PERM = 64
#: datasketch's hashing scheme, fixed so stored signatures stay comparable across upgrades
SCHEME = "affine64"
#: Jaccard similarity of word 4-shingles above which two texts are the same wire copy
NEAR_DUPLICATE = 0.6
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
ARABIC_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Verdict:
    accepted: bool
    reason: str = ""
    detail: str = ""
    duplicate_of: str | None = None


def arabic_share(text: str) -> float:
    """Share of letters that are Arabic script (0 when there are no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _ARABIC.match(ch)) / len(letters)


def shingles(text: str) -> set[bytes]:
    toks = [normalize(w) for w in words(text)]
    if len(toks) < SHINGLE:
        return {" ".join(toks).encode()}
    return {" ".join(toks[i : i + SHINGLE]).encode() for i in range(len(toks) - SHINGLE + 1)}


def signature(text: str) -> list[int]:
    """MinHash of the text's word shingles (stored with the article)."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch(list(shingles(text)))
    return [int(v) for v in m.hashvalues]


def _minhash(values: Sequence[int]) -> MinHash:
    import numpy as np
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM, seed=1, hashvalues=np.array(values, dtype=np.uint64), scheme=SCHEME
    )


def content_hash(title: str, text: str) -> str:
    h = hashlib.sha256()
    h.update(title.encode())
    h.update(b"\0")
    h.update(text.encode())
    return h.hexdigest()


def _new_lsh() -> MinHashLSH:
    from datasketch import MinHashLSH

    return MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=NUM_PERM)


@dataclass
class Known:
    """What the dossier already holds: canonical URLs and signatures of accepted articles."""

    urls: dict[str, str] = field(default_factory=dict)  # canonical URL → article id
    guids: set[str] = field(default_factory=set)
    signatures: dict[str, list[int]] = field(default_factory=dict)
    #: the signatures' LSH index, built when a near-duplicate is first looked for (a round
    #: with nothing fetched never loads datasketch)
    _lsh: MinHashLSH | None = field(default=None, repr=False, compare=False)

    def add(self, article_id: str, urls: Iterable[str], sig: Sequence[int] | None) -> None:
        for url in urls:
            self.urls.setdefault(url, article_id)
        if sig is not None and article_id not in self.signatures:
            self.signatures[article_id] = list(sig)
            if self._lsh is not None:
                self._lsh.insert(article_id, _minhash(sig))

    def _index(self) -> MinHashLSH:
        if self._lsh is None:
            self._lsh = _new_lsh()
            for article_id, sig in self.signatures.items():
                self._lsh.insert(article_id, _minhash(sig))
        return self._lsh

    def near(self, sig: Sequence[int]) -> tuple[str, float] | None:
        """The most similar accepted article above the threshold, with its similarity."""
        probe = _minhash(sig)
        best: tuple[str, float] | None = None
        for key in self._index().query(probe):
            sim = probe.jaccard(_minhash(self.signatures[key]))
            if sim >= NEAR_DUPLICATE and (best is None or sim > best[1]):
                best = (str(key), sim)
        return best


def judge(
    dossier: Dossier,
    known: Known,
    *,
    title: str,
    text: str,
    canonical: str | None,
    sig: Sequence[int],
    declared_lang: str | None = None,
) -> Verdict:
    """Decide one article; the first failing check gives the reason."""
    body = text.strip()
    if not body:
        return Verdict(False, "no_text", "the page has no main text")
    share = arabic_share(title + " " + body)
    if share < ARABIC_SHARE:
        lang = f" (the page declares {declared_lang!r})" if declared_lang else ""
        return Verdict(False, "not_arabic", f"{share:.0%} of its letters are Arabic{lang}")
    if len(body) < dossier.min_body_chars:
        return Verdict(
            False,
            "too_short",
            f"{len(body)} characters of body text, at least {dossier.min_body_chars} needed",
        )
    if canonical is not None and canonical in known.urls:
        first = known.urls[canonical]
        return Verdict(False, "duplicate_url", f"same as {first}", duplicate_of=first)
    found = dossier.matched_terms(title + "\n" + body)
    if len(found) < dossier.min_terms:
        shown = "، ".join(found) if found else "none"
        return Verdict(
            False,
            "off_topic",
            f"{len(found)} of the dossier's terms ({shown}); {dossier.min_terms} needed",
        )
    near = known.near(sig)
    if near is not None:
        return Verdict(
            False,
            "near_duplicate",
            f"{near[1]:.0%} of its word shingles match {near[0]}",
            duplicate_of=near[0],
        )
    return Verdict(True, detail="matched: " + "، ".join(found))
