"""The words two spellings stand between, read from the stored text of a
few of their articles: the evidence that still tells when the rest says little."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from search.analysis import learn_words, written_pattern
from search.variants.config import MinerConfig
from search.variants.postings import Postings
from search.variants.shapes import skeleton

if TYPE_CHECKING:
    from search.variants.forms import FormLeaf


def _written(stem: str) -> re.Pattern:
    """Where an article may write ``stem``: its letters after the first in
    a row, in any of their written forms (every form of a stem has them:
    ينتقد is indexed as انتقد).  Normalizing whole articles to search them
    cost four times the rest of this evidence."""
    return written_pattern(stem[1:] if len(stem) > 3 else stem)


class Neighbours:
    """The words next to a stem where the articles write it.  Two spellings
    of one name stand in the same places (في بروكسل / في بروكسيل, مقرها
    بروكسل / بروكسيل), two words one letter apart seldom do (الأمير محمد /
    الأمر الذي): on the pairs of bench/spellings.tsv the cosine of these
    profiles is at most 0.05 for two words and mostly 0.1-0.7 for two
    spellings, which the article-wide contexts are not (0.11-0.77 / 0.26-0.85).

    Read from the stored text of a few articles of each stem: only the
    places where the stem's letters are written are analysed, with the
    index's own analyzer."""

    WINDOW = 45  # characters either side of a place: two words, mostly
    TEXT_CHARS = 20_000  # of an article, looked at

    def __init__(
        self, searcher, postings: Postings, vocabulary: Mapping[str, int], config: MinerConfig, analyzer=None
    ) -> None:
        self.searcher = searcher
        # The build passes the analyzer of the schema it indexed with; its
        # caches are this process's, which indexed nothing (Whoosh's indexing
        # processes did), so the words are analysed afresh here.
        self.analyzer = analyzer or searcher.schema[postings.fieldname].analyzer
        self.postings = postings
        self.vocabulary = vocabulary
        self.articles = max(postings.articles, 1)
        self.sample = config.neighbour_sample
        self.minimum = config.neighbour_min
        self._cache: dict[str, Mapping[tuple[int, str], float]] = {}
        self._counts: dict[str, dict[tuple[int, str], int]] = {}
        self._dfs: dict[str, int] | None = None

    def _text(self, doc: int) -> str:
        stored = self.searcher.stored_fields(int(self.postings.docnums[doc]))
        return f"{stored.get('title') or ''}\n{(stored.get('body') or '')[: self.TEXT_CHARS]}"

    def profile(self, stem: str) -> Mapping[tuple[int, str], float]:
        """Each neighbour (its side and distance, and its stem's skeleton, so
        that هونغ كونغ and هونج كونج have one neighbour), weighted by how rare
        it is in the archive."""
        if stem in self._cache:
            return self._cache[stem]
        counts = self._counts.pop(stem, None)
        if counts is None:
            counts = self.counts(stem)
        self._cache[stem] = self._weighed(counts)
        return self._cache[stem]

    def _weighed(self, counts: Mapping[tuple[int, str], int]) -> dict[tuple[int, str], float]:
        n = self.articles
        return {key: min(count, 5) * math.log(n / max(self._df(key[1]), 1)) for key, count in counts.items()}

    def counts(self, stem: str) -> dict[tuple[int, str], int]:
        """How often each neighbour stands beside ``stem`` in a sample of its
        articles (unweighted: what profile weighs)."""
        return self._counted(self.postings.docs(stem), _written(stem), frozenset((stem,)))

    def form_profile(self, leaf: "FormLeaf", docs: np.ndarray,
                     stems: frozenset[str]) -> Mapping[tuple[int, str], float]:
        """The profile of a form leaf's rare spelling: read in ``docs``, the
        articles of its written forms, where a word stems to one of
        ``stems`` (the stemmer's cuts of those forms)."""
        key = "\x00" + leaf.core  # not a stem: no stem starts with it
        if key not in self._cache:
            self._cache[key] = self._weighed(self._counted(docs, _written(leaf.core), stems))
        return self._cache[key]

    def _form_profiles(self, leaf: "FormLeaf", docs: np.ndarray, stems: frozenset[str]) -> tuple[dict, dict]:
        """A form leaf's profile and its usual stem's, less the neighbours that are either."""
        own = {skeleton(leaf.core), skeleton(leaf.usual), *map(skeleton, stems)}
        pa = {k: v for k, v in self.form_profile(leaf, docs, stems).items() if k[1] not in own}
        pb = {k: v for k, v in self.profile(leaf.usual).items() if k[1] not in own}
        return pa, pb

    def form_similarity(self, leaf: "FormLeaf", docs: np.ndarray, stems: frozenset[str]) -> float:
        """Cosine of a form leaf's profile and its usual stem's."""
        return _cosine(*self._form_profiles(leaf, docs, stems))

    def form_containment(self, leaf: "FormLeaf", docs: np.ndarray, stems: frozenset[str]) -> float:
        """The share (by weight) of a form leaf's neighbours that stand beside its usual stem too."""
        pa, pb = self._form_profiles(leaf, docs, stems)
        total = sum(pa.values())
        return sum(v for k, v in pa.items() if k in pb) / total if total else 0.0

    def _counted(self, docs: np.ndarray, pattern: re.Pattern, stems: frozenset[str]) -> dict[tuple[int, str], int]:
        if len(docs) > self.sample:
            docs = docs[np.linspace(0, len(docs) - 1, self.sample).astype(np.int64)]
        counts: dict[tuple[int, str], int] = defaultdict(int)
        for doc in docs:
            text = self._text(int(doc))
            end = -1
            for match in pattern.finditer(text):
                if match.start() < end:
                    continue  # inside the last window
                start, end = max(0, match.start() - self.WINDOW), match.end() + self.WINDOW
                terms = [t.text for t in self.analyzer(text[start:end], mode="index")]
                for i, term in enumerate(terms):
                    if term not in stems:
                        continue
                    for offset in (-2, -1, 1, 2):
                        j = i + offset
                        # The window's first and last words may be cut.
                        if 0 < j < len(terms) - 1 and terms[j] not in stems:
                            counts[(offset, skeleton(terms[j]))] += 1
        return dict(counts)

    # Stems of fewer articles than this in all are read in this process:
    # starting the others and opening the index in each costs a second or
    # two, about as long as a thousand stems of 12 articles take.
    READ_AHEAD_ARTICLES = 24_000

    def read_ahead(
        self, stems: Iterable[str], directory: str | Path, workers: int, least: int | None = None
    ) -> None:
        """Count the neighbours of ``stems`` now, in ``workers`` processes at
        once, each opening the index in ``directory`` (the one searched
        here, or the counts would be another index's): reading articles and
        analysing their words is most of the mining, one stem at a time.
        Fewer than ``least`` stems (by default, READ_AHEAD_ARTICLES' worth
        at this sample), or one worker, leave them to be read when asked for."""
        if least is None:
            least = self.READ_AHEAD_ARTICLES // self.sample
        todo = sorted(set(stems) - self._cache.keys() - self._counts.keys())
        if workers < 2 or len(todo) < max(least, 1):
            return
        parts = [todo[i::workers] for i in range(workers)]
        try:
            # The platform's way of starting processes, as Whoosh's writer does.
            with ProcessPoolExecutor(workers - 1) as pool:
                futures = [
                    pool.submit(_neighbour_counts, str(directory), self.postings.fieldname, part, self.sample)
                    for part in parts[1:]
                ]
                for stem in parts[0]:
                    self._counts[stem] = self.counts(stem)
                for future in futures:
                    self._counts.update(future.result())
        except (BrokenProcessPool, OSError):
            pass  # a worker that could not start or died: what it had is read when asked for

    def _df(self, shape: str) -> int:
        """Articles of the commonest stem of a skeleton (near enough for a weight)."""
        if self._dfs is None:
            dfs: dict[str, int] = defaultdict(int)
            for term, df in self.vocabulary.items():
                key = skeleton(term)
                dfs[key] = max(dfs[key], df)
            self._dfs = dfs
        return self._dfs.get(shape, 1)

    def _profiles(self, a: str, b: str) -> tuple[dict, dict]:
        """The two profiles, less the neighbours that are either stem."""
        own = {skeleton(a), skeleton(b)}
        pa = {k: v for k, v in self.profile(a).items() if k[1] not in own}
        pb = {k: v for k, v in self.profile(b).items() if k[1] not in own}
        return pa, pb

    def containment(self, rare: str, usual: str) -> float:
        """The share (by weight) of ``rare``'s neighbours that stand beside
        ``usual`` too."""
        pa, pb = self._profiles(rare, usual)
        total = sum(pa.values())
        return sum(v for k, v in pa.items() if k in pb) / total if total else 0.0

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two stems' profiles."""
        return _cosine(*self._profiles(a, b))


def _cosine(pa: Mapping, pb: Mapping) -> float:
    dot = sum(v * pb.get(k, 0.0) for k, v in pa.items())
    na = math.sqrt(sum(v * v for v in pa.values()))
    nb = math.sqrt(sum(v * v for v in pb.values()))
    return dot / (na * nb) if na and nb else 0.0


def _neighbour_counts(directory: str, fieldname: str, stems: list[str], sample: int) -> dict:
    """Neighbours.counts of ``stems`` in the index in ``directory``: a
    read_ahead worker."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(directory).searcher() as searcher:
        postings = Postings(searcher, fieldname)
        neighbours = Neighbours(searcher, postings, {}, replace(MinerConfig(), neighbour_sample=sample))
        learn_words(neighbours.analyzer, directory)  # what the build's indexing processes analysed
        return {stem: neighbours.counts(stem) for stem in stems}


def _reader(readers: dict[int, Neighbours], sample: int, searcher, postings: Postings, config: MinerConfig,
            analyzer) -> Neighbours:
    if sample not in readers:
        sampled = replace(config, neighbour_sample=sample)
        readers[sample] = Neighbours(searcher, postings, postings.vocabulary(), sampled, analyzer)
    return readers[sample]
