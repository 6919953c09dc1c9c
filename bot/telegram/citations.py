"""Footnotes a reader can check: one number per cited line, each leading to its sentences.

Every line that cites gets its own superscript (a line citing the same sentences as an
earlier one reuses its number). The footnotes group the numbers under each article —
outlet (linked to the original when a URL is known) and title once — and give each
number its sentence numbers, as a reader counts them, with a tappable ``/source_004_17``
that shows the sentence in its paragraph.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.model import Cache, Evidence
from bot.telegram.i18n import Lang, t
from bot.telegram.refs import sentence_number, source_command
from bot.telegram.text import outlet, truncate

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass
class Citations:
    """Numbers cited lines in order of first use and renders their footnotes."""

    cache: Cache
    lang: Lang
    _numbers: dict[frozenset[tuple[str, int]], int] = field(default_factory=dict)
    _articles: dict[str, list[tuple[int, list[int]]]] = field(default_factory=dict)

    def cite(self, sources: Sequence[Evidence]) -> str:
        """The superscript reference for one line's ``sources`` (``" ³"``), empty if none."""
        cited = frozenset((ev.article_id, ev.sentence_index) for ev in sources)
        if not cited:
            return ""
        number = self._numbers.get(cited)
        if number is None:
            number = self._numbers[cited] = len(self._numbers) + 1
            by_article: dict[str, list[int]] = {}
            for article_id, index in sorted(cited):
                by_article.setdefault(article_id, []).append(index)
            for ev in sources:  # articles in the line's own order
                if ev.article_id in by_article:
                    self._articles.setdefault(ev.article_id, []).append(
                        (number, by_article.pop(ev.article_id))
                    )
        return " " + superscript(number)

    def _sentences(self, article_id: str, indices: Sequence[int]) -> str:
        parts: list[str] = []
        for index in indices:
            number = sentence_number(self.cache, article_id, index)
            if number is None:
                parts.append(_esc(t(self.lang, "heading_label")))
                continue
            label = _esc(t(self.lang, "sentence_label", n=number))
            command = source_command(self.cache, article_id, number)
            parts.append(f"{label} {command}" if command else label)
        return " · ".join(parts)

    def footer(self) -> str:
        """The footnotes, or an empty string when nothing was cited."""
        if not self._articles:
            return ""
        lines = [f"<b>{_esc(t(self.lang, 'sources_label'))}</b>"]
        for article_id, cited in self._articles.items():
            article = self.cache.article(article_id)
            if article is None:
                lines.append(_esc(article_id))
            else:
                name = _esc(outlet(article, self.lang))
                if article.url:
                    name = f'<a href="{html.escape(article.url, quote=True)}">{name}</a>'
                lines.append(f"{name} — «{_esc(truncate(article.title, 80))}»")
            for number, indices in cited:
                lines.append(f"{superscript(number)} {self._sentences(article_id, indices)}")
        return "\n".join(lines)
