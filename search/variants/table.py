"""The spelling table saved beside an index, and the Spellings a search
reads from it."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

from search.ranking import bm25_idf
from search.variants.config import MinerConfig
from search.stemmer import without_proclitics

FILE = "spellings.json"
# The spelling table's contents: {"config": MinerConfig as a dict,
# "segments": the segment ids mined, "pairs": [[stem, stem], ...] kept,
# "leaves": [[rare stem, usual stem, weight], ...] the spellings hardly written,
# "forms": [[rare word, usual stem, [written form, ...], weight], ...] those
# the stemmer cuts where the usual spelling is whole (FormLeaf),
# "frequencies": {stem: articles} of the pairs' stems, "articles": the
# index's, when mined}.


def leaf_weight(rare_df: int, common_df: int, articles: int, share: float = MinerConfig.rare_share) -> float:
    """The boost that scores a hardly written spelling as ``share`` of its
    usual one (by the ratio of their idfs): else its one article, with the
    idf of a word in one article, comes first in every search for the
    usual spelling."""
    return round(share * min(1.0, bm25_idf(common_df, articles) / bm25_idf(rare_df, articles)), 4)


def _as_json(config: MinerConfig) -> dict:
    return json.loads(json.dumps(asdict(config)))


def _read(directory: str | Path) -> dict:
    try:
        with open(Path(directory) / FILE, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(directory: str | Path, data: dict) -> None:
    """Atomically: a searcher reading the old table while an add writes the
    new one reads one or the other."""
    path = Path(directory) / FILE
    tmp = path.with_name(f".{FILE}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class Spellings:
    """A loaded table: each stem's other spellings.

    Spellings join through shared ones (إنجلترا، إنكلترا، إنغلترا), up to
    ``max_group``: a longer chain is more likely to run from one word to
    another through near spellings, so its stems keep only their direct
    pairs.  A hardly written spelling (a leaf: stem, usual stem, weight)
    joins its usual spelling's group without counting towards it, and is
    searched with its weight as a boost.  ``frequencies`` (the articles of
    the pairs' stems) and ``articles`` (the index's) weigh a pair's rarer
    spelling (weight)."""

    def __init__(self, pairs: Iterable[Iterable[str]] = (), max_group: int = MinerConfig.max_spellings,
                 leaves: Iterable[tuple[str, str, float]] = (),
                 forms: Iterable[tuple[str, str, Iterable[str], float]] = (),
                 frequencies: Mapping[str, int] | None = None, articles: int = 0) -> None:
        self._frequencies = dict(frequencies or {})
        self._articles = articles
        neighbours: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            neighbours[a].add(b)
            neighbours[b].add(a)
        self._others: dict[str, tuple[str, ...]] = {}
        for stem in neighbours:
            if stem in self._others:
                continue
            group, todo = {stem}, [stem]
            while todo:
                for other in neighbours[todo.pop()]:
                    if other not in group:
                        group.add(other)
                        todo.append(other)
            for member in group:
                others = group - {member} if len(group) <= max_group else neighbours[member]
                self._others[member] = tuple(sorted(others))
        self._weights: dict[str, float] = {}
        added: dict[str, set[str]] = defaultdict(set)  # usual stem -> its leaves
        for leaf, usual, weight in leaves:
            if leaf == usual or usual in self._others.get(leaf, ()):
                continue  # one group through the pairs already: the evidence for a pair outweighs
            # A stem of the pairs joins too when its group lacks the usual
            # spelling: بروتكول and برتوكول, a pair of two rare spellings of
            # بروتوكول, each a leaf of it.
            if leaf not in self._others:
                self._weights[leaf] = weight
            added[usual].add(leaf)
        for usual, new in added.items():
            group = {usual, *self._others.get(usual, ())}
            for member in group:
                self._others[member] = tuple(sorted({*self._others.get(member, ()), *new}))
            for leaf in new:
                self._others[leaf] = tuple(sorted(({*self._others.get(leaf, ())} | group | new) - {leaf}))
        # Form leaves (FormLeaf): the written forms searched with a usual
        # stem's group, and the usual stem searched for each form.
        self._forms: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self._shown: dict[str, list[str]] = defaultdict(list)  # a form of each leaf
        self._usual: dict[str, str] = {}  # the rare word, its proclitics off -> the usual stem
        self._leaf: dict[str, str] = {}  # a written form, or the rare word itself -> the rare word
        for core, usual, written, weight in forms:
            if core in self._usual:
                continue
            self._usual[core] = usual
            self._leaf[core] = core
            group = sorted({usual, *self._others.get(usual, ())})
            for form in written:
                self._leaf.setdefault(form, core)
                for member in group:
                    self._forms[member].append((form, weight))
            for member in group:  # the rare word bare, if an article writes it so
                self._shown[member].append(core if core in written else written[0])

    def __len__(self) -> int:
        return len(self._others)

    def others(self, stem: str) -> tuple[str, ...]:
        """The other spellings of ``stem`` (none if it has one spelling)."""
        return self._others.get(stem, ())

    def weight(self, stem: str, typed: str | None = None) -> float:
        """The boost ``stem`` is searched with as a spelling of the word
        typed (of stem ``typed``): a leaf's own weight; a pair's rarer
        spelling, the ratio of the typed one's idf to its own.  Else an
        article that writes the rarer spelling would score the word higher
        than one that writes the spelling typed (جيزان in 95 articles
        beside جازان in 906), against the exact form's bonus: the typed
        spelling's articles first, the others as if they wrote it."""
        if stem in self._weights:
            return self._weights[stem]
        mine, theirs = self._frequencies.get(typed or ""), self._frequencies.get(stem)
        if mine is None or theirs is None or not self._articles:
            return 1.0  # a table mined before it kept the numbers
        return leaf_weight(theirs, mine, self._articles, share=1.0)

    def forms(self, stem: str) -> tuple[tuple[str, float], ...]:
        """The written forms (with their boosts) searched as written with
        ``stem``: the form leaves of its group."""
        return tuple(self._forms.get(stem, ()))

    def shown(self, stem: str) -> tuple[str, ...]:
        """A written form of each form leaf of ``stem``'s group (the rare
        word bare if an article writes it so, else its commonest form):
        what a page shows of them."""
        return tuple(self._shown.get(stem, ()))

    def leaf(self, form: str) -> str | None:
        """The rare word of the form leaf a written form is of, if any: as
        the table lists the form, or with other proclitics (هولاندا, where
        the articles write وهولاندا)."""
        if form in self._leaf:
            return self._leaf[form]
        return next((rest for rest in without_proclitics(form) if rest in self._usual), None)

    def usual(self, form: str) -> str | None:
        """The usual stem a written form is a form leaf of, if any."""
        leaf = self.leaf(form)
        return self._usual[leaf] if leaf is not None else None

    @classmethod
    def load(cls, directory: str | Path) -> "Spellings":
        """The table saved beside an index; empty if it has none (an index
        built before spellings were mined)."""
        data = _read(directory)
        pairs = data.get("pairs", ())
        leaves = data.get("leaves", ())
        forms = data.get("forms", ())
        frequencies = data.get("frequencies")
        articles = data.get("articles")
        return cls((p for p in pairs if isinstance(p, list) and len(p) == 2),
                   leaves=(tuple(p) for p in leaves if isinstance(p, list) and len(p) == 3),
                   forms=(tuple(p) for p in forms if isinstance(p, list) and len(p) == 4),
                   frequencies=frequencies if isinstance(frequencies, dict) else None,
                   articles=articles if isinstance(articles, int) else 0)
