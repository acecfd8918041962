"""A small real index for the web tests: articles written here plus the seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search import index as idx
from search.ingest import read_sources

from helpers import ARTICLES as SMALL_CORPUS
from helpers import SEEDS

SOURCES = ("الجزيرة", "العربية", "بي بي سي")
CATEGORIES = ("سياسة", "دولي")

ARTICLES = [
    {
        "id": "xss-1",
        "title": "خبر <b>عاجل</b> عن الأسواق",
        "body": "نص فيه <script>alert(1)</script> وصورة <img src=x onerror=alert(1)> عن الأسواق والبورصة.",
        "date": "2022-07-01",
        "source": "الجزيرة",
        "category": "اقتصاد",
    },
    # Two of the small corpus the other tests share.
    *(a for a in SMALL_CORPUS if a["id"] in ("gov-1", "sport-1")),
]
# Enough articles about Zelensky for two pages of ten, on different days.
ARTICLES += [
    {
        "id": f"zel-{n:02d}",
        "title": f"زيلينسكي يزور مدينة {town}",
        "body": f"زار الرئيس الأوكراني فولوديمير زيلينسكي مدينة {town} والتقى الجنود والسكان. "
        "وقال إن القوات الأوكرانية ستواصل التقدم.",
        "date": f"2022-09-{n + 1:02d}",
        "source": SOURCES[n % 3],
        "category": CATEGORIES[n % 2],
        "url": f"https://example.org/zel-{n}",
    }
    for n, town in enumerate(
        ["إيزيوم", "خاركيف", "كييف", "أوديسا", "لفيف", "دنيبرو", "زابوريجيا", "خيرسون", "بولتافا", "سومي",
         "ميكولايف", "تشيرنيهيف"]
    )
]


# One agency story as three outlets ran it (near-copies: folded under the
# best-ranked), stored with the corpus's slugs for source and category.
FLOOD = (
    "اجتاحت الفيضانات قرى الوادي الشمالي بعد أمطار غزيرة استمرت يومين، وأعلن الدفاع المدني إجلاء مئات "
    "العائلات إلى مدارس المدينة. وقال المتحدث باسم الدفاع المدني إن فرق الإنقاذ ما زالت تبحث عن مفقودين "
    "وإن الطرق المؤدية إلى الوادي مغلقة حتى إشعار آخر."
)
ARTICLES += [
    {"id": "flood-bbc", "title": "فيضانات الوادي الشمالي", "body": FLOOD, "date": "2018-05-03",
     "source": "bbc-arabic", "category": "internationalNews", "url": "https://example.org/flood-bbc"},
    {"id": "flood-cnn", "title": "إجلاء مئات العائلات بسبب الفيضانات", "body": FLOOD + " وتوقعت الأرصاد أمطارا أخرى.",
     "date": "2018-05-04", "source": "cnn-arabic", "category": "middleEast", "url": "https://example.org/flood-cnn"},
    {"id": "flood-sky", "title": "الفيضانات تجتاح قرى الوادي", "body": FLOOD, "date": "2018-06-20",
     "source": "skynewsarabia", "category": "middleEast", "url": "https://example.org/flood-sky"},
    {"id": "flood-other", "title": "=الفيضانات, \"درس\" للمدن", "body": "مقال رأي عن الفيضانات وتخطيط المدن وشبكات "
     "تصريف المياه التي لم تعد تكفي.", "date": "2018-07-20", "source": "unknown-outlet", "category": "opinionSlug"},
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The written articles and the seed article, in a real Whoosh index."""
    base = tmp_path_factory.mktemp("web")
    corpus = write_jsonl(base / "articles.jsonl", ARTICLES)
    target = base / "index"
    report = idx.build(target, read_sources([corpus, SEEDS]))
    assert report.indexed == len(ARTICLES) + 1
    return target


@pytest.fixture(scope="session")
def app(web_index: Path):
    from web import create_app

    application = create_app({"INDEX_DIR": str(web_index), "TESTING": True})
    yield application
    application.extensions["akhbar_searcher"].close()


@pytest.fixture()
def client(app):
    return app.test_client()
