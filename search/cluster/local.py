"""Shards searched on this machine: in this process, or one process per shard.

``InProcess`` calls each shard's ShardService directly, one after another:
what ``akhbar search`` and ``akhbar stats`` use (no process to start for one
query).  ``LocalProcesses`` gives each shard a process of its own (``akhbar
serve`` on a sharded index without ``--ray``): the shards of a query are
searched at once, on as many cores as there are shards, each process with
its own arrays and caches.  A shard process that dies is started again;
the calls it was answering report the shard missing.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from search.cluster.service import ShardService
from search.cluster.shards import Manifest

CALL_TIMEOUT = 60.0  # seconds a shard may take to answer before it counts as missing


class InProcess:
    """Every shard's service in this process."""

    def __init__(self, index_dir: Path, manifest: Manifest) -> None:
        self.count = manifest.count
        self.services = [ShardService(d, n) for n, d in enumerate(manifest.dirs(index_dir))]

    def call_all(self, method: str, args: Mapping[int, tuple], key: int = 0) -> tuple[dict[int, Any], set[int]]:
        return {n: getattr(self.services[n], method)(*a) for n, a in args.items()}, set()

    def close(self) -> None:
        for service in self.services:
            service.close()


_SERVICE: list[ShardService] = []  # the one service of a shard process


def _open(shard_dir: str, number: int) -> None:
    _SERVICE[:] = [ShardService(shard_dir, number)]


def _invoke(method: str, args: tuple) -> Any:
    return getattr(_SERVICE[0], method)(*args)


class LocalProcesses:
    """A process per shard (forkserver: nothing of the serving process, its
    threads or open files, is inherited)."""

    def __init__(self, index_dir: Path, manifest: Manifest, timeout: float = CALL_TIMEOUT) -> None:
        self.count = manifest.count
        self.dirs = [str(d) for d in manifest.dirs(index_dir)]
        self.timeout = timeout
        self._context = multiprocessing.get_context("forkserver")
        self._lock = threading.Lock()
        self._pools = [self._start(n) for n in range(self.count)]
        # Open every shard now, not in the first query's time.
        self.call_all("ping", {n: () for n in range(self.count)})

    def _start(self, number: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=self._context, initializer=_open,
                                   initargs=(self.dirs[number], number))

    def _restart(self, number: int, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pools[number] is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._pools[number] = self._start(number)

    def call_all(self, method: str, args: Mapping[int, tuple], key: int = 0) -> tuple[dict[int, Any], set[int]]:
        pending = {}
        missing: set[int] = set()
        for n, a in args.items():
            pool = self._pools[n]
            try:
                pending[n] = (pool, pool.submit(_invoke, method, a))
            except (BrokenProcessPool, RuntimeError):
                self._restart(n, pool)
                missing.add(n)
        answers: dict[int, Any] = {}
        for n, (pool, future) in pending.items():
            try:
                answers[n] = future.result(timeout=self.timeout)
            except BrokenProcessPool:
                self._restart(n, pool)
                missing.add(n)
            except FutureTimeout:
                missing.add(n)
        return answers, missing

    def pids(self) -> list[int]:
        """The shard processes' ids (for tests that kill one)."""
        return [next(iter(pool._processes)) for pool in self._pools]

    def close(self) -> None:
        for pool in self._pools:
            pool.shutdown(wait=True, cancel_futures=True)
