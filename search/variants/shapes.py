"""Which stems could be spellings of one word, by their letters alone:
the candidates the evidence then weighs (search/variants/evidence.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache

from pyarabic import araby

from search.lexicon import zipf
from search.patterns import one_root, two_plurals
from search.spelling.respellings import G_SOUND, LONG_VOWELS, S_SOUND, T_SOUND, respellings
from search.stemmer import PARADIGM, default_prefixes
from search.variants.config import MinerConfig

# A name's last letter, written or not: روسيا / روسية (ة is folded to ه).
FINALS = frozenset((araby.ALEF, araby.HEH))
# A foreign ch is written تش or ش (تشافيز / شافيز, مودريتش / مودرتيش after the
# long vowels go): one skeleton.  Mined on the full corpus, 31 more pairs,
# mostly names (ميتشيغان, ماساتشوستس, نوفيتشوك, منوتشين); a few two words
# (بشكتاش / بوشكاش, سنكشف / سنكتشف), as the evidence lets through elsewhere.
CH_SOUND = araby.TEH + araby.SHEEN
# A t or s letter for another (spelling.respellings.T_SOUND, S_SOUND): only between two
# long stems (MinerConfig.sound_min_length), since between the short words
# the archive writes often they tell words apart (سلاح / صلاح).
_SOUNDS = T_SOUND | S_SOUND
_SOUND_FOLD = str.maketrans({c: min(sounds) for sounds in (T_SOUND, S_SOUND) for c in sounds})
_LETTERS = frozenset(araby.LETTERS) - {araby.TEH_MARBUTA, araby.ALEF_MAKSURA}


def skeleton(stem: str) -> str:
    """What the spellings of one word have in common."""
    if len(stem) < 2:
        return stem
    body = stem[1:-1] if stem[-1] in FINALS else stem[1:]
    first = "G" if stem[0] in G_SOUND else stem[0]  # غوغل / جوجل
    shape = first + "".join("G" if c in G_SOUND else c for c in body if c not in LONG_VOWELS)
    return shape.replace(CH_SOUND, araby.SHEEN)  # تشافيز / شافيز, ميتشيغان / ميشيغان


def edits(a: str, b: str) -> int:
    """Edit distance, a swap of neighbours counting as one edit."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _g(stem: str) -> str:
    return "".join("G" if c in G_SOUND else c for c in stem)


def _close(a: str, b: str, config: MinerConfig, written_with_ta: frozenset[str] = frozenset()) -> bool:
    """At most one edit apart (two for long stems), one way of writing the g
    sound counting as one edit however often the name has it (غوغل / جوجل),
    and so one way of writing a t or s sound, between long stems only
    (غونزاليز / غونزاليس; سلاح / صلاح are two words).  A stem and itself
    with a final ا only if the articles write the stem with a final ة
    (``written_with_ta``, see final_ta_stems)."""
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < config.min_length:
        return False
    ta_name = longer[-1] == araby.ALEF and shorter in written_with_ta  # بنزيما / بنزيم(ة)
    if longer[:-1] == shorter and longer[-1] in FINALS and not ta_name:
        return False  # امريكا is not امريك(ي) less its ending: a final ا or ه alternates, it is not dropped
    g_changed = [c for c in a if c in G_SOUND] != [c for c in b if c in G_SOUND]
    sounds_a, sounds_b = ([c for c in stem if c in _SOUNDS] for stem in (a, b))
    # A letter of a t or s sound for another, not one more or less (the ت of
    # تش, which skeleton handles: تشافيز / شافيز).
    folded_a, folded_b = ("".join(sounds).translate(_SOUND_FOLD) for sounds in (sounds_a, sounds_b))
    swapped = sounds_a != sounds_b and folded_a == folded_b
    if swapped and len(shorter) < config.sound_min_length:
        return False
    fold = _SOUND_FOLD if swapped else {}  # the swap counted as one edit
    distance = edits(_g(a).translate(fold), _g(b).translate(fold)) + g_changed + swapped
    # Not two words of one root (احراز / احرز, طوابق / طابق: search.patterns).
    return distance <= (1 if len(shorter) < 6 else 2) and not one_root(a, b)


def _shape(stem: str) -> str:
    """The skeleton, a t or s sound written one way: what candidates group by."""
    return skeleton(stem).translate(_SOUND_FOLD)


# A stem the stemmer kept its article on (the lexicon knows no form of the
# rest: الروهينجا) is compared without it too, with the spellings whose
# article it cut (روهينغا), if some article writes the rest without it: else
# the two letters are the word's own (المنيوم, aluminium, is not منوم).
ARTICLE = "ال"


def _unarticled(stem: str, vocabulary: Mapping[str, int], config: MinerConfig) -> str | None:
    rest = stem[len(ARTICLE) :]
    return rest if stem.startswith(ARTICLE) and len(rest) >= config.min_length and vocabulary.get(rest) else None


def candidates(vocabulary: Mapping[str, int], config: MinerConfig = MinerConfig(),
               written_with_ta: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """Pairs of stems whose shapes say they could be one word
    (``written_with_ta``: as _close)."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)  # shape -> (stem, the letters compared)
    for stem, df in vocabulary.items():
        if df >= config.min_df and len(stem) >= config.min_length and _LETTERS.issuperset(stem):
            groups[_shape(stem)].append((stem, stem))
            rest = _unarticled(stem, vocabulary, config)
            if rest is not None:
                groups[_shape(rest)].append((stem, rest))
    seen: set[tuple[str, str]] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda m: (-vocabulary[m[0]], m[0]))[: config.max_group]
        for i, (a, x) in enumerate(members):
            for b, y in members[i + 1 :]:
                # Not the article alone (المانيا / مانيا: its letters are the word's own).
                if (a, b) not in seen and x != y and _close(x, y, config, written_with_ta):
                    seen.add((a, b))
                    yield a, b


# A name's final ة is cut by the stemmer like a feminine ending (بنزيمة →
# بنزيم), while the same name written with ا stays whole (بنزيما): the two
# stems are one word less a final ا, which _close otherwise keeps apart
# (امريكا / امريك, whose articles write امريكي).  So a stem whose articles
# write it with ة more often than bare or with the nisba's ي meets itself
# with a final ا as a candidate; the evidence then weighs the pair as any
# other.  On the full corpus 64 such stems, 17 pairs kept: two names
# (بنزيمة / بنزيما, اورفة / اورفا) and 15 participles beside their
# accusative, whose alif the stemmer left on (متراجعة / متراجعا, مستنكرة /
# مستنكرا): one word each (docs/relevance.md).
_TA_PROCLITICS = ("", "ال", "و", "وال", "ب", "بال", "ل", "لل", "ف", "فال")
_NOT_TA_ENDS = ("", "ي", "يه")


def final_ta_stems(vocabulary: Mapping[str, int], frequency: Callable[[str], int],
                   config: MinerConfig = MinerConfig(), only: frozenset[str] | None = None) -> frozenset[str]:
    """The stems (of min_df articles, and with a final ا another such stem)
    that the articles write with a final ة (folded to ه) more often than bare
    or with the nisba's ي: ``frequency`` counts the articles of a written
    form; with ``only``, the stems of pairs that have one of those."""
    def written(stem: str, ends: tuple[str, ...]) -> int:
        return sum(frequency(p + stem + end) for p in _TA_PROCLITICS for end in ends)

    found = set()
    for stem, df in vocabulary.items():
        with_alef = stem + araby.ALEF
        if df < config.min_df or len(stem) < config.min_length or vocabulary.get(with_alef, 0) < config.min_df:
            continue
        if only is not None and stem not in only and with_alef not in only:
            continue
        if not _LETTERS.issuperset(stem):
            continue
        if written(stem, (araby.HEH,)) > written(stem, _NOT_TA_ENDS):
            found.add(stem)
    return frozenset(found)


# The proclitics a written stem may have before it (search.stemmer's runs of
# them), and the letter each leaves next to the stem: none after the article.
_LEADS = {p: "" if not p or p.endswith((araby.ALEF + araby.LAM, araby.LAM + araby.LAM)) else p[-1]
          for p in default_prefixes()}


def lead_profile(stem: str, frequency: Callable[[str], int]) -> dict[str, int]:
    """The articles that write the letters of ``stem`` as a word with no
    ending, bare or after proclitics, by the proclitic letter next to them
    ("" for none or the article): for ايدن, بايدن and وبايدن count for ب,
    ايدن and الايدن for "".  Whatever the stemmer makes of the written
    word: letters mostly written after ب are a name's end (بيتكوين) even
    where a slip's stem has them (يتكوين).  ``frequency`` counts the
    articles of a written form."""
    profile: dict[str, int] = defaultdict(int)
    for prefix, letter in _LEADS.items():
        n = frequency(prefix + stem)
        if n:
            profile[letter] += n
    return dict(profile)


def led_apart(a: str, b: str, profile: Callable[[str], Mapping[str, int]], config: MinerConfig) -> bool:
    """Whether the articles write one stem after a preposition's letter
    (MinerConfig.lead_letters, lead_share) and the other not: then one is a
    name that begins with that letter and the other another word.
    ``profile``: lead_profile."""
    if config.lead_share is None:
        return False
    for led, other in ((a, b), (b, a)):
        counts = profile(led)
        total = sum(counts.values())
        if total < config.lead_min_df:
            continue
        for letter, n in counts.items():
            if letter and letter in config.lead_letters and n >= config.lead_share * total:
                others = profile(other)
                other_total = sum(others.values())
                if other_total and others.get(letter, 0) <= config.other_lead_share * other_total:
                    return True
    return False


def usual_spelling(options: Iterable[str], counts: Mapping[str, int], floor: int) -> str | None:
    """Of ``options``, the one in the most articles (of equal ones the
    first in letter order), if in ``floor`` articles or more: the usual
    spelling a rare one is joined to (build) or respelled as (query)."""
    enough = [o for o in options if counts.get(o, 0) >= floor]
    return min(enough, key=lambda o: (-counts[o], o)) if enough else None


def _respellable(stem: str, df: int, config: MinerConfig) -> bool:
    """Whether a stem may be another's spelling by its shape alone."""
    return 0 < df and len(stem) >= config.rare_min_length and _LETTERS.issuperset(stem)


def _usual(stem: str, df: int, vocabulary: Mapping[str, int], config: MinerConfig) -> str | None:
    """The spelling ``stem`` would be of: its commonest respelling in enough
    articles (MinerConfig.usual_floor)."""
    floor = config.usual_floor(df, len(stem))
    # The patterns last: of some 40 respellings a stem has, few are written.
    options = [o for o in respellings(stem) if vocabulary.get(o, 0) >= floor and not one_root(stem, o)]
    return usual_spelling(options, vocabulary, floor)


def rare_candidates(vocabulary: Mapping[str, int], config: MinerConfig = MinerConfig()) -> Iterator[tuple[str, str]]:
    """Each stem the archive hardly writes (or a long one, however often;
    see rare_sure_any_df), with the spelling it would be of (_usual)."""
    for stem, df in vocabulary.items():
        if not _respellable(stem, df, config):
            continue
        if df >= config.min_df and not (config.rare_sure_any_df and len(stem) >= config.rare_sure_length):
            continue
        usual = _usual(stem, df, vocabulary, config)
        if usual is None:
            continue
        known = family_zipf(stem)
        if known < config.rare_word_zipf or (
            config.rare_sure_known and len(stem) >= config.rare_sure_length and known < family_zipf(usual)
        ):
            yield stem, usual


def minority_candidates(vocabulary: Mapping[str, int], config: MinerConfig = MinerConfig()) -> Iterator[tuple[str, str]]:
    """Each stem in enough articles to be weighed whose respelling is in
    many times its articles (see minority_share), with that spelling."""
    if config.minority_share is None:
        return
    for stem, df in vocabulary.items():
        if df < config.min_df or not _respellable(stem, df, config):
            continue
        usual = _usual(stem, df, vocabulary, config)  # in rare_ratio times its articles or more (usual_floor)
        if usual is not None and family_zipf(stem) < family_zipf(usual):
            yield stem, usual


def sure_leaf(stem: str, usual: str, config: MinerConfig = MinerConfig(), df: int | None = None) -> bool:
    """Whether a rare_candidates pair is one word without reading its
    neighbours: a long stem (rare_sure_length; hardly_sure_length for one
    in ``df`` < min_df articles), or a foreign g written the Egyptian way
    (egyptian_g)."""
    if len(stem) >= config.rare_sure_length or hardly_leaf(stem, usual, config, df):
        return True
    return config.egyptian_g and _egyptian_g(stem, usual) and family_zipf(usual) < config.g_word_zipf


def hardly_leaf(stem: str, usual: str, config: MinerConfig = MinerConfig(), df: int | None = None) -> bool:
    """Whether a rare_candidates pair shorter than rare_sure_length is one
    word by MinerConfig.hardly_sure_length: ``stem`` in ``df`` < min_df
    articles, ``usual`` with a ي or و more or less."""
    hardly = config.hardly_sure_length
    return (hardly is not None and df is not None and df < config.min_df
            and hardly <= len(stem) < config.rare_sure_length and len(stem) != len(usual)
            and not _alef_apart(stem, usual) and not two_plurals(stem, usual))


def _alef_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one word with an ا written in or left out."""
    shorter, longer = sorted((a, b), key=len)
    return len(longer) == len(shorter) + 1 and any(
        longer[i] == araby.ALEF and longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def vowel_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one word with a long vowel written in or
    left out inside it (داود / داوود, هايتي / هاييتي, تايلور / تيلور), not as
    its first letter (an imperfect's ي: يشارك / شارك) nor its last (an
    ending: مقاتلو, عسكريي), nor an ا third, where a broken plural's stands
    (جداول / جدول, خنازير / خنزير, اصابع / اصبع) and verb form VI's (تلامس /
    تلمس), which no pattern can tell from a name's (ترامب / ترمب)."""
    shorter, longer = sorted((a, b), key=len)
    if len(longer) != len(shorter) + 1 or shorter in (longer[1:], longer[:-1]):
        return False  # the letter may be the first or the last (ووكر, عسكريي)
    for i in range(1, len(longer) - 1):
        vowels = _YEH_WAW if i == _PLURAL_ALEF else LONG_VOWELS
        if longer[i] in vowels and longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


def alef_for_ya(a: str, b: str, length: int | None = 5) -> bool:
    """Whether ``a`` and ``b``, of ``length`` letters or more, are one word
    with an ا written ي inside it, the way news writes a foreign a (جازان /
    جيزان, ديفيد / دافيد, جيسون / جاسون); not as its first letter or its last.
    ``length`` None: never."""
    if length is None or len(a) != len(b) or len(a) < length:
        return False
    changed = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return (len(changed) == 1 and 0 < changed[0] < len(a) - 1
            and {a[changed[0]], b[changed[0]]} == {araby.ALEF, araby.YEH})


_YEH_WAW = (araby.YEH, araby.WAW)
_PLURAL_ALEF = 2  # the third letter: فعالل, فعاليل, افاعل, تفاعل


def _egyptian_g(stem: str, usual: str) -> bool:
    """``stem`` is ``usual`` with ج where it writes غ, and nothing else changed."""
    changed = [(a, b) for a, b in zip(stem, usual) if a != b]
    return len(stem) == len(usual) and bool(changed) and all(c == (araby.JEEM, araby.GHAIN) for c in changed)


@lru_cache(maxsize=100_000)
def family_zipf(stem: str) -> float:
    """How common the commonest word built on ``stem`` is (the stem with an
    ending): whether the lexicon knows the word at all."""
    return max(zipf(stem + ending) for ending in (*PARADIGM, "ا"))
