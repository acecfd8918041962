"""Form leaves: a rare spelling the stemmer cuts where its usual one stays
whole, joined by its written forms (FormLeaf)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from search.lexicon import zipf
from search.patterns import one_root
from search.spelling.respellings import respellings
from search.stemmer import without_proclitics
from search.variants.config import MinerConfig
from search.variants.neighbours import Neighbours, _reader
from search.variants.postings import EXACT_FIELD, FIELD, Postings
from search.variants.shapes import _LETTERS, _respellable, hardly_leaf


@dataclass(frozen=True)
class FormLeaf:
    """A spelling the archive hardly writes, or a few articles write where
    most write another, that the stemmer cuts where its usual spelling
    stays whole (كرونا → رون beside كورونا, الكامرون → كامر beside
    الكاميرون), so that no pair of stems can join them: its written forms
    are searched as written with the usual stem, and the usual stem with
    them."""

    core: str  # the rare spelling, its proclitics off
    usual: str  # the usual spelling's stem
    forms: tuple[str, ...]  # how the articles write the rare one (EXACT_FIELD terms), the commonest first
    df: int  # articles of those forms (near enough: their sum)
    usual_df: int  # ... and of the usual spelling's
    neighbours: float | None = None  # the cosine (in fewer than min_df articles) or the share, where read
    same: bool = False
    word: str = ""  # the usual spelling as written, that ``core`` respells (كرونا: كورونا)
    share: float | None = None  # its weight's share, if not MinerConfig.rare_share (hardly_form)


# A usual spelling is its stem with at most a name's final ا or يا after it
# (كورونا, كاميرا → كامير, نيجيريا → نيجير): a word with an ending of grammar
# or a pronoun is not a name the stemmer kept whole.
_USUAL_ENDS = ("", "ا", "يا")
# Endings of grammar that a long vowel written in makes of a word's last
# letters: the nisba's يا, a dual's or a plural's ان ون ين ات.
_GRAMMAR_ENDS = ("يا", "ان", "ون", "ين", "ات")


def _ending_apart(rare: str, usual: str) -> bool:
    """Whether ``rare`` ends in an ending of grammar that ``usual`` does not
    (احتجاجيا / احتجاجا, سريلانكيا / سريلانكا, يتزوجان / يتزوجن): an
    adjective beside its noun, a dual beside a plural, not a name's
    spelling (كامرون / كاميرون end alike)."""
    return any(rare.endswith(end) and not usual.endswith(end) for end in _GRAMMAR_ENDS)


def _hardly_written_spelling(rare: str, n: int, word: str, df: int, config: MinerConfig) -> bool:
    """Whether ``rare``, written in ``n`` articles, may be a spelling of
    ``word``, whose stem is in ``df``, that few articles write: by the
    numbers (in min_df articles or more, only if the minority's test is
    on), the lexicon, the patterns and the endings."""
    few = n < config.min_df or config.minority_share is not None
    return (0 < n and few and df >= config.usual_floor(n, len(rare)) and zipf(rare) < config.rare_word_zipf
            and not one_root(rare, word) and not _ending_apart(rare, word))


def form_candidates(
    exact: Iterable[str],
    frequency: Callable[[str], int],
    vocabulary: Mapping[str, int],
    stem_of: Callable[[str], str | None],
    config: MinerConfig = MinerConfig(),
) -> Iterator[FormLeaf]:
    """The form leaves a shape allows (evidence aside): a word in a few
    articles with any proclitics (كرونا, بالكرونا), respelled
    (respellings) from a word whose stem is in enough articles (usual_floor)
    and is that word less at most a name's final letters, that the lexicon
    does not know, and whose written forms the stemmer cuts to stems that
    are neither the usual one nor a rare respelling of it that the stems'
    own leaves weigh (shapes._respellable: not one under rare_min_length).
    ``exact``: the written forms; ``frequency``: the articles of one;
    ``vocabulary``: the stems and their articles; ``stem_of``: the index's
    stem of a written form."""
    written: dict[str, list[str]] = defaultdict(list)  # a word -> its written forms
    for form in dict.fromkeys(exact):  # a form of several segments once
        for rest in without_proclitics(form):
            if len(rest) >= config.rare_min_length:
                written[rest].append(form)
    counts: dict[str, int] = {}

    def articles(word: str) -> int:
        if word not in counts:
            counts[word] = sum(frequency(f) for f in written[word])
        return counts[word]

    best: dict[str, tuple[int, str, str]] = {}  # rare word -> (usual's articles, usual stem, usual word)
    for usual, df in vocabulary.items():
        if df < config.min_df or len(usual) < config.min_length or not _LETTERS.issuperset(usual):
            continue
        for end in _USUAL_ENDS:
            word = usual + end
            if word not in written or (end and zipf(usual) >= config.rare_word_zipf):
                continue  # not written; or an accusative's alif (استنكارا), not a name's (كاميرا)
            options = [r for r in respellings(word) if r in written and best.get(r, (0, "", ""))[0] < df]
            if not options or stem_of(word) != usual:
                continue
            for rare in options:
                if _hardly_written_spelling(rare, articles(rare), word, df, config):
                    best[rare] = (df, usual, word)
    for rare, (usual_df, usual, word) in sorted(best.items()):
        forms = []
        for form in sorted(written[rare], key=lambda f: (-frequency(f), f)):
            stem = stem_of(form)
            if stem is None or stem == usual or zipf(form) >= config.rare_word_zipf:
                continue
            own = vocabulary.get(stem, 0)
            if stem == rare or (stem in respellings(usual) and own < config.min_df and _respellable(stem, own, config)):
                continue  # a stem the stems' own leaves weigh (not a shorter one: ارتريا → ارتر)
            forms.append(form)
        if forms:
            yield FormLeaf(rare, usual, tuple(forms), sum(frequency(f) for f in forms), usual_df, word=word)


def _sure_form(leaf: FormLeaf, config: MinerConfig) -> bool:
    """Whether a form leaf needs no neighbours: long (rare_sure_length) less
    the letters that may be proclitics (بالفاعل beside بالفعل is ب + ال +
    فاعل, two words; باناثيناكوس is long either way)."""
    *_, core = without_proclitics(leaf.core)  # the longest run off
    return len(core) >= config.rare_sure_length


def hardly_form(leaf: FormLeaf, config: MinerConfig) -> bool:
    """Whether a form leaf in fewer than min_df articles needs no neighbours
    though shorter than rare_sure_length: its usual spelling is a name in
    يا that it writes with a ي or و less or more (hardly_leaf), as news
    writes a country's or a city's name (نيجريا / نيجيريا, ليبريا /
    ليبيريا, مرسليا / مرسيليا), which the stemmer cuts to a stem of another
    word (نيجر, Niger).  In one to four articles the neighbours seldom
    match; other words of this shape mostly end in a pronoun or a grammar
    ending (عواصمه / عاصمه, منظموه / منظمه), not in a name's يا, so only
    those are taken (docs/relevance.md)."""
    return leaf.word.endswith("يا") and hardly_leaf(leaf.core, leaf.word, config, leaf.df)


def _stemmer(analyzer) -> Callable[[str], str | None]:
    """The index's stem of a written form (None if it is not one term)."""
    def stem_of(form: str) -> str | None:
        stems = [t.text for t in analyzer(form, mode="query")]
        return stems[0] if len(stems) == 1 else None

    return stem_of


def mine_forms(
    searcher,
    config: MinerConfig = MinerConfig(),
    only: frozenset[str] | None = None,
    analyzer=None,
    directory: str | Path | None = None,
    workers: int = 1,
    postings: Postings | None = None,
    readers: dict[int, Neighbours] | None = None,
) -> list[FormLeaf]:
    """The form leaves of an index (with ``only``, those with a stem of
    ``only``), each decided as the stems' leaves are: one in fewer than
    min_df articles, by its shape if long (rare_sure_length), else by the
    cosine of its neighbours and the usual stem's (rare_sample,
    neighbour_min); one in more, by the share of its neighbours that stand
    by the usual stem too (minority_sample, minority_share)."""
    analyzer = analyzer or searcher.schema[FIELD].analyzer
    postings = postings or Postings(searcher)
    vocabulary = postings.vocabulary()
    exact = Postings(searcher, EXACT_FIELD)

    stem_of = _stemmer(analyzer)
    stems_of: dict[str, frozenset[str]] = {}
    found = []
    for leaf in form_candidates(exact.terms(), exact.frequency, vocabulary, stem_of, config):
        stems = frozenset(filter(None, map(stem_of, leaf.forms)))
        if only is None or leaf.usual in only or stems & only:
            stems_of[leaf.core] = stems
            found.append(leaf)
    readers = {} if readers is None else readers
    neighbours = _reader(readers, config.rare_sample, searcher, postings, config, analyzer)
    wide = _reader(readers, config.minority_sample, searcher, postings, config, analyzer)
    few = [leaf for leaf in found if leaf.df >= config.min_df]
    unsure = [leaf for leaf in found
              if leaf.df < config.min_df and not _sure_form(leaf, config) and not hardly_form(leaf, config)]
    if directory is not None:
        neighbours.read_ahead({leaf.usual for leaf in unsure}, directory, workers)
        wide.read_ahead({leaf.usual for leaf in few}, directory, workers)
    out = []
    for leaf in found:
        if leaf.df < config.min_df and _sure_form(leaf, config):
            out.append(replace(leaf, same=True))
            continue
        if hardly_form(leaf, config):
            out.append(replace(leaf, same=True, share=config.hardly_share))
            continue
        docs = np.unique(np.concatenate([exact.docs(form) for form in leaf.forms]))
        if leaf.df >= config.min_df:  # a spelling a few articles write (minority_share)
            share = wide.form_containment(leaf, docs, stems_of[leaf.core])
            out.append(replace(leaf, neighbours=share, same=share >= config.minority_share))
        else:
            overlap = neighbours.form_similarity(leaf, docs, stems_of[leaf.core])
            out.append(replace(leaf, neighbours=overlap, same=overlap >= config.neighbour_min))
    return out
