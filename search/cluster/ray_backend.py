"""Shards on a Ray cluster: each shard's searcher in Ray actors, with replicas.

``RayShards`` places ``replicas`` actors per shard (a ShardService each,
search/cluster/service.py), replica r of shard n on node (n + r) mod nodes,
so a shard's replicas are on different nodes while there are enough
(NodeAffinitySchedulingStrategy, soft: if that node is gone, anywhere).
Ray restarts an actor that dies (``max_restarts=-1``), on another node if
its node is gone.  The index directory must be at the same path on every
node (a shared filesystem, or a copy).

A call goes to one live replica of each shard (the same one for the calls
of one search, so the fetch finds the matches its query kept); a replica
whose call fails (its actor or node died, or it did not answer in time) is
set aside and the call tried on the next.  A shard with no replica left is
reported missing (the results say ``partial``).  A watcher thread pings the
set-aside replicas and takes each back once it answers: after Ray has
restarted it.

``write_on_ray`` runs a sharded build's shard writing as Ray tasks across
the nodes (search.cluster.shards.build's ``runner``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from search.analysis import AnalysisConfig
from search.cluster import shards as layout
from search.cluster.service import ShardService

CALL_TIMEOUT = 30.0  # seconds a replica may take to answer before the next one is asked
PING_TIMEOUT = 2.0
WATCH_EVERY = 0.5
RESOURCE = "akhbar_shard"  # a custom resource nodes may declare to host shards


class ShardActor:
    """A Ray actor holding one replica of a shard."""

    def __init__(self, shard_dir: str, number: int) -> None:
        self.service = ShardService(shard_dir, number)

    def call(self, method: str, args: tuple) -> Any:
        return getattr(self.service, method)(*args)

    def ping(self) -> int:
        return self.service.ping()

    def node(self) -> str:
        return ray.get_runtime_context().get_node_id()


def connect(address: str) -> None:
    """Join the cluster at ``address`` ("auto": the one this machine is part of)."""
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)


def _hosts(resource: str | None) -> list[str]:
    """The ids of the live nodes that may host shards, in a stable order."""
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    if resource:
        nodes = [n for n in nodes if n.get("Resources", {}).get(resource, 0) > 0]
    return sorted(n["NodeID"] for n in nodes)


class RayShards:
    """The coordinator's Backend on a Ray cluster (connect first)."""

    def __init__(self, index_dir: Path, manifest: layout.Manifest, replicas: int = 1,
                 timeout: float = CALL_TIMEOUT, resource: str | None = None, max_concurrency: int = 4) -> None:
        self.count = manifest.count
        self.replicas = replicas
        self.timeout = timeout
        hosts = _hosts(resource) or _hosts(None)
        actor = ray.remote(ShardActor)
        self.actors: list[list[Any]] = []
        for n, shard_dir in enumerate(manifest.dirs(index_dir)):
            row = []
            for r in range(replicas):
                options: dict[str, Any] = {
                    "max_restarts": -1,
                    "max_task_retries": 0,
                    "num_cpus": 0,
                    "max_concurrency": max_concurrency,
                    "scheduling_strategy": NodeAffinitySchedulingStrategy(hosts[(n + r) % len(hosts)], soft=True),
                }
                if resource:
                    options["resources"] = {resource: 0.001}
                row.append(actor.options(**options).remote(str(Path(shard_dir).resolve()), n))
            self.actors.append(row)
        self._lock = threading.Lock()
        self._down: set[tuple[int, int]] = set()
        self._closed = threading.Event()
        # Every replica open before the first query.
        ray.get([a.ping.remote() for row in self.actors for a in row])
        self._watcher = threading.Thread(target=self._watch, name="akhbar-ray-replicas", daemon=True)
        self._watcher.start()

    # -- which replicas answer ----------------------------------------------------------------------

    def _live(self, shard: int, key: int) -> list[int]:
        """The shard's replicas that are not set aside, the one for ``key`` first."""
        with self._lock:
            up = [r for r in range(self.replicas) if (shard, r) not in self._down]
        if not up:
            return []
        first = key % len(up)
        return up[first:] + up[:first]

    def _set_aside(self, shard: int, replica: int) -> None:
        with self._lock:
            self._down.add((shard, replica))

    def _watch(self) -> None:
        """Take back each set-aside replica once it answers a ping."""
        while not self._closed.wait(WATCH_EVERY):
            with self._lock:
                down = sorted(self._down)
            if not down:
                continue
            pings = {(n, r): self.actors[n][r].ping.remote() for n, r in down}
            ready, _ = ray.wait(list(pings.values()), num_returns=len(pings), timeout=PING_TIMEOUT)
            ready = set(ready)
            for (n, r), ref in pings.items():
                if ref in ready:
                    try:
                        ray.get(ref)
                    except Exception:
                        continue
                    with self._lock:
                        self._down.discard((n, r))

    def down(self) -> set[tuple[int, int]]:
        """The (shard, replica) pairs set aside now."""
        with self._lock:
            return set(self._down)

    # -- calls --------------------------------------------------------------------------------------

    def call_all(self, method: str, args: Mapping[int, tuple], key: int = 0) -> tuple[dict[int, Any], set[int]]:
        answers: dict[int, Any] = {}
        missing: set[int] = set()
        order = {n: self._live(n, key) for n in args}
        pending: dict[int, tuple[int, Any]] = {}
        for n, a in args.items():
            if order[n]:
                r = order[n].pop(0)
                pending[n] = (r, self.actors[n][r].call.remote(method, a))
            else:
                missing.add(n)
        deadline = time.monotonic() + self.timeout
        while pending:
            refs = {ref: n for n, (_r, ref) in pending.items()}
            ready, _ = ray.wait(list(refs), num_returns=len(refs), timeout=max(0.0, deadline - time.monotonic()))
            if not ready:  # the rest did not answer in time: their next replicas
                ready = list(refs)
                timed_out = True
            else:
                timed_out = False
            for ref in ready:
                n = refs[ref]
                r, _ = pending.pop(n)
                try:
                    if timed_out:
                        raise TimeoutError
                    answers[n] = ray.get(ref)
                    continue
                except (ray.exceptions.RayActorError, ray.exceptions.ActorUnavailableError,
                        ray.exceptions.RaySystemError, ray.exceptions.ObjectLostError, TimeoutError):
                    self._set_aside(n, r)
                if order[n]:
                    r = order[n].pop(0)
                    pending[n] = (r, self.actors[n][r].call.remote(method, args[n]))
                    deadline = max(deadline, time.monotonic() + self.timeout)
                else:
                    missing.add(n)
        return answers, missing

    def nodes_of(self) -> list[list[str]]:
        """The node each replica runs on now (for tests)."""
        refs = [[a.node.remote() for a in row] for row in self.actors]
        return [[ray.get(ref, timeout=self.timeout) for ref in row] for row in refs]

    def close(self) -> None:
        self._closed.set()
        for row in self.actors:
            for a in row:
                ray.kill(a, no_restart=True)


@ray.remote(num_cpus=1, max_retries=2)
def _write_task(shard_dir: str, articles: list, config: AnalysisConfig) -> tuple:
    return layout.write_shard(shard_dir, articles, config, layout.SHARD_WRITER)


def write_on_ray(tasks: list[tuple[str, list]], config: AnalysisConfig) -> list[tuple]:
    """Each shard's generation written by a Ray task, on whichever node has
    a free CPU (the index directory shared by the nodes)."""
    refs = [_write_task.remote(str(Path(shard_dir).resolve()), articles, config) for shard_dir, articles in tasks]
    return ray.get(refs)
