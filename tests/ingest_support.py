"""Feeds and pages for the intake tests, written for these tests (invented Arabic text).

Every article body is built from sentences written here; none is taken from a real
outlet. ``site(httpserver)`` serves them from pytest-httpserver on loopback.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from email.utils import format_datetime

#: on-topic sentences (each names the dossier's terms in its own way)
TOPIC = [
    "أعلنت موسكو اليوم أن معاهدة الشراكة الاستراتيجية مع كوريا الشمالية دخلت مرحلة جديدة"
    " من التطبيق.",
    "وقال متحدث باسم الكرملين إن روسيا ترى في الاتفاق ضمانة للاستقرار في شرق آسيا.",
    "وذكرت وكالة الأنباء في بيونغ يانغ أن الزعيم كيم جونغ أون استقبل وفدا روسيا رفيع المستوى.",
    "ويرى محللون أن بند الدفاع المشترك في المعاهدة يثير قلق العواصم المجاورة.",
    "وأضاف المتحدث أن بوتين سيبحث مع نظيره الكوري ملفات الطاقة والنقل والتعليم.",
    "وأشار دبلوماسيون إلى أن البرلمان الروسي صادق على الوثيقة بأغلبية كبيرة.",
    "وتشمل الخطة إنشاء لجنة مشتركة تجتمع مرتين في السنة لمتابعة التنفيذ.",
    "وقالت مصادر مطلعة إن الجانبين اتفقا على توسيع الرحلات الجوية بين العاصمتين.",
    "ونقلت صحيفة محلية عن خبير قوله إن التقارب بين روسيا وكوريا الشمالية سيستمر سنوات.",
    "وأكدت الخارجية في موسكو أن التعاون لا يستهدف أي طرف ثالث.",
    "وأفاد مراسلون بأن وفدا عسكريا من بيونغ يانغ زار قاعدة بحرية في أقصى الشرق الروسي.",
    "وتوقع باحث في مركز للدراسات أن تتسع المبادلات التجارية خلال العام المقبل.",
    "وقال مسؤول كوري إن معاهدة الدفاع المشترك تعكس ثقة متبادلة بين الشعبين.",
    "وأوضح بيان رسمي أن الاتفاق يتضمن بنودا حول تبادل الطلاب والخبراء.",
    "ولفت مراقبون إلى أن توقيت الإعلان جاء بعد أسابيع من زيارة وزير الدفاع الروسي.",
    "وبحسب الوثيقة فإن أي اعتداء على أحد الطرفين يستدعي التشاور الفوري بينهما.",
]
#: off-topic Arabic (agriculture and weather), no dossier term at all
OFF_TOPIC = [
    "بدأ المزارعون في الوادي موسم حصاد القمح مبكرا هذا العام بسبب ارتفاع درجات الحرارة.",
    "وقالت نقابة الفلاحين إن إنتاج الحبوب فاق التوقعات رغم قلة الأمطار.",
    "ونصحت هيئة الأرصاد السكان بالابتعاد عن أشعة الشمس في ساعات الظهيرة.",
    "وتعمل البلدية على توسيع شبكة الري لتشمل القرى الجبلية البعيدة.",
    "وأشار مهندسون زراعيون إلى أهمية تنويع المحاصيل لحماية التربة من الإجهاد.",
    "ومن المتوقع أن تنخفض أسعار الخضروات في الأسواق الشعبية خلال الأسابيع المقبلة.",
    "وافتتحت الجمعية التعاونية مخزنا جديدا لتبريد الفاكهة قرب الطريق الرئيسي.",
]
ENGLISH = (
    "Officials in the capital said the new bridge will open next spring after two years of "
    "work. Engineers tested the structure for weeks and found it sound. Residents welcomed "
    "the news, saying the crossing will cut their daily commute by half an hour. The city "
    "council will hold a ceremony, and schools plan trips to see it. "
) * 3


def body(indices: list[int], pool: list[str] = TOPIC) -> list[str]:
    """Paragraphs of two sentences each from ``pool`` at ``indices``."""
    chosen = [pool[i % len(pool)] for i in indices]
    return [" ".join(chosen[i : i + 2]) for i in range(0, len(chosen), 2)]


def page(
    title: str,
    paragraphs: list[str],
    *,
    date: str | None = "2025-03-04",
    canonical: str | None = None,
    lang: str = "ar",
    charset_meta: str | None = "utf-8",
    outlet: str = "صحيفة الاختبار",
) -> str:
    """An article page with furniture around the main text."""
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    date_meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="rtl"><head>{meta}'
        f"<title>{html.escape(title)}</title>"
        f'<meta property="og:site_name" content="{outlet}">{date_meta}{canon}</head><body>'
        f'<nav><a href="/">الرئيسية</a> | <a href="/world">العالم</a></nav>'
        f"<article><h1>{html.escape(title)}</h1>{paras}</article>"
        f"<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def rss(title: str, items: Sequence[tuple[str, str, str | None, dt.datetime | None]]) -> str:
    """RSS 2.0: items are (guid, link, title as XML, date)."""
    out = []
    for guid, link, item_title, when in items:
        date = f"<pubDate>{format_datetime(when)}</pubDate>" if when else ""
        g = f"<guid>{guid}</guid>" if guid else ""
        out.append(f"<item><title>{item_title}</title><link>{link}</link>{g}{date}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>{''.join(out)}</channel></rss>"
    )


def atom(title: str, items: list[tuple[str, str, str]]) -> str:
    """Atom 1.0: items are (id, link, title as XML)."""
    entries = "".join(
        f'<entry><id>{i}</id><title type="html">{t}</title><link href="{link}"/>'
        "<updated>2025-03-06T08:00:00Z</updated></entry>"
        for i, link, t in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test</id><updated>2025-03-06T08:00:00Z</updated>"
        f"{entries}</feed>"
    )
