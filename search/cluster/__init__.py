"""A sharded index searched as one: on this machine or on a Ray cluster.

- shards.py: the layout (manifest, routing by a hash of the id), builds and adds;
- service.py: one shard's searcher, answering the coordinator;
- coordinator.py: the two-phase search (statistics, then query and fetch) and the merge;
- local.py: the shards in this process or in a process each;
- ray_backend.py: the shards in Ray actors with replicas, and builds as Ray tasks
  (needs the ``cluster`` extra).
"""
