"""``akhbar serve`` measured from outside: time to its first answer, then
its first queries (cold) and the same queries again (warm) over HTTP."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from bench.measure import ROOT

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    from bench.measure import tree_rss_mb as rss

    return rss(pid)


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def measure_serve(index_dir: Path, queries: list[str], cold: int = 100) -> dict:
    """Start ``akhbar serve`` (its default: a process per core) and poll a
    search until it answers; then ``cold`` distinct queries never asked
    before, one after another over one keep-alive connection, then the same
    queries again (warm: every term read already, by every process that
    answers); then the server's resident memory (all its processes)."""
    port = free_port()
    cmd = [sys.executable, "-m", "search", "serve", "--index-dir", str(index_dir), "--port", str(port)]
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=log)
    first = None
    distinct = list(dict.fromkeys(queries))
    probe, asked = distinct[0], distinct[1 : 1 + cold]
    try:
        deadline = started + 300
        while time.perf_counter() < deadline and proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = _get(conn, "/api/search?per_page=10&q=" + quote(probe))
                conn.close()
                if status == 200:
                    first = time.perf_counter() - started
                    break
            except OSError:
                time.sleep(0.02)
        if first is None:
            log.seek(0)
            raise RuntimeError(f"akhbar serve did not answer: {log.read().decode(errors='replace')[-2000:]}")
        rss_first = tree_rss_mb(proc.pid)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        times: dict[str, list[float]] = {"cold": [], "warm": []}
        for phase in ("cold", "warm"):
            for q in asked:
                t0 = time.perf_counter()
                status = _get(conn, "/api/search?per_page=10&q=" + quote(q))
                times[phase].append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    raise RuntimeError(f"akhbar serve answered {status} to {q!r}")
        conn.close()
        return {
            "first_search_seconds": first,
            "rss_after_first_mb": rss_first,
            "rss_mb": tree_rss_mb(proc.pid),
            "requests": len(asked),
            "cold_ms": times["cold"],
            "warm_ms": times["warm"],
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
