"""bench/run.py --quick works end to end and reports every figure.

Only that it runs and that the numbers are sane: timings belong to the
benchmark (docs/benchmarks.md), never to a test threshold.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from helpers import ROOT, shared_path

SECTIONS = (
    "# Benchmarks",
    "## Machine",
    "## Method",
    "## Build",
    "### Cost of the Arabic analysis",
    "## Queries",
    "## Serving",
    "## Goals",
    "## Where the time goes",
    "## What would cut the time most",
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[str, dict]:
    pytest.importorskip("tantivy")
    shared_path("corpus", "news.jsonl.gz")
    shared_path("eval", "news-titles", "queries.jsonl")
    out = tmp_path_factory.mktemp("bench")
    report, raw = out / "benchmarks.md", out / "benchmarks.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--queries", "20", "--profile-articles", "200",
         "--out", str(report), "--json", str(raw)],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return report.read_text(encoding="utf-8"), json.loads(raw.read_text(encoding="utf-8"))


def test_report_has_every_section(quick_run):
    text, _ = quick_run
    headings = [line for line in text.splitlines() if line.startswith("#")]
    for heading in SECTIONS:
        assert any(h == heading or h.startswith(heading + " ") for h in headings), heading
    assert "python bench/run.py --quick" in text
    for engine in ("akhbar", "plain", "fts5", "tantivy"):
        assert f"| 2,000 | {engine} |" in text
    for name in ("short", "long"):
        for engine in ("akhbar", "fts5", "tantivy"):
            assert f"| 2,000 | {name} | {engine} |" in text


def test_builds_are_sane(quick_run):
    _, raw = quick_run
    builds = {b["engine"]: b for b in raw["builds"]}
    assert set(builds) == {"akhbar", "plain", "fts5", "tantivy"}
    for engine, b in builds.items():
        assert b["n"] == 2000 and b["articles"] == 2000, engine
        assert b["seconds"] > 0 and b["rate"] > 0 and b["mb_s"] > 0, engine
        assert b["bytes"] > 1_000_000, engine  # 2,000 news articles are several MB of text
        assert b["size_bytes"] > 100_000, engine
        assert 10 < b["peak_rss_mb"] < 20_000, engine
    # Same documents in every build.
    assert len({b["bytes"] for b in builds.values()}) == 1


def test_queries_are_sane(quick_run):
    _, raw = quick_run
    searches = {s["engine"]: s for s in raw["searches"]}
    assert set(searches) == {"akhbar", "fts5", "tantivy"}
    for engine, s in searches.items():
        for name in ("short", "long"):
            q = s[name]
            assert 0 < q["p50"] <= q["p95"] <= q["p99"] <= q["max"], (engine, name)
            assert all(math.isfinite(q[k]) for k in ("p50", "p95", "p99", "mean")), (engine, name)
            assert 0 <= q["empty"] < 20, (engine, name)
    # Titles are their own articles' titles: Akhbar finds something for each.
    assert searches["akhbar"]["long"]["empty"] == 0


def test_serve_and_profile_are_reported(quick_run):
    text, raw = quick_run
    serve = raw["serve"]
    assert 0 < serve["first_search_seconds"] < 120
    assert 10 < serve["rss_mb"] < 20_000
    assert len(serve["cold_ms"]) == len(serve["warm_ms"]) == serve["requests"] > 0
    assert "| cold (first " in text and "| warm (the same again) |" in text
    profile = raw["profile"]
    if profile is None:
        pytest.importorskip("pyinstrument")  # the run skips the profile only without it
    assert profile["build"]["total"] > 0 and profile["build"]["own"]
    groups = dict(profile["build"]["groups"])
    assert groups["Akhbar analysis: tokenizing, cache lookups"] > 0
    for name in ("short", "long"):
        q = profile["queries"][name]
        assert q["count"] == 20 and q["total"] > 0
        assert dict(q["groups"])["Searcher.search, all of it"] > 0
    assert "`CachedChain._tokens (search/analysis/chain.py)`" in text or "CachedChain" in text


def test_query_sets_are_fixed_and_short_ones_are_cut_from_titles():
    sys.path.insert(0, str(ROOT))
    from bench.run import query_sets

    titles = shared_path("eval", "news-titles", "queries.jsonl")
    first, again = query_sets(titles, 50), query_sets(titles, 50)
    assert first == again
    assert len(first["long"]) == len(first["short"]) == 50
    for short, long in zip(first["short"], first["long"]):
        assert 1 <= len(short.split()) <= 3
        assert short in long


def test_an_archive_larger_than_the_corpus_repeats_it_under_new_ids_a_year_earlier(tmp_path):
    sys.path.insert(0, str(ROOT))
    from bench.run import read_articles

    from helpers import write_jsonl

    corpus = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "خبر", "body": "نص الخبر الأول", "date": "2020-03-01T10:00:00"},
        {"id": "b", "title": "خبر", "body": "نص الخبر الثاني"},
        {"id": "c", "title": "خبر", "body": "نص الخبر الثالث", "date": "2021-01-01T00:00:00"},
    ])
    first = list(read_articles(corpus, 2))
    assert [a.id for a in first] == ["a", "b"]
    articles = list(read_articles(corpus, 8))
    assert [a.id for a in articles] == ["a", "b", "c", "a~1", "b~1", "c~1", "a~2", "b~2"]
    assert len({a.id for a in articles}) == 8
    assert articles[3].body == articles[0].body and articles[3].title == articles[0].title
    assert (articles[0].date - articles[3].date).days == 365 and (articles[0].date - articles[6].date).days == 730
    assert articles[4].date is None
