"""A real browser (Debian's Chromium through Playwright) against the real app
under waitress: type an Arabic query, submit, page, sort, and take the
README's screenshot.  Skips without a browser unless AKHBAR_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import index as idx
from search.ingest import read_sources

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ZEL = "زيلينسكي"


def _need(reason: str) -> None:
    if os.environ.get("AKHBAR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} and AKHBAR_REQUIRE_BROWSER=1")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _need(f"{CHROMIUM} is not installed")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _serve(index_dir: Path) -> Iterator[str]:
    """The real app under waitress on a free port, in a thread."""
    from waitress import create_server

    from web import create_app

    app = create_app({"INDEX_DIR": str(index_dir)})
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
        app.extensions["akhbar_searcher"].close()


@pytest.fixture(scope="module")
def base_url(web_index: Path) -> Iterator[str]:
    yield from _serve(web_index)


@pytest.fixture(scope="module")
def seed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    target = tmp_path_factory.mktemp("seed") / "index"
    idx.build(target, read_sources([ROOT / "seeds"]))
    yield from _serve(target)


def test_search_page_and_sort(browser, base_url: str) -> None:
    page = browser.new_page(locale="ar")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    box = page.locator("input#q")
    box.fill(ZEL)
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert box.input_value() == ZEL
    assert page.locator("li.hit").count() == 10
    assert page.locator("li.hit mark").first.inner_text() == ZEL
    assert "13" in page.locator("#result-count").inner_text()
    assert page.eval_on_selector(".results", "e => getComputedStyle(e).direction") == "rtl"

    page.click("nav.pages a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.locator("li.hit").count() == 3
    assert page.locator("nav.pages strong[aria-current=page]").inner_text() == "2"

    page.click("nav.sort a:has-text('الأحدث')")
    page.wait_for_url("**sort=date*")
    first = page.locator("li.hit time").first.get_attribute("datetime")
    assert first == "2022-09-12" and "page=" not in page.url

    page.select_option("select[name=source]", "العربية")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**source=*")
    sources = page.locator("li.hit .source").all_inner_texts()
    assert sources and set(sources) == {"العربية"}

    page.locator("li.hit h2 a").first.click()
    page.wait_for_url("**/article/*")
    assert page.locator(".article mark").count() >= 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()


def test_suggest_as_you_type(browser, base_url: str) -> None:
    page = browser.new_page(locale="ar")
    page.goto(base_url + "/")
    page.locator("input#q").type("زيل", delay=30)
    page.wait_for_selector("#suggestions option", state="attached")
    assert page.locator("#suggestions option").first.get_attribute("value") == ZEL
    page.close()


def test_escaped_article_runs_no_script(browser, base_url: str) -> None:
    page = browser.new_page(locale="ar")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/article/xss-1")
    assert "<script>alert(1)</script>" in page.locator(".article .body").inner_text()
    assert page.locator(".article img").count() == 0
    assert dialogs == []
    page.close()


def test_screenshot_of_the_seed_index(browser, seed_url: str, tmp_path: Path) -> None:
    """The README's picture of the page: written to docs/ only when asked
    (AKHBAR_UPDATE_SCREENSHOT=1), so that a test run leaves the checkout
    as it found it."""
    page = browser.new_page(locale="ar", viewport={"width": 1100, "height": 720})
    page.goto(seed_url + "/")
    page.locator("input#q").fill(ZEL)
    page.locator("input#q").press("Enter")
    page.wait_for_selector("li.hit mark")
    target = ROOT / "docs" / "screenshot.png" if os.environ.get("AKHBAR_UPDATE_SCREENSHOT") else tmp_path / "page.png"
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
    page.close()


def test_timeline_chart_is_drawn_and_its_bars_filter(browser, base_url: str) -> None:
    """The chart as a reader meets it: visible, right to left, each bar a
    link named for a screen reader; a click shows that period's articles."""
    page = browser.new_page(locale="ar", viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/search?q=" + "الفيضانات")
    chart = page.locator("svg.timeline-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] >= 100
    bars = page.locator("svg.timeline-chart a.bar")
    assert bars.count() == 3
    may, june = bars.nth(0).locator("rect"), bars.nth(1).locator("rect")
    assert may.is_visible() and june.is_visible()
    # May (two articles) is on the right of June and twice as tall.
    may_box, june_box = may.bounding_box(), june.bounding_box()
    assert may_box["x"] > june_box["x"]
    assert abs(may_box["height"] - 2 * june_box["height"]) < 2
    assert bars.nth(0).get_attribute("aria-label") == "مايو 2018: خبران"
    # Filled with the stylesheet's colour, not left black (the CSP allows no inline style).
    assert may.evaluate("e => getComputedStyle(e).fill") == "rgb(11, 93, 75)"
    may.click()
    page.wait_for_url("**from=2018-05-01*")
    assert "to=2018-05-31" in page.url
    assert page.locator("input[name=from]").input_value() == "2018-05-01"
    # May's one story (its three copies folded: two are in May).
    assert page.locator("li.hit").count() == 1
    assert page.locator("li.hit details.copies summary").inner_text() == "ونقل هذا الخبر مصدر آخر"
    page.locator("li.hit details.copies summary").click()
    assert page.locator("li.hit details.copies li").first.is_visible()
    assert page.locator("svg.timeline-chart a.bar").count() == 2  # now by day: the 3rd and the 4th
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()
