"""/timeline's «🖼 صورة»: the dossier's events as a PNG, rendered once per cache version.

The picture depends only on the cache and the language, so it is drawn the first time a
reader asks for it (in a worker thread, under a lock so simultaneous first requests draw
it once), kept in memory and written to ``<data dir>/pictures/timeline-<digest>-<lang>.png``
so a restart with the same cache does not draw it again. After the first upload Telegram's
``file_id`` for it is kept too, and later requests send that id instead of the bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.model import Cache, TimelineEvent
from bot.picture.draw import Label, Picture, draw
from bot.picture.layout import DEFAULT_BUDGET, Row, plan_rows
from bot.telegram import render
from bot.telegram.i18n import Lang, t

log = logging.getLogger(__name__)

#: Telegram's caption limit (characters after entity parsing)
CAPTION_LIMIT = 1024
#: bump when the drawing changes, so pictures kept on disk are drawn again
PICTURE_VERSION = 1


def _when(lang: Lang, event: TimelineEvent) -> str:
    when = render.format_date(lang, event.date, event.granularity)
    if event.qualifier:
        when = t(lang, f"qualifier_{event.qualifier}", when=when)
    if event.end:
        when = f"{when} – {render.format_date(lang, event.end, event.granularity)}"
    return when


def _sources(lang: Lang, n: int) -> str:
    return t(lang, "picture_source_one") if n == 1 else t(lang, "picture_sources", n=n)


def label_of(lang: Lang, row: Row) -> Label:
    """The text of one planned row in the reader's language (event texts as written)."""
    if row.kind == "year":
        first, last = row.span or (row.year, row.year)
        return Label(head=str(first) if first == last else f"{first}–{last}")
    if row.kind == "gap":
        first, last = row.span or (row.year, row.year)
        return Label(head=t(lang, "picture_gap", n=last - first + 1, first=first, last=last))
    if row.kind == "event":
        event = row.events[0]
        head = f"{_when(lang, event)} · {_sources(lang, row.sources)}"
        return Label(head=head, body=event.text, badge=str(row.sources))
    period = _period(lang, row)
    example = max(row.events, key=lambda e: len({ev.article_id for ev in e.sources}))
    count = t(lang, "picture_events", n=len(row.events))
    head = f"{period} · {count} · {_sources(lang, row.sources)}"
    return Label(head=head, body=example.text, badge=str(row.sources))


def _period(lang: Lang, row: Row) -> str:
    """A summary row's time: «يونيو 2024», «يونيو – أكتوبر 2024» or «1991–2000»."""
    first, last = row.span or (row.year, row.year)
    if first != last:
        return f"{first}–{last}"
    months = sorted({int(e.date[5:7]) for e in row.events if e.date[5:7].isdigit()})
    if not months or len(months) < len({e.date[5:7] for e in row.events}):
        return str(first)  # some events are known only to the year
    if len(months) == 1:
        return render.format_date(lang, f"{first}-{months[0]:02d}")
    return (
        f"{t(lang, f'month_{months[0]}')} – {render.format_date(lang, f'{first}-{months[-1]:02d}')}"
    )


def _span(cache: Cache) -> tuple[int, int] | None:
    years = render.timeline_years(cache)
    return (years[0], years[-1]) if years else None


def render_picture(cache: Cache, lang: Lang, budget: float = DEFAULT_BUDGET) -> Picture | None:
    """Draw the cache's timeline; None when it has no dated event."""
    rows = plan_rows(cache.timeline, render.chronological, budget)
    span = _span(cache)
    if not rows or span is None:
        return None
    articles = len({ev.article_id for e in cache.timeline for ev in e.sources})
    return draw(
        [(row, label_of(lang, row)) for row in rows],
        title=t(lang, "picture_title"),
        subtitle=t(
            lang,
            "picture_subtitle",
            events=len(cache.timeline),
            articles=articles,
            first=span[0],
            last=span[1],
        ),
        footer=t(lang, "picture_footer"),
        rtl=lang == "ar",
    )


def caption(cache: Cache, lang: Lang) -> str:
    """The photo's HTML caption, within Telegram's 1024 characters."""
    first, last = _span(cache) or (0, 0)
    text = t(lang, "picture_caption", events=len(cache.timeline), first=first, last=last)
    return render.finish(lang, text)


@dataclass
class TimelinePictures:
    """The pictures of one cache, per language: memory, then disk, then drawing."""

    cache: Cache
    folder: Path | None = None
    _png: dict[Lang, bytes] = field(default_factory=dict)
    _file_ids: dict[Lang, str] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    drawn: int = 0  # how many times a picture was actually drawn (tests, metrics)

    @property
    def key(self) -> str:
        """The cache version as the picture sees it: sources, events and the drawing's
        version (a pipeline change with the same articles draws a new picture)."""
        h = hashlib.sha256(f"{PICTURE_VERSION}\0{self.cache.source_digest}\0".encode())
        for event in self.cache.timeline:
            h.update(event.model_dump_json().encode("utf-8"))
        return h.hexdigest()[:16]

    def path(self, lang: Lang) -> Path | None:
        return None if self.folder is None else self.folder / f"timeline-{self.key}-{lang}.png"

    def file_id(self, lang: Lang) -> str | None:
        """Telegram's id of the uploaded picture, once it has been sent."""
        return self._file_ids.get(lang)

    def remember_file_id(self, lang: Lang, file_id: str) -> None:
        self._file_ids[lang] = file_id

    def forget_file_id(self, lang: Lang) -> None:
        self._file_ids.pop(lang, None)

    async def png(self, lang: Lang) -> bytes | None:
        """The picture's bytes; None when the timeline has nothing to draw."""
        if (cached := self._png.get(lang)) is not None:
            return cached
        async with self._lock:
            if (cached := self._png.get(lang)) is not None:
                return cached
            path = self.path(lang)
            if path is not None and path.is_file():
                data = await asyncio.to_thread(path.read_bytes)
            else:
                picture = await asyncio.to_thread(render_picture, self.cache, lang)
                if picture is None:
                    return None
                self.drawn += 1
                data = picture.png
                if path is not None:
                    try:
                        await asyncio.to_thread(_write, path, data)
                    except OSError:  # the data dir is optional for this: memory suffices
                        log.warning("could not keep the timeline picture in %s", path)
            self._png[lang] = data
            return data


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
