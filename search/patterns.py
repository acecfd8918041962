"""The patterns Arabic derives the words of one root by, where two of them
differ by one long vowel and so look like two spellings of one word.

A long vowel written or not is how a foreign name is respelled (ماراثون /
مارثون), but it is also how Arabic tells a verb from its verbal noun (احرز
/ احراز, استنكر / استنكار, ترشح / ترشيح), a singular from its broken plural
(طابق / طوابق, مكسب / مكاسب, تلميذ / تلاميذ), a passive participle from
another participle or a noun of place (مقسوم / مقسم, موهوب / موهب) and a
plural's construct state from the stem it was cut to (مقاتلو, cut from
مقاتلون, beside مقاتل).  Those
are two words: the spelling miner (search/variants/) must not join them,
however alike the places they stand in.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyarabic import araby

# The letters of a pattern that stand for the root's: ف ع ل, as Arabic
# grammar writes its patterns.
_ROOT = (araby.FEH, araby.AIN, araby.LAM)

# Pairs of patterns one root takes, one long vowel apart (or one for another,
# فعيل / فعال): a verbal noun and its verb (forms IV, VII, VIII, X; II beside
# V), a broken plural and its singular, two nouns or adjectives of one root.
# Not VI beside V (تفاعل / تفعل: تلامس / تلمس), which ترامب / ترمب fits too.
PAIRS = (
    ("افعال", "افعل"),  # احراز / احرز, انجاب / انجب
    ("انفعال", "انفعل"),  # انعكاس / انعكس
    ("افتعال", "افتعل"),  # اعتزال / اعتزل, التحاق / التحق
    ("استفعال", "استفعل"),  # استنكار / استنكر, استحواذ / استحوذ
    ("تفعيل", "تفعل"),  # ترشيح / ترشح, تسميم / تسمم
    ("فواعل", "فاعل"),  # طوابق / طابق, كوادر / كادر
    ("مفاعل", "مفعل"),  # مكاسب / مكسب, معاقل / معقل
    ("تفاعيل", "تفعيل"),  # تلاميذ / تلميذ, تمارين / تمرين
    ("فعيل", "فعال"),  # وسيط / وساط, فصيح / فصاح
    ("مفعول", "مفعل"),  # مقسوم / مقسم, منتوج / منتج, محمود / محمد
    ("افطعال", "افطعل"),  # VIII after ص ض ط ظ, its ت written ط: اصطدام / اصطدم
    ("افدعال", "افدعل"),  # ... and after ز, written د: ازدهار / ازدهر
    ("تفعال", "تفعل"),  # تجوال / تجول, تكرار / تكرر
    ("فعال", "فاعل"),  # ركاب / راكب, جبار / جابر
    ("فعول", "فعال"),  # الوف / الاف: two plurals
    ("افاعيل", "افعيل"),  # اكاليل / اكليل
    ("تفعيل", "تفعال"),  # two verbal nouns: تكرير / تكرار, ترحيل / ترحال
    # A hollow verb's ا is its passive's ي: forms VIII and X, and X's participles.
    ("افتال", "افتيل"),  # اختار / اختير, اغتال / اغتيل
    ("استفال", "استفيل"),  # استعاد / استعيد, استجاب / استجيب
    ("مستفيل", "مستفال"),  # مستفيد / مستفاد, مستديم / مستدام
)
# Broken plurals with a ي before the last root letter beside those without
# (مراسيل / مراسل, تقاطيع / تقاطع, محاريب / محارب): often two words of one
# root, sometimes one plural written two ways (حواسيب / حواسب).  Not in
# PAIRS: the miner's evidence tells these apart where it is read; only
# where there is none to read (search/variants/shapes.py, sure_leaf) are
# they taken for two words.
PLURAL_PAIRS = (
    ("مفاعيل", "مفاعل"),
    ("تفاعيل", "تفاعل"),
    ("افاعيل", "افاعل"),
    ("فعاليل", "فعالل"),
)
# A last letter that is an ending the stemmer left: the nisba's ي or the
# plural's before a noun (مقاتلي، ارهابيي), and the و of a participle's
# plural there (مقاتلو، مراسلو: a participle starts with م).  A name's own
# final و is not one (بورتوريكو / بورتوريك, اورومو / اوروم are spellings).
PARTICIPLE_START = araby.MEEM


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    parts = ["(.)" if c in _ROOT else re.escape(c) for c in pattern]
    return re.compile("".join(parts) + r"\Z")


def _fill(pattern: str, root: tuple[str, ...]) -> str:
    letters = iter(root)
    return "".join(next(letters) if c in _ROOT else c for c in pattern)


def one_root(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are two words of one root that a pattern
    tells apart, rather than one word spelled two ways."""
    shorter, longer = sorted((a, b), key=len)
    if len(longer) == len(shorter) + 1 and longer[:-1] == shorter:
        if longer[-1] == araby.YEH or (longer[-1] == araby.WAW and shorter[0] == PARTICIPLE_START):
            return True
    return _patterned(a, b, PAIRS)


def two_plurals(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are broken plurals of one root, with and
    without a ي before the last letter (PLURAL_PAIRS)."""
    return _patterned(a, b, PLURAL_PAIRS)


def _patterned(a: str, b: str, pairs: tuple[tuple[str, str], ...]) -> bool:
    for long_pattern, short_pattern in pairs:
        for one, other in ((long_pattern, short_pattern), (short_pattern, long_pattern)):
            match = _compiled(one).match(a)
            if match and _fill(other, match.groups()) == b:
                return True
    return False
