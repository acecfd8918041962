import json
import subprocess
import sys

from click.testing import CliRunner

from search.cli import main

from helpers import ROOT, SEEDS, write_jsonl, shared_path

SEED_ID = next(SEEDS.glob("*.txt")).stem


def run(*args, env=None):
    return CliRunner().invoke(main, list(map(str, args)), env=env, catch_exceptions=False)


def test_build_then_search_finds_and_marks_the_seed(tmp_path):
    ix = tmp_path / "ix"
    result = run("build", SEEDS, "--index-dir", ix)
    assert result.exit_code == 0, result.output
    assert "indexed 1, updated 0, skipped 0" in result.output
    result = run("search", "زيلينسكي", "--index-dir", ix)
    assert result.exit_code == 0
    assert SEED_ID in result.output
    assert "[زيلينسكي]" in result.output


def test_search_json_is_the_api_shape(tmp_path):
    ix = tmp_path / "ix"
    run("build", SEEDS, "--index-dir", ix)
    data = json.loads(run("search", "كييف", "--json", "--index-dir", ix).output)
    assert set(data) == {"query", "total", "stories", "page", "per_page", "took_ms", "hits", "facets", "timeline",
                         "interval", "undated", "suggestion", "spellings", "partial", "missing_shards"}
    assert data["total"] == data["stories"] == data["undated"] == 1
    hit = data["hits"][0]
    assert set(hit) == {"id", "title", "url", "date", "source", "category", "score", "snippet", "cluster", "copies"}
    assert hit["cluster"] == hit["id"] and hit["copies"] == []
    assert "<mark>كييف</mark>" in hit["snippet"]
    assert data["facets"] == {"source": {}, "category": {}}


def test_index_dir_from_environment(tmp_path):
    ix = tmp_path / "env-ix"
    assert run("build", SEEDS, env={"AKHBAR_INDEX": str(ix)}).exit_code == 0
    data = json.loads(run("stats", "--json", env={"AKHBAR_INDEX": str(ix)}).output)
    assert data["articles"] == 1


def test_bad_records_are_reported_and_the_rest_indexed(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "a", "body": "نص أول"}\n{broken\n{"id": "b", "body": "نص ثان"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert f"{path}:2: invalid JSON" in result.output
    assert "indexed 2, updated 0, skipped 1" in result.output


def test_nothing_indexable_exits_non_zero(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code != 0
    assert "nothing could be indexed" in result.output


def test_add_and_stats(tmp_path):
    ix = tmp_path / "ix"
    run("build", SEEDS, "--index-dir", ix)
    path = write_jsonl(tmp_path / "more.jsonl", [{"id": "n1", "body": "خبر جديد", "source": "مصدر", "date": "2022-01-05"}])
    result = run("add", path, "--index-dir", ix)
    assert "indexed 1, updated 0, skipped 0" in result.output
    result = run("add", path, "--index-dir", ix)
    assert "indexed 0, updated 1, skipped 0" in result.output
    data = json.loads(run("stats", "--json", "--index-dir", ix).output)
    assert data["articles"] == 2 and data["sources"] == {"مصدر": 1} and data["date_from"] == "2022-01-05"
    text = run("stats", "--index-dir", ix).output
    assert "articles:   2" in text


def test_missing_index_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["search", "x", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code != 0 and "no index in" in result.output


def test_bad_query_is_a_usage_error(tmp_path):
    ix = tmp_path / "ix"
    run("build", SEEDS, "--index-dir", ix)
    result = CliRunner().invoke(main, ["search", "ا" * 600, "--index-dir", str(ix)])
    assert result.exit_code == 2 and "too long" in result.output


def test_every_command_explains_itself():
    for command in ("build", "add", "search", "stats"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "--index-dir" in result.output


def test_python_dash_m_search(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "search", "build", str(SEEDS), "--index-dir", str(tmp_path / "ix")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "indexed 1" in result.stdout


def test_real_news_sample_builds_and_searches(tmp_path):
    corpus = shared_path("corpus", "news_small.jsonl")
    ix = tmp_path / "ix"
    result = run("build", corpus, "--index-dir", ix)
    assert "indexed 2000" in result.output
    data = json.loads(run("search", "الحكومة العراقية", "--json", "--index-dir", ix).output)
    assert data["total"] > 5
    assert all("<mark>" in h["snippet"] for h in data["hits"])
    assert sum(data["facets"]["source"].values()) == data["total"]


def test_serve_takes_the_posting_cache_size_and_refuses_a_bad_one(tmp_path):
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--cache-mb" in help_text and "AKHBAR_CACHE_MB" in help_text
    refused = CliRunner().invoke(main, ["serve", "--cache-mb", "0", "--index-dir", str(tmp_path / "ix")])
    assert refused.exit_code == 2 and "Invalid value for '--cache-mb'" in refused.output
    assert not (tmp_path / "ix").exists()  # refused before anything was built or served
