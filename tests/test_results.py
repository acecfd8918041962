from search.results import SearchResults


def _results(total: int, stories: int, per_page: int, collapse: bool) -> SearchResults:
    return SearchResults(query="q", total=total, page=1, per_page=per_page, hits=[], facets={}, suggestion=None,
                         took_ms=0.0, stories=stories, collapse=collapse)


def test_pages_count_stories_when_copies_are_folded_and_articles_when_not():
    assert _results(total=25, stories=11, per_page=10, collapse=True).pages == 2
    assert _results(total=25, stories=11, per_page=10, collapse=False).pages == 3
    assert _results(total=20, stories=20, per_page=10, collapse=False).pages == 2


def test_an_empty_result_still_has_one_page():
    assert _results(total=0, stories=0, per_page=10, collapse=True).pages == 1
