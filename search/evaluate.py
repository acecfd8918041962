"""The relevance evaluation harness behind ``akhbar eval``.

A test collection is documents (anything ``akhbar build`` reads), queries
(``{"qid", "query"}`` a line) and judgments (``qid<TAB>docid<TAB>relevance``).
Each named system in :data:`SYSTEMS` is built over the documents in a
throwaway directory and every query is run through it; the measures are
computed by ir-measures (RR@10 is reported as MRR@10).

Akhbar systems go through the same :class:`~search.searcher.Searcher` the web
uses; an index is built once per distinct :class:`AnalysisConfig` and shared
by systems that differ only in their :class:`SearchOptions`.  ``fts5``,
``tantivy`` and ``lucene`` are other engines over the same documents and
queries (search.baselines).  ``Collection.part`` keeps one part of the
queries, so that a change chosen on some queries can be checked on others.

ir-measures and tantivy are the ``eval`` extra and are imported lazily;
Lucene needs java and its jars (search/baselines/lucene.py).
"""

from __future__ import annotations

import json
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from search import baselines
from search.analysis import CONFIGS, AnalysisConfig
from search.baselines import DEPTH, Run
from search.normalize import normalize
from search.ingest import Article, Problem, read_sources
from search.query import QueryError, Weights
from search.searcher import SearchOptions
from search.stemmer import PRONOUNS, default_prefixes

MEASURE_NAMES = ("MRR@10", "nDCG@10", "R@10", "R@100")
SPELLING_MEASURES = ("variant recall", "leak")


@dataclass(frozen=True)
class System:
    """A named way of ranking: an Akhbar analysis + search options, or
    another engine (``kind`` one of search.baselines.KINDS)."""

    kind: str = "akhbar"
    config: AnalysisConfig = CONFIGS["default"]
    options: SearchOptions = SearchOptions()
    note: str = ""
    # How a run lists the ranked articles: "copies" (near-copies folded, each
    # hit followed by the copies folded under it: what a reader can reach),
    # "hits" (folded, the hits alone), "unfolded" (collapse=0).
    listing: str = "copies"


LISTINGS = ("copies", "hits", "unfolded")


def _akhbar(config: str, note: str = "", listing: str = "copies", **options) -> System:
    weights = options.pop("weights", None)
    opts = SearchOptions(**options) if weights is None else SearchOptions(weights=weights, **options)
    return System(config=CONFIGS[config], options=opts, note=note, listing=listing)


SYSTEMS: dict[str, System] = {
    # What each analysis step buys, all with the shipped search options.
    "raw": _akhbar("raw", "no normalization, no stemming"),
    "norm": _akhbar("norm", "normalization only"),
    "tashaphyne": _akhbar("tashaphyne", "Tashaphyne light stemmer as shipped"),
    "default": _akhbar("default", "Akhbar as shipped"),
    # Query modes.
    "default-or": _akhbar("default", "pure ranked OR", mode="or"),
    "default-and": _akhbar("default", "AND, no fallback", fallback_below=0),
    "default-fb10": _akhbar("default", "AND, OR when AND finds < 10", fallback_below=10),
    "default-fb100": _akhbar("default", "AND, OR when AND finds < 100", fallback_below=100),
    "raw-or": _akhbar("raw", "raw analysis, ranked OR", mode="or"),
    "norm-or": _akhbar("norm", "normalization only, ranked OR", mode="or"),
    "tashaphyne-or": _akhbar("tashaphyne", "shipped Tashaphyne, ranked OR", mode="or"),
    # One change from the default at a time (the table in docs/relevance.md).
    "no-lead": _akhbar("default", "no lead bonus", weights=Weights(lead=0.0)),
    "lead0.1": _akhbar("default", "lead bonus 0.1", weights=Weights(lead=0.1)),
    "no-title": _akhbar("default", "no title bonus", weights=Weights(title=0.0)),
    "title1": _akhbar("default", "title bonus 1", weights=Weights(title=1.0)),
    "exact0": _akhbar("default", "no exact-form bonus", weights=Weights(exact=0.0)),
    "exact1": _akhbar("default", "exact-form bonus 1", weights=Weights(exact=1.0)),
    "k0.9": _akhbar("default", "BM25 k1=0.9", k1=0.9),
    "k1.2": _akhbar("default", "BM25 k1=1.2", k1=1.2),
    "b0.5": _akhbar("default", "BM25 b=0.5", b=0.5),
    "b0.9": _akhbar("default", "BM25 b=0.9", b=0.9),
    "no-split": _akhbar("no-split", "run-together words not split"),
    "abd-compounds-only": _akhbar("abd-compounds-only",
                                  "only عبد and a divine name a compound name: أبوظبي / أبو ظبي, نصرالله / نصر الله apart"),
    "feminine-unmarked": _akhbar("feminine-unmarked",
                                 "a short search typed in the feminine matches the masculine's articles too (الطائرة / الطائر)"),
    "no-numbers": _akhbar("no-numbers", "numbers as before: و5 one word, خمسة and 5 two terms, ثلاثين and ثلاث one"),
    "hamza-article": _akhbar("hamza-article", "an ال written with a hamza cut as the article (ألماني → ماني)"),
    "proclitic-before-article": _akhbar("proclitic-before-article",
                                        "a first و ف ب ك ل cut from a word written with the article (لسان → سان)"),
    "dual-by-number-margin": _akhbar("dual-by-number-margin",
                                     "ان cut as a dual's wherever its ين is at most 100 times rarer (ادمان → ادم)"),
    "no-nisba-ending": _akhbar("no-nisba-ending",
                               "ين ون ان cut though the word takes a nisba (طالبان → طالب, الجابون → جاب)"),
    "no-plural-nisba": _akhbar("no-plural-nisba",
                               "a nisba made on a plural in ات cut form by form (الإماراتية → امارات, الإماراتي → امار)"),
    "perfect-twin": _akhbar("perfect-twin", "a word in ون cut where a perfect verb in وا is its twin (كانون → كان)"),
    "grammar-after-article": _akhbar("grammar-after-article",
                                     "a last ا, ت or pronoun cut after the article too (البابا → باب, الكنيست → كنيس)"),
    "heh-as-ta": _akhbar("heh-as-ta", "a word's own ه in يه cut as a nisba's feminine (توجيه → توج, جنيه → جني)"),
    "paradigm-known-only": _akhbar("paradigm-known-only", "an ending nothing else takes kept only on a word the "
                                   "lexicon knows at zipf 3 (بالوتيلي → بالوتيل, صنداي → صندا)"),
    "waw-cut-as-written": _akhbar("waw-cut-as-written", "a name's form with و not kept as its bare form is "
                                  "(وكيجالي → كيجال beside كيجالي)"),
    "no-verbs": _akhbar("no-verbs", "verb forms left to the light stemmer (no imperfect prefix, no feminine ت)"),
    "no-imperfect": _akhbar("no-imperfect", "imperfect verbs left to the light stemmer"),
    "no-feminine": _akhbar("no-feminine", "the perfect's feminine ت kept"),
    "no-paradigm": _akhbar("no-paradigm", "every ending the affix lists allow is cut (قانون → قان)"),
    "no-accusative": _akhbar("no-accusative", "the accusative alif kept (جديدا ≠ جديد)"),
    "accusative-by-frequency": _akhbar("accusative-by-frequency", "the accusative alif cut only where the bare word is more common (محذرا ≠ محذر)"),
    "any-proclitic": _akhbar("any-proclitic", "ك and ف cut like any proclitic (فيصل → يصل, كمال → مال)"),
    "keep-nisba": _akhbar("keep-nisba", "the nisba's ي kept (المدني ≠ المدن, سوريا = سوري ≠ سور)"),
    "any-second-person": _akhbar("any-second-person", "a final ك cut as a pronoun wherever the affix lists allow (اشتباك → اشتبا)"),
    "article-by-frequency": _akhbar("article-by-frequency", "a leading ال kept wherever the word is far more common with it (العراق ≠ العراقية)"),
    "any-first-person": _akhbar("any-first-person", "a final تي or نا cut as the pronoun \"my\" or \"our\" wherever the affix lists allow (الكويتي → كوي, كورونا → كورو)"),
    "any-plural-ending": _akhbar("any-plural-ending", "a final ين، ون، ان cut wherever the affix lists allow, twin or not (السودان → سود)"),
    "names-by-twin": _akhbar("names-by-twin", "a name's final ين، ون، ان cut where the lexicon knows a twin, though news never writes the name with the article (بوتين → بوت)"),
    "names-cut-alone": _akhbar("names-cut-alone", "a rarer spelling of a name cut where its known spelling is kept whole (كولمبيا → كولمب, كولومبيا whole)"),
    "names-cut-like-words": _akhbar("names-cut-like-words", "a rarer spelling of a name cut where its known spelling is kept whole, but for a final ي or يا (الكاربون → كارب, الكربون → كربون)"),
    "seat-kept": _akhbar("seat-kept", "a hamza's seat written as a letter kept (الطواريء → طواريء, الطوارئ → طوارء)"),
    "seat-every": _akhbar("seat-every", "a hamza's seat taken out of every stem, whatever the word without it (جزيء → جزء)"),
    "no-spellings": _akhbar("default", "no spelling variants at query time", spellings=False),
    # Folding near-copies (search/clusters.py): "default" lists each hit's
    # folded copies right after it.
    "folded-hits-only": _akhbar("default", "near-copies folded, copies not listed", listing="hits"),
    "unfolded": _akhbar("default", "near-copies not folded (collapse=0)", listing="unfolded"),
    # External baselines.
    "fts5": System(kind="fts5", note="SQLite FTS5 unicode61 remove_diacritics 2, bm25(), words ORed"),
    "tantivy": System(kind="tantivy", note="tantivy regex tokenizer, lowercase, Snowball Arabic, words ORed"),
    "lucene": System(kind="lucene", note="Lucene 8 ArabicAnalyzer, BM25 k1=1.2 b=0.75, words ORed (needs java)"),
}

DEFAULT_SYSTEMS = ("raw", "norm", "tashaphyne", "default", "default-or", "fts5", "tantivy")


# -- the collection ------------------------------------------------------------


@dataclass(frozen=True)
class SpellingPair:
    """Two words one letter or so apart: two spellings of one word
    (``variant``), or two different words (``distinct``)."""

    kind: str
    a: str
    b: str


@dataclass
class Collection:
    articles: list[Article]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    problems: list[Problem] = field(default_factory=list)
    spelling_pairs: list[SpellingPair] = field(default_factory=list)

    def part(self, k: int, n: int) -> "Collection":
        """The queries (and their judgments) of part ``k`` of ``n`` (1 to
        ``n``): those whose id's CRC-32 is ``k - 1`` modulo ``n``, so that a
        part is the same on every run and machine, whatever the order of
        the queries file.  A change tuned on one part is checked on another."""
        if not 1 <= k <= n:
            raise ValueError(f"part {k} of {n}: a part is 1 to {n}")
        keep = {qid for qid in {*self.queries, *self.qrels} if zlib.crc32(qid.encode("utf-8")) % n == k - 1}
        return replace(self, queries={q: t for q, t in self.queries.items() if q in keep},
                       qrels={q: j for q, j in self.qrels.items() if q in keep})


def read_spelling_pairs(path: str | Path) -> list[SpellingPair]:
    """``kind<TAB>word<TAB>word`` a line (``#`` starts a comment); a
    "word" may be two, a compound name written apart (see writers)."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[0] not in ("variant", "distinct"):
                raise ValueError(f"{path}:{n}: expected variant|distinct<TAB>word<TAB>word")
            pairs.append(SpellingPair(*parts))
    return pairs


def read_queries(path: str | Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                queries[str(obj["qid"])] = str(obj["query"])
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{n}: not a {{\"qid\", \"query\"}} object: {error}") from None
    return queries


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:  # TREC style: qid 0 docid rel
                parts = [parts[0], parts[2], parts[3]]
            if len(parts) != 3:
                raise ValueError(f"{path}:{n}: expected qid<TAB>docid<TAB>relevance")
            qid, docid, rel = parts
            qrels.setdefault(qid, {})[docid] = int(rel)
    return qrels


def load(
    docs: Sequence[str | Path],
    queries: str | Path | None,
    qrels: str | Path | None,
    spelling_pairs: str | Path | None = None,
) -> Collection:
    articles, problems = [], []
    for record in read_sources(docs):
        (problems if isinstance(record, Problem) else articles).append(record)
    return Collection(
        articles,
        read_queries(queries) if queries else {},
        read_qrels(qrels) if qrels else {},
        problems,
        read_spelling_pairs(spelling_pairs) if spelling_pairs else [],
    )


_PREFIXES = default_prefixes()
_OBJECT_PRONOUNS = tuple(p for p in PRONOUNS if p != "ي")  # "my": news hardly writes it, the nisba ends the same


def _core(word: str) -> str:
    """A pair's word without its article: الأمير is written as أمير too."""
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


@lru_cache(maxsize=1_000_000)
def clitic_cores(form: str) -> frozenset[str]:
    """Every word ``form`` can be with its clitics taken off: proclitics
    (و ف ب ك ل and the article), then, on a word without the article, an
    attached pronoun (ة written ت before it: حكومته → حكومه).  Inflections (plurals, the nisba's ي, the feminine)
    stay on: they make another form of the word, which is what the leak
    measures."""
    cores = set()
    for prefix in _PREFIXES:
        if not form.startswith(prefix) or len(form) - len(prefix) < 2:
            continue
        rest = form[len(prefix) :]
        cores.add(rest)
        if prefix.endswith(("ال", "لل")):
            continue  # no pronoun after the article: الأميرة is not الأمير + ه
        for pronoun in _OBJECT_PRONOUNS:
            if rest.endswith(pronoun) and len(rest) - len(pronoun) >= 2:
                base = rest[: -len(pronoun)]
                cores.add(base[:-1] + "ه" if base.endswith("ت") else base)
    return frozenset(cores)


def writers(articles: Iterable[Article], words: Iterable[str]) -> dict[str, set[str]]:
    """For each word (normalized), the ids of the articles that write it as
    a word of their title or body, with any clitics (والأمير، بالأمير،
    أميره), diacritics, hamza or alef form.  An article that writes a word
    with a clitic is one a search for that word must find, so it counts
    among the word's own articles, not as a leak.  A spelling of two words
    (عبد الله, beside عبدالله) is written where the two follow each other,
    the first with any clitics (وعبد الله)."""
    from search.analysis.chain import _normal_form
    from search.analysis.tokens import _WORD

    words = [normalize(w) for w in words]
    wanted: dict[str, set[str]] = {_core(w): set() for w in words if " " not in w}
    pairs: dict[tuple[str, ...], set[str]] = {tuple(w.split()): set() for w in words if " " in w}
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError("a spelling is one word or two")
    by_second: dict[str, list[str]] = {}
    for first, second in pairs:
        by_second.setdefault(second, []).append(first)
    for article in articles:
        sequence = [_normal_form(m) for m in _WORD.findall(f"{article.title}\n{article.body}")]
        seen = set(sequence)
        cores = set().union(*map(clitic_cores, seen)) if seen else set()
        for core in cores.intersection(wanted):
            wanted[core].add(article.id)
        for before, word in zip(sequence, sequence[1:]):
            for first in by_second.get(word, ()):
                if first in clitic_cores(before):
                    pairs[(first, word)].add(article.id)
    return {w: pairs[tuple(w.split())] if " " in w else wanted[_core(w)] for w in words}


def spelling_measures(searcher, articles: Sequence[Article], pairs: Sequence[SpellingPair]) -> dict[str, float]:
    """Of the articles that write one word of a pair and not the other, the
    share that a search for the other word matches: averaged over variant
    pairs (both ways), that is the variant recall; over distinct pairs, the
    leak.  A direction no article writes only one way is left out."""
    written = writers(articles, [w for p in pairs for w in (p.a, p.b)])
    shares: dict[str, list[float]] = {"variant": [], "distinct": []}
    for pair in pairs:
        for x, y in ((pair.a, pair.b), (pair.b, pair.a)):
            only = written[normalize(x)] - written[normalize(y)]
            if not only:
                continue
            try:
                found = searcher.matching_ids(y)
            except QueryError:
                found = set()
            shares[pair.kind].append(len(only & found) / len(only))
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    return {"variant recall": mean(shares["variant"]), "leak": mean(shares["distinct"])}


# -- running systems -------------------------------------------------------------


def _run_akhbar(index_dir: Path, options: SearchOptions, queries: dict[str, str], listing: str = "copies",
                ) -> tuple[Run, float]:
    from search.searcher import Searcher

    if listing not in LISTINGS:
        raise ValueError(f"listing must be one of: {', '.join(LISTINGS)}")
    searcher = Searcher(index_dir, options)
    run: Run = {}
    started = time.perf_counter()
    try:
        for qid, text in queries.items():
            try:
                results = searcher.search(text, page=1, per_page=DEPTH, collapse=listing != "unfolded")
            except QueryError:
                run[qid] = []
                continue
            ranked = []
            for hit in results.hits:
                ranked.append(hit.id)
                if listing == "copies":
                    ranked.extend(c.id for c in hit.copies)
            run[qid] = ranked[:DEPTH]
    finally:
        elapsed = time.perf_counter() - started
        searcher.close()
    return run, elapsed


def _spelling_run(index_dir: Path, options: SearchOptions, collection: Collection) -> dict[str, float]:
    from search.searcher import Searcher

    searcher = Searcher(index_dir, options)
    try:
        return spelling_measures(searcher, collection.articles, collection.spelling_pairs)
    finally:
        searcher.close()


# -- measuring ------------------------------------------------------------------------


def measure(run: Run, qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """MRR@10, nDCG@10, R@10 and R@100 by ir-measures, averaged over every
    judged query (a query that found nothing counts as 0, not as absent)."""
    import ir_measures
    from ir_measures import R, RR, nDCG

    measures = {"MRR@10": RR @ 10, "nDCG@10": nDCG @ 10, "R@10": R @ 10, "R@100": R @ 100}
    judged = [ir_measures.Qrel(qid, doc, rel) for qid, docs in qrels.items() for doc, rel in docs.items()]
    scored = []
    for qid in qrels:
        ranked = run.get(qid) or []
        if not ranked:
            scored.append(ir_measures.ScoredDoc(qid, "__nothing_found__", 0.0))
        # Scores from ranks, so ir-measures keeps the engine's own order.
        scored.extend(ir_measures.ScoredDoc(qid, doc, float(len(ranked) - i)) for i, doc in enumerate(ranked))
    totals = {name: 0.0 for name in measures}
    by_measure = {m: name for name, m in measures.items()}
    for metric in ir_measures.iter_calc(list(measures.values()), judged, scored):
        totals[by_measure[metric.measure]] += metric.value
    n = max(1, len(qrels))
    return {name: totals[name] / n for name in measures}


@dataclass
class Result:
    system: str
    scores: dict[str, float]
    ms_per_query: float
    index_seconds: float = 0.0

    def as_dict(self) -> dict:
        out: dict = {"system": self.system}
        out.update({name: round(value, 4) for name, value in self.scores.items()})
        out["ms_per_query"] = round(self.ms_per_query, 2)
        return out


def evaluate(
    collection: Collection,
    systems: Iterable[str] = DEFAULT_SYSTEMS,
    registry: dict[str, System] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[Result]:
    """Build, run and measure each named system, in the order given."""
    from search import index as idx

    registry = SYSTEMS if registry is None else registry
    names = list(dict.fromkeys(systems))
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise KeyError(f"unknown system(s): {', '.join(unknown)}; known: {', '.join(registry)}")
    # Only the judged queries count; unjudged ones would only cost time.
    queries = {qid: text for qid, text in collection.queries.items() if qid in collection.qrels}
    say = on_progress or (lambda _msg: None)
    results = []
    with tempfile.TemporaryDirectory(prefix="akhbar-eval-") as tmp:
        work = Path(tmp)
        built: dict[AnalysisConfig, tuple[Path, float]] = {}
        for name in names:
            system = registry[name]
            workdir = work / f"s{len(results)}"
            workdir.mkdir()
            index_seconds = 0.0
            if system.kind == "akhbar":
                if system.config not in built:
                    say(f"indexing {len(collection.articles)} documents with analysis {system.config.name!r}")
                    started = time.perf_counter()
                    index_dir = work / f"index-{len(built)}"
                    idx.build(index_dir, iter(collection.articles), config=system.config)
                    built[system.config] = (index_dir, time.perf_counter() - started)
                index_dir, index_seconds = built[system.config]
                say(f"running {len(queries)} queries: {name}")
                run, elapsed = _run_akhbar(index_dir, system.options, queries, system.listing)
                if collection.spelling_pairs:
                    say(f"measuring {len(collection.spelling_pairs)} spelling pairs: {name}")
                    spelling = _spelling_run(index_dir, system.options, collection)
            elif system.kind in baselines.KINDS:
                say(f"running {len(queries)} queries: {name}")
                run, elapsed = baselines.run(system.kind, collection.articles, queries, workdir)
            else:
                raise ValueError(f"system {name!r} has unknown kind {system.kind!r}")
            ms = elapsed * 1000 / max(1, len(queries))
            scores = measure(run, collection.qrels) if collection.qrels else {}
            if system.kind == "akhbar" and collection.spelling_pairs:
                scores.update(spelling)
            results.append(Result(name, scores, ms, index_seconds))
            say("done: " + json.dumps(results[-1].as_dict(), ensure_ascii=False))
    return results


def table(results: list[Result]) -> str:
    """A Markdown table, one line per system."""
    names = [m for m in (*MEASURE_NAMES, *SPELLING_MEASURES) if any(m in r.scores for r in results)]
    head = "| system | " + " | ".join(names) + " | ms/query |"
    rule = "|---|" + "---:|" * (len(names) + 1)
    lines = [head, rule]
    for r in results:
        cells = " | ".join(f"{r.scores[m]:.3f}" if m in r.scores else "" for m in names)
        lines.append(f"| {r.system} | {cells} | {r.ms_per_query:.1f} |")
    return "\n".join(lines)
