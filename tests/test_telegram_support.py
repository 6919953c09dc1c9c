"""Shared test material for the bot's tests: a small but realistic cache.

Built in code so the tests run before the pipeline has produced summaries/cache.json;
the sentences are taken from the seed articles' style (Arabic, quotes, digits, Latin).
"""

from __future__ import annotations

from pathlib import Path

from bot.model import (
    ABSOLUTE,
    ArticleEntry,
    Cache,
    DateResolution,
    Digest,
    Evidence,
    Reaction,
    TimelineEvent,
    TreatyArticle,
)

#: a weekday counted from the publication date, as the pipeline resolves «الخميس»
THURSDAY = DateResolution(
    kind="relative", phrase="الخميس", value="2024-12-05", published="2024-12-05"
)

REAL_CACHE = Path(__file__).resolve().parent.parent / "summaries" / "cache.json"
TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"


def ev(article: str, index: int, text: str) -> Evidence:
    return Evidence(article_id=article, sentence_index=index, text=text)


def sample_cache(n_events: int = 9) -> Cache:
    """Three articles, digests, a multi-page timeline over two years, provisions, reactions."""
    articles = [
        ArticleEntry(
            id="000_aaaa",
            title="القادم مخيف.. دخلت حيز التنفيذ (معاهدة الدفاع المشترك)",
            source="الأول",
            url="https://example.com/a?x=1&y=<2>",
            published="2024-12-05",
            published_precision="day",
            published_reason="meta",
        ),
        ArticleEntry(
            id="001_bbbb",
            title="روسيا وكوريا الشمالية: «شراكة استراتيجية شاملة»",
            source=None,
            url="https://www.hura7.com/news/1",
            published="2024-06-20",
            published_precision="day",
            published_reason="meta",
        ),
        ArticleEntry(
            id="002_cccc",
            title="NATO & Seoul react <b>",
            source="عمان",
            url=None,
            published="2024-11",
            published_precision="month",
            published_reason="text",
        ),
    ]
    digests = [
        Digest(
            article_id="000_aaaa",
            algorithm="textrank",
            sentence_indices=[0, 3, 7],
            sentences=[
                "دخلت معاهدة الشراكة الاستراتيجية الشاملة بين كوريا الشمالية وروسيا حيز التنفيذ.",
                "وقّع البلدان الاتفاقية في يونيو/حزيران الماضي خلال زيارة بوتين إلى بيونغ يانغ.",
                "تنص المادة 4 على تقديم المساعدة العسكرية الفورية في حال تعرض أحد الطرفين لهجوم.",
            ],
        ),
        Digest(
            article_id="001_bbbb",
            algorithm="textrank",
            sentence_indices=[1, 2, 5],
            sentences=[
                "قال الرئيس الروسي إن الاتفاقية «دفاعية بحتة».",
                "2024 شهد توقيع أول معاهدة من نوعها منذ الحرب الباردة.",
                "NATO عبّر عن قلقه من التعاون العسكري المتزايد.",
            ],
        ),
    ]
    timeline = []
    for i in range(n_events):
        year = 2023 if i < 2 else 2024
        month = (i % 12) + 1
        timeline.append(
            TimelineEvent(
                date=f"{year}-{month:02d}-{10 + i}" if i % 3 else f"{year}-{month:02d}",
                granularity="day" if i % 3 else "month",
                text=f"حدث رقم {i}: وقّع بوتين وكيم اتفاقية <شراكة> & تعاون.",
                resolution=ABSOLUTE if i % 2 else THURSDAY,
                sources=[ev("000_aaaa", i, "جملة"), ev("001_bbbb", i + 1, "جملة")],
            )
        )
    treaty = [
        TreatyArticle(
            number=4,
            title="الدفاع المشترك",
            text="في حال تعرض أحد الطرفين لهجوم مسلح يقدم الطرف الآخر المساعدة العسكرية فورًا.",
            sources=[ev("000_aaaa", 7, "تنص المادة 4")],
        ),
        TreatyArticle(
            number=None,
            title="التعاون الاقتصادي",
            text="يتعاون الطرفان في مجالات التجارة والطاقة.",
            sources=[ev("001_bbbb", 9, "التعاون")],
        ),
    ]
    reactions = [
        Reaction(
            actor="أنتوني بلينكن",
            actor_key="بلينكن",
            role="وزير الخارجية",
            party="الولايات المتحدة",
            stance="critical",
            quote="هذا التعاون يشكل تهديدًا خطيرًا",
            kind="quote",
            sources=[ev("002_cccc", 2, "بلينكن")],
        ),
        Reaction(
            actor="وزارة الخارجية الصينية",
            actor_key="الخارجيه الصينيه",
            role=None,
            party="الصين",
            stance="no_comment",
            quote="رفضت التعليق على الاتفاقية",
            kind="no_comment",
            sources=[ev("002_cccc", 4, "الصين")],
        ),
        Reaction(
            actor="يون سوك يول",
            actor_key="يون",
            role="الرئيس",
            party="كوريا الجنوبية",
            stance="critical",
            quote="أعرب عن قلق بالغ",
            kind="paraphrase",
            sources=[ev("002_cccc", 6, "يون")],
        ),
    ]
    return Cache(
        source_digest="3fa2b9c0d1e2f3a4b5c6d7e8f9a0b1c2",
        digest_algorithm="textrank",
        articles=articles,
        digests=digests,
        timeline=timeline,
        treaty_articles=treaty,
        reactions=reactions,
    )
