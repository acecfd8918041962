"""The statistics of a whole sharded index, gathered once and kept.

A shard scores its matches as one index would only with the index-wide
document frequency of every query term.  Asking every shard for them
before each search (the "DFS" phase of search/cluster/coordinator.py) is a
round trip, and the query built twice in every shard, before any matching
starts.  Like Solr's shared statistics caches, the coordinator instead
gathers each shard's whole term directory once (the 64-bit term keys and
list lengths of its flat arrays, search/flat.py), adds them up, and hands
the sum to every shard: a search then goes to the shards with a reference
to statistics they already hold, and the words' counts the respelling
weighs are read from the same sum without asking anyone.

Every shard's answer names the state of the shard it searched; an answer
from a state the sum was not made of (an ``add`` since) makes the
coordinator gather again and ask again, so the scores stay exactly one
index's.  A shard whose directory does not name every term with its count
(a segment Whoosh merged, two terms of one key) makes no sum: its searches
ask for the statistics as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from search import arrays
from search.flat import key_of
from search.ranking import Stats


def state_of(view: arrays.IndexView) -> int:
    """A 64-bit name of the state of a shard's index the view is of (its
    key, arrays.view_key: the segments and their deletions)."""
    digest = hashlib.blake2b(repr(view.key).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@dataclass(frozen=True)
class Vocabulary:
    """One shard's statistics, for every term: its article count, field
    lengths, and each term's key and document frequency (``keys`` None: the
    shard cannot list them all)."""

    state: int
    doc_count: int
    field_lengths: dict[str, float]
    keys: np.ndarray | None = None  # ascending uint64 (flat.key_of)
    counts: np.ndarray | None = None  # int64, deleted articles counted as Whoosh counts them


def _added_up(keys: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each key once, ascending, with the sum of its counts."""
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    every = np.concatenate(keys)
    order = np.argsort(every, kind="stable")
    every, summed = every[order], np.concatenate(counts).astype(np.int64)[order]
    if not len(every):
        return every, summed
    starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
    return every[starts], np.add.reduceat(summed, starts)


def vocabulary(view: arrays.IndexView, searcher, fields: tuple[str, ...]) -> Vocabulary:
    """The statistics of the index ``searcher`` reads, from its segments'
    flat directories."""
    reader = searcher.reader()
    own = Vocabulary(state_of(view), searcher.doc_count_all(),
                     {name: reader.field_length(name) for name in fields})
    keys, counts = [], []
    for segment, (leaf, _offset) in zip(view.segments, reader.leaf_readers()):
        if not leaf.doc_count_all():
            continue  # an empty index's reader: no terms
        flat = segment.flat(leaf)
        if flat is None or not flat.complete:
            return own
        listed = np.asarray(flat.counts)
        if len(listed) and listed.min() < 0:  # two terms of one key: only Whoosh tells them apart
            return own
        keys.append(np.asarray(flat.keys))
        counts.append(listed)
    summed_keys, summed_counts = _added_up(keys, counts)
    return Vocabulary(own.state, own.doc_count, own.field_lengths, summed_keys, summed_counts)


class Frequencies(Mapping):
    """Document frequencies of every term of the index, by (field, term):
    the ``doc_frequencies`` of a Stats that names them all."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.keys = keys
        self.counts = counts

    def __getitem__(self, term: tuple[str, str | bytes]) -> int:
        fieldname, text = term
        key = np.uint64(key_of(fieldname, text if isinstance(text, bytes) else text.encode("utf-8")))
        at = int(np.searchsorted(self.keys, key))
        if at < len(self.keys) and self.keys[at] == key:
            return int(self.counts[at])
        raise KeyError(term)

    def __iter__(self):
        raise TypeError("the terms are known by their keys only")

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class IndexStats:
    """The shards' vocabularies added up: ``stats`` those of one index of
    all their articles (None: a shard could not list its terms, or did not
    answer), for the shards in the states ``version`` names."""

    version: tuple[int | None, ...]
    stats: Stats | None

    @classmethod
    def of(cls, vocabularies: Mapping[int, Vocabulary], count: int) -> "IndexStats":
        version = tuple(vocabularies[n].state if n in vocabularies else None for n in range(count))
        parts = [vocabularies.get(n) for n in range(count)]
        if any(p is None or p.keys is None for p in parts):
            return cls(version, None)
        lengths: dict[str, float] = {}
        for part in parts:
            for name, value in part.field_lengths.items():
                lengths[name] = lengths.get(name, 0) + value
        keys, counts = _added_up([p.keys for p in parts], [p.counts for p in parts])
        return cls(version, Stats(sum(p.doc_count for p in parts), lengths, Frequencies(keys, counts)))

    def current(self, states: Mapping[int, int]) -> bool:
        """Whether shards in ``states`` are in the states these statistics were made of."""
        return all(self.version[n] == state for n, state in states.items())


@dataclass(frozen=True)
class StatsRef:
    """Statistics a shard was given before (ShardService.keep_stats), by their version."""

    version: tuple[int | None, ...]


@dataclass(frozen=True)
class NeedStats:
    """A shard's answer to a StatsRef it does not hold (a process started
    since): the coordinator gives them and asks again."""

    shard: int
