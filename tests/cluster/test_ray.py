"""On a real Ray cluster on the loopback interface: a head node (the driver:
the coordinator) and two nodes that hold the shards' actors, two replicas
of each shard, one on each node.

- the shards answer 100 queries as one index of the same articles does;
- a build as Ray tasks gives the same shards;
- killing the node of one replica under load costs no answer; when no
  replica lives answers are partial and say which shards are missing (the
  web app too: a partial page, a 503 for an article); once Ray has
  restarted the actors on a new node the answers are whole again.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from cluster.conftest import SHARDS, assert_same_answers, require_ray
from search import clusters, variants
from search import index as idx
from search.cluster import shards
from search.cluster.coordinator import Coordinator
from search.ingest import read_sources
from search.searcher import Searcher

MB = 1024 * 1024
RESOURCE = "akhbar_shard"


def _node(cluster):
    return cluster.add_node(num_cpus=1, object_store_memory=100 * MB, resources={RESOURCE: 100})


@pytest.fixture(scope="module")
def ray_cluster():
    ray = require_ray()
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, connect=False, head_node_args={
        "num_cpus": 1,
        "object_store_memory": 100 * MB,
        "include_dashboard": False,
        # A dead node is noticed within a couple of seconds.
        "_system_config": {"health_check_period_ms": 500, "health_check_failure_threshold": 4},
    })
    nodes = [_node(cluster), _node(cluster)]
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    yield cluster, nodes
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture(scope="module")
def coordinator(ray_cluster, built):
    from search.cluster.ray_backend import RayShards

    _one, sharded_dir = built
    backend = RayShards(sharded_dir, shards.load(sharded_dir), replicas=2, resource=RESOURCE)
    found = Coordinator(sharded_dir, backend)
    yield found
    found.close()


def test_each_shard_has_a_replica_on_each_node(coordinator, ray_cluster):
    _cluster, nodes = ray_cluster
    placed = coordinator.backend.nodes_of()
    assert len(placed) == SHARDS
    for replicas in placed:
        assert sorted(replicas) == sorted(n.node_id for n in nodes)


def test_the_cluster_answers_as_one_index(coordinator, built, queries):
    one = Searcher(built[0])
    try:
        assert assert_same_answers(one, coordinator, queries, ({},)) == 100
        assert_same_answers(one, coordinator, queries[:10], ({"collapse": False}, {"sort": "date"}))
    finally:
        one.close()


def test_a_build_as_ray_tasks_makes_the_same_shards(ray_cluster, built, news_small, tmp_path):
    from search.cluster.ray_backend import write_on_ray

    report = shards.build(tmp_path / "index", read_sources([news_small]), SHARDS, runner=write_on_ray)
    assert report.indexed == 2000
    here = shards.load(built[1]).dirs(built[1])
    there = shards.load(tmp_path / "index").dirs(tmp_path / "index")
    for a, b in zip(here, there):
        ga, gb = idx.resolve(a), idx.resolve(b)
        assert json.loads((ga / variants.FILE).read_text())["pairs"] == json.loads((gb / variants.FILE).read_text())["pairs"]
        assert clusters.Clusters.load(ga).roots == clusters.Clusters.load(gb).roots
        with idx.open_index(a).searcher() as sa, idx.open_index(b).searcher() as sb:
            assert sorted(f["id"] for f in sa.all_stored_fields()) == sorted(f["id"] for f in sb.all_stored_fields())


class _Load:
    """Queries in a loop from two threads, every answer recorded."""

    def __init__(self, coordinator, queries: list[str]) -> None:
        self.coordinator, self.queries = coordinator, queries
        self.answers: list[tuple[float, object]] = []  # (time, results or the exception)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(k,)) for k in range(2)]

    def _run(self, k: int) -> None:
        n = k
        while not self.stop.is_set():
            try:
                found = self.coordinator.search(self.queries[n % len(self.queries)])
            except Exception as error:  # noqa: BLE001 - every error counts
                found = error
            self.answers.append((time.monotonic(), found))
            n += 2

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def test_node_failures_under_load(ray_cluster, coordinator, built, queries):
    cluster, nodes = ray_cluster
    one = Searcher(built[0])
    expected = {q: one.search(q).total for q in queries[:20]}
    one.close()
    load = _Load(coordinator, queries[:20])
    with load:
        time.sleep(2)
        cluster.remove_node(nodes[0], allow_graceful=False)  # one replica of every shard
        time.sleep(8)
    errors = [a for _, a in load.answers if isinstance(a, Exception)]
    assert not errors, errors[:3]
    assert len(load.answers) > 20
    for _, found in load.answers:
        assert not found.partial and found.total == expected[found.query]

    # The second node goes too: no replica of any shard lives.
    cluster.remove_node(nodes[1], allow_graceful=False)
    deadline = time.monotonic() + 60
    found = coordinator.search(queries[0])
    while found.missing_shards != list(range(SHARDS)) and time.monotonic() < deadline:
        assert found.partial or not found.missing_shards  # never fewer results without saying so
        time.sleep(0.5)
        found = coordinator.search(queries[0])
    assert found.partial and found.missing_shards == list(range(SHARDS))
    found = coordinator.search(queries[0])  # every replica set aside now: none is asked
    assert found.partial and found.missing_shards == list(range(SHARDS))
    assert found.total == 0 and found.hits == []

    from web import create_app

    app = create_app({"INDEX_DIR": str(built[1]), "TESTING": True}, coordinator)
    client = app.test_client()
    answer = client.get("/api/search", query_string={"q": queries[0]})
    assert answer.status_code == 200
    assert answer.get_json()["partial"] is True and answer.get_json()["missing_shards"] == [0, 1, 2, 3]
    page = client.get("/search", query_string={"q": queries[0]})
    assert page.status_code == 200 and 'id="partial"' in page.get_data(as_text=True)
    some = "ant-BB-culture-136-20180430"
    assert client.get(f"/api/articles/{some}").status_code == 503
    assert client.get(f"/api/articles/{some}").get_json()["error"]["code"] == "shard_unavailable"
    assert client.get(f"/article/{some}").status_code == 503

    # A new node: Ray restarts the actors there, and the answers are whole again.
    nodes.append(_node(cluster))
    deadline = time.monotonic() + 180
    while coordinator.search(queries[0]).partial and time.monotonic() < deadline:
        time.sleep(1)
    for query, total in expected.items():
        found = coordinator.search(query)
        assert not found.partial and found.total == total
    assert client.get(f"/api/articles/{some}").status_code == 200
