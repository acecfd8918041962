"""Fixtures that build small real indexes on disk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from search import index as idx
from search.ingest import read_sources

# Property tests (tests/test_query_fuzz.py, tests/web/test_web_fuzz.py):
# deterministic (derandomize) and without an example database, so a CI run is
# the same run every time; no deadline, the machine is shared.
settings.register_profile(
    "akhbar",
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.load_profile("akhbar")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file of ../shared, or a skip (a failure under AKHBAR_REQUIRE_SHARED=1)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("AKHBAR_REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} is missing and AKHBAR_REQUIRE_SHARED=1")
        pytest.skip(f"{path} is not available")
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


ARTICLES = [
    {
        "id": "gov-1",
        "title": "الحكومة توقع اتفاقا جديدا مع النقابات",
        "body": "وقعت الحكومة اليوم اتفاقا مع النقابات لإنهاء الإضراب. وقال وزير العمل إن الاتفاق يضمن زيادة الأجور.",
        "date": "2022-09-10",
        "source": "الجزيرة",
        "category": "سياسة",
        "url": "https://example.org/gov-1",
    },
    {
        "id": "gov-2",
        "title": "البرلمان يناقش الموازنة",
        "body": "ناقش البرلمان موازنة العام المقبل، وانتقد نواب المعارضة سياسات الحكومات السابقة في الإنفاق.",
        "date": "2022-09-12T08:30:00",
        "source": "العربية",
        "category": "اقتصاد",
        "url": "https://example.org/gov-2",
    },
    {
        "id": "ukr-1",
        "title": "القوات الأوكرانية تتقدم في الشرق",
        "body": "أعلنت أوكرانيا أن قواتها استعادت بلدات في منطقة خاركيف، بينما قالت روسيا إنها قصفت مواقع للقوات الأوكرانية.",
        "date": "2022-09-14",
        "source": "الجزيرة",
        "category": "دولي",
        "url": "https://example.org/ukr-1",
    },
    {
        "id": "sport-1",
        "title": "المنتخب يفوز بالمباراة النهائية",
        "body": "فاز المنتخب الوطني بالمباراة النهائية بهدفين مقابل هدف، وسط حضور جماهيري كبير في الملعب.",
        "date": "2022-08-01",
        "source": "العربية",
        "category": "رياضة",
        "url": "https://example.org/sport-1",
    },
    {
        "id": "xss-1",
        "title": "خبر <b>عاجل</b> عن الاقتصاد",
        "body": "نص فيه <script>alert(1)</script> و <img src=x onerror=alert(1)> عن الاقتصاد والأسواق.",
        "date": "2022-07-01",
        "source": "الجزيرة",
        "category": "اقتصاد",
    },
]


@pytest.fixture()
def corpus_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "articles.jsonl", ARTICLES)


@pytest.fixture()
def index_dir(tmp_path: Path, corpus_file: Path) -> Path:
    """A real index of the small corpus and the seed article."""
    target = tmp_path / "index"
    report = idx.build(target, read_sources([corpus_file, SEEDS]))
    assert report.indexed == len(ARTICLES) + 1
    return target


@pytest.fixture()
def searcher(index_dir: Path):
    from search import Searcher

    s = Searcher(index_dir)
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_news_small() -> list[dict]:
    path = shared_path("corpus", "news_small.jsonl")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]
