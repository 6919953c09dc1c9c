"""Strip scraped site furniture from an article with general rules, keeping the body as written.

News pages pasted as text carry a header (date, weather, city, section crumbs, "most
read"), the headline (sometimes twice), and a footer (source line, tags, "read also" and
related headlines, app prompts, "back to top", bare links, the author's signature). The
rules below recognise those *kinds* of lines — by shape (a date, a temperature, a bare
URL, a short unpunctuated line) and by the stock phrases CMS templates use — never by
the text of a particular article.

* Header zone: everything before the first body-like line. Its first headline-shaped line
  is the title; copies of the title and other short lines there are furniture.
* Body: kept line by line; one-line furniture (dates, weather, app prompts) dropped;
  a "read also" marker drops itself and the headline list after it; an end marker (source
  line, tags, related/most-read lists, back-to-top) ends the article.
* Footer: short unpunctuated lines left at the end (signature, author's role) are dropped.
* Repairs: Arabic presentation forms (PDF copies) become the letters they draw; a
  leading bullet is removed; a heading whose first word was glued to the end
  of the previous paragraph ("… رئيسية. بند" + "الدفاع المشترك") is put back together.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.arabic.normalize import normalize
from bot.arabic.sentences import BULLETS, TERMINALS, sentence_spans, split_paragraphs
from bot.arabic.tokens import words

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_BARE_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

_WEEKDAYS = "الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت"
_MONTHS = (
    "يناير فبراير مارس ابريل مايو يونيو يونيه يوليو يوليه اغسطس سبتمبر اكتوبر نوفمبر ديسمبر "
    "كانون الثاني شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين الاول"
)
_LATIN_DATE_WORDS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_DATE_WORDS = frozenset(f"{_WEEKDAYS} {_MONTHS} {_LATIN_DATE_WORDS} م هـ ه".split())

# Patterns on the *normalised* line (hamza/alef, ta marbuta, ya folded; lower case).
_READ_ALSO_RE = re.compile(
    r"^(?:(?:اقرا|طالع|شاهد|انظر)(?: ايضا| المزيد| كذلك)|read (?:also|more)|see also)\W*$"
)
_RELATED_RE = re.compile(
    r"^(?:(?:مقالات|اخبار|مواضيع|موضوعات|قصص|تقارير|روابط) (?:ذات صله|مشابهه|متعلقه|مرتبطه|اخري)"
    r"|(?:قد )?(?:يعجبك|يهمك|تهمك) (?:ايضا|كذلك)|related(?: articles| news| posts| stories)?"
    r"|you may also like|more stories)\W*$"
)
_MOST_READ_RE = re.compile(
    r"^(?:(?:الاخبار |المقالات )?الاكثر (?:قراءه|مشاهده|تداولا|شيوعا|تفاعلا|تعليقا)"
    r"|most (?:popular|read|viewed|shared)|trending(?: now)?|popular posts)\W*$"
)
_BACK_TO_TOP_RE = re.compile(
    r"^(?:زر )?(?:الذهاب|العوده|الرجوع|انتقل)? ?(?:الي|لاعلي|للاعلي)? ?(?:الاعلي|اعلي الصفحه)\W*$"
    r"|^back to top\W*$"
)
_TAGS_RE = re.compile(
    r"^(?:الكلمات|كلمات) (?:الدلاليه|دلاليه|مفتاحيه|المفتاحيه)\b|^(?:الوسوم|وسوم|tags)\s*:"
)
_SOURCE_RE = re.compile(r"^(?:المصدر|مصدر الخبر|source)\s*:")
_PROMPT_RE = re.compile(
    r"^(?:تابع|تابعوا|تابعونا|حمل|حملوا|نزل|اشترك|اشتركوا|انضم|شارك|شاركوا|follow|download|"
    r"subscribe|join|share)\b.*(?:تطبيق|واتساب|تلغرام|تليجرام|فيسبوك|فيس بوك|تويتر|يوتيوب|انستغرام|"
    r"نشره|قناه|جوجل|نيوز|app|whatsapp|telegram|facebook|twitter|youtube|instagram|google|channel|"
    r"newsletter)"
)
_UPDATED_RE = re.compile(r"^(?:اخر تحديث|تاريخ النشر|نشر في|updated|published)\b")
#: Arabic presentation forms (text copied from PDFs): the letters they draw, for search
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
_CLOCK_RE = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_WEATHER_RE = re.compile(r"^[-+−]?\d+(?:[.,]\d+)?\s*°?\s*[cf]?$|°")

_BREADCRUMB_RE = re.compile(r"^(?:الرئيسيه|الصفحه الرئيسيه|home)\b|\s[>»|/›]\s")
_MENU_GAP_RE = re.compile(r"\S {2,}(?=\S)")

_MAX_TITLE_WORDS = 25
#: furniture lines are short; longer lines are prose and skip the (costly) checks.
_MAX_FURNITURE_CHARS = 160
_MARKER_PREFIX = 40


@dataclass(frozen=True, slots=True)
class CleanText:
    """An article's text with furniture removed; ``paragraphs`` keep the original wording."""

    title: str | None
    paragraphs: tuple[str, ...]
    urls: tuple[str, ...]
    furniture: tuple[str, ...] = ()


def clean(raw: str) -> CleanText:
    """Separate title, body paragraphs, URLs and furniture lines of one scraped article."""
    raw = _PRESENTATION_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), raw)
    lines = [_strip_bullet(line.strip("\ufeff\u200b")) for line in split_paragraphs(raw)]
    lines = [line for line in lines if line]
    urls = _unique(m.group().rstrip(".,،)") for m in URL_RE.finditer(raw))
    furniture: list[str] = []

    body_start = next((i for i, line in enumerate(lines) if _is_body_like(line)), len(lines))
    title = _find_title(lines[:body_start])
    body: list[str] = []
    seen_title = False
    for line in lines[:body_start]:
        if title is not None and normalize(line) == normalize(title):
            if seen_title:
                furniture.append(line)
            seen_title = True
        elif seen_title and len(words(line)) >= 8 and not _is_furniture(line):
            body.append(line)  # a subtitle or lede without a full stop
        else:
            furniture.append(line)

    skipping_list = False
    for index, line in enumerate(lines[body_start:]):
        if _is_end_marker(line):
            furniture.extend(lines[body_start + index :])
            break
        if _READ_ALSO_RE.match(normalize(line)):
            furniture.append(line)
            skipping_list = True
            continue
        if skipping_list and not _is_body_like(line):
            furniture.append(line)
            continue
        skipping_list = False
        if _is_furniture(line) or (title is not None and normalize(line) == normalize(title)):
            furniture.append(line)
            continue
        body.append(line)

    while len(body) > 1 and _is_signature(body[-1]):
        furniture.append(body.pop())
    body = _rejoin_split_headings(body)
    if body:
        body[:1] = _split_dateline(body[0])
    return CleanText(title=title, paragraphs=tuple(body), urls=urls, furniture=tuple(furniture))


#: "… الاتفاق موسكو (رويترز) - قال …": a headline run into the dateline of the lede
_DATELINE_RE = re.compile(r"\s+(?=[\u0621-\u064a]{2,}\s*\([^()\d]{1,30}\)\s*[-–—:]\s)")
_MIN_HEADLINE_WORDS = 4


def _split_dateline(line: str) -> list[str]:
    """A first paragraph that opens with a headline glued to the lede's dateline ("…
    تاريخية موسكو (رويترز) - قال …") is two paragraphs: the headline, then the lede."""
    m = _DATELINE_RE.search(line)
    if m is None:
        return [line]
    head = line[: m.start()]
    if len(words(head)) < _MIN_HEADLINE_WORDS or any(c in head for c in TERMINALS):
        return [line]
    return [head, line[m.end() :]]


def is_heading(paragraph: str) -> bool:
    """A short line without a full stop: a section heading rather than a sentence of prose."""
    return 0 < len(words(paragraph)) <= 12 and not _ends_with_terminal(paragraph)


def _strip_bullet(line: str) -> str:
    stripped = line.lstrip("".join(BULLETS) + "-*–—").strip()
    if stripped != line and line[:1] in "-–—" and not line[1:2].isspace():
        return line  # "-5 C" or a hyphenated word, not a bullet
    return stripped


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Distinct items in first-seen order."""
    return tuple(dict.fromkeys(items))


def _ends_with_terminal(line: str) -> bool:
    core = line.rstrip().rstrip("\"'”»)]’›“«")
    return bool(core) and core[-1] in TERMINALS


def _is_body_like(line: str) -> bool:
    """Prose, not furniture: long, or a sentence ending in a full stop."""
    if _is_furniture(line) or _is_end_marker(line):
        return False
    n = len(words(line))
    if n > _MAX_TITLE_WORDS:
        return True
    core = line.rstrip().rstrip("\"'”»)]’›")
    if not core or n < 5:
        return False
    if core[-1] in "?؟":
        return n > 15  # a short question is a headline ("لماذا يقلق الغرب…؟")
    return core[-1] in TERMINALS


def _find_title(header: list[str]) -> str | None:
    """The headline among the header lines before the body.

    A line printed twice wins. After a "most read"/"related" list marker the headline is
    the last headline-shaped line (list items come first, the headline sits above the
    body); otherwise it is the first one.
    """
    candidates = [line for line in header if _is_title_like(line)]
    keys = [normalize(line) for line in candidates]
    repeated = [line for line, key in zip(candidates, keys, strict=True) if keys.count(key) > 1]
    if repeated:
        return repeated[0]
    markers = [i for i, line in enumerate(header) if _is_list_marker(line)]
    if markers:
        after = [line for line in header[markers[-1] + 1 :] if _is_title_like(line)]
        return after[-1] if after else None
    return candidates[0] if candidates else None


def _is_list_marker(line: str) -> bool:
    key = normalize(line)
    return bool(_MOST_READ_RE.match(key) or _RELATED_RE.match(key) or _READ_ALSO_RE.match(key))


def _is_title_like(line: str) -> bool:
    n = len(words(line))
    return (
        4 <= n <= _MAX_TITLE_WORDS
        and not _is_furniture(line)
        and not _is_breadcrumb(line)
        and not line.endswith(":")
    )


def _is_breadcrumb(line: str) -> bool:
    """Navigation crumbs: "الرئيسية > أخبار", "Home / World", or menu items spaced apart."""
    return bool(_BREADCRUMB_RE.search(normalize(line))) or len(_MENU_GAP_RE.findall(line)) >= 2


def _is_signature(line: str) -> bool:
    """A trailing byline or author role: a few words, no full stop, not a URL."""
    return len(words(line)) <= 6 and not _ends_with_terminal(line)


def _is_end_marker(line: str) -> bool:
    """A line after which a page holds no more article text (source, tags, related lists)."""
    key = normalize(line[:_MARKER_PREFIX])
    if _TAGS_RE.match(key):
        return True
    if len(line) > _MAX_FURNITURE_CHARS:
        return False
    if _SOURCE_RE.match(key):
        return len(words(line)) <= 8
    return bool(_RELATED_RE.match(key) or _MOST_READ_RE.match(key) or _BACK_TO_TOP_RE.match(key))


def _is_furniture(line: str) -> bool:
    """One-line furniture: bare URL, date or weather header, app prompt, stock header."""
    if _BARE_URL_RE.fullmatch(line.strip()):
        return True
    if len(line) > _MAX_FURNITURE_CHARS:
        return False  # every other kind is a short line; prose is never checked further
    key = normalize(line)
    n = len(words(line))
    if _is_date_line(key) or (_WEATHER_RE.search(key) and n <= 4):
        return True
    if _UPDATED_RE.match(key) and n <= 12:
        return True
    if _CLOCK_RE.search(key) and n <= 10 and not _ends_with_terminal(line):
        # "مشاركة » الأربعاء ديسمبر 04, 2024 10:29 pm", "6. يوليو 2024 - 10:48"
        tokens = words(key)
        if any(t in _DATE_WORDS or re.fullmatch(r"\d{4}", t) for t in tokens):
            return True
    if _MOST_READ_RE.match(key) or _READ_ALSO_RE.match(key):
        return True
    return bool(_PROMPT_RE.match(key)) and n <= 12


def _is_date_line(key: str) -> bool:
    """Only weekday/month names and numbers: "الإثنين, يناير 20, 2025", "20/01/2025"."""
    tokens = words(key)
    if not tokens or len(tokens) > 8:
        return False
    has_name = any(t in _DATE_WORDS for t in tokens)
    all_date = all(t in _DATE_WORDS or t.isdigit() for t in tokens)
    numeric = re.fullmatch(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", key.strip()) is not None
    return (all_date and has_name) or numeric


def _rejoin_split_headings(body: list[str]) -> list[str]:
    """Undo a scrape artefact: a heading's first word glued to the previous paragraph's end."""
    out = list(body)
    for i in range(len(out) - 1):
        spans = sentence_spans(out[i])
        if len(spans) < 2:
            continue
        start, end = spans[-1]
        tail = out[i][start:end]
        if (
            len(words(tail)) <= 2
            and not _ends_with_terminal(tail)
            and is_heading(out[i + 1])
            and len(words(out[i + 1])) <= 6
        ):
            out[i] = out[i][:start].rstrip()
            out[i + 1] = f"{tail} {out[i + 1]}"
    return out
