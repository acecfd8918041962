"""A search to take away: its Atom feed, read by feedparser as a feed
reader would, and its CSV export."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import feedparser

ZEL = "زيلينسكي"
FLOOD = "الفيضانات"


def test_atom_feed_is_valid_atom_newest_first(client) -> None:
    response = client.get("/search.atom", query_string={"q": ZEL})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert ZEL in feed.feed.title
    assert feed.feed.id and feed.feed.updated
    links = {link.rel: link.href for link in feed.feed.links}
    assert urlsplit(links["self"]).path == "/search.atom" and urlsplit(links["alternate"]).path == "/search"
    assert parse_qs(urlsplit(links["alternate"]).query)["q"] == [ZEL]
    # Twelve dated Zelensky articles and the undated seed: the twenty newest
    # default entries hold them all, newest first, the undated one last.
    assert len(feed.entries) == 13
    dated = [e for e in feed.entries if "published" in e]
    assert len(dated) == 12 and "published" not in feed.entries[-1]
    published = [e.published_parsed for e in dated]
    assert published == sorted(published, reverse=True)
    first = feed.entries[0]
    assert first.id == first.link and urlsplit(first.link).path == "/article/zel-11"
    assert first.title.startswith(ZEL)
    assert ZEL in first.summary and "<mark>" not in first.summary
    assert first.author


def test_atom_feed_escapes_article_text_and_folds_copies(client) -> None:
    feed = feedparser.parse(client.get("/search.atom", query_string={"q": FLOOD}).data)
    assert not feed.bozo
    titles = [e.title for e in feed.entries]
    # Three copies are one story: the newest copy stands for it.
    assert sum(t.startswith(("فيضانات", "إجلاء", "الفيضانات تجتاح")) for t in titles) == 1
    assert '=الفيضانات, "درس" للمدن' in titles
    unfolded = feedparser.parse(client.get("/search.atom", query_string={"q": FLOOD, "collapse": 0}).data)
    assert len(unfolded.entries) == 4
    hostile = feedparser.parse(client.get("/search.atom", query_string={"q": "الأسواق"}).data)
    assert not hostile.bozo
    assert hostile.entries[0].title == "خبر <b>عاجل</b> عن الأسواق"  # text, not markup


def test_atom_feed_per_page_bad_parameters_and_no_query(client) -> None:
    feed = feedparser.parse(client.get("/search.atom", query_string={"q": ZEL, "per_page": 3}).data)
    assert len(feed.entries) == 3
    bad = client.get("/search.atom", query_string={"q": ZEL, "from": "yesterday"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_parameter"
    empty = client.get("/search.atom")
    assert empty.status_code == 200
    assert not feedparser.parse(empty.data).bozo and feedparser.parse(empty.data).entries == []


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "link":
            self.links.append(dict(attrs))


def test_search_page_links_its_feed_for_subscribing(client) -> None:
    head = _Head()
    head.feed(client.get("/search", query_string={"q": ZEL, "source": "الجزيرة"}).get_data(as_text=True))
    feeds = [link for link in head.links if link.get("rel") == "alternate"]
    assert len(feeds) == 1 and feeds[0]["type"] == "application/atom+xml"
    url = urlsplit(feeds[0]["href"])
    assert url.path == "/search.atom"
    assert parse_qs(url.query) == {"q": [ZEL], "source": ["الجزيرة"], "sort": ["date"]}
    feed = feedparser.parse(client.get(feeds[0]["href"]).data)
    assert feed.entries and all(e.author == "الجزيرة" for e in feed.entries)
    home = _Head()
    home.feed(client.get("/").get_data(as_text=True))
    assert not [link for link in home.links if link.get("rel") == "alternate"]


def read_csv(response) -> list[list[str]]:
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_export_columns_order_and_escaping(client) -> None:
    response = client.get("/api/search.csv", query_string={"q": FLOOD})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="akhbar-search.csv"'
    rows = read_csv(response)
    assert rows[0] == ["id", "title", "date", "source", "category", "url", "score", "cluster"]
    body = rows[1:]
    api = client.get("/api/search", query_string={"q": FLOOD}).get_json()
    # Every article, each story's best then its copies, as the API pages them.
    expected = []
    for hit in api["hits"]:
        expected += [hit["id"], *(c["id"] for c in hit["copies"])]
    assert [r[0] for r in body] == expected and len(body) == api["total"] == 4
    by_id = {r[0]: r for r in body}
    assert by_id["flood-bbc"][2:6] == ["2018-05-03", "bbc-arabic", "internationalNews", "https://example.org/flood-bbc"]
    assert {by_id[i][7] for i in ("flood-bbc", "flood-cnn", "flood-sky")} == {"flood-bbc"}
    assert float(by_id["flood-bbc"][6]) > 0
    # A title with a comma and quotes survives; one a spreadsheet would run
    # as a formula is written as text.
    assert by_id["flood-other"][1] == "'=الفيضانات, \"درس\" للمدن"


def test_csv_export_follows_sort_and_filters_and_rejects_bad_parameters(client) -> None:
    rows = read_csv(client.get("/api/search.csv", query_string={"q": ZEL, "sort": "date", "source": "العربية"}))[1:]
    assert rows and all(r[3] == "العربية" for r in rows)
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    assert read_csv(client.get("/api/search.csv"))[1:] == []
    bad = client.get("/api/search.csv", query_string={"q": ZEL, "collapse": "yes"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_parameter"


def test_csv_export_is_capped(client, monkeypatch) -> None:
    import web.api

    monkeypatch.setattr(web.api, "EXPORT_LIMIT", 5)
    rows = read_csv(client.get("/api/search.csv", query_string={"q": ZEL, "collapse": 0}))
    assert len(rows) == 1 + 5
