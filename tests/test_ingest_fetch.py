"""The HTTP client's manners, against a loopback server: its User-Agent, the
pace per host, robots.txt (rules, Crawl-delay, a failing robots.txt),
redirects, conditional GET, and the size cap."""

from __future__ import annotations

import gzip
import re

import pytest

from ingest.newsroom import NewsServer, Route
from search.ingest.fetch import INTERVAL, USER_AGENT, Disallowed, Fetcher, FetchError


@pytest.fixture()
def server():
    s = NewsServer()
    yield s
    s.close()


def test_user_agent_names_akhbar_its_version_and_a_contact():
    assert re.fullmatch(r"Akhbar/[\w.+-]+ \(\+\S+\)", USER_AGENT), USER_AGENT


def test_requests_to_one_host_are_paced(server):
    server.routes["/a"] = Route(b"a", content_type="text/plain")
    fetcher = Fetcher()
    for _ in range(4):
        fetcher.get(server.url("/a")).close()
    times = [r.at for r in server.hits("/a")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3 and min(gaps) >= INTERVAL * 0.9, gaps
    assert {r.headers["user-agent"] for r in server.requests} == {USER_AGENT}


def test_robots_txt_rules_and_crawl_delay_are_obeyed_for_pages(server):
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n",
                                         content_type="text/plain")
    server.routes["/news/1"] = Route(b"<html>1</html>")
    server.routes["/news/2"] = Route(b"<html>2</html>")
    server.routes["/private/x"] = Route(b"<html>secret</html>")
    server.routes["/moved"] = Route(b"", 301, headers={"Location": "/private/x"})
    fetcher = Fetcher(interval=0.01)
    with pytest.raises(Disallowed, match="disallowed by"):
        fetcher.get(server.url("/private/x"), robots=True)
    with pytest.raises(Disallowed):  # a redirect into a disallowed path is not followed
        fetcher.get(server.url("/moved"), robots=True)
    fetcher.get(server.url("/news/1"), robots=True).close()
    fetcher.get(server.url("/news/2"), robots=True).close()
    assert server.hits("/private/x") == []
    assert len(server.hits("/robots.txt")) == 1  # read once
    first, second = (server.hits(f"/news/{n}")[0].at for n in (1, 2))
    assert second - first >= 0.95  # Crawl-delay: 1
    # Without robots=True (a feed someone subscribed to) robots.txt is not asked.
    assert fetcher.get(server.url("/private/x")).body == b"<html>secret</html>"


def test_a_failing_robots_txt_disallows_the_site_and_a_missing_one_allows_it(server):
    server.routes["/robots.txt"] = Route(b"busy", 503, "text/plain")
    server.routes["/page"] = Route(b"<html>p</html>")
    fetcher = Fetcher(interval=0.01)
    with pytest.raises(Disallowed, match=r"answered HTTP 503.*RFC 9309"):
        fetcher.get(server.url("/page"), robots=True)
    del server.routes["/robots.txt"]  # now a 404: no rules
    assert Fetcher(interval=0.01).get(server.url("/page"), robots=True).body == b"<html>p</html>"


def test_redirects_are_followed_and_the_final_url_given(server):
    server.routes["/old"] = Route(b"moved", 301, headers={"Location": "/new"})
    server.routes["/new"] = Route(b"<html>new</html>")
    server.routes["/loop"] = Route(b"", 302, headers={"Location": "/loop"})
    fetcher = Fetcher(interval=0.01)
    response = fetcher.get(server.url("/old"))
    assert (response.url, response.body) == (server.url("/new"), b"<html>new</html>")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get(server.url("/loop"))
    # The connection still works after unread redirect bodies.
    assert fetcher.get(server.url("/new")).body == b"<html>new</html>"


def test_conditional_get(server):
    server.routes["/feed"] = Route(b"<rss/>", content_type="application/rss+xml", etag='"abc"',
                                   last_modified="Tue, 01 Oct 2024 08:00:00 GMT")
    fetcher = Fetcher(interval=0.01)
    first = fetcher.get(server.url("/feed"))
    assert first.status == 200 and first.etag == '"abc"'
    again = fetcher.get(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    assert server.hits("/feed")[-1].headers["if-modified-since"] == "Tue, 01 Oct 2024 08:00:00 GMT"


def test_responses_over_the_size_cap_are_refused_even_when_compressed(server):
    server.routes["/big"] = Route(b"x" * 3_000_000, content_type="text/plain")
    bomb = gzip.compress(b"\0" * 5_000_000)
    server.routes["/bomb"] = Route(bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    server.routes["/small"] = Route(b"ok", content_type="text/plain")
    fetcher = Fetcher(interval=0.01, max_bytes=1_000_000)
    with pytest.raises(FetchError, match="over the limit of 1,000,000"):
        fetcher.get(server.url("/big"))
    with pytest.raises(FetchError, match="larger than the limit of 1,000,000"):
        fetcher.get(server.url("/bomb"))
    assert len(bomb) < 1_000_000
    assert fetcher.get(server.url("/small")).body == b"ok"


def test_only_http_urls(server):
    with pytest.raises(FetchError, match="not an http"):
        Fetcher().get("file:///etc/passwd")
