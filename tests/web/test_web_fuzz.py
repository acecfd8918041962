"""No request makes the web app fail: fuzzed paths, parameters and methods on
every route of the real app over a real index get a 2xx, 3xx or 4xx, JSON
under /api and an Arabic HTML page elsewhere, never a 500 or a traceback.
Real failures (the index removed or corrupted under a running app) are a
logged 500 with a plain message.  Paths that climb out of a directory are a
404, through Flask's test client and through waitress."""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.query import MAX_QUERY_LENGTH

ROOT = Path(__file__).resolve().parents[2]
ZEL = "زيلينسكي"

# Route, and the statuses it may answer a GET with whatever parameters.
ROUTES = {
    "/": {200, 400},
    "/search": {200, 400},
    "/article/zel-00": {200},
    "/article/no-such-article": {404},
    "/opensearch.xml": {200},
    "/static/style.css": {200},
    "/api/search": {200, 400},
    "/api/articles/zel-00": {200, 400},
    "/api/articles/no-such-article": {404, 400},
    "/api/suggest": {200, 400},
    "/api/openapi.json": {200},
}
PARAMS = ["q", "page", "per_page", "sort", "source", "category", "from", "to", "mode", "limit"]
SYNTAX = ['"', "OR", "-", "*", "?", "كتا*", "id:zel-00", "title:", "(", ")", "[", "]", "*:*", "\\", "~2", "^3",
          "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "%", "\x00", "\u200f", "ﷺ" * 30]
WORDS = [ZEL, "الرئيس", "الأوكراني", "مدينة", "خاركيف", "الحكومة", "الأسواق", "زيلينكسي", "والحكومة"]


NUMBERS = ["0", "-1", "1", "2", "100", "101", "1000", "1001", "99999999999", "1e3", "0x10", " 7", "٣", "１", "+5",
           "NaN", "", " "]
DATES = ["2022-09-01", "2022-09-12", "0001-01-01", "9999-12-31", "2022-02-29", "2022-13-01", "2022-9-1",
         "٢٠٢٢-٠٩-٠١", "2022-09-01T00:00", "20220901", ""]


def values(name: str = "") -> st.SearchStrategy[str]:
    """Values for a parameter: plausible, borderline and hostile, most of
    them aimed at that parameter."""
    query = st.lists(st.sampled_from(WORDS + SYNTAX), max_size=40).map(" ".join)
    anything = st.one_of(
        st.text(max_size=40),
        st.text(min_size=MAX_QUERY_LENGTH - 5, max_size=MAX_QUERY_LENGTH + 5),
        st.sampled_from(NUMBERS + DATES + ["relevance", "date", "DATE", "الجزيرة", "دولي"]),
    )
    aimed = {
        "q": query,
        "page": st.sampled_from(NUMBERS),
        "per_page": st.sampled_from(NUMBERS),
        "sort": st.sampled_from(["relevance", "date", "DATE", "", "random"]),
        "source": st.sampled_from(["الجزيرة", "العربية", "بي بي سي", "<b>", ""]),
        "category": st.sampled_from(["سياسة", "دولي", "x" * 201, ""]),
        "from": st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat())),
        "to": st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat())),
    }.get(name)
    return anything if aimed is None else st.one_of(aimed, aimed, aimed, anything)


def encoded_pairs() -> st.SearchStrategy[str]:
    """A query string: repeated and unknown names, and raw bytes that are not UTF-8."""
    name = st.one_of(st.sampled_from(PARAMS), st.sampled_from(PARAMS), st.text(max_size=8))
    pair = name.flatmap(lambda n: st.tuples(st.just(n), values(n)))
    # Half the time a query that finds articles, so that filters and paging do work.
    start = st.sampled_from([[], [("q", ZEL)]])
    text = st.builds(lambda a, b: a + b, start, st.lists(pair, max_size=6)).map(
        lambda pairs: urlencode(pairs, encoding="utf-8", errors="replace")
    )
    raw = st.tuples(st.sampled_from(PARAMS), st.binary(max_size=30)).map(
        lambda p: f"{p[0]}=" + "".join(f"%{b:02X}" for b in p[1])
    )
    return st.one_of(text, text, text, raw, st.sampled_from(["q=%", "q=%G1", "q=%ED%A0%80", "&&=&", "q&q&q", "q=a;b"]))


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def check(response, path: str, head: bool = False) -> None:
    """A clean answer: no server error, no traceback, errors in the right format."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (path, response.status_code, body[:300])
    assert "Traceback" not in body and 'File "' not in body
    if response.status_code < 400:
        return
    if is_api(path):
        assert response.mimetype == "application/json", (path, response.mimetype)
        if head:  # the headers of the GET, without its body
            return
        error = response.get_json()["error"]
        assert set(error) == {"code", "message"} and error["code"] and error["message"]
    else:
        assert response.mimetype == "text/html", (path, response.mimetype)
        assert head or 'dir="rtl"' in body


# -- parameters ------------------------------------------------------------------


def test_any_parameters_on_any_route(app) -> None:
    client = app.test_client()

    @given(route=st.sampled_from(sorted(ROUTES)), query=encoded_pairs())
    def run(route: str, query: str) -> None:
        response = client.get(f"{route}?{query}")
        check(response, route)
        assert response.status_code in ROUTES[route], (route, query, response.status_code)
        if response.status_code == 400 and is_api(route):
            assert response.get_json()["error"]["code"] in ("bad_parameter", "bad_query")
        if response.status_code == 400 and not is_api(route):
            assert "خطأ في طلب البحث" in response.get_data(as_text=True)

    run()


BORDERLINE = NUMBERS + DATES + ["relevance", "date", "الجزيرة", "x" * 201, "ا" * 501, "\x00", "<script>", "%"]


@pytest.mark.parametrize("route", ["/search", "/api/search", "/api/suggest", "/article/zel-00", "/api/articles/zel-00"])
def test_every_borderline_value_of_every_parameter(client, route: str) -> None:
    """Each parameter alone at each borderline value, beside a query that
    finds articles (random combinations rarely hit one exact value)."""
    for name in PARAMS:
        for value in BORDERLINE:
            response = client.get(route, query_string={"q": ZEL, name: value} if name != "q" else {"q": value})
            check(response, route)
            assert response.status_code in ROUTES.get(route, {200, 400}) | {400}, (route, name, value)


def test_any_query_on_the_api_and_the_page(app) -> None:
    """The query language through both front ends: 200, or 400 with the error."""
    client = app.test_client()

    @given(q=st.one_of(st.lists(st.sampled_from(WORDS + SYNTAX), max_size=45).map(" ".join), st.text(max_size=600)))
    def run(q: str) -> None:
        api = client.get("/api/search", query_string={"q": q})
        check(api, "/api/search")
        assert api.status_code in (200, 400)
        if api.status_code == 400:
            assert api.get_json()["error"]["code"] in ("bad_parameter", "bad_query")
        else:
            assert api.get_json()["query"] == q.strip()
        page = client.get("/search", query_string={"q": q})
        check(page, "/search")
        assert page.status_code == api.status_code

    run()


def test_caps_are_400_with_the_reason(client) -> None:
    words = " ".join(f"كلمة{n}" for n in range(33))
    api = client.get("/api/search", query_string={"q": words})
    assert api.status_code == 400
    assert api.get_json()["error"] == {"code": "bad_query", "message": "query has too many words (33; the limit is 32)"}
    page = client.get("/search", query_string={"q": words}).get_data(as_text=True)
    assert "فيه كلمات أكثر من اللازم (33 كلمة، والحد 32)" in page
    assert client.get("/api/search", query_string={"q": " ".join(words.split()[:32])}).status_code == 200
    # The last day there is, as an upper bound, is no bound (it used to overflow into a 500).
    every = client.get("/api/search", query_string={"q": ZEL, "to": "9999-12-31", "from": "0001-01-01"})
    assert every.status_code == 200 and every.get_json()["total"] == 12  # all but the undated seed


# -- paths and methods -----------------------------------------------------------------

PREFIXES = ["/", "/search", "/search/", "/article/", "/article", "/api", "/api/", "/api/search/", "/api/articles/",
            "/api/suggest/", "/static/", "/static", "/opensearch.xml/", "/api/openapi.json/", "//", "/.."]
SEGMENTS = ["..", ".", "%2e%2e", "%2E%2E%2F", "..%2f", "%2f", "%00", "%ff", "%", "etc", "passwd", "zel-00",
            "style.css", "..\\..\\", "~", ";", "%3Cscript%3E", quote(ZEL), quote("<img src=x>"), "a" * 300, "?", "#"]


def _get_path(client, path: str):
    """GET ``path`` as a server hands it to the app.  The test client reads
    a path that starts with // as a host (//../x: host "..", which Werkzeug
    3.1.9 refuses to encode), so such a path goes in as the WSGI PATH_INFO
    and QUERY_STRING that a server would give for it."""
    if not path.startswith("//"):
        return client.get(path)
    path, _, query = path.partition("#")[0].partition("?")
    decoded = unquote(path, errors="surrogateescape").encode("utf-8", "surrogateescape").decode("latin-1")
    return client.get("/", environ_overrides={"PATH_INFO": decoded, "QUERY_STRING": query,
                                              "REQUEST_URI": path, "RAW_URI": path})


def test_any_path(app) -> None:
    client = app.test_client()

    @given(prefix=st.sampled_from(PREFIXES),
           segments=st.lists(st.one_of(st.sampled_from(SEGMENTS), st.text(max_size=10).map(quote)), max_size=6))
    def run(prefix: str, segments: list[str]) -> None:
        path = prefix + "/".join(segments)
        response = _get_path(client, path)
        check(response, path)
        assert "root:" not in response.get_data(as_text=True)

    run()


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_other_methods(client, route: str, method: str) -> None:
    response = client.open(route, method=method, data=b"q=x")
    check(response, route, head=method == "HEAD")
    expected = {"HEAD": set(ROUTES[route]), "OPTIONS": {200}}.get(method, {405})
    assert response.status_code in expected, (method, route, response.status_code)


TRAVERSALS = [
    "/article/../../etc/passwd",
    "/article/..%2f..%2fetc%2fpasswd",
    "/article/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/article/%2e%2e/%2e%2e/etc/passwd",
    "/article/....//....//etc/passwd",
    "/article/..%5c..%5cetc%5cpasswd",
    "/api/articles/../../etc/passwd",
    "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static/../__init__.py",
    "/static/%2e%2e/__init__.py",
    "/static/..%2fapi.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_out_of_a_directory_are_404(client, path: str) -> None:
    # Werkzeug redirects // to / (308) before anything is looked up.
    response = client.get(path, follow_redirects=True)
    check(response, path)
    assert response.status_code == 404
    assert all(r.headers["Location"].startswith("http://localhost/static/") for r in response.history)
    body = response.get_data(as_text=True)
    assert "root:" not in body and "import " not in body


# -- real failures: a logged 500 without a traceback ---------------------------------------------


def _app_over_a_copy(web_index: Path, tmp_path: Path):
    from web import create_app

    copy = tmp_path / "index"
    shutil.copytree(web_index, copy, symlinks=True)
    return create_app({"INDEX_DIR": str(copy)}), copy


def _assert_clean_500(response, path: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 500, (path, response.status_code)
    assert "Traceback" not in body and 'File "' not in body and "Error:" not in body
    if is_api(path):
        assert response.get_json() == {
            "error": {"code": "internal_error", "message": "The server could not complete the request."}
        }
    else:
        assert response.mimetype == "text/html" and "حدث خطأ في الخادم" in body and 'dir="rtl"' in body


SEARCHING = ["/api/search?q=" + quote(ZEL), "/api/articles/zel-00", "/api/suggest?q=" + quote("زيل"),
             "/search?q=" + quote(ZEL), "/article/zel-00"]


def test_index_removed_under_the_app_is_a_logged_plain_500(web_index: Path, tmp_path: Path, caplog) -> None:
    app, copy = _app_over_a_copy(web_index, tmp_path)
    client = app.test_client()
    assert client.get(SEARCHING[0]).status_code == 200
    shutil.rmtree(copy)
    caplog.set_level(logging.ERROR)
    for path in SEARCHING:
        caplog.clear()
        _assert_clean_500(client.get(path), path.split("?")[0])
        logged = [r for r in caplog.records if r.getMessage().startswith("unexpected error on GET")]
        assert logged and logged[0].exc_info, path  # the traceback goes to the log
    # Pages that need no index still work.
    assert client.get("/").status_code == 200 and client.get("/opensearch.xml").status_code == 200


def test_index_corrupted_under_the_app_is_a_logged_plain_500(web_index: Path, tmp_path: Path, caplog) -> None:
    app, copy = _app_over_a_copy(web_index, tmp_path)
    assert app.test_client().get(SEARCHING[0]).status_code == 200
    # Every file replaced by garbage (new files: the open ones stay intact
    # for the searcher that has them open).
    for path in copy.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            path.unlink()
            path.write_bytes(os.urandom(max(size, 64)))
    caplog.set_level(logging.ERROR)
    answers: dict[str, object] = {}

    def request(path: str) -> None:
        # A new thread opens its own Whoosh searcher, as a waitress worker would.
        answers[path] = app.test_client().get(path)

    for path in SEARCHING:
        worker = threading.Thread(target=request, args=(path,))
        worker.start()
        worker.join()
        _assert_clean_500(answers[path], path.split("?")[0])
    assert any(r.exc_info for r in caplog.records if r.getMessage().startswith("unexpected error on GET"))


# -- through a real server ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_index: Path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--index-dir", str(web_index)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


def _raw_get(port: int, path: str) -> tuple[int, str, str]:
    """A request sent exactly as written: http.client does not tidy ``..`` away."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("path", TRAVERSALS + ["/%ff%fe", "/search?q=%ED%A0%80", "/api/search?to=9999-12-31&q=x",
                                               "/article/" + "%00" * 10, "/api/" + "a" * 4000])
def test_real_server_answers_odd_paths_cleanly(server: int, path: str) -> None:
    status, content_type, body = _raw_get(server, path)
    assert status < 500 and "Traceback" not in body and "root:" not in body
    if path in TRAVERSALS:
        assert status in (404, 308)  # 308: // merged, then 404
    if is_api(path.split("?")[0]) and status >= 400:
        assert content_type.startswith("application/json")


def test_error_page_that_cannot_render_is_plain_text(web_index: Path, tmp_path: Path) -> None:
    """The web package installed without its templates (package data
    forgotten): every page fails, and the error page too; still no traceback."""
    shutil.copytree(ROOT / "web", tmp_path / "web", ignore=shutil.ignore_patterns("templates", "__pycache__"))
    script = (
        "import json, sys\n"
        "from web import create_app\n"
        "assert create_app.__code__.co_filename.startswith(sys.argv[2])\n"
        "client = create_app({'INDEX_DIR': sys.argv[1]}).test_client()\n"
        "for path in ('/nothing', '/search?q=x', '/api/nothing', '/api/search?q=x'):\n"
        "    r = client.get(path)\n"
        "    print(json.dumps([path, r.status_code, r.mimetype, r.get_data(as_text=True)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(web_index), str(tmp_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    answers = {path: (status, mimetype, body) for path, status, mimetype, body in lines}
    assert answers["/nothing"] == (404, "text/plain", "لم نجد هذه الصفحة.")
    assert answers["/search?q=x"] == (500, "text/plain", "حدث خطأ في الخادم. حاول مرة أخرى بعد قليل.")
    assert answers["/api/nothing"][:2] == (404, "application/json")
    assert answers["/api/search?q=x"][:2] == (200, "application/json")
    assert "TemplateNotFound" in done.stderr and "failed to render" in done.stderr  # logged, not shown
