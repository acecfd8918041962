import pickle
import re
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import (
    STOP_WORDS,
    CONFIGS,
    ArabicTokenizer,
    NisbaFilter,
    SplitRunTogetherFilter,
    StemFilter,
    added_joined,
    compound_parts,
    compounds_apart,
    exact_analyzer,
    feminine_ending,
    marks_feminine,
    nisba_analyzer,
    run_together,
    stem_analyzer,
)
from search.analysis.tokens import _WORD
from search.normalize import INVISIBLE_CLASS, MARK_CLASS, TATWEEL, normalize

from helpers import SEEDS


def tokens(analyzer, text, mode="index"):
    return [(t.text, t.startchar, t.endchar, t.pos) for t in analyzer(text, chars=True, positions=True, mode=mode)]


def test_diacritized_word_is_one_token_with_original_offsets():
    text = "قال مُحَمَّدٌ إن"
    got = [(t.text, t.startchar, t.endchar) for t in ArabicTokenizer()(text, chars=True)]
    assert got[1] == ("مُحَمَّدٌ", 4, 4 + len("مُحَمَّدٌ"))
    assert len(got) == 3


def test_latin_words_and_numbers_are_tokens():
    text = 'تطبيق "Telegram" عام 2022 و١٤'
    # و١٤ is "and 14": the number, as a search for 14 must meet it (search/analysis/numbers.py).
    assert [t.text for t in exact_analyzer()(text)] == ["تطبيق", "telegram", "عام", "2022", "14"]


def test_offsets_point_into_the_original_text():
    text = "وقالَتْ الحكومـــة الأوكرانيّة"
    for term, start, end, _ in tokens(stem_analyzer(), text):
        assert normalize(text[start:end]).endswith(term) or term in normalize(text[start:end])
    spans = [text[s:e] for _, s, e, _ in tokens(stem_analyzer(), text)]
    assert spans == ["وقالَتْ", "الحكومـــة", "الأوكرانيّة"]


def test_invisible_marks_do_not_split_or_start_tokens():
    text = "\u200fأوكر\u200cانيا\u200f"
    got = tokens(exact_analyzer(), text)
    assert [g[0] for g in got] == ["اوكرانيا"]
    assert text[got[0][1] : got[0][2]] == "أوكر\u200cانيا"


@settings(max_examples=400)
@given(st.text(alphabet="اأبـة\u064e\u0651\u0670\u200c\u200f\ufeff x1٢.-\n", max_size=40))
def test_the_word_pattern_is_its_plain_form_written_out(text):
    plain = re.compile(rf"\w(?:[\w{MARK_CLASS}{TATWEEL}]|[{INVISIBLE_CLASS}]+(?=\w))*")
    assert [m.span() for m in _WORD.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_stop_words_come_from_tashaphyne_and_keep_meaningful_words():
    assert {"في", "من", "على", "الذي", "التي", "وفي"} <= STOP_WORDS
    # Adverbs and nouns that matter in news are kept.
    for word in ("شمال", "أمام", "أبو", "أمن", "وأمن"):
        assert word not in STOP_WORDS
    assert [t.text for t in exact_analyzer()("قال في الشمال")] == ["قال", "الشمال"]
    # على is a stop word; the name علي is not.
    assert [t.text for t in exact_analyzer()("على علي")] == ["علي"]


def test_stop_words_are_stopped_in_the_spellings_writers_use():
    # Final ى written ي and the reverse (فى is common in Egyptian papers),
    # with or without hamza; the name علي still is not a stop word.
    text = "فى التى حتي متي الى اذا على علي"
    assert [t.text for t in exact_analyzer()(text)] == ["علي"]
    assert [t.text for t in stem_analyzer()(text, mode="query")] == ["علي"]
    # Content words that a derived ى/ي variant would have stopped.
    for word in ("والي", "فعلي", "وعلي", "ولي"):
        assert word not in STOP_WORDS, word
    assert [t.text for t in exact_analyzer()("ولي العهد والي المدينة")] == ["ولي", "العهد", "والي", "المدينه"]


def test_stop_words_are_dropped_and_positions_renumbered():
    got = tokens(exact_analyzer(), "الاتفاق في الدوحة")
    assert [(g[0], g[3]) for g in got] == [("الاتفاق", 0), ("الدوحه", 1)]


def test_index_and_query_analysis_agree_on_every_seed_word():
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    analyzer = stem_analyzer()
    indexed = {t.text for t in analyzer(text, mode="index")}
    for token in ArabicTokenizer()(text):
        for term in (t.text for t in analyzer(token.text, mode="query")):
            assert term in indexed


def test_run_together_words_are_split_with_their_own_offsets():
    text = "يجب على كييفالتصرف بطريقة"
    got = tokens(exact_analyzer(), text)
    words = {term: text[s:e] for term, s, e, _ in got}
    assert words["كييف"] == "كييف"
    assert words["التصرف"] == "التصرف"
    assert "كييفالتصرف" in words  # the token itself is kept
    positions = {term: pos for term, _, _, pos in got}
    assert positions["كييف"] == positions["كييفالتصرف"] == positions["التصرف"]
    got = tokens(exact_analyzer(), "استعادت آلافكيلومترات")
    assert {"الاف", "كيلومترات"} <= {g[0] for g in got}


def test_a_hashtags_words_are_words_at_their_places():
    text = "كتب المغردون #رئيس_الوزراء و#كأس_العالم_2022"
    got = tokens(exact_analyzer(), text)
    assert [text[s:e] for _, s, e, _ in got] == ["كتب", "المغردون", "رئيس", "الوزراء", "كأس", "العالم", "2022"]
    assert len({pos for *_, pos in got}) == 7


def test_splitting_keeps_marks_with_the_first_part():
    text = "كييفَالتصرف"
    got = {term: text[s:e] for term, s, e, _ in tokens(exact_analyzer(), text)}
    assert got["كييف"] == "كييفَ"


def test_queries_are_not_split():
    assert [t.text for t in exact_analyzer()("كييفالتصرف", mode="query")] == ["كييفالتصرف"]


def test_a_query_word_splits_as_an_articles_would():
    """What a suggestion offers for a word no article writes: the analysis's
    own split, cleaned of marks; nothing where the analysis splits nothing."""
    assert run_together(exact_analyzer(), "رئيسُالوزراء") == ("رئيس", "الوزراء")
    assert run_together(exact_analyzer(), "الحكومة") is None
    assert run_together(exact_analyzer(CONFIGS["no-split"]), "رئيسالوزراء") is None


def test_a_compound_name_is_indexed_with_its_two_words():
    """عبد and a divine name, written as one word, however common the word."""
    text = "قال وعبدالله بن عبدالإله"
    got = tokens(stem_analyzer(), text)
    words = {term: text[s:e] for term, s, e, _ in got}
    assert words["عبد"] in ("وعبد", "عبد") and words["الله"] == "الله"
    assert words["عبدالله"] == "وعبدالله"  # the word itself is kept
    assert words["اله"] == "الإله"
    positions = {term: pos for term, _, _, pos in got}
    assert positions["عبدالله"] == positions["الله"]
    assert compound_parts("وعبدالعزيز") == ("وعبد", "العزيز")
    for word in ("عبد", "عبدون", "العبدالله", "عبدال"):
        assert compound_parts(word) is None, word
    assert [t.text for t in stem_analyzer()("عبدالله", mode="query")] == ["عبدالله"]


def test_a_compound_name_written_apart_is_also_indexed_joined():
    text = "استقبل الملك عبد الله بن عبد العزيز ولعبد الإله في رام الله عبد، العبد الصالح"
    assert compounds_apart(text) == ["عبدالله", "عبدالعزيز", "ولعبدالإله"]
    assert compounds_apart("قال عبدالله ثم عبيد الله") == []


def test_a_kunya_and_a_name_in_allah_or_aldin_are_compound_names():
    """With ``names`` (CONFIGS' default): أبو and a name, a name and الله or
    الدين, joined or apart; not a word that only begins or ends like one."""
    for word, parts in [("أبوظبي", ("أبو", "ظبي")), ("وأبوبكر", ("وأبو", "بكر")), ("لأبوظبي", ("لأبو", "ظبي")),
                        ("نصرالله", ("نصر", "الله")), ("لنصرالله", ("لنصر", "الله")), ("عزالدين", ("عز", "الدين")),
                        ("رامالله", ("رام", "الله")), ("وعبدالله", ("وعبد", "الله"))]:
        assert compound_parts(word, names=True) == parts, word
    # Doors and parents (أبواب، أبويه), a pronoun (أبوهما), foreign names
    # (لابورتا، كابولوف), an oath and the parents (والله، الوالدين), God with
    # a preposition (بالله), a name whose part the lexicon does not know.
    for word in ("أبوابها", "أبويه", "أبوهما", "لابورتا", "كابولوف", "ابوللو", "والله", "فوالله", "بالله",
                 "الوالدين", "للوالدين", "والدين", "بنزين"):
        assert compound_parts(word, names=True) is None, word
    # Without ``names`` (an index built before), عبد's alone.
    assert compound_parts("نصرالله") is None and compound_parts("أبوظبي") is None
    assert compound_parts("عبدالله") == ("عبد", "الله")
    text = "وصل أبو بكر إلى أبو ظبي ولأبو ظبي، وزار نصر الله وعز الدين في رام الله ثم عبد الله، وأبواب المدينة وأبو هما"
    assert compounds_apart(text, names=True) == ["عبدالله", "أبوبكر", "أبوظبي", "ولأبوظبي", "نصرالله", "وعزالدين",
                                                 "رامالله"]
    assert compounds_apart(text) == ["عبدالله"]


def test_a_compound_name_the_index_adds_is_not_split_again():
    """The joined names added after a text stand next to each other: their
    parts would make phrases no text has (عبد of عبدالعزيز, الله of
    رامالله: "عبد الله")."""
    analyzer = stem_analyzer()
    added = added_joined(["عبدالعزيز", "رامالله"])
    terms = [t.text for t in analyzer(added)]
    assert "عبد" not in terms and "الله" not in terms and len(terms) == 2
    assert {"عبد", "عزيز"} <= {t.text for t in analyzer("عبدالعزيز")}  # as written in a text, it is


def test_an_index_pickled_before_compound_names_keeps_abd_alone():
    """A SplitRunTogetherFilter pickled before the attribute reads the class's
    default: no kunya split."""
    old = SplitRunTogetherFilter(numbers=True)
    del old.__dict__["names"]
    clone = pickle.loads(pickle.dumps(old))
    assert clone.split(normalize("أبوظبي")) is None and clone.split("عبدالله") == ("عبد", "الله")
    assert SplitRunTogetherFilter(names=True).split(normalize("أبوظبي")) == ("ابو", "ظبي")


def test_ordinary_words_are_not_split():
    splitter = SplitRunTogetherFilter()
    words = (
        "والاستراتيجيات بالمفاوضات للمستشفيات الانتخابات والمسؤولين فسيستقبلونهم "
        "وبالبرلمانيين الديمقراطية كيلومترات الاستراتيجية المستشفى والمواطنين "
        "لاستعادتها بالاحتجاجات والتكنولوجيا إيزيوم بالاكليا دفوريشنا زيلينسكي"
    ).split()
    assert [w for w in words if splitter.split(normalize(w)) is not None] == []


def test_splitting_is_rare_on_real_news(shared_news_small):
    """On 2,000 real articles, under 0.1% of tokens are split as run together
    (compound names such as عبدالله are split whenever written)."""
    splitter = SplitRunTogetherFilter()
    tokenizer = ArabicTokenizer()
    total = split = compounds = 0
    for article in shared_news_small:
        for t in tokenizer(article["body"]):
            total += 1
            word = normalize(t.text)
            compound = compound_parts(word) is not None
            compounds += compound
            split += splitter.split(word) is not None and not compound
    assert total > 100_000
    assert split / total < 0.001
    assert compounds > 100


def test_analyzers_pickle_with_the_schema():
    for config in CONFIGS.values():
        analyzer = stem_analyzer(config)
        clone = pickle.loads(pickle.dumps(analyzer))
        text = "والحكومات الأوكرانية"
        assert [t.text for t in clone(text)] == [t.text for t in analyzer(text)]


def test_an_index_pickled_before_the_analysis_package_still_loads():
    """Indexes built when the analysis was one module (search/analysis.py)
    pickled its classes as search.analysis.X; they load with today's."""
    from whoosh.formats import Format

    from search.index import make_schema

    schema = make_schema()
    moved = {type(x) for field in schema.names() for x in (schema[field].analyzer, schema[field].format)
             if type(x).__module__.startswith("search.analysis.")}
    moved |= {type(item) for field in schema.names() for item in getattr(schema[field].analyzer, "items", ())
              if type(item).__module__.startswith("search.analysis.")}
    assert {c.__name__ for c in moved} >= {"CachedChain", "ArabicTokenizer", "StemFilter", "CountedPositions"}
    homes = {c: c.__module__ for c in moved}
    try:
        for c in moved:
            c.__module__ = "search.analysis"
        old = pickle.dumps(schema)
    finally:
        for c, home in homes.items():
            c.__module__ = home
    assert b"search.analysis.chain" not in old
    clone = pickle.loads(old)
    text = "والحكومات الأوكرانية"
    assert [t.text for t in clone["text"].analyzer(text)] == [t.text for t in schema["text"].analyzer(text)]
    assert isinstance(clone["text"].format, Format)


def test_one_analyzer_shared_by_threads_gives_the_same_terms():
    analyzer = stem_analyzer()
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    expected = [t.text for t in analyzer(text)]
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append([t.text for t in analyzer(text)])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r == expected for r in results)


def test_an_al_written_with_a_hamza_is_the_words_own():
    """The article's alef carries no hamza: ألماني (German) is not ال + ماني
    (Mané), nor إلهام (inspiration) ال + هام (important), nor ألفية ال + فيه;
    each meets its own form with the article, after any proclitics."""
    stems = stem_analyzer()

    def stem(word):
        (term,) = [t.text for t in stems(word, mode="query")]
        return term

    assert stem("ألماني") == stem("الألماني") == stem("وألمان") == stem("لألمانيا") != stem("ماني")
    assert stem("إلهام") == stem("الإلهام") != stem("هام")
    assert stem("ألوانها") == stem("بالألوان") == stem("ألوان")
    assert stem("ألفية") == stem("الألفية") == stem("ألف")  # not فيه, "in it", a stop word
    # Written without the hamza the letters may be the article (الهام: ال + هام, "the important").
    assert stem("الهام") == stem("هام")
    # The article written with a hamza by mistake, before a word's own hamza, is still the article.
    assert stem("ألأردن") == stem("الأردن")
    # The analysis before, kept for the evaluation, cut it.
    before = stem_analyzer(CONFIGS["hamza-article"])
    assert [t.text for t in before("ألماني", mode="query")] == [stem("ماني")]


def test_the_nisba_field_marks_a_stems_feminine_forms():
    """الطائرة (an aircraft) and الطائر (a bird) are one light stem; the
    nisba field also holds each feminine form (the singular in ة, the plural
    in ات, the dual, ت or ات before a pronoun) as the stem with ة, which a
    short search typed in the feminine matches (search/query.py)."""
    nisba = nisba_analyzer()
    stem = lambda word: [t.text for t in stem_analyzer()(word, mode="query")][0]
    assert stem("الطائرة") == stem("الطائر") == stem("طائرات")
    marked = stem("الطائر") + "ة"
    for word in ("الطائرة", "وطائرة", "بالطائرات", "طائرتين", "طائرته", "وطائراتها", "للطائرة"):
        assert [t.text for t in nisba(word)] == [marked], word
    for word in ("الطائر", "طائر", "بالطائر", "طائرا"):
        assert [t.text for t in nisba(word)] == [], word
    # A nisba's feminine is the nisba's (سوري), a word kept whole has no ending.
    assert [t.text for t in nisba("السورية")] == [stem("السورية") + "ي"]
    assert feminine_ending("بالطاءرات", "طاءر") == ("بال", "ات")
    assert feminine_ending("الطاءر", "طاءر") is None
    # An index built before pickled the filter without the attribute: nothing marked.
    before = pickle.loads(pickle.dumps(nisba))
    [filt] = [i for i in before.items if isinstance(i, NisbaFilter)]
    del filt.feminine
    assert not marks_feminine(before) and marks_feminine(nisba)
    assert [t.text for t in before("الطائرة")] == []
    assert not marks_feminine(nisba_analyzer(CONFIGS["feminine-unmarked"]))


def test_the_nisba_field_has_the_words_whose_stem_cut_the_nisba():
    """Only the words the light stemmer cut the nisba's ي from, as the stem
    with it, sharing the text field's stemmer (so each word is stemmed
    once); a name whose ي is its own keeps its stem and is not there."""
    stems = stem_analyzer()
    nisba = nisba_analyzer(stems=stems)
    shared = [i.stemmer for i in nisba.items if isinstance(i, NisbaFilter)][0]
    assert shared is [i.stemmer for i in stems.items if isinstance(i, StemFilter)][0]
    text = "أعلن الدفاع المدني في المدن السورية والمدنيين عن عملية جديدة لسوق العمل في الأوروجواي"
    # (and جديدة, a feminine form: the next test)
    assert [t.text for t in nisba(text)] == ["مدني", "سوري", "مدني", "عملي", "جديدة"]
    assert [t.text for t in stems("المدني المدن")] == ["مدن", "مدن"]
    # The sound plural's ي before a noun is not a nisba: موظفي الوزارة, مسلحي التنظيم.
    unmarked = nisba_analyzer(CONFIGS["feminine-unmarked"])
    assert [t.text for t in unmarked("موظفي الوزارة ومسلحي التنظيم")] == []
    assert [t.text for t in unmarked(text)] == ["مدني", "سوري", "مدني", "عملي"]
    assert nisba_analyzer(CONFIGS["keep-nisba"]) is None and nisba_analyzer(CONFIGS["norm"]) is None
