"""Arabic labels for matplotlib: shaped always, reordered only when matplotlib does not.

Every label is *reshaped* (arabic-reshaper: each letter becomes its contextual
presentation form, U+FB50–U+FEFF, lam-alef ligatures included), so the glyphs drawn are
the joined forms whatever the text engine does; DejaVu Sans, which matplotlib ships, has
all of them, so nothing needs downloading.

Reordering depends on the matplotlib build. Wheels from 3.11 on lay text out with libraqm
(FriBiDi + HarfBuzz): they apply the Unicode bidirectional algorithm themselves, so a
label must stay in *logical* order — reordering it with python-bidi as well would reverse
every Arabic run twice (seen: «الخط الزمني» drawn as «ينمزلا طخلا»). Older builds draw
code points left to right as given; for them python-bidi puts the label in *visual*
order first. :func:`needs_reordering` tells which case this process is in.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import arabic_reshaper
from bidi import get_display

_RESHAPER = arabic_reshaper.ArabicReshaper(
    configuration={"delete_harakat": True, "support_ligatures": True}
)


def is_arabic_letter(ch: str) -> bool:
    """A letter of the Arabic script in its base (logical, unjoined) form."""
    return (
        unicodedata.bidirectional(ch) == "AL"
        and unicodedata.category(ch) == "Lo"
        and not is_presentation_form(ch)
    )


def is_presentation_form(ch: str) -> bool:
    """A contextual glyph form (Arabic Presentation Forms-A or -B)."""
    return "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"


@lru_cache(maxsize=1)
def needs_reordering() -> bool:
    """True when matplotlib's text layout has no bidi of its own (no libraqm)."""
    from matplotlib import ft2font

    return not getattr(ft2font, "__libraqm_version__", "")


def visual(text: str, *, reorder: bool | None = None) -> str:
    """``text`` shaped (and, for a renderer without bidi, reordered) for matplotlib.

    ``reorder`` defaults to :func:`needs_reordering`. Text without right-to-left letters is
    returned unchanged.
    """
    if not any(unicodedata.bidirectional(ch) in ("AL", "R") for ch in text):
        return text
    shaped: str = _RESHAPER.reshape(text)
    if not (needs_reordering() if reorder is None else reorder):
        return shaped
    shown = get_display(shaped)
    return shown if isinstance(shown, str) else shown.decode("utf-8")


def unshaped_letters(shown: str) -> list[str]:
    """Arabic letters in a *shaped* label that were left in their base form.

    After reshaping, only letters that never join (hamza ء) may stay in base form; any
    other base-form letter means shaping did not happen.
    """
    return [ch for ch in shown if is_arabic_letter(ch) and ch not in "ء"]
