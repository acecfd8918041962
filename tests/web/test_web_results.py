"""What the results page shows beyond the hits: wire copies folded under a
hit, the timeline chart, and sources and categories by their Arabic names."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

FLOOD = "الفيضانات"
ZEL = "زيلينسكي"


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside each id'd one."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        self.text.append(data)


def page(client, **params) -> Elements:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    parsed = Elements()
    parsed.feed(response.get_data(as_text=True))
    parsed.html = response.get_data(as_text=True)
    return parsed


def test_copies_are_folded_under_one_hit_with_links(client) -> None:
    folded = page(client, q=FLOOD)
    hits = [a for t, a in folded.elements if t == "li" and a.get("class") == "hit"]
    assert len(hits) == 2  # the story and the opinion piece
    assert "ونقل هذا الخبر مصدران آخران" in folded.html
    copy_links = {urlsplit(a["href"]).path for t, a in folded.elements if t == "a" and "/article/flood-" in a.get("href", "")}
    assert copy_links == {"/article/flood-bbc", "/article/flood-cnn", "/article/flood-sky", "/article/flood-other"}
    assert "4</strong> في <strong id=\"story-count\">2</strong> قصة" in folded.html
    toggle = next(a for t, a in folded.elements if a.get("id") == "collapse-toggle")
    assert parse_qs(urlsplit(toggle["href"]).query)["collapse"] == ["0"]
    unfolded = page(client, q=FLOOD, collapse=0)
    assert len([a for t, a in unfolded.elements if t == "li" and a.get("class") == "hit"]) == 4
    assert "ونقل هذا الخبر" not in unfolded.html


def test_sources_and_categories_are_shown_by_their_arabic_names(client) -> None:
    shown = page(client, q=FLOOD, collapse=0)
    text = "".join(shown.text)
    for arabic in ("بي بي سي عربي", "سي إن إن بالعربية", "سكاي نيوز عربية", "أخبار دولية", "الشرق الأوسط"):
        assert arabic in text, arabic
    for slug in ("bbc-arabic", "cnn-arabic", "skynewsarabia", "internationalNews", "middleEast"):
        assert slug not in text, slug  # only in links and form values
    # Unknown values are shown as written.
    assert "unknown-outlet" in text and "opinionSlug" in text
    # The filter still uses the stored value, and the JSON keeps it.
    assert any(t == "option" and a.get("value") == "bbc-arabic" for t, a in shown.elements)
    hits = client.get("/api/search", query_string={"q": FLOOD, "collapse": 0}).get_json()["hits"]
    assert {h["source"] for h in hits} == {"bbc-arabic", "cnn-arabic", "skynewsarabia", "unknown-outlet"}
    article = client.get("/article/flood-bbc").get_data(as_text=True)
    assert "بي بي سي عربي" in article and "أخبار دولية" in article


def test_the_timeline_chart_links_each_period_to_its_filter(client) -> None:
    shown = page(client, q=FLOOD)
    assert "<svg" in shown.html and 'aria-labelledby="timeline-title"' in shown.html
    bars = [a for t, a in shown.elements if t == "a" and a.get("class") == "bar"]
    # May to July 2018: by month, each with articles a bar.
    assert [b["data-period"] for b in bars] == ["2018-05", "2018-06", "2018-07"]
    may = parse_qs(urlsplit(bars[0]["href"]).query)
    assert may["from"] == ["2018-05-01"] and may["to"] == ["2018-05-31"] and may["q"] == [FLOOD]
    assert bars[0]["aria-label"] == "مايو 2018: خبران"
    # The link is the filtered page, now by day.
    narrowed = client.get(bars[0]["href"]).get_data(as_text=True)
    assert 'data-period="2018-05-03"' in narrowed and 'data-period="2018-06-20"' not in narrowed
    # Right to left: the earliest bar on the right.
    xs = [float(a["x"]) for t, a in shown.elements if t == "rect"]
    assert xs == sorted(xs, reverse=True)


def test_interval_parameter_and_bad_values(client) -> None:
    body = client.get("/api/search", query_string={"q": FLOOD, "interval": "day"}).get_json()
    assert body["interval"] == "day" and body["timeline"][0] == {"period": "2018-05-03", "count": 1}
    assert sum(p["count"] for p in body["timeline"]) + body["undated"] == body["total"]
    bad = client.get("/search", query_string={"q": FLOOD, "interval": "week"})
    assert bad.status_code == 400 and "فترة الخط الزمني" in bad.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": FLOOD, "interval": "week"}).status_code == 400


def test_api_stories_copies_and_collapse(client) -> None:
    folded = client.get("/api/search", query_string={"q": FLOOD}).get_json()
    unfolded = client.get("/api/search", query_string={"q": FLOOD, "collapse": 0}).get_json()
    assert folded["total"] == unfolded["total"] == 4
    assert folded["stories"] == 2 and unfolded["stories"] == 4
    assert folded["facets"] == unfolded["facets"]
    story = next(h for h in folded["hits"] if h["copies"])
    assert story["cluster"] == "flood-bbc"
    assert {story["id"], *(c["id"] for c in story["copies"])} == {"flood-bbc", "flood-cnn", "flood-sky"}
    assert set(story["copies"][0]) == {"id", "title", "url", "date", "source", "category", "score"}
    assert all(h["copies"] == [] for h in unfolded["hits"])
