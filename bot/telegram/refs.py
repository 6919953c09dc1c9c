"""How a reader names an article and a sentence: one numbering everywhere.

An article's *number* is its id's leading part when that is digits (``004`` for
``004_b201…``), else its 1-based position in the cache. The digest menu shows it,
footnotes and ``/source`` use it, and ``/digest 4``, ``/digest 004`` and ``/digest
004_b201…`` all open the same article. Sentence numbers are the ones a reader counts in
the article (headings are not counted: :meth:`bot.model.ArticleText.reader_number`).
"""

from __future__ import annotations

from bot.model import ArticleEntry, Cache

_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def article_number(cache: Cache, article: ArticleEntry) -> str:
    """The number a reader types for ``article`` (``004``)."""
    head = article.id.split("_", 1)[0]
    if head.isascii() and head.isdigit():
        return head
    position = cache.position(article.id)
    if position is None:  # not an entry of this cache: the old, comparing search
        position = cache.articles.index(article)
    return str(position + 1)


def find_article(cache: Cache, ref: str) -> int | None:
    """The index in ``cache.articles`` of the article ``ref`` names, or None."""
    ref = ref.strip().translate(_ARABIC_INDIC)
    if not ref:
        return None
    for i, article in enumerate(cache.articles):
        if ref in (article.id, article_number(cache, article)):
            return i
    if ref.isdigit():
        for i, article in enumerate(cache.articles):
            number = article_number(cache, article)
            if number.isdigit() and int(number) == int(ref):
                return i
    return None


def sentence_number(cache: Cache, article_id: str, index: int) -> int | None:
    """The number a reader counts for sentence ``index``; None for a heading.

    Without the article's text in the cache, sentences are counted from 1 as stored.
    """
    text = cache.text(article_id)
    if text is None:
        return index + 1
    return text.reader_number(index)


def source_command(cache: Cache, article_id: str, number: int) -> str | None:
    """The tappable command that shows a cited sentence (``/source_004_17``)."""
    article = cache.article(article_id)
    if article is None:
        return None
    ref = article_number(cache, article)
    if not (ref.isascii() and ref.replace("_", "").isalnum()):
        return None
    return f"/source_{ref}_{number}"
