"""The JSON shape of search results, shared by ``akhbar search --json`` and
the web API so that there is one serializer, not two."""

from __future__ import annotations

from datetime import datetime

from search.results import ArticleView, Copy, Hit, SearchResults


def _date(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.time() == datetime.min.time():
        return value.date().isoformat()
    return value.isoformat()


def copy_to_dict(copy: Copy | Hit) -> dict:
    """What a hit and a folded copy both say of their article."""
    return {
        "id": copy.id,
        "title": copy.title,
        "url": copy.url,
        "date": _date(copy.date),
        "source": copy.source,
        "category": copy.category,
        "score": copy.score,
    }


def hit_to_dict(hit: Hit) -> dict:
    return {**copy_to_dict(hit), "snippet": hit.snippet}


def search_hit_to_dict(hit: Hit) -> dict:
    """A hit of a result list: with its wire-copy cluster and the copies
    folded under it."""
    out = hit_to_dict(hit)
    out["cluster"] = hit.cluster
    out["copies"] = [copy_to_dict(c) for c in hit.copies]
    return out


def results_to_dict(results: SearchResults) -> dict:
    timeline = results.timeline
    return {
        "query": results.query,
        "total": results.total,
        "stories": results.stories,
        "page": results.page,
        "per_page": results.per_page,
        "took_ms": round(results.took_ms, 2),
        "hits": [search_hit_to_dict(h) for h in results.hits],
        "facets": results.facets,
        "timeline": [{"period": p.period, "count": p.count} for p in timeline.periods],
        "interval": timeline.interval,
        "undated": timeline.undated,
        "suggestion": results.suggestion,
        "spellings": results.spellings,
        "partial": results.partial,
        "missing_shards": results.missing_shards,
    }


def article_to_dict(article: ArticleView) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "url": article.url,
        "date": _date(article.date),
        "source": article.source,
        "category": article.category,
        "related": [hit_to_dict(h) for h in article.related],
    }
