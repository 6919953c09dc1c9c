"""An article page → main text, title, outlet, publication date and canonical URL.

trafilatura finds the main text and the metadata (it cleans markup with
lxml_html_clean); where it finds no date, htmldate looks harder (original date, not the
page's modification date). A page with no date gets none here: the caller records that
and dates the article by when it was fetched. Plain ``.txt`` files take the first
non-empty line as the title.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_LANG = re.compile(r"""<html[^>]*\blang\s*=\s*["']?([A-Za-z-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    text: str
    outlet: str | None
    published: dt.date | None
    canonical: str | None
    declared_lang: str | None


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_page(markup: str, url: str | None = None) -> Page:
    """Reduce an HTML page to what an article needs (empty text when none is found)."""
    # trafilatura and htmldate (60 MiB with lxml): loaded when a page is first read
    import trafilatura
    from htmldate import find_date

    doc = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    declared = _LANG.search(markup[:2000])
    lang = declared.group(1).lower() if declared else None
    if doc is None or isinstance(doc, dict):  # dict only with as_dict=True, never here
        return Page("", "", None, None, None, lang)
    title = str(doc.title or "").strip()
    text = str(doc.text or "").strip()
    # trafilatura repeats the headline as the first line of the text
    first, _, rest = text.partition("\n")
    if title and first.strip() == title:
        text = rest.strip()
    published = _iso_date(doc.date)
    if published is None:
        published = _iso_date(find_date(markup, original_date=True, extensive_search=False))
    canonical = str(doc.url) if doc.url and doc.url != url else None
    return Page(
        title=title,
        text=text,
        outlet=(str(doc.sitename).strip() or None) if doc.sitename else None,
        published=published,
        canonical=canonical,
        declared_lang=lang,
    )


def text_page(raw: str) -> Page:
    """A plain-text article: first non-empty line is the title, the rest the body."""
    lines = [line.strip() for line in raw.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    title = lines[0] if lines else ""
    body = "\n".join(lines[1:]).strip()
    return Page(title, body, None, None, None, None)
