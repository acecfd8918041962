"""A small Arabic news site for the ingest tests: pages with navigation, ads,
related links and footers around the article, feeds (full content, summaries
only), WARC files, and a loopback HTTP server that serves them.

Every region of a page has words of its own, so a test can ask the index
for each: the article's words must be found, the boilerplate's must not.
"""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

# Words that appear only in the boilerplate around articles.
NAV_WORD = "المنوعات"  # a menu item
AD_WORD = "الثلاجات"  # an advertisement
RELATED_WORD = "البرتقال"  # a "read also" link
FOOTER_WORD = "الخصوصية"  # the footer
BREAKING_WORD = "الزلزال"  # a breaking-news ticker
BOILERPLATE_WORDS = (NAV_WORD, AD_WORD, RELATED_WORD, FOOTER_WORD, BREAKING_WORD)
SITE = "صحيفة الوطن"


@dataclass
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime  # UTC
    word: str  # a word that is only in this story's text (not its title)
    category: str = "سياسة"

    @property
    def path(self) -> str:
        return f"/news/{self.slug}"


STORIES = [
    Story(
        "electricity-plan",
        "الحكومة تعلن خطة لإصلاح قطاع الكهرباء",
        [
            "أعلنت الحكومة اليوم الثلاثاء خطة شاملة لإصلاح قطاع الكهرباء تمتد خمس سنوات، تهدف إلى إنهاء انقطاع التيار المتكرر في المدن والقرى.",
            "وقال وزير الطاقة في مؤتمر صحفي إن الخطة تتضمن بناء محطات توليد جديدة تعمل بالطاقة الشمسية وطاقة الرياح، إلى جانب تحديث شبكات النقل المتهالكة.",
            "وأضاف الوزير أن تكلفة المشروع تقدر بنحو ثلاثة مليارات دولار، سيأتي جزء منها من قروض ميسرة، فيما تتحمل الخزينة العامة الباقي.",
            "ورحب خبراء اقتصاديون بالخطة، لكنهم حذروا من أن نجاحها مرهون بمكافحة الفساد في عقود الصيانة والتوريد والتوربينات.",
        ],
        datetime(2024, 3, 5, 6, 15),
        "التوربينات",
        "اقتصاد",
    ),
    Story(
        "wheat-harvest",
        "موسم حصاد القمح يبدأ في السهول الشمالية",
        [
            "بدأ المزارعون في السهول الشمالية حصاد القمح هذا الأسبوع وسط توقعات بمحصول وفير بعد شتاء ماطر.",
            "وقال رئيس اتحاد المزارعين إن الأمطار الغزيرة رفعت إنتاجية الهكتار الواحد إلى مستويات لم تسجل منذ عقد، وإن الحصادات تعمل ليلا ونهارا.",
            "وتخطط وزارة الزراعة لشراء المحصول بسعر مدعوم لتعزيز المخزون الاستراتيجي من الحبوب وتخفيف الاعتماد على الاستيراد.",
        ],
        datetime(2024, 6, 2, 9, 0),
        "الهكتار",
        "زراعة",
    ),
    Story(
        "museum-opening",
        "افتتاح متحف جديد للآثار في العاصمة",
        [
            "افتتح وزير الثقافة مساء أمس متحفا جديدا للآثار في وسط العاصمة يضم أكثر من خمسة آلاف قطعة أثرية.",
            "ويعرض المتحف مخطوطات نادرة وفسيفساء رومانية اكتشفت خلال حفريات السنوات الأخيرة في المواقع الأثرية جنوب البلاد.",
            "وقالت مديرة المتحف إن القاعات مجهزة بأنظمة حديثة لحماية القطع من الرطوبة، وإن الدخول مجاني للطلاب طوال الشهر الأول.",
        ],
        datetime(2024, 9, 20, 17, 45),
        "فسيفساء",
        "ثقافة",
    ),
]


def page(
    story: Story,
    *,
    canonical: str | None = None,
    date_style: str = "jsonld",
    charset: str = "utf-8",
    site: str = SITE,
) -> bytes:
    """A news page: the story inside a site's navigation, ads, related links and footer."""
    iso = story.published.replace(tzinfo=timezone.utc).isoformat()
    head = [f'<meta charset="{charset}">', f"<title>{escape(story.title)} | {escape(site)}</title>"]
    if canonical is not None:
        head.append(f'<link rel="canonical" href="{escape(canonical)}">')
    head.append(f'<meta property="og:site_name" content="{escape(site)}">')
    head.append(f'<meta property="og:title" content="{escape(story.title)}">')
    if date_style == "jsonld":
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
                "datePublished": iso, "dateModified": "2025-01-01T00:00:00+00:00",
                "publisher": {"@type": "Organization", "name": site}}
        head.append(f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>')
    elif date_style == "og":
        head.append(f'<meta property="article:published_time" content="{iso}">')
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{chr(10).join(head)}
</head>
<body>
<header>
<nav class="menu"><ul>
<li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li><li><a href="/sport">رياضة</a></li>
<li><a href="/misc">{NAV_WORD}</a></li><li><a href="/contact">اتصل بنا</a></li></ul></nav>
<div class="ticker">عاجل: {BREAKING_WORD} يضرب المنطقة الجبلية بقوة خمس درجات</div>
</header>
<div class="ad banner">إعلان: تخفيضات كبرى على {AD_WORD} والغسالات لفترة محدودة، اطلب الآن</div>
<main>
<article>
<h1>{escape(story.title)}</h1>
<div class="byline">بقلم فريق التحرير</div>
{paragraphs}
</article>
<aside class="related"><h3>اقرأ أيضا</h3><ul>
<li><a href="/news/a">ارتفاع أسعار {RELATED_WORD} في الأسواق المحلية</a></li>
<li><a href="/news/b">المنتخب يستعد لمواجهة حاسمة في التصفيات</a></li>
<li><a href="/news/c">تعرف على أفضل الوجهات السياحية هذا الصيف</a></li></ul></aside>
</main>
<div class="ad">إعلان: اشترك في باقة الإنترنت الفائق بسعر مخفض</div>
<footer><p>جميع الحقوق محفوظة © {escape(site)} 2024</p>
<p>سياسة {FOOTER_WORD} - شروط الاستخدام - النشرة البريدية - أعلن معنا</p></footer>
</body></html>"""
    return html.encode(charset, "xmlcharrefreplace")


def front_page() -> bytes:
    """A section's front page: headlines and links, no article."""
    items = "".join(f'<li><a href="/news/{i}">عنوان خبر رقم {i} عن الاقتصاد والسياسة</a></li>' for i in range(20))
    return (f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الرئيسية | {SITE}</title>
</head><body><nav><a href="/">الرئيسية</a> <a href="/misc">{NAV_WORD}</a></nav><main><ul>{items}</ul></main>
<footer>سياسة {FOOTER_WORD}</footer></body></html>""").encode()


def rfc822(value: datetime) -> str:
    return format_datetime(value.replace(tzinfo=timezone.utc))


def rss(base: str, stories: list[Story], *, full: bool, title: str = f"{SITE} - آخر الأخبار") -> bytes:
    """RSS 2.0: with content:encoded (full) or descriptions only; links relative to the channel's."""
    items = []
    for story in stories:
        content = ""
        if full:
            html = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
            content = f"<content:encoded><![CDATA[{html}<script>alert(1)</script>]]></content:encoded>"
        items.append(f"""<item>
<title>{escape(story.title)}</title>
<link>{story.path}?utm_source=rss</link>
<guid isPermaLink="false">{base}/?p={story.slug}</guid>
<pubDate>{rfc822(story.published)}</pubDate>
<category>{escape(story.category)}</category>
<description>{escape(story.paragraphs[0][:60])}…</description>
{content}
</item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{escape(title)}</title><link>{base}/</link><description>أخبار</description>
{''.join(items)}
</channel></rss>""".encode()


def atom(base: str, stories: list[Story], title: str = "وكالة الأنباء") -> bytes:
    """Atom with <content type="html"> and links relative to xml:base."""
    entries = []
    for story in stories:
        html = escape("".join(f"<p>{escape(p)}</p>" for p in story.paragraphs))
        iso = story.published.replace(tzinfo=timezone.utc).isoformat()
        entries.append(f"""<entry><title>{escape(story.title)}</title><id>urn:story:{story.slug}</id>
<link rel="alternate" href="news/{story.slug}"/><published>{iso}</published><updated>2025-01-01T00:00:00Z</updated>
<summary>{escape(story.paragraphs[0][:40])}</summary><content type="html">{html}</content></entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/"><title>{escape(title)}</title>
<link href="{base}/"/><id>urn:feed</id><updated>2025-01-01T00:00:00Z</updated>
{''.join(entries)}
</feed>""".encode()


def warc(records: list[tuple[str, str, str, bytes]], *, gz: bool = True) -> bytes:
    """A WARC file written by warcio: (url, status line, content type, body) responses,
    each after its request record, and a metadata record at the end."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    for url, status, content_type, body in records:
        request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    writer.write_record(writer.create_warc_record("metadata:crawl", "metadata", payload=io.BytesIO(b"done"),
                                                  warc_content_type="text/plain"))
    return out.getvalue()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


class NewsServer:
    """A loopback HTTP server whose routes the tests set (``server.routes[path] = Route(...)``);
    it answers conditional GETs with 304 and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                owner.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()},
                                              time.monotonic()))
                route = owner.routes.get(self.path) or owner.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    route = Route(b"not found", 404, "text/plain")
                if route.delay:
                    time.sleep(route.delay)
                fresh = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified)
                status, body = (304, b"") if fresh and route.status == 200 else (route.status, route.body)
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def serve_site(self, stories: list[Story] = STORIES) -> None:
        """Every story's page, with its canonical url."""
        for story in stories:
            self.routes[story.path] = Route(page(story, canonical=self.url(story.path)))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)
