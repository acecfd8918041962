"""What a search offers and searches for the words typed, read from the
index's words: the nearest word to one the index lacks ("did you mean"),
the commonest words that complete a prefix, a rare word's commoner spelling
searched with it, and the spellings each word was searched in, as the
articles write them."""

from __future__ import annotations

from typing import Protocol

from search import lexicon
from search.analysis import compound_parts, run_together
from search.analysis.tokens import hamza_reading
from search.normalize import clean, normalize
from search.query import (
    MAX_QUERY_LENGTH,
    ParsedQuery,
    QueryBuilder,
    QueryError,
    Respelling,
    field_terms,
    parse,
    require_valid_text,
)
from search.spelling.respellings import respellings
from search.spelling.terms import choose_nearest
from search.stemmer import default_prefixes
from search.variants import EXACT_FIELD, MinerConfig, Spellings, family_zipf, usual_spelling

# Longer "words" get no spelling suggestion: no real word is that long, and
# the Levenshtein automaton's cost grows with the word (ﷺ×500 took seconds).
SUGGEST_MAX_CHARS = 32
# Suggestions and completions come from the exact (normalized, unstemmed)
# forms, shown as the articles write them: a field of its own for words as
# written cost a third of the build time.
SPELL_FIELD = EXACT_FIELD

# A query word whose stem is in fewer articles than the spelling miner weighs
# (so the table cannot know its spellings), and that general Arabic does not
# know as a word (zipf below RESPELL_WORD_ZIPF, the stemmer's measure of a
# known word; or whose stem it knows but no article has, for a word it does
# not know), is also searched in its commonest respelling (respell) whose
# stem is in enough articles (MinerConfig.usual_floor: the same numbers as
# the table's hardly written spellings).  Shorter words than
# RESPELL_MIN_CHARS are left as typed: one letter more or less makes too
# many other words of them.
RESPELL = MinerConfig()
RESPELL_BELOW = RESPELL.min_df
RESPELL_WORD_ZIPF = RESPELL.rare_word_zipf
RESPELL_MIN_CHARS = 5


class Words(Protocol):
    """What suggestions, completions and the spellings shown read of an
    index's words: one index's (search/searcher.py, LocalWords), or a
    sharded index's, summed over its shards (search/cluster/coordinator.py)."""

    def doc_frequency(self, fieldname: str, term: str) -> int: ...

    def doc_frequencies(self, fieldname: str, terms: list[str]) -> dict[str, int]:
        """The terms the index has, with the number of articles that have each."""

    def near(self, fieldname: str, term: str, maxdist: int, prefix: int) -> dict[str, int]:
        """The terms within ``maxdist`` edits of ``term`` (its first
        ``prefix`` letters kept), with how often the index has each."""

    def commonest(self, fieldname: str, prefix: str, count: int) -> list[str]: ...

    def written(self, term: str, fieldname: str) -> str:
        """``term`` as the article with the smallest id that has it writes it."""

    def written_all(self, terms: list[tuple[str, str]]) -> list[str]:
        """``written`` of each (term, field), asked at once: on a sharded
        index each ask is a call to every shard."""

    def count(self, query: str) -> int:
        """How many articles have every word of ``query``."""


def suggest(words: Words, schema, parsed: ParsedQuery, query: str, total: int) -> str | None:
    """Replace each unknown word by the two words it runs together, if it
    splits as the index splits an article's (رئيسالوزراء: رئيس الوزراء, a
    space missed), else by the nearest word of the index, as written in the
    articles; offered only if it finds more."""
    changed = query
    for word in parsed.words:
        if " " in word:
            continue
        terms = field_terms(schema, SPELL_FIELD, word)
        # A stop word (no term) or odd input (several) is not respelled.
        if len(terms) != 1 or len(terms[0]) > SUGGEST_MAX_CHARS or words.doc_frequency(SPELL_FIELD, terms[0]):
            continue
        parts = run_together(schema[SPELL_FIELD].analyzer, word)
        if parts is not None:
            changed = changed.replace(word, " ".join(parts), 1)
            continue
        nearest = choose_nearest(words.near(SPELL_FIELD, terms[0], 2, 1), terms[0], maxdist=2)
        if nearest is not None:
            changed = changed.replace(word, words.written(nearest, SPELL_FIELD), 1)
    if changed == query:
        return None
    try:
        parse(changed)  # two words for one may pass the query's caps
    except QueryError:
        return None
    return changed if words.count(changed) > total else None


def respell(words: Words, schema, parsed: ParsedQuery, spellings: Spellings,
            cache: dict[str, Respelling | None] | None = None) -> dict[str, Respelling]:
    """For each query word the index hardly has, the commoner spelling
    searched with it (keyed by the word's stem): ماكرن finds the articles
    that write ماكرون.  The spelling table cannot hold these pairs, since a
    spelling the archive writes in a few articles, or in none, leaves no
    evidence to weigh; what is left is the shape (spelling.respellings) and
    the numbers: the other spelling's stem is in many times the articles,
    and the typed word is not a word the lexicon knows (nor is its stem,
    unless no article has it).  The typed spelling
    still ranks first (its rarer stem weighs more, and the exact-form bonus
    is its own)."""
    asked: dict[str, str] = {}  # form -> stem, of the words that could be respelled
    unwritten: set[str] = set()  # ... of those, the ones respelled only if their stem is in no article
    for group in parsed.groups:
        for clause in group:
            if clause.phrase:
                continue
            stems = field_terms(schema, "text", clause.text)
            exact = field_terms(schema, SPELL_FIELD, clause.text)
            if len(stems) != 1 or len(exact) != 1:
                continue
            stem, form = stems[0], exact[0]
            if not RESPELL_MIN_CHARS <= len(form) <= SUGGEST_MAX_CHARS or spellings.others(stem):
                continue
            if family_zipf(stem) < RESPELL_WORD_ZIPF:
                asked[form] = stem
            elif lexicon.zipf(form) < RESPELL_WORD_ZIPF:
                # A word the lexicon does not know, cut to one it does (بلنكن: ب +
                # لنكن, "let us be"): respelled only if no article has that stem.
                asked[form] = stem
                unwritten.add(form)
    found = {form: cache[form] for form in asked if cache is not None and form in cache}
    todo = {form: stem for form, stem in asked.items() if form not in found}
    if todo:
        new = _respellings(words, schema, todo, spellings, unwritten)
        found.update(new)
        if cache is not None and len(cache) < 10_000:
            cache.update(new)
    out = {asked[form]: respelled for form, respelled in found.items() if respelled is not None}
    for stem, reading in own_article_readings(words, schema, parsed, spellings).items():
        out.setdefault(stem, reading)
    return out


def own_article_readings(words: Words, schema, parsed: ParsedQuery, spellings: Spellings) -> dict[str, Respelling]:
    """For each query word typed without a hamza whose ال may be its own
    (الماني: ال + ماني, Mané, or ألماني, German, which the index keeps
    under المان where the articles write the hamza), that reading searched
    with it, keyed by the typed stem, where its stem is in many times the
    articles of the article's reading (MinerConfig.rare_ratio, as a usual
    spelling beside a rare one: المان 4,122 and مان 291 on the full
    corpus, الوان 773 and وان 66): not الهام (the important, 880, beside
    إلهام, 133), nor السنين (the years, 519) as ألسنة's السن (883).  One ask
    of the index's counts for all the words."""
    asked: dict[str, tuple[str, str]] = {}  # typed stem -> (own stem, typed form)
    for group in parsed.groups:
        for clause in group:
            if clause.phrase:
                continue
            reading = hamza_reading(clean(clause.text))
            if reading is None:
                continue
            stems, own = field_terms(schema, "text", clause.text), field_terms(schema, "text", reading)
            if len(stems) == 1 and len(own) == 1 and own[0] != stems[0]:
                asked[stems[0]] = (own[0], normalize(clause.text))
    if not asked:
        return {}
    counts = words.doc_frequencies("text", sorted({s for stem, (own, _) in asked.items() for s in (stem, own)}))
    return {stem: Respelling(form, (own, *spellings.others(own), *spellings.others(stem)))
            for stem, (own, form) in asked.items()
            if counts.get(own, 0) >= max(RESPELL.rare_ratio * counts.get(stem, 0), 1)}


# The runs of proclitics a typed form may start with, less the article alone.
_CLITICS = tuple(sorted(set(default_prefixes()) - {"", "ال"}, key=len, reverse=True))


def _after_a_clitic(form: str, stem: str) -> bool:
    """Whether ``form`` is its stem after a preposition or a conjunction
    (with or without the article between)."""
    return any(form.startswith(run) and form[len(run) :].startswith(stem) for run in _CLITICS)


def _respellings(words: Words, schema, todo: dict[str, str], spellings: Spellings,
                 unwritten: frozenset[str] | set[str] = frozenset()) -> dict[str, Respelling | None]:
    """``respell``'s answer for each form (with its stem) of ``todo``: three
    lookups of the index's counts whatever the number of words, since on a
    sharded index each is a call to every shard.  The word as written is
    respelled first (ماكرن → ماكرون, whose stem the stemmer cuts to ماكر);
    failing that its stem, for a word whose clitics no article writes with
    the usual spelling (لماكرن, بالفيطو → فيتو); but not the stem of an
    ``unwritten`` form, a word the lexicon knows (شمل: شمال is another)."""
    out: dict[str, Respelling | None] = dict.fromkeys(todo)
    own = words.doc_frequencies("text", sorted(set(todo.values())))
    rare = {form: stem for form, stem in todo.items()
            if own.get(stem, 0) < RESPELL_BELOW and not (form in unwritten and own.get(stem, 0))}
    if not rare:
        return out
    options = {form: respellings(form) for form in rare}
    # A stem of an unwritten form is a word the lexicon knows: not respelled.
    # ... and only a form with a preposition or conjunction before it, which
    # is what its stem is respelled for (لماكرن, بالفيطو): a bare form's stem
    # respelled is mostly another word's (جيلسي → جلس, sitting).
    stem_options = {form: respellings(stem) for form, stem in rare.items()
                    if form not in unwritten and _after_a_clitic(form, stem)}
    written = words.doc_frequencies(SPELL_FIELD, sorted(set().union(*options.values())))
    stem_of = {}
    for other in written:
        other_stems = field_terms(schema, "text", other)
        if len(other_stems) == 1:
            stem_of[other] = other_stems[0]
    counts = words.doc_frequencies("text", sorted(set(stem_of.values()).union(*stem_options.values())))
    for form, stem in rare.items():
        enough = RESPELL.usual_floor(own.get(stem, 0), len(stem))
        chosen = [o for o in options[form] if o in stem_of and stem_of[o] != stem and counts.get(stem_of[o], 0) >= enough]
        best = usual_spelling(chosen, written, 0)  # the commonest way of writing it
        if best is not None:
            other = stem_of[best]
        elif form not in stem_options:
            continue  # a known stem's respellings are mostly other words (شملتها: شمل, not شمال), a bare form's too
        else:
            other = usual_spelling(stem_options[form], counts, enough)
            if other is None:
                continue
            best = form.replace(stem, other, 1) if stem in form else other
        out[form] = Respelling(best, tuple(s for s in (other, *spellings.others(other)) if s != stem))
    return out


def spellings_searched(words: Words, schema, builder: QueryBuilder, parsed: ParsedQuery,
                       cache: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The spellings each word was searched in, as the articles write
    them: the typed word with its stem's letters replaced by another
    spelling's (الأمريكية → الأميركية), else how an article writes that
    spelling."""
    wanted: list[tuple[str, tuple[str, str, str]]] = []  # (word, (typed form, stem, other spelling))
    for word, stems in builder.spelled(parsed).items():
        exact = field_terms(schema, SPELL_FIELD, word)
        for stem, others in stems.items():
            typed = exact[0] if len(exact) == 1 else ""
            respelled = parsed.respelled.get(stem)
            if respelled is not None:  # the words the articles write, not the stems: ماكرون, not ماكر
                typed, stem = respelled.form, others[0]
            wanted.extend((word, (typed, stem, other)) for other in others)
    found = _spellings_as_written(words, [spelling for _word, spelling in wanted], cache)
    out: dict[str, list[str]] = {}
    for word, spelling in wanted:
        forms = out.setdefault(word, [word])
        if found[spelling] not in forms:
            forms.append(found[spelling])
    written = builder.written_spellings(parsed)  # form leaves, as an article writes each
    if written:
        asked = [(form, SPELL_FIELD) for forms in written.values() for form in forms]
        shown = iter(words.written_all(asked))
        for word, forms in written.items():
            listed = out.setdefault(word, [word])
            for _form in forms:
                as_written = next(shown)
                if as_written and as_written not in listed:
                    listed.append(as_written)
    for group in parsed.groups:  # a compound name typed as one word, also searched apart
        for clause in group:
            parts = None if clause.phrase else compound_parts(clause.text, builder.compound_names)
            if parts is not None and builder.stems(clause.text):
                out.setdefault(clause.text, [clause.text]).append(" ".join(parts))
    return {word: forms for word, forms in out.items() if len(forms) > 1}


def _spellings_as_written(words: Words, spellings: list[tuple[str, str, str]],
                          cache: dict[str, str] | None) -> dict[tuple[str, str, str], str]:
    """Each (typed form, stem, other spelling) as the articles write it: the
    typed form with its stem's letters replaced, if an article has that
    form, else the other spelling bare if one has that, else how an
    article writes the other spelling.  Two asks of the index's words for
    all of them, whatever their number."""
    key = "\x00".join
    out = {s: cache[key(s)] for s in spellings if cache is not None and key(s) in cache}
    todo = [s for s in dict.fromkeys(spellings) if s not in out]
    if not todo:
        return out
    respelled = {(exact, stem, other): exact.replace(stem, other, 1) if stem in exact else ""
                 for exact, stem, other in todo}
    # ... else the other spelling bare, if an article writes it so (هولندا,
    # not the وهولندا of the first article that has its stem).
    counts = words.doc_frequencies(SPELL_FIELD, sorted({r for r in respelled.values() if r} | {s[2] for s in todo}))

    def ask(s: tuple[str, str, str]) -> tuple[str, str]:
        if counts.get(respelled[s], 0):
            return respelled[s], SPELL_FIELD
        return (s[2], SPELL_FIELD) if counts.get(s[2], 0) else (s[2], "text")

    asked = [ask(s) for s in todo]
    for spelling, form in zip(todo, words.written_all(asked)):
        out[spelling] = form
        if cache is not None and len(cache) < 10_000:
            cache[key(spelling)] = form
    return out


def completions(words: Words, prefix: str, limit: int) -> list[str]:
    """Words of the index that start with the last word of ``prefix``,
    commonest first, as the articles write them."""
    if len(prefix) > MAX_QUERY_LENGTH:
        raise QueryError(f"prefix is too long (limit {MAX_QUERY_LENGTH} characters)")
    require_valid_text(prefix)
    parts = prefix.split()
    if not parts or prefix[-1].isspace():
        return []
    last = normalize(parts[-1])
    if not last:
        return []
    head = prefix[: len(prefix) - len(parts[-1])]
    # A few more than asked for: two terms may be written the same way.
    out: list[str] = []
    for term in words.commonest(SPELL_FIELD, last, 2 * limit):
        word = head + words.written(term, SPELL_FIELD)
        if word not in out:
            out.append(word)
        if len(out) == limit:
            break
    return out
