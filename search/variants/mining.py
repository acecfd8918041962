"""A build's or an add's mining: every candidate weighed, the table saved."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pyarabic import araby

from search.analysis import load_words
from search.variants.config import MinerConfig
from search.variants.evidence import Contexts, Evidence, Outlets, decide, weigh
from search.variants.forms import _stemmer, mine_forms
from search.variants.neighbours import Neighbours, _reader
from search.variants.postings import EXACT_FIELD, FIELD, Postings
from search.variants.shapes import (candidates, final_ta_stems, hardly_leaf, lead_profile, led_apart,
                                    minority_candidates, rare_candidates, sure_leaf)
from search.variants.table import _as_json, _read, _write, leaf_weight


def mine(
    searcher,
    config: MinerConfig = MinerConfig(),
    only: frozenset[str] | None = None,
    analyzer=None,
    directory: str | Path | None = None,
    workers: int = 1,
    postings: Postings | None = None,
    readers: dict[int, Neighbours] | None = None,
) -> list[Evidence]:
    """The evidence for every candidate pair of an index's stems (with
    ``only``, for the pairs that have one of those stems).  With the
    index's ``directory``, the neighbours are read in ``workers``
    processes (Neighbours.read_ahead).  ``postings``: the stems' lists, if
    already open; ``readers``: the neighbours read so far, by sample size
    (shared with mine_forms, which reads many of the same stems)."""
    postings = postings or Postings(searcher)
    vocabulary = postings.vocabulary()

    def written(form: str) -> int:
        return searcher.doc_frequency(EXACT_FIELD, form)

    written_with_ta = final_ta_stems(vocabulary, written, config, only)
    pairs = [(a, b) for a, b in candidates(vocabulary, config, written_with_ta)
             if only is None or a in only or b in only]
    leaves = [(a, b) for a, b in rare_candidates(vocabulary, config) if only is None or a in only or b in only]
    rare = {a for a, _ in leaves}
    minority = [(a, b) for a, b in minority_candidates(vocabulary, config)
                if a not in rare and (only is None or a in only or b in only)]
    if not pairs and not leaves and not minority:
        return []
    readers = {} if readers is None else readers

    def reader(sample: int) -> Neighbours:
        """The neighbours read from ``sample`` articles of each stem: one
        reader a sample size, so that stems two tests read alike are read once."""
        return _reader(readers, sample, searcher, postings, config, analyzer)

    neighbours, rare_neighbours = reader(config.neighbour_sample), reader(config.rare_sample)
    contexts: list[Contexts] = []

    def context() -> Contexts:  # read only if a pair needs it
        if not contexts:
            contexts.append(Contexts(postings, vocabulary, config))
        return contexts[0]

    weighed = list(weigh(pairs, postings, Outlets(searcher), context, config, neighbours=True))
    sure = [sure_leaf(a, b, config, vocabulary[a]) for a, b in leaves]
    if directory is not None:
        asked = [(e.a, e.b) for e, asks in weighed if asks is not None]
        unsure = [pair for pair, s in zip(leaves, sure) if not s]
        if rare_neighbours is neighbours:
            asked += unsure
        else:
            rare_neighbours.read_ahead({stem for pair in unsure for stem in pair}, directory, workers)
        neighbours.read_ahead({stem for pair in asked for stem in pair}, directory, workers)
    evidence = [e if asks is None else decide(e, neighbours, asks) for e, asks in weighed]
    for (a, b), is_sure in zip(leaves, sure):
        if is_sure:
            share = config.hardly_share if hardly_leaf(a, b, config, vocabulary[a]) else None
            evidence.append(Evidence(a, b, vocabulary[a], vocabulary[b], same=True, leaf=True, share=share))
        else:
            evidence.append(replace(decide(Evidence(a, b, vocabulary[a], vocabulary[b]), rare_neighbours), leaf=True))
    profile = lru_cache(maxsize=None)(lambda stem: lead_profile(stem, written))
    evidence = [replace(e, same=False, led_apart=True) if e.same and led_apart(e.a, e.b, profile, config) else e
                for e in evidence]
    joined = {(e.a, e.b) for e in evidence if e.same} | {(e.b, e.a) for e in evidence if e.same}
    minority = [pair for pair in minority if pair not in joined]  # the evidence above has joined these
    if minority:
        wide = reader(config.minority_sample)
        if directory is not None:
            wide.read_ahead({stem for pair in minority for stem in pair}, directory, workers)
        for a, b in minority:
            share = wide.containment(a, b)
            parted = share >= config.minority_share and led_apart(a, b, profile, config)
            evidence.append(Evidence(a, b, vocabulary[a], vocabulary[b], neighbours=share,
                                     same=share >= config.minority_share and not parted, leaf=True, led_apart=parted))
    return _names_of_nisbas(evidence, vocabulary, config)


def _names_of_nisbas(evidence: list[Evidence], vocabulary, config: MinerConfig) -> list[Evidence]:
    """``evidence`` with the pairs of names in ا whose nisba stems are one
    word's spellings joined (MinerConfig.name_of_nisba): اوروبا / اوربا
    beside اوروب / اورب, its own weighing kept where it had one."""
    if not config.name_of_nisba:
        return evidence
    at = {frozenset((e.a, e.b)): i for i, e in enumerate(evidence)}
    evidence = list(evidence)
    for e in list(evidence):
        a, b = e.a + araby.ALEF, e.b + araby.ALEF
        if not (e.same and not e.leaf and vocabulary.get(a) and vocabulary.get(b)):
            continue
        i = at.get(frozenset((a, b)))
        if i is None:
            at[frozenset((a, b))] = len(evidence)
            evidence.append(Evidence(a, b, vocabulary[a], vocabulary[b], same=True))
        elif not evidence[i].same:
            evidence[i] = replace(evidence[i], same=True, leaf=False)
    return evidence


def _segments(searcher) -> list[str]:
    return sorted(sub.reader().segment().segment_id() for sub, _offset in searcher.leaf_searchers())


def _terms(searcher, segment_ids: set[str]) -> frozenset[str]:
    terms = set()
    for sub, _offset in searcher.leaf_searchers():
        leaf = sub.reader()
        if leaf.segment().segment_id() in segment_ids:
            terms.update(t.decode("utf-8") if isinstance(t, bytes) else t for t, _info in leaf.iter_field(FIELD))
    return frozenset(terms)


def update(
    directory: str | Path, ix, config: MinerConfig = MinerConfig(), analyzer=None, workers: int = 1
) -> int:
    """Mine ``ix`` and save its spellings in ``directory``; the number of
    pairs kept.  After an add only the pairs with a stem of the new
    segments are weighed again (the others' evidence has barely moved);
    a build, or a table mined under other settings, is mined whole.
    ``analyzer``: the one the index was just written with, if at hand;
    ``workers``: processes that read the neighbours, each opening the
    index in ``directory`` (so only where ``ix`` is that index)."""
    previous = _read(directory)
    with ix.searcher() as searcher:
        if analyzer is None:
            # An add's own copy of the analysis: given the words the build
            # analysed, it does not analyse again every word around the
            # stems whose neighbours it reads (most of an add's mining).
            analyzer = searcher.schema[FIELD].analyzer
            load_words(analyzer, directory)
        segments = _segments(searcher)
        mined = set(previous.get("segments", ())) if previous.get("config") == _as_json(config) else set()
        articles = searcher.doc_count_all()
        if mined and mined <= set(segments):
            new = _terms(searcher, set(segments) - mined)
            kept = {tuple(p) for p in previous.get("pairs", ()) if p[0] not in new and p[1] not in new}
            leaves = {p[0]: tuple(p) for p in previous.get("leaves", ()) if p[0] not in new and p[1] not in new}
            stem_of = _stemmer(analyzer)
            forms = {p[0]: p for p in previous.get("forms", ())
                     if p[1] not in new and not new.intersection(map(stem_of, p[2]))}
        else:
            new, kept, leaves, forms = None, set(), {}, {}
        if new is None or new:
            postings, readers = Postings(searcher), {}
            evidence = mine(searcher, config, new, analyzer, directory, workers, postings, readers)
            found = mine_forms(searcher, config, new, analyzer, directory, workers, postings, readers)
        else:
            evidence, found = [], []

    def weight(df: int, usual_df: int, share: float | None) -> float:
        return leaf_weight(df, usual_df, articles, config.rare_share if share is None else share)

    kept.update((e.a, e.b) for e in evidence if e.same and not e.leaf)
    leaves.update((e.a, (e.a, e.b, weight(e.df_a, e.df_b, e.share))) for e in evidence if e.same and e.leaf)
    forms.update((f.core, [f.core, f.usual, list(f.forms), weight(f.df, f.usual_df, f.share)])
                 for f in found if f.same)
    with ix.searcher() as searcher:  # the pairs' numbers as the index has them now (Spellings.weight)
        frequencies = {stem: searcher.doc_frequency(FIELD, stem) for pair in sorted(kept) for stem in pair}
    _write(directory, {"config": _as_json(config), "segments": segments, "pairs": sorted(kept),
                       "leaves": sorted(leaves.values()), "forms": sorted(forms.values()),
                       "frequencies": frequencies, "articles": articles})
    return len(kept) + len(leaves) + len(forms)
