"""Akhbar: a search engine over Arabic news."""

from search.searcher import ArticleView, Filters, Hit, SearchOptions, SearchResults, Searcher
from search.query import QueryError

__all__ = ["ArticleView", "Filters", "Hit", "QueryError", "SearchOptions", "SearchResults", "Searcher"]
