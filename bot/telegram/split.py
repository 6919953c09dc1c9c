"""Split an HTML message into Telegram-sized parts without ever cutting inside a tag.

Telegram limits a message to 4096 characters *after* entity parsing, so the budget is
measured on the plain text. A part ends at the last paragraph break that fits, else the
last line break, else the last sentence end, else the last space, else a hard cut. Tags
open at a cut are closed at the end of the part and reopened at the start of the next,
so every part is well-formed HTML on its own and joining the parts' text loses nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096

_TOKEN = re.compile(
    r"<(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>[^>]*)>"
    r"|&(?P<ent>#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"
)
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = frozenset(".!?؟…。;؛")


@dataclass(frozen=True)
class _Atom:
    char: str
    tags: tuple[tuple[str, str], ...]  # (name, raw opening tag), outermost first


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def _atoms(text: str) -> list[_Atom]:
    """Decode well-formed Telegram HTML into characters, each with its open tags."""
    atoms: list[_Atom] = []
    stack: list[tuple[str, str]] = []
    pos = 0

    def plain(chunk: str) -> None:
        tags = tuple(stack)
        atoms.extend(_Atom(ch, tags) for ch in chunk)

    for match in _TOKEN.finditer(text):
        plain(text[pos : match.start()])
        pos = match.end()
        if match.group("ent") is not None:
            plain(html.unescape(match.group(0)))
        elif match.group("close"):
            name = match.group("name").lower()
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((match.group("name").lower(), match.group(0)))
    plain(text[pos:])
    return atoms


def _serialise(atoms: list[_Atom]) -> str:
    out: list[str] = []
    open_tags: tuple[tuple[str, str], ...] = ()
    for atom in atoms:
        common = 0
        while (
            common < len(open_tags)
            and common < len(atom.tags)
            and open_tags[common] == atom.tags[common]
        ):
            common += 1
        out.extend(f"</{name}>" for name, _ in reversed(open_tags[common:]))
        out.extend(raw for _, raw in atom.tags[common:])
        open_tags = atom.tags
        out.append(html.escape(atom.char, quote=False))
    out.extend(f"</{name}>" for name, _ in reversed(open_tags))
    return "".join(out)


def _cut(chars: list[str], start: int, end: int) -> int:
    """Best cut in ``chars[start:end]`` (exclusive end index of the part).

    Only boundaries after the window's first visible character count, so a part is never
    pure whitespace unless a whitespace run alone exceeds the limit.
    """
    window = "".join(chars[start:end])
    content = len(window) - len(window.lstrip())
    if content == len(window):
        return end
    para = window.rfind("\n\n", content)
    if para > content:
        return start + para + 2
    line = window.rfind("\n", content)
    if line > content:
        return start + line + 1
    for i in range(len(window) - 1, content, -1):
        if window[i].isspace() and window[i - 1] in _SENTENCE_END:
            return start + i + 1
    for i in range(len(window) - 1, content, -1):
        if window[i].isspace():
            return start + i + 1
    return end


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of ``text`` (Telegram HTML), each ≤ ``limit`` UTF-16 units once parsed.

    Parts that would be only whitespace are dropped (Telegram rejects empty messages).
    """
    if limit < 2:
        raise ValueError("limit must leave room for at least one character")
    shown = html.unescape(_TAG.sub("", text))
    if utf16_len(shown) <= limit and shown.strip():
        return [text]  # fast path: most replies fit; the tag-aware walk is for long ones
    atoms = _atoms(text)
    chars = [a.char for a in atoms]
    widths = [utf16_len(c) for c in chars]
    parts: list[str] = []
    start = 0
    while start < len(atoms):
        used, end = 0, start
        while end < len(atoms) and used + widths[end] <= limit:
            used += widths[end]
            end += 1
        cut = end if end == len(atoms) else _cut(chars, start, end)
        chunk = atoms[start:cut]
        if any(not a.char.isspace() for a in chunk):
            parts.append(_serialise(chunk))
        start = cut
    return parts


def plain_text(text: str) -> str:
    """The text a client shows for ``text`` (tags removed, entities decoded)."""
    return "".join(a.char for a in _atoms(text))
