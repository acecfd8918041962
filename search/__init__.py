"""Akhbar: a search engine over Arabic news."""

from search.results import ArticleView, Hit, SearchResults
from search.searcher import Filters, SearchOptions, Searcher
from search.query import QueryError

__all__ = ["ArticleView", "Filters", "Hit", "QueryError", "SearchOptions", "SearchResults", "Searcher"]
