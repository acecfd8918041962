"""The relevance harness: a tiny real collection through the library and the CLI,
and a subset of ARCD from ../shared when it is there."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("ir_measures")

from search import evaluate as ev
from search.cli import main

ARCD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "arcd"

DOCS = [
    {"id": "d1", "title": "الزلزال في تركيا", "body": "ضرب زلزال قوي جنوب تركيا وخلف مئات الضحايا والمصابين."},
    {"id": "d2", "title": "مباراة كرة القدم", "body": "فاز المنتخب الوطني في مباراة كرة القدم أمام ضيفه بثلاثة أهداف."},
    {"id": "d3", "title": "أسعار النفط", "body": "ارتفعت أسعار النفط الخام في الأسواق العالمية بعد قرار أوبك."},
    {"id": "d4", "title": "الانتخابات البرلمانية", "body": "أعلنت اللجنة نتائج الانتخابات البرلمانية وفوز المعارضة بأغلبية المقاعد."},
    {"id": "d5", "title": "معرض الكتاب", "body": "افتتح معرض الكتاب الدولي أبوابه للزوار بمشاركة مئات دور النشر."},
]
# Each query is a word found in one document only.
DISTINCTIVE = {"q1": ("زلزال", "d1"), "q2": ("المنتخب", "d2"), "q3": ("النفط", "d3"),
               "q4": ("الانتخابات", "d4"), "q5": ("الكتاب", "d5")}


@pytest.fixture
def collection_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DOCS) + "\n", encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        "\n".join(json.dumps({"qid": q, "query": w}, ensure_ascii=False) for q, (w, _) in DISTINCTIVE.items())
        # A long question: all-words AND finds nothing, the fallback must rank.
        + "\n" + json.dumps({"qid": "q6", "query": "كم عدد ضحايا الزلزال الذي ضرب تركيا هذا الأسبوع؟"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("".join(f"{q}\t{d}\t1\n" for q, (_, d) in DISTINCTIVE.items()) + "q6\td1\t1\n", encoding="utf-8")
    return docs, queries, qrels


def test_obviously_correct_system_scores_one(collection_files):
    collection = ev.load([collection_files[0]], collection_files[1], collection_files[2])
    assert len(collection.articles) == 5 and len(collection.qrels) == 6
    results = ev.evaluate(collection, ["default", "default-or", "raw"])
    assert [r.system for r in results] == ["default", "default-or", "raw"]
    for r in results:
        for name in ev.MEASURE_NAMES:
            assert 0.0 <= r.scores[name] <= 1.0
    default = results[0].scores
    assert default["MRR@10"] == pytest.approx(1.0)
    assert default["R@10"] == pytest.approx(1.0)


def test_baselines_run_on_the_same_collection(collection_files):
    pytest.importorskip("tantivy")
    collection = ev.load([collection_files[0]], collection_files[1], collection_files[2])
    results = {r.system: r.scores for r in ev.evaluate(collection, ["fts5", "tantivy"])}
    for scores in results.values():
        assert all(0.0 <= scores[m] <= 1.0 for m in ev.MEASURE_NAMES)
    # Diacritic-free single words are found by both.
    assert results["tantivy"]["R@100"] > 0.5 and results["fts5"]["R@100"] > 0.5


def test_query_that_finds_nothing_counts_as_zero():
    scores = ev.measure({"a": ["x"], "b": []}, {"a": {"x": 1}, "b": {"y": 1}})
    assert scores["MRR@10"] == pytest.approx(0.5)


def test_cli_json_shape(collection_files):
    docs, queries, qrels = collection_files
    result = CliRunner().invoke(
        main,
        ["eval", "--docs", str(docs), "--queries", str(queries), "--qrels", str(qrels), "--json",
         "--config", "default", "--config", "norm"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["system"] for d in data] == ["default", "norm"]
    for d in data:
        assert set(d) == {"system", "MRR@10", "nDCG@10", "R@10", "R@100", "ms_per_query"}
        assert all(0.0 <= d[m] <= 1.0 for m in ("MRR@10", "nDCG@10", "R@10", "R@100"))
        assert d["ms_per_query"] >= 0
    assert data[0]["MRR@10"] == pytest.approx(1.0)


def test_cli_table_and_unknown_system(collection_files):
    docs, queries, qrels = collection_files
    args = ["eval", "--docs", str(docs), "--queries", str(queries), "--qrels", str(qrels)]
    result = CliRunner().invoke(main, [*args, "--config", "default"])
    assert result.exit_code == 0, result.output
    assert "| default |" in result.stdout and "MRR@10" in result.stdout
    bad = CliRunner().invoke(main, [*args, "--config", "no-such-system"])
    assert bad.exit_code != 0 and "unknown system" in bad.output


def test_arcd_subset_default_beats_raw():
    if not (ARCD / "docs.jsonl").exists():
        if os.environ.get("AKHBAR_REQUIRE_SHARED") == "1":
            pytest.fail(f"{ARCD} is missing and AKHBAR_REQUIRE_SHARED=1")
        pytest.skip(f"{ARCD} is not there")
    collection = ev.load([ARCD / "docs.jsonl"], ARCD / "queries.jsonl", ARCD / "qrels.tsv")
    keep = list(collection.qrels)[:100]
    collection.qrels = {qid: collection.qrels[qid] for qid in keep}
    results = {r.system: r.scores for r in ev.evaluate(collection, ["raw", "default"])}
    assert results["default"]["MRR@10"] > results["raw"]["MRR@10"]


def test_a_word_written_with_clitics_is_one_of_its_own_articles():
    from search.ingest import Article

    articles = [
        Article("a", "وصل الأمير إلى المدينة"),
        Article("b", "استقبل بالأمير وفدا"),  # a proclitic and the article
        Article("c", "قال أميرهم إن الاجتماع انتهى"),  # an attached pronoun
        Article("d", "حسم الأمر في الاجتماع"),
        Article("e", "الأميرة زارت المدينة"),  # another form of the word: not its clitics
        Article("f", "أعلنت حكومته القرار"),  # ة written ت before the pronoun
    ]
    written = ev.writers(articles, ["الأمير", "أمر", "الحكومة"])
    assert written["الامير"] == {"a", "b", "c"}
    assert written["امر"] == {"d"}
    assert written["الحكومه"] == {"f"}
    assert "امير" in ev.clitic_cores("وبالامير") and "امير" not in ev.clitic_cores("الاميرات")


def test_a_spelling_of_two_words_is_written_where_they_follow_each_other():
    from search.ingest import Article

    articles = [
        Article("a", "استقبل عبد الله الوفد"),
        Article("b", "وقال وعبد الله إن"),  # a proclitic on the first word
        Article("c", "عبد العزيز في رام الله"),  # both words, not together
        Article("d", "استقبل عبدالله الوفد"),
    ]
    written = ev.writers(articles, ["عبد الله", "عبدالله"])
    assert written["عبد الله"] == {"a", "b"}
    assert written["عبدالله"] == {"d"}
    with pytest.raises(ValueError):
        ev.writers(articles, ["عبد الله بن"])


def test_every_analysis_config_can_be_evaluated_by_its_name():
    """docs/relevance.md names each rule's switch (`--config seat-kept`): each
    one is a system `akhbar eval` runs, with that analysis."""
    from search.analysis import CONFIGS
    from search.evaluate import SYSTEMS

    for name, config in CONFIGS.items():
        assert name in SYSTEMS, name
        assert SYSTEMS[name].config == config, name


def test_parts_divide_the_queries_the_same_way_every_time(collection_files):
    collection = ev.load([collection_files[0]], collection_files[1], collection_files[2])
    parts = [collection.part(k, 3) for k in (1, 2, 3)]
    ids = [set(p.queries) for p in parts]
    assert set().union(*ids) == set(collection.queries) and sum(map(len, ids)) == len(collection.queries)
    for part in parts:
        assert set(part.qrels) == set(part.queries) and part.articles == collection.articles
    # By the ids alone: the same parts from the queries in another order.
    shuffled = ev.Collection(collection.articles, dict(reversed(collection.queries.items())), collection.qrels)
    assert [set(shuffled.part(k, 3).queries) for k in (1, 2, 3)] == ids
    with pytest.raises(ValueError):
        collection.part(0, 2)


def test_cli_part_measures_only_its_queries(collection_files):
    docs, queries, qrels = collection_files
    args = ["eval", "--docs", str(docs), "--queries", str(queries), "--qrels", str(qrels), "--config", "raw"]
    collection = ev.load([docs], queries, qrels)
    for k in (1, 2):
        result = CliRunner().invoke(main, [*args, "--part", f"{k}/2"])
        assert result.exit_code == 0, result.output
        assert f"{len(collection.part(k, 2).qrels)} judged queries" in result.stdout
    for bad in ("3/2", "0/2", "half", "1/"):
        result = CliRunner().invoke(main, [*args, "--part", bad])
        assert result.exit_code == 2 and "K/N" in result.output
