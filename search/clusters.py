"""Wire copies: articles whose texts are near-copies of one another.

The same agency story runs in several papers, a word changed here and a
line added there.  Two articles are copies when the word 5-grams of their
normalized texts (title and body) have a Jaccard similarity of at least
THRESHOLD; a cluster is a set of articles joined by such pairs, named by its
smallest article id when it is found; an article added later joins it
under that name (search.clusters.components).

Finding the pairs without comparing every article with every other is
MinHash with banded locality-sensitive hashing: each article's set of
5-grams is summarised by NUM_PERM minimum hash values (the chance that two
sets share a minimum is their Jaccard similarity); cut into BANDS bands of
ROWS values, two articles become candidates when any band is equal, which
happens with probability ``1 - (1 - J**ROWS)**BANDS``: 0.99 at J = 0.7, 0.64
at 0.5, 0.12 at 0.3.  Every candidate pair is then checked exactly (the
5-gram sets themselves), so an edge of a cluster is always a true copy.

Everything is vectorized with numpy (signatures, band keys, grouping equal
keys by sorting): the full corpus costs seconds of a build, and an add
compares its new articles with every stored signature in milliseconds.  The
signatures and the verified pairs are kept beside the index in the
generation directory (FILE); the searcher reads the pairs only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search.normalize import _STRIP_RE as _STRIP, fold

FILE = "clusters.npz"
VERSION = 1
SHINGLE = 5  # words per shingle
THRESHOLD = 0.7  # word 5-gram Jaccard of two copies
NUM_PERM = 64
BANDS, ROWS = 16, 4
# Of a very long text (a book pasted as one article) only the opening words
# are shingled: enough to tell a copy, and a bounded cost.
MAX_WORDS = 20_000

_WORD = re.compile(r"\w+")
_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)


def _seeded(label: str, count: int) -> np.ndarray:
    """``count`` fixed 64-bit numbers derived from ``label``: the same in
    every process and numpy version (a build and a later add must agree)."""
    out = np.empty(count, dtype=_U64)
    for i in range(count):
        out[i] = int.from_bytes(hashlib.blake2b(f"{label}/{i}".encode(), digest_size=8).digest(), "little")
    return out


# Multiply-shift hash functions, one per permutation: (a*x + b) mod 2**64,
# top 32 bits; ``a`` odd.
_A = _seeded("akhbar-minhash-a", NUM_PERM) | _U64(1)
_B = _seeded("akhbar-minhash-b", NUM_PERM)
_MIX = _seeded("akhbar-shingle", SHINGLE + 1) | _U64(1)
_BAND_MIX = _seeded("akhbar-band", ROWS) | _U64(1)
_EMPTY_SIGNATURE = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


# Of a very long text only the opening characters are read for words.
MAX_CHARS = 40 * MAX_WORDS
# Words are hashed as polynomials of their characters, all at once with
# numpy: sum(c_i * P**i) over a text, a word's part of the sum shifted back
# to its start by P's inverse (P is odd, so it has one modulo 2**64).
_P = int(_seeded("akhbar-word", 1)[0]) | 1
_POWERS = np.cumprod(np.r_[_U64(1), np.full(MAX_CHARS, _U64(_P))], dtype=_U64)
_INVERSES = np.cumprod(np.r_[_U64(1), np.full(MAX_CHARS, _U64(pow(_P, -1, 2**64)))], dtype=_U64)
_TABLES: list[np.ndarray] = []


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every character of the Basic Multilingual Plane: dropped (a
    diacritic, tatweel, an invisible mark), its folded lower-case form
    (search/normalize.py), a word character (regex \\w)."""
    if not _TABLES:
        chars = [chr(c) for c in range(0x10000)]
        dropped = np.fromiter((bool(_STRIP.match(c)) for c in chars), dtype=bool, count=0x10000)
        folded = np.arange(0x10000, dtype=np.uint32)
        for c, ch in enumerate(chars):
            if 0xD800 <= c < 0xE000:
                continue
            f = fold(ch).lower()
            if len(f) == 1:
                folded[c] = ord(f)
        word = np.fromiter((bool(_WORD.match(c)) for c in chars), dtype=bool, count=0x10000)
        _TABLES[:] = [dropped, folded, word]
    return _TABLES[0], _TABLES[1], _TABLES[2]


class Shingler:
    """Texts to sets of hashed word 5-grams, with numpy lookup tables rather
    than a Python loop over words or regular expressions over the text
    (either cost a tenth of a build)."""

    def words(self, text: str) -> np.ndarray:
        """The hashes of the normalized words of ``text`` (diacritics and
        tatweel out, letter variants folded as search/normalize.py does,
        split on whatever is not a word character), up to MAX_WORDS."""
        dropped, folded, word = _tables()
        codes = np.frombuffer(text[:MAX_CHARS].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        bmp = np.minimum(codes, 0xFFFF)  # past the BMP (emoji, mostly): a non-word character
        codes = np.where(codes > 0xFFFF, 0x20, folded[bmp])[~dropped[bmp]]
        inside = word[codes]
        starts = np.flatnonzero(inside & ~np.r_[False, inside[:-1]])
        if not len(starts):
            return np.zeros(0, dtype=_U64)
        with np.errstate(over="ignore"):
            weighted = codes.astype(_U64) * _POWERS[: len(codes)]
            weighted[~inside] = 0
            hashes = np.add.reduceat(weighted, starts) * _INVERSES[starts]
        return hashes[:MAX_WORDS]

    def shingles(self, text: str) -> np.ndarray:
        """The distinct word 5-grams of ``text`` as sorted 64-bit hashes (a
        shorter text is one shingle of all its words; no words, none)."""
        words = self.words(text)
        if not len(words):
            return words
        count = max(1, len(words) - SHINGLE + 1)
        width = min(SHINGLE, len(words))
        out = np.full(count, _MIX[SHINGLE], dtype=_U64)
        with np.errstate(over="ignore"):
            for i in range(width):
                out = out * _MIX[i] + words[i : i + count]
        return np.unique(out)


def article_text(title: str, body: str) -> str:
    return f"{title}\n{body}" if title else body


def signature(shingles: np.ndarray) -> np.ndarray:
    """The NUM_PERM minimum hashes of a set of shingles (uint32)."""
    if not len(shingles):
        return _EMPTY_SIGNATURE.copy()
    out = np.full(NUM_PERM, _U64(2**64 - 1))
    with np.errstate(over="ignore"):
        for start in range(0, len(shingles), 4096):  # bounded temporaries for long texts
            chunk = shingles[start : start + 4096, None]
            out = np.minimum(out, ((chunk * _A + _B) >> _U64(32)).min(axis=0))
    return out.astype(np.uint32)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(articles, BANDS) uint64: one key per band of ROWS values."""
    sig = signatures.astype(_U64).reshape(len(signatures), BANDS, ROWS)
    keys = np.zeros((len(signatures), BANDS), dtype=_U64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            keys = (keys + sig[:, :, r]) * _BAND_MIX[r]
    return keys


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted sets of shingles."""
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def candidate_pairs(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(pairs, 2) of article positions i < j sharing a band key, each once."""
    found = []
    positions = np.flatnonzero(valid)
    for band in range(keys.shape[1]):
        column = keys[positions, band]
        order = np.argsort(column, kind="stable")
        ranked = column[order]
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        sizes = np.diff(np.r_[starts, len(ranked)])
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
            members = np.sort(positions[order[start : start + size]])
            i, j = np.triu_indices(len(members), k=1)
            found.append(np.stack([members[i], members[j]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found).astype(np.int64), axis=0)


def components(edges: Iterable[tuple[str, str]], previous: dict[str, str] | None = None) -> dict[str, str]:
    """Each article of a cluster of two or more -> the cluster's id.

    The clusters are the connected groups of the verified pairs
    (union-find).  A cluster keeps the id it had (``previous``: the last
    stored ids), so an add does not rename the cluster an article joins;
    two clusters that an add joins keep the smaller of their ids; a new
    cluster is named by its smallest article id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    previous = previous or {}
    out: dict[str, str] = {}
    for members in groups.values():
        inside = set(members)
        kept = [previous[m] for m in members if previous.get(m) in inside]
        name = min(kept) if kept else min(members)
        for m in members:
            out[m] = name
    return out


@dataclass
class Clusters:
    """What is kept beside an index: every article's signature, by id, and
    the verified copy pairs."""

    ids: list[str] = field(default_factory=list)
    signatures: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_PERM), np.uint32))
    edges: list[tuple[str, str]] = field(default_factory=list)
    # Each article of a cluster of two or more -> the cluster's id.
    roots: dict[str, str] = field(default_factory=dict)

    def save(self, directory: str | Path) -> None:
        """Written to a temporary file and renamed: readers see the old
        file or the new one."""
        path = Path(directory) / FILE
        tmp = path.with_name(f".{FILE}.{os.getpid()}")
        meta = {"version": VERSION, "shingle": SHINGLE, "threshold": THRESHOLD, "num_perm": NUM_PERM,
                "bands": BANDS, "rows": ROWS, "max_words": MAX_WORDS}
        with open(tmp, "wb") as out:
            np.savez(
                out,
                meta=_bytes(meta),
                ids=_bytes(self.ids),
                edges=_bytes([list(e) for e in self.edges]),
                roots=_bytes(self.roots),
                signatures=self.signatures,
            )
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, directory: str | Path, signatures: bool = True) -> "Clusters | None":
        """The stored clusters, or None if there are none of this version
        (an index built before them, or with other settings)."""
        path = Path(directory) / FILE
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = _json(data["meta"])
                if meta.get("version") != VERSION or meta.get("num_perm") != NUM_PERM:
                    return None
                roots = _json(data["roots"])
                if not signatures:
                    return cls(roots=roots)
                edges = [(a, b) for a, b in _json(data["edges"])]
                return cls(ids=_json(data["ids"]), signatures=data["signatures"], edges=edges, roots=roots)
        except (OSError, ValueError, KeyError):
            return None


def _bytes(value) -> np.ndarray:
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _json(array: np.ndarray):
    return json.loads(array.tobytes().decode("utf-8"))


class Collector:
    """Signatures of the articles of a build or an add as they are written
    (the last version of an id wins), and their shingles until the pairs
    are checked."""

    def __init__(self) -> None:
        self.shingler = Shingler()
        self.shingles: dict[str, np.ndarray] = {}
        self.signatures: dict[str, np.ndarray] = {}

    def add(self, doc_id: str, title: str, body: str) -> None:
        found = self.shingler.shingles(article_text(title, body))
        self.shingles[doc_id] = found
        self.signatures[doc_id] = signature(found)

    def build(self) -> Clusters:
        """The clusters of these articles alone (a build)."""
        ids = sorted(self.signatures)
        sigs = np.stack([self.signatures[i] for i in ids]) if ids else np.zeros((0, NUM_PERM), np.uint32)
        valid = np.asarray([len(self.shingles[i]) > 0 for i in ids], dtype=bool)
        edges = []
        for i, j in candidate_pairs(band_keys(sigs), valid).tolist():
            if jaccard(self.shingles[ids[i]], self.shingles[ids[j]]) >= THRESHOLD:
                edges.append((ids[i], ids[j]))
        return Clusters(ids, sigs, edges, components(edges))

    def merge_into(self, old: Clusters, text_of: Callable[[str], str | None]) -> Clusters:
        """``old`` with these articles added or replacing theirs (an add):
        each new article is compared with the stored signatures and with the
        others added; ``text_of(id)`` gives a stored article's text for the
        exact check of a candidate."""
        new_ids = sorted(self.signatures)
        replaced = set(new_ids)
        keep = np.asarray([i not in replaced for i in old.ids], dtype=bool)
        kept_ids = [i for i, k in zip(old.ids, keep.tolist()) if k]
        kept_sigs = old.signatures[keep] if len(old.ids) else old.signatures
        new_sigs = np.stack([self.signatures[i] for i in new_ids]) if new_ids else np.zeros((0, NUM_PERM), np.uint32)
        edges = [(a, b) for a, b in old.edges if a not in replaced and b not in replaced]
        ids = kept_ids + new_ids
        sigs = np.concatenate([kept_sigs, new_sigs]) if len(new_sigs) else kept_sigs
        keys = band_keys(sigs)
        old_count = len(kept_ids)
        stored: dict[str, np.ndarray] = {}
        for n, doc_id in enumerate(new_ids):
            mine = self.shingles[doc_id]
            if not len(mine):
                continue
            row = old_count + n
            # Candidates: the stored articles and the new ones before this one.
            same = (keys[:row] == keys[row]).any(axis=1)
            for other in np.flatnonzero(same).tolist():
                other_id = ids[other]
                theirs = self.shingles.get(other_id)
                if theirs is None:
                    theirs = stored.get(other_id)
                    if theirs is None:
                        text = text_of(other_id)
                        theirs = stored[other_id] = self.shingler.shingles(text) if text else np.zeros(0, _U64)
                if jaccard(mine, theirs) >= THRESHOLD:
                    edges.append((min(doc_id, other_id), max(doc_id, other_id)))
        return Clusters(ids, sigs, edges, components(edges, old.roots))


def shingles_of(title: str, body: str, shingler: Shingler | None = None) -> np.ndarray:
    """The shingles of an article's text (for measuring, bench/clusters.py)."""
    return (shingler or Shingler()).shingles(article_text(title, body))



def combine(parts: list[Clusters], text_of: Callable[[str], str | None]) -> Clusters:
    """One table for articles split among the shards of an index, each part
    a shard's own (its signatures and its verified pairs): the pairs of the
    parts, and the candidate pairs across parts checked as a build checks
    them, so the clusters are those of one index of all the articles.
    ``text_of(id)`` gives a stored article's text."""
    owner: dict[str, int] = {}
    signatures: dict[str, np.ndarray] = {}
    edges: set[tuple[str, str]] = set()
    for n, part in enumerate(parts):
        for doc_id, sig in zip(part.ids, part.signatures):
            owner[doc_id] = n
            signatures[doc_id] = sig
        edges.update((min(a, b), max(a, b)) for a, b in part.edges)
    ids = sorted(signatures)
    sigs = np.stack([signatures[i] for i in ids]) if ids else np.zeros((0, NUM_PERM), np.uint32)
    # An article without words has the empty signature (a build leaves it out).
    valid = ~(sigs == _EMPTY_SIGNATURE).all(axis=1) if len(ids) else np.zeros(0, dtype=bool)
    shingler = Shingler()
    read: dict[str, np.ndarray] = {}

    def shingles(doc_id: str) -> np.ndarray:
        if doc_id not in read:
            text = text_of(doc_id)
            read[doc_id] = shingler.shingles(text) if text else np.zeros(0, _U64)
        return read[doc_id]

    for i, j in candidate_pairs(band_keys(sigs), valid).tolist():
        a, b = ids[i], ids[j]
        if owner[a] != owner[b] and jaccard(shingles(a), shingles(b)) >= THRESHOLD:
            edges.add((a, b))
    found = sorted(edges)
    return Clusters(ids, sigs, found, components(found))
