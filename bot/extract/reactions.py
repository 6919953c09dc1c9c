"""Reactions: who said what, with role, party, stance, the words as written and evidence.

A statement is a speech verb ("قال", "وأكدت", "حذر" …) with its speaker before or after it,
an attribution ("نقلت الوكالة عن بوتين قوله"), a continuation that refers back to the last
speaker ("وأضاف: …"), or a reported silence ("لم يصدر بعد رد عن الصين"). Speakers are
resolved inside each article (a surname or a bare role points back to the full mention)
and across articles (spelling variants fold together). Stance is judged against the
agreement the dossier is about: its parties (the two most named in treaty sentences)
support it unless they say otherwise; others are critical when they voice concern,
warning or threat. Media outlets report statements, they are never actors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.arabic.normalize import normalize
from bot.arabic.tokens import WORD_RE
from bot.corpus_types import Article
from bot.extract.clauses import needs_governor, pronoun_subject, whole_sentence
from bot.extract.consulted import (
    DossierPersons,
    SetAnswers,
    WatchedPersons,
    WatchedSet,
    persons_hold,
)
from bot.extract.dossier import country_mentions, home_of
from bot.extract.overlap import OverlapIndex
from bot.extract.speakers import (
    BOUNDARY,
    CLOSE_QUOTES,
    OPEN_QUOTES,
    Mention,
    NameIndex,
    Tok,
    Toks,
    fold_name_token,
    media_phrase,
    name_key,
    names_match,
    nationality_at,
    parse_mention,
    party_at,
    short_refers_to,
    tokenize,
)
from bot.extract.stance_rules import harmonise_stances, is_analyst, names_signatory
from bot.extract.vocabulary import Vocabulary, strip_conjunction, variants, vocabulary
from bot.model import Evidence, Reaction, Stance

#: Complementisers that open reported speech ("قال إن …", "أكد أن …", "أشار إلى أن …").
_THAT = frozenset(
    normalize(w)
    for w in (
        "إن",
        "أن",
        "إنه",
        "أنه",
        "إنها",
        "أنها",
        "بأن",
        "بأنه",
        "بأنها",
        "إنهم",
        "أنهم",
        "بأنهم",
        "أنها",
        "انهم",
        "إنني",
        "أنني",
        "بأنني",
        "إننا",
        "أننا",
        "بأننا",
    )
)
_PARTICIPLES = frozenset(
    normalize(w)
    for w in (
        "مؤكدا",
        "مؤكدة",
        "مضيفا",
        "مضيفة",
        "مشيرا",
        "مشيرة",
        "محذرا",
        "محذرة",
        "معتبرا",
        "معتبرة",
    )
)
#: Particles that may stand between a clause boundary and a pronoun verb ("كما أعلن أن").
_DISCOURSE = frozenset(
    normalize(w) for w in ("كما", "ثم", "فيما", "بينما", "حيث", "قد", "وقد", "كذلك", "لكنه")
)
#: "بحسب X" / "وفقا لـX": X's account follows (the ل of وفقا glues to X).
_ACCORDING = frozenset(
    normalize(w) for w in ("بحسب", "حسب", "وفقا", "وفقًا", "وفق", "حسبما", "بحسبما", "وفقما")
)
_WHAT_SUFFIXES = ("ها", "ه", "")
_REPLY_NOUNS = frozenset(normalize(w) for w in ("رد", "ردا", "تعليق", "موقف", "تعقيب"))
_QUOTE_CHARS = "".join(sorted(OPEN_QUOTES | CLOSE_QUOTES)) + " .،"
#: A quotation shorter than this many words ("وثيقة ثورية") is shown with its lead-in.
_SHORT_QUOTE = 5
#: How many sentences back a pronoun ("وأضاف") may reach for its speaker.
_PRONOUN_REACH = 3


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What mention parsing needs to know about the whole corpus."""

    v: Vocabulary
    known: frozenset[str]  # folded name words introduced with a role somewhere
    corpus: frozenset[str]  # every normalised word of the corpus

    def parse(self, toks: Toks, i: int, text: str, *, subject: bool = False) -> Mention | None:
        return parse_mention(
            toks, i, text, self.v, known=self.known, subject=subject, corpus=self.corpus
        )


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved speaker."""

    kind: str  # person | role | party | collective
    name: tuple[str, ...]
    role: str | None
    party: str | None
    surface: str

    @property
    def display(self) -> str:
        if self.name:
            return " ".join(self.name)
        return self.surface


@dataclass(slots=True)
class Statement:
    """One speaker's words in one sentence."""

    actor: Actor
    quote: str
    kind: str  # quote | paraphrase | no_comment
    article_id: str
    sentence_index: int
    sentence: str
    order: tuple[int, int]  # (article position, sentence index) for stable sorting
    context: str = ""
    no_comment: bool = False


# --- sentence-level parsing -------------------------------------------------------


#: The opening mark that, met again inside a quote, shows the quote was left open.
_SAME_OPENER = {"”": "“", "’": "‘", "»": "«"}


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the marks) of the quotations in ``text``.

    A quote ends at its closing mark. An opening mark (“, «) met before the closing one
    means the first quote was left open and narration follows ("“…جدًا، وأضاف “…”"): it
    ends at the last comma before that mark. A closing-shaped mark opens a quote when
    another closing mark follows it with no opening mark between ("أن” روسيا … أخرى”").
    """
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        opener = _opens_quote(text, i)
        if not opener and ch in CLOSE_QUOTES:
            for j in range(i + 1, n):
                if text[j] in CLOSE_QUOTES:
                    opener = True
                    break
                if text[j] in OPEN_QUOTES:
                    break
        if not opener:
            i += 1
            continue
        end = n
        for j in range(i + 1, n):
            if text[j] in CLOSE_QUOTES:
                end = j
                break
            if text[j] == _SAME_OPENER.get(ch, ch) and ch != '"':
                comma = text.rfind("،", i + 1, j)
                end = comma if comma > i + 1 else j
                break
        spans.append((i + 1, end))
        i = end + 1 if end < n and text[end] in CLOSE_QUOTES else max(end, i + 1)
    return spans


def _quote_depths(toks: Toks, text: str) -> list[int]:
    """1 for tokens inside quotation marks, else 0 (the marks themselves are outside)."""
    spans = _quote_spans(text)
    return [1 if any(a <= t.start and t.end <= b for a, b in spans) else 0 for t in toks]


def _verb_kind(tok: Tok, v: Vocabulary) -> str | None:
    if not tok.word:
        return None
    core = strip_conjunction(tok.norm)
    if core in v.attribution or tok.norm in v.attribution:
        return "attribution"
    if core in v.speech_verbs or tok.norm in v.speech_verbs:
        return "speech"
    if core in _PARTICIPLES or tok.norm in _PARTICIPLES:
        return "participle"
    if any(f in v.speech_nouns for f in variants(tok.norm)):
        return "noun"
    if core in _ACCORDING or tok.norm in _ACCORDING:
        return "according"
    if core in _RECEIVED or tok.norm in _RECEIVED:
        return "received"
    return None


#: "تلقى الرئيس مكالمة هاتفية من X، هنأه فيها …": X speaks, not the one who received it
_RECEIVED = frozenset(normalize(w) for w in ("تلقى", "تلقت", "يتلقى", "تتلقى"))
_MESSAGES = frozenset(
    normalize(w)
    for w in ("مكالمة", "اتصالا", "اتصال", "برقية", "رسالة", "اتصالًا", "برقيات", "رسائل")
)
_RECEIVED_REACH = 10


def _received_from(toks: Toks, k: int, text: str, ctx: _Ctx) -> _Found | None:
    """ "تلقى رئيس الجمهورية مكالمة هاتفية من رئيس جمهورية تركيا رجب طيب أردوغان، هنأه
    فيها …": the caller or sender after "من" is the speaker; a call from an outlet or
    from no named speaker is none."""
    seen_message = False
    for j in range(k + 1, min(len(toks), k + _RECEIVED_REACH)):
        t = toks[j]
        if not t.word:
            if t.text not in "،,":
                return None
            continue
        if any(f in _MESSAGES for f in variants(t.norm)):
            seen_message = True
        elif seen_message and t.norm == "من":
            m = ctx.parse(toks, j + 1, text, subject=True)
            if m is None or m.kind == "media":
                return None
            return (k, m.end, "speech", m, [])
    return None


_OBJECT_PRONOUNS = frozenset({"له", "لها", "لهم", "لهما", "اليه", "اليها", "اليهم"})


def _clause_start(toks: Toks, k: int) -> int:
    s = k
    while s > 0 and toks[s - 1].text not in BOUNDARY:
        s -= 1
    return s


def _subject_before(toks: Toks, k: int, text: str, ctx: _Ctx) -> Mention | None:
    """Speaker written before the verb ("الناتو حذر", "جون كيربي منسق … قال")."""
    # "وكان رئيس الدولة … قد أعرب": the particle قد may stand between subject and verb.
    end = k - 1 if k > 0 and toks[k - 1].norm == "قد" else k
    for s in range(_clause_start(toks, k), end):
        m = ctx.parse(toks, s, text, subject=True)
        if m and m.end == end and m.kind != "media":
            return m
    return None


def _opens_speech(toks: Toks, j: int) -> bool:
    """Does reported speech start right at ``j`` (quote, colon, "إن/أن", "إلى أن")?"""
    if j >= len(toks):
        return False
    t = toks[j]
    if not t.word:
        return t.text in OPEN_QUOTES or t.text in ":"
    if t.norm in _THAT:
        return True
    return t.norm in ("الي", "علي", "عن") and j + 1 < len(toks) and toks[j + 1].norm in _THAT


def _opens_quote(seg: str, i: int) -> bool:
    """An opening mark, or a closing-shaped one used to open ("أن ” تطوير …”")."""
    ch = seg[i]
    if ch in OPEN_QUOTES:
        return True
    return (
        ch in CLOSE_QUOTES
        and (i == 0 or seg[i - 1].isspace())
        and i + 1 < len(seg)
        and not seg[i + 1].isspace()
    )


def _content(text: str, toks: Toks, start: int, stop: int) -> tuple[str, str, str]:
    """The words said between tokens ``start`` and ``stop``: a quotation of some length as
    written (consecutive quoted parts joined), otherwise the reported clause after "إن/أن"
    (short quoted fragments stay inside it). Returns (text, "quote" | "paraphrase", how it
    was found: "quote" | "clause" | "rest")."""
    if start >= stop:
        return "", "paraphrase", "rest"
    seg_start, seg_end = toks[start].start, toks[stop - 1].end
    seg = text[seg_start:seg_end]
    spans = [(a, b) for a, b in _quote_spans(seg) if seg[a:b].strip(_QUOTE_CHARS)]
    clause = ""
    for i in range(start, stop):
        if toks[i].word and toks[i].norm in _THAT:
            if i + 1 < stop:
                clause = text[toks[i + 1].start : seg_end].strip(" .،")
            break
    if spans:
        joined = [spans[0]]
        for a, b in spans[1:]:
            gap = seg[joined[-1][1] + 1 : a - 1]
            if len(gap.split()) <= 4 and not any(
                _verb_kind(t, vocabulary()) for t in tokenize(gap)
            ):
                joined.append((a, b))
            else:
                break
        quote = " … ".join(seg[a:b].strip(" .،") for a, b in joined)
        whole = seg[joined[0][0] - 1 :].strip(" .،")
        quoted_clause = clause[:1] in OPEN_QUOTES and clause[1:].startswith(
            seg[joined[0][0] : joined[0][1]].strip()[:10]
        )
        if len(quote.split()) >= 5 or (clause and clause.strip(_QUOTE_CHARS) == quote):
            return quote, "quote", "quote"
        if quoted_clause:
            # «إن "الاتفاق مهم"، وكان الوزير قد زار …»: the words said end at the closing
            # mark; what follows is the writer's background
            return quote, "quote", "quote"
        if not clause:
            # "مؤكدا على تعزيز العلاقات “في كل المجالات”": the fragment needs its lead-in.
            lead = seg.strip(" .،:")
            return lead, ("quote" if lead == whole else "paraphrase"), "rest"
    if clause:
        return clause, "paraphrase", "clause"
    return seg.strip(" .،:"), "paraphrase", "rest"


def _clause_end(words: str, v: Vocabulary) -> str:
    """A paraphrase ends at the next clause of the narration ("…، كما كشفت تقارير",
    "… بينما شدد", "…”، وهو ما أثار"), outside quotation marks; an unmatched quotation
    mark and a trailing conjunction go with the cut."""
    toks = tokenize(words)
    depth = _quote_depths(toks, words)
    cut = len(words)
    for i, t in enumerate(toks):
        if i == 0 or depth[i] or not t.word:
            continue
        after_comma = toks[i - 1].text in "،,"
        for phrases, need_comma in ((v.clause_breaks, False), (v.clause_breaks_after_comma, True)):
            if need_comma and not after_comma:
                continue
            if any(
                all(i + n < len(toks) and toks[i + n].norm == w for n, w in enumerate(p))
                for p in phrases
            ):
                cut = t.start
                break
        if cut < len(words):
            break
    out = words[:cut].strip(" .،,:؛")
    while True:
        tail = tokenize(out)
        if tail and tail[-1].word and tail[-1].norm in _TRAILING:
            out = out[: tail[-1].start].strip(" .،,:؛")
            continue
        break
    if out and out[-1] in CLOSE_QUOTES and not any(b == len(out) - 1 for _, b in _quote_spans(out)):
        out = out[:-1].strip(" .،,")
    if out and out[0] in CLOSE_QUOTES and not _quote_spans(out):
        out = out[1:].strip()
    return out


#: Words a clause never ends on.
_TRAILING = frozenset(
    normalize(w) for w in ("و", "بينما", "فيما", "كما", "حيث", "ثم", "لكن", "أو", "أن", "إن")
)


def _outlet(toks: Toks, i: int, text: str, ctx: _Ctx) -> Mention:
    """The outlet named at ``i`` with its complements and the country they name."""
    end, party = media_phrase(toks, i, ctx.v)
    head = toks[i].text if toks[i].norm in ctx.v.media else _as_written(toks[i])
    surface = head + text[toks[i].end : toks[end - 1].end]
    return Mention("media", (), None, party, surface, i, end)


def _outlets(article: Article, ctx: _Ctx) -> list[tuple[int, str, str]]:
    """(sentence index, surface, country) of each outlet the article names with a country."""
    out: list[tuple[int, str, str]] = []
    for s in article.sentences:
        toks = tokenize(s.text)
        for i, t in enumerate(toks):
            if t.word and (t.norm in ctx.v.media or strip_conjunction(t.norm) in ctx.v.media):
                o = _outlet(toks, i, s.text, ctx)
                if o.party:
                    out.append((s.index, o.surface, o.party))
    return out


def _outlet_country(actor: Actor, index: int, outlets: list[tuple[int, str, str]]) -> str | None:
    """ "الوكالة الكورية": the country of the outlet named in full before that shares a
    word of its name ("وكالة الأنباء الكورية الشمالية")."""
    words = {variants(normalize(w))[-1] for w in actor.surface.split()[1:]}
    hits = [
        p
        for i, surface, p in outlets
        if i <= index and words & {variants(normalize(w))[-1] for w in surface.split()[1:]}
    ]
    return hits[-1] if hits else None


def _as_written(tok: Tok) -> str:
    """A verb as written without its و/ف ("وأشار" → "أشار")."""
    if strip_conjunction(tok.norm) != tok.norm and tok.text[:1] in ("و", "ف"):
        return tok.text[1:]
    return tok.text


def _silence(toks: Toks, i: int, text: str) -> str:
    """The reported silence as written from its negation, without a leading و/ف
    ("لم يصدر بعد رد عن الصين، …"), so the reader sees "no response yet", not a refusal."""
    first = toks[i]
    lead = first.text[1:] if first.text[:1] in ("و", "ف") and first.norm[1:] == "لم" else first.text
    lead = _as_written(first) if lead == first.text else lead
    return (lead + text[first.end :]).strip(" .")


def _no_comment(toks: Toks, text: str, ctx: _Ctx) -> list[tuple[Mention, str]]:
    """Reported silence: "لم يصدر بعد رد عن الصين", "رفضت الخارجية التعليق"."""
    out: list[tuple[Mention, str]] = []
    for i in range(len(toks)):
        for phrase in ctx.v.no_comment:
            window = toks[i : i + len(phrase)]
            first = window[0].norm if window else ""
            if len(window) < len(phrase) or phrase[0] not in (first, first[1:]):
                continue
            if any(t.norm != w for t, w in zip(window[1:], phrase[1:], strict=True)):
                continue
            if phrase[-1] == "عن":
                m = ctx.parse(toks, i + len(phrase), text)
            else:
                m = _subject_before(toks, i, text, ctx)
            if m and m.kind != "media":
                out.append((m, _silence(toks, i, text)))
            break
        # "لم يصدر (بعد) (أي) تعليق/رد/موقف عن/من X", in any of its word orders.
        negated = toks[i].word and "لم" in (toks[i].norm, toks[i].norm[1:])
        if negated and i + 1 < len(toks) and toks[i + 1].norm in ("يصدر", "تصدر") and not out:
            j = i + 2
            while j < len(toks) and toks[j].norm in ("بعد", "اي", "حتي", "الان"):
                j += 1
            if (
                j + 1 < len(toks)
                and toks[j].norm in _REPLY_NOUNS
                and toks[j + 1].norm in ("عن", "من")
            ):
                m = ctx.parse(toks, j + 2, text, subject=True)
                if m and m.kind != "media":
                    out.append((m, _silence(toks, i, text)))
        # "ولم تعلق إثيوبيا بعد على الاتفاق": a negated comment verb with its subject.
        first = toks[i].norm
        if toks[i].word and "لم" in (first, first[1:]) and i + 1 < len(toks):
            verb = toks[i + 1]
            if verb.word and strip_conjunction(verb.norm) in ctx.v.no_comment_verbs:
                m = ctx.parse(toks, i + 2, text, subject=True) or _subject_before(
                    toks, i, text, ctx
                )
                if m and m.kind != "media":
                    out.append((m, _silence(toks, i, text)))
    return out


_Found = tuple[int, int, str, Mention | None, list[Mention]]


@dataclass(frozen=True, slots=True)
class _Said:
    how: str  # speech | pronoun | participle | no_comment
    mention: Mention | None
    words: str
    kind: str
    verb_at: int  # character offset of the verb
    context: str  # verb to end of statement, for judging stance


def _sentence_statements(text: str, ctx: _Ctx) -> list[_Said]:
    """(how, mention or None for a pronoun, words, kind) for each statement in a sentence.

    ``how`` is "speech" (speaker written), "pronoun" (refers back), "participle"
    ("…، مؤكدا أن": the sentence's subject) or "no_comment". Two passes: find each
    statement's verb, speaker and where its words start; then cut the words.
    """
    toks = tokenize(text)
    found, reported = _find_statements(toks, text, ctx)
    out = [said for n in range(len(found)) for said in _said(n, found, toks, text, ctx.v)]
    out.extend(reported)
    for m, words in _no_comment(toks, text, ctx):
        out.append(_Said("no_comment", m, words, "no_comment", text.find(words), words))
    return out


def _find_statements(toks: Toks, text: str, ctx: _Ctx) -> tuple[list[_Found], list[_Said]]:
    """Each statement's (verb index, content start, how, mention, co-speakers), and the
    statements whose words come before their source ("…، وفق ما ذكرته الوزارة")."""
    v = ctx.v
    depth = _quote_depths(toks, text)
    found: list[_Found] = []
    reported: list[_Said] = []
    consumed = -1  # tokens of a "وفق ما ذكرته …" source already read
    for k, tok in enumerate(toks):
        how = _verb_kind(tok, v)
        if how is None or depth[k] or k < consumed or _not_a_statement(toks, k, v):
            continue
        if how == "attribution":
            hit = _attributed(toks, k, text, ctx)
        elif how == "according":
            said_before = _what_they_said(toks, k, text, ctx) or _according_at_end(
                toks, k, text, ctx
            )
            if said_before is not None:
                reported.append(said_before[0])
                consumed = said_before[1]
                continue
            hit = _according(toks, k, text, ctx)
        elif how == "noun":
            hit = _speech_noun(toks, k, text, ctx)
        elif how == "received":
            hit = _received_from(toks, k, text, ctx)
        elif how == "participle":
            # "…، مؤكدا أن …" continues the statement just found
            hit = None if found else (k, k + 1, "participle", None, [])
        else:
            hit = _speech_verb(toks, k, text, ctx)
        if hit is not None:
            found.append(hit)
    return found, reported


#: "وسبق أن أعلن", "بعد أن قال": أن here opens narration, not reported speech
_NARRATIVE_THAT = frozenset(
    normalize(w) for w in ("سبق", "وسبق", "بعد", "وبعد", "قبل", "وقبل", "منذ", "كما")
)


def _not_a_statement(toks: Toks, k: int, v: Vocabulary) -> bool:
    """A verb inside reported speech, or one that is speech only with a complement it lacks."""
    if (
        k > 0
        and toks[k - 1].word
        and toks[k - 1].norm in _THAT
        and not (k > 1 and toks[k - 2].norm in _NARRATIVE_THAT)
    ):
        return True  # "أكدت … أنها عبرت …": a verb inside reported speech
    tok = toks[k]
    core = strip_conjunction(tok.norm)
    if (core in v.needs_about or tok.norm in v.needs_about) and "عن" not in [
        t.norm for t in toks[k + 1 : k + 16]
    ]:
        return True
    return (core in v.needs_object or tok.norm in v.needs_object) and not any(
        f in v.speech_objects for t in toks[k + 1 : k + 16] for f in variants(t.norm)
    )  # "قدم مساعدات" is a deed; "قدم تعازيه" a statement


def _attributed(toks: Toks, k: int, text: str, ctx: _Ctx) -> _Found | None:
    """ "نقلت الوكالة عن بوتين قوله": the speaker after عن/إلى."""
    for j in range(k + 1, min(len(toks), k + 8)):
        if toks[j].norm in ("عن", "الي"):
            m = ctx.parse(toks, j + 1, text)
            return (k, m.end, "speech", m, []) if m and m.kind != "media" else None
    return None


def _according(toks: Toks, k: int, text: str, ctx: _Ctx) -> _Found | None:
    """ "وفقًا ليوري أوشاكوف- مساعد الرئيس الروسي- تحل …": a person's or an official's
    account (an agency's or a text's is a source, not a reaction)."""
    m = ctx.parse(toks, k + 1, text, subject=False)
    if m is not None and m.kind == "media":
        # "وبحسب الوكالة الكورية فإن “…”": an outlet voicing a position in a quote
        # (not "بحسب ما ذكرت وكالة …", a report's attribution).
        o = _outlet(toks, m.start, text, ctx)
        j = o.end
        while j < len(toks) and not toks[j].word:
            j += 1
        if j < len(toks) and toks[j].norm in ("فان", "فانه", "فانها"):
            return (k, j + 1, "outlet", o, [])
        return None
    m = _according_mention(toks, k, text, ctx, m)
    if m is not None and (
        m.kind == "party" or (m.kind in ("person", "role") and (m.role or m.name))
    ):
        j = m.end
        while j < len(toks) and not toks[j].word:
            j += 1
        if j < len(toks) and toks[j].norm in ("فان", "فانه", "فانها"):
            j += 1
        return (k, j, "according", m, [])
    return None


def _according_mention(
    toks: Toks, k: int, text: str, ctx: _Ctx, m: Mention | None
) -> Mention | None:
    """The speaker after "وفقًا لـ": ``m`` as parsed, or a role with the ل of وفقًا glued
    to its head ("وفقًا لمساعد الرئيس الروسي يوري أوشاكوف")."""
    if (
        (m is None or (m.kind == "person" and m.role is None))
        and k + 1 < len(toks)
        and toks[k + 1].norm.startswith("ل")
        and len(toks[k + 1].norm) > 3
    ):
        # "وفقًا لمساعد الرئيس الروسي يوري أوشاكوف": the ل of وفقًا glued to a role
        bare = [*toks]
        t = toks[k + 1]
        bare[k + 1] = Tok(t.text[1:], t.norm[1:], t.start + 1, t.end, t.word)
        r = ctx.parse(bare, k + 1, text, subject=False)
        if r is not None and r.role is not None:
            return r
    return m


def _according_at_end(toks: Toks, k: int, text: str, ctx: _Ctx) -> tuple[_Said, int] | None:
    """ "…، وفقًا لمساعد الرئيس الروسي يوري أوشاكوف.": a named official's or person's
    account closing the sentence; the clause before is what they said."""
    if k == 0 or toks[k - 1].text not in "،,":
        return None
    m = _according_mention(toks, k, text, ctx, ctx.parse(toks, k + 1, text, subject=False))
    if m is None or m.kind not in ("person", "role") or m.role is None:
        return None
    if not m.surface.startswith(m.role):
        return None  # role first only: "حسب نتائج مؤقتة أعلنها رئيس …" is no name
    if any(t.word for t in toks[m.end :]):
        return None
    start = _clause_start(toks, k - 1)
    while start > 0 and toks[start - 1].text in "،,":
        start = _clause_start(toks, start - 1)
    words = text[toks[start].start : toks[k - 1].start].strip(" ،,.") if start < k - 1 else ""
    if not words:
        return None
    return _Said("speech", m, words, "paraphrase", toks[k].start, words), len(toks)


def _speech_noun(toks: Toks, k: int, text: str, ctx: _Ctx) -> _Found | None:
    """ "لتأكيد بوتين أن …", "لتصريحات بوتين في هذا الشأن، “…”": a speech noun, its
    speaker in the genitive, then the words within a few tokens."""
    m = ctx.parse(toks, k + 1, text, subject=True)
    if m is None or m.kind not in ("person", "role", "party"):
        return None
    opener = next(
        (j for j in range(m.end, min(len(toks), m.end + 6)) if _opens_speech(toks, j)),
        None,
    )
    return (k, opener, "speech", m, []) if opener is not None else None


def _speech_verb(toks: Toks, k: int, text: str, ctx: _Ctx) -> _Found | None:
    """A speech verb with its speaker after it (or before it), or none written: a pronoun
    when the words follow at once ("وأضاف: …")."""
    v = ctx.v
    tok = toks[k]
    core = strip_conjunction(tok.norm)
    after = k + 1
    if after < len(toks) and toks[after].norm in _OBJECT_PRONOUNS:
        after += 1  # "وجه له المرشد الأعلى … رسالة": the addressee before the subject
    m = ctx.parse(toks, after, text, subject=True)
    if m is not None and core.endswith("وا") and len(core) > 3:
        # "واتهموا بيونجيانج بتقديم صواريخ": a verb carrying its plural subject is
        # followed by its object, not by a speaker
        m = None
    quoted = _quoted_speaker(toks, after, text, ctx) if m is None else None
    if quoted is not None:
        return (k, quoted.end + 1, "speech", quoted, [])  # 'وقال "ليم" إن …'
    if m is not None and m.kind == "media":
        if core not in v.report_verbs and tok.norm not in v.report_verbs:
            o = _outlet(toks, m.start, text, ctx)
            return (k, o.end, "outlet", o, [])
        return None
    if m is None:
        before = _subject_before(toks, k, text, ctx)
        if before is not None:
            return (k, k + 1, "speech", before, [])
        glued = core != tok.norm or k == 0 or not toks[k - 1].word or toks[k - 1].norm in _DISCOURSE
        if k > 0 and toks[k - 1].norm == "ما":
            return None  # "ما وصفه بأنه …": "what he called", not a new statement
        about = core in v.needs_about and k + 1 < len(toks) and toks[k + 1].norm == "عن"
        if glued and (_opens_speech(toks, k + 1) or core in v.continuations or about):
            return (k, k + 1, "pronoun", None, [])
        opener = _after_adverbial(toks, k + 1)
        if glued and opener is not None:
            return (k, opener, "pronoun", None, [])  # "وقال في بيان إن …"
        return None
    named = _apposed_name(toks, m, text, ctx)
    if named is not None:
        m = named
    extra: list[Mention] = []
    j = m.end
    # Coordinated speakers: "تقول كوريا الجنوبية وأوكرانيا والغرب إن …".
    while j < len(toks) and toks[j].word and toks[j].norm.startswith("و"):
        nxt = ctx.parse(toks, j, text)
        if nxt is None or nxt.kind in ("media", "collective"):
            break
        extra.append(nxt)
        j = nxt.end
    return (k, j, "speech", m, extra)


#: how far after an unnamed role its apposed name may stand
_APPOSITION_REACH = 14


def _apposed_name(toks: Toks, m: Mention, text: str, ctx: _Ctx) -> Mention | None:
    """A role described at length and then named between commas: "أعلن المرشح لانتخابات
    الرئاسة عن أكبر حزب في البلاد، فلان الفلاني، عدم اعترافه …" is the named person, with
    the role's party when the name brings none. None when the role is not followed by
    such a name (a quotation, "إن"/"أن" or another clause comes first)."""
    if m.kind != "role" or m.name:
        return None
    j = m.end
    for k in range(m.end, min(len(toks), m.end + _APPOSITION_REACH)):
        t = toks[k]
        if t.text in OPEN_QUOTES or t.text in CLOSE_QUOTES or t.norm in _THAT:
            return None
        if t.word:
            continue
        if t.text not in "،,":
            return None
        j = k + 1
        # between commas right after a role, a name needs no earlier introduction
        p = parse_mention(toks, j, text, ctx.v, corpus=ctx.corpus)
        if p is None or p.kind != "person" or p.end >= len(toks):
            continue
        if toks[p.end].text not in "،,":
            continue
        return replace(
            p,
            role=m.role,
            party=p.party or m.party,
            start=m.start,
            end=p.end + 1,
            surface=text[toks[m.start].start : toks[p.end - 1].end],
        )
    del j
    return None


def _quoted_speaker(toks: Toks, i: int, text: str, ctx: _Ctx) -> Mention | None:
    """A speaker's name in quotation marks right after the verb ('وأضاف "مدبولي": …')."""
    if i + 2 >= len(toks) or toks[i].text not in OPEN_QUOTES | CLOSE_QUOTES:
        return None
    m = ctx.parse(toks, i + 1, text, subject=True)
    if m is None or m.kind not in ("person", "party", "role") or m.end >= len(toks):
        return None
    if toks[m.end].text in OPEN_QUOTES | CLOSE_QUOTES:
        return m
    # 'أعلنت “قطر الخيرية” عن …': a body named after its country, in quotes
    close = m.end + 1
    if m.kind == "party" and close < len(toks) and toks[close].text in OPEN_QUOTES | CLOSE_QUOTES:
        return replace(m, end=close, surface=text[toks[i + 1].start : toks[m.end].end])
    return None


_ADVERBIAL_STARTS = frozenset(normalize(w) for w in ("في", "خلال", "عبر", "لدى", "أمام"))
_ADVERBIAL_REACH = 5


def _after_adverbial(toks: Toks, j: int) -> int | None:
    """Where the words start after a short phrase like "في بيان" / "خلال مؤتمر صحفي"
    between a speech verb and "إن" or a colon; None when there is no such phrase."""
    if j >= len(toks) or not toks[j].word or toks[j].norm not in _ADVERBIAL_STARTS:
        return None
    for k in range(j + 1, min(len(toks), j + _ADVERBIAL_REACH + 1)):
        if _opens_speech(toks, k):
            return k
        if not toks[k].word and toks[k].text not in "،,":
            return None
    return None


def _said(n: int, found: list[_Found], toks: Toks, text: str, v: Vocabulary) -> list[_Said]:
    """The words of the ``n``-th statement: up to the next statement's verb, a quotation
    or a paraphrase cut at the clause's end; one per co-speaker."""
    k, cstart, how, m, extra = found[n]
    stop = found[n + 1][0] if n + 1 < len(found) else len(toks)
    words, kind, source = _content(text, toks, cstart, stop)
    if how == "according" and cstart < stop:
        words, kind = text[toks[cstart].start : toks[stop - 1].end].strip(" .،"), "paraphrase"
        source = "according"
        how = "speech"
    if how == "outlet":
        # An outlet is a speaker only when it voices a position in quotation marks.
        said = text[toks[min(cstart, stop - 1)].start : toks[stop - 1].end]
        if not any(c in said for c in OPEN_QUOTES | CLOSE_QUOTES):
            return []
        how = "speech"
    verb = _as_written(toks[k])
    denial = strip_conjunction(toks[k].norm) in v.denial_verbs
    if kind == "paraphrase" and cstart < stop and (denial or source == "rest"):
        # A paraphrase starts with its speech verb and the verb's complement as written
        # ("دعا المجتمع الدولي إلى …", "أشار إلى …", "تنفي … تبادل الأسلحة").
        rest = text[toks[cstart].start : toks[stop - 1].end].strip(" .،:")
        if how in ("speech", "pronoun", "participle") and not rest.startswith(verb):
            words = f"{verb} {rest}"
    short_quote = kind == "quote" and len(words.split()) < _SHORT_QUOTE
    if (
        (kind == "paraphrase" and source == "clause" and needs_governor(words, v))
        or ((source == "clause" or short_quote) and pronoun_subject(toks, cstart, stop))
    ) and how in ("speech", "pronoun"):
        # "تقول كييف وواشنطن إن جنودا كوريين …", "قال كيم إنه يرقى إلى مستوى …", "وصف
        # الاتفاق بأنه “وثيقة ثورية”": the clause from its verb, not a fragment
        words, kind = verb + text[toks[k].end : toks[stop - 1].end], "paraphrase"
    if kind == "paraphrase":
        words = _clause_end(words, v)
    context = text[toks[k].start : toks[stop - 1].end]
    weak = kind == "paraphrase" and not any(
        t.norm in _THAT or t.text in OPEN_QUOTES or t.text in CLOSE_QUOTES
        for t in toks[cstart:stop]
    )
    if weak and how == "speech" and k > 0:
        # "«…»، قال الوزير للصحفيين": the quotation comes before the verb.
        begin = found[n - 1][1] if n else 0
        earlier, earlier_kind, _ = _content(text, toks, begin, k)
        if earlier_kind == "quote":
            words, kind = earlier, earlier_kind
            context = text[toks[begin].start : toks[stop - 1].end]
    if not words:
        return []
    out = [_Said(how, m, words, kind, toks[k].start, context)]
    out += [_Said("speech", e, words, kind, toks[k].start, context) for e in extra]
    return out


def _what_they_said(toks: Toks, k: int, text: str, ctx: _Ctx) -> tuple[_Said, int] | None:
    """ "…، وفق ما ذكرته وزارة الداخلية", "بحسب ما قال المعهد", "حسبما أفادت الوزارة": the
    clause before is what the named speaker said (an outlet's report stays a source)."""
    j = k + 1
    if not toks[k].norm.endswith("ما"):
        if j >= len(toks) or toks[j].norm != "ما":
            return None
        j += 1
    if j >= len(toks) or not toks[j].word:
        return None
    verb = strip_conjunction(toks[j].norm)
    forms = {verb[: len(verb) - len(x)] for x in _WHAT_SUFFIXES if verb.endswith(x)}
    v = ctx.v
    if not forms & (v.speech_verbs | v.report_verbs):
        return None
    j += 1
    if j < len(toks) and toks[j].norm in ("عنه", "عنها"):
        j += 1
    m = ctx.parse(toks, j, text, subject=True)
    if m is None or m.kind not in ("person", "role", "party"):
        return None
    start = _clause_start(toks, k)
    while start > 0 and toks[start - 1].text in "،,":
        start = _clause_start(toks, start - 1)
    words = text[toks[start].start : toks[k].start].strip(" ،,.") if start < k else ""
    if not words:
        return None
    return _Said("speech", m, words, "paraphrase", toks[k].start, words), m.end


# --- resolution within and across articles -----------------------------------------


@dataclass(slots=True)
class _Registry:
    """Persons named in full anywhere, in reading order, for surname and role look-ups."""

    persons: list[tuple[tuple[int, int], Actor]] = field(default_factory=list)
    #: the same persons by article position: look-ups stay within one article
    by_article: dict[int, list[tuple[tuple[int, int], Actor]]] = field(default_factory=dict)
    #: the dossier's persons, for look-ups beyond the article (see bot.extract.consulted)
    dossier: DossierPersons | WatchedPersons = field(default_factory=DossierPersons)

    def add(self, pos: tuple[int, int], actor: Actor) -> None:
        self.persons.append((pos, actor))
        self.by_article.setdefault(pos[0], []).append((pos, actor))

    def by_name(self, name: tuple[str, ...], pos: tuple[int, int]) -> Actor | None:
        """The closest earlier (else the first later) fuller mention in the same article,
        else the first one in the dossier."""
        same = [
            (p, a)
            for p, a in self.by_article.get(pos[0], ())
            if short_refers_to(name, a.name) or names_match(name, a.name)
        ]
        earlier = [a for p, a in same if p <= pos]
        if earlier:
            return earlier[-1]
        if same:
            return same[0][1]
        # An article may name a person only by surname ("قال بوتين") when another article
        # of the dossier gives the full name and role: take the first such one.
        return self.dossier.first_named(name)

    def party_of(self, name: tuple[str, ...]) -> str | None:
        """The party some mention of this person gives ("الرئيس بوتين" has none; "الرئيس
        الروسي فلاديمير بوتين" in the same dossier does)."""
        return self.dossier.party_of(name)

    def by_role(self, party: str, role: str, pos: tuple[int, int]) -> Actor | None:
        """ "الرئيس الروسي" → the last named person of that party with the same role word."""
        head = _role_head(role)
        best: Actor | None = None
        for p, a in self.by_article.get(pos[0], ()):
            if not (p <= pos and a.party == party and a.role and a.name):
                continue
            other = _role_head(a.role)
            if other == head or (other in _LEADER_WORDS and head in _LEADER_WORDS):
                best = a
        return best


_LEADER_WORDS = frozenset({"رييس", "زعيم"})


def _role_head(role: str) -> str:
    w = normalize(role).split()[0] if role.strip() else ""
    return w[2:] if w.startswith("ال") else w


def _actor(m: Mention) -> Actor:
    return Actor(m.kind, m.name, m.role, m.party, m.surface)


def _register_article(art_pos: int, article: Article, reg: _Registry, ctx: _Ctx) -> None:
    """Record every person introduced with a role, so later short mentions resolve."""
    for s in article.sentences:
        toks = tokenize(s.text)
        i = 0
        while i < len(toks):
            m = ctx.parse(toks, i, s.text)
            if m and m.kind == "person" and m.role and m.name:
                reg.add((art_pos, s.index), _actor(m))
                i = m.end
                continue
            i += 1


def _known_words(reg: _Registry) -> frozenset[str]:
    return frozenset(fold_name_token(w) for _, a in reg.persons for w in a.name)


def _treaty_parties(articles: Sequence[Article], v: Vocabulary) -> Counter[str]:
    """Per party, how many sentences about the agreement name it (summed over articles)."""
    counts: Counter[str] = Counter()
    for a in articles:
        for s in a.sentences:
            toks = tokenize(s.text)
            if not any(x in v.treaty_words for t in toks if t.word for x in variants(t.norm)):
                continue
            seen: set[str] = set()
            i = 0
            while i < len(toks):
                hit = party_at(toks, i, v)
                if hit:
                    seen.add(hit[1])
                    i += hit[0]
                else:
                    i += 1
            counts.update(seen)
    return counts


def _signatories(counts: Counter[str], v: Vocabulary, articles: int = 1) -> frozenset[str]:
    """The two parties most named in sentences about the agreement: countries named in at
    least :data:`COUNTRY_MIN_SENTENCES` of them, and organisations named in at least
    :data:`ORGANISATION_MIN_SENTENCES` (in a single article, one naming suffices)."""
    country_min = min(COUNTRY_MIN_SENTENCES, articles)
    # A country, or an organisation ("اتفاق مع صندوق النقد الدولي") named in several treaty
    # sentences: the UN or NATO named in passing beside an agreement are not its parties.
    ranked = sorted(
        (
            (n, p)
            for p, n in counts.items()
            if (v.party_kinds.get(p) == "country" and n >= country_min)
            or n >= ORGANISATION_MIN_SENTENCES
        ),
        key=lambda x: (-x[0], x[1]),
    )
    return frozenset(p for _, p in ranked[:2])


#: an organisation is a party to the agreement when named in this many sentences about it
ORGANISATION_MIN_SENTENCES = 3
#: in a dossier of several articles, a country named once beside an agreement word ("دعوة
#: أوكرانيا لحضور قمة السلام") is not thereby one of its parties
COUNTRY_MIN_SENTENCES = 2


_SUFFIXES = frozenset({"", "ه", "ها", "هما", "هم", "نا", "ي", "ا", "ات"})


@lru_cache(maxsize=65536)
def _word_forms(word: str) -> frozenset[str]:
    """A normalised word without proclitics, the article or a future سـ ("وستضر" → "تضر")."""
    vs = variants(word)
    # "إدانتها" → "إدانة": a noun's tā' marbūṭa is written ت before a pronoun suffix
    owned = {
        f[: -len(x) - 1] + "ه"
        for f in vs
        for x in ("هما", "هم", "ها", "ه", "نا")
        if f.endswith("ت" + x) and len(f) - len(x) >= 4
    }
    return frozenset(
        set(vs)
        | owned
        | {f[2:] for f in vs if f.startswith("ال")}
        | {f[1:] for f in vs if f.startswith("س") and len(f) >= 4}
    )


def _single_hit(forms: frozenset[str], cues: frozenset[str]) -> bool:
    """One-word cues match as word beginnings ("تهديد" ~ "تهديدا"); short ones only whole
    or with a pronoun suffix ("قلق" ~ "قلقها", but "نمو" is not "نموذج")."""
    for f in forms:
        for n in range(2, len(f) + 1):
            cue = f[:n]
            if cue in cues and (n > 3 or f[n:] in _SUFFIXES):
                return True
    return False


@lru_cache(maxsize=1 << 14)
def _cue_hits(norm_text: str, cues: tuple[tuple[str, ...], ...]) -> int:
    words = [m.group() for m in WORD_RE.finditer(norm_text)]
    forms = [_word_forms(w) for w in words]
    singles = frozenset(p[0] for p in cues if len(p) == 1)
    hits = sum(1 for f in forms if _single_hit(f, singles))
    for phrase in cues:
        n = len(phrase)
        if n == 1:
            continue
        for i in range(len(words) - n + 1):
            if all(phrase[k] in forms[i + k] for k in range(n)):
                hits += 1
    return hits


def stance_of(
    words: str,
    party: str | None,
    signatories: frozenset[str],
    v: Vocabulary | None = None,
    *,
    independent: bool = False,
) -> Stance:
    """Stance toward the agreement, from cue words and whether the speaker is a party to it.

    An official of a signatory who speaks about the agreement, the cooperation or the
    relations supports it (warnings they voice are aimed at others); anyone else is
    critical when voicing concern, warning or threat, supportive when praising.
    ``independent`` speakers (academics, analysts) are judged by their words alone.
    """
    voc = v or vocabulary()
    norm = normalize(words)
    crit = _cue_hits(norm, voc.critical)
    sup = _cue_hits(norm, voc.supportive)
    if party is not None and party in signatories and not independent:
        topic = voc.topic | voc.treaty_words | voc.clause_words
        topical = any(
            f in topic or (f.endswith("ا") and f[:-1] in topic)
            for m in WORD_RE.finditer(norm)
            for f in variants(m.group())
        )
        return "supportive" if sup or topical else "neutral"
    if crit:
        return "critical"
    if (
        signatories
        and not independent
        and _cue_hits(norm, voc.accusation)
        and names_signatory(words, signatories, voc)
    ):
        # an outsider saying what a party to the agreement did ("كوريا الشمالية نشرت
        # 10 آلاف جندي في روسيا") accuses it
        return "critical"
    if signatories and _cue_hits(norm, voc.ties) and not _cue_hits(norm, voc.welcome):
        # an outsider describing the parties' alliance growing ("تحالف القوى … يتنامى",
        # "يتعزز التحالف بين هذه الدول") speaks of a threat, not of progress
        return "critical"
    if sup:
        return "supportive"
    return "neutral"


#: the article's main country must be named this often, and this much more than the next
HOME_MIN = 2
HOME_LEAD = 2.0


def _home_party(article: Article, v: Vocabulary) -> str | None:
    """The country an article is about: named (or its adjective used) clearly more often
    than any other, counting the headline."""
    ranked = country_mentions(article, v).most_common(2)
    if not ranked or ranked[0][1] < HOME_MIN:
        return None
    if len(ranked) > 1 and ranked[0][1] < HOME_LEAD * ranked[1][1]:
        return None
    return ranked[0][0]


def _bare_role_referent(
    actor: Actor, pos: int, index: int, statements: Sequence[Statement], reg: _Registry
) -> Actor:
    """A one-word role without a party ("الوزارة", "الرئيس") is the last speaker of the
    article whose role has that head word, else the last person introduced with it."""
    words = normalize(actor.role or "").split()
    if len(words) != 1:
        return actor
    head = _role_head(words[0])
    for st in reversed(statements):
        if st.order[0] != pos:
            break
        if (
            st.actor.party
            and st.actor.role
            and head in {_role_head(w) for w in normalize(st.actor.role).split()}
        ):
            return st.actor
    named = [
        a
        for p, a in reg.persons
        if p[0] == pos and p[1] <= index and a.party and a.role and _role_head(a.role) == head
    ]
    return named[-1] if named else actor


def _is_independent(role: str | None, v: Vocabulary) -> bool:
    if not role:
        return False
    first = normalize(role).split()[0]
    return first in v.independent or strip_conjunction(first) in v.independent


def _key(actor: Actor) -> str:
    if actor.name:
        return name_key(actor.name)
    if actor.kind == "party" and actor.party:
        return normalize(actor.party)
    if actor.kind == "media" and actor.party:
        return "media " + normalize(actor.party)
    return normalize(actor.surface)


def _display(actor: Actor) -> str:
    if actor.kind == "party" and actor.party:
        return actor.party
    return actor.display


def _similar(a: str, b: str) -> bool:
    wa, wb = _quote_words(a), _quote_words(b)
    if not wa or not wb:
        return False
    inter = len(wa & wb)
    return inter / min(len(wa), len(wb)) >= _SIMILAR


#: share of the shorter quotation's words that makes two quotations one statement
_SIMILAR = 0.7


@lru_cache(maxsize=1 << 16)
def _quote_words(text: str) -> frozenset[str]:
    """The normalised words of a quotation (memoised: a group's head is compared often)."""
    return frozenset(normalize(text).split())


def extract_reactions(articles: Sequence[Article]) -> list[Reaction]:
    """Return one reaction per (actor, statement), merged across articles, in a stable order."""
    return merge_reactions(articles, [ArticleReactions.of(a) for a in articles], reuse=False)


def _article_statements(
    articles: Sequence[tuple[int, Article]],
    ctx: _Ctx,
    reg: _Registry,
    v: Vocabulary,
    dossier_country: _AskedHome,
) -> list[Statement]:
    """The statements of one article (``articles`` holds it once, at position 0), its
    speakers resolved within it and, through ``reg.dossier``, by the dossier's persons;
    ``dossier_country`` speaks for officials of an article that names no country."""
    statements: list[Statement] = []
    for pos, art in articles:
        last: tuple[int, Actor] | None = None
        outlets: list[tuple[int, str, str]] | None = None
        home: tuple[str | None] | None = None
        for s in art.sentences:
            if _is_heading(art, s.index):
                continue
            for said in _sentence_statements(s.text, ctx):
                actors = (
                    [_actor(said.mention)]
                    if said.mention is not None
                    else _antecedents(s.text, said.verb_at, ctx)
                )
                words = said.words
                if said.mention is None and len(actors) > 1:
                    # "وتراقب كوريا الجنوبية والولايات المتحدة … وعبرتا عن قلقهما": the
                    # parties' verb alone is a fragment; show the whole sentence
                    words = whole_sentence(s.text)
                if not actors and last and s.index - last[0] <= _PRONOUN_REACH:
                    actors = [last[1]]
                for actor in actors:
                    resolved = _resolve(actor, (pos, s.index), reg)
                    if resolved.kind == "media" and resolved.party is None:
                        if outlets is None:
                            outlets = _outlets(art, ctx)
                        party = _outlet_country(resolved, s.index, outlets)
                        if party is None:
                            continue  # an outlet of no known country is a source only
                        resolved = replace(resolved, party=party)
                    if resolved.party is None and resolved.kind == "role":
                        # "وأشارت الوزارة", "وقال الرئيس": the body or officer named before
                        resolved = _bare_role_referent(resolved, pos, s.index, statements, reg)
                    if (
                        resolved.party is None
                        and resolved.kind in ("role", "person")
                        and resolved.role
                        and not _is_independent(resolved.role, v)
                        and not _possessive_role(resolved.role)
                        and not _counterpart_word(resolved.role)
                    ):
                        # "وزارة الداخلية", "رئيس الوزراء": an official of the country the
                        # article is about
                        if home is None:
                            # the article's own country, else the dossier's
                            home = (_home_party(art, v) or dossier_country.get(),)
                        if home[0] is not None:
                            resolved = replace(resolved, party=home[0])
                    if resolved.party is None and _possessive_role(resolved.role):
                        # "أمينها العام": the officer of the body named before in the sentence.
                        owner = _party_before(s.text, said.verb_at, ctx)
                        if owner is not None:
                            resolved = replace(resolved, party=owner)
                    if _counterpart_word(resolved.role):
                        # "بلينكن ونظيره الكوري الجنوبي": the referent's role, its nationality.
                        same = [
                            st.actor
                            for st in statements
                            if st.order == (pos, s.index) and st.actor.role and st.actor != resolved
                        ]
                        referent = same[-1] if same else (last[1] if last else None)
                        if referent is not None and referent.role:
                            role = _counterpart_role(resolved.role or "", referent.role, v)
                            resolved = replace(resolved, role=role, surface=role)
                    if said.how != "no_comment":
                        last = (s.index, resolved)
                    statements.append(
                        Statement(
                            resolved,
                            words,
                            said.kind,
                            art.id,
                            s.index,
                            s.text,
                            (pos, s.index),
                            context=said.context,
                            no_comment=said.how == "no_comment",
                        )
                    )
    return statements


# --- per-article products and the dossier-wide merge ------------------------------


@dataclass(slots=True)
class _AskedHome:
    """The dossier's country (:func:`bot.extract.dossier.home_of`), remembering whether a
    parse asked for it: only an article with an unplaced official depends on it."""

    value: str | None
    asked: bool = False

    def get(self) -> str | None:
        self.asked = True
        return self.value


@dataclass(frozen=True, slots=True)
class _Introduced:
    """Stage 1 of one article: the persons it introduces with a role (sentence index,
    person), valid while the dossier's words answer ``corpus`` the same way."""

    persons: tuple[tuple[int, Actor], ...]
    corpus: SetAnswers | None


@dataclass(frozen=True, slots=True)
class _Spoken:
    """Stage 2 of one article: its statements (ordered as article 0), valid while the
    dossier answers the recorded questions (words, known names, persons, the dossier's
    country) the same way."""

    statements: tuple[Statement, ...]
    corpus: SetAnswers | None
    known: SetAnswers | None
    persons: dict[tuple[str, tuple[str, ...]], object] | None
    home: tuple[str | None] | None  # the dossier's country, if the parse asked for it

    def hold(
        self,
        corpus: frozenset[str],
        known: frozenset[str],
        persons: DossierPersons,
        home: str | None,
    ) -> bool:
        return (
            (self.home is None or self.home[0] == home)
            and self.corpus is not None
            and self.known is not None
            and self.persons is not None
            and self.corpus.hold(corpus)
            and self.known.hold(known)
            and persons_hold(self.persons, persons)
        )


@dataclass(slots=True)
class ArticleReactions:
    """One article's reaction products, kept between builds by the live cache.

    ``words``, ``treaty_parties`` and ``countries`` depend on the article alone. The parse
    stages depend on it and on a few recorded answers of the dossier (see
    :mod:`bot.extract.consulted`);
    :func:`merge_reactions` fills them, and refills one when an answer changed.
    """

    words: frozenset[str]  # every normalised word of the article
    treaty_parties: tuple[tuple[str, int], ...]  # see _treaty_parties
    countries: tuple[tuple[str, int], ...]  # see bot.extract.dossier.country_mentions
    introduced: _Introduced | None = None
    spoken: _Spoken | None = None
    computed: int = 0  # parse stages run for this article (by any merge)

    @classmethod
    def of(cls, article: Article) -> ArticleReactions:
        words = frozenset(t.norm for s in article.sentences for t in tokenize(s.text))
        v = vocabulary()
        parties = _treaty_parties([article], v)
        # in first-mention order: the dossier's country breaks ties as a whole build does
        countries = tuple(country_mentions(article, v).items())
        return cls(words, tuple(sorted(parties.items())), countries)


def merge_reactions(
    articles: Sequence[Article], parts: Sequence[ArticleReactions], *, reuse: bool = True
) -> list[Reaction]:
    """The reactions of ``articles`` (in dossier order) from their per-article products.

    Equal to parsing the whole dossier at once: a parse stage is reused only while every
    question it asked of the dossier gets the same answer. ``reuse=False`` (a one-off
    build) neither reuses nor records.
    """
    v = vocabulary()
    corpus: frozenset[str] = frozenset().union(*(p.words for p in parts))
    watched = WatchedSet(corpus) if reuse else None
    bare = _Ctx(v, frozenset(), watched if watched is not None else corpus)
    for art, part in zip(articles, parts, strict=True):
        intro = part.introduced
        if intro is None or intro.corpus is None or not intro.corpus.hold(corpus):
            if watched is not None:
                watched.reset()
            local = _Registry()
            _register_article(0, art, local, bare)
            part.introduced = _Introduced(
                tuple((p[1], a) for p, a in local.persons),
                watched.answers() if watched is not None else None,
            )
            part.computed += 1
    reg = _Registry()
    for pos, part in enumerate(parts):
        assert part.introduced is not None
        for index, actor in part.introduced.persons:
            reg.add((pos, index), actor)
    known = _known_words(reg)
    reg.dossier = persons = DossierPersons.of(reg.persons)
    home = home_of([Counter(dict(p.countries)) for p in parts])
    watched_known = WatchedSet(known) if reuse else None
    ctx = _Ctx(
        v,
        watched_known if watched_known is not None else known,
        watched if watched is not None else corpus,
    )
    for art, part in zip(articles, parts, strict=True):
        if part.spoken is not None and part.spoken.hold(corpus, known, persons, home):
            continue
        assert part.introduced is not None
        asked = WatchedPersons(persons) if reuse else None
        local = _Registry(dossier=asked if asked is not None else persons)
        for index, actor in part.introduced.persons:
            local.add((0, index), actor)
        if watched is not None and watched_known is not None:
            watched.reset()
            watched_known.reset()
        asked_home = _AskedHome(home)
        said = _article_statements(((0, art),), ctx, local, v, asked_home)
        part.spoken = _Spoken(
            tuple(said),
            watched.answers() if watched is not None else None,
            watched_known.answers() if watched_known is not None else None,
            asked.asked if asked is not None else None,
            (home,) if asked_home.asked else None,
        )
        part.computed += 1
    statements: list[Statement] = []
    counts: Counter[str] = Counter()
    for pos, part in enumerate(parts):
        assert part.spoken is not None
        statements.extend(
            replace(st, order=(pos, st.sentence_index)) for st in part.spoken.statements
        )
        counts.update(dict(part.treaty_parties))
    signatories = _signatories(counts, v, articles=len(parts))
    return harmonise_stances(_merge(statements, reg, signatories, v), v)


#: How a sentence of running text ends; a subheading has none of these.
_SENTENCE_ENDS = ".!?؟…:\"”»'’)"
_HEADING_WORDS = 16


def _is_heading(article: Article, index: int) -> bool:
    """A subheading ("الناتو حذر سابقا من تهديد …") is a paragraph of one short line
    without closing punctuation: a headline about statements, not a statement."""
    s = article.sentences[index]
    alone = [t for t in article.sentences if t.paragraph == s.paragraph]
    text = s.text.strip()
    return (
        len(alone) == 1
        and len(article.sentences) > 1
        and bool(text)
        and text[-1] not in _SENTENCE_ENDS
        and len(text.split()) <= _HEADING_WORDS
    )


_PREPOSITION_WORDS = frozenset(
    normalize(w) for w in ("إلى", "في", "من", "مع", "على", "عن", "ضد", "بين", "لدى", "نحو")
)


_COUNTERPART = frozenset(normalize(w) for w in ("نظير", "نظيرة"))


def _counterpart_word(role: str | None) -> bool:
    """ "نظيره", "نظيرته", "ونظيره": the counterpart of someone named before."""
    if not role:
        return False
    head = strip_conjunction(normalize(role).split()[0])
    return any(head == c + suffix for c in _COUNTERPART for suffix in ("ه", "ها", "هم", ""))


def _counterpart_role(role: str, referent_role: str, v: Vocabulary) -> str:
    """ "نظيره الكوري الجنوبي" beside "وزير الخارجية الأمريكي" → "وزير الخارجية الكوري
    الجنوبي": the referent's role without its nationality or party, then the counterpart's
    own nationality words as written."""
    toks = tokenize(referent_role)
    kept: list[str] = []
    i = 0
    while i < len(toks):
        hit = nationality_at(toks, i, v) or party_at(toks, i, v)
        if hit:
            i += hit[0]
            continue
        if toks[i].word:
            kept.append(toks[i].text)
        i += 1
    own = role.split(maxsplit=1)[1] if len(role.split()) > 1 else ""
    return " ".join([*kept, own]).strip() if kept else role


def _possessive_role(role: str | None) -> bool:
    if not role:
        return False
    head = normalize(role).split()[0]
    return head.endswith(("ها", "هم")) and len(head) > 4


def _party_before(text: str, verb_at: int, ctx: _Ctx) -> str | None:
    """The body a possessive role belongs to: an organisation named before the verb if
    there is one (the usual antecedent of "ها"), else the first party named."""
    toks = tokenize(text)
    found: list[str] = []
    for i, t in enumerate(toks):
        if t.start >= verb_at:
            break
        hit = party_at(toks, i, ctx.v)
        if hit:
            found.append(hit[1])
    bodies = [p for p in found if ctx.v.party_kinds.get(p) == "organisation"]
    ranked = bodies or found
    return ranked[0] if ranked else None


def _antecedents(text: str, verb_at: int, ctx: _Ctx) -> list[Actor]:
    """For "ربط بوتين … وقال إن …" or "تراقب كوريا الجنوبية والولايات المتحدة … وعبرتا عن
    قلقهما": the person (else the parties) named before the verb in the same sentence,
    never the object of a preposition ("زيارة له إلى بيونغ يانغ")."""
    toks = tokenize(text)
    depth = _quote_depths(toks, text)
    for wanted in ("person", "party"):
        for i, t in enumerate(toks):
            if t.start >= verb_at:
                break
            if depth[i] or (i and toks[i - 1].norm in _PREPOSITION_WORDS):
                continue  # a name inside a quotation is not the speaker
            m = ctx.parse(toks, i, text, subject=True)
            if m is None or m.kind != wanted or toks[m.end - 1].end > verb_at:
                continue
            if m.kind == "person" and not m.name:
                continue
            out = [_actor(m)]
            j = m.end
            while j < len(toks) and toks[j].word and toks[j].norm.startswith("و"):
                nxt = ctx.parse(toks, j, text)
                if nxt is None or nxt.kind != m.kind:
                    break
                out.append(_actor(nxt))
                j = nxt.end
            return out
    return []


def _resolve(actor: Actor, pos: tuple[int, int], reg: _Registry) -> Actor:
    if actor.kind == "person" and actor.name:
        full = reg.by_name(actor.name, pos)
        if full is not None:
            return Actor(
                "person",
                full.name if len(full.name) >= len(actor.name) else actor.name,
                actor.role or full.role,
                actor.party or full.party or reg.party_of(actor.name),
                full.surface,
            )
        return actor
    if actor.kind == "role" and actor.party and actor.role:
        named = reg.by_role(actor.party, actor.role, pos)
        if named is not None:
            return named
    return actor


def _most_frequent_spelling(seen: list[tuple[str, tuple[int, int]]]) -> str:
    """Of a person's full-name mentions (most words), the spelling most sources write;
    ties go to the earliest article ("كيم جونغ أون" over one outlet's "كيم جونج أونج")."""
    most = max(len(d.split()) for d, _ in seen)
    full = [(d, p) for d, p in seen if len(d.split()) == most]
    counts = Counter(d for d, _ in full)
    first = {d: min(p for x, p in full if x == d) for d in counts}
    return min(counts, key=lambda d: (-counts[d], first[d], d))


def _local_role(members: list[Statement], overall: str | None, party: str | None) -> str | None:
    """The role the statements' own articles give the speaker (most frequent, then the
    earliest); a bare role word ("الرئيس") takes the fuller form known elsewhere
    ("الرئيس الروسي") when that extends it. A local role naming another party than the
    speaker's ("زعيم كوريا الجنوبية" for Kim, a slip) is not used. Without a local role,
    the overall one."""
    local = [
        m.actor.role
        for m in sorted(members, key=lambda m: m.order)
        if m.actor.role and (party is None or m.actor.party in (None, party))
    ]
    if not local:
        return overall
    counts = Counter(local)
    role = min(counts, key=lambda r: (-counts[r], local.index(r)))
    if overall and overall != role and normalize(overall).startswith(normalize(role) + " "):
        return overall
    return role


def _merge(
    statements: list[Statement], reg: _Registry, signatories: frozenset[str], v: Vocabulary
) -> list[Reaction]:
    # Fold person keys across articles: "كيم جونغ أون" ~ "كيم جونج أونج".
    canon = NameIndex()
    tried: set[tuple[str, ...]] = set()  # a name met again finds itself or what it found
    for _, a in sorted(reg.persons, key=lambda p: (-len(p[1].name), p[0])):
        if a.name in tried:
            continue
        tried.add(a.name)
        if not any(
            names_match(a.name, n) or short_refers_to(a.name, n)
            for n, _ in canon.candidates(a.name)
        ):
            canon.add(a.name, name_key(a.name))
    canonical: dict[tuple[str, ...], str | None] = {}

    def canonical_key(name: tuple[str, ...]) -> str | None:
        if name not in canonical:
            candidates = canon.candidates(name)
            found = next((k for n, k in candidates if names_match(name, n)), None)
            if found is None:
                longer = {k for n, k in candidates if short_refers_to(name, n)}
                found = longer.pop() if len(longer) == 1 else None
            canonical[name] = found
        return canonical[name]

    def key_of(actor: Actor) -> str:
        return (canonical_key(actor.name) if actor.name else None) or _key(actor)

    # Party and role per actor: most frequent over every registered mention and statement.
    parties: dict[str, Counter[str]] = {}
    roles: dict[str, str] = {}
    fullest: dict[str, str] = {}
    spellings: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    for p, a in reg.persons:
        k = key_of(a)
        if a.party:
            parties.setdefault(k, Counter())[a.party] += 1
        if a.role and len(a.role) > len(roles.get(k, "")):
            roles[k] = a.role
        spellings.setdefault(k, []).append((a.display, p))
    statement_parties: dict[str, Counter[str]] = {}
    for st in statements:
        k = key_of(st.actor)
        if st.actor.party:
            statement_parties.setdefault(k, Counter())[st.actor.party] += 1
        if st.actor.role and k not in roles:
            roles[k] = st.actor.role
        if k not in spellings and len(_display(st.actor)) > len(fullest.get(k, "")):
            fullest[k] = _display(st.actor)
    for k, seen in spellings.items():
        fullest[k] = _most_frequent_spelling(seen)

    groups: list[tuple[str, Statement, list[Statement]]] = []
    groups_of: dict[str, list[tuple[str, Statement, list[Statement]]]] = {}
    # a statement is compared only with the heads that may share enough of its words
    frequency = Counter(w for st in statements for w in _quote_words(st.quote))
    heads: dict[str, OverlapIndex] = {}
    cited: dict[str, list[set[tuple[str, int]]]] = {}  # per group: its members' sentences
    # the same words again (a wire copy) meet the same group first: the heads before it
    # did not match them, and no head before it is ever added
    seen_words: dict[tuple[str, frozenset[str], bool], int] = {}
    for st in statements:
        k = key_of(st.actor)
        words = _quote_words(st.quote)
        if (k, words, st.no_comment) in seen_words:
            near = [seen_words[k, words, st.no_comment]]
        else:
            near = heads[k].candidates(words) if k in heads else []
        for n in near:
            _k, head, members = groups_of[k][n]
            if head.no_comment == st.no_comment and _similar(head.quote, st.quote):
                seen_words[k, words, st.no_comment] = n
                if (st.article_id, st.sentence_index) not in cited[k][n]:
                    cited[k][n].add((st.article_id, st.sentence_index))
                    members.append(st)
                break
        else:
            group = (k, st, [st])
            groups.append(group)
            groups_of.setdefault(k, []).append(group)
            cited.setdefault(k, []).append({(st.article_id, st.sentence_index)})
            heads.setdefault(k, OverlapIndex(_SIMILAR, lambda w: (frequency[w], w)))
            heads[k].add(words)

    out: list[tuple[tuple[str, str, tuple[int, int]], Reaction]] = []
    for k, head, members in groups:
        party_counts = parties.get(k) or statement_parties.get(k)
        party = (
            sorted(party_counts.items(), key=lambda x: (-x[1], x[0]))[0][0]
            if party_counts
            else head.actor.party
        )
        if is_analyst(_local_role(members, roles.get(k), party), v):
            party = None  # an academic comments; he does not speak for his government
        stance: Stance = (
            "no_comment"
            if head.no_comment
            else stance_of(
                head.context or head.quote,
                party,
                signatories,
                v,
                independent=_is_independent(_local_role(members, roles.get(k), party), v),
            )
        )
        sources = [
            Evidence(article_id=m.article_id, sentence_index=m.sentence_index, text=m.sentence)
            for m in sorted(members, key=lambda m: m.order)
        ]
        kind = (
            "no_comment" if head.no_comment else ("quote" if head.kind == "quote" else "paraphrase")
        )
        reaction = Reaction(
            actor=fullest.get(k, _display(head.actor)),
            actor_key=k,
            role=_local_role(members, roles.get(k), party),
            party=party,
            stance=stance,
            quote=head.quote,
            kind=kind,
            sources=sources,
        )
        out.append(((party or "\uffff", k, head.order), reaction))
    out.sort(key=lambda x: x[0])
    return [r for _, r in out]


__all__ = ["ArticleReactions", "extract_reactions", "merge_reactions", "stance_of"]
