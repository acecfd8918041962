"""Character-level normalization of single Arabic tokens.

Everything here works on one token's text and never changes how a token is
cut out of the original text, so the analysis chain keeps each token's
offsets into the article as written.  Two steps are kept apart because stop
words are looked up between them: ``clean`` removes what never carries
meaning (marks, tatweel, invisible characters, presentation forms, digit
shapes, letter case); ``fold`` merges the spellings that writers use
interchangeably (hamza and alef forms, alef maksura, teh marbuta, the
letters of other alphabets for foreign sounds).
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef, Quranic annotation marks.
_MARKS = (
    "\u0610-\u061a"
    "\u064b-\u065f"
    "\u0670"
    "\u06d6-\u06dc"
    "\u06df-\u06e8"
    "\u06ea-\u06ed"
    "\u08d3-\u08ff"
)
TATWEEL = "\u0640"
# Zero-width and bidirectional controls that scraped text is full of.
_INVISIBLE = (
    "\u00ad"
    "\u061c"
    "\u180e"
    "\u200b-\u200f"
    "\u202a-\u202e"
    "\u2060-\u2064"
    "\u2066-\u2069"
    "\ufeff"
)

MARK_CLASS = _MARKS
INVISIBLE_CLASS = _INVISIBLE
_STRIP_RE = re.compile(f"[{_MARKS}{TATWEEL}{_INVISIBLE}]")
_MARKS_RE = re.compile(f"[{_MARKS}]")

_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
# Persian letter shapes that Arabic text picks up from keyboards; the heh of
# Persian and Urdu keyboards (ھ, ہ) too, 186 times in the shared corpus
# (الھیئة، ھذه، لجھود), and their teh marbuta (ۃ).
_DIGITS.update({ord("ی"): "ي", ord("ې"): "ي", ord("ک"): "ك", ord("ە"): "ه", ord("ۀ"): "ه",
                ord("ھ"): "ه", ord("ہ"): "ه", ord("ۃ"): "ة"})

_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "ء",
        "ئ": "ء",
        # Letters added to the Arabic script for sounds Arabic lacks.  Most
        # news writes those sounds with the nearest Arabic letter (بوتين,
        # فيروس, غوغل), some outlets with these (پوتين, ڤيروس, گوگل), and a
        # reader types either: p, v, ch, zh and the g's of Persian, Kurdish
        # and Maghrebi writing.  Persian گ is the g news writes غ: in the
        # shared corpus غوغل / جوجل / كوكل in 397 / 273 / 0 articles,
        # الكونغرس / الكونجرس 578 / 112, سنغافورة 539 and never with ج or ك;
        # the Maghrebi ڭ and ݣ are the g Moroccan place names write ك
        # (أكادير).
        "پ": "ب",
        "ڤ": "ف",
        "ڥ": "ف",
        "چ": "ج",
        "ژ": "ز",
        "گ": "غ",
        "ڭ": "ك",
        "ݣ": "ك",
        "ڨ": "ق",
    }
)


def strip_marks(text: str) -> str:
    """Remove diacritics only; used where the spelling itself must survive."""
    return _MARKS_RE.sub("", text)


def clean(text: str) -> str:
    """Remove what never distinguishes two words.

    NFKC first, so presentation forms and the lam-alef ligature become plain
    letters before marks are stripped (NFKC turns some ligatures into
    letters plus marks).
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    text = _STRIP_RE.sub("", text)
    return text.translate(_DIGITS).casefold()


def fold(text: str) -> str:
    """Merge letter variants that writers use interchangeably.

    Hamza on waw and on yeh become a bare hamza rather than their carrier
    letters: the common variation in news is the seat (مسؤول/مسئول, written
    both ways by different outlets), which folding to the carrier would keep
    apart (مسوول/مسيول), while dropping the hamza altogether is rare.
    """
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """clean then fold: the form a token is matched by."""
    return fold(clean(text))
