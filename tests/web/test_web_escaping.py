"""HTML in queries and in articles stays text on every page.

A real index of articles whose title, source, category, url, id and body
carry markup and script; pages are parsed (html.parser) and checked for
what a browser would run or follow: only the templates' own elements, no
event-handler attributes, no ``javascript:``/``data:`` links, and nothing but
``<mark>`` inside titles, snippets and article text."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import index as idx
from search.ingest import read_sources

ZEL = "زيلينسكي"
NO_TITLE_ID = "<img src=x onerror=alert(13)>"

HOSTILE = [
    {
        "id": "evil-1",
        "title": f'{ZEL} <script>alert("title")</script> يزور <b>المدينة</b>',
        "body": f'قال {ZEL} <script>alert(1)</script> و <img src=x onerror=alert(2)> و '
        '<a href="javascript:alert(3)">رابط</a> و " \' & < > في المدينة.',
        "date": "2022-09-01",
        "source": "<img src=x onerror=alert(4)>",
        "category": '"><svg onload=alert(5)>',
        "url": "javascript:alert(6)",
    },
    {
        "id": "evil-2",
        "title": f"تقرير عن {ZEL}",
        "body": f"زار {ZEL} المدينة </textarea><iframe src=//evil.example></iframe> أمس.",
        "date": "2022-09-02",
        "source": 'الجزيرة" onmouseover="alert(8)',
        "category": "</option><script>alert(9)</script>",
        "url": "JaVaScRiPt:alert(7)",
    },
    {"id": "evil-3", "title": f"{ZEL} في كييف", "body": f"{ZEL} في كييف اليوم.", "url": " javascript:alert(10)"},
    {
        "id": "evil-4",
        "title": f"{ZEL} في لفيف",
        "body": f"{ZEL} في لفيف اليوم.",
        "url": 'https://example.org/a" onmouseover="alert(11)',
    },
    {"id": "evil-5", "title": f"{ZEL} في أوديسا", "body": f"{ZEL} في أوديسا.",
     "url": "data:text/html,<script>alert(12)</script>"},
    {"id": NO_TITLE_ID, "title": "", "body": f"{ZEL} بلا عنوان <script>alert(14)</script> والمدينة."},
    {"id": "plain-1", "title": f"{ZEL} يلتقي الجنود", "body": f"التقى {ZEL} الجنود في المدينة.",
     "url": "https://example.org/plain-1"},
]
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")

# Every element the templates write; anything else came from data.
TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "header", "a", "form", "label", "input", "datalist",
    "button", "main", "footer", "section", "h1", "h2", "p", "div", "aside", "select", "option", "fieldset", "legend",
    "nav", "ul", "li", "span", "strong", "ol", "mark", "time", "article",
    # the timeline chart (web/chart.py) and the folded copies of a hit
    "figure", "figcaption", "svg", "rect", "details", "summary",
}


class Page(HTMLParser):
    """Elements with their attributes, and the tags found inside the places
    where article text is shown (titles, snippets, article body)."""

    TEXT_PLACES = {("p", "snippet"), ("h1", None), ("h2", None)}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inside_text: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def _in_text_place(self) -> bool:
        return any(flag for _, flag in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        # The paragraphs of an article's body are written by the template.
        paragraph = tag == "p" and bool(self._stack) and self._stack[-1][0] == "div.body"
        if self._in_text_place() and not paragraph:
            self.inside_text.append(tag)
        place = paragraph or (tag, attributes.get("class")) in self.TEXT_PLACES or (tag, None) in self.TEXT_PLACES
        name = "div.body" if (tag, attributes.get("class")) == ("div", "body") else tag
        if tag not in ("meta", "link", "input", "br", "img"):
            self._stack.append((name, place))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0].split(".")[0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        self.text += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def assert_safe(html: str) -> Page:
    page = Page(html)
    tags = {tag for tag, _ in page.elements}
    assert tags <= TEMPLATE_TAGS, tags - TEMPLATE_TAGS
    assert [a.get("src") for t, a in page.elements if t == "script"] == ["/static/suggest.js"]
    for tag, attributes in page.elements:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        for name in ("href", "src", "action", "formaction"):
            value = (attributes.get(name) or "").strip().lower()
            assert not value.startswith(UNSAFE_SCHEMES), (tag, attributes)
    # Inside titles, snippets and article text only <mark> (and the link of a hit title).
    assert set(page.inside_text) <= {"mark", "a"}, page.inside_text
    return page


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory):
    from web import create_app

    base = tmp_path_factory.mktemp("hostile")
    corpus = base / "hostile.jsonl"
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in HOSTILE) + "\n", encoding="utf-8")
    target = base / "index"
    report = idx.build(target, read_sources([corpus]))
    assert report.indexed == len(HOSTILE)
    app = create_app({"INDEX_DIR": str(target), "TESTING": True})
    yield app.test_client()
    app.extensions["akhbar_searcher"].close()


def get(client, url: str, **params) -> str:
    response = client.get(url, query_string=params)
    assert response.status_code in (200, 400, 404), response.status_code
    return response.get_data(as_text=True)


# -- the query, echoed ----------------------------------------------------------------------


def test_query_in_the_box_the_title_and_the_no_results_message(hostile_client) -> None:
    q = '"><svg onload=prompt(7)> zzqx </title><script>prompt(8)</script>'
    html = get(hostile_client, "/search", q=q)
    page = assert_safe(html)
    assert page.find("input", id="q")[0]["value"] == q  # the box holds exactly what was typed
    assert "لم نجد أخبارا تطابق" in html and f"«{q}»" in page.text  # shown as text
    assert "<svg" not in html and "<script>prompt" not in html
    assert "&lt;/title&gt;&lt;script&gt;prompt(8)&lt;/script&gt; - بحث أخبار</title>" in html
    hidden = page.find("input", type="hidden", name="q")
    assert all(h["value"] == q for h in hidden)


def test_did_you_mean_is_escaped(hostile_client) -> None:
    q = 'زيلينكسي -"<script>alert(1)</script>"'  # a misspelling; the exclusion rides along
    html = get(hostile_client, "/search", q=q)
    page = assert_safe(html)
    assert "هل تقصد:" in html
    suggestion = f'{ZEL} -"<script>alert(1)</script>"'
    assert suggestion in page.text  # as text
    assert f">{ZEL} -&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;</a>" in html


def test_error_page_keeps_the_query_as_text(hostile_client) -> None:
    q = "<script>alert(1)</script>"
    response = hostile_client.get("/search", query_string={"q": q, "page": "<img src=x onerror=alert(1)>"})
    assert response.status_code == 400
    page = assert_safe(response.get_data(as_text=True))
    assert page.find("input", id="q")[0]["value"] == q
    words = " ".join(["<b>كلمة</b>"] * 33)  # over the word cap
    response = hostile_client.get("/search", query_string={"q": words})
    assert response.status_code == 400
    assert_safe(response.get_data(as_text=True))


# -- articles, in results and on their own pages ----------------------------------------------


def test_results_page_shows_article_fields_as_text(hostile_client) -> None:
    html = get(hostile_client, "/search", q=ZEL, per_page=20)
    page = assert_safe(html)
    assert html.count('<li class="hit">') == len(HOSTILE)
    assert "<mark>" in html
    text = page.text
    for shown in ('<script>alert("title")</script>', "<b>المدينة</b>", "<img src=x onerror=alert(4)>",
                  '"><svg onload=alert(5)>', NO_TITLE_ID, "<script>alert(1)</script>"):
        assert shown in text, shown
    # Facet values are options and links, escaped in both.
    sources = [o["value"] for o in page.find("option")]
    assert "<img src=x onerror=alert(4)>" in sources and 'الجزيرة" onmouseover="alert(8)' in sources
    assert "</option><script>alert(9)</script>" in sources
    # The id of the article without a title is its link text, not markup.
    links = [a["href"] for a in page.find("a") if (a.get("href") or "").startswith("/article/")]
    assert any("%3Cimg" in href for href in links)


@pytest.mark.parametrize("article", HOSTILE, ids=[a["id"] for a in HOSTILE])
def test_article_page_escapes_and_links_only_http(hostile_client, article: dict) -> None:
    from urllib.parse import quote

    response = hostile_client.get("/article/" + quote(article["id"], safe=""), query_string={"q": ZEL})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = assert_safe(html)
    assert "<mark>" in html
    original = [a for a in page.find("a") if (a.get("rel") or "").startswith("noopener")]
    url = article.get("url", "")
    if url.startswith(("http://", "https://")):
        assert [a["href"] for a in original] == [url]  # the whole url, one attribute
    else:
        assert original == []  # javascript:, data: and the like are no links
    for field in ("source", "category"):
        if article.get(field):
            assert article[field] in page.text


def test_api_snippets_mark_only_and_json_keeps_text(hostile_client) -> None:
    response = hostile_client.get("/api/search", query_string={"q": ZEL, "per_page": 20})
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    hits = response.get_json()["hits"]
    assert len(hits) == len(HOSTILE)
    for hit in hits:
        snippet = Page(hit["snippet"])
        assert {t for t, _ in snippet.elements} <= {"mark"}, hit["snippet"]
    evil = next(h for h in hits if h["id"] == "evil-1")
    assert evil["title"] == HOSTILE[0]["title"] and evil["url"] == "javascript:alert(6)"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil["snippet"]


# -- any query -----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(q=st.lists(st.sampled_from([ZEL, "زيلينكسي", "المدينة", "<script>", "</script>", "alert(1)", "<img", "src=x",
                                   "onerror=alert(1)>", '"', "'", ">", "<", "&", "&amp;", "&#34;", "javascript:x",
                                   "</textarea>", "<!--", "-->", "</title>", "<mark>", "</mark>", "-", "OR"]),
                  max_size=12).map(" ".join))
def test_any_hostile_query_stays_text(hostile_client, q: str) -> None:
    response = hostile_client.get("/search", query_string={"q": q})
    page = assert_safe(response.get_data(as_text=True))
    assert page.find("input", id="q")[0]["value"] == q.strip()


def test_opensearch_document_with_a_hostile_host_header(hostile_client) -> None:
    """Its URLs are built from the Host header, which the client chooses."""
    response = hostile_client.get("/opensearch.xml", headers={"Host": 'evil.example"><script>alert(1)</script>'})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script" not in body and '"><' not in body
