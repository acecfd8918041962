"""The ways one word is written another way by one change: the shapes a
foreign name is respelled by in Arabic news, and the last ء that hurried
writing leaves out.

They serve where there is no evidence to weigh, so they are strict: the
stemmer cuts a word the lexicon does not know as it cuts the known word it
respells (كولمبيا as كولومبيا), the query respells a word the archive hardly
writes (ماكرن → ماكرون), and the spelling miner joins such a word to its
usual spelling (search/variants/, whose own candidates are looser and
weighed).
"""

from __future__ import annotations

from pyarabic import araby

LONG_VOWELS = frozenset((araby.ALEF, araby.WAW, araby.YEH))
# The letters Arabic writes a foreign g with (Persian گ is folded to غ).
G_SOUND = frozenset((araby.JEEM, araby.GHAIN, araby.KAF, araby.QAF))
# Letters a foreign t or s is written with (ليتوانيا / ليثوانيا, بيلوسي / بيلوزي).
T_SOUND = frozenset((araby.TEH, araby.TAH, araby.THEH))
S_SOUND = frozenset((araby.SEEN, araby.SAD, araby.ZAIN))
SOUND_CLASSES = (G_SOUND, T_SOUND, S_SOUND)
# A word's last ء after ا, which hurried and dialect writing leaves out
# (الكهربا, الوزرا, الاعضا for الكهرباء, الوزراء, الأعضاء).
_FINAL_HAMZA = araby.ALEF + araby.HAMZA
# The nh of a Portuguese or Brazilian name's -inho, written نه or ني after
# its ي (رونالدينهو / رونالدينيو, مورينهو / مورينيو, كوتينهو / كوتينيو):
# an Arabic word has no ينه before a و.
_INHO = ("ينهو", "ينيو")


def respellings(word: str) -> set[str]:
    """The words that are ``word`` written another way by one change of the
    kinds news respells a word by: a long vowel written or not inside the
    word (ماكرن / ماكرون, فينزويلا / فنزويلا), a letter of the g, t or s
    sounds for another of its sound (أردوجان / أردوغان, الفيطو / الفيتو), or
    ي on the other side of a neighbour (كسينجر / كيسنجر), or a last ء after
    ا written or left out (الكهرباء / الكهربا), or a Portuguese name's
    -inho written either way (مورينهو / مورينيو).  Stricter than the
    spelling miner's shapes: no vowel comes or goes at the word's ends,
    where Arabic puts its endings (توليدو / توليد), nor the و of a verb's
    plural (تجاذبا / تجاذبوا)."""
    out: set[str] = set()
    inner = range(1, len(word) - 1)  # the positions inside the word
    for i, letter in enumerate(word):
        for sounds in SOUND_CLASSES:
            if letter in sounds:
                out.update(word[:i] + other + word[i + 1 :] for other in sounds - {letter})
    for i in inner:
        if word[i] in LONG_VOWELS and not _plural_waw(word, i):
            out.add(word[:i] + word[i + 1 :])  # a vowel left out
        if i + 1 in inner and araby.YEH in word[i : i + 2] and word[i] != word[i + 1]:
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # ي on the other side
    for i in range(1, len(word)):
        for vowel in LONG_VOWELS:
            longer = word[:i] + vowel + word[i:]
            if not _plural_waw(longer, i):
                out.add(longer)  # a vowel written in
    for written, other in (_INHO, _INHO[::-1]):
        at = word.find(written)
        if at > 0:
            out.add(word[:at] + other + word[at + len(written) :])
    if word.endswith(_FINAL_HAMZA):
        out.add(word[:-1])  # الكهرباء / الكهربا
    elif word.endswith(araby.ALEF):
        out.add(word + araby.HAMZA)
    out.discard(word)
    return out


def _plural_waw(word: str, i: int) -> bool:
    """Whether ``word[i]`` is the و of a verb's plural ending وا."""
    return word[i] == araby.WAW and i == len(word) - 2 and word[-1] == araby.ALEF
