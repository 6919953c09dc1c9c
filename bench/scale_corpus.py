"""Deterministic synthetic dossiers whose people, dates and numbers grow with their size.

Why: a generator that only recombines the seeds' paragraphs has the same 34 people at any
size, so a merge that compares every person with every other looks linear. Here each
article mixes seed paragraphs with sentences written from the templates below, and every
template names a person made from syllables (so 10,000 articles name thousands of
people, with spelling variants and surnames reused as a real archive does), a party from
the vocabulary's nationality adjectives, a date and figures of its own.

The templates are the project's own prose, written for this benchmark.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tomllib
from collections.abc import Sequence
from pathlib import Path

from bot.corpus_types import Article

DATA = Path(__file__).resolve().parent.parent / "bot" / "extract" / "data"

_FIRST = ("كا", "رو", "لي", "سا", "ما", "دي", "نو", "تا", "فا", "زو", "جو", "بي", "مي", "هو")
_MIDDLE = ("ري", "لا", "نا", "سي", "مو", "دا", "كو", "تي", "فو", "را", "يو", "")
_LAST = ("ن", "ر", "ل", "ف", "س", "ك", "م", "ت", "ز", "د")
_ROLES = (
    "وزير الخارجية",
    "وزيرة الدفاع",
    "الرئيس",
    "رئيس الوزراء",
    "المتحدث باسم وزارة الخارجية",
    "مستشار الأمن القومي",
    "سفير",
    "نائب وزير الخارجية",
)
_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
_ORDINALS = ("الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة")
_VERBS = ("وقال", "وأكد", "وأضاف", "وأوضح", "وحذر", "واعتبر")
_SUPPORT = (
    "إن الاتفاقية خطوة مهمة نحو تعزيز الاستقرار في المنطقة",
    "إن بلاده ترحب بهذا الاتفاق وتدعم تنفيذه الكامل",
    "إن التعاون بين البلدين سيعود بالنفع على الشعبين",
)
_CRITIC = (
    "إن هذه المعاهدة تشكل تهديدا خطيرا للأمن الإقليمي",
    "إن بلاده تدين الاتفاق وتعتبره انتهاكا لقرارات مجلس الأمن",
    "إن التقارب العسكري بين الطرفين يثير قلقا بالغا",
)
_CLAUSES = (
    "تقديم المساعدة العسكرية الفورية إذا تعرض أحد الطرفين لهجوم مسلح",
    "عدم الدخول في أي تحالف موجه ضد الطرف الآخر",
    "تبادل المعلومات في مجالات الطاقة والنقل بقيمة {n} مليون دولار",
    "إنشاء لجنة مشتركة تجتمع مرة كل {k} أشهر",
    "تعزيز التعاون في مجال التعليم وتبادل {n} طالب سنويا",
)


def _nationalities() -> list[str]:
    data = tomllib.loads((DATA / "nationalities.toml").read_text(encoding="utf-8"))
    return sorted(data["nationalities"])


def _name(rng: random.Random) -> str:
    def word() -> str:
        return rng.choice(_FIRST) + rng.choice(_MIDDLE) + rng.choice(_LAST)

    return f"{word()} {word()}"


def _date(rng: random.Random, published: dt.date) -> str:
    day = published - dt.timedelta(days=rng.randint(1, 400))
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _sentences(
    rng: random.Random, people: Sequence[tuple[str, str, str]], published: dt.date
) -> list[str]:
    """One article's own sentences: statements, a dated event and provisions."""
    out: list[str] = []
    for _ in range(rng.randint(2, 5)):
        name, role, nat = rng.choice(people)
        said = rng.choice(_SUPPORT if rng.random() < 0.5 else _CRITIC)
        verb = rng.choice(_VERBS)
        if rng.random() < 0.5:
            out.append(f"{verb} {role} {nat} {name}، {said}.")
        else:
            surname = name.split()[-1]
            out.append(f"{verb} {role} {nat} {name} {said}، فيما أشار {surname} إلى أهمية الحوار.")
    name, role, nat = rng.choice(people)
    out.append(f"وزار {role} {nat} {name} العاصمة في {_date(rng, published)} لإجراء محادثات.")
    guests = rng.randint(3, 40)
    out.append(f"ووقع الجانبان الاتفاقية في {_date(rng, published)} بحضور وفود من {guests} دولة.")
    for _ in range(rng.randint(0, 2)):
        clause = rng.choice(_CLAUSES).format(n=rng.randint(2, 900), k=rng.randint(2, 12))
        out.append(f"وتنص المادة {rng.choice(_ORDINALS)} على {clause}.")
    return out


def write_dossier(target: Path, seeds: Sequence[Article], count: int, seed: int) -> None:
    """Write ``count`` articles and their articles.toml into ``target`` (deterministic)."""
    rng = random.Random(seed)
    pool = [p for a in seeds for p in a.paragraphs]
    nats = _nationalities()
    # about one new person every other article; a tenth of them respelled elsewhere
    people = [
        (_name(rng), rng.choice(_ROLES), rng.choice(nats)) for _ in range(max(20, count // 2))
    ]
    entries = []
    for n in range(count):
        template = seeds[n % len(seeds)].meta
        published = template.published + dt.timedelta(days=n % 730)
        cast = rng.sample(people, k=min(len(people), 6))
        own = _sentences(rng, cast, published)
        paragraphs = rng.sample(pool, k=min(len(pool), rng.randint(3, 12)))
        for sentence in own:
            paragraphs.insert(rng.randint(1, len(paragraphs)), sentence)
        entries.append(write_article(target, n, paragraphs, template.source, published))
    (target / "articles.toml").write_text("\n".join(entries), encoding="utf-8")


def write_article(
    target: Path, n: int, paragraphs: Sequence[str], source: str | None, published: dt.date
) -> str:
    """Write synthetic article ``n``'s text into ``target``; return its articles.toml entry."""
    art_id = f"syn{n:05d}"
    (target / f"{art_id}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    fields = {
        "id": art_id,
        "file": f"{art_id}.txt",
        "title": paragraphs[0][:120],
        "source": source or "synthetic",
        "published": published.isoformat(),
        "published_precision": "day",
        "published_reason": "synthetic benchmark article",
        "language": "ar",
    }
    body = "\n".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
    return "[[article]]\n" + body + "\n"
