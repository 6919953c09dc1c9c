"""The Arabic tokenizer, stemmer and stop words handed to sumy.

sumy's own ``Tokenizer("arabic")`` (pyarabic) cuts sentences at every Arabic comma and
inside quotations, so digests built on it read as fragments. This adapter
gives sumy the project's sentence splitter and word tokenizer; the sentences shown to
readers stay exactly as written.

Words reach sumy as written, not normalised: the Snowball stemmer needs "ة" and the
hamza seats to find suffixes (stemming normalised words gives worse stems for about one
word in eight here). Stop words are therefore dropped in ``to_words`` with the project's
spelling-insensitive test, since sumy's own filter compares raw lower-cased strings.
"""

from __future__ import annotations

from functools import lru_cache

from sumy.utils import get_stop_words

from bot.arabic.sentences import split_sentences
from bot.arabic.stem import stem
from bot.arabic.stopwords import STOP_WORDS, is_stop_word
from bot.arabic.tokens import words


class ArabicTokenizer:
    """Duck-types sumy's ``Tokenizer``: ``language``, ``to_sentences``, ``to_words``."""

    language = "arabic"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Whole sentences as written (the project's splitter, not pyarabic's)."""
        return tuple(s.strip() for s in split_sentences(paragraph) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Content words as written (stop words in any spelling removed); for scoring only."""
        return tuple(w for w in words(sentence) if not is_stop_word(w))


def arabic_stemmer(word: str) -> str:
    """A sumy stemmer callable: the project's (memoised) normalised stem."""
    return stem(word)


@lru_cache(maxsize=1)
def arabic_stop_words() -> frozenset[str]:
    """sumy's Arabic stop words as shipped plus the project's normalised ones.

    Set on every summarizer so sumy's own filter agrees with ``to_words`` (which has
    already removed these words in any spelling).
    """
    return frozenset((*get_stop_words("arabic"), *STOP_WORDS))
