"""Bytes → text for pages and feeds in the order a browser trusts: the HTTP header's
charset, then the document's own declaration (``<meta charset>``, ``http-equiv`` or an
XML prolog), then charset-normalizer's detection, then UTF-8 with replacement.

Arabic pages often arrive as windows-1256 with no charset or with a wrong one: a declared
charset that does not decode cleanly is skipped rather than trusted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", re.I)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    how: str  # header | meta | detected | fallback


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _try(data: bytes, name: str | None) -> str | None:
    codec = _codec(name)
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The ``charset=`` of a Content-Type header, if any."""
    m = _HEADER.search(content_type or "")
    return m.group(1) if m else None


def decode(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched body (see the module doc for the order)."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8", "bom")
    declared = header_charset(content_type)
    if (text := _try(data, declared)) is not None and _plausible(text, declared):
        return Decoded(text, _codec(declared) or "", "header")
    head = data[:4096]
    for pattern in (_META, _XML):
        m = pattern.search(head)
        if m:
            name = m.group(1).decode("ascii", "replace")
            if (text := _try(data, name)) is not None and _plausible(text, name):
                return Decoded(text, _codec(name) or "", "meta")
    if (text := _try(data, "utf-8")) is not None:
        return Decoded(text, "utf-8", "detected")
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return Decoded(str(best), best.encoding, "detected")
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "fallback")


def _plausible(text: str, declared: str | None) -> bool:
    """A single-byte charset always 'decodes'; reject one that turns Arabic into Latin-1
    soup (the classic windows-1256 page served as ISO-8859-1)."""
    codec = _codec(declared) or ""
    if codec not in {"latin-1", "iso8859-1", "cp1252", "iso8859-15"}:
        return True
    high = sum(1 for ch in text if "\u00c0" <= ch <= "\u00ff")
    letters = sum(1 for ch in text if ch.isalpha())
    return letters == 0 or high / letters < 0.3
