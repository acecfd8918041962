"""The OpenAPI 3 description of /api, written from the same constants the
code validates with, so the document and the behaviour cannot drift apart."""

from __future__ import annotations

from search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS
from search.searcher import MAX_PER_PAGE, SORTS
from web.params import DEFAULT_PER_PAGE, MAX_FILTER_LENGTH, MAX_PAGE

_ERROR = {"$ref": "#/components/responses/BadRequest"}
_JSON = "application/json"


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _ok(ref: str, description: str) -> dict:
    return {"description": description, "content": {_JSON: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _text(max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length}


def document() -> dict:
    hit = {
        "type": "object",
        "required": ["id", "title", "url", "date", "source", "category", "score", "snippet"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "url": {"type": "string", "description": "The original article's address, or empty."},
            "date": {"type": "string", "nullable": True, "description": "ISO 8601 date or date-time."},
            "source": {"type": "string"},
            "category": {"type": "string"},
            "score": {"type": "number"},
            "snippet": {
                "type": "string",
                "description": "HTML-escaped text; matched words are wrapped in <mark>, the only markup.",
            },
        },
    }
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}
    results = {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion", "spellings"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "took_ms": {"type": "number", "minimum": 0},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "required": ["source", "category"],
                "additionalProperties": False,
                "properties": {"source": counts, "category": counts},
                "description": "How many matching articles each source and each category has.",
            },
            "suggestion": {"type": "string", "nullable": True, "description": "A respelled query that finds more."},
            "spellings": {
                "type": "object",
                "description": (
                    "For each query word that was searched in more than one spelling (أمريكية / أميركية, "
                    "إنجلترا / إنكلترا): the spellings searched, the one typed first, as the articles write "
                    "them. The spellings are mined from the index at build and add time. A word in double "
                    "quotes is searched in its own spelling only."
                ),
                "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            },
        },
    }
    article = {
        "type": "object",
        "required": ["id", "title", "body", "url", "date", "source", "category", "related"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Plain text, as indexed (not HTML)."},
            "url": {"type": "string"},
            "date": {"type": "string", "nullable": True},
            "source": {"type": "string"},
            "category": {"type": "string"},
            "related": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        },
    }
    error = {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "description": "bad_parameter, bad_query, not_found, …"},
                    "message": {"type": "string", "description": "What was wrong, in plain words."},
                },
            }
        },
    }
    suggestions = {
        "type": "object",
        "required": ["query", "suggestions"],
        "additionalProperties": False,
        "properties": {"query": {"type": "string"}, "suggestions": {"type": "array", "items": {"type": "string"}}},
    }
    q = _text(MAX_QUERY_LENGTH)
    # At most MAX_QUERY_WORDS words, separated by whitespace and double quotes
    # (search.query.word_count).
    query = {**q, "pattern": r'^[\s"]*([^\s"]+[\s"]+){0,%d}([^\s"]+[\s"]*)?$' % (MAX_QUERY_WORDS - 1)}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Akhbar (أخبار) search API",
            "version": "1.0.0",
            "description": "Search Arabic news articles. Every bad parameter is a 400 with a JSON error.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Ranked articles matching a query, with facets",
                    "parameters": [
                        _query("q", query, f"Words (all must match), \"phrases\", -excluded, a OR b; at most "
                               f"{MAX_QUERY_LENGTH} characters and {MAX_QUERY_WORDS} words (spaces and quotes "
                               "separate words; OR counts). No wildcards or fields: * ? : are punctuation. "
                               "Empty: no results."),
                        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                               "Page number; a page past the last one is empty."),
                        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                            "default": DEFAULT_PER_PAGE}, "Results per page."),
                        _query("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"},
                               "relevance, or date (newest first)."),
                        _query("source", _text(MAX_FILTER_LENGTH), "Only articles from this source."),
                        _query("category", _text(MAX_FILTER_LENGTH), "Only articles in this category."),
                        _query("from", {"type": "string", "format": "date"},
                               "Only articles on or after this day (YYYY-MM-DD); not after `to`."),
                        _query("to", {"type": "string", "format": "date"},
                               "Only articles on or before this day (YYYY-MM-DD)."),
                    ],
                    "responses": {"200": _ok("SearchResults", "Results"), "400": _ERROR},
                }
            },
            "/api/articles/{id}": {
                "get": {
                    "operationId": "article",
                    "summary": "One article and a few related ones",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                        _query("q", q, "A query whose words are highlighted (used by the page, not here)."),
                    ],
                    "responses": {
                        "200": _ok("Article", "The article"),
                        "400": _ERROR,
                        "404": {"$ref": "#/components/responses/NotFound"},
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "operationId": "suggest",
                    "summary": "Completions of the last word of a prefix, commonest first",
                    "parameters": [_query("q", q, "What has been typed so far.")],
                    "responses": {"200": _ok("Suggestions", "Completions"), "400": _ERROR},
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {"description": "OpenAPI 3", "content": {_JSON: {"schema": {"type": "object"}}}}
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Hit": hit,
                "SearchResults": results,
                "Article": article,
                "Suggestions": suggestions,
                "Error": error,
            },
            "responses": {
                "BadRequest": {
                    "description": "A bad parameter",
                    "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
                "NotFound": {
                    "description": "No such article",
                    "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        },
    }
