"""The other engines akhbar eval measures Akhbar against (search/baselines/).

Lucene needs java and Lucene 8's jars: these tests skip without them unless
AKHBAR_REQUIRE_LUCENE=1 (as .ci/run sets, having installed them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search import baselines
from search.baselines import lucene
from search.ingest import Article

ARCD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "arcd"


@pytest.fixture
def need_lucene() -> None:
    if not lucene.available():
        reason = f"no java or Lucene 8 jars ({lucene.INSTALL})"
        if os.environ.get("AKHBAR_REQUIRE_LUCENE") == "1":
            pytest.fail(f"{reason} and AKHBAR_REQUIRE_LUCENE=1")
        pytest.skip(reason)


ARTICLES = [
    Article(id="quake", title="زلزال في تركيا", body="ضرب زلزال قوي جنوب تركيا وخلف مئات الضحايا."),
    Article(id="match", title="مباراة كرة القدم", body="فاز المنتخب الوطني في مباراة كرة القدم بثلاثة أهداف."),
    Article(id="oil", title="أسعار النفط", body="ارتفعت أسعار النفط في الأسواق بعد قرار المنظمة.\tسطر ثان"),
]


def test_lucene_ranks_each_article_by_its_own_words(need_lucene, tmp_path: Path):
    queries = {"q1": "الزلزال", "q2": "والمنتخب", "q3": "بأسعار النفط", "q4": "الفيزياء", "q5": "",
               "long": " ".join(["كلمة"] * 1500 + ["الزلزال"])}
    run, seconds = baselines.run("lucene", ARTICLES, queries, tmp_path)
    # ArabicAnalyzer's light stemming takes the article and و / ب off.
    assert run["q1"][0] == "quake" and run["q2"][0] == "match" and run["q3"] == ["oil"]
    assert run["q4"] == [] and run["q5"] == [] and seconds >= 0
    assert run["long"] == ["quake"]  # more words than Lucene's default limit of 1,024 clauses


def test_lucene_reproduces_the_peer_figure_on_arcd(need_lucene):
    """The shared collections' README measured Lucene 8.7 at MRR@10 0.792 on arcd."""
    pytest.importorskip("ir_measures")
    if not ARCD.exists():
        if os.environ.get("AKHBAR_REQUIRE_SHARED") == "1":
            pytest.fail(f"{ARCD} is missing and AKHBAR_REQUIRE_SHARED=1")
        pytest.skip(f"{ARCD} not found")
    from search import evaluate as ev

    collection = ev.load([ARCD / "docs.jsonl"], ARCD / "queries.jsonl", ARCD / "qrels.tsv")
    [result] = ev.evaluate(collection, ["lucene"])
    assert result.scores["MRR@10"] == pytest.approx(0.792, abs=0.003)
    assert result.scores["R@10"] == pytest.approx(0.961, abs=0.003)


def test_missing_lucene_jars_are_named(tmp_path: Path):
    with pytest.raises(lucene.LuceneMissing, match="lucene-core"):
        lucene.classpath(tmp_path)


def test_an_id_with_a_tab_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="tab"):
        lucene.run_lucene([Article(id="a\tb", title="", body="نص")], {}, tmp_path)


def test_unknown_baseline(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown baseline"):
        baselines.run("elastic", ARTICLES, {}, tmp_path)
