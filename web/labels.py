"""Arabic names for the sources and categories the shipped corpus uses.

The index keeps sources and categories as their feeds and corpora write them
(``bbc-arabic``, ``internationalNews``); an Arabic page shows them by their
Arabic names.  A value the table does not know is shown as written: the
JSON API always gives the stored value.
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    # ANT Corpus v2.1 (2018)
    "alarabiya": "العربية",
    "bbc-arabic": "بي بي سي عربي",
    "cnn-arabic": "سي إن إن بالعربية",
    "france24-arabic": "فرانس 24",
    "skynewsarabia": "سكاي نيوز عربية",
    # SaudiNewsNet (2015)
    "3alyoum": "عاليوم",
    "aawsat": "الشرق الأوسط",
    "aleqtisadiya": "الاقتصادية",
    "aljazirah": "الجزيرة (السعودية)",
    "almadina": "المدينة",
    "alriyadh": "الرياض",
    "alwatan": "الوطن",
    "alweeam": "الوئام",
    "alyaum": "اليوم",
    "arreyadi": "الرياضي",
    "arriyadiyah": "الرياضية",
    "okaz": "عكاظ",
    "sabq": "سبق",
    "was": "واس",
}

CATEGORIES: dict[str, str] = {
    "culture": "ثقافة",
    "economy": "اقتصاد",
    "internationalNews": "أخبار دولية",
    "middleEast": "الشرق الأوسط",
    "sport": "رياضة",
    "technology": "تقنية",
}


def source_label(value: str | None) -> str:
    """A source's Arabic name, or the value as written."""
    return SOURCES.get(value or "", value or "")


def category_label(value: str | None) -> str:
    """A category's Arabic name, or the value as written."""
    return CATEGORIES.get(value or "", value or "")
