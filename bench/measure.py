"""Measuring the benchmark's child processes: resident memory of a process
tree (sampled for its peak), sizes on disk, percentiles, the machine."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo += _children(p)
    return total / 1024


class PeakSampler:
    """Samples a process tree's RSS until stopped; the peak is what counts."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_worker(args: list[str], timeout: float = 3600) -> tuple[dict, float]:
    """Run bench/run.py as a worker; its JSON answer and its tree's peak RSS."""
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--worker", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    sampler = PeakSampler(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        peak = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args)} failed ({proc.returncode}):\n{err[-4000:]}")
    return json.loads(out.strip().splitlines()[-1]), peak


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def summary(ms: list[float]) -> dict:
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": sum(ms) / len(ms) if ms else float("nan"),
        "max": max(ms) if ms else float("nan"),
    }



def machine(report: Path | None = None) -> dict:
    """The machine, the library versions and the commit measured (changes
    to ``report`` itself, which the run rewrites after every size, aside)."""
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for module in ("whoosh", "tantivy", "tashaphyne", "pyinstrument"):
        try:
            from importlib.metadata import version

            dist = {"whoosh": "whoosh3"}.get(module, module)
            versions[module] = version(dist)
        except Exception:
            versions[module] = "?"
    versions["sqlite"] = sqlite3.sqlite_version
    commit = "unknown"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or commit
        aside = [f":(exclude){report.resolve()}"] if report is not None else []
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--", ".", *aside],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if dirty:
            commit += " with uncommitted changes"
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "commit": commit,
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }
