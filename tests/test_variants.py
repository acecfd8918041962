"""Spellings of one word found in a real index: the shapes that make a
candidate, the evidence that keeps one, the table the searcher uses."""

from __future__ import annotations

import json
from collections import defaultdict
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from search import index as idx
from search import variants
from search.ingest import Problem, read_sources
from search.searcher import Searcher, SearchOptions
from search.normalize import normalize
from search.spelling.respellings import respellings
from search.variants import Spellings, candidates, edits, skeleton
from search.variants.forms import _sure_form, hardly_form
from helpers import write_jsonl


def test_skeletons_of_spellings_meet():
    assert skeleton("امريك") == skeleton("اميرك")  # ي and ر in either order
    assert skeleton("انجلترا") == skeleton("انكلترا") == skeleton("انغلترا")  # the g sounds
    assert skeleton("هوليوود") == skeleton("هوليود")  # a long vowel written or not
    assert skeleton("بروكسل") == skeleton("بروكسيل")
    assert skeleton("سوريا") == skeleton("سوريه")  # a final ا or ة
    assert skeleton("سلاح") != skeleton("صلاح")  # other letters are other words
    assert skeleton("غوغل") == skeleton("جوجل")  # a g sound first too
    assert skeleton("تشافيز") == skeleton("شافيز")  # a foreign ch written تش or ش
    assert skeleton("مودريتش") == skeleton("مودرتيش")  # ... also once the vowels are gone


def test_edits_count_a_swap_as_one():
    assert edits("امريك", "اميرك") == 1
    assert edits("هوليوود", "هوليود") == 1
    assert edits("انجلترا", "انكلترا") == 1
    assert edits("abc", "abc") == 0


def test_a_g_sound_written_one_way_throughout_is_one_edit():
    from search.variants import MinerConfig
    from search.variants.shapes import _close

    assert _close("غوغل", "جوجل", MinerConfig())
    assert not _close("غوغل", "جوجلي", MinerConfig())


def test_candidates_by_shape_only():
    vocabulary = {"امريك": 50, "اميرك": 40, "امريكا": 30, "هوليوود": 9, "هوليود": 6, "سلاح": 20, "صلاح": 20, "سور": 9, "سوري": 9}
    pairs = {frozenset(p) for p in candidates(vocabulary, variants.MinerConfig())}
    assert frozenset(("امريك", "اميرك")) in pairs
    assert frozenset(("هوليوود", "هوليود")) in pairs
    assert frozenset(("امريك", "امريكا")) not in pairs  # a final alef is not dropped: America is not American
    assert frozenset(("سلاح", "صلاح")) not in pairs
    assert not any("سور" in p for p in pairs)  # too short to tell


def test_a_stem_written_with_a_final_ta_meets_itself_with_a_final_alef():
    # The stemmer cuts بنزيمة to بنزيم like a feminine ending and keeps
    # بنزيما whole: one name less a final ا, a candidate because the
    # articles write بنزيم with ة.  امريك less امريكا stays apart: its
    # articles write امريكي, the nisba.
    vocabulary = {"بنزيم": 40, "بنزيما": 12, "امريك": 50, "امريكا": 30, "مدرب": 90, "مدربا": 6}
    written = {"بنزيمه": 25, "لبنزيمه": 6, "بنزيم": 1, "امريكي": 30, "الامريكيه": 25, "امريكه": 2,
               "مدرب": 60, "المدرب": 30, "مدربه": 8}  # مدربه: "his coach", a pronoun, not a ة
    config = variants.MinerConfig()
    ta = variants.final_ta_stems(vocabulary, lambda form: written.get(form, 0), config)
    assert ta == {"بنزيم"}
    pairs = {frozenset(p) for p in candidates(vocabulary, config, ta)}
    assert frozenset(("بنزيم", "بنزيما")) in pairs
    assert frozenset(("امريك", "امريكا")) not in pairs and frozenset(("مدرب", "مدربا")) not in pairs
    assert frozenset(("بنزيم", "بنزيما")) not in {frozenset(p) for p in candidates(vocabulary, config)}
    only = frozenset({"امريكا"})
    assert variants.final_ta_stems(vocabulary, lambda form: written.get(form, 0), config, only) == set()


def test_a_stem_the_articles_write_after_a_proclitic_letter_is_apart_from_one_they_write_without():
    # The articles write the letters يتكوين after the preposition's ب
    # (بيتكوين, Bitcoin), those of يتكون (consists) bare: two words.  Both spellings of Curtis are
    # written after ك by most of their articles, and letters in too few
    # articles say nothing.
    written = {"بيتكوين": 30, "وبيتكوين": 5, "يتكوين": 1, "يتكون": 40, "ويتكون": 20, "بيتكون": 1,
               "ككارتيس": 11, "ككارتس": 4, "كارتس": 2, "بيونيس": 3, "يونس": 50}
    profile = lambda stem: variants.lead_profile(stem, lambda form: written.get(form, 0))  # noqa: E731
    assert profile("يتكوين") == {"ب": 35, "": 1} and profile("يتكون") == {"": 40, "و": 20, "ب": 1}
    config = variants.MinerConfig()
    assert variants.led_apart("يتكوين", "يتكون", profile, config)
    assert variants.led_apart("يتكون", "يتكوين", profile, config)
    assert not variants.led_apart("كارتيس", "كارتس", profile, config)  # ك in 4 of 6: not apart
    assert not variants.led_apart("يونيس", "يونس", profile, config)  # 3 articles: too few to tell
    assert not variants.led_apart("يتكوين", "يتكون", profile, replace(config, lead_share=None))
    # A name in a list is written after و (أستراليا ونيوزيلاندا): و is not a
    # preposition's letter, so it parts nothing.
    written.update({"ونيوزيلاندا": 8, "نيوزيلاندا": 1, "نيوزيلندا": 48, "ونيوزيلندا": 26})
    assert profile("نيوزيلاندا") == {"و": 8, "": 1}
    assert not variants.led_apart("نيوزيلاندا", "نيوزيلندا", profile, config)
    assert variants.led_apart("نيوزيلاندا", "نيوزيلندا", profile, replace(config, lead_letters="بكلو"))
    # The article is no proclitic letter: بالحكومة, للحكومة count as bare.
    assert variants.lead_profile("حكومه", {"بالحكومه": 9, "للحكومه": 3, "بحكومه": 1}.get) == {"": 12, "ب": 1}


def test_a_slip_of_a_name_that_begins_like_a_proclitic_is_not_joined_to_a_word(tmp_path):
    """Thirty articles write يتكون (consists), six بيتكوين (Bitcoin), and one
    a slip, يتكوين: a 6-letter stem in one article with a ي more than a
    common one, which the miner joins without other evidence.  But the
    articles write its letters after ب: it is the name's, not the word's."""
    rng = random.Random(11)
    records = [{"id": f"w{n}", "title": "يتكون المجلس", "body": _story(rng, MATTER, "يتكون"), "source": "alpha"}
               for n in range(30)]
    records += [{"id": f"b{n}", "title": "بيتكوين", "body": _story(rng, MATTER, "بيتكوين"), "source": "beta"}
                for n in range(6)]
    records.append({"id": "slip", "title": "العملة", "body": _story(rng, MATTER, "يتكوين"), "source": "beta"})
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    pair = ("يتكوين", "يتكون")
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {(e.a, e.b): e for e in variants.mine(searcher)}
        assert not judged[pair].same and judged[pair].led_apart
        unled = {(e.a, e.b): e for e in variants.mine(searcher, replace(variants.MinerConfig(), lead_share=None))}
        assert unled[pair].same and not unled[pair].led_apart
    s = Searcher(index_dir)
    try:
        results = s.search("يتكون", per_page=100)
        assert results.total == 30 and not results.spellings
    finally:
        s.close()


def test_a_long_names_t_or_s_letter_may_differ_a_short_words_not():
    vocabulary = {"غونزاليز": 30, "غونزاليس": 20, "انتونوف": 9, "انطونوف": 7, "سلاح": 20, "صلاح": 20,
                  "بيريز": 9, "بيريس": 9, "تشافيز": 25, "شافيز": 10, "مودريتش": 40, "مودرتيش": 6}
    pairs = {frozenset(p) for p in candidates(vocabulary, variants.MinerConfig())}
    assert frozenset(("غونزاليز", "غونزاليس")) in pairs  # z or s
    assert frozenset(("انتونوف", "انطونوف")) in pairs  # ت or ط
    assert frozenset(("تشافيز", "شافيز")) in pairs  # ch as تش or ش: not a t dropped
    assert frozenset(("مودريتش", "مودرتيش")) in pairs
    assert frozenset(("سلاح", "صلاح")) not in pairs  # short stems: two words
    assert frozenset(("بيريز", "بيريس")) not in pairs  # (Perez and Peres too)
    assert len(pairs) == 4


def test_a_stem_the_stemmer_kept_its_article_on_meets_the_spellings_it_cut_it_from():
    # The lexicon knows no form of روهينجا, so the stemmer keeps الروهينجا
    # whole; روهينغا lost its article.  Compared without it, they are one
    # change apart, if some article writes the rest bare; the article's
    # letters are the word's own where none does (المنيوم, aluminium).
    vocabulary = {"روهينغا": 60, "الروهينجا": 18, "المنيوم": 30, "منوم": 30, "المانيا": 500, "مانيا": 20}
    assert {frozenset(p) for p in candidates({**vocabulary, "روهينجا": 1}, variants.MinerConfig())} == {
        frozenset(("روهينغا", "الروهينجا"))}
    assert not list(candidates(vocabulary, variants.MinerConfig()))


def test_two_words_of_one_root_are_not_candidates():
    # A verb and its verbal noun, a singular and its broken plural: one long
    # vowel apart like two spellings, and in the same places (احرز هدفا /
    # احراز هدف), but two words (search.patterns).
    vocabulary = {"احراز": 500, "احرز": 900, "طوابق": 90, "طابق": 150, "ماراثون": 115, "مارثون": 7}
    pairs = {frozenset(p) for p in candidates(vocabulary, variants.MinerConfig())}
    assert pairs == {frozenset(("ماراثون", "مارثون"))}
    rare = {"مكسب": 700, "مكاسب": 3, "تلفزيون": 900, "تلفزيوون": 1}
    assert list(variants.rare_candidates(rare, variants.MinerConfig())) == [("تلفزيوون", "تلفزيون")]


def test_rare_stems_are_not_candidates():
    vocabulary = {"هوليوود": 9, "هوليود": 1}
    assert list(candidates(vocabulary, variants.MinerConfig())) == []


def test_spellings_join_through_shared_ones_up_to_a_size():
    table = Spellings([("انجلترا", "انكلترا"), ("انكلترا", "انغلترا")])
    assert set(table.others("انجلترا")) == {"انكلترا", "انغلترا"}
    assert table.others("قانون") == ()
    chain = [(f"w{i}", f"w{i + 1}") for i in range(10)]
    long = Spellings(chain, max_group=6)
    assert set(long.others("w3")) == {"w2", "w4"}  # a long chain keeps the direct pairs only


def test_a_hardly_written_spelling_joins_the_whole_group_without_growing_it():
    pairs = [("w0", "w1"), ("w1", "w2"), ("w2", "w3")]
    leaves = [(f"r{i}", "w1", 0.5) for i in range(5)]
    table = Spellings(pairs, max_group=4, leaves=leaves)
    # Nine stems in all, yet the four of the pairs are still one group.
    assert set(table.others("w3")) == {"w0", "w1", "w2", *(f"r{i}" for i in range(5))}
    assert set(table.others("r0")) == {"w0", "w1", "w2", "w3", "r1", "r2", "r3", "r4"}
    assert table.weight("r0") == 0.5 and table.weight("w0") == 1.0
    # A stem of the pairs is never a leaf: the evidence for a pair outweighs.
    assert Spellings(pairs, leaves=[("w0", "w3", 0.5)]).weight("w0") == 1.0


def test_two_rare_spellings_paired_with_each_other_still_join_their_usual_one():
    # بروتكول and برتوكول are a pair of the evidence, and each a leaf of
    # بروتوكول: the pair's group must not keep them from it.
    table = Spellings([("بروتكول", "برتوكول")], leaves=[("بروتكول", "بروتوكول", 0.4), ("برتوكول", "بروتوكول", 0.4)])
    assert set(table.others("بروتوكول")) == {"بروتكول", "برتوكول"}
    assert set(table.others("بروتكول")) == {"برتوكول", "بروتوكول"}
    assert table.weight("بروتكول") == 1.0  # a stem of the pairs keeps its full weight
    # ... and one leaf of the pair joins alone, keeping its pair.
    one = Spellings([("بروتكول", "برتوكول")], leaves=[("بروتكول", "بروتوكول", 0.4)])
    assert set(one.others("بروتوكول")) == {"بروتكول"}
    assert set(one.others("بروتكول")) == {"برتوكول", "بروتوكول"}


def test_a_rare_stem_is_a_candidate_of_its_usual_spelling_only():
    config = variants.MinerConfig()
    vocabulary = {"ميركل": 300, "ميركيل": 1, "الامر": 900, "الامير": 2, "بروكسل": 8, "بروكسيل": 4}
    # الأمير is a word the lexicon knows; بروكسل is not in 5 times بروكسيل's articles.
    assert list(variants.rare_candidates(vocabulary, config)) == [("ميركيل", "ميركل")]
    # Its weight scores it as half the usual spelling would be, never above.
    full = variants.leaf_weight(1, 300, 60_000, share=1.0)
    assert 0.4 < full < 0.7 and variants.leaf_weight(4, 5, 60_000, share=1.0) <= 1.0
    assert variants.leaf_weight(1, 300, 60_000) == pytest.approx(full * config.rare_share, abs=1e-4)


# A small archive of two outlets, each with its own spelling of three names,
# writing stories of the same kinds; and two different words one letter apart
# (الأمير / الأمر) that both outlets write.

CINEMA = "فيلم ممثل ممثلة مخرج نجم نجمة إيرادات شباك التذاكر النقاد جائزة الأوسكار سينما عرض بطولة مهرجان".split()
FOOTBALL = "منتخب مباراة ملعب هدف مدرب لاعب الدوري الممتاز كأس البطولة جماهير حارس المرمى تشكيلة فوز تعادل".split()
EUROPE = "الاتحاد الأوروبي قمة وزراء المفوضية البرلمان الأوروبي اجتماع الدول الأعضاء بريكست اتفاق الهجرة الميزانية".split()
PALACE = "استقبل الملك ولي العهد القصر وفد زيارة رسمية مراسم العاصمة الديوان الملكي الشيخ".split()
MATTER = "الحكومة القرار المجلس الاقتصاد الأسعار الوزارة السوق الميزانية التضخم المواطنين البنك".split()

SPELLINGS = {  # outlet -> (cinema, football, europe)
    "alpha": ("هوليوود", "إنجلترا", "بروكسل"),
    "beta": ("هوليود", "إنكلترا", "بروكسيل"),
}


def _story(rng: random.Random, words: list[str], name: str, n: int = 9) -> str:
    picked = rng.sample(words, n)
    picked.insert(rng.randrange(len(picked)), name)
    return " ".join(picked) + "."


def _archive(outlets: dict[str, tuple[str, ...]], per_kind: int, seed: int, start: int = 0, europe: bool = True) -> list[dict]:
    rng = random.Random(seed)
    records = []
    n = start
    for outlet, (cinema, football, brussels) in outlets.items():
        kinds = [(CINEMA, cinema), (FOOTBALL, football)] + ([(EUROPE, brussels)] if europe else [])
        for words, name in kinds:
            for _ in range(per_kind):
                body = " ".join(_story(rng, words, name) for _ in range(3))
                records.append({"id": f"a{n}", "title": name, "body": body, "source": outlet, "date": "2018-05-01"})
                n += 1
        for _ in range(per_kind):  # both outlets write both words
            body = _story(rng, PALACE, "الأمير") + " " + _story(rng, MATTER, "الأمر") + " " + _story(rng, PALACE, "الأمير")
            records.append({"id": f"a{n}", "title": "الأمير", "body": body, "source": outlet, "date": "2018-05-02"})
            n += 1
            body = _story(rng, MATTER, "الأمر") + " " + _story(rng, MATTER, "الأمر")
            records.append({"id": f"a{n}", "title": "الأمر", "body": body, "source": outlet, "date": "2018-05-03"})
            n += 1
    return records


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """An index of the two outlets' stories, Brussels left out until an add."""
    root = tmp_path_factory.mktemp("variants")
    corpus = write_jsonl(root / "news.jsonl", _archive(SPELLINGS, per_kind=14, seed=1, europe=False))
    index_dir = root / "index"
    idx.build(index_dir, read_sources([corpus]))
    return index_dir


def _pairs(index_dir: Path) -> set[frozenset[str]]:
    data = json.loads((idx.resolve(index_dir) / variants.FILE).read_text(encoding="utf-8"))
    return {frozenset(p) for p in data["pairs"]}


def _found(index_dir: Path, query: str) -> set[str]:
    """The ids of every article a search for ``query`` finds."""
    searcher = Searcher(index_dir)
    try:
        return {h.id for h in searcher.search(query, per_page=100).hits}
    finally:
        searcher.close()


def _titled(records: list[dict], *titles: str) -> set[str]:
    return {r["id"] for r in records if r["title"] in titles}


def _stem(word: str) -> str:
    from search.analysis import stem_analyzer

    return [t.text for t in stem_analyzer()(word, mode="query")][0]


def test_a_build_finds_the_spellings_of_names_and_keeps_words_apart(archive):
    pairs = _pairs(archive)
    assert frozenset((_stem("هوليوود"), _stem("هوليود"))) in pairs
    assert frozenset((_stem("إنجلترا"), _stem("إنكلترا"))) in pairs
    assert frozenset((_stem("الأمير"), _stem("الأمر"))) not in pairs


def test_two_spellings_stand_in_the_same_places_and_two_words_do_not(archive):
    with idx.open_index(archive).searcher() as searcher:
        postings = variants.Postings(searcher)
        vocabulary = postings.vocabulary()
        neighbours = variants.Neighbours(searcher, postings, vocabulary, variants.MinerConfig())
        spellings = neighbours.similarity(_stem("هوليوود"), _stem("هوليود"))
        words = neighbours.similarity(_stem("الأمير"), _stem("الأمر"))
        assert spellings > 0.3 > variants.MinerConfig().neighbour_min > words
        profile = neighbours.profile(_stem("هوليود"))
        assert {shape for _side, shape in profile} <= {skeleton(_stem(w)) for w in CINEMA + FOOTBALL}  # its own stories
        assert all(side in (-2, -1, 1, 2) for side, _word in profile)
        # Where the other evidence leaves a pair short, the neighbours decide.
        config = variants.MinerConfig(threshold=50.0, neighbour_floor=-100.0)
        pairs = [(_stem("هوليوود"), _stem("هوليود")), (_stem("الأمير"), _stem("الأمر"))]
        judged = list(
            variants.judge(
                pairs,
                postings,
                variants.Outlets(searcher),
                lambda: variants.Contexts(postings, vocabulary, config),
                config,
                lambda: neighbours,
            )
        )
        assert [e.same for e in judged] == [True, False]
        assert all(e.neighbours is not None for e in judged)


def test_neighbours_read_ahead_in_other_processes_are_the_same(archive):
    """The build reads the neighbours of every pair that asks in two
    processes at once; what they count is what one process would."""
    with idx.open_index(archive).searcher() as searcher:
        postings = variants.Postings(searcher)
        vocabulary = postings.vocabulary()
        stems = sorted(stem for stem, df in vocabulary.items() if df >= 3)[:40]
        alone = variants.Neighbours(searcher, postings, vocabulary, variants.MinerConfig())
        ahead = variants.Neighbours(searcher, postings, vocabulary, variants.MinerConfig())
        ahead.read_ahead(stems, idx.resolve(archive), workers=2, least=1)
        assert sorted(ahead._counts) == stems  # counted before anyone asked
        assert [ahead.profile(s) for s in stems] == [alone.profile(s) for s in stems]
        assert any(alone.profile(s) for s in stems)
        few = variants.Neighbours(searcher, postings, vocabulary, variants.MinerConfig())
        few.read_ahead(stems, idx.resolve(archive), workers=2)  # too few to start processes for
        assert not few._counts
    # And the whole mining, as a build runs it.
    with idx.open_index(archive).searcher() as searcher:
        assert variants.mine(searcher, directory=idx.resolve(archive), workers=2) == variants.mine(searcher)


def test_a_rare_spelling_is_judged_by_its_neighbours(tmp_path):
    """A spelling in a handful of articles (here 6, beside 14 of the common
    one) gives the outlet and context tests little to weigh; where they
    leave it short, the words it stands between decide."""
    records = _archive({"alpha": SPELLINGS["alpha"]}, per_kind=14, seed=3, europe=False)
    records += _archive({"beta": SPELLINGS["beta"]}, per_kind=6, seed=4, start=len(records), europe=False)
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    config = variants.MinerConfig(threshold=50.0, neighbour_floor=-100.0)  # only the neighbours can say yes
    rare = frozenset((_stem("هوليوود"), _stem("هوليود")))
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, config, only=rare)}[rare]
        assert min(judged.df_a, judged.df_b) == 6
        assert judged.neighbours is not None and judged.same
        stricter = replace(config, neighbour_min_df=7)
        unread = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, stricter, only=rare)}[rare]
        assert unread.neighbours is None and not unread.same


def test_one_long_vowel_inside_a_stem_is_a_vowel_apart_pair():
    assert variants.vowel_apart("داوود", "داود") and variants.vowel_apart("هايت", "هاييت")
    assert variants.vowel_apart("اكسيد", "اوكسيد")
    assert not variants.vowel_apart("يشارك", "شارك")  # a first letter: a verb's person, a conjunction
    assert not variants.vowel_apart("ووكر", "وكر")  # or one of two alike there
    assert not variants.vowel_apart("مقاتلو", "مقاتل") and not variants.vowel_apart("عسكريي", "عسكري")  # an ending
    assert variants.vowel_apart("تايلور", "تيلور") and variants.vowel_apart("الكساندر", "الكسندر")
    assert not variants.vowel_apart("جداول", "جدول")  # a third ا: a broken plural's, a verb's (تلامس)
    assert not variants.vowel_apart("ترامب", "ترمب")  # so also a name's there, left to the other evidence
    assert not variants.vowel_apart("يذوب", "يذيب") and not variants.vowel_apart("امريك", "اميرك")


def test_a_pair_one_long_vowel_apart_asks_its_neighbours_from_a_lower_score(tmp_path):
    """Two known names or words one ي or و apart score low on the lexicon
    (داود / داوود); their neighbours are read from MinerConfig.vowel_floor,
    below the floor of other pairs, and decide."""
    records = _archive({"alpha": SPELLINGS["alpha"]}, per_kind=14, seed=3, europe=False)
    records += _archive({"beta": SPELLINGS["beta"]}, per_kind=6, seed=4, start=len(records), europe=False)
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    vowel = frozenset((_stem("هوليوود"), _stem("هوليود")))  # a و in or out
    g = frozenset((_stem("إنجلترا"), _stem("إنكلترا")))  # one letter for another
    # Nothing passes the threshold and no pair's score the general floor:
    # only the vowel floor can send a pair to its neighbours.
    config = variants.MinerConfig(threshold=50.0, neighbour_floor=50.0, vowel_floor=-100.0)
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, config, only=vowel | g)}
        assert judged[vowel].neighbours is not None and judged[vowel].same
        assert judged[g].neighbours is None and not judged[g].same
        without = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, replace(config, vowel_floor=None),
                                                                   only=vowel | g)}
        assert without[vowel].neighbours is None and not without[vowel].same


def test_an_alef_written_ya_inside_a_stem_is_an_alef_for_ya_pair():
    assert variants.alef_for_ya("جازان", "جيزان") and variants.alef_for_ya("ديفيد", "دافيد")
    assert variants.alef_for_ya("دانييل", "دانيال")
    assert not variants.alef_for_ya("مدير", "مدار")  # four letters: mostly two words (حدود / حديد)
    assert not variants.alef_for_ya("ايباد", "ايبود")  # و for ا: iPad, iPod
    assert not variants.alef_for_ya("اسلمي", "اسلما") and not variants.alef_for_ya("يكتبن", "اكتبن")  # last, first
    assert not variants.alef_for_ya("جازان", "جيزون")  # two letters changed
    assert not variants.alef_for_ya("جازان", "جيزان", None)


def test_an_alef_written_ya_asks_its_neighbours_from_the_lower_score(tmp_path):
    """جازان / جيزان, two spellings of one province, both known: their
    neighbours are read from MinerConfig.vowel_floor when the rule is on
    (vowel_swap_length), and not without it."""
    records = _archive({"alpha": ("جازان", "إنجلترا", "")}, per_kind=14, seed=3, europe=False)
    records += _archive({"beta": ("جيزان", "إنكلترا", "")}, per_kind=6, seed=4, start=len(records), europe=False)
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    swapped = frozenset((_stem("جازان"), _stem("جيزان")))
    assert swapped == {"جازان", "جيزان"}
    config = variants.MinerConfig(threshold=50.0, neighbour_floor=50.0, vowel_floor=-100.0)
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, config, only=swapped)}
        assert judged[swapped].neighbours is not None and judged[swapped].same
        off = replace(config, vowel_swap_length=None)
        judged = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, off, only=swapped)}
        assert judged[swapped].neighbours is None and not judged[swapped].same
    assert swapped in _pairs(index_dir)  # a build with the defaults joins them too
    assert _found(index_dir, "جيزان") == _titled(records, "جازان", "جيزان")


def test_a_name_in_alef_is_spelled_as_its_nisba_adjective(tmp_path):
    """Each outlet writes its own spelling of the adjective (الأوروبي /
    الأوربي), which the outlets' test joins, but both write both spellings
    of the name (أوروبا / أوربا), in stories of other things, so nothing
    joins those: the name's stems are joined because the adjective's are
    (MinerConfig.name_of_nisba)."""
    rng = random.Random(11)
    records = []
    for outlet, adjective in (("alpha", "الأوروبي"), ("beta", "الأوربي")):
        for n in range(14):
            records.append({"id": f"{outlet}-adj{n}", "title": adjective, "source": outlet, "date": "2019-01-01",
                            "body": " ".join(_story(rng, FOOTBALL, adjective) for _ in range(3))})
            name, words = (("أوروبا", MATTER), ("أوربا", PALACE))[n % 2]
            records.append({"id": f"{outlet}-name{n}", "title": name, "source": outlet, "date": "2019-01-02",
                            "body": " ".join(_story(rng, words, name) for _ in range(3))})
            records.append({"id": f"{outlet}-film{n}", "title": "فيلم", "source": outlet, "date": "2019-01-03",
                            "body": _story(rng, CINEMA, "الفيلم")})
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    adjective = frozenset((_stem("الأوروبي"), _stem("الأوربي")))
    name = frozenset((_stem("أوروبا"), _stem("أوربا")))
    assert {stem + "ا" for stem in adjective} == name
    with idx.open_index(index_dir).searcher() as searcher:
        for rule in (True, False):
            config = variants.MinerConfig(name_of_nisba=rule)
            judged = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, config)}
            assert judged[adjective].same
            assert judged[name].style == 0.0  # both outlets write both, in other stories: no evidence of its own
            assert bool(judged[name].same) is rule
    assert name in _pairs(index_dir)  # and so a build with the defaults
    assert _found(index_dir, "أوربا") == _titled(records, "أوروبا", "أوربا")


def test_a_name_written_with_a_final_ta_by_one_outlet_and_alef_by_another_is_one_word(tmp_path):
    """بنزيمة (stem بنزيم) and بنزيما meet as candidates because the articles
    write the first with ة, and the outlets and their stories join them:
    a search for either finds both outlets' articles."""
    outlets = {"alpha": ("هوليوود", "بنزيمة", "بروكسل"), "beta": ("هوليود", "بنزيما", "بروكسيل")}
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", _archive(outlets, 14, seed=5, europe=False))]))
    assert (_stem("بنزيمة"), _stem("بنزيما")) == ("بنزيم", "بنزيما")
    assert frozenset(("بنزيم", "بنزيما")) in _pairs(index_dir)
    searcher = Searcher(index_dir)
    try:
        for typed in ("بنزيمة", "بنزيما"):
            hits = searcher.search(typed, per_page=100).hits
            assert {h.source for h in hits} == {"alpha", "beta"}, typed
            assert len(hits) == 28  # the 14 football stories of each outlet
    finally:
        searcher.close()


FOOD = "وصفة طماطم جبن فرن صلصة مطبخ طهي زيت ملح بصل ثوم دقيق طبق".split()


def test_a_pair_the_outlets_join_but_its_articles_do_not_waits_for_its_neighbours(tmp_path):
    """Two outlets write ماكرون in stories of Europe, a third writes مكرونة
    (pasta) in recipes: the house-style test sees one name spelled two ways
    by its outlets, but the two share no context, so the words they stand
    between decide (MinerConfig.context_floor), and they share none.  They
    would decide too for a context above that floor, the score joining the
    two with little to spare (MinerConfig.confirm_below)."""
    rng = random.Random(7)
    records = []
    for outlet, name, words in (("alpha", "ماكرون", EUROPE), ("gamma", "ماكرون", EUROPE), ("beta", "مكرونة", FOOD)):
        for n in range(30):
            records.append({"id": f"{outlet}{n}", "title": name, "body": " ".join(_story(rng, words, name) for _ in range(3)),
                            "source": outlet, "date": "2018-05-01"})
            records.append({"id": f"{outlet}-film{n}", "title": "فيلم", "body": _story(rng, CINEMA, "الفيلم"),
                            "source": outlet, "date": "2018-05-01"})
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    pair = frozenset((_stem("ماكرون"), _stem("مكرونة")))
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {frozenset((e.a, e.b)): e for e in variants.mine(searcher)}[pair]
        assert judged.style == 1.0 and judged.similarity < 0.1
        assert judged.neighbours is not None and not judged.same
        # Each of the two checks parts them alone: the score joins them with
        # little to spare (below confirm_below) and each stem is in 60
        # articles, whose neighbours are read well (MinerConfig.confirm_min).
        assert judged.score < variants.MinerConfig().confirm_below
        for context_floor, confirm_below in ((None, 0.0), (0.1, None), (None, None)):
            config = replace(variants.MinerConfig(), context_floor=context_floor, confirm_below=confirm_below)
            verdict = {frozenset((e.a, e.b)): e for e in variants.mine(searcher, config)}[pair]
            assert bool(verdict.same) is (context_floor is None and confirm_below is None)
    assert pair not in _pairs(index_dir)


def test_a_search_finds_every_spelling_and_prefers_the_one_typed(archive):
    s = Searcher(archive)
    try:
        results = s.search("هوليود", per_page=100)
        sources = {h.source for h in results.hits}
        assert sources == {"alpha", "beta"}  # both spellings found
        assert results.hits[0].source == "beta"  # the typed spelling first
        assert results.spellings == {"هوليود": ["هوليود", "هوليوود"]}
        assert "<mark>هوليوود</mark>" in " ".join(h.snippet for h in results.hits)
        # In quotes: the spelling typed only.
        quoted = s.search('"هوليود"', per_page=100)
        assert {h.source for h in quoted.hits} == {"beta"}
        assert quoted.spellings == {}
        # Different words stay apart.
        assert all("الأمير" in h.title or "الأمير" in h.snippet for h in s.search("الأمير", per_page=100).hits)
        # Measuring without the table searches the typed spelling only.
        off = Searcher(archive, SearchOptions(spellings=False))
        try:
            assert {h.source for h in off.search("هوليود", per_page=100).hits} == {"beta"}
        finally:
            off.close()
    finally:
        s.close()


def test_a_rarer_spelling_scores_as_the_one_typed_not_above_it(tmp_path):
    """Whoosh scores each spelling with its own idf, so an article that
    writes the rarer spelling of a pair would outscore one that writes the
    spelling typed, word for word the same: the table keeps the pairs'
    numbers, and the rarer spelling is searched at the typed one's idf
    (Spellings.weight), so the exact form's bonus puts the typed first."""
    records = _archive({"alpha": SPELLINGS["alpha"]}, per_kind=30, seed=3, europe=False)
    records += _archive({"beta": SPELLINGS["beta"]}, per_kind=5, seed=4, start=len(records), europe=False)
    twins = "حفل توزيع جائزة الأوسكار في {} الليلة بحضور نجوم السينما والمخرجين والنقاد."
    records += [{"id": f"twin-{name}", "title": "حفل", "body": twins.format(name), "source": "gamma",
                 "date": "2018-06-01"} for name in ("هوليوود", "هوليود")]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    common, rare = _stem("هوليوود"), _stem("هوليود")
    assert frozenset((common, rare)) in _pairs(index_dir)
    table = Spellings.load(idx.resolve(index_dir))
    assert 0.5 < table.weight(rare, common) < 1.0  # 31 articles beside 6: a lower idf
    assert table.weight(common, rare) == 1.0  # the commoner one, typed rare, as before
    assert table.weight(rare) == 1.0  # no word typed: no ratio
    searcher = Searcher(index_dir)
    try:
        for typed, other in (("هوليوود", "هوليود"), ("هوليود", "هوليوود")):
            order = [h.id for h in searcher.search(typed, per_page=100).hits]
            assert order.index(f"twin-{typed}") < order.index(f"twin-{other}"), typed
        writes_rare = {r["id"] for r in records if r["title"] == "هوليود"}
        assert searcher.search("هوليوود").hits[0].id not in writes_rare  # they came first
    finally:
        searcher.close()


def test_an_add_mines_the_new_words_and_keeps_the_old_pairs(archive, tmp_path):
    archive = Path(shutil.copytree(archive, tmp_path / "index", symlinks=True))  # the other tests keep theirs
    before = _pairs(archive)
    added = write_jsonl(tmp_path / "europe.jsonl", _archive(SPELLINGS, per_kind=14, seed=2, start=1000))
    s = Searcher(archive)
    try:
        assert s.search("بروكسيل").total == 0  # Brussels comes with the add
        idx.add(archive, read_sources([added]))
        after = _pairs(archive)
        assert before <= after
        assert frozenset((_stem("بروكسل"), _stem("بروكسيل"))) in after
        results = s.search("بروكسيل", per_page=100)  # the running searcher reads the new table
        assert {h.source for h in results.hits} == {"alpha", "beta"}
        assert results.spellings == {"بروكسيل": ["بروكسيل", "بروكسل"]}
        # The pairs' numbers (Spellings.weight) are the index's after the add, old pairs' too.
        table = json.loads((idx.resolve(archive) / variants.FILE).read_text(encoding="utf-8"))
        with idx.open_index(archive).searcher() as searcher:
            assert table["articles"] == searcher.doc_count_all()
            assert table["frequencies"] == {stem: searcher.doc_frequency("text", stem)
                                            for pair in after for stem in pair}
    finally:
        s.close()


def test_the_page_and_the_api_say_which_spellings_were_searched(archive):
    from html.parser import HTMLParser

    from web import create_app

    app = create_app({"INDEX_DIR": str(archive), "TESTING": True})
    client = app.test_client()
    body = client.get("/api/search", query_string={"q": "هوليود"}).get_json()
    assert body["spellings"] == {"هوليود": ["هوليود", "هوليوود"]}
    assert client.get("/api/search", query_string={"q": '"هوليود"'}).get_json()["spellings"] == {}

    page = client.get("/search", query_string={"q": "هوليود"})
    assert page.status_code == 200

    class Notice(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.text, self.links = False, "", []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id") == "spellings":
                self.inside = True
            if self.inside and tag == "a":
                self.links.append(attrs["href"])

        def handle_endtag(self, tag):
            if tag == "div":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.text += data

    notice = Notice()
    notice.feed(page.get_data(as_text=True))
    assert "«هوليوود»" in notice.text
    assert len(notice.links) == 1
    typed_only = client.get(notice.links[0])  # the typed spelling only: no notice, beta's articles only
    assert 'id="spellings"' not in typed_only.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": '"هوليود"'}).get_json()["total"] == 14  # one outlet
    assert client.get("/api/search", query_string={"q": "هوليود"}).get_json()["total"] == 28  # both


def test_the_spelling_evaluation_measures_what_a_search_finds(archive):
    from search.evaluate import SpellingPair, spelling_measures

    articles = [a for a in read_sources([archive.parent / "news.jsonl"]) if not isinstance(a, Problem)]
    pairs = [
        SpellingPair("variant", "هوليوود", "هوليود"),
        SpellingPair("variant", "إنجلترا", "إنكلترا"),
        SpellingPair("distinct", "الأمير", "الأمر"),
    ]
    s = Searcher(archive)
    off = Searcher(archive, SearchOptions(spellings=False))
    try:
        assert spelling_measures(s, articles, pairs) == {"variant recall": 1.0, "leak": 0.0}
        assert spelling_measures(off, articles, pairs) == {"variant recall": 0.0, "leak": 0.0}
    finally:
        s.close()
        off.close()


def test_respellings_are_the_changes_names_are_respelled_by():
    same = [
        ("ماكرن", "ماكرون"),  # a long vowel written or not
        ("فينزويلا", "فنزويلا"),
        ("أردوجان", "أردوغان"),  # the g sound
        ("جوتيريش", "غوتيريش"),  # ... as the first letter too
        ("ليثوانيا", "ليتوانيا"),  # the t sound
        ("الفيطو", "الفيتو"),
        ("بيلوزي", "بيلوسي"),  # the s sound
        ("كسينجر", "كيسنجر"),  # ي on the other side of a neighbour
        ("أمريكي", "أميركي"),
        ("الكهربا", "الكهرباء"),  # a last ء after ا left out
        ("الأعضا", "الأعضاء"),
        ("مورينهو", "مورينيو"),  # a Portuguese -inho, its nh written نه or ني
        ("رونالدينهو", "رونالدينيو"),
        ("ماركينهوس", "ماركينيوس"),
    ]
    for typed, other in same:
        assert normalize(other) in respellings(normalize(typed)), (typed, other)
        assert normalize(typed) in respellings(normalize(other)), (other, typed)
    apart = [
        ("توليدو", "توليد"),  # no vowel comes or goes at either end of the word
        ("سامو", "سامي"),
        ("وتجاذبا", "وتجاذبوا"),  # nor the و of a verb's plural
        ("توفقا", "تفوقا"),  # only ي changes sides
        ("المقراب", "المغرب"),  # one change, not two
        ("متسلطا", "متسلطه"),
        ("سلاح", "فلاح"),  # letters of different sounds
        ("الأعضاء", "الأعض"),  # a ء goes only with the ا before it
        ("تعيينهم", "تعيينيم"),  # ه for ي only in a name's -inho, before its و
        ("الدهون", "الديون"),
    ]
    for typed, other in apart:
        assert normalize(other) not in respellings(normalize(typed)), (typed, other)
        assert normalize(typed) not in respellings(normalize(other)), (other, typed)


@pytest.fixture(scope="module")
def names(tmp_path_factory) -> Path:
    """Two names, each written the usual way by most articles and another
    way by one, beside two words one vowel apart."""
    root = tmp_path_factory.mktemp("respell")
    index_dir = root / "index"
    idx.build(index_dir, read_sources([write_jsonl(root / "names.jsonl", _names())]))
    return index_dir


def _names() -> list[dict]:
    rng = random.Random(3)
    records = []
    for n in range(12):
        records.append({"id": f"m{n}", "title": "ماكرون يزور المغرب", "body": _story(rng, EUROPE, "ماكرون"),
                        "source": "alpha", "date": "2019-01-02"})
        records.append({"id": f"k{n}", "title": "ميركل في برلين", "body": _story(rng, EUROPE, "ميركل"),
                        "source": "beta", "date": "2019-01-03"})
        records.append({"id": f"w{n}", "title": "الأمر", "body": _story(rng, MATTER, "الأمر"),
                        "source": "alpha", "date": "2019-01-04"})
    records.append({"id": "k-rare", "title": "ميركيل تستقبل", "body": _story(rng, EUROPE, "ميركيل"),
                    "source": "gamma", "date": "2019-01-05"})
    # One vowel from ميركل too, but written among other words: no spelling of it.
    records.append({"id": "p-rare", "title": "الديوان", "body": _story(rng, PALACE, "ميركال"),
                    "source": "gamma", "date": "2019-01-06"})
    return records


def test_an_add_joins_a_hardly_written_spelling_to_the_usual_one(tmp_path):
    records = _names()
    rare = [r for r in records if r["id"] == "k-rare"]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "old.jsonl", [r for r in records if r not in rare])]))
    s = Searcher(index_dir)
    try:
        assert s.search("ميركل").spellings == {}
        idx.add(index_dir, read_sources([write_jsonl(tmp_path / "new.jsonl", rare)]))
        results = s.search("ميركل", per_page=100)
        assert results.spellings == {"ميركل": ["ميركل", "ميركيل"]} and "k-rare" in {h.id for h in results.hits}
    finally:
        s.close()


def test_an_add_joins_a_spelling_a_few_articles_write(tmp_path):
    records = _minority("فيروس", "فايروس", same_places=True)
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "old.jsonl", records[:30])]))
    s = Searcher(index_dir)
    try:
        assert s.search("فيروس").spellings == {}
        idx.add(index_dir, read_sources([write_jsonl(tmp_path / "new.jsonl", records[30:])]))
        results = s.search("فيروس", per_page=100)
        assert results.spellings == {"فيروس": ["فيروس", "فايروس"]} and results.total == 36
    finally:
        s.close()


def _one_rare_spelling(tmp_path: Path, usual: str, rare: str, title: str, seed: int) -> Path:
    """An index of twelve articles that write ``usual`` and one, v-rare,
    that writes ``rare`` among words none of them has."""
    rng = random.Random(seed)
    records = [
        {"id": f"v{n}", "title": title, "body": _story(rng, EUROPE, usual), "source": "alpha", "date": "2019-01-02"}
        for n in range(12)
    ]
    records.append({"id": "v-rare", "title": "الديوان", "body": _story(rng, PALACE, rare),
                    "source": "gamma", "date": "2019-01-06"})
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    return index_dir


def test_a_long_hardly_written_spelling_needs_no_neighbours(tmp_path):
    """One article writes فينزويلا among words no فنزويلا article has: a
    6-letter spelling so placed stays apart (ميركال in _names), a 7-letter one
    is the usual name written another way."""
    index_dir = _one_rare_spelling(tmp_path, "فنزويلا", "فينزويلا", "فنزويلا والاتحاد", 5)
    leaf = (_stem("فينزويلا"), _stem("فنزويلا"))
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {(e.a, e.b): e for e in variants.mine(searcher)}
        assert judged[leaf].same and judged[leaf].neighbours is None
        config = replace(variants.MinerConfig(), rare_sure_length=len(leaf[0]) + 1, hardly_sure_length=None)
        judged = {(e.a, e.b): e for e in variants.mine(searcher, config)}
        assert not judged[leaf].same and judged[leaf].neighbours is not None
    s = Searcher(index_dir)
    try:
        results = s.search("فنزويلا", per_page=100)
        assert "v-rare" in {h.id for h in results.hits} and results.hits[-1].id == "v-rare"
        assert results.spellings == {"فنزويلا": ["فنزويلا", "فينزويلا"]}
    finally:
        s.close()


def test_a_portuguese_inho_written_with_ha_is_the_name(tmp_path):
    """رونالدينهو is رونالدينيو with the nh written نه: one article that
    writes it is found by a search for the usual spelling, and the other
    way round."""
    index_dir = _one_rare_spelling(tmp_path, "رونالدينيو", "رونالدينهو", "رونالدينيو يعود", 11)
    s = Searcher(index_dir)
    try:
        results = s.search("رونالدينيو", per_page=100)
        assert results.total == 13 and results.hits[-1].id == "v-rare"
        assert results.spellings == {"رونالدينيو": ["رونالدينيو", "رونالدينهو"]}
        assert s.search("رونالدينهو", per_page=100).total == 13
    finally:
        s.close()


def _long_spelling(tmp_path: Path, usual: str, rare: str, rare_count: int = 6) -> Path:
    """Thirty articles that write ``usual`` and ``rare_count`` of the same
    outlet that write ``rare``, about other things: the evidence says two
    words, and so do the neighbours."""
    rng = random.Random(7)
    records = [
        {"id": f"v{n}", "title": f"{usual} والاتحاد", "body": _story(rng, EUROPE, usual),
         "source": "alpha", "date": "2019-01-02"}
        for n in range(30)
    ]
    records += [
        {"id": f"v-rare{n}", "title": "الديوان", "body": _story(rng, PALACE, rare),
         "source": "alpha", "date": "2019-01-06"}
        for n in range(rare_count)
    ]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    return index_dir


@pytest.mark.parametrize(
    "usual, rare, switch",
    [
        # Unknown to the lexicon, in 6 articles, not only 1-4.
        ("فنزويلا", "فينزويلا", "rare_sure_any_df"),
        # Known to it (zipf 3.4), but less than the usual spelling (4.5).
        ("تلفزيون", "تليفزيون", "rare_sure_known"),
        # Unknown, and whole only since the stemmer cuts it as it cuts
        # كولومبيا (StemConfig.known_spelling_length): else كولمب, no
        # respelling of كولومبيا.
        ("كولومبيا", "كولمبيا", "rare_sure_any_df"),
    ],
)
def test_a_long_spelling_joins_its_usual_one_however_many_articles_write_it(tmp_path, usual, rare, switch):
    """A long stem, one respelling from a stem five times as common, is that
    stem's spelling (MinerConfig.rare_sure_any_df, rare_sure_known), though
    the evidence says two words."""
    index_dir = _long_spelling(tmp_path, usual, rare)
    leaf = (_stem(rare), _stem(usual))
    with idx.open_index(index_dir).searcher() as searcher:
        judged = variants.mine(searcher)
        assert [(e.a, e.b, e.leaf) for e in judged if e.same] == [(*leaf, True)]
        assert not any(e.same for e in variants.mine(searcher, replace(variants.MinerConfig(), **{switch: False})))
    s = Searcher(index_dir)
    try:
        results = s.search(usual, per_page=100)
        assert results.total == 36 and {h.id for h in results.hits[-6:]} == {f"v-rare{n}" for n in range(6)}
        assert results.spellings == {usual: [usual, rare]}
    finally:
        s.close()


@pytest.mark.parametrize(
    "usual, rare, length",
    [
        ("طاجيكستان", "طاجكستان", 8),  # 8 letters: joined
        ("مارسيل", "مارسيال", 7),  # Marcel and Martial, 7 letters: apart
    ],
)
def test_a_long_name_joins_a_spelling_in_more_articles_not_five_times_more(tmp_path, usual, rare, length):
    """Twelve articles write the rare spelling beside thirty the usual one:
    short of rare_ratio (5), so the evidence decides, and says two words.
    A stem of MinerConfig.long_ratio_length letters or more needs only the
    commoner spelling; a shorter one keeps the ratio."""
    index_dir = _long_spelling(tmp_path, usual, rare, rare_count=12)
    leaf = (_stem(rare), _stem(usual))
    assert len(leaf[0]) == length
    config = variants.MinerConfig()
    with idx.open_index(index_dir).searcher() as searcher:
        joined = [(e.a, e.b, e.leaf) for e in variants.mine(searcher) if e.same]
        assert joined == ([(*leaf, True)] if length >= config.long_ratio_length else [])
        for switch in (None, length + 1):  # off, or longer than the stem: apart
            assert not any(e.same for e in variants.mine(searcher, replace(config, long_ratio_length=switch)))
        lowered = replace(config, long_ratio_length=length)
        assert [(e.a, e.b) for e in variants.mine(searcher, lowered) if e.same] == [leaf]
    s = Searcher(index_dir)
    try:
        results = s.search(usual, per_page=100)
        expected = 42 if length >= config.long_ratio_length else 30
        assert results.total == expected and bool(results.spellings) == (expected == 42)
    finally:
        s.close()


def _minority(usual: str, rare: str, same_places: bool) -> list[dict]:
    """Thirty articles of one outlet that write ``usual``, and six of it
    that write ``rare``: among the same words, or among others."""
    rng = random.Random(11)
    records = [
        {"id": f"v{n}", "title": f"{usual} والاتحاد", "body": _story(rng, EUROPE, usual),
         "source": "alpha", "date": "2019-01-02"}
        for n in range(30)
    ]
    places = EUROPE if same_places else PALACE
    return records + [
        {"id": f"v-rare{n}", "title": "الديوان", "body": _story(rng, places, rare), "source": "alpha", "date": "2019-01-06"}
        for n in range(6)
    ]


@pytest.mark.parametrize("same_places", [True, False])
def test_a_spelling_a_few_articles_write_joins_the_usual_one_where_it_stands_in_its_places(tmp_path, same_places):
    """فايروس in 6 articles of the outlet that writes فيروس in 30: too many
    articles for a hardly written spelling, too short for a long one
    (MinerConfig.rare_sure_length), known to the lexicon, and no house
    style to tell.  It joins when most of its neighbours are the usual
    spelling's too (MinerConfig.minority_share), not when it stands
    elsewhere."""
    usual, rare = "فيروس", "فايروس"
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", _minority(usual, rare, same_places))]))
    leaf = (_stem(rare), _stem(usual))
    assert len(leaf[0]) < variants.MinerConfig.rare_sure_length
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {(e.a, e.b): e for e in variants.mine(searcher)}
        assert judged[leaf].leaf and judged[leaf].same is same_places
        assert (judged[leaf].neighbours >= 0.5) is same_places  # the share of its neighbours beside فيروس
        off = replace(variants.MinerConfig(), minority_share=None)
        assert not any(e.same for e in variants.mine(searcher, off))  # nothing else joins them
    s = Searcher(index_dir)
    try:
        results = s.search(usual, per_page=100)
        assert results.total == (36 if same_places else 30)
        if same_places:
            assert {h.id for h in results.hits[-6:]} == {f"v-rare{n}" for n in range(6)}
            assert results.spellings == {usual: [usual, rare]}
            assert {h.id for h in s.search(rare, per_page=100).hits[:6]} == {f"v-rare{n}" for n in range(6)}
    finally:
        s.close()


@pytest.mark.parametrize(
    "usual, rare, joins",
    [
        ("غلاسكو", "جلاسكو", True),  # Glasgow, a g written the Egyptian way
        ("ديغول", "ديجول", True),
        ("مغامر", "مجامر", False),  # the usual spelling a common Arabic word
        ("جلاسكو", "غلاسكو", False),  # غ where the usual spelling writes ج
    ],
)
def test_a_short_name_with_an_egyptian_g_joins_its_usual_spelling(tmp_path, usual, rare, joins):
    """A rare stem of 5-6 letters that writes a g as ج where its usual
    spelling writes غ is that spelling without its neighbours' say
    (MinerConfig.egyptian_g); another letter, or a common word, is not."""
    index_dir = _long_spelling(tmp_path, usual, rare, rare_count=2)
    leaf = (_stem(rare), _stem(usual))
    assert len(leaf[0]) < variants.MinerConfig.rare_sure_length
    with idx.open_index(index_dir).searcher() as searcher:
        assert (leaf in {(e.a, e.b) for e in variants.mine(searcher) if e.same and e.leaf}) is joins
        off = replace(variants.MinerConfig(), egyptian_g=False)
        assert not any(e.same for e in variants.mine(searcher, off))
    if joins:
        s = Searcher(index_dir)
        try:
            results = s.search(usual, per_page=100)
            assert results.total == 32 and {h.id for h in results.hits[-2:]} == {"v-rare0", "v-rare1"}
            assert results.spellings == {usual: [usual, rare]}
        finally:
            s.close()


@pytest.mark.parametrize(
    "usual, rare, joins",
    [
        ("ميركل", "ميركيل", True),  # a ي written in: 6 letters, two articles
        ("بوروندي", "بورندي", True),  # a و left out
        ("ميركل", "ميركال", False),  # an ا: mostly a verb's or a participle's other form
        ("مطارد", "مطاريد", False),  # a broken plural with ي beside one without
        ("جنيف", "جينيف", False),  # 5 letters
    ],
)
def test_a_hardly_written_spelling_with_a_long_vowel_more_or_less_joins_without_neighbours(
        tmp_path, usual, rare, joins):
    """Two articles write a 6-letter spelling among words no article of the
    usual one has: the neighbours say two words, but a stem the archive
    hardly writes, a ي or و from one fifteen times as common, is that word
    (MinerConfig.hardly_sure_length), searched at a quarter of its weight
    (hardly_share).  An ا more or less, a plural's pattern or a shorter
    stem still needs the neighbours."""
    index_dir = _long_spelling(tmp_path, usual, rare, rare_count=2)
    leaf = (_stem(rare), _stem(usual))
    assert len(leaf[0]) < variants.MinerConfig.rare_sure_length
    with idx.open_index(index_dir).searcher() as searcher:
        judged = {(e.a, e.b): e for e in variants.mine(searcher)}
        assert judged[leaf].leaf and judged[leaf].same is joins
        if joins:
            assert judged[leaf].neighbours is None and judged[leaf].share == variants.MinerConfig.hardly_share
        off = replace(variants.MinerConfig(), hardly_sure_length=None)
        assert not any(e.same for e in variants.mine(searcher, off))
    s = Searcher(index_dir)
    try:
        results = s.search(usual, per_page=100)
        assert results.total == (32 if joins else 30)
        if joins:
            assert {h.id for h in results.hits[-2:]} == {"v-rare0", "v-rare1"}
            assert results.spellings == {usual: [usual, rare]}
    finally:
        s.close()
    table = json.loads((idx.resolve(index_dir) / variants.FILE).read_text(encoding="utf-8"))
    weights = {stem: weight for stem, _usual, weight in table["leaves"]}
    assert (leaf[0] in weights) is joins
    if joins:  # a quarter of the usual spelling's weight, by the ratio of their idfs
        assert weights[leaf[0]] == variants.leaf_weight(2, 30, 32, variants.MinerConfig.hardly_share)


def test_a_word_typed_without_its_last_hamza_finds_it(names):
    """Hurried writing leaves out a last ء after ا (الاعضا for الأعضاء):
    typed so, where no article writes it, the word is searched as written."""
    s = Searcher(names)
    try:
        written = s.matching_ids("الأعضاء")
        assert written and s.matching_ids("الاعضا") == written
        assert s.search("الاعضا").spellings == {"الاعضا": ["الاعضا", "الأعضاء"]}
    finally:
        s.close()


def test_a_spelling_the_archive_hardly_writes_finds_the_usual_one(names):
    s = Searcher(names)
    try:
        # Written by no article: the usual spelling's articles, and the page says so.
        results = s.search("ماكرن", per_page=100)
        assert {h.id for h in results.hits} == {f"m{n}" for n in range(12)}
        assert results.spellings == {"ماكرن": ["ماكرن", "ماكرون"]}
        assert "<mark>ماكرون</mark>" in results.hits[0].title_html
        assert s.matching_ids("ماكرن") == {f"m{n}" for n in range(12)}
        # Written by one article: that article first, then the usual spelling's.
        results = s.search("ميركيل", per_page=100)
        assert results.total == 13 and results.hits[0].id == "k-rare"
        assert results.spellings == {"ميركيل": ["ميركيل", "ميركل"]}
        # The article page marks the respelling too, unless told the respellings (a
        # coordinator tells a shard the ones it chose from every shard's counts).
        assert "<mark>ماكرون</mark>" in s.article("m0", "ماكرن").title_html
        assert "<mark>" not in s.article("m0", "ماكرن", respelled={}).title_html
        # With a clitic no article writes with the usual spelling: its stem is respelled.
        results = s.search("لميركيل", per_page=100)
        assert results.total == 13 and results.spellings == {"لميركيل": ["لميركيل", "ميركل"]}
        # The usual spelling finds the rare one where it stands among the same words,
        # after the articles that write it as typed; not where it stands among others.
        results = s.search("ميركل", per_page=100)
        ids = [h.id for h in results.hits]
        assert "k-rare" in ids and ids[0] != "k-rare" and "p-rare" not in ids
        assert results.spellings == {"ميركل": ["ميركل", "ميركيل"]}
        # In quotes, the spelling typed only.
        assert s.search('"ماكرن"').total == 0
        assert s.search('"ميركيل"').total == 1
        # A word general Arabic knows is a word of its own, not a spelling of الأمر.
        assert s.search("الأمير").total == 0
        # A rare form with no preposition or conjunction before it has no stem
        # respelled: اومري (a name, cut to اومر) is not searched as أمر's form.
        results = s.search("اومري")
        assert results.total == 0 and results.spellings == {}
        # With spellings off (to measure them), as typed.
        off = Searcher(names, SearchOptions(spellings=False))
        try:
            assert off.search("ماكرن").total == 0
        finally:
            off.close()
    finally:
        s.close()


def test_the_api_shows_a_respelling(names):
    from web import create_app

    client = create_app({"INDEX_DIR": str(names), "TESTING": True}).test_client()
    body = client.get("/api/search", query_string={"q": "ماكرن ميركيل", "mode": "or"}).get_json()
    assert body["spellings"] == {"ماكرن": ["ماكرن", "ماكرون"], "ميركيل": ["ميركيل", "ميركل"]}
    assert body["total"] == 25


def test_a_spelling_no_article_writes_finds_one_the_archive_hardly_writes(tmp_path):
    # زيلينسكي in two articles: too few to be anyone's usual spelling, but a
    # search for زيلنسكي, which no article writes, has nothing better to find.
    rng = random.Random(5)
    records = [{"id": f"z{n}", "title": "زيلينسكي في بروكسل", "body": _story(rng, EUROPE, "زيلينسكي"),
                "source": "alpha", "date": "2022-03-01"} for n in range(2)]
    records += [{"id": f"w{n}", "title": "الأمر", "body": _story(rng, MATTER, "الأمر"),
                 "source": "beta", "date": "2022-03-02"} for n in range(6)]
    records += [{"id": f"b{n}", "title": "بلينكن في بروكسل", "body": _story(rng, EUROPE, "بلينكن"),
                 "source": "beta", "date": "2022-03-02"} for n in range(2)]
    records += [{"id": f"n{n}", "title": "أمطار في الشمال", "body": _story(rng, MATTER, "الشمال"),
                 "source": "beta", "date": "2022-03-02"} for n in range(6)]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "z.jsonl", records)]))
    s = Searcher(index_dir)
    try:
        results = s.search("زيلنسكي")
        assert {h.id for h in results.hits} == {"z0", "z1"}
        assert results.spellings == {"زيلنسكي": ["زيلنسكي", "زيلينسكي"]}
        assert s.search('"زيلنسكي"').total == 0
        # بلنكن is cut to لنكن ("let us be"), a word the lexicon knows but no article has.
        results = s.search("بلنكن")
        assert {h.id for h in results.hits} == {"b0", "b1"}
        assert results.spellings == {"بلنكن": ["بلنكن", "بلينكن"]}
        # ... but the stem's own respellings are mostly other words: شملتها (شمل) is not الشمال.
        assert s.search("شملتها").total == 0
        # A spelling written in one article is not respelled to one written in two.
        records.append({"id": "z-rare", "title": "زيلنسكي", "body": _story(rng, EUROPE, "زيلنسكي"),
                        "source": "gamma", "date": "2022-03-03"})
        idx.add(index_dir, read_sources([write_jsonl(tmp_path / "more.jsonl", records[-1:])]))
        assert {h.id for h in s.search("زيلنسكي").hits} == {"z-rare"}
    finally:
        s.close()


def test_a_rare_spelling_the_stemmer_cuts_is_a_form_leaf_of_the_usual_one():
    """كرونا (ك read as a preposition: رون) beside كورونا, kept whole: no pair
    of stems can join them, so the rare word's written forms are the leaf.
    An accusative's alif is not a name's (استنكارا / استنكرا)."""
    from search.stemmer import Stemmer

    stem = Stemmer().stem
    exact = {"كورونا": 30, "بكورونا": 10, "كرونا": 2, "بالكرونا": 1, "استنكارا": 40, "استنكرا": 2}
    assert stem("كرونا") != stem("كورونا") == "كورونا"
    def candidates(exact: dict[str, int]) -> list:
        vocabulary = defaultdict(int)
        for w, n in exact.items():
            vocabulary[stem(w)] += n
        return list(variants.form_candidates(exact, exact.__getitem__, vocabulary, stem))

    leaves = candidates(exact)
    assert [(f.core, f.usual, f.forms, f.df) for f in leaves] == [("كرونا", "كورونا", ("كرونا", "بالكرونا"), 3)]
    # In 6 articles, a spelling a few articles write, while the usual one is
    # in five times as many (40 against 30); in 9, not (45); nor in 6
    # without the minority's test (MinerConfig.minority_share).
    assert [f.df for f in candidates({**exact, "كرونا": 5})] == [6]
    assert not candidates({**exact, "كرونا": 8})
    off = replace(variants.MinerConfig(), minority_share=None)
    assert not list(variants.form_candidates(
        {**exact, "كرونا": 5}, {**exact, "كرونا": 5}.__getitem__, {stem(w): 40 for w in exact}, stem, off))
    # A rare spelling cut to a stem too short for the stems' own leaves
    # (ارتريا → ارتر, 4 letters, beside اريتريا → اريتر) is a form leaf.
    assert [(f.core, f.usual, f.word) for f in candidates({"اريتريا": 40, "ارتريا": 2})] == [
        ("ارتريا", "اريتر", "اريتريا")]
    # An ending of grammar where the usual word has none is another word:
    # a nisba (سريلانكيا, cut to سريلانك), a dual beside a plural.
    assert not candidates({"سريلانكا": 40, "سريلانكيا": 2})
    assert not candidates({"يتزوجن": 40, "يتزوجان": 2})


def form_leaf_records(same_places: bool = True) -> list[dict]:
    """Twelve articles that write كورونا and two that write كرونا (with and
    without a proclitic), in its places or elsewhere."""
    rng = random.Random(3)
    records = [
        {"id": f"c{n}", "title": "كورونا والاتحاد", "body": _story(rng, EUROPE, "كورونا"),
         "source": "alpha", "date": "2020-03-02"}
        for n in range(12)
    ]
    places = EUROPE if same_places else PALACE
    records += [
        {"id": f"c-rare{n}", "title": "الديوان", "body": _story(rng, places, word), "source": "beta", "date": "2020-03-06"}
        for n, word in enumerate(("كرونا", "بالكرونا"))
    ]
    return records


def _form_leaf(tmp_path: Path, same_places: bool) -> Path:
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", form_leaf_records(same_places))]))
    return index_dir


@pytest.mark.parametrize("same_places", [True, False])
def test_a_form_leaf_is_searched_as_written_both_ways(tmp_path, same_places):
    index_dir = _form_leaf(tmp_path, same_places)
    with idx.open_index(index_dir).searcher() as searcher:
        (leaf,) = variants.mine_forms(searcher)
        assert (leaf.core, leaf.usual) == ("كرونا", "كورونا") and leaf.same is same_places
    rare = {"c-rare0", "c-rare1"}
    s = Searcher(index_dir)
    try:
        usual = s.search("كورونا", per_page=100)
        found = {h.id for h in usual.hits}
        assert (rare <= found) is same_places and len(found - rare) == 12
        typed = s.search("كرونا", per_page=100)
        assert ({f"c{n}" for n in range(12)} <= {h.id for h in typed.hits}) is same_places
        if same_places:
            assert {h.id for h in usual.hits[-2:]} == rare  # the spelling typed first
            assert typed.hits[0].id == "c-rare0"  # the word as typed
            assert usual.spellings == {"كورونا": ["كورونا", "كرونا"]}
            assert typed.spellings == {"كرونا": ["كرونا", "كورونا"]}
            assert "<mark>كرونا</mark>" in next(h for h in usual.hits if h.id == "c-rare0").snippet
            assert {h.id for h in s.search('"كورونا"', per_page=100).hits}.isdisjoint(rare)  # in quotes: as typed
        else:
            assert usual.spellings == {} and typed.spellings == {}
    finally:
        s.close()
    if same_places:  # the JSON API and the page say so too
        from web import create_app

        client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
        body = client.get("/api/search", query_string={"q": "كورونا", "per_page": 20}).get_json()
        assert body["spellings"] == {"كورونا": ["كورونا", "كرونا"]} and body["total"] == 14
        page = client.get("/search", query_string={"q": "كورونا"}).get_data(as_text=True)
        assert 'id="spellings"' in page and "«كرونا»" in page


@pytest.mark.parametrize("same_places", [True, False])
def test_a_form_leaf_a_few_articles_write_joins_where_it_stands_in_the_usual_places(tmp_path, same_places):
    """كرونا in 6 articles beside كورونا in 30: too many for a hardly written
    spelling, so judged as a spelling a few articles write, by the share of
    its neighbours that stand beside كورونا too (minority_share)."""
    rng = random.Random(6)
    records = [
        {"id": f"c{n}", "title": "أخبار الاتحاد", "body": _story(rng, EUROPE, "كورونا"), "source": "alpha",
         "date": "2020-03-02"}
        for n in range(30)
    ]
    places = EUROPE if same_places else PALACE
    records += [
        {"id": f"c-rare{n}", "title": "الديوان", "body": _story(rng, places, "كرونا"), "source": "alpha",
         "date": "2020-03-06"}
        for n in range(6)
    ]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    with idx.open_index(index_dir).searcher() as searcher:
        (leaf,) = variants.mine_forms(searcher)
        assert (leaf.core, leaf.df, leaf.same) == ("كرونا", 6, same_places)
        assert (leaf.neighbours >= 0.5) is same_places
    s = Searcher(index_dir)
    try:
        results = s.search("كورونا", per_page=100)
        assert results.total == (36 if same_places else 30)
        if same_places:
            assert {h.id for h in results.hits[-6:]} == {f"c-rare{n}" for n in range(6)}
            assert results.spellings == {"كورونا": ["كورونا", "كرونا"]}
    finally:
        s.close()


def test_a_long_form_leaf_needs_no_neighbours_and_an_add_keeps_it(tmp_path):
    """هولاندا (cut to هولاند, Hollande) beside هولندا: 7 letters, the shape
    alone (MinerConfig.rare_sure_length), whatever its places; an add of
    other articles keeps it in the table.  The page shows هولندا bare, as
    most articles write it, though the first writes only وهولندا."""
    rng = random.Random(4)
    records = [
        {"id": f"h{n}", "title": "أخبار الاتحاد", "body": _story(rng, EUROPE, "وهولندا" if n == 0 else "هولندا"),
         "source": "alpha", "date": "2020-03-02"}
        for n in range(12)
    ] + [{"id": "h-rare", "title": "الديوان", "body": _story(rng, PALACE, "وهولاندا"), "source": "beta", "date": "2020-03-06"}]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    idx.add(index_dir, read_sources([write_jsonl(tmp_path / "more.jsonl", [
        {"id": "m1", "title": "الأسعار", "body": _story(rng, MATTER, "التضخم"), "source": "alpha", "date": "2020-03-07"}])]))
    table = json.loads((idx.resolve(index_dir) / variants.FILE).read_text(encoding="utf-8"))
    assert table["forms"] == [["هولاندا", "هولندا", ["وهولاندا"], table["forms"][0][3]]]
    s = Searcher(index_dir)
    try:
        assert "h-rare" in {h.id for h in s.search("هولندا", per_page=100).hits}
        typed = s.search("هولاندا", per_page=100)  # as no article writes it: the proclitic off
        assert {f"h{n}" for n in range(12)} <= {h.id for h in typed.hits}
        assert typed.spellings == {"هولاندا": ["هولاندا", "هولندا"]}
    finally:
        s.close()


def test_a_form_leaf_is_long_enough_to_need_no_neighbours_without_its_proclitics():
    config = variants.MinerConfig()

    def sure(core: str, usual: str) -> bool:
        return _sure_form(variants.FormLeaf(core, usual, (core,), 1, 50), config)

    assert sure("هولاندا", "هولندا") and sure("باناثيناكوس", "باناثينايكوس")
    assert not sure("بالفاعل", "بالفعل")  # ب + ال + فاعل: a word of 4 letters, not a long name
    assert not sure("كرونا", "كورونا")


def test_a_hardly_written_name_in_ya_is_a_form_leaf_without_its_neighbours(tmp_path):
    """نيجريا in one article (cut to نيجر, as النيجر, Niger, in six others)
    beside نيجيريا (نيجير) in twelve: a ي left out of a name in يا, 6
    letters, joined by its shape whatever its places (forms.hardly_form), at
    the quarter share of the least evidence (MinerConfig.hardly_share)."""
    from search.stemmer import Stemmer

    stem = Stemmer().stem
    assert (stem("نيجريا"), stem("نيجيريا")) == ("نيجر", "نيجير")
    rng = random.Random(5)
    records = [
        {"id": f"n{n}", "title": "أخبار الاتحاد", "body": _story(rng, EUROPE, "نيجيريا"), "source": "alpha",
         "date": "2020-03-02"}
        for n in range(12)
    ] + [{"id": "n-rare", "title": "الديوان", "body": _story(rng, PALACE, "ونيجريا"), "source": "beta",
          "date": "2020-03-06"}] + [
        {"id": f"niger{n}", "title": "الأسعار", "body": _story(rng, MATTER, "النيجر"), "source": "gamma",
         "date": "2020-03-04"}
        for n in range(6)
    ]
    index_dir = tmp_path / "index"
    idx.build(index_dir, read_sources([write_jsonl(tmp_path / "news.jsonl", records)]))
    table = json.loads((idx.resolve(index_dir) / variants.FILE).read_text(encoding="utf-8"))
    weight = variants.leaf_weight(1, 12, 19, variants.MinerConfig().hardly_share)
    assert table["forms"] == [["نيجريا", "نيجير", ["ونيجريا"], weight]]
    s = Searcher(index_dir)
    try:
        usual = s.search("نيجيريا", per_page=100)
        assert usual.total == 13 and usual.hits[-1].id == "n-rare"
        assert {f"n{n}" for n in range(12)} <= {h.id for h in s.search("نيجريا", per_page=100).hits}
    finally:
        s.close()


@pytest.mark.parametrize("core, word, df, joined", [
    ("ليبريا", "ليبيريا", 2, True),  # a ي left out of a country's name
    ("مرسليا", "مرسيليا", 1, True),
    ("كرواتا", "كرواتيا", 1, True),  # ... before its last letter
    ("ليبريا", "ليبيريا", 5, False),  # in min_df articles: the evidence decides
    ("ايطليا", "ايطاليا", 1, False),  # an ا: mostly another form of a word (hardly_leaf)
    ("عواصمه", "عاصمه", 1, False),  # not a name in يا: a pronoun's ending
    ("كرونا", "كورونا", 1, False),  # 5 letters: the neighbours decide
])
def test_a_form_leaf_of_a_name_in_ya_needs_no_neighbours_by_its_shape(core, word, df, joined):
    leaf = variants.FormLeaf(core, word[:-2] if word.endswith("يا") else word, (core,), df, 50, word=word)
    assert hardly_form(leaf, variants.MinerConfig()) is joined
