"""`akhbar serve` as a user runs it: a fresh directory gets an index built
from seeds/ and is served by waitress at once."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, index_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--index-dir", str(index_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _first_answer(process: subprocess.Popen, port: int) -> tuple[dict, str]:
    url = f"http://127.0.0.1:{port}/api/search?q=%D8%B2%D9%8A%D9%84%D9%8A%D9%86%D8%B3%D9%83%D9%8A"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response), response.headers["Server"]
        except OSError:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.3)


def test_serve_builds_a_missing_index_and_serves_it(tmp_path: Path) -> None:
    port = _free_port()
    index_dir = tmp_path / "index"
    process = _serve(port, index_dir)
    try:
        body, server = _first_answer(process, port)
        assert body["total"] == 1 and "<mark>" in body["hits"][0]["snippet"]
        assert server == "waitress"
        assert (index_dir / "current").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_waits_for_another_writer_before_building(tmp_path: Path) -> None:
    from search import index as idx

    port = _free_port()
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    with idx.locked(index_dir, "a test holding the index"):
        process = _serve(port, index_dir)
        time.sleep(2)
        assert process.poll() is None, process.stdout.read().decode()  # waiting, not failed
    try:
        body, _ = _first_answer(process, port)
        assert body["total"] == 1
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert "a test holding the index" in output and "waiting up to 60 s" in output
