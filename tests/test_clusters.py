"""Wire copies: found at build time, joined at add time without a rebuild,
folded by the searcher; different stories stay apart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from search import clusters
from search import index as idx
from search.ingest import read_sources
from search.searcher import Searcher

STORY = (
    "وقعت الحكومة اليوم اتفاقا مع النقابات لإنهاء الإضراب الذي استمر ثلاثة أسابيع في مصانع النسيج. "
    "وقال وزير العمل في مؤتمر صحفي إن الاتفاق يضمن زيادة الأجور بنسبة عشرة في المئة ويعيد العمال إلى "
    "المصانع ابتداء من الأسبوع المقبل، فيما رحبت النقابات بالخطوة ودعت إلى تطبيقها دون تأخير."
)
OTHER = (
    "ناقش البرلمان موازنة العام المقبل في جلسة طويلة، وانتقد نواب المعارضة سياسات الحكومة في الإنفاق "
    "على المشاريع الكبرى، وطالبوا بتوجيه الأموال إلى التعليم والصحة بدلا من ذلك، بينما دافع وزير المالية "
    "عن خطته وقال إنها تحمي الاقتصاد من الركود وتتفق مع مطالب النقابات."
)
# The same agency story as three papers ran it: diacritics, another
# headline, a line added at the end.
ARTICLES = [
    {"id": "paper-b", "title": "اتفاق ينهي إضراب النسيج", "body": STORY, "date": "2022-09-11", "source": "b"},
    {"id": "paper-a", "title": "الحكومة توقع اتفاقاً مع النقابات", "body": STORY.replace("اتفاقا", "اتفاقاً"),
     "date": "2022-09-10", "source": "a"},
    {"id": "paper-c", "title": "نهاية الإضراب", "body": STORY + " وأضاف الوزير أن الحوار سيستمر.",
     "date": "2022-09-12", "source": "c"},
    {"id": "budget", "title": "البرلمان يناقش الموازنة والنقابات", "body": OTHER, "date": "2022-09-12",
     "source": "a"},
]


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def copies_index(tmp_path: Path) -> Path:
    target = tmp_path / "index"
    idx.build(target, read_sources([write(tmp_path / "a.jsonl", ARTICLES)]))
    return target


def test_shingles_ignore_diacritics_letter_variants_and_punctuation() -> None:
    shingler = clusters.Shingler()
    a = shingler.words("الحُكومة، توقّع اتفاقاً! جديدا")
    b = shingler.words("الحكومه توقع اتفاقا جديدا")
    assert len(a) == 4 and np.array_equal(a, b)
    assert not np.array_equal(shingler.words("الحكومة توقع"), shingler.words("الحكومة وقعت"))
    assert len(shingler.shingles("كلمة واحدة")) == 1  # shorter than a shingle: one of all its words
    assert len(shingler.shingles(" ،، ")) == 0


def test_signatures_estimate_jaccard() -> None:
    shingler = clusters.Shingler()
    words = [f"كلمة{i}" for i in range(400)]
    a = shingler.shingles(" ".join(words))
    b = shingler.shingles(" ".join(words[:300] + [f"أخرى{i}" for i in range(100)]))
    exact = clusters.jaccard(a, b)
    estimate = float(np.mean(clusters.signature(a) == clusters.signature(b)))
    assert 0.5 < exact < 0.7
    assert abs(estimate - exact) < 0.2


def test_build_clusters_copies_and_keeps_other_stories_apart(copies_index: Path) -> None:
    stored = clusters.Clusters.load(idx.resolve(copies_index))
    assert stored is not None
    assert stored.roots == {"paper-a": "paper-a", "paper-b": "paper-a", "paper-c": "paper-a"}
    assert sorted(stored.ids) == sorted(a["id"] for a in ARTICLES)


def test_results_fold_copies_under_the_best_ranked(copies_index: Path) -> None:
    searcher = Searcher(copies_index)
    try:
        folded = searcher.search("الحكومة النقابات")
        unfolded = searcher.search("الحكومة النقابات", collapse=False)
    finally:
        searcher.close()
    assert folded.total == unfolded.total == 4
    assert folded.stories == 2 and unfolded.stories == 4
    # The first copy in the unfolded ranking heads the story; the others follow it.
    story = [h.id for h in unfolded.hits if h.id != "budget"]
    head = next(h for h in folded.hits if h.id != "budget")
    assert head.id == story[0]
    assert [c.id for c in head.copies] == story[1:]
    assert head.cluster == "paper-a" and all(h.cluster == "paper-a" for h in unfolded.hits if h.id != "budget")
    assert [h.id for h in folded.hits if h.id == "budget"] and all(not h.copies for h in unfolded.hits)
    # Facets count articles either way.
    assert folded.facets == unfolded.facets


def test_add_joins_a_cluster_without_rebuild(copies_index: Path, tmp_path: Path) -> None:
    generation = idx.resolve(copies_index)
    late = {"id": "0-late", "title": "النقابات تنهي الإضراب", "body": STORY, "date": "2022-09-13", "source": "d"}
    fresh = {"id": "new-story", "title": "زلزال في الشمال",
             "body": "ضرب زلزال بقوة ست درجات المنطقة الشمالية فجر اليوم دون أن يسفر عن إصابات بحسب الدفاع المدني.",
             "date": "2022-09-13", "source": "d"}
    report = idx.add(copies_index, read_sources([write(tmp_path / "b.jsonl", [late, fresh])]))
    assert report.indexed == 2
    assert idx.resolve(copies_index) == generation  # no rebuild: the same generation
    stored = clusters.Clusters.load(generation)
    # It joins under the cluster's name, though its id sorts first.
    assert stored.roots["0-late"] == "paper-a"
    assert "new-story" not in stored.roots
    searcher = Searcher(copies_index)
    try:
        results = searcher.search("الإضراب")
    finally:
        searcher.close()
    assert results.total == 4 and results.stories == 1
    assert {results.hits[0].id, *(c.id for c in results.hits[0].copies)} == {"paper-a", "paper-b", "paper-c", "0-late"}


def test_replacing_an_article_with_another_story_leaves_its_cluster(copies_index: Path, tmp_path: Path) -> None:
    changed = {**ARTICLES[2], "body": "خبر مختلف تماما عن مباراة كرة القدم التي أقيمت أمس في الملعب الكبير وسط جمهور غفير."}
    report = idx.add(copies_index, read_sources([write(tmp_path / "c.jsonl", [changed])]))
    assert report.updated == 1
    stored = clusters.Clusters.load(idx.resolve(copies_index))
    assert stored.roots == {"paper-a": "paper-a", "paper-b": "paper-a"}
    assert len(stored.ids) == len(ARTICLES)


def test_an_index_without_clusters_gets_them_at_its_next_add(copies_index: Path, tmp_path: Path) -> None:
    generation = idx.resolve(copies_index)
    (generation / clusters.FILE).unlink()
    searcher = Searcher(copies_index)
    try:
        assert searcher.search("الإضراب").stories == 3  # nothing to fold by
        idx.add(copies_index, read_sources([write(tmp_path / "d.jsonl", [ARTICLES[3]])]))
        assert searcher.search("الإضراب").stories == 1  # reloaded beside the index after the add
    finally:
        searcher.close()


def test_folding_reaches_past_the_first_ranked_articles(tmp_path: Path) -> None:
    """Thirty copies of one story and five other stories: the pages count
    and hold stories, the thirty as one hit with 29 copies."""
    records = [
        {"id": f"copy-{n:02d}", "title": f"الإضراب {n}", "body": STORY + " الإضراب الإضراب", "date": "2022-09-10"}
        for n in range(30)
    ]
    records += [
        {"id": f"other-{n}", "title": f"خبر {n}", "body": f"الإضراب في قطاع {sector} مستمر منذ أسبوع",
         "date": "2022-09-11"}
        for n, sector in enumerate(["الزراعة", "النقل", "الصحة", "التعليم", "الكهرباء"])
    ]
    target = tmp_path / "index"
    idx.build(target, read_sources([write(tmp_path / "many.jsonl", records)]))
    searcher = Searcher(target)
    try:
        results = searcher.search("الإضراب", per_page=5)
        second = searcher.search("الإضراب", per_page=5, page=2)
    finally:
        searcher.close()
    assert results.total == 35
    assert results.stories == 6
    assert len(results.hits) == 5 and len(second.hits) == 1
    assert results.pages == 2
    copied = [h for h in results.hits + second.hits if h.id.startswith("copy-")]
    assert len(copied) == 1 and len(copied[0].copies) == 29


def _wire_index(tmp_path: Path, seed: int, body_of) -> Path:
    """Twenty-four stories each printed five times (as an archive of the
    same wire years apart); ``body_of(story, copy, words)`` is a copy's
    body, ``words`` forty random words of its story."""
    import random

    rng = random.Random(seed)
    words = (STORY + " " + OTHER).replace("،", " ").replace(".", " ").split()
    records = []
    for story in range(24):
        sample = " ".join(rng.sample(words, 40))
        for copy in range(5):
            records.append({"id": f"s{story:02d}-{copy}", "title": f"خبر {story}", "body": body_of(story, copy, sample),
                            "date": f"20{10 + copy}-01-{story % 28 + 1:02d}"})
    target = tmp_path / "index"
    idx.build(target, read_sources([write(tmp_path / "wire.jsonl", records)]))
    return target


def _folded_and_unfolded(searcher: Searcher, query: str) -> tuple[list, list]:
    """The first three folded pages of ten as (id, score, copies), and
    what they must be: the unfolded ranking's first article of each story,
    in order, its copies after it."""
    unfolded = [h for p in (1, 2) for h in searcher.search(query, page=p, per_page=60, collapse=False).hits]
    pages = [searcher.search(query, page=p, per_page=10) for p in (1, 2, 3)]
    assert len(unfolded) == 120 and pages[0].stories == 24
    stories: dict[str, list] = {}
    for hit in unfolded:
        stories.setdefault(hit.id.split("-")[0], []).append(hit)
    expected = [(hits[0].id, hits[0].score, [(c.id, c.score) for c in hits[1:]]) for hits in stories.values()]
    folded = [(h.id, h.score, [(c.id, c.score) for c in h.copies]) for page in pages for h in page.hits]
    return folded, expected


def test_pages_where_every_story_has_copies_fold_the_ranking_as_it_is(tmp_path: Path) -> None:
    """Where every story has copies, folding asks for more of the best
    articles in rounds (searcher.fold_more), and each page is the unfolded
    ranking's first article of each story, in order, its copies after it."""
    target = _wire_index(tmp_path, 3, lambda story, copy, words: words + " الإضراب في مصانع النسيج" * (story % 3))
    searcher = Searcher(target)
    try:
        folded, expected = _folded_and_unfolded(searcher, "الحكومة توقع اتفاقا لإنهاء الإضراب في مصانع النسيج")
    finally:
        searcher.close()
    assert folded == expected


def test_fold_more_asks_for_what_the_share_of_stories_says() -> None:
    from search.searcher import fold_more

    assert fold_more(30, 6, 10, 10**6) == 63  # every story four copies: 50, and a quarter more
    assert fold_more(30, 9, 10, 10**6) == 42
    assert fold_more(30, 1, 10, 10**6) == 120  # at most four times as many
    assert fold_more(30, 6, 10, 40) == 40  # no more than there are
    assert fold_more(100, 99, 100, 10**6) >= 101  # always at least one more a missing story


def test_a_folded_page_with_a_phrase_reads_a_story_once_and_ranks_as_unfolded(tmp_path: Path) -> None:
    """Where a ranked query has a phrase, a folded page makes exact only the
    best article of each story it shows and the copies under them
    (PhraseBonuses.add_stories): the same pages, copies and scores as the
    unfolded ranking, every score of which is exact, with fewer articles'
    positions read than making the best articles exact one by one."""
    from search.query import parse

    def body_of(story: int, copy: int, words: str) -> str:
        # Some copies have the phrase, some its words apart, some neither.
        return words + [" مصانع النسيج", " النسيج في مصانع", ""][(story + copy) % 3] * (1 + story % 2)

    target = _wire_index(tmp_path, 5, body_of)
    query = 'الحكومة توقع اتفاقا لإنهاء الإضراب في "مصانع النسيج"'
    searcher = Searcher(target)
    try:
        folded, expected = _folded_and_unfolded(searcher, query)
        s = searcher._searcher()
        by_story = searcher.matched(s, parse(query), "or", "relevance", None, 0)
        codes = by_story.view.clusters(s, searcher._roots)[0]
        by_story.heads(10, 30, codes)
        by_article = searcher.matched(s, parse(query), "or", "relevance", None, 30)
        count = 30
        while len({int(codes[d]) for d in by_article.best(count)}) < 10:
            count += 10
    finally:
        searcher.close()
    assert folded == expected
    assert len({score for _, score, _ in expected}) > 12  # the phrase changes the ranking
    assert 0 < by_story.bonuses.read.sum() < by_article.bonuses.read.sum()
