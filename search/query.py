"""From what a user types to a Whoosh query.

The syntax is small: words (all must match), ``"exact phrase"``,
``-excluded`` (a word or a phrase) and ``OR`` between two clauses.  Each word
goes through the index's own analyzers (read from its schema), so a query
is analysed exactly as the articles were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as q
from whoosh.fields import Schema

MAX_QUERY_LENGTH = 500


class QueryError(ValueError):
    """A query that cannot be searched; the message is for the user."""


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False


@dataclass
class ParsedQuery:
    """Positive clauses as groups (a group matches if any of its clauses
    does; all groups must match) and the excluded clauses."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [c.text for group in self.groups for c in group]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text: str) -> ParsedQuery:
    """Split a query string into clauses; never fails on odd input."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"query is too long ({len(text)} characters; the limit is {MAX_QUERY_LENGTH})")
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
    """How much each field counts; the relevance evaluation tunes these."""

    title: float = 1.5
    body: float = 1.0
    exact: float = 0.5


def _terms(schema: Schema, fieldname: str, text: str) -> list[str]:
    return list(schema[fieldname].process_text(text, mode="query"))


class QueryBuilder:
    """Turns parsed clauses into Whoosh queries over the index's fields."""

    def __init__(self, schema: Schema, weights: Weights = Weights()) -> None:
        self.schema = schema
        self.weights = weights

    def stems(self, text: str) -> list[str]:
        return _terms(self.schema, "body", text)

    def clause(self, clause: Clause) -> q.Query | None:
        w = self.weights
        stems = self.stems(clause.text)
        exact = _terms(self.schema, "body_exact", clause.text)
        if not stems:
            return None
        if clause.phrase and len(stems) > 1:
            return q.Or(
                [q.Phrase("title", stems, boost=w.title), q.Phrase("body", stems, boost=w.body)]
            )
        per_token = []
        for i, stem in enumerate(stems):
            alternatives = [q.Term("title", stem, boost=w.title), q.Term("body", stem, boost=w.body)]
            if w.exact and i < len(exact):
                alternatives += [
                    q.Term("title_exact", exact[i], boost=w.exact * w.title),
                    q.Term("body_exact", exact[i], boost=w.exact * w.body),
                ]
            per_token.append(q.Or(alternatives))
        return per_token[0] if len(per_token) == 1 else q.And(per_token)

    def groups(self, parsed: ParsedQuery) -> list[q.Query]:
        out = []
        for group in parsed.groups:
            alternatives = [c for c in (self.clause(clause) for clause in group) if c is not None]
            if alternatives:
                out.append(alternatives[0] if len(alternatives) == 1 else q.Or(alternatives))
        return out

    def exclusions(self, parsed: ParsedQuery) -> list[q.Query]:
        return [q.Not(c) for c in (self.clause(clause) for clause in parsed.excluded) if c is not None]

    def build(self, parsed: ParsedQuery, mode: str = "and") -> q.Query | None:
        """``and``: every group must match; ``or``: any group, ranked by how
        many match and how well."""
        groups = self.groups(parsed)
        if not groups:
            return None
        exclusions = self.exclusions(parsed)
        if mode == "and":
            main = groups[0] if len(groups) == 1 else q.And(groups)
        else:
            main = groups[0] if len(groups) == 1 else q.Or(groups)
        return q.And([main, *exclusions]) if exclusions else main

    def highlight_terms(self, parsed: ParsedQuery) -> frozenset[str]:
        """The stems to mark in snippets: those of the positive clauses."""
        return frozenset(t for group in parsed.groups for c in group for t in self.stems(c.text))
