"""A one-index build and a 4-shard build of the same articles, the queries
that compare them, and the comparison."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from search import index as idx
from search.cluster import shards
from search.ingest import read_sources
from search.serialize import results_to_dict
from helpers import shared_path

SHARDS = 4


def require_ray():
    """The ray module, or a skip (a failure on CI, which installs the cluster extra)."""
    try:
        import ray
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("ray is not installed (CI installs the cluster extra)")
        pytest.skip("ray is not installed: pip install -e '.[cluster]'")
    return ray


@pytest.fixture(scope="session")
def news_small() -> Path:
    return shared_path("corpus", "news_small.jsonl")


@pytest.fixture(scope="session")
def built(tmp_path_factory, news_small: Path) -> tuple[Path, Path]:
    """(one index, 4 shards) of news_small.jsonl."""
    base = tmp_path_factory.mktemp("cluster")
    one, sharded = base / "one", base / "sharded"
    assert idx.build(one, read_sources([news_small])).indexed == 2000
    report = shards.build(sharded, read_sources([news_small]), SHARDS)
    assert report.indexed == 2000
    return one, sharded


@pytest.fixture(scope="session")
def queries(news_small: Path) -> list[str]:
    """100 queries drawn (the same every run) from the articles: whole
    titles (long queries) and 1 to 3 of a title's words, a phrase now and then."""
    records = [json.loads(line) for line in news_small.read_text(encoding="utf-8").splitlines()]
    pick = random.Random(16)
    out: list[str] = []
    while len(out) < 100:
        words = pick.choice(records)["title"].split()
        if not words:
            continue
        if len(out) % 2:
            out.append(" ".join(words))
        else:
            start = pick.randrange(len(words))
            part = words[start : start + pick.choice((1, 2, 3))]
            out.append(f'"{" ".join(part)}"' if len(part) > 1 and len(out) % 10 == 4 else " ".join(part))
    return out


def comparable(results) -> tuple[dict, list[float]]:
    """A result page as JSON without its timing, and its scores apart."""
    data = results_to_dict(results)
    data.pop("took_ms")
    scores = []
    for hit in data["hits"]:
        scores.append(hit.pop("score"))
        for copy in hit["copies"]:
            scores.append(copy.pop("score"))
    return data, scores


VARIANTS = ({}, {"collapse": False}, {"sort": "date"}, {"page": 2, "per_page": 5})


def assert_same_answers(one, sharded, queries: list[str], variants=VARIANTS) -> int:
    """Every query, in every variant, answers the same from one index and
    from the shards: ids, order, totals, stories, facets, timeline,
    spellings, suggestion, copies; scores to rounding.  The count compared."""
    compared = 0
    for query in queries:
        for variant in variants:
            want, want_scores = comparable(one.search(query, **variant))
            got, got_scores = comparable(sharded.search(query, **variant))
            assert got == want, (query, variant)
            assert got_scores == pytest.approx(want_scores, rel=1e-6, abs=1e-4), (query, variant)
            compared += 1
    return compared


def counted_coordinator(sharded_dir: Path):
    """A coordinator over the shards in this process, and the list of the
    calls it makes to them (each a round trip to every shard)."""
    from search.cluster.coordinator import Coordinator
    from search.cluster.local import InProcess

    backend = InProcess(sharded_dir, shards.load(sharded_dir))
    calls: list[str] = []
    real = backend.call_all

    def counted(method, args, key=0):
        calls.append(method)
        return real(method, args, key)

    backend.call_all = counted
    return Coordinator(sharded_dir, backend), calls
