"""Draw a planned timeline (:mod:`bot.picture.layout`) as a phone-sized PNG with matplotlib.

A vertical axis, oldest at the top: on a phone a tall picture scrolls and zooms naturally,
and each row keeps a full line's width for its text. Every row is a fixed-height band, and
every label is cut (at a word, with «…») until its measured width fits the space beside
the axis, so no two labels overlap. The picture is 1080 px wide and at most 2560 px tall
(the layout's budget): Telegram stores photos at most 2560 px on the long side, so the
text is never downscaled, and a 1080-px-wide picture fills a phone's width.

Uses matplotlib's object API with the Agg canvas (no pyplot global state), so it is safe
to run in a worker thread. The font is the DejaVu Sans matplotlib ships, for the same
glyphs on every machine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.picture.layout import DPI, FOOTER_IN, MAX_HEIGHT_PX, ROW_IN, TITLE_IN, Row
from bot.picture.shaping import visual

WIDTH_IN = 7.5  # 1080 px
HEAD_PT = 12.0
BODY_PT = 13.5
TITLE_PT = 18.0

_INK = "#1f2933"
_MUTED = "#52606d"
_AXIS = "#9aa5b1"
_PAPER = "#ffffff"
_BADGE = ("#7b8794", "#2f80ed", "#1b5e9e", "#0b3c6f")  # 1, 2–3, 4–6, 7+ sources
_SUMMARY = "#d9822b"


@dataclass(frozen=True)
class Label:
    """A row's text in logical order; ``head`` is the date line, ``body`` the event."""

    head: str = ""
    body: str = ""
    badge: str = ""  # the number drawn on the axis (source count)


@dataclass(frozen=True)
class Picture:
    """The PNG and what was drawn, so tests can check the text and the geometry."""

    png: bytes
    width: int
    height: int
    #: every label as handed to matplotlib (shaped and in visual order)
    labels: tuple[str, ...]
    #: each label's box in pixels (x0, y0, x1, y1), same order as ``labels``
    boxes: tuple[tuple[float, float, float, float], ...]


def _font(bold: bool) -> Any:
    import matplotlib
    from matplotlib.font_manager import FontProperties

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return FontProperties(fname=str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))


def _badge_colour(sources: int) -> str:
    if sources <= 1:
        return _BADGE[0]
    if sources <= 3:
        return _BADGE[1]
    return _BADGE[2] if sources <= 6 else _BADGE[3]


def _cut(text: str, keep: int) -> str:
    if keep >= len(text):
        return text
    cut = text.rfind(" ", 0, keep)
    return text[: cut if cut > keep // 2 else keep].rstrip(" ،,.") + "…"


def draw(
    rows: Sequence[tuple[Row, Label]],
    *,
    title: str,
    subtitle: str,
    footer: str,
    rtl: bool,
) -> Picture:
    """Render the rows; ``rtl`` puts the axis on the right and aligns labels to it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, FancyBboxPatch

    regular, bold = _font(False), _font(True)
    body_h = sum(ROW_IN[row.kind] for row, _ in rows)
    height_in = TITLE_IN + body_h + FOOTER_IN
    height_in = min(height_in, MAX_HEIGHT_PX / DPI)
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor=_PAPER)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH_IN)
    ax.set_ylim(height_in, 0)  # y grows downwards, in inches
    ax.axis("off")
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]

    margin = 0.3
    axis_x = WIDTH_IN - 0.7 if rtl else 0.7
    text_x = axis_x - 0.42 if rtl else axis_x + 0.42
    far_x = margin if rtl else WIDTH_IN - margin
    room_px = abs(text_x - far_x) * DPI
    align = "right" if rtl else "left"

    labels: list[str] = []
    artists: list[Any] = []

    def put(x: float, y: float, text: str, font: Any, size: float, colour: str, **kw: Any) -> None:
        """Draw ``text`` (logical order) cut to fit between ``x`` and the far margin."""
        shown = visual(text)
        artist = ax.text(x, y, shown, fontproperties=font, fontsize=size, color=colour, **kw)
        limit = room_px if kw.get("ha", align) == align else 2 * room_px
        if artist.get_window_extent(renderer).width > limit:
            low, high = 1, len(text)
            while low < high:  # the longest cut that fits
                mid = (low + high + 1) // 2
                artist.set_text(visual(_cut(text, mid)))
                if artist.get_window_extent(renderer).width <= limit:
                    low = mid
                else:
                    high = mid - 1
            shown = visual(_cut(text, low))
            artist.set_text(shown)
        labels.append(shown)
        artists.append(artist)

    title_x = WIDTH_IN - margin if rtl else margin
    put(title_x, 0.4, title, bold, TITLE_PT, _INK, ha=align, va="center")
    put(title_x, 0.74, subtitle, regular, HEAD_PT, _MUTED, ha=align, va="center")

    y = TITLE_IN
    top = y
    for row, label in rows:
        h = ROW_IN[row.kind]
        if y + h > height_in - FOOTER_IN:
            break  # only reachable when a plan exceeds Telegram's size: cut, never squeeze
        mid = y + h / 2
        if row.kind == "year":
            box = FancyBboxPatch(
                (axis_x - 0.5, mid - 0.14),
                1.0,
                0.28,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=_INK,
                edgecolor="none",
                zorder=3,
            )
            ax.add_patch(box)
            put(axis_x, mid, label.head, bold, 11, _PAPER, ha="center", va="center", zorder=4)
        elif row.kind == "gap":
            ax.plot([axis_x, axis_x], [y + 0.05, y + h - 0.05], color=_AXIS, lw=2, ls=(0, (2, 3)))
            put(text_x, mid, label.head, regular, HEAD_PT, _MUTED, ha=align, va="center")
        else:
            colour = _SUMMARY if row.kind == "summary" else _badge_colour(row.sources)
            ax.add_patch(Circle((axis_x, mid), 0.2, facecolor=colour, edgecolor=_PAPER, zorder=3))
            put(axis_x, mid, label.badge, bold, 11, _PAPER, ha="center", va="center", zorder=4)
            put(text_x, y + 0.2, label.head, bold, HEAD_PT, colour, ha=align, va="center")
            put(text_x, y + 0.48, label.body, regular, BODY_PT, _INK, ha=align, va="center")
        y += h
    ax.plot([axis_x, axis_x], [top, y], color=_AXIS, lw=3, zorder=1, solid_capstyle="round")
    put(title_x, height_in - FOOTER_IN / 2, footer, regular, 10.5, _MUTED, ha=align, va="center")

    canvas.draw()  # type: ignore[no-untyped-call]
    width_px, height_px = canvas.get_width_height()
    boxes = []
    for artist in artists:
        bb = artist.get_window_extent(renderer)
        # display coordinates have y upwards; report y downwards like the image
        boxes.append((bb.x0, height_px - bb.y1, bb.x1, height_px - bb.y0))
    out = io.BytesIO()
    canvas.print_png(out)  # type: ignore[no-untyped-call]
    return Picture(
        png=out.getvalue(),
        width=width_px,
        height=height_px,
        labels=tuple(labels),
        boxes=tuple(boxes),
    )
