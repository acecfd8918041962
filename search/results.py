"""What a search returns: plain dataclasses that the CLI, the JSON API
and the pages only format (search/serialize.py, web/), so that no front
end needs the index to show a result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from search import timeline as timelines


@dataclass(frozen=True)
class Copy:
    """An article folded under a better-ranked near-copy of it."""

    id: str
    title: str
    url: str
    date: datetime | None
    source: str
    category: str
    score: float


@dataclass(frozen=True)
class Hit:
    """An article of a result page, with its snippet and title marked."""

    id: str
    title: str
    url: str
    date: datetime | None
    source: str
    category: str
    score: float
    snippet: str
    title_html: str
    # The wire-copy cluster (search/clusters.py): its id, and the other
    # matched articles of it folded under this one, best first.
    cluster: str = ""
    copies: list[Copy] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResults:
    """One page of a search, and what the page shows beside it: the facets,
    the timeline, the suggestion and the spellings searched."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    took_ms: float
    sort: str = "relevance"
    fallback: bool = False
    # Each query word searched in more than one spelling: the spelling typed
    # first, then the others, as the articles write them.
    spellings: dict[str, list[str]] = field(default_factory=dict)
    # Distinct stories (wire-copy clusters) among the matches; with
    # ``collapse`` the hits are one per story, and the pages count stories.
    stories: int = 0
    collapse: bool = True
    timeline: timelines.Timeline = field(default_factory=timelines.Timeline)
    # A sharded index (search/cluster) with shards that could not answer:
    # the results are those of the other shards.
    partial: bool = False
    missing_shards: list[int] = field(default_factory=list)

    @property
    def pages(self) -> int:
        shown = self.stories if self.collapse else self.total
        return max(1, -(-shown // self.per_page))


@dataclass(frozen=True)
class Row:
    """One exported article (no snippet)."""

    id: str
    title: str
    date: datetime | None
    source: str
    category: str
    url: str
    score: float
    cluster: str


@dataclass(frozen=True)
class ArticleView:
    """One article shown whole, the query's words marked, with the articles
    most like it."""

    id: str
    title: str
    body: str
    date: datetime | None
    source: str
    category: str
    url: str
    title_html: str
    body_html: str
    related: list[Hit] = field(default_factory=list)
