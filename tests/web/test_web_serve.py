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


def test_serve_builds_a_missing_index_and_serves_it(tmp_path: Path) -> None:
    port = _free_port()
    index_dir = tmp_path / "index"
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--index-dir", str(index_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/search?q=%D8%B2%D9%8A%D9%84%D9%8A%D9%86%D8%B3%D9%83%D9%8A"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = json.load(response)
                    server = response.headers["Server"]
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.3)
        assert body["total"] == 1 and "<mark>" in body["hits"][0]["snippet"]
        assert server == "waitress"
        assert (index_dir / "current").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
