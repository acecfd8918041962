"""Fixtures that build small real indexes on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from search import index as idx
from search.ingest import read_sources

# Property tests (tests/test_query_fuzz.py, tests/web/test_web_fuzz.py):
# deterministic (derandomize) and without an example database, so a CI run is
# the same run every time; no deadline, the machine is shared.
settings.register_profile(
    "akhbar",
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.load_profile("akhbar")

from helpers import ARTICLES, SEEDS, shared_path, write_jsonl  # noqa: F401 (the fixtures below; tests import helpers)


@pytest.fixture()
def corpus_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "articles.jsonl", ARTICLES)


@pytest.fixture()
def index_dir(tmp_path: Path, corpus_file: Path) -> Path:
    """A real index of the small corpus and the seed article."""
    target = tmp_path / "index"
    report = idx.build(target, read_sources([corpus_file, SEEDS]))
    assert report.indexed == len(ARTICLES) + 1
    return target


@pytest.fixture()
def searcher(index_dir: Path):
    from search import Searcher

    s = Searcher(index_dir)
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_news_small() -> list[dict]:
    path = shared_path("corpus", "news_small.jsonl")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]
