"""What tells two spellings of one word from two words: the outlets that
write each, the articles' contexts and the lexicon, weighed into one score."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from search.variants.config import MinerConfig
from search.variants.postings import Postings, id_order
from search.variants.shapes import _LETTERS, alef_for_ya, family_zipf, vowel_apart

if TYPE_CHECKING:
    from search.variants.neighbours import Neighbours


class Contexts:
    """Which context words each article has, to profile the articles of a stem."""

    def __init__(self, postings: Postings, vocabulary: Mapping[str, int], config: MinerConfig) -> None:
        n = max(postings.articles, 1)
        top = max(n * config.feature_max_share, config.feature_min_top)
        words = [t for t, df in vocabulary.items() if config.feature_min_df <= df <= top and _LETTERS.issuperset(t)]
        words = sorted(words, key=lambda t: (-vocabulary[t], t))[: config.max_features]
        self.index = {w: i for i, w in enumerate(words)}
        docs, feats = [], []
        for i, word in enumerate(words):
            d = postings.docs(word)
            docs.append(d)
            feats.append(np.full(len(d), i, dtype=np.int32))
        doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        feat = np.concatenate(feats) if feats else np.zeros(0, dtype=np.int32)
        order = np.argsort(doc, kind="stable")
        self.features = feat[order]
        self.starts = np.searchsorted(doc[order], np.arange(n + 1))
        df = np.bincount(feat, minlength=len(words)).astype(np.float64)
        self.base = np.where(df > 0, df / n, 1.0)
        self.sample = config.sample

    def profile(self, docs: np.ndarray, leave_out: Iterable[str]) -> np.ndarray:
        """Positive PMI of each context word in these articles, unit length."""
        if len(docs) > self.sample:
            docs = docs[np.linspace(0, len(docs) - 1, self.sample).astype(np.int64)]
        size = len(self.base)
        if not len(docs):
            return np.zeros(size)
        spans = [self.features[self.starts[d] : self.starts[d + 1]] for d in docs]
        counts = np.bincount(np.concatenate(spans), minlength=size) if spans else np.zeros(size)
        share = counts / len(docs)
        with np.errstate(divide="ignore"):
            weights = np.where(counts > 0, np.log(share / self.base), 0.0)
        weights = np.maximum(weights, 0.0) * np.minimum(counts, 3)  # one article's words count for little
        for word in leave_out:
            i = self.index.get(word)
            if i is not None:
                weights[i] = 0.0
        norm = np.linalg.norm(weights)
        return weights / norm if norm else weights


@dataclass(frozen=True)
class Evidence:
    """What is known of a pair of stems, and the verdict."""

    a: str
    b: str
    df_a: int
    df_b: int
    style: float = 0.0  # distance between the outlets writing each spelling (0 when unknown)
    style_z: float = 0.0  # how sure that distance is (a chi-squared test, as a z score)
    purity: float = 0.0  # how much more each outlet keeps to one spelling than chance
    similarity: float = 0.0  # cosine of the context profiles of their articles
    rare_zipf: float = 0.0  # the lexicon's frequency of the rarer spelling's family
    common_zipf: float = 0.0
    score: float = 0.0
    neighbours: float | None = None  # Neighbours.similarity, where it was read
    same: bool = False
    leaf: bool = False  # a rare_candidates pair: ``a`` is hardly written, or long (see rare_sure_length)
    share: float | None = None  # a leaf's weight as a share of the usual spelling's (None: rare_share)
    led_apart: bool = False  # joined by the rest, parted by the letter before one (shapes.led_apart)

    def features(self) -> tuple[float, ...]:
        """What the weights of MinerConfig multiply, the bias first."""
        shorter = min(len(self.a), len(self.b))
        return (
            1.0,
            self.style,
            math.log1p(max(self.style_z, 0.0)) / 3,
            self.purity,
            self.similarity,
            self.rare_zipf,
            self.common_zipf - self.rare_zipf,
            min(shorter, 10) / 10,
        )


class Outlets:
    """Each article's source, as codes, for the house-style test."""

    def __init__(self, searcher) -> None:
        from search.matching import column

        codes: dict[str, int] = {}
        values = column(searcher, "source", "")
        # By article number (Postings): in the order of the ids.
        values = [values[d] for d in id_order(searcher).tolist()]
        self.codes = np.array([codes.setdefault(v or "", len(codes)) for v in values])
        self.count = len(codes)
        base = np.bincount(self.codes, minlength=self.count).astype(np.float64) if len(self.codes) else np.zeros(0)
        self.base = base / max(base.sum(), 1.0)

    def style(self, only_a: np.ndarray, only_b: np.ndarray) -> tuple[float, float, float]:
        """(distance, z, purity): how differently the outlets write the two
        spellings, as total variation between their rates per outlet; a
        chi-squared test of the outlet counts as a z score; and how much
        more each outlet keeps to one spelling than the overall shares give."""
        if self.count < 2 or not len(only_a) or not len(only_b):
            return 0.0, 0.0, 0.0
        ca = np.bincount(self.codes[only_a], minlength=self.count).astype(np.float64)
        cb = np.bincount(self.codes[only_b], minlength=self.count).astype(np.float64)
        used = (ca + cb) > 0
        ca, cb, base = ca[used], cb[used], self.base[used]
        if len(ca) < 2:
            return 0.0, 0.0, 0.0
        total_a, total_b = ca.sum(), cb.sum()
        majority = max(total_a, total_b) / (total_a + total_b)
        purity = (np.maximum(ca, cb).sum() / (total_a + total_b) - majority) / (1 - majority)
        ra, rb = ca / base, cb / base
        distance = 0.5 * float(np.abs(ra / ra.sum() - rb / rb.sum()).sum())
        total = ca + cb
        expected_a = total * ca.sum() / total.sum()
        expected_b = total * cb.sum() / total.sum()
        chi2 = float(((ca - expected_a) ** 2 / expected_a).sum() + ((cb - expected_b) ** 2 / expected_b).sum())
        df = len(ca) - 1
        # Wilson and Hilferty's normal approximation of the chi-squared distribution.
        z = ((chi2 / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
        return distance, z, float(purity)


def weigh(
    pairs: Iterable[tuple[str, str]],
    postings: Postings,
    outlets: Outlets,
    contexts: Callable[[], "Contexts"],
    config: MinerConfig,
    neighbours: bool = False,
) -> Iterator[tuple[Evidence, float | None]]:
    """Each pair's evidence but its neighbours, and the cosine of the
    neighbours its verdict waits for (None if it does not; only if
    ``neighbours`` may be read): judge's first half, so that the neighbours
    of every pair that asks can be read at once (Neighbours.read_ahead)."""
    docs: dict[str, np.ndarray] = {}
    weights = np.array(config.weights)
    similarity_weight = weights[4]

    def docs_of(term: str) -> np.ndarray:
        if term not in docs:
            docs[term] = postings.docs(term)
        return docs[term]

    for a, b in pairs:
        da, db = docs_of(a), docs_of(b)
        only_a = np.setdiff1d(da, db, assume_unique=True)
        only_b = np.setdiff1d(db, da, assume_unique=True)
        common, rare = sorted((family_zipf(a), family_zipf(b)), reverse=True)
        style, sure, purity = outlets.style(only_a, only_b)
        evidence = Evidence(a, b, len(da), len(db), style, sure, purity, 0.0, rare, common)
        if rare >= config.word_zipf and common - rare < config.word_margin:
            yield evidence, None  # two established words
            continue
        score = float(weights @ np.array(evidence.features()))
        near = neighbours and min(len(da), len(db)) >= config.neighbour_min_df
        floor = config.neighbour_floor
        if config.vowel_floor is not None and (vowel_apart(a, b) or alef_for_ya(a, b, config.vowel_swap_length)):
            floor = min(floor, config.vowel_floor)
        needed = min(config.threshold, floor) if near else config.threshold
        measured = score + max(similarity_weight, 0.0) > needed and min(len(only_a), len(only_b)) > 0
        if measured:
            ctx = contexts()
            similarity = float(ctx.profile(only_a, (a, b)) @ ctx.profile(only_b, (a, b)))
            score += similarity_weight * similarity
            evidence = replace(evidence, similarity=similarity)
        same = score > config.threshold
        # A pair the outlets join though their articles are about other
        # things (ماكرون / مكرون: the recipes' outlet writes the pasta) waits
        # for its neighbours too.
        far = measured and config.context_floor is not None and evidence.similarity < config.context_floor
        # So does a pair the score joins with little to spare, where both
        # stems are in enough articles for their neighbours to be read well
        # (the outlets' house style joined المساواة / المواساة).
        narrow = (config.confirm_below is not None and same and score < config.confirm_below
                  and min(len(da), len(db)) >= config.confirm_min_df)
        asks = None
        if near and ((not same and score > floor) or (same and far)):
            asks = config.neighbour_min
        elif near and narrow:
            asks = config.confirm_min
        yield replace(evidence, score=score, same=same), asks


def decide(evidence: Evidence, neighbours: "Neighbours", minimum: float | None = None) -> Evidence:
    """The verdict of a pair that waits for its neighbours (weigh): one
    word if they overlap by ``minimum`` (the neighbours' own, if None)."""
    overlap = neighbours.similarity(evidence.a, evidence.b)
    return replace(evidence, neighbours=overlap, same=overlap >= (neighbours.minimum if minimum is None else minimum))


def judge(
    pairs: Iterable[tuple[str, str]],
    postings: Postings,
    outlets: Outlets,
    contexts: Callable[[], "Contexts"],
    config: MinerConfig,
    neighbours: Callable[[], "Neighbours"] | None = None,
) -> Iterator[Evidence]:
    """Weigh each pair (see the module's docstring).  The context profiles
    and the neighbours cost the most, so they are read only for a pair
    whose other evidence leaves the verdict open."""
    for evidence, asks in weigh(pairs, postings, outlets, contexts, config, neighbours is not None):
        yield evidence if asks is None else decide(evidence, neighbours(), asks)
