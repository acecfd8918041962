"""bench/load.py in quick mode: a real `akhbar serve` on a real news index under
concurrent clients, with a real `akhbar add` in the middle, answers every
request with a 200 and finds the added articles at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import shared_path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_load_run_has_no_errors() -> None:
    shared_path("corpus", "news_small.jsonl")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--quick", "--workers", "2", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.stdout.strip(), done.stderr
    result = json.loads(done.stdout)
    assert result["errors"] == 0, result["error_samples"]
    assert done.returncode == 0
    assert result["clients"] == 8 and result["articles"] == 100
    assert result["requests"] >= 50 and result["requests_per_second"] > 0
    assert set(result["by_kind"]) == {"words", "titles", "page", "suggest"}
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p95"] <= result["latency_ms"]["p99"]
    slowest = [s["ms"] for s in result["slowest"]]
    assert len(slowest) == 5 and slowest == sorted(slowest, reverse=True)
    assert slowest[0] == result["latency_ms"]["max"] and slowest[-1] >= result["latency_ms"]["p50"]
    assert all(s["path"].startswith("/") and s["kind"] in result["by_kind"] for s in result["slowest"])
    add = result["add"]
    assert add["status"] == 0 and add["found"] == add["articles"] == 5
    assert result["new_articles_found_at_end"] == 5
    # One server process, then --workers 2 (each with its own add), both reported.
    assert [p["server_workers"] for p in result["phases"]] == [1, 2]
    for phase in result["phases"]:
        assert phase["errors"] == 0 and phase["requests"] >= 50
        assert phase["add"]["status"] == 0 and phase["new_articles_found_at_end"] == 5
    assert result["speedup"] == round(result["phases"][1]["requests_per_second"] / result["phases"][0]["requests_per_second"], 2)
