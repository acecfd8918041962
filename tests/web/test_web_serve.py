"""`akhbar serve` as a user runs it: a fresh directory gets an index built
from seeds/ and is served at once, by waitress in one process or by
gunicorn in several."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, index_dir: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--index-dir", str(index_dir), *options],
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
    process = _serve(port, index_dir, "--workers", "1")
    try:
        body, server = _first_answer(process, port)
        assert body["total"] == 1 and "<mark>" in body["hits"][0]["snippet"]
        assert server == "waitress"
        assert (index_dir / "current").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/task").exists(), reason="needs fork and /proc")
def test_serve_with_workers_runs_that_many_processes_under_gunicorn(tmp_path: Path) -> None:
    port = _free_port()
    index_dir = tmp_path / "index"
    process = _serve(port, index_dir, "--workers", "2")
    try:
        body, server = _first_answer(process, port)
        assert body["total"] == 1 and "<mark>" in body["hits"][0]["snippet"]
        assert server == "gunicorn"
        workers = _children(process.pid)
        assert len(workers) == 2
        # Many requests at once, over both processes, all answered alike.
        urls = [f"http://127.0.0.1:{port}/api/search?q=%D8%B2%D9%8A%D9%84%D9%8A%D9%86%D8%B3%D9%83%D9%8A"] * 40
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda url: json.load(urllib.request.urlopen(url, timeout=30)), urls))
        assert all(a["total"] == 1 and a["hits"][0]["id"] == body["hits"][0]["id"] for a in answers)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert "gunicorn, 2 processes" in output
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # the workers went with the master


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/task").exists(), reason="needs fork and /proc")
def test_one_keep_alive_client_is_served_by_every_process(tmp_path: Path) -> None:
    """A client that keeps its connection open must not tie itself to the
    process that accepted it: each answer closes the connection, so the next
    request goes to whichever process is free."""
    port = _free_port()
    process = _serve(port, tmp_path / "index", "--workers", "2")
    try:
        _first_answer(process, port)
        workers = _children(process.pid)
        before = {pid: _cpu_ticks(pid) for pid in workers}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(300):
            connection.request("GET", f"/api/search?q=%D8%B2%D9%8A%D9%84%D9%8A%D9%86%D8%B3%D9%83%D9%8A+{n}")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
        assert response.getheader("Connection") == "close"
        used = {pid: _cpu_ticks(pid) - before[pid] for pid in workers}
    finally:
        process.terminate()
        process.communicate(timeout=30)
    # Kept alive, one process did all of it (58 and 2 ticks); closed, 20 and 40.
    assert min(used.values()) >= 0.1 * sum(used.values()), used


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
