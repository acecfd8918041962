"""From what a user types to a Whoosh query.

The syntax is small: words (all must match), ``"exact phrase"``,
``-excluded`` (a word or a phrase) and ``OR`` between two clauses.  Each word
goes through the index's own analyzers (read from its schema), so a query
is analysed exactly as the articles were.

Nothing else is syntax.  ``*`` and ``?`` are not wildcards, ``field:value``
names no field, brackets group nothing: the analyzer treats such characters
as it treats any punctuation (a break between words), so ``كتا*`` finds the
word كتا and no query ever expands into a list of index terms.  The cost of
a query is bounded by two caps, checked before anything is searched
(MAX_QUERY_LENGTH characters, MAX_QUERY_WORDS words), and by the number of
analysed terms each word or phrase may add (MAX_WORD_TERMS, MAX_PHRASE_TERMS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyarabic import araby
from whoosh import query as q
from whoosh.fields import Schema

from search.analysis import (DECADES, NISBA_FIELD, compound_parts, feminine_ending, feminine_stem, marks_feminine,
                             names_of, nisba_stem)
from search.lexicon import zipf
from search.matching import WithoutNisba
from search.normalize import clean
from search.variants import EXACT_FIELD, Spellings

MAX_QUERY_LENGTH = 500
# Words of the query: what whitespace and double quotes separate, the words
# of phrases and the operators (OR, a lone -) included.  Every clause has at
# least one such word, so this also caps the clauses and the spelling
# suggestions tried.  Real queries are far below it: the longest of the
# evaluation sets (headlines, questions) have 18 words.
MAX_QUERY_WORDS = 32
# Analysed terms one clause contributes.  A word normally gives one (two when
# scraping ran words together), a phrase one a word; only odd input gives more
# (``1,2,3,…`` without spaces, or ﷺ, which stands for four words).  Terms past
# these caps are left out rather than refused, so that every query within the
# two caps above is searched, while the Whoosh query stays small: each term
# of a word becomes four Term queries, a phrase two Phrase queries in all.
# (Thousands of terms in one And overflowed Python's recursion limit.)
MAX_WORD_TERMS = 8
MAX_PHRASE_TERMS = MAX_QUERY_WORDS
# A word typed in a feminine form matches only the feminine forms of its
# stem where the lexicon knows the feminine singular with the article as a
# word (zipf, as the stemmer's word_zipf): a plural in ات of a masculine
# noun (الاجتماعات: no الاجتماعة) is no feminine.
FEMININE_ZIPF = 3.0


class QueryError(ValueError):
    """A query that cannot be searched; the message is for the user, and
    ``arabic``, when given, is the same for the Arabic page."""

    def __init__(self, message: str, arabic: str | None = None) -> None:
        super().__init__(message)
        self.arabic = arabic


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Respelling:
    """The commoner spelling searched for a word the index hardly has
    (search.spelling.offered.respell): ``form`` as the index keeps it (its exact
    form, ماكرون for ماكرن), ``stems`` its stem and that stem's own spellings."""

    form: str
    stems: tuple[str, ...]


@dataclass
class ParsedQuery:
    """Positive clauses as groups (a group matches if any of its clauses
    does; all groups must match) and the excluded clauses; ``respelled``:
    for a stem the index hardly has, the commoner spelling searched too."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    respelled: dict[str, Respelling] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        return [c.text for group in self.groups for c in group]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def require_valid_text(text: str) -> None:
    """A QueryError for text no index term can hold: a lone surrogate code
    point (which Whoosh could not even encode to look up)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(
            "query is not valid text (it holds a lone surrogate code point)", "نص البحث فيه رموز غير صالحة."
        ) from None


def parse(text: str) -> ParsedQuery:
    """Split a query string into clauses.  Any text within the caps parses
    (odd quotes, lone operators, punctuation); beyond them, or text that is
    not valid Unicode, is a QueryError, never another exception."""
    if not isinstance(text, str):
        raise QueryError("query must be text")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"query is too long ({len(text)} characters; the limit is {MAX_QUERY_LENGTH})",
            f"نص البحث أطول من اللازم ({len(text)} حرفا، والحد {MAX_QUERY_LENGTH}).",
        )
    require_valid_text(text)
    words = word_count(text)
    if words > MAX_QUERY_WORDS:
        raise QueryError(
            f"query has too many words ({words}; the limit is {MAX_QUERY_WORDS})",
            f"نص البحث فيه كلمات أكثر من اللازم ({words} كلمة، والحد {MAX_QUERY_WORDS}).",
        )
    return _split(text)


def word_count(text: str) -> int:
    """The words MAX_QUERY_WORDS counts.  Simple enough for a regular
    expression to state (the API document does), and never fewer than the
    words of the clauses the parser makes: those are cut only at whitespace
    and quotes."""
    return len(text.replace('"', " ").split())


def _split(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    join_next = False
    for match in _TOKEN.finditer(text):
        minus, phrase, word = match.groups()
        if word is not None:
            if word == "OR":
                join_next = bool(parsed.groups)
                continue
            negated = word.startswith("-") and len(word) > 1
            clause = Clause(word[1:] if negated else word, negated=negated)
        else:
            if not phrase.strip():
                continue
            clause = Clause(phrase.strip(), phrase=True, negated=bool(minus))
        if clause.negated:
            parsed.excluded.append(clause)
            join_next = False
            continue
        if join_next:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        join_next = False
    return parsed


@dataclass(frozen=True)
class Weights:
    """How much each field counts; the relevance evaluation tunes these.

    A word is matched by stem in the article's text (title and body as one
    field); on top of that come bonuses for the same word in the title, in
    the lead (the opening words) and in its exact normalized form.  So a
    title word weighs more than a body word: ``text + title``.
    """

    text: float = 1.0
    title: float = 0.5
    lead: float = 0.3
    exact: float = 0.5


def field_terms(schema: Schema, fieldname: str, text: str) -> list[str]:
    """The terms ``text`` gives as a query on ``fieldname``: the index's own analysis."""
    return list(schema[fieldname].process_text(text, mode="query"))


# What may come before a perfect verb as written: nothing, و or ف.
VERB_PROCLITICS = ("", "و", "ف")


def typed_perfect(form: str, stem: str) -> bool:
    """Whether a word written ``form`` (folded) is its stem with the
    perfect's feminine ت that the stemmer cut (حفلت, وتداولت): a verb, whose
    search is not for the articles that write the stem only as a feminine
    noun (حفلات, parties; تداولات, trades)."""
    return any(form == proclitic + stem + "ت" for proclitic in VERB_PROCLITICS)


def typed_plural(form: str, stem: str) -> bool:
    """Whether ``form`` is a plural in ات of ``stem``, with or without a
    pronoun (تداولات, بتحركاتها): a noun, whose search is not for the
    articles that write the stem only as a perfect verb (تداولت)."""
    found = feminine_ending(form, stem)
    return found is not None and found[1].startswith("ات")


class QueryBuilder:
    """Turns parsed clauses into Whoosh queries over the index's fields.

    A word that is not in quotes matches every spelling of its stem that
    ``spellings`` knows (أمريكي finds أميركي); the exact-form bonus still
    goes to the spelling typed only, so that it ranks first.

    With ``nisba`` (the query that decides what an all-words search
    matches, not the ranked one), a word matches its stem with the nisba's
    ي only where it has it (المدني: the articles that write مدني, المدنية,
    المدنيين) and only without it where it has not (المدن), if the index
    has the field; and a word typed in a feminine form (الطائرة, طائرات)
    matches only the feminine forms of its stem, if the index marks them
    (not the other way round: الوزير still finds الوزيرة); a perfect verb
    in ت (حفلت) does not match the articles that write its stem only in a
    feminine form (حفلات, parties), nor a plural in ات (تداولات) those that
    write it only as the perfect verb (تداولت).  Any-word
    matching (a long query) stays the ranked query's: every article with a
    stem, scored by how many it has."""

    def __init__(self, schema: Schema, weights: Weights = Weights(), spellings: Spellings | None = None,
                 nisba: bool = False) -> None:
        self.schema = schema
        self.weights = weights
        self.spellings = spellings if spellings is not None else Spellings()
        self.nisba = nisba and NISBA_FIELD in schema
        self.feminine = self.nisba and marks_feminine(schema[NISBA_FIELD].analyzer)
        self.compound_names = names_of(schema["text"].analyzer)  # which compound names the index holds apart

    def _text_term(self, stem: str, boost: float, nisba: bool | None) -> q.Query:
        if nisba is None:
            return q.Term("text", stem, boost=boost)
        if nisba:
            return q.Term(NISBA_FIELD, nisba_stem(stem), boost=boost)
        return WithoutNisba("text", stem, boost=boost)

    def typed_feminine(self, form: str, stem: str, typed: str) -> bool:
        """Whether a word typed ``typed`` (``form`` folded, of stem ``stem``)
        is in a feminine form of a stem whose feminine is a word of its own.
        A final ه is ة only after the article or where ة was typed: كتابه is
        also "his book"."""
        found = feminine_ending(form, stem)
        if found is None or zipf("ال" + stem + "ه") < FEMININE_ZIPF:
            return False
        proclitics, ending = found
        if ending != "ه" or proclitics.endswith(("ال", "لل")):
            return True
        return re.sub(r"\W+$", "", clean(typed)).endswith(araby.TEH_MARBUTA)  # marks, tatweel, a ؟ after

    def marks(self, form: str, stem: str) -> tuple[tuple[str, str], ...]:
        """The forms a word typed ``form`` (of stem ``stem``) is told from,
        as (field, word) terms that count them (WithoutNisba): its nisba,
        and a perfect verb the feminine nouns of its stem, a plural in ات
        the perfect verb's written forms (where the stemmer cuts them to the
        stem)."""
        marks = [(NISBA_FIELD, nisba_stem(stem))]
        if typed_perfect(form, stem):
            marks.append((NISBA_FIELD, feminine_stem(stem)))
        elif typed_plural(form, stem):
            verbs = (proclitic + stem + "ت" for proclitic in VERB_PROCLITICS)
            marks.extend((EXACT_FIELD, verb) for verb in verbs if self.stems(verb) == [stem])
        return tuple(marks)

    def stems(self, text: str) -> list[str]:
        return field_terms(self.schema, "text", text)

    def others(self, stem: str, respelled: dict[str, Respelling], form: str = "") -> tuple[str, ...]:
        """The other spellings a word of stem ``stem`` (written ``form``) is
        searched in: its stem's, and the usual spelling's if the form is a
        form leaf (كرونا, which the stemmer cuts to رون, finds كورونا)."""
        found = respelled.get(stem)
        others = found.stems if found is not None else self.spellings.others(stem)
        usual = self.spellings.usual(form) if form else None
        if usual is None or usual == stem or usual in others:
            return others
        return others + tuple(s for s in (usual, *self.spellings.others(usual)) if s != stem and s not in others)

    def written(self, spelled: Iterable[str], form: str = "") -> dict[str, float]:
        """The written forms searched as written (with their boosts) for a
        word searched in the stems ``spelled``: their form leaves (but the
        typed word's own, which its stem finds)."""
        own = self.spellings.leaf(form) if form else None
        return {f: boost for stem in spelled for f, boost in self.spellings.forms(stem)
                if own is None or self.spellings.leaf(f) != own}

    def clause(self, clause: Clause, ranked: bool = False, respelled: dict[str, Respelling] | None = None,
               nisba: bool = False) -> q.Query | None:
        """``ranked`` (the OR mode of long queries, where every clause is
        optional): a phrase's words also count on their own, the phrase
        adding its bonus, and a word that analyses into several terms
        (النمسا-المجر) scores each of them rather than requiring all.
        ``nisba``: a word is told with its nisba or without (the ``and``
        mode of a builder made with ``nisba``)."""
        w = self.weights
        cap = MAX_PHRASE_TERMS if clause.phrase else MAX_WORD_TERMS
        stems = self.stems(clause.text)[:cap]
        exact = field_terms(self.schema, EXACT_FIELD, clause.text)[:cap]
        if not stems:
            return None
        told = self.nisba and nisba
        marked = set(field_terms(self.schema, NISBA_FIELD, clause.text)) if told else set()
        per_token = []
        for i, stem in enumerate(stems):
            form = exact[i] if len(exact) == len(stems) else ""
            spelled = (stem,) if clause.phrase else (stem, *self.others(stem, respelled or {}, form))
            # A hardly written spelling weighs half the usual one, a rarer one
            # as much as the typed one (Spellings.weight).
            factor = [1.0] + [self.spellings.weight(s, stem) for s in spelled[1:]]
            # The word as typed, told with its nisba or without; its other
            # spellings by stem, since a name's spellings do not all end
            # alike in the stemmer (الأوروغواي → اوروغوا, الأوروجواي → اوروجواي).
            # ... but not a decade, whose ات and يات are one word (الثمانينات).
            has_nisba = (nisba_stem(stem) in marked) if told and stem not in DECADES else None
            typed = clause.text if len(stems) == 1 else ""  # a clause of one word: ة typed or not
            if has_nisba is False and self.feminine and self.typed_feminine(form, stem, typed):
                alternatives = [q.Term(NISBA_FIELD, feminine_stem(stem), boost=w.text)]
            elif has_nisba is False and self.feminine:
                alternatives = [WithoutNisba("text", stem, boost=w.text, marks=self.marks(form, stem))]
            else:
                alternatives = [self._text_term(stem, w.text, has_nisba)]
            alternatives += [q.Term("text", s, boost=w.text * f) for s, f in zip(spelled[1:], factor[1:])]
            if w.title:
                alternatives.extend(q.Term("title", s, boost=w.title * f) for s, f in zip(spelled, factor))
            if w.lead:
                alternatives.extend(q.Term("lead", s, boost=w.lead * f) for s, f in zip(spelled, factor))
            if w.exact and i < len(exact):
                alternatives.append(q.Term(EXACT_FIELD, exact[i], boost=w.exact))
            if not clause.phrase:  # a form leaf, as written, where the stems would bring other words
                written = self.written(spelled, form)
                alternatives.extend(q.Term(EXACT_FIELD, f, boost=w.text * b) for f, b in written.items())
            per_token.append(q.Or(alternatives))
        if clause.phrase and len(stems) > 1:
            phrases = [q.Phrase("text", stems, boost=w.text)]
            if w.title:
                phrases.append(q.Phrase("title", stems, boost=w.title))
            return q.Or(phrases + per_token) if ranked else q.Or(phrases)
        if len(per_token) == 1:
            return per_token[0]
        return q.Or(per_token) if ranked else q.And(per_token)

    def groups(self, parsed: ParsedQuery, ranked: bool = False, nisba: bool = False) -> list[q.Query]:
        out = []
        for group in parsed.groups:
            alternatives = [c for c in (self.clause(clause, ranked, parsed.respelled, nisba) for clause in group)
                            if c is not None]
            if alternatives:
                out.append(alternatives[0] if len(alternatives) == 1 else q.Or(alternatives))
        return out

    def exclusions(self, parsed: ParsedQuery) -> list[q.Query]:
        # An excluded word goes with or without its nisba (-قطر: القطري too).
        return [q.Not(c) for c in (self.clause(clause, respelled=parsed.respelled) for clause in parsed.excluded)
                if c is not None]

    def build(self, parsed: ParsedQuery, mode: str = "and") -> q.Query | None:
        """``and``: every group must match, a word told with its nisba or
        without (with ``nisba``); ``stems``: every group, a word by its stem
        alone (what ``and`` falls back to when it finds nothing); ``or``:
        any group, ranked by how many match and how well."""
        groups = self.groups(parsed, ranked=mode == "or", nisba=mode == "and")
        if not groups:
            return None
        exclusions = self.exclusions(parsed)
        if mode != "or":
            main = groups[0] if len(groups) == 1 else q.And(groups)
        else:
            main = groups[0] if len(groups) == 1 else q.Or(groups)
        return q.And([main, *exclusions]) if exclusions else main

    def highlight_terms(self, parsed: ParsedQuery) -> frozenset[str]:
        """The stems to mark in snippets: those of the positive clauses, with
        the other spellings each matched."""
        terms = set()
        for group in parsed.groups:
            for c in group:
                words = [c.text] if c.phrase else [c.text, *(compound_parts(c.text, self.compound_names) or ())]
                for word in words:
                    stems = self.stems(word)
                    terms.update(stems)
                    if c.phrase:
                        continue
                    for stem, form in zip(stems, self._forms(word, stems)):
                        spelled = (stem, *self.others(stem, parsed.respelled, form))
                        terms.update(spelled)
                        for written in self.written(spelled, form):  # a form leaf: the stem it is cut to
                            terms.update(self.stems(written))
        return frozenset(terms)

    def _forms(self, word: str, stems: list[str]) -> list[str]:
        """The written form of each stem of ``word`` (none if they do not pair up)."""
        exact = field_terms(self.schema, EXACT_FIELD, word)
        return exact if len(exact) == len(stems) else [""] * len(stems)

    def written_spellings(self, parsed: ParsedQuery) -> dict[str, list[str]]:
        """For each word searched in form leaves as written: those forms."""
        out: dict[str, list[str]] = {}
        for group in parsed.groups:
            for c in group:
                if c.phrase:
                    continue
                stems = self.stems(c.text)[:MAX_WORD_TERMS]
                for stem, form in zip(stems, self._forms(c.text, stems)):
                    spelled = (stem, *self.others(stem, parsed.respelled, form))
                    searched = self.written(spelled, form)
                    shown = [f for s in spelled for f in self.spellings.shown(s) if f in searched]
                    if shown:
                        listed = out.setdefault(c.text, [])
                        listed.extend(f for f in dict.fromkeys(shown) if f not in listed)
        return out

    def spelled(self, parsed: ParsedQuery) -> dict[str, dict[str, tuple[str, ...]]]:
        """For each word searched in more than one spelling: its stems and
        the other spellings searched for each."""
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for group in parsed.groups:
            for c in group:
                if c.phrase:
                    continue
                stems = self.stems(c.text)[:MAX_WORD_TERMS]
                found = {stem: others for stem, form in zip(stems, self._forms(c.text, stems))
                         if (others := self.others(stem, parsed.respelled, form))}
                if found:
                    out[c.text] = found
        return out
