import re
from datetime import date

import pytest

from search import Filters, QueryError, Searcher
from search import index as idx
from search.analysis import CONFIGS
from search.ingest import read_sources
from search.query import parse

from helpers import SEEDS, write_jsonl

SEED_ID = next(SEEDS.glob("*.txt")).stem


@pytest.fixture()
def searcher_over(tmp_path):
    """Build an index of the given records and open a Searcher on it (closed after the test)."""
    opened = []

    def make(records: list[dict]) -> Searcher:
        corpus = write_jsonl(tmp_path / f"c{len(opened)}.jsonl", records)
        target = tmp_path / f"ix{len(opened)}"
        idx.build(target, read_sources([corpus]))
        opened.append(Searcher(target))
        return opened[-1]

    yield make
    for s in opened:
        s.close()


def ids(results):
    return [h.id for h in results.hits]


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_clitic_forms_find_each_other(searcher):
    for query in ("والحكومة", "بالحكومة", "للحكومة", "حكومي", "الحكومات"):
        assert "gov-1" in ids(searcher.search(query)), query
    assert "ukr-1" in ids(searcher.search("للقوات"))


def test_spelling_variants_find_the_seed(searcher):
    for query in ("ايزيوم", "إيزيوم", "أُوكْرَانِيَا", "الاوكرانيه", "زيلينسكي", "١٤", "ﺯﻳﻠﻴﻨﺴﻜﻲ"):
        assert SEED_ID in ids(searcher.search(query)), query


def test_run_together_words_are_found(searcher):
    for query in ("كييف", "آلاف", "التصرف", "كيلومترات"):
        results = searcher.search(query)
        assert ids(results) == [SEED_ID], query
        assert results.hits[0].snippet.count("<mark>") >= 1


def test_a_compound_name_finds_it_written_joined_or_apart(searcher_over):
    """عبدالله and عبد الله are one name: either spelling finds both, the
    one typed first; a search for one does not bring another name that
    shares a part with it (عبد العزيز, in an article that writes الله
    elsewhere)."""
    body = "التقى وزير الخارجية اليوم بنظيره في العاصمة وبحث معه العلاقات الثنائية"
    s = searcher_over([
        {"id": "joined", "title": "زيارة رسمية", "body": f"{body} الأمير عبدالله بن زايد", "date": "2020-01-01"},
        {"id": "apart", "title": "زيارة رسمية", "body": f"{body} الأمير عبد الله بن زايد", "date": "2020-01-02"},
        {"id": "other", "title": "زيارة رسمية", "body": f"{body} الأمير عبد العزيز بن سلمان في رام الله",
         "date": "2020-01-03"},
    ])
    assert ids(s.search("عبدالله")) == ["joined", "apart"]
    # Two words typed apart match wherever both stand, as any two words do ("other").
    assert ids(s.search("عبد الله"))[0] == "apart" and "joined" in ids(s.search("عبد الله"))
    assert ids(s.search("وعبدالله")) == ["joined", "apart"]
    assert ids(s.search("عَبْدُالله")) == ["joined", "apart"]  # with its marks
    assert ids(s.search('"عبد الله"')) == ["apart"]  # in quotes, its own words
    hit = s.search("عبدالله").hits[1]
    assert hit.id == "apart" and marked(hit.snippet) == ["عبد", "الله"]
    assert marked(s.search("عبد الله").hits[1].snippet) == ["عبد", "الله"]  # the parts of عبدالله
    assert ids(s.search("عبدالعزيز")) == ["other"]
    assert s.search("عبدالله").spellings == {"عبدالله": ["عبدالله", "عبد الله"]}
    assert s.search('"عبدالله"').spellings == {}
    assert ids(s.search("عبدالعزيز")) == ids(s.search('"عبدالعزيز"')) == ["other"]


KUNYA_ARTICLES = [
    {"id": "joined", "title": "زيارة رسمية", "body": "وصل الوفد إلى أبوظبي أمس لبحث التعاون الاقتصادي."},
    {"id": "apart", "title": "زيارة رسمية", "body": "وصل الوفد إلى أبو ظبي أمس لبحث التعاون التجاري."},
    {"id": "nasr-joined", "title": "خطاب", "body": "ألقى نصرالله خطابا مساء الأحد."},
    {"id": "nasr-apart", "title": "خطاب", "body": "ألقى نصر الله خطابا مساء الاثنين."},
    {"id": "victory", "title": "فوز", "body": "حقق الفريق نصرا كبيرا، والحمد لله، في مباراة أبو بكر الصغير."},
]


def test_a_kunya_or_a_name_in_allah_finds_it_written_joined_or_apart(searcher_over):
    """أبوظبي and أبو ظبي, نصرالله and نصر الله are one name: either spelling
    finds both, the one typed first, and the page lists the other."""
    s = searcher_over(KUNYA_ARTICLES)
    assert ids(s.search("أبوظبي")) == ["joined", "apart"]
    assert ids(s.search("أبو ظبي")) == ["apart", "joined"]
    assert ids(s.search("ابوظبي")) == ["joined", "apart"]  # without the hamza
    assert ids(s.search("نصرالله")) == ["nasr-joined", "nasr-apart"]
    assert set(ids(s.search("نصر الله"))) == {"nasr-apart", "nasr-joined"}
    assert s.search("أبوظبي").spellings == {"أبوظبي": ["أبوظبي", "أبو ظبي"]}
    hit = s.search("أبوظبي").hits[1]
    assert hit.id == "apart" and marked(hit.snippet) == ["أبو", "ظبي"]
    assert ids(s.search('"نصر الله"')) == ["nasr-apart"]  # in quotes, its own words
    assert ids(s.search("أبوبكر")) == ["victory"]


def test_an_index_built_before_keeps_a_kunya_two_words(tmp_path):
    """An index whose chain predates compound names (abd-compounds-only)
    is searched as it was built: أبوظبي finds only itself."""
    target = tmp_path / "ix"
    idx.build(target, read_sources([write_jsonl(tmp_path / "c.jsonl", KUNYA_ARTICLES)]),
              config=CONFIGS["abd-compounds-only"])
    s = Searcher(target)
    try:
        assert ids(s.search("أبوظبي")) == ["joined"]
        assert s.search("أبوظبي").spellings == {}
    finally:
        s.close()


def test_all_words_must_match(searcher):
    assert ids(searcher.search("الحكومة النقابات")) == ["gov-1"]
    results = searcher.search("الحكومة المنتخب")  # no article has both
    assert results.fallback
    assert set(ids(results)) >= {"gov-1", "sport-1"}


def test_exact_word_ranks_above_a_same_stem_word(searcher_over):
    s = searcher_over([
        {"id": "stem-only", "body": "تحدث المسؤول عن الحكومات المتعاقبة وعن السياسات العامة في البلاد"},
        {"id": "exact", "body": "تحدث المسؤول عن الحكومة المتعاقبة وعن السياسات العامة في البلاد"},
    ])
    assert ids(s.search("الحكومة")) == ["exact", "stem-only"]
    assert ids(s.search("الحكومات")) == ["stem-only", "exact"]


def test_phrase_exclusion_and_or(searcher):
    assert ids(searcher.search('"المباراة النهائية"')) == ["sport-1"]
    assert ids(searcher.search('"النهائية المباراة"')) == []
    assert "gov-1" not in ids(searcher.search("الحكومة -النقابات"))
    assert "gov-2" in ids(searcher.search("الحكومة -النقابات"))
    assert set(ids(searcher.search("المنتخب OR الموازنة"))) == {"sport-1", "gov-2"}
    assert ids(searcher.search('الحكومة -"زيادة الأجور"')) == ["gov-2"]


def test_title_weighs_more_than_body(searcher_over):
    s = searcher_over([
        {"id": "in-body", "title": "أخبار اليوم", "body": "تقرير عن الزلزال الذي ضرب المنطقة الجبلية أمس"},
        {"id": "in-title", "title": "الزلزال يضرب المنطقة", "body": "تقرير عن الكارثة التي ضربت المنطقة الجبلية أمس"},
    ])
    assert ids(s.search("الزلزال")) == ["in-title", "in-body"]


def test_snippets_mark_the_words_as_written(searcher):
    hit = searcher.search("زيلينسكي").hits[0]
    assert set(marked(hit.snippet)) == {"زيلينسكي"}
    hit = searcher.search("القوات الأوكرانية").hits[0]
    assert hit.id == "ukr-1"
    assert set(marked(hit.snippet)) >= {"للقوات", "الأوكرانية"}
    assert set(marked(hit.title_html)) == {"القوات", "الأوكرانية"}


def test_article_text_is_escaped_and_only_marks_are_markup(searcher):
    hit = searcher.search("الاقتصاد").hits[0]
    assert hit.id == "xss-1"
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<img" not in hit.snippet and "&lt;img" in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0
    assert "&lt;b&gt;" in hit.title_html
    article = searcher.article("xss-1", highlight="الاقتصاد")
    assert "&lt;script&gt;" in article.body_html and "<mark>الاقتصاد</mark>" in article.body_html


def test_facets_filters_and_sorting(searcher):
    results = searcher.search("الحكومة OR المنتخب OR الاقتصاد")
    assert results.facets["source"] == {"الجزيرة": 2, "العربية": 2}
    assert results.facets["category"]["اقتصاد"] == 2
    only = searcher.search("الحكومة OR المنتخب OR الاقتصاد", filters=Filters(source="العربية"))
    assert set(ids(only)) == {"gov-2", "sport-1"}
    dated = searcher.search("الحكومة OR المنتخب OR الاقتصاد", filters=Filters(date_from=date(2022, 8, 1), date_to=date(2022, 9, 12)))
    assert set(ids(dated)) == {"gov-2", "sport-1", "gov-1"}
    newest = searcher.search("الحكومة OR المنتخب OR الاقتصاد", sort="date")
    assert ids(newest) == ["gov-2", "gov-1", "sport-1", "xss-1"]
    # The seed article has no date: newest first puts it after every dated one.
    with_seed = searcher.search("روسيا OR الحكومة", sort="date")
    assert ids(with_seed)[-1] == SEED_ID and len(ids(with_seed)) > 2


def test_paging(searcher):
    query = "الحكومة OR المنتخب OR الاقتصاد"
    all_ids = ids(searcher.search(query, per_page=10))
    pages = [ids(searcher.search(query, page=p, per_page=1)) for p in (1, 2, 3, 4, 5)]
    assert [p[0] for p in pages[:4]] == all_ids and pages[4] == []
    assert searcher.search(query, per_page=1).total == 4


def test_suggestion_is_a_real_word(searcher):
    # A slip of a letter no spelling rule changes: nothing found, and the word meant offered.
    results = searcher.search("زيلينسكب")
    assert results.total == 0
    assert results.suggestion == "زيلينسكي"
    assert searcher.search("زيلينسكي").suggestion is None
    # A vowel left out is a respelling: its articles are found, so nothing to suggest.
    results = searcher.search("زيلنسكي")
    assert results.total == 1 and results.suggestion is None
    assert results.spellings == {"زيلنسكي": ["زيلنسكي", "زيلينسكي"]}


def test_suggestion_puts_back_a_space_missed(searcher_over):
    """Two words typed without the space between them are a word no article
    writes: the suggestion is the two words, which a hashtag's article
    writes too (#رئيس_الوزراء)."""
    s = searcher_over([
        {"id": f"pm-{n}", "title": "رئيس الوزراء يزور المصنع", "body": "قال رئيس الوزراء إن الحكومة ستدعم المصانع."}
        for n in range(3)
    ] + [{"id": "tag", "title": "وسم", "body": "كتب المغردون #رئيس_الوزراء بعد الخطاب."}])
    results = s.search("رئيسالوزراء")
    assert results.total == 0 and results.suggestion == "رئيس الوزراء"
    assert s.search(results.suggestion).total == 4
    # Thirty-two such words would be sixty-four: past the query's cap, so none is offered.
    assert s.search(" ".join(["رئيسالوزراء"] * 32)).suggestion is None
    # A word the articles write is never split, and a slip still finds its word.
    assert s.search("الوزراء").suggestion is None
    assert s.search("المصانغ").suggestion == "المصنع"  # the commonest word two edits away


def test_a_hashtags_words_are_found_and_marked(searcher_over):
    s = searcher_over([{"id": "tag", "title": "وسم", "body": "كتب المغردون #رئيس_الوزراء و#كأس_العالم بعد الخطاب."}])
    for query, word in (("الوزراء", "الوزراء"), ("كأس العالم", "كأس"), ("رئيس_الوزراء", "رئيس")):
        results = s.search(query)
        assert ids(results) == ["tag"], query
        assert word in marked(results.hits[0].snippet), query


def test_a_word_whose_al_is_its_own_finds_its_forms_not_another_word(searcher_over):
    """ألماني (German) was cut to ماني and found the articles about Mané,
    not those that write الألماني."""
    s = searcher_over([
        {"id": "de", "title": "المنتخب الألماني يفوز", "body": "فاز المنتخب الألماني على منافسه في برلين."},
        {"id": "mane", "title": "ماني يسجل", "body": "سجل ساديو ماني هدفين لفريقه."},
        {"id": "coach", "title": "مدرب جديد", "body": "عين النادي مدربا ألمانيا لقيادة الفريق."},
        {"id": "car", "title": "سيارات", "body": "ارتفعت مبيعات شركة ألمانية للسيارات في آسيا هذا العام."},
        {"id": "chancellor", "title": "المستشار", "body": "التقى المستشار الألماني رئيس الوزراء في روما."},
        {"id": "band", "title": "حفل موسيقي", "body": "أحيت فرقة ألمانية حفلا كبيرا في القاهرة مساء الجمعة."},
    ])
    results = s.search("ألماني")
    assert sorted(ids(results)) == ["band", "car", "chancellor", "coach", "de"]
    words = {hit.id: marked(hit.snippet) for hit in results.hits}
    assert "الألماني" in words["de"] and "ألمانيا" in words["coach"]
    assert ids(s.search("ماني")) == ["mane"]
    # Typed without the hamza, the word is read both ways where the own reading is
    # the commoner word (five articles to one), and the page says so.
    bare = s.search("الماني")
    assert set(ids(bare)) == {"band", "car", "chancellor", "coach", "de", "mane"} and len(bare.spellings["الماني"]) > 1


def test_a_word_typed_without_its_hamza_is_read_as_the_commoner_word(searcher_over):
    """الهام is "the important" (ال + هام) far more often than إلهام
    (inspiration): typed so, it is not also searched as إلهام."""
    s = searcher_over([
        {"id": "role-0", "title": "دور مهم", "body": "أدى الوزير الدور الهام في المفاوضات."},
        {"id": "role-1", "title": "اجتماع المجلس", "body": "ناقش المجلس القرار الهام بشأن الميزانية أمس."},
        {"id": "role-2", "title": "مباراة الكأس", "body": "حقق الفريق الفوز الهام على ملعبه في الدوري."},
        {"id": "muse", "title": "فنانة", "body": "قالت إن البحر مصدر إلهام لها."},
    ])
    assert sorted(ids(s.search("الهام"))) == ["role-0", "role-1", "role-2"]
    assert ids(s.search("إلهام")) == ["muse"]


def test_suggestion_shows_the_word_as_articles_write_it(searcher):
    # The index holds normalized forms (اوكرانيا); the user is shown أوكرانيا.
    assert searcher.search("أوكرانبا").suggestion == "أوكرانيا"
    # A stop word is never "corrected" into a content word.
    assert searcher.search("في زيلينسكي").suggestion is None


def test_completions_come_from_words_as_written(searcher):
    assert "زيلينسكي" in searcher.complete("زيل")
    assert all(c.startswith("قال ") for c in searcher.complete("قال الأوك"))
    # Any alef or hamza spelling of the prefix; the completion as written.
    assert "أوكرانيا" in searcher.complete("اوكر")
    assert "أوكرانيا" in searcher.complete("أوكر")
    assert "الحكومة" in searcher.complete("الحكوم") and "الحكومه" not in searcher.complete("الحكوم")
    assert searcher.complete("") == []


def test_completions_are_the_commonest_words_first(searcher):
    """The most articles first, whatever the place of the word in the alphabet."""
    from collections import Counter

    from search.analysis import exact_analyzer
    from search.normalize import normalize

    counts: Counter = Counter()
    reader = searcher._searcher().reader()
    for _docnum, stored in reader.iter_docs():
        text = stored.get("title", "") + "\n" + stored.get("body", "")
        counts.update({t.text for t in exact_analyzer()(text) if t.text.startswith("ال")})
    top = max(counts.values())
    assert top > 1
    commonest = {t for t, n in counts.items() if n == top}
    assert normalize(searcher.complete("ال", limit=1)[0]) in commonest


def test_a_warmed_searcher_completes_from_the_lists_it_read(searcher):
    """Searcher.warm reads the completions' word lists of every segment
    (a server's first keystrokes do not read them); the answers are the
    same as from lists read when asked."""
    expected = {prefix: searcher.complete(prefix) for prefix in ("ال", "زيل", "اوكر", "و")}
    searcher._term_lists = type(searcher._term_lists)()
    searcher.warm()
    held = dict(searcher._term_lists._lists)
    assert {key[2] for key in held} >= {"ا", "ز", "و"}
    assert {prefix: searcher.complete(prefix) for prefix in expected} == expected
    assert searcher._term_lists._lists == held  # nothing read after the warm


def test_text_no_index_can_hold_is_a_clear_error_or_nothing(searcher):
    with pytest.raises(QueryError):
        searcher.complete("\ud800")
    assert searcher.article("gov\ud800") is None


def test_article_and_related(searcher):
    article = searcher.article("gov-1", highlight="الحكومة")
    assert article.title == "الحكومة توقع اتفاقا جديدا مع النقابات"
    assert "<mark>الحكومة</mark>" in article.title_html
    assert searcher.article("nope") is None
    assert all(h.id != "gov-1" for h in article.related)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"page": 0},
        {"per_page": 0},
        {"per_page": 101},
        {"sort": "random"},
        {"mode": "maybe"},
    ],
)
def test_bad_arguments_raise_query_error(searcher, kwargs):
    with pytest.raises(QueryError):
        searcher.search("الحكومة", **kwargs)


def test_odd_queries_do_not_fail(searcher):
    for query in ("", "   ", '"', "-", "OR", "OR OR", '""', "في من على", "-الحكومة", "(", "*", "a:b"):
        results = searcher.search(query)
        assert results.total >= 0
    with pytest.raises(QueryError):
        searcher.search("ا" * 501)


def test_parse():
    parsed = parse('الحكومة "اتفاق السلام" -الحرب روسيا OR أوكرانيا')
    assert [[c.text for c in g] for g in parsed.groups] == [["الحكومة"], ["اتفاق السلام"], ["روسيا", "أوكرانيا"]]
    assert [c.text for c in parsed.excluded] == ["الحرب"]


def _filler(n: int) -> str:
    words = ["اجتماع", "مدينة", "سكان", "طريق", "مشروع", "تقرير", "مسؤول", "برنامج"]
    return " ".join(words[i % len(words)] for i in range(n))


def test_a_title_word_outweighs_the_same_word_in_the_body(searcher_over):
    s = searcher_over([
        # Listed first and shorter: without the bonus it would rank first.
        {"id": "in-body", "title": "أخبار النقل", "body": _filler(30) + " الميناء " + _filler(29)},
        {"id": "in-title", "title": "الميناء يستقبل السفن", "body": _filler(90)},
    ])
    assert ids(s.search("الميناء")) == ["in-title", "in-body"]


def test_a_word_in_the_lead_outweighs_the_same_word_late_in_the_body(searcher_over):
    s = searcher_over([
        {"id": "late", "title": "خبر", "body": _filler(120) + " الميناء " + _filler(10)},
        {"id": "lead", "title": "خبر", "body": _filler(10) + " الميناء " + _filler(120)},
    ])
    assert ids(s.search("الميناء")) == ["lead", "late"]


def test_a_phrase_is_strict_in_short_queries_and_a_bonus_in_long_ones(searcher_over):
    s = searcher_over([
        {"id": "apart", "title": "خبر", "body": "ارتفع النفط وثبتت أسعار الذهب"},
        {"id": "phrase", "title": "خبر", "body": "تراجعت أسعار النفط بقوة"},
        {"id": "other", "title": "خبر", "body": "افتتح الوزير معرضا للكتاب في العاصمة"},
    ])
    # A short query: the quoted phrase must match as written.
    assert ids(s.search('"أسعار النفط"')) == ["phrase"]
    # A headline-length query is ranked OR, where every clause is optional:
    # the phrase's words count on their own and the phrase adds a bonus.
    assert ids(s.search('"أسعار النفط" تتراجع هذا الأسبوع بقوة')) == ["phrase", "apart"]


def test_a_segment_without_dates_or_sources_sorts_and_counts(index_dir, tmp_path):
    """An add whose articles have no date, source or category makes a segment
    without those columns; date order and facets still cover every article."""
    from search import Searcher

    extra = write_jsonl(tmp_path / "undated.jsonl", [{"id": f"u-{k}", "title": "الحكومة", "body": f"نص {k}"} for k in range(3)])
    idx.add(index_dir, read_sources([extra]))
    s = Searcher(index_dir)
    try:
        assert len(s._searcher().reader().leaf_readers()) >= 2
        newest = s.search("الحكومة", sort="date", per_page=20)
        assert ids(newest)[:2] == ["gov-2", "gov-1"] and set(ids(newest)[-3:]) == {"u-0", "u-1", "u-2"}
        assert s.search("الحكومة").facets["source"] == {"الجزيرة": 1, "العربية": 1}
    finally:
        s.close()


def test_a_short_query_tells_a_word_from_its_nisba_adjective(searcher_over):
    """The light stem makes المدن (cities) and المدني (civil) one stem, as
    it does عملية (an operation) and العمل (work): ranking keeps that, but
    an all-words search matches the word as written, with its nisba or
    without it."""
    s = searcher_over([
        {"id": "cities", "title": "توسع المدن", "body": "تتوسع المدن الكبرى بسرعة."},
        {"id": "civil", "title": "الدفاع المدني", "body": "أعلن الدفاع المدني عن حصيلة جديدة."},
        {"id": "both", "title": "المدن والمجتمع المدني", "body": "ناقش المجتمع المدني أوضاع المدن."},
        {"id": "work", "title": "سوق العمل", "body": "ارتفعت فرص العمل هذا العام."},
        {"id": "operation", "title": "عملية أمنية", "body": "نفذت القوات عملية واسعة."},
        {"id": "qatar", "title": "زيارة إلى قطر", "body": "وصل الوزير إلى قطر أمس."},
        {"id": "qatari", "title": "الموقف القطري", "body": "أكد المسؤول القطري موقف بلاده."},
        {"id": "staff", "title": "رواتب موظفي الوزارة", "body": "صرفت رواتب موظفي الوزارة أمس."},
        {"id": "clerk", "title": "الموظف الجديد", "body": "بدأ الموظف مهامه."},
    ])
    assert sorted(ids(s.search("المدن"))) == ["both", "cities"]
    assert sorted(ids(s.search("والمدنية"))) == ["both", "civil"]
    assert ids(s.search("عملية")) == ["operation"]
    assert ids(s.search("العمل")) == ["work"]
    assert s.matching_ids("المدني") == {"both", "civil"}
    # The ي of a plural before its noun (موظفي الوزارة) is no nisba.
    assert sorted(ids(s.search("الموظف"))) == ["clerk", "staff"]
    # A long query matches any word by stem, ranked: the adjective's articles too.
    assert {"cities", "civil", "both"} <= set(ids(s.search("توسع المدن الكبرى وازدحام شوارعها اليوم")))
    # A word no article writes with its nisba finds the articles of its stem
    # rather than nothing (and the other way round).
    assert ids(s.search("عملي")) == ["operation"]
    assert sorted(ids(s.search("عمليات"))) == ["operation"]
    assert sorted(ids(s.search("القطرية"))) == ["qatari"]
    # ... still with every word: the cities of المدن الكبرى for المدنية الكبرى.
    found = s.search("المدنية الكبرى")
    assert ids(found) == ["cities"] and not found.fallback
    # An excluded word takes its adjective with it: -قطر leaves out القطري.
    assert sorted(ids(s.search("الوزير OR المسؤول -قطر"))) == []
    assert ids(s.search("موقف -المدن")) == ["qatari"]


def test_a_decade_written_with_or_without_the_nisbas_ya_is_one_word(searcher_over):
    """News writes a decade in ات and in يات alike (الثمانينات, الثمانينيات):
    an all-words search does not tell them apart as it tells المدن from
    المدني, and the spelling typed ranks first.  Fifty, the number, is
    still not the fifties."""
    s = searcher_over([
        {"id": "eighties-at", "title": "أزمة الثمانينات", "body": "شهدت البلاد في الثمانينات أزمة ديون."},
        {"id": "eighties-iyat", "title": "اقتصاد الثمانينيات", "body": "تباطأ النمو في الثمانينيات."},
        {"id": "fifties", "title": "سينما الخمسينيات", "body": "أفلام من الخمسينيات."},
        {"id": "fifty", "title": "خمسين عاما", "body": "مرت خمسين عاما على التأسيس."},
        {"id": "cities", "title": "توسع المدن", "body": "تتوسع المدن الكبرى."},
        {"id": "civil", "title": "الدفاع المدني", "body": "أعلن الدفاع المدني حصيلة."},
    ])
    assert ids(s.search("الثمانينات")) == ["eighties-at", "eighties-iyat"]
    assert ids(s.search("الثمانينيات")) == ["eighties-iyat", "eighties-at"]
    assert s.matching_ids("ثمانينيات") == {"eighties-at", "eighties-iyat"}
    assert s.matching_ids("الخمسينات") == {"fifties"}
    assert s.matching_ids("المدن") == {"cities"}  # the telling itself is unchanged


FEMININE_ARTICLES = [
    {"id": "plane", "title": "هبوط اضطراري", "body": "هبطت الطائرة في المطار، وقالت الشركة إن طائراتها آمنة."},
    {"id": "bird", "title": "الطيور المهاجرة", "body": "رصد الباحثون الطائر النادر قرب البحيرة."},
    {"id": "both", "title": "حادث", "body": "اصطدم طائر بمحرك طائرة ركاب."},
    {"id": "coin", "title": "سعر الصرف", "body": "تراجعت العملة المحلية أمام الدولار."},
    {"id": "work", "title": "سوق العمل", "body": "ارتفعت نسبة البطالة في سوق العمل."},
    {"id": "meeting", "title": "لقاء", "body": "عقد الاجتماع الوزاري أمس في العاصمة."},
    {"id": "minister", "title": "تصريح", "body": "قالت الوزيرة إن الخطة جاهزة."},
]


def test_a_short_query_typed_in_the_feminine_matches_the_feminine_forms(searcher_over):
    """The light stem makes الطائرة (an aircraft) and الطائر (a bird) one
    stem, as العملة (a currency) and العمل (work): a short search typed in a
    feminine form matches the articles that write a feminine form of the
    stem (the singular, the plural in ات, a possessed form).  Not the other
    way round: the masculine still finds the feminine (الوزير, الوزيرة)."""
    s = searcher_over(FEMININE_ARTICLES)
    for query in ("الطائرة", "طائرة", "الطائره", "طائرات", "بطائرتها", '"الطائرة"'):
        assert sorted(ids(s.search(query))) == ["both", "plane"], query
    assert ids(s.search("العملة")) == ["coin"]
    assert sorted(ids(s.search("الطائر"))) == ["bird", "both", "plane"]
    assert sorted(ids(s.search("العمل"))) == ["coin", "work"]
    assert ids(s.search("الوزير")) == ["minister"]
    # A final ه without the article may be "his": طائره (his bird) is not told.
    assert sorted(ids(s.search("طائره"))) == ["bird", "both", "plane"]
    # A plural in ات of a noun with no feminine singular (no الاجتماعة) is its plural.
    assert ids(s.search("الاجتماعات")) == ["meeting"]
    # Ranking is the stem's: a long query finds the bird too; a feminine no
    # article writes finds the masculine's rather than nothing.
    assert "bird" in ids(s.search("الطائرة النادرة قرب البحيرة هذا الصباح"))
    assert ids(s.search("الوزارة")) == []  # no article has the stem at all
    only_birds = searcher_over([FEMININE_ARTICLES[1]])
    found = only_birds.search("الطائرة")
    assert ids(found) == ["bird"] and not found.fallback


PERFECT_ARTICLES = [
    {"id": "parties", "title": "موسم الصيف", "body": "أقيمت حفلات موسيقية في المدينة طوال الأسبوع."},
    {"id": "verb", "title": "المباراة", "body": "حفلت الصحف بأخبار المباراة النهائية."},
    {"id": "ceremony", "title": "افتتاح", "body": "حضر الوزير حفل افتتاح المعرض."},
    {"id": "trades", "title": "البورصة", "body": "ارتفعت تداولات البورصة اليوم."},
    {"id": "circulated", "title": "صور", "body": "تداولت مواقع التواصل صورا للحادث."},
    {"id": "trading", "title": "السوق", "body": "توقف التداول في السوق ساعة."},
]


def test_a_perfect_verb_in_ta_and_a_plural_in_at_are_told_apart(searcher_over):
    """حفلت (it was full of) and حفلات (parties) have one light stem with حفل
    (a ceremony): a search for the verb matches the stem's other forms, not
    an article that writes it only as a feminine noun; and a plural in ات
    not an article that writes its stem only as the verb."""
    s = searcher_over(PERFECT_ARTICLES)
    for query in ("حفلت", "وحفلت"):
        assert sorted(ids(s.search(query))) == ["ceremony", "verb"], query
    assert ids(s.search("حفلات")) == ["parties"]
    assert sorted(ids(s.search("حفل"))) == ["ceremony", "parties", "verb"]
    # A long query ranks by stem: the noun's article is still among its answers.
    assert "parties" in ids(s.search("حفلت المدينة بالزوار طوال الأسبوع الماضي"))
    # A masculine noun's plural in ات (no التداولة) and the verb: each
    # finds the singular, not the other.
    for query in ("تداولات", "بتداولاتها"):
        assert sorted(ids(s.search(query))) == ["trades", "trading"], query
    assert sorted(ids(s.search("تداولت"))) == ["circulated", "trading"]
    assert sorted(ids(s.search("التداول"))) == ["circulated", "trades", "trading"]


def test_an_index_built_before_the_feminine_forms_matches_by_stem(tmp_path):
    target = tmp_path / "unmarked"
    idx.build(target, read_sources([write_jsonl(tmp_path / "f.jsonl", FEMININE_ARTICLES)]),
              config=CONFIGS["feminine-unmarked"])
    s = Searcher(target)
    try:
        assert sorted(ids(s.search("الطائرة"))) == ["bird", "both", "plane"]
    finally:
        s.close()


def test_folded_copies_read_from_columns_equal_their_stored_fields(index_dir, tmp_path):
    """Searcher.copies reads a copy's fields from columns (the brief column's
    title and url), not its stored fields: the same Copy for every article,
    in a segment an add made without dates, sources or urls too, and after
    a deletion."""
    extra = [
        {"id": "u-0", "title": 'عنوان "بين علامتين"\\ و\nسطر', "body": "نص"},
        {"id": "u-1", "title": "", "body": "نص آخر", "url": "https://example.org/a?b=1&c=<d>"},
        {"id": "gov-1", "title": "الحكومة من جديد", "body": "نص محدث", "source": "مصدر", "date": "2020-02-03"},
    ]
    idx.add(index_dir, read_sources([write_jsonl(tmp_path / "extra.jsonl", extra)]))
    s = Searcher(index_dir)
    try:
        w = s._searcher()
        assert len(w.reader().leaf_readers()) >= 2 and s._briefs(w) is not None
        live = [d for d in range(w.doc_count_all()) if not w.reader().is_deleted(d)]
        docs = [(d, 1.0 + d / 7) for d in live]
        from_columns = s.copies(w, docs)
        assert from_columns == [s._copy(w.stored_fields(d), score) for d, score in docs]
        assert {c.id for c in from_columns} >= {"u-0", "u-1", "gov-1"}
        assert next(c for c in from_columns if c.id == "u-0").title == extra[0]["title"]
        assert next(c for c in from_columns if c.id == "u-0").date is None
    finally:
        s.close()


def test_an_index_built_before_the_brief_column_folds_copies_from_stored_fields(tmp_path):
    """An index whose schema has no brief column (built before it) still
    lists folded copies, read from their stored fields."""
    from whoosh import index as whoosh_index

    records = [{"id": f"w-{k}", "title": "الحكومة تقر الموازنة", "body": "أقرت الحكومة الموازنة العامة للدولة " * 20,
                "source": "وكالة", "date": f"2020-01-0{k + 1}", "url": f"https://example.org/{k}"} for k in range(3)]
    root = tmp_path / "index"
    idx.build(root, read_sources([write_jsonl(tmp_path / "wire.jsonl", records)]))
    new = Searcher(root)
    try:
        want = new.search("الحكومة الموازنة")
    finally:
        new.close()
    assert len(want.hits) == 1 and len(want.hits[0].copies) == 2  # one story, two copies folded

    # The same articles in a generation written with the schema of before.
    old_generation = idx.resolve(root).with_name("g-old")
    old_generation.mkdir()
    for extra in idx.resolve(root).iterdir():  # the spellings and clusters tables
        if not extra.name.startswith(("MAIN", "_MAIN")):
            (old_generation / extra.name).write_bytes(extra.read_bytes())
    schema = idx.make_schema()
    schema.remove(idx.BRIEF_FIELD)
    writer = whoosh_index.create_in(str(old_generation), schema).writer()
    for article in read_sources([tmp_path / "wire.jsonl"]):
        writer.add_document(**idx.document(article, schema))
    writer.commit()
    link = root / idx.CURRENT
    link.unlink()
    link.symlink_to(old_generation)
    old = Searcher(root)
    try:
        got = old.search("الحكومة الموازنة")
        assert old._briefs(old._searcher()) is None
        assert [(h.id, h.copies) for h in got.hits] == [(h.id, h.copies) for h in want.hits]
    finally:
        old.close()


def test_a_number_finds_it_in_digits_and_in_words(searcher_over):
    s = searcher_over([
        {"id": "words", "body": "قتل خمسة أشخاص في حادث سير على الطريق السريع"},
        {"id": "digits", "body": "قتل 5 أشخاص في حادث سير على الطريق السريع"},
        {"id": "clitic", "body": "قتل شخصان و5 آخرون في حادث سير على الطريق"},
        {"id": "thirty", "body": "قتل ثلاثين شخصا في حادث سير على الطريق"},
        {"id": "year", "body": "افتتح الطريق السريع عام 2017م بحضور الوزير"},
    ])
    assert ids(s.search("2017")) == ["year"]
    assert marked(s.search("2017").hits[0].snippet) == ["2017"]
    assert set(ids(s.search("5 قتل"))) == {"words", "digits", "clitic"}
    assert ids(s.search("خمسة قتل"))[0] == "words"  # the form typed first
    assert set(ids(s.search("خمسة"))) == {"words", "digits", "clitic"}
    assert ids(s.search("ثلاث")) == []  # ثلاثين is 30, not 3
    hit = next(h for h in s.search("5").hits if h.id == "words")
    assert marked(hit.snippet) == ["خمسة"]
    hit = next(h for h in s.search("خمسة").hits if h.id == "clitic")
    assert marked(hit.snippet) == ["5"]
