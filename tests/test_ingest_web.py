"""Feeds, news pages, sitemaps and WARC files, from disk and from a loopback
HTTP server, through a real index: the articles' words are found, the words
of the pages' navigation, ads, related links and footers are not, and dates,
sources, urls and problems are right."""

from __future__ import annotations

import json
import socket
from datetime import datetime

import pytest
from click.testing import CliRunner

from ingest.newsroom import (
    AD_WORD,
    BOILERPLATE_WORDS,
    SITE,
    STORIES,
    NewsServer,
    Route,
    atom,
    front_page,
    page,
    rss,
    warc,
)
from search import Searcher
from search import index as idx
from search.cli import main
from search.ingest import NOTE, SOURCE, Article, Problem, read_sources, stable_id, url_key
from search.ingest.fetch import Fetcher
from search.ingest.pages import article_from_html, decode_html, fragment_text

ELECTRICITY, WHEAT, MUSEUM = STORIES


@pytest.fixture()
def server():
    s = NewsServer()
    yield s
    s.close()


def fast_fetcher() -> Fetcher:
    """The real client, paced faster than the default (a loopback server needs no courtesy)."""
    return Fetcher(interval=0.01)


def split(records):
    records = list(records)
    return [r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Problem)]


def build(tmp_path, sources, **options):
    records = list(read_sources(sources, **options))
    report = idx.build(tmp_path / "ix", records)
    return report, Searcher(tmp_path / "ix"), [r for r in records if isinstance(r, Problem)]


def ids(searcher: Searcher, query: str) -> set[str]:
    return {hit.id for hit in searcher.search(query, per_page=100).hits}


def assert_no_boilerplate(searcher: Searcher) -> None:
    for word in BOILERPLATE_WORDS:
        assert searcher.search(word).total == 0, word


# -- pages ------------------------------------------------------------------


def test_a_saved_page_gives_its_article_without_the_page_around_it(tmp_path):
    path = tmp_path / "electricity.html"
    path.write_bytes(page(ELECTRICITY, canonical="https://alwatan.example/news/electricity-plan"))
    (article,), problems = split(read_sources([path]))
    assert problems == []
    assert article.title == ELECTRICITY.title
    assert article.date == ELECTRICITY.published  # JSON-LD datePublished, in UTC
    assert article.source == SITE
    assert article.url == "https://alwatan.example/news/electricity-plan"
    assert article.id == stable_id(article.url, "", "")
    assert article.body.split("\n") == ELECTRICITY.paragraphs  # the headline is the title, not the body
    for word in BOILERPLATE_WORDS:
        assert word not in article.body


def test_windows_1256_page_with_opengraph_date_and_a_relative_canonical_url(server, tmp_path):
    data = page(WHEAT, canonical="/news/wheat-harvest", date_style="og", charset="windows-1256")
    assert "الحصادات".encode("cp1256") in data
    server.routes["/archive?id=7"] = Route(data, content_type="text/html; charset=windows-1256")
    server.routes["/misdeclared"] = Route(data, content_type="text/html")  # no charset: the meta tag says it
    report, s, problems = build(tmp_path, [server.url("/archive?id=7"), server.url("/misdeclared")],
                                fetcher=fast_fetcher())
    assert problems == []
    # Both fetches name the same canonical url: one article.
    assert (report.indexed, report.duplicates) == (1, 1)
    hit = s.search("الحصادات").hits[0]
    assert hit.title == WHEAT.title and hit.url == server.url("/news/wheat-harvest")
    assert hit.date == WHEAT.published and hit.source == SITE
    assert_no_boilerplate(s)


def test_decoding_follows_bom_header_meta_then_guesses():
    text = "خبر عن الاقتصاد"
    assert decode_html(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_html(f'<meta charset="windows-1256">{text}'.encode("cp1256")).endswith(text)
    assert decode_html(text.encode("cp1256"), "windows-1256") == text
    assert decode_html(text.encode("utf-8"), "iso-8859-1") == text  # mislabelled UTF-8
    assert decode_html(text.encode("cp1256")) == text  # no label, not UTF-8: the Arabic web's other encoding


def test_a_page_without_an_article_is_reported_and_the_rest_indexed(tmp_path):
    (tmp_path / "front.html").write_bytes(front_page())
    (tmp_path / "museum.html").write_bytes(page(MUSEUM))
    articles, problems = split(read_sources([tmp_path]))
    assert [a.title for a in articles] == [MUSEUM.title]
    assert articles[0].url == "" and articles[0].id.startswith("sha-")  # no canonical url: by its text
    assert [(p.path, p.kind) for p in problems] == [(str(tmp_path / "front.html"), "record")]
    assert "no article text" in problems[0].message


def test_canonical_urls_naming_another_site_or_the_home_page_are_not_believed():
    story = page(MUSEUM, canonical="https://other.example/news/x")
    assert article_from_html(story, url="https://alwatan.example/a/1").url == "https://alwatan.example/a/1"
    story = page(MUSEUM, canonical="https://alwatan.example/")
    assert article_from_html(story, url="https://alwatan.example/a/1").url == "https://alwatan.example/a/1"


def test_fragment_text_keeps_paragraphs_and_drops_scripts():
    assert fragment_text("<p>أ &amp; ب</p><script>x()</script><p>ج<br>د</p>") == "أ & ب\nج\nد"
    assert fragment_text("نص بلا وسوم") == "نص بلا وسوم"


# -- feeds ------------------------------------------------------------------


def test_rss_with_full_content(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(rss("https://alwatan.example", STORIES, full=True))
    report, s, problems = build(tmp_path, [path])
    assert problems == [] and report.indexed == 3
    for story in STORIES:
        (hit,) = s.search(story.word).hits
        assert hit.title == story.title and hit.date == story.published
        assert hit.source == f"{SITE} - آخر الأخبار" and hit.category == story.category
        # The relative link, resolved against the channel's link; tracking parameters do not make an id.
        assert hit.url == f"https://alwatan.example{story.path}?utm_source=rss"
        assert hit.id == stable_id(f"https://alwatan.example{story.path}", "", "")
    assert s.search("alert").total == 0  # the content's script is not text


def test_atom_with_html_content_and_xml_base(tmp_path):
    path = tmp_path / "agency.atom"
    path.write_bytes(atom("https://agency.example/ar", STORIES[:2]))
    articles, problems = split(read_sources([path]))
    assert problems == []
    assert [a.url for a in articles] == [f"https://agency.example/ar/news/{s.slug}" for s in STORIES[:2]]
    assert [a.date for a in articles] == [s.published for s in STORIES[:2]]  # published, not updated
    assert articles[0].body.split("\n") == ELECTRICITY.paragraphs and articles[0].source == "وكالة الأنباء"
    assert not any(a.partial for a in articles)


def test_summary_only_feed_url_fetches_each_page_politely(server, tmp_path):
    server.serve_site()
    server.routes["/rss"] = Route(rss(server.base, STORIES, full=False), content_type="application/rss+xml")
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /news/museum-opening\n", content_type="text/plain")
    report, s, problems = build(tmp_path, [server.url("/rss")], fetcher=fast_fetcher())
    assert report.indexed == 3
    # Pages fetched for two entries; the third is disallowed by robots.txt: its summary is indexed.
    assert [p.kind for p in problems] == [NOTE]
    assert "entry 3" in problems[0].message and "disallowed by" in problems[0].message
    assert server.hits("/news/museum-opening") == []
    assert {r.headers["user-agent"].split(" ")[0].split("/")[0] for r in server.requests} == {"Akhbar"}
    for story in (ELECTRICITY, WHEAT):
        (hit,) = s.search(story.word).hits
        assert (hit.title, hit.date, hit.source) == (story.title, story.published, f"{SITE} - آخر الأخبار")
        assert hit.url == server.url(story.path)  # the page's canonical url
    museum = s.search("افتتاح متحف").hits
    assert len(museum) == 1 and s.article(museum[0].id).body == MUSEUM.paragraphs[0][:60] + "…"
    assert_no_boilerplate(s)


def test_feed_file_summaries_give_way_to_the_pages_of_the_same_urls(tmp_path):
    # A feed of summaries and the saved pages of two of its entries: one article per url,
    # with the page's text and the feed's date and source, whichever file is read first.
    base = "https://alwatan.example"
    (tmp_path / "a-electricity.html").write_bytes(page(ELECTRICITY, canonical=base + ELECTRICITY.path, date_style=""))
    (tmp_path / "b-feed.rss").write_bytes(rss(base, STORIES, full=False))
    (tmp_path / "c-wheat.html").write_bytes(page(WHEAT, canonical=base + WHEAT.path + "/"))
    report, s, problems = build(tmp_path, [tmp_path])
    assert problems == [] and s.stats()["articles"] == 3
    dates = {hit.title: hit.date for hit in s.search("المتحف OR القمح OR الكهرباء", per_page=10).hits}
    assert dates == {story.title: story.published for story in STORIES}
    assert ids(s, ELECTRICITY.word) and ids(s, WHEAT.word)  # the pages' full text
    assert s.search(MUSEUM.word).total == 0  # only the feed's summary of it
    assert_no_boilerplate(s)


def test_malformed_feed_keeps_the_entries_before_the_fault(tmp_path):
    good = rss("https://alwatan.example", STORIES, full=True).decode()
    cut = good.index("<item>", good.index("<item>", good.index("<item>") + 1) + 1)
    path = tmp_path / "broken.rss"
    path.write_text(good[:cut] + "<item><title>عنوان & بلا <b>إغلاق</title>", encoding="utf-8")
    articles, problems = split(read_sources([path]))
    assert [a.title for a in articles] == [ELECTRICITY.title, WHEAT.title]
    (problem,) = [p for p in problems if "malformed" in p.message]
    assert problem.path == str(path) and problem.kind == "record" and problem.line > 0


def test_a_url_that_is_no_feed_page_or_archive_is_reported(server, tmp_path):
    server.routes["/data.json"] = Route(b'{"a": 1}', content_type="application/json")
    server.routes["/image"] = Route(b"\x89PNG\r\n\x1a\n", content_type="image/png")
    server.routes["/"] = Route(front_page())  # a home page given for its feed
    urls = [server.url("/data.json"), server.url("/image"), server.url("/")]
    articles, problems = split(read_sources(urls, fetcher=fast_fetcher()))
    assert articles == []
    assert [(p.path, p.kind) for p in problems] == [(url, SOURCE) for url in urls]
    assert "Content-Type application/json" in problems[0].message
    assert "no article text" in problems[2].message and "not a feed either" in problems[2].message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_http_errors_timeouts_and_refused_connections_are_reported_and_the_rest_read(server, tmp_path):
    server.serve_site()
    server.routes["/rss"] = Route(rss(server.base, STORIES, full=True), content_type="application/rss+xml")
    server.routes["/down"] = Route(b"oops", 500, "text/plain")
    server.routes["/slow"] = Route(b"<html></html>", delay=2.0)
    refused = f"http://127.0.0.1:{free_port()}/feed"
    fetcher = Fetcher(interval=0.01, read_timeout=0.5)
    sources = [server.url("/down"), refused, server.url("/slow"), server.url("/missing"), server.url("/rss")]
    articles, problems = split(read_sources(sources, fetcher=fetcher))
    assert len(articles) == 3
    messages = {p.path: p.message for p in problems}
    assert all(p.kind == SOURCE for p in problems) and len(problems) == 4
    assert messages[server.url("/down")] == "cannot fetch: HTTP 500 Internal Server Error"
    assert messages[refused] == "cannot fetch: connection refused"
    assert messages[server.url("/slow")] == "cannot fetch: timed out"
    assert messages[server.url("/missing")] == "cannot fetch: HTTP 404 Not Found"


def test_cli_reads_what_it_can_and_exits_non_zero_for_a_source_it_could_not_read(server, tmp_path):
    server.routes["/down"] = Route(b"oops", 503, "text/plain")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "feed.xml").write_bytes(rss("https://alwatan.example", STORIES, full=True))
    result = CliRunner().invoke(main, ["build", str(tmp_path / "site"), server.url("/down"),
                                       "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 1, result.output
    assert f"skipped {server.url('/down')}: cannot fetch: HTTP 503" in result.output
    assert "indexed 3, updated 0, skipped 1" in result.output
    assert "1 source(s) could not be read" in result.output
    assert Searcher(tmp_path / "ix").stats()["articles"] == 3


def test_add_help_names_every_kind_of_source():
    result = CliRunner().invoke(main, ["add", "--help"])
    assert result.exit_code == 0
    for kind in ("JSON Lines", "CSV", "plain text", "RSS", "Atom", "news pages", "WARC", "sitemaps", "http(s)://"):
        assert kind in result.output, kind


# -- WARC -------------------------------------------------------------------


def crawl(base: str) -> list[tuple[str, str, str, bytes]]:
    return [
        (base + ELECTRICITY.path, "200 OK", "text/html; charset=utf-8", page(ELECTRICITY)),
        (base + "/logo.png", "200 OK", "image/png", b"\x89PNG"),
        (base + WHEAT.path, "200 OK", "text/html; charset=windows-1256",
         page(WHEAT, charset="windows-1256", date_style="og")),
        (base + "/old", "301 Moved Permanently", "text/html", b"<html>moved</html>"),
        (base + "/gone", "404 Not Found", "text/html", page(MUSEUM)),
        (base + "/", "200 OK", "text/html", front_page()),
        (base + MUSEUM.path, "200 OK", "text/html", page(MUSEUM)),
    ]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_every_html_page_with_status_200_is_an_article(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(warc(crawl("https://alwatan.example"), gz=gz))
    report, s, problems = build(tmp_path, [path])
    assert report.indexed == 3
    by_story = {story.slug: s.search(story.word).hits for story in STORIES}
    assert all(len(hits) == 1 for hits in by_story.values())
    wheat = by_story["wheat-harvest"][0]
    assert (wheat.url, wheat.date, wheat.source) == ("https://alwatan.example" + WHEAT.path, WHEAT.published, SITE)
    assert_no_boilerplate(s)
    front, counts = problems
    assert "(https://alwatan.example/): no article text" in front.message and front.kind == "record"
    assert counts.kind == NOTE and counts.message == (
        "3 HTML pages read; 12 other records skipped "
        "(7 request, 1 warcinfo, 1 not HTML, 1 status 301, 1 status 404, 1 metadata)"
    )


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path, gz):
    data = warc(crawl("https://alwatan.example"), gz=gz)
    marker = ("https://alwatan.example" + MUSEUM.path).encode()
    # Cut inside the last page's response record.
    cut = data.rindex(marker) + 400 if not gz else len(data) - 300
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[:cut])
    articles, problems = split(read_sources([path]))
    assert [a.title for a in articles] == [ELECTRICITY.title, WHEAT.title]
    cut_problems = [p for p in problems if "truncated" in p.message]
    assert cut_problems and all(p.path == str(path) and p.kind == "record" for p in cut_problems)


def test_a_file_that_is_not_warc_is_reported(tmp_path):
    path = tmp_path / "fake.warc"
    path.write_bytes(b"this is not an archive\n" * 10)
    articles, problems = split(read_sources([path]))
    assert articles == [] and [p.kind for p in problems] == [SOURCE]


def test_warc_over_http(server, tmp_path):
    server.routes["/crawl.warc.gz"] = Route(warc(crawl("https://alwatan.example")), content_type="application/gzip")
    articles, problems = split(read_sources([server.url("/crawl.warc.gz")], fetcher=fast_fetcher()))
    assert sorted(a.title for a in articles) == sorted(s.title for s in STORIES)


# -- one article per url, across kinds ------------------------------------------


def test_the_same_article_by_feed_page_and_warc_is_one_article(server, tmp_path):
    base = "https://alwatan.example"
    site = tmp_path / "site"
    site.mkdir()
    (site / "feed.xml").write_bytes(rss(base, STORIES, full=True))
    (site / "wheat.html").write_bytes(page(WHEAT, canonical=base + WHEAT.path))
    (site / "crawl.warc.gz").write_bytes(warc(crawl(base)))
    (site / "agency.atom").write_bytes(atom("https://agency.example", [MUSEUM]))  # another site's url
    report, s, problems = build(tmp_path, [site])
    assert s.stats()["articles"] == 4
    # The agency's copy has a url of its own: two articles, one story (a wire copy, folded).
    assert len(s.search(MUSEUM.word, collapse=False).hits) == 2
    (museum,) = s.search(MUSEUM.word).hits
    assert len(museum.copies) == 1
    (wheat,) = s.search(WHEAT.word).hits
    assert wheat.date == WHEAT.published and wheat.title == WHEAT.title
    assert_no_boilerplate(s)


# -- news sitemaps --------------------------------------------------------------


def test_news_sitemap_over_http(server, tmp_path):
    server.serve_site()
    entries = "".join(f"""<url><loc>{server.url(s.path)}</loc><news:news><news:publication><news:name>الوطن</news:name>
<news:language>ar</news:language></news:publication><news:publication_date>{s.published.isoformat()}Z</news:publication_date>
<news:title>{s.title}</news:title></news:news></url>""" for s in STORIES)
    server.routes["/sitemap.xml"] = Route(f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{entries}<url><loc>{server.url('/about')}</loc></url></urlset>""".encode(), content_type="application/xml")
    report, s, problems = build(tmp_path, [server.url("/sitemap.xml")], fetcher=fast_fetcher())
    assert problems == [] and report.indexed == 3
    for story in STORIES:
        (hit,) = s.search(story.word).hits
        assert (hit.title, hit.date, hit.source) == (story.title, story.published, "الوطن")
    assert server.hits("/about") == []
    assert_no_boilerplate(s)


def test_a_plain_sitemap_is_not_crawled(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_bytes(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/a</loc>'
                     b"</url></urlset>")
    articles, (problem,) = split(read_sources([path]))
    assert articles == [] and problem.kind == SOURCE and "no news entries" in problem.message


def test_recognised_by_content_whatever_the_name(tmp_path):
    (tmp_path / "feed").write_bytes(rss("https://alwatan.example", [ELECTRICITY], full=True))
    (tmp_path / "page.php").write_bytes(page(WHEAT))
    (tmp_path / "archive.bin").write_bytes(warc(crawl("https://alwatan.example")[-1:]))
    (tmp_path / "notes.md").write_text("# not news", encoding="utf-8")
    (tmp_path / "settings.xml").write_bytes(b"<settings><a>1</a></settings>")
    articles, problems = split(read_sources([tmp_path]))
    assert sorted(a.title for a in articles) == sorted([ELECTRICITY.title, WHEAT.title, MUSEUM.title])
    assert problems == [p for p in problems if p.kind == NOTE]  # files of no known kind are left out
    articles, (problem,) = split(read_sources([tmp_path / "settings.xml"]))
    assert problem.kind == SOURCE and "neither an RSS/Atom feed nor a sitemap" in problem.message


def test_json_api_shows_feed_articles_with_dates_and_sources(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(rss("https://alwatan.example", STORIES, full=True))
    result = CliRunner().invoke(main, ["build", str(path), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["search", ELECTRICITY.word, "--json", "--index-dir", str(tmp_path / "ix")])
    (hit,) = json.loads(result.output)["hits"]
    assert hit["title"] == ELECTRICITY.title and hit["date"].startswith("2024-03-05T06:15")
    assert hit["source"] == f"{SITE} - آخر الأخبار"
    assert datetime.fromisoformat(hit["date"]) == ELECTRICITY.published
    assert AD_WORD not in result.output


def test_watch_explains_itself_and_refuses_what_is_not_a_url(tmp_path):
    result = CliRunner().invoke(main, ["watch", "--help"])
    assert result.exit_code == 0 and "--every" in result.output and "--index-dir" in result.output
    result = CliRunner().invoke(main, ["watch", str(tmp_path / "feed.xml"), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 2 and "not an http(s) url" in result.output
    result = CliRunner().invoke(main, ["watch", "http://127.0.0.1:9/f", "--every", "soon"])
    assert result.exit_code == 2 and "is not a duration" in result.output


def test_url_key_says_which_urls_are_one_article():
    same = [
        "https://www.alwatan.example/news/%D8%A7%D9%84%D9%82%D9%85%D8%AD/?utm_source=rss#top",
        "http://alwatan.example/news/القمح",
        "https://alwatan.example:443/news/القمح?fbclid=x",
    ]
    assert len({url_key(u) for u in same}) == 1
    assert url_key("https://alwatan.example/news?id=1&b=2") == url_key("https://alwatan.example/news?b=2&id=1")
    assert url_key("https://alwatan.example/news?id=1") != url_key("https://alwatan.example/news?id=2")
    assert url_key("https://alwatan.example/a") != url_key("https://other.example/a")
