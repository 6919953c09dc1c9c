"""The cache contract (docs/architecture.md, "The cache contract") as pydantic models.

Every served item carries :class:`Evidence` so the bot can always say where a line comes
from. No wall-clock timestamps: the same inputs give byte-identical JSON.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Annotated, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION = 3

Granularity = Literal["day", "month", "year"]
Stance = Literal["critical", "supportive", "neutral", "no_comment"]


#: A text the cache repeats: a source sentence is quoted as the evidence of an event, of a
#: reaction and as a digest sentence. One copy is kept (measured on a 1,000-article build:
#: 3.7 M characters of such texts, 0.6 M of them distinct), which the parse of JSON does
#: not do by itself for long strings.
Shared = Annotated[str, AfterValidator(sys.intern)]


def iso_at(value: str, precision: str | None) -> str:
    """An ISO date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``) cut to ``precision`` ("day",
    "month", "year"; None keeps it): never more precise than what is known. The one rule
    every reader of the cache (the bot, the Markdown pages) formats dates with."""
    keep = {"year": 1, "month": 2, "day": 3}.get(precision or "")
    return "-".join(value.split("-")[:keep])


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """A sentence of an article, as written, by its 0-based index in the article body."""

    article_id: str
    sentence_index: int = Field(ge=0)
    text: Shared


class ArticleEntry(_Frozen):
    id: str
    title: str
    source: str | None
    url: str | None
    published: str  # ISO date, YYYY-MM-DD
    published_precision: Granularity
    published_reason: str


class Digest(_Frozen):
    article_id: str
    algorithm: str
    sentence_indices: list[int]
    sentences: list[Shared]  # as written, in original order


class DateResolution(_Frozen):
    """How an event's date was worked out: data the bot words in either language.

    ``kind``: ``absolute`` (written in full); ``relative`` (counted from the article's
    publication: «الخميس», «الشهر الماضي»); ``anaphor`` (the same, next or previous period
    as the text's previous date: «اليوم التالي»); ``offset`` (days before or after another
    date of the sentence, whose words follow the phrase: «قبل يومين من …»); ``undated``
    (the article's own news, dated by its publication).
    """

    kind: Literal["absolute", "relative", "anaphor", "offset", "undated"]
    phrase: str | None = None  # the words as written (relative, anaphor, offset)
    value: str | None = None  # what they resolved to: YYYY-MM-DD, YYYY-MM, YYYY, YYYY..YYYY
    rule: str | None = None  # the rule applied, in English, for review: "next such day"
    #: the publication date counted from, as precisely as it is known (relative, undated)
    published: str | None = None
    anchor: str | None = None  # the other date of the text, as written (anaphor, offset)


ABSOLUTE = DateResolution(kind="absolute")


class TimelineEvent(_Frozen):
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY per granularity
    granularity: Granularity
    end: str | None = None  # range end, same format, when the text gives a range
    text: Shared  # the event as written (sentence or clause)
    resolution: DateResolution  # how the date was worked out
    sources: list[Evidence]
    #: part of the period the text names (أوائل/مطلع → early, منتصف → mid, أواخر → late)
    qualifier: Literal["early", "mid", "late"] | None = None


class TreatyArticle(_Frozen):
    number: int | None  # when the texts give one
    title: str
    text: Shared
    sources: list[Evidence]


class Reaction(_Frozen):
    actor: str  # as written, fullest form seen
    actor_key: str  # normalised key that merges mentions of the same actor
    role: str | None
    party: str | None  # country or organisation
    stance: Stance
    quote: Shared  # quotation or paraphrase as written
    kind: Literal["quote", "paraphrase", "no_comment"]
    sources: list[Evidence]


class ArticleText(_Frozen):
    """An article's body as the pipeline split it, so a reader can check any citation and
    search every sentence (not only those the views quote)."""

    article_id: str
    sentences: list[Shared]  # as written, by Evidence.sentence_index
    paragraphs: list[int]  # the paragraph (0-based) of each sentence
    headings: list[int] = Field(default_factory=list)  # indices of section headings

    def reader_number(self, index: int) -> int | None:
        """The 1-based number a reader counts for sentence ``index`` (headings are not
        counted); None for a heading or an index outside the article."""
        if not 0 <= index < len(self.sentences) or index in self.headings:
            return None
        return index + 1 - sum(1 for h in self.headings if h < index)

    def index_of(self, number: int) -> int | None:
        """The sentence index a reader's 1-based ``number`` refers to; None if none."""
        headings = set(self.headings)
        counted = 0
        for index in range(len(self.sentences)):
            if index in headings:
                continue
            counted += 1
            if counted == number:
                return index
        return None


class TextStore(Protocol):
    """Where a served cache reads its articles' texts on demand (:mod:`bot.cache.archive`)."""

    def text(self, article_id: str) -> ArticleText | None: ...


class Cache(_Frozen):
    schema_version: int = Field(default=SCHEMA_VERSION, alias="schema")
    source_digest: str
    digest_algorithm: str
    articles: list[ArticleEntry]
    digests: list[Digest]
    timeline: list[TimelineEvent] = Field(default_factory=list)
    treaty_articles: list[TreatyArticle] = Field(default_factory=list)
    reactions: list[Reaction] = Field(default_factory=list)
    #: English names of the parties in ``reactions`` (the Arabic key is the Arabic name)
    party_names_en: dict[str, str] = Field(default_factory=dict)
    #: every article's sentences (optional: caches built before it have none)
    texts: list[ArticleText] = Field(default_factory=list)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    #: set on a cache opened from its archive: ``texts`` is then empty and read from it
    _store: TextStore | None = PrivateAttr(default=None)

    @property
    def store(self) -> TextStore | None:
        """The archive this cache reads its texts from, if it was opened from one."""
        return self._store

    def attach(self, store: TextStore) -> None:
        """Read texts from ``store`` (a cache opened from its archive; ``texts`` is empty)."""
        self._store = store

    @cached_property
    def _articles_by_id(self) -> dict[str, ArticleEntry]:
        """Id → entry, built on first use: citations look articles up on every screen."""
        return {a.id: a for a in reversed(self.articles)}

    @cached_property
    def _digests_by_id(self) -> dict[str, Digest]:
        return {d.article_id: d for d in reversed(self.digests)}

    def article(self, article_id: str) -> ArticleEntry | None:
        return self._articles_by_id.get(article_id)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {a.id: i for i, a in reversed(list(enumerate(self.articles)))}

    def position(self, article_id: str) -> int | None:
        """The index in ``articles`` of the (first) entry with this id; a dictionary
        look-up, where ``articles.index`` compared entries field by field."""
        return self._positions.get(article_id)

    def digest(self, article_id: str) -> Digest | None:
        return self._digests_by_id.get(article_id)

    @cached_property
    def _texts_by_id(self) -> dict[str, ArticleText]:
        return {x.article_id: x for x in reversed(self.texts)}

    def text(self, article_id: str) -> ArticleText | None:
        if self._store is not None:
            return self._store.text(article_id)
        return self._texts_by_id.get(article_id)
