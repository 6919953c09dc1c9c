"""Paragraph and sentence splitting: whole sentences, exact substrings, nothing lost."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.arabic.sentences import (
    protected_spans,
    sentence_spans,
    split_paragraphs,
    split_sentences,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _no_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


# (paragraph, expected sentences): real lines from the seeds, then constructed cases.
CASES: list[tuple[str, list[str]]] = [
    # 000: "؟" ends a heading; "إف-16" and "،" inside a sentence; glued "بند" fragment stays.
    (
        "وأوضح أن تسليم الغرب أسلحة متطورة بعيدة المدى، بما في ذلك مقاتلات إف-16، إلى "
        "أوكرانيا لشن ضربات ضد روسيا ينتهك اتفاقات رئيسية. بند",
        [
            "وأوضح أن تسليم الغرب أسلحة متطورة بعيدة المدى، بما في ذلك مقاتلات إف-16، إلى "
            "أوكرانيا لشن ضربات ضد روسيا ينتهك اتفاقات رئيسية.",
            "بند",
        ],
    ),
    # 000: a range "1950-53" is not an end; the only full stop is the last character.
    (
        "ولا تزال الكوريتان في حالة حرب تقنيا منذ نزاعهما بين العام 1950-53 وتعد الحدود "
        "الفاصلة بينهما من بين الأكثر تحصينا في العالم.",
        [
            "ولا تزال الكوريتان في حالة حرب تقنيا منذ نزاعهما بين العام 1950-53 وتعد الحدود "
            "الفاصلة بينهما من بين الأكثر تحصينا في العالم."
        ],
    ),
    # 000: commas inside «…» and after it; one sentence.
    (
        "وقال بوتين، خلال التوقيع على الاتفاقية، آنذاك، إن «اتفاقية الشراكة الشاملة الموقعة "
        "اليوم تنص، من بين أمور أخرى، على المساعدة المتبادلة في حالة تعرض "
        "أحد طرفي الاتفاقية لعدوان».",
        [
            "وقال بوتين، خلال التوقيع على الاتفاقية، آنذاك، إن «اتفاقية الشراكة الشاملة الموقعة "
            "اليوم تنص، من بين أمور أخرى، على المساعدة المتبادلة في حالة تعرض "
            "أحد طرفي الاتفاقية لعدوان»."
        ],
    ),
    # 003: full stops inside “…” do not split; the one after the closing quote does.
    (
        "وقالت المتحدثة باسم وزارة الخارجية كارين جان بيير للصحفيين “هذا لن يتغير. سنعمل على "
        "زيادة المساعدات إلى أوكرانيا. نحن ندرك مدى أهمية التأكد من حصولهم "
        "على ما يحتاجون إليه”.",
        [
            "وقالت المتحدثة باسم وزارة الخارجية كارين جان بيير للصحفيين “هذا لن يتغير. سنعمل على "
            "زيادة المساعدات إلى أوكرانيا. نحن ندرك مدى أهمية التأكد من حصولهم "
            "على ما يحتاجون إليه”."
        ],
    ),
    # 003: two sentences; "2022." ends one (a year, not an abbreviation), quote ends the last.
    (
        "وتقاربت روسيا وكوريا الشمالية بشكل كبير منذ بدء الهجوم الروسي على أوكرانيا عام 2022. "
        "كما يلزم الاتفاق البلدين بالتعاون دوليا. "
        "ووصف بوتين في حزيران/يونيو الاتفاق بأنه “وثيقة ثورية”.",
        [
            "وتقاربت روسيا وكوريا الشمالية بشكل كبير منذ بدء الهجوم الروسي على أوكرانيا عام 2022.",
            "كما يلزم الاتفاق البلدين بالتعاون دوليا.",
            "ووصف بوتين في حزيران/يونيو الاتفاق بأنه “وثيقة ثورية”.",
        ],
    ),
    # 002: ".،" is not an end (no space after the dot); a lone ” opens, “ nests.
    (
        "وفقًا ليوري أوشاكوف- مساعد الرئيس الروسي- تحل اتفاقية الشراكة محل الوثائق الأساسية "
        "سابقًا.، وهم: ” “معاهدة الصداقة لعام 1961، وإعلاني موسكو وبيونغ يانغ لعامي 2000 و2001”.",
        [
            "وفقًا ليوري أوشاكوف- مساعد الرئيس الروسي- تحل اتفاقية الشراكة محل الوثائق الأساسية "
            "سابقًا.، وهم: ” “معاهدة الصداقة لعام 1961، وإعلاني موسكو وبيونغ يانغ لعامي 2000 و2001”."
        ],
    ),
    # 002: ” used as an opening quote; ".." after the closing quote ends the sentence.
    (
        "• حيث أشار بوتين، أن ” تطوير التعاون العسكري سيتم وفقًا للمعاهدة”.. وفي سياق متصل "
        "أعلن بوتين أن” روسيا لا تستبعد توريد أسلحة إلى دول أخرى.. وتحتفظ بحق روسيا”.",
        [
            "• حيث أشار بوتين، أن ” تطوير التعاون العسكري سيتم وفقًا للمعاهدة”..",
            "وفي سياق متصل أعلن بوتين أن” روسيا لا تستبعد توريد أسلحة إلى دول أخرى.. "
            "وتحتفظ بحق روسيا”.",
        ],
    ),
    # 002: "عامًا" ends with tanwin before the alef: not a one-letter abbreviation.
    (
        "هي الأولى منذ 24 عامًا. وتأتي هذه الزيارة في سياق متصاعد.",
        ["هي الأولى منذ 24 عامًا.", "وتأتي هذه الزيارة في سياق متصاعد."],
    ),
    # 002: "؟." ends a question; "د." before a name does not end anything.
    (
        "وما هي مخاوف الغرب من هذا التقارب بين موسكو وبيونج يانغ؟. د. غادة عبد العزيز باحثة.",
        [
            "وما هي مخاوف الغرب من هذا التقارب بين موسكو وبيونج يانغ؟.",
            "د. غادة عبد العزيز باحثة.",
        ],
    ),
    # 004: straight quotes as written by the outlet; "(40 عاما)" brackets.
    (
        'واستقبل كيم (40 عاما) بوتين (71 عاما) في المطار. وقال بوتين "نقدر دعمكم. شكرا".',
        ["واستقبل كيم (40 عاما) بوتين (71 عاما) في المطار.", 'وقال بوتين "نقدر دعمكم. شكرا".'],
    ),
    # agency initials, title abbreviations, decimals, Arabic-Indic digits.
    (
        "نقلت أ.ف.ب. عن د. محمد أن النمو بلغ 1.7 في المئة. وقال إن النسبة ٣٫٥ في ١٩٥٠. انتهى",
        [
            "نقلت أ.ف.ب. عن د. محمد أن النمو بلغ 1.7 في المئة.",
            "وقال إن النسبة ٣٫٥ في ١٩٥٠.",
            "انتهى",
        ],
    ),
    ("U.S. officials met Dr. Kim. They left.", ["U.S. officials met Dr. Kim.", "They left."]),
    ("في عام 1445 هـ. وقال الشيخ.", ["في عام 1445 هـ.", "وقال الشيخ."]),
    ("بني عام 500 ق.م. وما زال قائما.", ["بني عام 500 ق.م.", "وما زال قائما."]),
    ("قال الباحث ق.م. حسن إن الأمر خطير.", ["قال الباحث ق.م. حسن إن الأمر خطير."]),
    ("وتساءل «لماذا الآن؟» في إشارة إلى التوقيت.", ["وتساءل «لماذا الآن؟» في إشارة إلى التوقيت."]),
    ("قال: “هذا لن يتغير. سنعمل.” ثم غادر.", ["قال: “هذا لن يتغير. سنعمل.”", "ثم غادر."]),
    ("انتظروا… ثم جاء الرد... وانتهى!", ["انتظروا…", "ثم جاء الرد...", "وانتهى!"]),
    ("هل هذا صحيح؟! نعم.", ["هل هذا صحيح؟!", "نعم."]),
    ("1. البند الأول ينص على التعاون.", ["1. البند الأول ينص على التعاون."]),
    ("النقاط: • أولا التعاون • ثانيا الدفاع", ["النقاط:", "• أولا التعاون", "• ثانيا الدفاع"]),
    ("قال إن الأمر، كما يبدو، خطير؛ لذا تحرك.", ["قال إن الأمر، كما يبدو، خطير؛ لذا تحرك."]),
    ("سطر أول بلا نقطة\nسطر ثان.", ["سطر أول بلا نقطة", "سطر ثان."]),
    # an unmatched quote must not swallow the rest of the paragraph
    ("قال “هذا خطير. وذهب إلى بيته.", ["قال “هذا خطير.", "وذهب إلى بيته."]),
    ("", []),
    ("   \n  ", []),
]


@pytest.mark.parametrize(("paragraph", "expected"), CASES)
def test_split_sentences_table(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_spans_point_at_the_sentences() -> None:
    text = "  أولا. ثانيا؟  ثالثا  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["أولا.", "ثانيا؟", "ثالثا"]


def test_protected_spans_pair_quotes_and_drop_strays() -> None:
    line = "قال «أ» و“ب” ثم ” د"
    assert protected_spans(line) == [(4, 6), (9, 11)]
    assert protected_spans("العالمي”، وهو") == []


def test_split_paragraphs_on_single_and_double_newlines() -> None:
    text = "\ufeffعنوان\n\nفقرة أولى.\nعنوان فرعي\r\nفقرة ثانية.\n\n\n"
    assert split_paragraphs(text) == ["\ufeffعنوان", "فقرة أولى.", "عنوان فرعي", "فقرة ثانية."]


def test_seed_gold_sentences_survive_splitting() -> None:
    """Hand-picked whole sentences of the seeds come out of the splitter unbroken."""
    raw = (SEEDS / "002_5aedd47a6fdd3a5d.txt").read_text(encoding="utf-8")
    sentences = [s for p in split_paragraphs(raw) for s in split_sentences(p)]
    assert (
        "وتجدر الإشارة هنا لتأكيد بوتين أن هذه الاتفاقية دفاعية وليست هجومية، ولن تكون "
        "موجهة ضد أي دولة أخرى." in sentences
    )
    assert not any(s.startswith("،") or s.endswith("،") for s in sentences)


def test_never_splits_at_arabic_comma_in_any_seed() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        for paragraph in split_paragraphs(path.read_text(encoding="utf-8")):
            for sentence in split_sentences(paragraph):
                assert not sentence.startswith(("،", "؛", ".", "»", "”")), (path.name, sentence)


pieces = st.sampled_from(
    [
        "قال",
        "بوتين",
        "الرئيس",
        "د.",
        "أ.ف.ب",
        "U.S.",
        "1950-53",
        "إف-16",
        "١٩٥٠",
        "1.7",
        "٣٫٥",
        "،",
        "؛",
        ".",
        "..",
        "…",
        "!",
        "؟",
        "?",
        "«",
        "»",
        "“",
        "”",
        '"',
        "(",
        ")",
        "•",
        "1.",
        "هـ.",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\t",
        "عامًا",
        "ـ",
        ":",
        "-",
    ]
)
texts = st.lists(pieces, max_size=40).map(" ".join) | st.text(max_size=80)


@settings(max_examples=200)
@given(texts)
def test_sentences_lose_and_invent_nothing_but_whitespace(text: str) -> None:
    sentences = split_sentences(text)
    assert _no_space("".join(sentences)) == _no_space(text)
    assert all(s and s == s.strip() for s in sentences)


@settings(max_examples=200)
@given(texts)
def test_sentence_spans_are_ordered_exact_substrings(text: str) -> None:
    spans = sentence_spans(text)
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    assert [text[a:b] for a, b in spans] == split_sentences(text)


@settings(max_examples=200)
@given(texts)
def test_paragraphs_lose_and_invent_nothing_but_whitespace(text: str) -> None:
    paragraphs = split_paragraphs(text)
    assert _no_space("".join(paragraphs)) == _no_space(text)
    assert all(p and p == p.strip() and "\n" not in p for p in paragraphs)


@settings(max_examples=100)
@given(texts)
def test_resplitting_a_sentence_is_stable(text: str) -> None:
    for sentence in split_sentences(text):
        assert split_sentences(sentence) == [sentence]


@settings(max_examples=200)
@given(texts)
def test_no_sentence_boundary_inside_a_matched_quotation(text: str) -> None:
    spans = sentence_spans(text)
    for line_start, line in _lines_with_offsets(text):
        for open_, close in protected_spans(line):
            a, b = line_start + open_, line_start + close
            assert any(s <= a and b < e for s, e in spans), (line, open_, close)


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        out.append((offset, line))
        offset += len(line)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "وقال إن الاتفاق مهم.وأضاف أن التنفيذ قريب.",
            ["وقال إن الاتفاق مهم.", "وأضاف أن التنفيذ قريب."],
        ),
        (
            "وقع الاتفاق عام 2024.وقال الوزير إنه مهم",
            ["وقع الاتفاق عام 2024.", "وقال الوزير إنه مهم"],
        ),
        ("هل انتهى؟وقال آخر: «كلا.»وتابع حديثه", ["هل انتهى؟", "وقال آخر: «كلا.»", "وتابع حديثه"]),
        ('قال: "الاتفاق مهم."وأضاف أن', ['قال: "الاتفاق مهم."', "وأضاف أن"]),
        # initials, decimals, Latin abbreviations and web addresses stay whole
        ("ذكرت أ.ف.ب أن 1.7 مليون شخص نزحوا.", ["ذكرت أ.ف.ب أن 1.7 مليون شخص نزحوا."]),
        ("نشر الموقع aljazeera.net التقرير.", ["نشر الموقع aljazeera.net التقرير."]),
    ],
)
def test_sentence_glued_to_the_next_without_a_space_ends(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
