"""What the tests share besides fixtures: paths, the small corpus, writing
one.  A module of its own, imported by name: ``from conftest import`` finds
whichever conftest pytest imported last (tests/web has its own), so it
depended on the order the test files ran in."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

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
