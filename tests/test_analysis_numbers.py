"""Numbers in digits and in words (search/analysis/numbers.py)."""

import pytest

from search.analysis import CONFIGS, exact_analyzer, stem_analyzer
from search.analysis.numbers import DECADES, NUMBER_WORDS_FOLDED, number_value


def terms(text: str, config: str = "default") -> list[str]:
    return [t.text for t in stem_analyzer(CONFIGS[config])(text)]


@pytest.mark.parametrize("written", ["5", "٥", "و5", "بـ5", "خمسة", "خمس", "وخمسة", "بخمسة", "الخمسة", "للخمسة", "خمسا"])
def test_a_number_in_digits_or_words_is_one_term(written):
    assert terms(written) == ["5"]


@pytest.mark.parametrize("written, value", [
    ("مئة", "100"), ("مائة", "100"), ("بالمائة", "100"), ("مئتين", "200"), ("مائتين", "200"),
    ("ثلاثمائة", "300"), ("ثلاثمئة", "300"), ("عشرين", "20"), ("وعشرون", "20"), ("ثلاثين", "30"),
    ("اثنين", "2"), ("الاثنان", "2"), ("ثماني", "8"), ("عشرة", "10"), ("الـ16", "16"), ("و٢٠١٦", "2016"),
    ("2017م", "2017"), ("١٤٣٩هـ", "1439"), ("والـ2018م", "2018"),
])
def test_values(written, value):
    assert terms(written) == [value]


def test_numbers_that_share_letters_are_apart():
    """The light stemmer joined them: ثلاثين → ثلاث, مائة → ماء (water)."""
    assert terms("ثلاث ثلاثين") == ["3", "30"]
    assert terms("عشر عشرين") == ["10", "20"]
    assert terms("مائة ماء") == ["100", "ماء"]
    assert terms("مائة ماء", "no-numbers") == ["ماء", "ماء"]  # what this fixes


@pytest.mark.parametrize("word", [
    "الاثنين",  # Monday
    "والاثنين",
    "وست",  # West (وست هام), not "and six"
    "الست",  # "the lady"
    "ستون",  # Stone
    "واحد", "أحد", "إحدى",  # one: a pronoun, Sunday
    "اثنا", "اثني",  # only before عشر
    "ألف", "آلاف", "مليون", "ملايين",  # multipliers: 20 ألف and عشرين ألف give 20 and ألف alike
    "ماء", "ثلاثاء", "الخميس", "عشرات",
])
def test_words_that_are_not_numbers_are_kept(word):
    assert not any(t.isdigit() for t in terms(word)), terms(word)
    assert number_value(word) is None


def test_a_multiplier_stays_a_word_after_digits_or_words():
    assert terms("20 ألف") == terms("عشرين ألف") == ["20", "الف"]


def test_the_exact_field_keeps_the_word_and_splits_the_digits():
    """The typed form ranks first: خمسة keeps its own exact term; و5 is the number."""
    assert [t.text for t in exact_analyzer()("خمسة و5 بـ٣")] == ["خمسه", "5", "3"]


def test_offsets_of_a_number_with_a_proclitic_cover_the_digits():
    text = "قتل شخص وأصيب و12 آخرون بـ٣ طلقات"
    got = {t.text: text[t.startchar : t.endchar] for t in stem_analyzer()(text, chars=True)}
    assert got["12"] == "12"
    assert got["3"] == "٣"
    text = "قتل خمسة"
    got = {t.text: text[t.startchar : t.endchar] for t in stem_analyzer()(text, chars=True)}
    assert got["5"] == "خمسة"


def test_the_table_is_pyarabics_with_the_old_spelling_of_mia():
    assert NUMBER_WORDS_FOLDED["خمسه"] == "5"
    assert NUMBER_WORDS_FOLDED["ماءتين"] == NUMBER_WORDS_FOLDED["مءتين"] == "200"
    assert not any(value in ("0", "1") or len(value) > 3 for value in NUMBER_WORDS_FOLDED.values())


def test_a_number_run_together_with_a_word_is_also_its_parts():
    """12عاما, في1930: the token is kept and its parts added, each over its
    own characters; a query word is not split, and a Latin model name stays."""
    text = "منذ 12عاما وقع في1930 طائرة F35"
    got = [(t.text, text[t.startchar : t.endchar]) for t in stem_analyzer()(text, chars=True)]
    assert ("12", "12") in got and ("عام", "عاما") in got and ("1930", "1930") in got
    assert ("f35", "F35") in got and "35" not in [term for term, _ in got]
    assert terms("12عاما") == ["12عاما", "12", "عام"]
    assert [t.text for t in stem_analyzer()("12عاما", mode="query")] == ["12عاما"]


@pytest.mark.parametrize("tens", ["عشرين", "ثلاثين", "أربعين", "خمسين", "ستين", "سبعين", "ثمانين", "تسعين"])
def test_a_decades_two_spellings_stem_to_one_of_the_decades(tens):
    """The query leaves a decade's ات and يات untold (search/query.py):
    both forms must stem to the stem DECADES names, the bare tens word to
    its digits."""
    forms = ("ال" + tens + "ات", "ال" + tens + "يات", "و" + tens + "يات", "بال" + tens + "ات")
    stems = {stem for form in forms for stem in terms(form)}
    assert len(stems) == 1 and stems <= DECADES
    assert terms(tens)[0].isdigit()

