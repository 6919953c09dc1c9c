"""Telegram's HTML parse mode, re-implemented: markup → plain text + message entities.

Why here: the emulator must refuse what Telegram refuses (``can't parse entities``) and
measure length the way Telegram does (UTF-16 code units of the text *after* the markup
is stripped), and the bot's renderer reuses :func:`parse_html` to check its own output
before it ever reaches the network. The rules and error messages follow tdlib's
``parse_html``; the one deliberate difference is that a bare ``&`` that does not start an
entity is an error here (tdlib keeps it literally), so escaping bugs surface in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The longest message Telegram accepts, in UTF-16 code units after entity parsing.
MAX_MESSAGE_LENGTH = 4096

#: Tags Telegram's HTML mode knows, and the entity each produces.
_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "code", "pre", "span", "tg-emoji", "blockquote"})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\0")
#: What Telegram trims from both ends of a message text.
_TRIMMED = " \t\r\n\v\f"


class HTMLParseError(ValueError):
    """The markup cannot be parsed; ``description`` is tdlib's wording (without prefix)."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True, slots=True)
class MessageEntity:
    """One formatting span; offset and length count UTF-16 code units, as Telegram does."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The Bot API JSON shape (``MessageEntity``)."""
        data: dict[str, Any] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> MessageEntity:
        """Read a Bot API ``MessageEntity`` (e.g. from an explicit ``entities`` parameter)."""
        return cls(
            type=str(data["type"]),
            offset=int(data["offset"]),
            length=int(data["length"]),
            url=data.get("url"),
            language=data.get("language"),
            custom_emoji_id=data.get("custom_emoji_id"),
        )


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(text: str, start: int) -> tuple[str, int] | None:
    """Decode ``&name;`` / ``&#N;`` / ``&#xH;`` at ``start``; return (char, next index)."""
    end = text.find(";", start + 1, start + 12)
    if end == -1:
        return None
    body = text[start + 1 : end]
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end + 1
    if body.startswith("#") and len(body) > 1:
        digits = body[1:]
        try:
            code = int(digits[1:], 16) if digits[0] in "xX" else int(digits, 10)
        except ValueError:
            return None
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), end + 1
    return None


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the output where the tag's content starts
    out_index: int  # index into the output pieces, to recover inner text for <a>
    expandable: bool = False


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[MessageEntity]]:
    """Parse Telegram HTML into (plain text, entities sorted as Telegram sends them).

    Raises :class:`HTMLParseError` with Telegram's description for unknown or unclosed
    tags, mismatched end tags, and (when ``strict_ampersand``) a ``&`` that is not an
    entity. Plain text is *not* trimmed; see :func:`trim_text`.
    """
    return _Parser(text, strict_ampersand).run()


class _Parser:
    """One pass over the markup: text and entities go out, open tags wait on a stack."""

    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.u16 = 0  # UTF-16 length of the output so far
        self.stack: list[_Open] = []
        self.entities: list[MessageEntity] = []

    def run(self) -> tuple[str, list[MessageEntity]]:
        while self.i < self.n:
            if self.text[self.i] == "&" and self._entity():
                continue
            if (ch := self.text[self.i]) != "<":
                self.out.append(ch)
                self.u16 += 2 if ord(ch) > 0xFFFF else 1
                self.i += 1
            elif self.i + 1 < self.n and self.text[self.i + 1] == "/":
                self._end_tag()
            else:
                self._start_tag()
        if self.stack:
            raise HTMLParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        # A <code class="language-x"> not wrapped by <pre> is plain code, as in Telegram.
        entities = [
            MessageEntity("code", e.offset, e.length) if e.type == "code" else e
            for e in self.entities
        ]
        entities.sort(key=lambda e: (e.offset, -e.length))
        return "".join(self.out), entities

    def _emit(self, piece: str) -> None:
        self.out.append(piece)
        self.u16 += utf16_len(piece)

    def _error(self, what: str, begin: int, tail: str = "") -> HTMLParseError:
        """tdlib's wording: what went wrong, where (in UTF-8 bytes), then any detail."""
        return HTMLParseError(f"{what} at byte offset {_byte_offset(self.text, begin)}{tail}")

    def _entity(self) -> bool:
        """``&…;`` at the cursor: emitted and consumed (True), or a literal ``&`` (False)."""
        decoded = _decode_entity(self.text, self.i)
        if decoded is not None:
            self._emit(decoded[0])
            self.i = decoded[1]
            return True
        if self.strict_ampersand:
            raise self._error(
                "Unsupported HTML entity", self.i, ': write "&amp;" for a literal "&"'
            )
        return False

    def _skip_spaces(self) -> None:
        while self.i < self.n and self.text[self.i] in _SPACES:
            self.i += 1

    def _name(self, stops: str = ">") -> str:
        """The run of characters up to a space or one of ``stops``, lower-cased."""
        start = self.i
        while (
            self.i < self.n and self.text[self.i] not in _SPACES and self.text[self.i] not in stops
        ):
            self.i += 1
        return self.text[start : self.i].lower()

    def _end_tag(self) -> None:
        begin = self.i
        if not self.stack:
            raise self._error("Unexpected end tag", begin)
        self.i += 2
        end_name = self._name()
        self._skip_spaces()
        if self.i >= self.n or self.text[self.i] != ">":
            raise self._error("Unclosed end tag", begin)
        self.i += 1
        opened = self.stack.pop()
        if end_name and end_name != opened.tag:
            raise self._error(
                "Unmatched end tag", begin, f', expected "</{opened.tag}>", found "</{end_name}>"'
            )
        _close(opened, self.u16, "".join(self.out[opened.out_index :]), self.entities)

    def _start_tag(self) -> None:
        """A start tag: the name runs to the first space or '>', then its attributes."""
        begin = self.i
        self.i += 1
        tag = self._name()
        if self.i >= self.n:
            raise self._error("Unclosed start tag", begin)
        if tag not in SUPPORTED_TAGS:
            raise self._error(f'Unsupported start tag "{tag}"', begin)
        argument, expandable = "", False
        while (attribute := self._attribute(tag, begin)) is not None:
            name, value = attribute
            if value is None:  # <blockquote expandable>
                expandable = True
            elif (found := _tag_argument(tag, name, value)) is not None:
                argument = found
            elif tag == "blockquote" and name == "expandable":
                expandable = True
        if tag == "span" and argument != "spoiler":
            raise self._error('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(_Open(tag, argument, self.u16, len(self.out), expandable))

    def _attribute(self, tag: str, begin: int) -> tuple[str, str | None] | None:
        """The next ``name=value`` of a start tag; None at its '>' (consumed)."""
        self._skip_spaces()
        if self.i >= self.n:
            raise self._error("Unclosed start tag", begin)
        if self.text[self.i] == ">":
            self.i += 1
            return None
        name = self._name("=>")
        if not name:
            raise self._error(f'Empty attribute name in the tag "{tag}"', begin)
        self._skip_spaces()
        if self.i >= self.n or self.text[self.i] != "=":
            if tag == "blockquote" and name == "expandable":
                return name, None
            raise self._error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}"', begin
            )
        self.i += 1
        self._skip_spaces()
        if self.i >= self.n:
            raise self._error("Unclosed start tag", begin)
        value, self.i = _attribute_value(self.text, self.i)
        return name, value


def _tag_argument(tag: str, attribute: str, value: str) -> str | None:
    """What an attribute contributes to its entity (a link, a language, …), if anything."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return None


def _attribute_value(text: str, i: int) -> tuple[str, int]:
    """Read a quoted string or a bare name token starting at ``i``."""
    n = len(text)
    if text[i] not in "'\"":
        start = i
        while i < n and (text[i].isalnum() or text[i] in ".-"):
            i += 1
        if i >= n or (text[i] not in _SPACES and text[i] != ">"):
            raise HTMLParseError(
                f"Unexpected end of name token at byte offset {_byte_offset(text, start)}"
            )
        return text[start:i].lower(), i
    quote = text[i]
    i += 1
    chars: list[str] = []
    while i < n and text[i] != quote:
        if text[i] == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                chars.append(decoded[0])
                i = decoded[1]
                continue
        chars.append(text[i])
        i += 1
    if i < n:
        i += 1  # the closing quote
    return "".join(chars), i


def _close(opened: _Open, u16: int, inner: str, entities: list[MessageEntity]) -> None:
    """Turn a closed tag into an entity; empty spans produce none, as in Telegram."""
    length = u16 - opened.offset
    if length == 0:
        return
    tag, arg, offset = opened.tag, opened.argument, opened.offset
    if tag in _SIMPLE_TAGS:
        entities.append(MessageEntity(_SIMPLE_TAGS[tag], offset, length))
    elif tag == "span":
        entities.append(MessageEntity("spoiler", offset, length))
    elif tag == "tg-emoji":
        if not arg.isdigit():
            raise HTMLParseError("Invalid custom emoji identifier specified")
        entities.append(MessageEntity("custom_emoji", offset, length, custom_emoji_id=arg))
    elif tag == "a":
        url = (arg or inner).strip()
        if url.startswith("tg://user?id="):
            entities.append(MessageEntity("text_mention", offset, length, url=url))
        elif url:
            if "://" not in url and not url.startswith(("tg:", "ton:", "mailto:")):
                url = "http://" + url
            entities.append(MessageEntity("text_link", offset, length, url=url))
    elif tag == "code":
        entities.append(MessageEntity("code", offset, length, language=arg or None))
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "code"
            and last.offset == offset
            and last.length == length
        ):
            entities[-1] = MessageEntity("pre", offset, length, language=last.language)
        else:
            entities.append(MessageEntity("pre", offset, length))
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.expandable else "blockquote"
        entities.append(MessageEntity(kind, offset, length))


def trim_text(text: str, entities: list[MessageEntity]) -> tuple[str, list[MessageEntity]]:
    """Strip leading/trailing whitespace as Telegram does, clipping entities to match."""
    stripped_left = text.lstrip(_TRIMMED)
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(_TRIMMED)
    total = utf16_len(result)
    clipped: list[MessageEntity] = []
    for e in entities:
        start = max(e.offset - shift, 0)
        end = min(e.offset + e.length - shift, total)
        if end > start:
            clipped.append(
                MessageEntity(e.type, start, end - start, e.url, e.language, e.custom_emoji_id)
            )
    return result, clipped


def entity_text(text: str, entity: MessageEntity) -> str:
    """The slice of ``text`` an entity covers (offsets are UTF-16, Python indexes are not)."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    piece = encoded[entity.offset * 2 : (entity.offset + entity.length) * 2]
    return piece.decode("utf-16-le", "surrogatepass")
