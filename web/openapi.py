"""The OpenAPI 3 description of /api, written from the same constants the
code validates with, so the document and the behaviour cannot drift apart."""

from __future__ import annotations

from search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS
from search.searcher import MAX_PER_PAGE, SORTS
from search.timeline import INTERVALS
from web.feeds import CSV_COLUMNS, EXPORT_LIMIT, FEED_ENTRIES
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
    copy = {
        "type": "object",
        "required": ["id", "title", "url", "date", "source", "category", "score"],
        "additionalProperties": False,
        "description": "An article folded under a better-ranked near-copy of it (the same wire story).",
        "properties": {k: v for k, v in hit["properties"].items() if k != "snippet"},
    }
    search_hit = {
        "type": "object",
        "required": [*hit["required"], "cluster", "copies"],
        "additionalProperties": False,
        "properties": {
            **hit["properties"],
            "cluster": {
                "type": "string",
                "description": (
                    "The id of the article's near-copy cluster (articles whose title and body share at least 70 % "
                    "of their word 5-grams, found at build and add time): the cluster's first article id, or the "
                    "article's own id when it has no copy."
                ),
            },
            "copies": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Copy"},
                "description": (
                    "The other matching articles of the cluster, folded under this one (best first, or newest "
                    "first when sorted by date); always empty with collapse=0."
                ),
            },
        },
    }
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}
    period = {
        "type": "object",
        "required": ["period", "count"],
        "additionalProperties": False,
        "properties": {
            "period": {"type": "string", "description": "A day (2018-05-14), a month (2018-05) or a year (2018)."},
            "count": {"type": "integer", "minimum": 0, "description": "Matching articles dated in it."},
        },
    }
    results = {
        "type": "object",
        "required": ["query", "total", "stories", "page", "per_page", "took_ms", "hits", "facets", "timeline",
                     "interval", "undated", "suggestion", "spellings", "partial", "missing_shards"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0, "description": "Matching articles."},
            "stories": {
                "type": "integer",
                "minimum": 0,
                "description": "Matching stories: near-copy clusters with a matching article (total with collapse=0). "
                               "With collapse=1 the pages count stories.",
            },
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "took_ms": {"type": "number", "minimum": 0},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            "timeline": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Period"},
                "description": (
                    "Matching articles per period, oldest first, over all matches (not just the page); periods "
                    "without articles between the first and the last are listed with 0 (unless that makes more "
                    "than 1000 periods: then only those with articles). The counts and `undated` add up to total."
                ),
            },
            "interval": {
                "type": "string",
                "nullable": True,
                "enum": [*INTERVALS, None],
                "description": "The timeline's period: as asked, else day for matches within 62 days, month within "
                               "five years, year beyond; null when no matching article has a date.",
            },
            "undated": {"type": "integer", "minimum": 0, "description": "Matching articles without a date."},
            "facets": {
                "type": "object",
                "required": ["source", "category"],
                "additionalProperties": False,
                "properties": {"source": counts, "category": counts},
                "description": "How many matching articles each source and each category has.",
            },
            "suggestion": {
                "type": "string",
                "nullable": True,
                "description": (
                    "A respelled query that finds more, offered when fewer than 3 articles match: each word no "
                    "article writes replaced by the two words it runs together (رئيسالوزراء: رئيس الوزراء), else by "
                    "the nearest word the articles write."
                ),
            },
            "spellings": {
                "type": "object",
                "description": (
                    "For each query word that was searched in more than one spelling (أمريكية / أميركية, "
                    "إنجلترا / إنكلترا): the spellings searched, the one typed first, as the articles write "
                    "them. The spellings are mined from the index at build and add time, with the spellings "
                    "the index hardly has (in fewer than 5 articles) that stand where the usual one does "
                    "(غوتيريش / جوتيريش), written forms included where the stemmer cuts them apart "
                    "(كورونا / كرونا); a word the index hardly has is also searched in its commonest "
                    "respelling (ماكرن / ماكرون), and a word no article writes in any respelling the index has "
                    "(زيلنسكي / زيلينسكي); a compound name typed as one word is also searched as its two "
                    "words (عبدالله / عبد الله, أبوظبي / أبو ظبي, نصرالله / نصر الله); a word typed without a hamza whose ال may be its own is also "
                    "searched with the hamza where that word is far the commoner (الماني / ألماني). A word in "
                    "double quotes is searched in its own spelling only."
                ),
                "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            },
            "partial": {
                "type": "boolean",
                "description": "A sharded index (akhbar build --shards N) with shards that could not answer (every "
                               "replica down): the results, totals and counts are those of the other shards. "
                               "Always false for a one-shard index.",
            },
            "missing_shards": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "description": "The shards left out when partial is true (empty otherwise).",
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
    collapse = _query("collapse", {"type": "integer", "enum": [0, 1], "default": 1},
                      "1: near-copies of a story (wire copies) are folded under its best-ranked article; "
                      "0: every article is a hit of its own.")
    # At most MAX_QUERY_WORDS words, separated by whitespace and double quotes
    # (search.query.word_count).
    query = {**q, "pattern": r'^[\s"]*([^\s"]+[\s"]+){0,%d}([^\s"]+[\s"]*)?$' % (MAX_QUERY_WORDS - 1)}
    out = {
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
                        _query("q", query, "Words (up to three must all match, each as typed with or without "
                               "its nisba adjective's ي: المدن does not match المدني, but a decade's ات and "
                               "يات are one word, الثمانينات and الثمانينيات; a word typed in the feminine "
                               "matches the feminine forms: الطائرة does not match الطائر, nor a verb in ت "
                               "the feminine nouns (حفلت does not match حفلات) or a plural in ات the verb "
                               "(تداولات does not match تداولت); more are ranked by how "
                               f"many match), \"phrases\", -excluded, a OR b; at most "
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
                        collapse,
                        _query("interval", {"type": "string", "enum": list(INTERVALS)},
                               "The timeline's period; by default chosen from the span of the matches."),
                    ],
                    "responses": {"200": _ok("SearchResults", "Results"), "400": _ERROR},
                }
            },
            "/api/search.csv": {
                "get": {
                    "operationId": "searchCsv",
                    "summary": f"Up to {EXPORT_LIMIT:,} results as CSV, for a spreadsheet",
                    "description": (
                        "The parameters of /api/search but page and per_page; the articles in the pages' order "
                        "(with collapse=1 each story's best article then its copies). UTF-8 with a byte order mark "
                        "(Excel reads it as UTF-8), CRLF line ends, a header line: "
                        f"{', '.join(CSV_COLUMNS)}. A text cell that a spreadsheet would take for a formula "
                        "(starting with = + - @) is written with a leading apostrophe. Empty q: the header only."
                    ),
                    "parameters": "SEARCH_PARAMETERS_NO_PAGING",
                    "responses": {
                        "200": {
                            "description": "CSV, streamed",
                            "headers": {
                                "Content-Disposition": {
                                    "schema": {"type": "string"},
                                    "description": "attachment; filename=\"akhbar-search.csv\"",
                                }
                            },
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": _ERROR,
                    },
                }
            },
            "/search.atom": {
                "get": {
                    "operationId": "searchAtom",
                    "summary": "The newest results of a search as an Atom 1.0 feed (a news alert)",
                    "description": (
                        "The search page's parameters; newest first whatever sort says; "
                        f"{FEED_ENTRIES} entries unless per_page says. Each entry: the article's title, its page "
                        "on this site (link and id), its date (updated, published), source (author), category and "
                        "the snippet as plain text (summary). The search page links it in its head "
                        "(rel=alternate), so a browser or feed reader offers to subscribe."
                    ),
                    "parameters": "SEARCH_PARAMETERS",
                    "responses": {
                        "200": {
                            "description": "Atom 1.0",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": _ERROR,
                    },
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
                        "503": {"$ref": "#/components/responses/Unavailable"},
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
                "SearchHit": search_hit,
                "Copy": copy,
                "Period": period,
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
                "Unavailable": {
                    "description": "The shard holding the article has no replica that answers (a sharded index); "
                                   "try again later. Error code shard_unavailable.",
                    "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        },
    }
    paths = out["paths"]
    search_parameters = paths["/api/search"]["get"]["parameters"]
    paths["/search.atom"]["get"]["parameters"] = list(search_parameters)
    paths["/api/search.csv"]["get"]["parameters"] = [
        p for p in search_parameters if p["name"] not in ("page", "per_page")
    ]
    return out
