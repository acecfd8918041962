"""The real app over a real index, through Flask's test client: pages,
API parameters and errors, escaping and security headers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from search import index as idx
from search.ingest import read_sources
from search.searcher import Searcher
from search.serialize import results_to_dict

ZEL = "زيلينسكي"


# -- JSON API --------------------------------------------------------------------


def test_api_search_is_exactly_the_shared_serializer(client, web_index: Path) -> None:
    body = client.get("/api/search", query_string={"q": ZEL, "per_page": 5}).get_json()
    expected = results_to_dict(Searcher(web_index).search(ZEL, per_page=5))
    took = body.pop("took_ms"), expected.pop("took_ms")
    assert all(isinstance(t, (int, float)) for t in took)
    assert body == expected
    assert list(body) == ["query", "total", "stories", "page", "per_page", "hits", "facets", "timeline", "interval",
                          "undated", "suggestion", "spellings", "partial", "missing_shards"]
    assert body["partial"] is False and body["missing_shards"] == []  # one index: never partial
    assert body["total"] == 13  # twelve written articles and the seed
    assert set(body["hits"][0]) == {"id", "title", "url", "date", "source", "category", "score", "snippet", "cluster",
                                    "copies"}
    assert "<mark>" in body["hits"][0]["snippet"]


def test_api_paging_sort_and_filters(client) -> None:
    def get(**params):
        response = client.get("/api/search", query_string={"q": ZEL, **params})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    first, second = get(per_page=10), get(per_page=10, page=2)
    assert len(first["hits"]) == 10 and len(second["hits"]) == 3
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert get(page=5)["hits"] == []

    newest = [h["date"] for h in get(sort="date", per_page=13)["hits"]]
    assert newest[-1] is None  # the seed has no date: last
    assert newest[:-1] == sorted(newest[:-1], reverse=True) and newest[0] == "2022-09-12"

    by_source = get(source="العربية")
    assert by_source["total"] == 4 and {h["source"] for h in by_source["hits"]} == {"العربية"}
    by_category = get(category="دولي")
    assert by_category["total"] == 6 and {h["category"] for h in by_category["hits"]} == {"دولي"}
    assert get()["facets"]["source"] == {"الجزيرة": 4, "العربية": 4, "بي بي سي": 4}

    dated = get(**{"from": "2022-09-03", "to": "2022-09-05"})
    assert sorted(h["date"] for h in dated["hits"]) == ["2022-09-03", "2022-09-04", "2022-09-05"]


def test_api_empty_query_is_an_empty_result(client) -> None:
    body = client.get("/api/search").get_json()
    assert body["total"] == 0 and body["hits"] == [] and body["suggestion"] is None


def test_api_suggestion_for_a_misspelling(client) -> None:
    body = client.get("/api/search", query_string={"q": "زيلينسكى"}).get_json()
    assert body["total"] >= 1  # ى/ي fold: not even a misspelling
    body = client.get("/api/search", query_string={"q": "زيلينكسي"}).get_json()
    assert body["total"] == 0 and body["suggestion"] == ZEL


def test_api_and_page_suggest_two_words_typed_as_one(client) -> None:
    body = client.get("/api/search", query_string={"q": "القواتالأوكرانية"}).get_json()
    assert body["total"] == 0 and body["suggestion"] == "القوات الأوكرانية"
    assert client.get("/api/search", query_string={"q": body["suggestion"]}).get_json()["total"] >= 1
    status, text = html(client, "/search", q="القواتالأوكرانية")
    assert status == 200 and "هل تقصد:" in text and ">القوات الأوكرانية</a>" in text


BAD = [
    ({"page": "0"}, "page"),
    ({"page": "-1"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "1.5"}, "page"),
    ({"per_page": "0"}, "per_page"),
    ({"per_page": "101"}, "per_page"),
    ({"per_page": "ten"}, "per_page"),
    ({"sort": "oldest"}, "sort"),
    ({"from": "2022-13-01"}, "from"),
    ({"from": "14/09/2022"}, "from"),
    ({"to": "2022-02-30"}, "to"),
    ({"from": "2022-09-10", "to": "2022-09-01"}, "from"),
    ({"q": "ا" * 501}, "q"),
]


@pytest.mark.parametrize("params, name", BAD, ids=[f"{n}={list(p.values())[0][:12]}" for p, n in BAD])
def test_api_bad_parameters_are_400_json(client, params: dict, name: str) -> None:
    response = client.get("/api/search", query_string={"q": ZEL, **params})
    assert response.status_code == 400
    assert response.content_type == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter"
    assert name in error["message"] and len(error["message"]) > 20


def test_api_limits_are_inclusive(client) -> None:
    assert client.get("/api/search", query_string={"q": ZEL, "per_page": 100}).status_code == 200
    assert client.get("/api/search", query_string={"q": "ا" * 500}).status_code == 200
    same_day = {"q": ZEL, "from": "2022-09-01", "to": "2022-09-01"}
    assert client.get("/api/search", query_string=same_day).get_json()["total"] == 1


def test_api_article_and_unknown_article(client) -> None:
    body = client.get("/api/articles/zel-00").get_json()
    assert body["id"] == "zel-00" and body["title"] == "زيلينسكي يزور مدينة إيزيوم"
    assert body["related"] and all(h["id"] != "zel-00" for h in body["related"])
    missing = client.get("/api/articles/no-such-article")
    assert missing.status_code == 404 and missing.content_type == "application/json"
    assert missing.get_json()["error"]["code"] == "not_found"


def test_api_suggest(client) -> None:
    assert client.get("/api/suggest", query_string={"q": "زيل"}).get_json() == {
        "query": "زيل",
        "suggestions": [ZEL],
    }
    assert client.get("/api/suggest", query_string={"q": "الرئيس زيل"}).get_json()["suggestions"] == [
        "الرئيس " + ZEL
    ]
    assert client.get("/api/suggest").get_json()["suggestions"] == []
    assert client.get("/api/suggest", query_string={"q": "ا" * 501}).status_code == 400


@pytest.mark.parametrize(
    "method, path, status",
    [("GET", "/api/nothing-here", 404), ("POST", "/api/search", 405), ("DELETE", "/api/articles/zel-00", 405)],
)
def test_api_errors_are_json_not_html(client, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.content_type == "application/json"
    assert set(response.get_json()["error"]) == {"code", "message"}


def test_api_unexpected_failure_is_a_json_500(web_index: Path, tmp_path: Path) -> None:
    from web import create_app

    copy = tmp_path / "index"
    shutil.copytree(web_index, copy, symlinks=True)
    app = create_app({"INDEX_DIR": str(copy)})
    # The index vanishing under a running server is the realistic failure.
    shutil.rmtree(copy)
    response = app.test_client().get("/api/search", query_string={"q": ZEL})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    page = app.test_client().get("/search", query_string={"q": ZEL})
    assert page.status_code == 500 and "حدث خطأ" in page.get_data(as_text=True)


def test_openapi_document_matches_the_code(client) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert set(params) == {"q", "page", "per_page", "sort", "source", "category", "from", "to", "collapse", "interval"}
    assert params["per_page"]["maximum"] == 100 and params["q"]["maxLength"] == 500
    assert params["sort"]["enum"] == ["relevance", "date"]
    assert params["collapse"]["enum"] == [0, 1] and params["interval"]["enum"] == ["day", "month", "year"]
    assert {"/api/search.csv", "/search.atom"} <= set(doc["paths"])
    results = doc["components"]["schemas"]["SearchResults"]["properties"]
    assert {"stories", "timeline", "interval", "undated", "partial", "missing_shards"} <= set(results)
    assert "503" in doc["paths"]["/api/articles/{id}"]["get"]["responses"]


# -- pages -----------------------------------------------------------------------


def html(client, url: str, **params) -> tuple[int, str]:
    response = client.get(url, query_string=params)
    return response.status_code, response.get_data(as_text=True)


def test_home_page_is_arabic_rtl(client) -> None:
    status, text = html(client, "/")
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in text
    assert "ابحث في الأخبار العربية" in text
    assert html(client, "/search")[1] == text


def test_results_page(client) -> None:
    status, text = html(client, "/search", q=ZEL)
    assert status == 200
    assert f'value="{ZEL}"' in text  # the query stays in the box
    assert "عدد النتائج: <strong>13</strong>" in text and "ملي ثانية" in text
    assert text.count('<li class="hit">') == 10
    assert f"<mark>{ZEL}</mark>" in text
    assert "سبتمبر 2022" in text and "بي بي سي" in text and "دولي" in text
    assert re.search(r'href="/article/zel-\d\d\?q=', text)
    assert 'rel="next"' in text and 'rel="prev"' not in text


def test_results_page_links_keep_state_in_the_url(client) -> None:
    _, text = html(client, "/search", q=ZEL, sort="date", source="الجزيرة")
    links = [urlparse(h.replace("&amp;", "&")) for h in re.findall(r'href="(/search\?[^"]*)"', text)]
    pages = [parse_qs(u.query) for u in links if "page" in parse_qs(u.query)]
    assert not pages  # one page of four results: no paging links
    sort_link = next(parse_qs(u.query) for u in links if parse_qs(u.query).get("sort") is None
                     and parse_qs(u.query).get("source") == ["الجزيرة"])
    assert sort_link["q"] == [ZEL]
    _, text = html(client, "/search", q=ZEL, page=2)
    assert text.count('<li class="hit">') == 3
    assert 'rel="prev"' in text and '<strong aria-current="page">2</strong>' in text


def test_filters_on_the_page(client) -> None:
    _, text = html(client, "/search", q=ZEL, category="سياسة", **{"from": "2022-09-01", "to": "2022-09-06"})
    assert text.count('<li class="hit">') == 3
    assert 'value="2022-09-01"' in text and 'value="2022-09-06"' in text
    assert "إزالة عوامل التصفية" in text


def test_no_results_and_suggestion(client) -> None:
    status, text = html(client, "/search", q="زيلينكسي")
    assert status == 200
    assert "لم نجد أخبارا تطابق" in text
    assert "هل تقصد:" in text and f">{ZEL}</a>" in text


def test_bad_parameters_give_an_arabic_error_page(client) -> None:
    for params in ({"page": "abc"}, {"per_page": "500"}, {"from": "2022-09-10", "to": "2022-01-01"},
                   {"sort": "x"}, {"q": "ب" * 501}):
        status, text = html(client, "/search", **{"q": ZEL, **params})
        assert status == 400, params
        assert 'class="notice error"' in text and "خطأ في طلب البحث" in text


def test_unknown_page_and_article_are_arabic_404(client) -> None:
    for url in ("/nothing", "/article/no-such-article"):
        status, text = html(client, url)
        assert status == 404 and "لم نجد هذه الصفحة" in text and 'dir="rtl"' in text


def test_article_page_highlights_and_relates(client) -> None:
    status, text = html(client, "/article/zel-03", q=ZEL)
    assert status == 200
    assert f"<mark>{ZEL}</mark>" in text
    assert "أخبار ذات صلة" in text and 'href="/article/zel-' in text
    assert "4 سبتمبر 2022" in text
    _, plain = html(client, "/article/zel-03")
    assert "<mark>" not in plain


def test_article_text_is_escaped(client) -> None:
    _, text = html(client, "/article/xss-1")
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>عاجل" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;b&gt;عاجل&lt;/b&gt;" in text
    _, results = html(client, "/search", q="الأسواق")
    assert "<script>alert" not in results and "<img src=x" not in results
    assert "&lt;script&gt;" in results
    # JSON keeps the text as written; the page is what escapes it.
    body = client.get("/api/articles/xss-1").get_json()["body"]
    assert "<script>alert(1)</script>" in body


def test_script_tags_are_only_our_own(client) -> None:
    for url in ("/", f"/search?q={ZEL}", "/article/xss-1"):
        text = client.get(url).get_data(as_text=True)
        assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/suggest.js" defer>']
        assert "style=" not in text and "<style" not in text


@pytest.mark.parametrize("url", ["/", f"/search?q={ZEL}", "/article/xss-1", "/api/search?q=x", "/api/nope",
                                 "/static/style.css", "/opensearch.xml"])
def test_security_headers(client, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_and_opensearch(client) -> None:
    assert client.get("/static/style.css").status_code == 200
    js = client.get("/static/suggest.js")
    assert js.status_code == 200 and js.mimetype in ("text/javascript", "application/javascript")
    assert 'data-suggest="/api/suggest"' in client.get("/").get_data(as_text=True)
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    text = response.get_data(as_text=True)
    assert "http://localhost/search?q={searchTerms}" in text and "<ShortName>أخبار</ShortName>" in text


def test_searcher_is_opened_once_and_sees_a_rebuild(tmp_path: Path) -> None:
    from web import create_app

    corpus = tmp_path / "a.jsonl"
    corpus.write_text('{"id": "a", "title": "خبر أول", "body": "القمر يضيء الليل"}\n', encoding="utf-8")
    target = tmp_path / "index"
    idx.build(target, read_sources([corpus]))
    app = create_app({"INDEX_DIR": str(target)})
    searcher = app.extensions["akhbar_searcher"]
    client = app.test_client()
    assert client.get("/api/search?q=الشمس").get_json()["total"] == 0
    corpus.write_text('{"id": "b", "title": "خبر ثان", "body": "الشمس تشرق صباحا"}\n', encoding="utf-8")
    idx.build(target, read_sources([corpus]))
    assert client.get("/api/search?q=الشمس").get_json()["total"] == 1
    assert app.extensions["akhbar_searcher"] is searcher
