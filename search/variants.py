"""Spellings of one word, found in the index's own vocabulary.

Arabic news writes the same word several ways: a long vowel written or not
(هوليوود / هوليود, بروكسل / بروكسيل), ي and ر in either order (أمريكي /
أميركي), any of ج غ ك ق for the g of a foreign name (إنجلترا / إنكلترا /
إنغلترا), a name's final ا or ة.  No fixed rule can merge these without also
merging real words one letter apart (الأمير / الأمر, القادم / القدم), and no
list can know the next new name.  So every build mines the index's stems for
them (an add, the pairs its new words make), in four steps:

1. *Shape.*  Stems that share a skeleton (the stem with its long vowels
   after the first letter dropped, the g-sound letters made one, تش
   written ش, a final ا / ه dropped; and, to group them, the letters of a
   t or s sound made one) and are at most one edit apart (two for long
   stems; a t or s letter for another only between long stems) are
   candidates, unless a pair of Arabic's patterns tells them apart as two
   words of one root (احرز / احراز, طابق / طوابق: search.patterns).
2. *Evidence*, weighed together into one score (weights fitted on pairs of
   the shared corpus labelled by hand, see MinerConfig):
   - house style: each outlet keeps to its own spelling of a name, so two
     spellings of one word are written by different outlets (the distance
     between their outlets, how sure it is, and how purely each outlet
     keeps to one), while two words are written by the same ones;
   - context: the articles of each spelling are about the same things
     (cosine of the positive PMI profiles of the words their articles use);
   - the lexicon: a rarer spelling that general Arabic knows well as a
     word of its own (wordfreq) is more likely a different word, and two
     established words of about the same frequency are never merged.
   A pair the score leaves a little short, or joins though the two
   spellings' articles share no context (an outlet's topic read as its
   house style), is decided by the words the two stand between
   (Neighbours).

3. *Hardly written spellings.*  A stem in fewer articles than the evidence
   needs (ميركيل, in one) is joined to its commonest respelling (the
   shapes of ``respellings``) when the lexicon does not know it as a word
   and the two stand in the same places (Neighbours).  A long stem (7
   letters or more) needs no such test; it joins however many articles
   write it, and one the lexicon knows if it knows the usual spelling
   better.  Nor does a shorter one that writes a foreign g as ج where
   the usual spelling writes غ (sure_leaf).  It is searched with every
   search for the usual spelling, at half the weight that spelling would
   have.  So is a spelling a few articles write where most write another
   (تايلند 24, تايلاند 184), when most of its neighbours are the usual
   spelling's too (minority_share): the evidence of step 2 seldom sees it.

4. *Form leaves.*  A hardly written spelling, or one a few articles
   write, that the stemmer cuts where its usual spelling stays whole
   (كرونا, read as ك + رون, beside كورونا) has a stem no pair can join;
   its written forms are joined to the usual stem instead, by the same
   tests (FormLeaf, mine_forms), and searched as written.

The pairs kept are saved beside the index (``spellings.json``); the query
builder searches every spelling of a query word that they join.
``akhbar eval --spellings bench/spellings.tsv`` measures what this finds and
what it wrongly merges (docs/relevance.md).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from pyarabic import araby

from search import normalize as norm
from search.analysis import learn_words, written_pattern
from search.flat import of_leaf
from search.lexicon import zipf
from search.matching import read_postings
from search.patterns import one_root
from search.respelling import G_SOUND, LONG_VOWELS, S_SOUND, T_SOUND, respellings
from search.stemmer import PARADIGM, default_prefixes

FILE = "spellings.json"
# The spelling table's contents: {"config": MinerConfig as a dict,
# "segments": the segment ids mined, "pairs": [[stem, stem], ...] kept,
# "leaves": [[rare stem, usual stem, weight], ...] the spellings hardly written,
# "forms": [[rare word, usual stem, [written form, ...], weight], ...] those
# the stemmer cuts where the usual spelling is whole (FormLeaf)}.
FIELD = "text"  # the stems every query word is matched by
EXACT_FIELD = "text_exact"  # the words as written (normalized, not stemmed): a form leaf's terms

# A name's last letter, written or not: روسيا / روسية (ة is folded to ه).
FINALS = frozenset((araby.ALEF, araby.HEH))
# A foreign ch is written تش or ش (تشافيز / شافيز, مودريتش / مودرتيش after the
# long vowels go): one skeleton.  Mined on the full corpus, 31 more pairs,
# mostly names (ميتشيغان, ماساتشوستس, نوفيتشوك, منوتشين); a few two words
# (بشكتاش / بوشكاش, سنكشف / سنكتشف), as the evidence lets through elsewhere.
CH_SOUND = araby.TEH + araby.SHEEN
# A t or s letter for another (respelling.T_SOUND, S_SOUND): only between two
# long stems (MinerConfig.sound_min_length), since between the short words
# the archive writes often they tell words apart (سلاح / صلاح).
_SOUNDS = T_SOUND | S_SOUND
_SOUND_FOLD = str.maketrans({c: min(sounds) for sounds in (T_SOUND, S_SOUND) for c in sounds})
_LETTERS = frozenset(araby.LETTERS) - {araby.TEH_MARBUTA, araby.ALEF_MAKSURA}


@dataclass(frozen=True)
class MinerConfig:
    """What the mining needs to see; the spelling evaluation chose these."""

    min_length: int = 4  # letters of the shorter stem: short stems collide too often
    min_df: int = 5  # articles a stem must be in: fewer give no evidence to weigh
    # Stems this long may differ by the letter of a t or s sound (ت ط ث, س ص ز):
    # a foreign name's (انتونوف / انطونوف, سانشيز / سانشيس); shorter ones are
    # mostly two words (سلاح / صلاح, تكاتف / تكاثف, بيريز / بيريس).
    sound_min_length: int = 6
    max_group: int = 40  # stems of a skeleton compared, commonest first
    # Two established words of about the same frequency are two words,
    # whatever else is seen.
    word_zipf: float = 4.0
    word_margin: float = 0.5
    # The weights of the evidence (see Evidence.features), fitted by
    # logistic regression on 320 candidate pairs of the shared corpus
    # labelled by hand (bench/spelling_labels.tsv, bench/spelling_fit.py),
    # and the score a pair must pass: chosen for precision (0.89 at -0.5, 0.63
    # at -1.0, in cross-validation; -0.75 merges no distinct pair of
    # bench/spellings.tsv), since a wrong merge costs every search for
    # either word.
    weights: tuple[float, ...] = (-1.96, 0.83, 1.68, 1.11, 2.27, -1.00, -0.86, 2.52)
    threshold: float = -0.75
    sample: int = 400  # articles a stem's context profile is read from
    feature_min_df: int = 3  # context words: neither rare ...
    feature_max_share: float = 0.05  # ... nor in more than this share of articles
    feature_min_top: int = 50  # (in a small archive, any word in fewer articles than this)
    max_features: int = 3_000
    max_spellings: int = 6  # a larger group is a chain of near words, not one name
    # A pair the evidence above leaves short of the threshold, but not far
    # (above neighbour_floor), is one word when the two stems stand in the
    # same places (Neighbours: a rare spelling gives the outlet test too
    # few articles, هوليود 33 beside هوليوود 179).  Read for the pairs in
    # that band only, from this many articles of each stem: from 12 to 40,
    # the cosine tells better (on bench/spelling_labels.tsv, at 0.10, 34 of
    # 42 spellings against 30, the same 6 of 223 pairs of two words that
    # search.patterns leaves), and the stems the minority test reads are
    # read once (docs/relevance.md, "Forty articles, and the words of one
    # root").
    neighbour_floor: float = -2.5
    neighbour_min: float = 0.10
    neighbour_sample: int = 40
    # Articles of the rarer stem, at least (the miner's own min_df): a rare
    # spelling is where the outlets and contexts say least and the
    # neighbours still tell (فيسبوك / فايسبوك, 1,385 / 6 articles: 0.22).
    # From 10 down to 5, 222 more pairs on the full corpus, by reading the
    # neighbours of 1,700 more pairs (2 s more mining); most are a name's spellings
    # (بوينغ / بوينج, غواتيمالا / جواتيمالا, تريليون / ترليون), a few a verb
    # and its noun (استنشق / استنشاق, docs/relevance.md).
    neighbour_min_df: int = 5
    # ... and a pair the evidence joins though their articles are about
    # other things (context cosine below context_floor) is one word only if
    # the neighbours say so too: the outlets' test reads an outlet's topic as
    # its house style (ماكرون in 653 articles, مكرونة, pasta, in 11 of a
    # recipes page: style 0.85, contexts 0.08).  On the full corpus 88 of
    # 1,252 pairs are below 0.1; 72 fail their neighbours, read by eye about
    # 60 of them two words (كيرالا / كورولا, بلوتونيوم / بلاتينيوم, مانشين /
    # منوشين, واينستين / وينستن) and 6 to 9 a spelling (ميدياسيت / ميديست,
    # زويتين / زويتن), docs/relevance.md.  None: the score alone decides.
    context_floor: float | None = 0.1
    # A stem in fewer than min_df articles is not a candidate above, but a
    # search for the usual spelling should still find it (غوتيريش and the one
    # article that writes جوتيريش).  Such a stem joins its commonest
    # respelling (respellings: the shapes a name is respelled by) when the
    # lexicon does not know it as a word (family zipf below rare_word_zipf),
    # the respelling's stem is in rare_ratio times its articles or more, and
    # the two stand in the same places (neighbour_min; but see
    # rare_sure_length).  On the full corpus, by the neighbours alone: 890
    # of 5,364 such stems of 5 letters or more, about 58 in 60 of a sample
    # spellings (جوتيريش / غوتيريش, هيغواين / هغواين, تغيرد / تغريد),
    # docs/relevance.md.  Read from those few articles, the neighbours are
    # the only evidence there is.  Shorter stems are left: 4,128 more to
    # read, of which 102 would join, many of them two words (سايف / سيف,
    # يورت / يورط).
    rare_ratio: int = 5
    rare_word_zipf: float = 3.0
    rare_min_length: int = 5
    # The usual spelling's neighbours are read from this many of its
    # articles for this test: a wider sample (neighbour_sample) dilutes the
    # cosine with a spelling read from one to four articles, and took such
    # slips as الداعيشة, السيياح, يفنتوس out of the table.
    rare_sample: int = 12
    # ... but a stem of this many letters or more needs no neighbours: in one
    # to four articles they seldom match (فينزويلا / فنزويلا, ليفيربول /
    # ليفربول fail), and a long word the lexicon does not know, one letter
    # from one five times as common, is that word: of 60 such 7-letter stems
    # that failed the neighbours' test, 52 are a spelling or a slip
    # (سبستيان، روماتزم، مينسوتا، انقاسام), 8 another word or name (ساوندرز /
    # ساندرز، باسكوال / باسكال، استزلام / استسلام); of 8 letters and more
    # nearly all (نيوكاسيل، هوليويود، اوزباكستان).  Shorter ones are mostly two
    # words (اغتناء / اقتناء، تفاريق / تفريق, 18 of 30 of 6 letters right).
    rare_sure_length: int = 7
    # ... and such a stem is a spelling of its usual one however many
    # articles write it (beside one five times as common, unknown to the
    # lexicon), not only below min_df: the evidence above leaves some
    # established misspellings short (بروكسيل 17 / بروكسل 523 articles,
    # اليكترون / الكترون, فلادمير / فلاديمير, كليومتر / كيلومتر).  On the
    # full corpus 111 more leaves, about 101 of them a spelling, 2 a noun
    # beside its verb, the others another word (استدراك / استدراج, استيبان /
    # استبيان, كيرستين / كريستين): at the weight below, as every leaf
    # (docs/relevance.md).  False: only below min_df.
    rare_sure_any_df: bool = True
    # ... and even when the lexicon knows it (rare_word_zipf), if it knows
    # the usual spelling better: a long word that general Arabic writes two
    # ways is one word (تليفزيون / تلفزيون, ديموقراط / ديمقراط, كوردستان /
    # كردستان, انتونيو / انطونيو).  On the full corpus 27 such stems, all a
    # spelling of the usual one or another form of its verb (ساعدوني /
    # ساعدني).  Of 6 letters they are mostly a noun and its broken plural
    # (تعاليم / تعليم, تصاميم / تصميم), so the length is the same.
    rare_sure_known: bool = True
    # ... and a stem of long_ratio_length letters or more is a spelling of
    # its commonest respelling in more articles than it (and in min_df or
    # more), not rare_ratio times: a long name is written two ways by
    # comparable numbers of articles (طاجكستان 7 / طاجيكستان 18, فريديريك 13
    # / فريدريك 40, كاردشيان 7 / كارداشيان 22), and one long word so close
    # to a commoner one is that word.  On the full corpus 232 more leaves,
    # 112 of them stems no pair had joined to that spelling, read by eye all
    # but two or three a spelling (كواريزما / كاريزما is Quaresma beside
    # charisma, عبدالمطلوب / عبدالمطلب two names); of 7
    # letters about a third are two words (استجواب / استجاب, كريستين /
    # كريستيان, يستهوين / يستهين), so they keep rare_ratio
    # (docs/relevance.md).  None: rare_ratio for every length.
    long_ratio_length: int | None = 8
    # ... and a shorter one (rare_min_length letters or more) needs no
    # neighbours either when all it changes is a foreign g written ج where
    # its usual spelling writes غ, the way Egyptian papers write a g
    # (جلاسكو / غلاسكو, ديجول / ديغول, هنجاريا / هنغاريا), unless the usual
    # spelling is a common Arabic word (family zipf g_word_zipf or more:
    # جريب / غريب).  On the full corpus 41 such stems below min_df, of
    # which 35 are the name or a slip of the word (جليان / غليان), 6 another
    # word (ملجوم / ملغوم, مجدور / مغدور).  Only this way round: a غ where
    # the usual spelling writes ج is half the time another word (اغناس /
    # اجناس), and the other letters of the g (ك ق) stand in Arabic words
    # alike (ابكار / ابقار, اكران / اقران), docs/relevance.md.
    # False: as any short stem, by the neighbours.
    egyptian_g: bool = True
    g_word_zipf: float = 3.5
    # Such a spelling is searched with half the weight the usual one would
    # have there (leaf_weight): the evidence is thinner, and an article that
    # writes both gains from each (Or adds their scores).  At the full
    # weight one news-titles query lost its answer to an article that also
    # wrote غواريدولا and أغويورو (MRR@10 0.7893); at 0.5 or 0.25, 0.7898 as
    # without these joins.
    rare_share: float = 0.5
    # A spelling most articles write one way and a few another (تايلند in
    # 24 articles beside تايلاند in 184, فايروس 9 / فيروس 330, سنتمتر 6 /
    # سنتيمتر 48) is in enough articles to be weighed above, and mostly
    # fails there: the outlets that write it write the usual spelling too
    # (no house style), and general Arabic knows both.  Such a stem (in
    # min_df articles or more, of rare_min_length letters or more) beside a
    # respelling (respellings) in rare_ratio times its articles, that the
    # lexicon knows better, joins it as a leaf when at least minority_share
    # of its neighbours (by weight, Neighbours.containment) stand beside
    # the usual spelling too, read from minority_sample articles of each: a
    # rare spelling has few places to compare, and they are a part of the
    # usual one's, which the cosine of the two profiles undercounts.  On the
    # full corpus 986 such stems (besides the long ones above), 110 of
    # them at 0.2 or more, read by eye: about 95 a name's or a word's other
    # spelling (مانشيستر، فلادمير، كليومتر، يوينو for يونيو), 6 a verb
    # beside its noun or a plural beside its singular (تكبيد / تكبد، حواسب
    # / حاسب), about 8 two words (بييرو / بيرو, متوحد / متحد, استبان /
    # استبيان).  From 0.1 to 0.2, 105 more, of which about 40 verbs and
    # plurals and 15 two words (محمود / محمد, كويكب / كوكب): too many.
    # None: no such joins.
    minority_share: float | None = 0.2
    minority_sample: int = 40

    def usual_floor(self, df: int, length: int = 0) -> int:
        """The articles the usual spelling of a stem of ``length`` letters
        in ``df`` articles is in, at least: the table's leaves and the
        query's respellings alike.  A word no article writes needs no
        evidence against it: any respelling the archive has is more than
        the nothing it finds (زيلنسكي, typed, and the two articles that
        write زيلينسكي)."""
        if not df:
            return 1
        long = self.long_ratio_length is not None and length >= self.long_ratio_length
        return max(self.min_df, df + 1 if long else self.rare_ratio * df)


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


def _close(a: str, b: str, config: MinerConfig) -> bool:
    """At most one edit apart (two for long stems), one way of writing the g
    sound counting as one edit however often the name has it (غوغل / جوجل),
    and so one way of writing a t or s sound, between long stems only
    (غونزاليز / غونزاليس; سلاح / صلاح are two words)."""
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < config.min_length:
        return False
    if longer[:-1] == shorter and longer[-1] in FINALS:
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


def candidates(vocabulary: Mapping[str, int], config: MinerConfig = MinerConfig()) -> Iterator[tuple[str, str]]:
    """Pairs of stems whose shapes say they could be one word."""
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
                if (a, b) not in seen and x != y and _close(x, y, config):
                    seen.add((a, b))
                    yield a, b


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


def sure_leaf(stem: str, usual: str, config: MinerConfig = MinerConfig()) -> bool:
    """Whether a rare_candidates pair is one word without reading its
    neighbours: a long stem (rare_sure_length), or a foreign g written
    the Egyptian way (egyptian_g)."""
    if len(stem) >= config.rare_sure_length:
        return True
    return config.egyptian_g and _egyptian_g(stem, usual) and family_zipf(usual) < config.g_word_zipf


def _egyptian_g(stem: str, usual: str) -> bool:
    """``stem`` is ``usual`` with ج where it writes غ, and nothing else changed."""
    changed = [(a, b) for a, b in zip(stem, usual) if a != b]
    return len(stem) == len(usual) and bool(changed) and all(c == (araby.JEEM, araby.GHAIN) for c in changed)


def id_order(searcher) -> np.ndarray:
    """The index's document numbers in the order of their article ids (of
    one id, a deleted version first).  The miner numbers articles in this
    order rather than in the order they were indexed, so the articles it
    samples, and so the table it finds, do not depend on the order of the
    archive's files nor on how it is split into shards (search/cluster)."""
    from search.matching import column

    ids = column(searcher, "id", "")
    return np.asarray(sorted(range(len(ids)), key=lambda d: (ids[d], d)), dtype=np.int64)


class Postings:
    """Whole-index posting lists of one field as arrays of article numbers
    (an article's place in the order of the ids: ``docnums`` maps them back
    to document numbers)."""

    def __init__(self, searcher, fieldname: str = FIELD) -> None:
        self.fieldname = fieldname
        # Each segment's flat arrays, where it has them: a list is then a
        # slice, not Whoosh's blocks decoded (the neighbours and contexts
        # read some 20,000 lists on the full corpus).
        leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.segments = [(leaf, offset, of_leaf(leaf)) for leaf, offset in leaves]
        self.articles = searcher.doc_count_all()
        self.docnums = id_order(searcher)
        self.numbers = np.empty(len(self.docnums), dtype=np.int64)
        self.numbers[self.docnums] = np.arange(len(self.docnums))
        self._vocabulary: dict[str, int] | None = None

    def vocabulary(self) -> dict[str, int]:
        """Every term with the number of live articles that have it (near
        enough: a deleted article still counts until its segment merges).
        Read once: the stems' and the form leaves' mining both ask."""
        if self._vocabulary is None:
            counts: dict[str, int] = defaultdict(int)
            for leaf, _offset, _flat in self.segments:
                for term, info in leaf.iter_field(self.fieldname):
                    counts[term.decode("utf-8") if isinstance(term, bytes) else term] += info.doc_frequency()
            self._vocabulary = counts
        return self._vocabulary

    def terms(self) -> Iterator[str]:
        """Every term (of some segment), without reading its counts."""
        for leaf, _offset, _flat in self.segments:
            for term in leaf.lexicon(self.fieldname):
                yield term.decode("utf-8") if isinstance(term, bytes) else term

    def frequency(self, term: str) -> int:
        """The articles that have ``term`` (as vocabulary counts them)."""
        return sum(leaf.doc_frequency(self.fieldname, term) for leaf, _offset, _flat in self.segments)

    def docs(self, term: str) -> np.ndarray:
        parts = []
        for leaf, offset, flat in self.segments:
            # A term a segment lacks reads as an empty list (from its flat
            # directory, which lists every term, or from Whoosh).
            ids, _tfs = read_postings(leaf, self.fieldname, term, flat)
            if len(ids):
                parts.append(self.numbers[np.frombuffer(ids, dtype=np.int32).astype(np.int64) + offset])
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


class Contexts:
    """Which context words each article has, to profile the articles of a stem."""

    def __init__(self, postings: Postings, vocabulary: Mapping[str, int], config: MinerConfig) -> None:
        n = max(postings.articles, 1)
        top = max(n * config.feature_max_share, config.feature_min_top)
        words = [t for t, df in vocabulary.items() if config.feature_min_df <= df <= top and _LETTERS.issuperset(t)]
        words = sorted(words, key=lambda t: (-vocabulary[t], t))[: config.max_features]
        self.index = {w: i for i, w in enumerate(words)}
        docs, feats = [], []
        for i, word in enumerate(words):
            d = postings.docs(word)
            docs.append(d)
            feats.append(np.full(len(d), i, dtype=np.int32))
        doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        feat = np.concatenate(feats) if feats else np.zeros(0, dtype=np.int32)
        order = np.argsort(doc, kind="stable")
        self.features = feat[order]
        self.starts = np.searchsorted(doc[order], np.arange(n + 1))
        df = np.bincount(feat, minlength=len(words)).astype(np.float64)
        self.base = np.where(df > 0, df / n, 1.0)
        self.sample = config.sample

    def profile(self, docs: np.ndarray, leave_out: Iterable[str]) -> np.ndarray:
        """Positive PMI of each context word in these articles, unit length."""
        if len(docs) > self.sample:
            docs = docs[np.linspace(0, len(docs) - 1, self.sample).astype(np.int64)]
        size = len(self.base)
        if not len(docs):
            return np.zeros(size)
        spans = [self.features[self.starts[d] : self.starts[d + 1]] for d in docs]
        counts = np.bincount(np.concatenate(spans), minlength=size) if spans else np.zeros(size)
        share = counts / len(docs)
        with np.errstate(divide="ignore"):
            weights = np.where(counts > 0, np.log(share / self.base), 0.0)
        weights = np.maximum(weights, 0.0) * np.minimum(counts, 3)  # one article's words count for little
        for word in leave_out:
            i = self.index.get(word)
            if i is not None:
                weights[i] = 0.0
        norm = np.linalg.norm(weights)
        return weights / norm if norm else weights


def _written(stem: str) -> re.Pattern:
    """Where an article may write ``stem``: its letters after the first in
    a row, in any of their written forms (every form of a stem has them:
    ينتقد is indexed as انتقد).  Normalizing whole articles to search them
    cost four times the rest of this evidence."""
    return written_pattern(stem[1:] if len(stem) > 3 else stem)


class Neighbours:
    """The words next to a stem where the articles write it.  Two spellings
    of one name stand in the same places (في بروكسل / في بروكسيل, مقرها
    بروكسل / بروكسيل), two words one letter apart seldom do (الأمير محمد /
    الأمر الذي): on the pairs of bench/spellings.tsv the cosine of these
    profiles is at most 0.05 for two words and mostly 0.1-0.7 for two
    spellings, which the article-wide contexts are not (0.11-0.77 / 0.26-0.85).

    Read from the stored text of a few articles of each stem: only the
    places where the stem's letters are written are analysed, with the
    index's own analyzer."""

    WINDOW = 45  # characters either side of a place: two words, mostly
    TEXT_CHARS = 20_000  # of an article, looked at

    def __init__(
        self, searcher, postings: Postings, vocabulary: Mapping[str, int], config: MinerConfig, analyzer=None
    ) -> None:
        self.searcher = searcher
        # The build passes the analyzer of the schema it indexed with; its
        # caches are this process's, which indexed nothing (Whoosh's indexing
        # processes did), so the words are analysed afresh here.
        self.analyzer = analyzer or searcher.schema[postings.fieldname].analyzer
        self.postings = postings
        self.vocabulary = vocabulary
        self.articles = max(postings.articles, 1)
        self.sample = config.neighbour_sample
        self.minimum = config.neighbour_min
        self._cache: dict[str, Mapping[tuple[int, str], float]] = {}
        self._counts: dict[str, dict[tuple[int, str], int]] = {}
        self._dfs: dict[str, int] | None = None

    def _text(self, doc: int) -> str:
        stored = self.searcher.stored_fields(int(self.postings.docnums[doc]))
        return f"{stored.get('title') or ''}\n{(stored.get('body') or '')[: self.TEXT_CHARS]}"

    def profile(self, stem: str) -> Mapping[tuple[int, str], float]:
        """Each neighbour (its side and distance, and its stem's skeleton, so
        that هونغ كونغ and هونج كونج have one neighbour), weighted by how rare
        it is in the archive."""
        if stem in self._cache:
            return self._cache[stem]
        counts = self._counts.pop(stem, None)
        if counts is None:
            counts = self.counts(stem)
        self._cache[stem] = self._weighed(counts)
        return self._cache[stem]

    def _weighed(self, counts: Mapping[tuple[int, str], int]) -> dict[tuple[int, str], float]:
        n = self.articles
        return {key: min(count, 5) * math.log(n / max(self._df(key[1]), 1)) for key, count in counts.items()}

    def counts(self, stem: str) -> dict[tuple[int, str], int]:
        """How often each neighbour stands beside ``stem`` in a sample of its
        articles (unweighted: what profile weighs)."""
        return self._counted(self.postings.docs(stem), _written(stem), frozenset((stem,)))

    def form_profile(self, leaf: "FormLeaf", docs: np.ndarray,
                     stems: frozenset[str]) -> Mapping[tuple[int, str], float]:
        """The profile of a form leaf's rare spelling: read in ``docs``, the
        articles of its written forms, where a word stems to one of
        ``stems`` (the stemmer's cuts of those forms)."""
        key = "\x00" + leaf.core  # not a stem: no stem starts with it
        if key not in self._cache:
            self._cache[key] = self._weighed(self._counted(docs, _written(leaf.core), stems))
        return self._cache[key]

    def _form_profiles(self, leaf: "FormLeaf", docs: np.ndarray, stems: frozenset[str]) -> tuple[dict, dict]:
        """A form leaf's profile and its usual stem's, less the neighbours that are either."""
        own = {skeleton(leaf.core), skeleton(leaf.usual), *map(skeleton, stems)}
        pa = {k: v for k, v in self.form_profile(leaf, docs, stems).items() if k[1] not in own}
        pb = {k: v for k, v in self.profile(leaf.usual).items() if k[1] not in own}
        return pa, pb

    def form_similarity(self, leaf: "FormLeaf", docs: np.ndarray, stems: frozenset[str]) -> float:
        """Cosine of a form leaf's profile and its usual stem's."""
        return _cosine(*self._form_profiles(leaf, docs, stems))

    def form_containment(self, leaf: "FormLeaf", docs: np.ndarray, stems: frozenset[str]) -> float:
        """The share (by weight) of a form leaf's neighbours that stand beside its usual stem too."""
        pa, pb = self._form_profiles(leaf, docs, stems)
        total = sum(pa.values())
        return sum(v for k, v in pa.items() if k in pb) / total if total else 0.0

    def _counted(self, docs: np.ndarray, pattern: re.Pattern, stems: frozenset[str]) -> dict[tuple[int, str], int]:
        if len(docs) > self.sample:
            docs = docs[np.linspace(0, len(docs) - 1, self.sample).astype(np.int64)]
        counts: dict[tuple[int, str], int] = defaultdict(int)
        for doc in docs:
            text = self._text(int(doc))
            end = -1
            for match in pattern.finditer(text):
                if match.start() < end:
                    continue  # inside the last window
                start, end = max(0, match.start() - self.WINDOW), match.end() + self.WINDOW
                terms = [t.text for t in self.analyzer(text[start:end], mode="index")]
                for i, term in enumerate(terms):
                    if term not in stems:
                        continue
                    for offset in (-2, -1, 1, 2):
                        j = i + offset
                        # The window's first and last words may be cut.
                        if 0 < j < len(terms) - 1 and terms[j] not in stems:
                            counts[(offset, skeleton(terms[j]))] += 1
        return dict(counts)

    # Stems of fewer articles than this in all are read in this process:
    # starting the others and opening the index in each costs a second or
    # two, about as long as a thousand stems of 12 articles take.
    READ_AHEAD_ARTICLES = 24_000

    def read_ahead(
        self, stems: Iterable[str], directory: str | Path, workers: int, least: int | None = None
    ) -> None:
        """Count the neighbours of ``stems`` now, in ``workers`` processes at
        once, each opening the index in ``directory`` (the one searched
        here, or the counts would be another index's): reading articles and
        analysing their words is most of the mining, one stem at a time.
        Fewer than ``least`` stems (by default, READ_AHEAD_ARTICLES' worth
        at this sample), or one worker, leave them to be read when asked for."""
        if least is None:
            least = self.READ_AHEAD_ARTICLES // self.sample
        todo = sorted(set(stems) - self._cache.keys() - self._counts.keys())
        if workers < 2 or len(todo) < max(least, 1):
            return
        parts = [todo[i::workers] for i in range(workers)]
        try:
            # The platform's way of starting processes, as Whoosh's writer does.
            with ProcessPoolExecutor(workers - 1) as pool:
                futures = [
                    pool.submit(_neighbour_counts, str(directory), self.postings.fieldname, part, self.sample)
                    for part in parts[1:]
                ]
                for stem in parts[0]:
                    self._counts[stem] = self.counts(stem)
                for future in futures:
                    self._counts.update(future.result())
        except (BrokenProcessPool, OSError):
            pass  # a worker that could not start or died: what it had is read when asked for

    def _df(self, shape: str) -> int:
        """Articles of the commonest stem of a skeleton (near enough for a weight)."""
        if self._dfs is None:
            dfs: dict[str, int] = defaultdict(int)
            for term, df in self.vocabulary.items():
                key = skeleton(term)
                dfs[key] = max(dfs[key], df)
            self._dfs = dfs
        return self._dfs.get(shape, 1)

    def _profiles(self, a: str, b: str) -> tuple[dict, dict]:
        """The two profiles, less the neighbours that are either stem."""
        own = {skeleton(a), skeleton(b)}
        pa = {k: v for k, v in self.profile(a).items() if k[1] not in own}
        pb = {k: v for k, v in self.profile(b).items() if k[1] not in own}
        return pa, pb

    def containment(self, rare: str, usual: str) -> float:
        """The share (by weight) of ``rare``'s neighbours that stand beside
        ``usual`` too."""
        pa, pb = self._profiles(rare, usual)
        total = sum(pa.values())
        return sum(v for k, v in pa.items() if k in pb) / total if total else 0.0

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two stems' profiles."""
        return _cosine(*self._profiles(a, b))


def _cosine(pa: Mapping, pb: Mapping) -> float:
    dot = sum(v * pb.get(k, 0.0) for k, v in pa.items())
    na = math.sqrt(sum(v * v for v in pa.values()))
    nb = math.sqrt(sum(v * v for v in pb.values()))
    return dot / (na * nb) if na and nb else 0.0


def _neighbour_counts(directory: str, fieldname: str, stems: list[str], sample: int) -> dict:
    """Neighbours.counts of ``stems`` in the index in ``directory``: a
    read_ahead worker."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(directory).searcher() as searcher:
        postings = Postings(searcher, fieldname)
        neighbours = Neighbours(searcher, postings, {}, replace(MinerConfig(), neighbour_sample=sample))
        learn_words(neighbours.analyzer, directory)  # what the build's indexing processes analysed
        return {stem: neighbours.counts(stem) for stem in stems}


@dataclass(frozen=True)
class Evidence:
    """What is known of a pair of stems, and the verdict."""

    a: str
    b: str
    df_a: int
    df_b: int
    style: float = 0.0  # distance between the outlets writing each spelling (0 when unknown)
    style_z: float = 0.0  # how sure that distance is (a chi-squared test, as a z score)
    purity: float = 0.0  # how much more each outlet keeps to one spelling than chance
    similarity: float = 0.0  # cosine of the context profiles of their articles
    rare_zipf: float = 0.0  # the lexicon's frequency of the rarer spelling's family
    common_zipf: float = 0.0
    score: float = 0.0
    neighbours: float | None = None  # Neighbours.similarity, where it was read
    same: bool = False
    leaf: bool = False  # a rare_candidates pair: ``a`` is hardly written, or long (see rare_sure_length)

    def features(self) -> tuple[float, ...]:
        """What the weights of MinerConfig multiply, the bias first."""
        shorter = min(len(self.a), len(self.b))
        return (
            1.0,
            self.style,
            math.log1p(max(self.style_z, 0.0)) / 3,
            self.purity,
            self.similarity,
            self.rare_zipf,
            self.common_zipf - self.rare_zipf,
            min(shorter, 10) / 10,
        )


@lru_cache(maxsize=100_000)
def family_zipf(stem: str) -> float:
    """How common the commonest word built on ``stem`` is (the stem with an
    ending): whether the lexicon knows the word at all."""
    return max(zipf(stem + ending) for ending in (*PARADIGM, "ا"))


class Outlets:
    """Each article's source, as codes, for the house-style test."""

    def __init__(self, searcher) -> None:
        from search.matching import column

        codes: dict[str, int] = {}
        values = column(searcher, "source", "")
        # By article number (Postings): in the order of the ids.
        values = [values[d] for d in id_order(searcher).tolist()]
        self.codes = np.array([codes.setdefault(v or "", len(codes)) for v in values])
        self.count = len(codes)
        base = np.bincount(self.codes, minlength=self.count).astype(np.float64) if len(self.codes) else np.zeros(0)
        self.base = base / max(base.sum(), 1.0)

    def style(self, only_a: np.ndarray, only_b: np.ndarray) -> tuple[float, float, float]:
        """(distance, z, purity): how differently the outlets write the two
        spellings, as total variation between their rates per outlet; a
        chi-squared test of the outlet counts as a z score; and how much
        more each outlet keeps to one spelling than the overall shares give."""
        if self.count < 2 or not len(only_a) or not len(only_b):
            return 0.0, 0.0, 0.0
        ca = np.bincount(self.codes[only_a], minlength=self.count).astype(np.float64)
        cb = np.bincount(self.codes[only_b], minlength=self.count).astype(np.float64)
        used = (ca + cb) > 0
        ca, cb, base = ca[used], cb[used], self.base[used]
        if len(ca) < 2:
            return 0.0, 0.0, 0.0
        total_a, total_b = ca.sum(), cb.sum()
        majority = max(total_a, total_b) / (total_a + total_b)
        purity = (np.maximum(ca, cb).sum() / (total_a + total_b) - majority) / (1 - majority)
        ra, rb = ca / base, cb / base
        distance = 0.5 * float(np.abs(ra / ra.sum() - rb / rb.sum()).sum())
        total = ca + cb
        expected_a = total * ca.sum() / total.sum()
        expected_b = total * cb.sum() / total.sum()
        chi2 = float(((ca - expected_a) ** 2 / expected_a).sum() + ((cb - expected_b) ** 2 / expected_b).sum())
        df = len(ca) - 1
        # Wilson and Hilferty's normal approximation of the chi-squared distribution.
        z = ((chi2 / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
        return distance, z, float(purity)


def weigh(
    pairs: Iterable[tuple[str, str]],
    postings: Postings,
    outlets: Outlets,
    contexts: Callable[[], "Contexts"],
    config: MinerConfig,
    neighbours: bool = False,
) -> Iterator[tuple[Evidence, bool]]:
    """Each pair's evidence but its neighbours, and whether its verdict
    waits for them (only if ``neighbours`` may be read): judge's first
    half, so that the neighbours of every pair that asks can be read at
    once (Neighbours.read_ahead)."""
    docs: dict[str, np.ndarray] = {}
    weights = np.array(config.weights)
    similarity_weight = weights[4]

    def docs_of(term: str) -> np.ndarray:
        if term not in docs:
            docs[term] = postings.docs(term)
        return docs[term]

    for a, b in pairs:
        da, db = docs_of(a), docs_of(b)
        only_a = np.setdiff1d(da, db, assume_unique=True)
        only_b = np.setdiff1d(db, da, assume_unique=True)
        common, rare = sorted((family_zipf(a), family_zipf(b)), reverse=True)
        style, sure, purity = outlets.style(only_a, only_b)
        evidence = Evidence(a, b, len(da), len(db), style, sure, purity, 0.0, rare, common)
        if rare >= config.word_zipf and common - rare < config.word_margin:
            yield evidence, False  # two established words
            continue
        score = float(weights @ np.array(evidence.features()))
        near = neighbours and min(len(da), len(db)) >= config.neighbour_min_df
        needed = min(config.threshold, config.neighbour_floor) if near else config.threshold
        measured = score + max(similarity_weight, 0.0) > needed and min(len(only_a), len(only_b)) > 0
        if measured:
            ctx = contexts()
            similarity = float(ctx.profile(only_a, (a, b)) @ ctx.profile(only_b, (a, b)))
            score += similarity_weight * similarity
            evidence = replace(evidence, similarity=similarity)
        same = score > config.threshold
        # A pair the outlets join though their articles are about other
        # things (ماكرون / مكرون: the recipes' outlet writes the pasta) waits
        # for its neighbours too.
        far = measured and config.context_floor is not None and evidence.similarity < config.context_floor
        asks = near and ((not same and score > config.neighbour_floor) or (same and far))
        yield replace(evidence, score=score, same=same), asks


def decide(evidence: Evidence, neighbours: "Neighbours") -> Evidence:
    """The verdict of a pair that waits for its neighbours (weigh)."""
    overlap = neighbours.similarity(evidence.a, evidence.b)
    return replace(evidence, neighbours=overlap, same=overlap >= neighbours.minimum)


def judge(
    pairs: Iterable[tuple[str, str]],
    postings: Postings,
    outlets: Outlets,
    contexts: Callable[[], "Contexts"],
    config: MinerConfig,
    neighbours: Callable[[], "Neighbours"] | None = None,
) -> Iterator[Evidence]:
    """Weigh each pair (see the module's docstring).  The context profiles
    and the neighbours cost the most, so they are read only for a pair
    whose other evidence leaves the verdict open."""
    for evidence, asks in weigh(pairs, postings, outlets, contexts, config, neighbours is not None):
        yield decide(evidence, neighbours()) if asks else evidence


def mine(
    searcher,
    config: MinerConfig = MinerConfig(),
    only: frozenset[str] | None = None,
    analyzer=None,
    directory: str | Path | None = None,
    workers: int = 1,
    postings: Postings | None = None,
    readers: dict[int, Neighbours] | None = None,
) -> list[Evidence]:
    """The evidence for every candidate pair of an index's stems (with
    ``only``, for the pairs that have one of those stems).  With the
    index's ``directory``, the neighbours are read in ``workers``
    processes (Neighbours.read_ahead).  ``postings``: the stems' lists, if
    already open; ``readers``: the neighbours read so far, by sample size
    (shared with mine_forms, which reads many of the same stems)."""
    postings = postings or Postings(searcher)
    vocabulary = postings.vocabulary()
    pairs = [(a, b) for a, b in candidates(vocabulary, config) if only is None or a in only or b in only]
    leaves = [(a, b) for a, b in rare_candidates(vocabulary, config) if only is None or a in only or b in only]
    rare = {a for a, _ in leaves}
    minority = [(a, b) for a, b in minority_candidates(vocabulary, config)
                if a not in rare and (only is None or a in only or b in only)]
    if not pairs and not leaves and not minority:
        return []
    readers = {} if readers is None else readers

    def reader(sample: int) -> Neighbours:
        """The neighbours read from ``sample`` articles of each stem: one
        reader a sample size, so that stems two tests read alike are read once."""
        return _reader(readers, sample, searcher, postings, config, analyzer)

    neighbours, rare_neighbours = reader(config.neighbour_sample), reader(config.rare_sample)
    contexts: list[Contexts] = []

    def context() -> Contexts:  # read only if a pair needs it
        if not contexts:
            contexts.append(Contexts(postings, vocabulary, config))
        return contexts[0]

    weighed = list(weigh(pairs, postings, Outlets(searcher), context, config, neighbours=True))
    sure = [sure_leaf(a, b, config) for a, b in leaves]
    if directory is not None:
        asked = [(e.a, e.b) for e, asks in weighed if asks]
        unsure = [pair for pair, s in zip(leaves, sure) if not s]
        if rare_neighbours is neighbours:
            asked += unsure
        else:
            rare_neighbours.read_ahead({stem for pair in unsure for stem in pair}, directory, workers)
        neighbours.read_ahead({stem for pair in asked for stem in pair}, directory, workers)
    evidence = [decide(e, neighbours) if asks else e for e, asks in weighed]
    for (a, b), is_sure in zip(leaves, sure):
        if is_sure:
            evidence.append(Evidence(a, b, vocabulary[a], vocabulary[b], same=True, leaf=True))
        else:
            evidence.append(replace(decide(Evidence(a, b, vocabulary[a], vocabulary[b]), rare_neighbours), leaf=True))
    joined = {(e.a, e.b) for e in evidence if e.same} | {(e.b, e.a) for e in evidence if e.same}
    minority = [pair for pair in minority if pair not in joined]  # the evidence above has joined these
    if minority:
        wide = reader(config.minority_sample)
        if directory is not None:
            wide.read_ahead({stem for pair in minority for stem in pair}, directory, workers)
        for a, b in minority:
            share = wide.containment(a, b)
            evidence.append(Evidence(a, b, vocabulary[a], vocabulary[b], neighbours=share,
                                     same=share >= config.minority_share, leaf=True))
    return evidence


@dataclass(frozen=True)
class FormLeaf:
    """A spelling the archive hardly writes, or a few articles write where
    most write another, that the stemmer cuts where its usual spelling
    stays whole (كرونا → رون beside كورونا, الكامرون → كامر beside
    الكاميرون), so that no pair of stems can join them: its written forms
    are searched as written with the usual stem, and the usual stem with
    them."""

    core: str  # the rare spelling, its proclitics off
    usual: str  # the usual spelling's stem
    forms: tuple[str, ...]  # how the articles write the rare one (EXACT_FIELD terms), the commonest first
    df: int  # articles of those forms (near enough: their sum)
    usual_df: int  # ... and of the usual spelling's
    neighbours: float | None = None  # the cosine (in fewer than min_df articles) or the share, where read
    same: bool = False


# A usual spelling is its stem with at most a name's final ا or يا after it
# (كورونا, كاميرا → كامير, نيجيريا → نيجير): a word with an ending of grammar
# or a pronoun is not a name the stemmer kept whole.
_USUAL_ENDS = ("", "ا", "يا")
# The runs of proclitics a written form may start with.
_PROCLITICS = frozenset(("", *default_prefixes()))
_PROCLITIC_LENGTHS = sorted({len(p) for p in _PROCLITICS})


def _without_proclitics(word: str) -> Iterator[str]:
    """``word`` with each run of proclitics it starts with taken off, the
    shortest run first (the word itself, then وبالكرونا's بالكرونا, ...,
    كرونا)."""
    for length in _PROCLITIC_LENGTHS:
        if word[:length] in _PROCLITICS:
            yield word[length:]


# Endings of grammar that a long vowel written in makes of a word's last
# letters: the nisba's يا, a dual's or a plural's ان ون ين ات.
_GRAMMAR_ENDS = ("يا", "ان", "ون", "ين", "ات")


def _ending_apart(rare: str, usual: str) -> bool:
    """Whether ``rare`` ends in an ending of grammar that ``usual`` does not
    (احتجاجيا / احتجاجا, سريلانكيا / سريلانكا, يتزوجان / يتزوجن): an
    adjective beside its noun, a dual beside a plural, not a name's
    spelling (كامرون / كاميرون end alike)."""
    return any(rare.endswith(end) and not usual.endswith(end) for end in _GRAMMAR_ENDS)


def _hardly_written_spelling(rare: str, n: int, word: str, df: int, config: MinerConfig) -> bool:
    """Whether ``rare``, written in ``n`` articles, may be a spelling of
    ``word``, whose stem is in ``df``, that few articles write: by the
    numbers (in min_df articles or more, only if the minority's test is
    on), the lexicon, the patterns and the endings."""
    few = n < config.min_df or config.minority_share is not None
    return (0 < n and few and df >= config.usual_floor(n, len(rare)) and zipf(rare) < config.rare_word_zipf
            and not one_root(rare, word) and not _ending_apart(rare, word))


def form_candidates(
    exact: Iterable[str],
    frequency: Callable[[str], int],
    vocabulary: Mapping[str, int],
    stem_of: Callable[[str], str | None],
    config: MinerConfig = MinerConfig(),
) -> Iterator[FormLeaf]:
    """The form leaves a shape allows (evidence aside): a word in a few
    articles with any proclitics (كرونا, بالكرونا), respelled
    (respellings) from a word whose stem is in enough articles (usual_floor)
    and is that word less at most a name's final letters, that the lexicon
    does not know, and whose written forms the stemmer cuts to stems that
    are neither the usual one nor a rare respelling of it (which the stems'
    own leaves join).  ``exact``: the written forms; ``frequency``: the
    articles of one; ``vocabulary``: the stems and their articles;
    ``stem_of``: the index's stem of a written form."""
    written: dict[str, list[str]] = defaultdict(list)  # a word -> its written forms
    for form in dict.fromkeys(exact):  # a form of several segments once
        for rest in _without_proclitics(form):
            if len(rest) >= config.rare_min_length:
                written[rest].append(form)
    counts: dict[str, int] = {}

    def articles(word: str) -> int:
        if word not in counts:
            counts[word] = sum(frequency(f) for f in written[word])
        return counts[word]

    best: dict[str, tuple[int, str]] = {}  # rare word -> (usual's articles, usual stem)
    for usual, df in vocabulary.items():
        if df < config.min_df or len(usual) < config.min_length or not _LETTERS.issuperset(usual):
            continue
        for end in _USUAL_ENDS:
            word = usual + end
            if word not in written or (end and zipf(usual) >= config.rare_word_zipf):
                continue  # not written; or an accusative's alif (استنكارا), not a name's (كاميرا)
            options = [r for r in respellings(word) if r in written and best.get(r, (0, ""))[0] < df]
            if not options or stem_of(word) != usual:
                continue
            for rare in options:
                if _hardly_written_spelling(rare, articles(rare), word, df, config):
                    best[rare] = (df, usual)
    for rare, (usual_df, usual) in sorted(best.items()):
        forms = []
        for form in sorted(written[rare], key=lambda f: (-frequency(f), f)):
            stem = stem_of(form)
            if stem is None or stem == usual or zipf(form) >= config.rare_word_zipf:
                continue
            if stem == rare or (stem in respellings(usual) and vocabulary.get(stem, 0) < config.min_df):
                continue  # a stem the stems' own leaves weigh
            forms.append(form)
        if forms:
            yield FormLeaf(rare, usual, tuple(forms), sum(frequency(f) for f in forms), usual_df)


def _sure_form(leaf: FormLeaf, config: MinerConfig) -> bool:
    """Whether a form leaf needs no neighbours: long (rare_sure_length) less
    the letters that may be proclitics (بالفاعل beside بالفعل is ب + ال +
    فاعل, two words; باناثيناكوس is long either way)."""
    *_, core = _without_proclitics(leaf.core)  # the longest run off
    return len(core) >= config.rare_sure_length


def _stemmer(analyzer) -> Callable[[str], str | None]:
    """The index's stem of a written form (None if it is not one term)."""
    def stem_of(form: str) -> str | None:
        stems = [t.text for t in analyzer(form, mode="query")]
        return stems[0] if len(stems) == 1 else None

    return stem_of


def mine_forms(
    searcher,
    config: MinerConfig = MinerConfig(),
    only: frozenset[str] | None = None,
    analyzer=None,
    directory: str | Path | None = None,
    workers: int = 1,
    postings: Postings | None = None,
    readers: dict[int, Neighbours] | None = None,
) -> list[FormLeaf]:
    """The form leaves of an index (with ``only``, those with a stem of
    ``only``), each decided as the stems' leaves are: one in fewer than
    min_df articles, by its shape if long (rare_sure_length), else by the
    cosine of its neighbours and the usual stem's (rare_sample,
    neighbour_min); one in more, by the share of its neighbours that stand
    by the usual stem too (minority_sample, minority_share)."""
    analyzer = analyzer or searcher.schema[FIELD].analyzer
    postings = postings or Postings(searcher)
    vocabulary = postings.vocabulary()
    exact = Postings(searcher, EXACT_FIELD)

    stem_of = _stemmer(analyzer)
    stems_of: dict[str, frozenset[str]] = {}
    found = []
    for leaf in form_candidates(exact.terms(), exact.frequency, vocabulary, stem_of, config):
        stems = frozenset(filter(None, map(stem_of, leaf.forms)))
        if only is None or leaf.usual in only or stems & only:
            stems_of[leaf.core] = stems
            found.append(leaf)
    readers = {} if readers is None else readers
    neighbours = _reader(readers, config.rare_sample, searcher, postings, config, analyzer)
    wide = _reader(readers, config.minority_sample, searcher, postings, config, analyzer)
    few = [leaf for leaf in found if leaf.df >= config.min_df]
    unsure = [leaf for leaf in found if leaf.df < config.min_df and not _sure_form(leaf, config)]
    if directory is not None:
        neighbours.read_ahead({leaf.usual for leaf in unsure}, directory, workers)
        wide.read_ahead({leaf.usual for leaf in few}, directory, workers)
    out = []
    for leaf in found:
        if leaf.df < config.min_df and _sure_form(leaf, config):
            out.append(replace(leaf, same=True))
            continue
        docs = np.unique(np.concatenate([exact.docs(form) for form in leaf.forms]))
        if leaf.df >= config.min_df:  # a spelling a few articles write (minority_share)
            share = wide.form_containment(leaf, docs, stems_of[leaf.core])
            out.append(replace(leaf, neighbours=share, same=share >= config.minority_share))
        else:
            overlap = neighbours.form_similarity(leaf, docs, stems_of[leaf.core])
            out.append(replace(leaf, neighbours=overlap, same=overlap >= config.neighbour_min))
    return out


def _reader(readers: dict[int, Neighbours], sample: int, searcher, postings: Postings, config: MinerConfig,
            analyzer) -> Neighbours:
    if sample not in readers:
        sampled = replace(config, neighbour_sample=sample)
        readers[sample] = Neighbours(searcher, postings, postings.vocabulary(), sampled, analyzer)
    return readers[sample]


def _segments(searcher) -> list[str]:
    return sorted(sub.reader().segment().segment_id() for sub, _offset in searcher.leaf_searchers())


def _terms(searcher, segment_ids: set[str]) -> frozenset[str]:
    terms = set()
    for sub, _offset in searcher.leaf_searchers():
        leaf = sub.reader()
        if leaf.segment().segment_id() in segment_ids:
            terms.update(t.decode("utf-8") if isinstance(t, bytes) else t for t, _info in leaf.iter_field(FIELD))
    return frozenset(terms)


def update(
    directory: str | Path, ix, config: MinerConfig = MinerConfig(), analyzer=None, workers: int = 1
) -> int:
    """Mine ``ix`` and save its spellings in ``directory``; the number of
    pairs kept.  After an add only the pairs with a stem of the new
    segments are weighed again (the others' evidence has barely moved);
    a build, or a table mined under other settings, is mined whole.
    ``analyzer``: the one the index was just written with, if at hand;
    ``workers``: processes that read the neighbours, each opening the
    index in ``directory`` (so only where ``ix`` is that index)."""
    previous = _read(directory)
    with ix.searcher() as searcher:
        segments = _segments(searcher)
        mined = set(previous.get("segments", ())) if previous.get("config") == _as_json(config) else set()
        articles = searcher.doc_count_all()
        if mined and mined <= set(segments):
            new = _terms(searcher, set(segments) - mined)
            kept = {tuple(p) for p in previous.get("pairs", ()) if p[0] not in new and p[1] not in new}
            leaves = {p[0]: tuple(p) for p in previous.get("leaves", ()) if p[0] not in new and p[1] not in new}
            stem_of = _stemmer(analyzer or searcher.schema[FIELD].analyzer)
            forms = {p[0]: p for p in previous.get("forms", ())
                     if p[1] not in new and not new.intersection(map(stem_of, p[2]))}
        else:
            new, kept, leaves, forms = None, set(), {}, {}
        if new is None or new:
            postings, readers = Postings(searcher), {}
            evidence = mine(searcher, config, new, analyzer, directory, workers, postings, readers)
            found = mine_forms(searcher, config, new, analyzer, directory, workers, postings, readers)
        else:
            evidence, found = [], []
    kept.update((e.a, e.b) for e in evidence if e.same and not e.leaf)
    leaves.update((e.a, (e.a, e.b, leaf_weight(e.df_a, e.df_b, articles, config.rare_share)))
                  for e in evidence if e.same and e.leaf)
    forms.update((f.core, [f.core, f.usual, list(f.forms), leaf_weight(f.df, f.usual_df, articles, config.rare_share)])
                 for f in found if f.same)
    _write(directory, {"config": _as_json(config), "segments": segments, "pairs": sorted(kept),
                       "leaves": sorted(leaves.values()), "forms": sorted(forms.values())})
    return len(kept) + len(leaves) + len(forms)


def leaf_weight(rare_df: int, common_df: int, articles: int, share: float = MinerConfig.rare_share) -> float:
    """The boost that scores a hardly written spelling as ``share`` of its
    usual one (by the ratio of their idfs, as Whoosh's BM25 weighs them):
    else its one article, with the idf of a word in one article, comes
    first in every search for the usual spelling."""
    def idf(df: int) -> float:
        return math.log(max(articles, 1) / (df + 1)) + 1

    return round(share * min(1.0, idf(common_df) / idf(rare_df)), 4)


def _as_json(config: MinerConfig) -> dict:
    return json.loads(json.dumps(asdict(config)))


def _read(directory: str | Path) -> dict:
    try:
        with open(Path(directory) / FILE, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(directory: str | Path, data: dict) -> None:
    """Atomically: a searcher reading the old table while an add writes the
    new one reads one or the other."""
    path = Path(directory) / FILE
    tmp = path.with_name(f".{FILE}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class Spellings:
    """A loaded table: each stem's other spellings.

    Spellings join through shared ones (إنجلترا، إنكلترا، إنغلترا), up to
    ``max_group``: a longer chain is more likely to run from one word to
    another through near spellings, so its stems keep only their direct
    pairs.  A hardly written spelling (a leaf: stem, usual stem, weight)
    joins its usual spelling's group without counting towards it, and is
    searched with its weight as a boost."""

    def __init__(self, pairs: Iterable[Iterable[str]] = (), max_group: int = MinerConfig.max_spellings,
                 leaves: Iterable[tuple[str, str, float]] = (),
                 forms: Iterable[tuple[str, str, Iterable[str], float]] = ()) -> None:
        neighbours: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            neighbours[a].add(b)
            neighbours[b].add(a)
        self._others: dict[str, tuple[str, ...]] = {}
        for stem in neighbours:
            if stem in self._others:
                continue
            group, todo = {stem}, [stem]
            while todo:
                for other in neighbours[todo.pop()]:
                    if other not in group:
                        group.add(other)
                        todo.append(other)
            for member in group:
                others = group - {member} if len(group) <= max_group else neighbours[member]
                self._others[member] = tuple(sorted(others))
        self._weights: dict[str, float] = {}
        added: dict[str, set[str]] = defaultdict(set)  # usual stem -> its leaves
        for leaf, usual, weight in leaves:
            if leaf == usual or usual in self._others.get(leaf, ()):
                continue  # one group through the pairs already: the evidence for a pair outweighs
            # A stem of the pairs joins too when its group lacks the usual
            # spelling: بروتكول and برتوكول, a pair of two rare spellings of
            # بروتوكول, each a leaf of it.
            if leaf not in self._others:
                self._weights[leaf] = weight
            added[usual].add(leaf)
        for usual, new in added.items():
            group = {usual, *self._others.get(usual, ())}
            for member in group:
                self._others[member] = tuple(sorted({*self._others.get(member, ()), *new}))
            for leaf in new:
                self._others[leaf] = tuple(sorted(({*self._others.get(leaf, ())} | group | new) - {leaf}))
        # Form leaves (FormLeaf): the written forms searched with a usual
        # stem's group, and the usual stem searched for each form.
        self._forms: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self._shown: dict[str, list[str]] = defaultdict(list)  # a form of each leaf
        self._usual: dict[str, str] = {}  # the rare word, its proclitics off -> the usual stem
        self._leaf: dict[str, str] = {}  # a written form, or the rare word itself -> the rare word
        for core, usual, written, weight in forms:
            if core in self._usual:
                continue
            self._usual[core] = usual
            self._leaf[core] = core
            group = sorted({usual, *self._others.get(usual, ())})
            for form in written:
                self._leaf.setdefault(form, core)
                for member in group:
                    self._forms[member].append((form, weight))
            for member in group:  # the rare word bare, if an article writes it so
                self._shown[member].append(core if core in written else written[0])

    def __len__(self) -> int:
        return len(self._others)

    def others(self, stem: str) -> tuple[str, ...]:
        """The other spellings of ``stem`` (none if it has one spelling)."""
        return self._others.get(stem, ())

    def weight(self, stem: str) -> float:
        """The boost ``stem`` is searched with as another word's spelling."""
        return self._weights.get(stem, 1.0)

    def forms(self, stem: str) -> tuple[tuple[str, float], ...]:
        """The written forms (with their boosts) searched as written with
        ``stem``: the form leaves of its group."""
        return tuple(self._forms.get(stem, ()))

    def shown(self, stem: str) -> tuple[str, ...]:
        """A written form of each form leaf of ``stem``'s group (the rare
        word bare if an article writes it so, else its commonest form):
        what a page shows of them."""
        return tuple(self._shown.get(stem, ()))

    def leaf(self, form: str) -> str | None:
        """The rare word of the form leaf a written form is of, if any: as
        the table lists the form, or with other proclitics (هولاندا, where
        the articles write وهولاندا)."""
        if form in self._leaf:
            return self._leaf[form]
        return next((rest for rest in _without_proclitics(form) if rest in self._usual), None)

    def usual(self, form: str) -> str | None:
        """The usual stem a written form is a form leaf of, if any."""
        leaf = self.leaf(form)
        return self._usual[leaf] if leaf is not None else None

    @classmethod
    def load(cls, directory: str | Path) -> "Spellings":
        """The table saved beside an index; empty if it has none (an index
        built before spellings were mined)."""
        data = _read(directory)
        pairs = data.get("pairs", ())
        leaves = data.get("leaves", ())
        forms = data.get("forms", ())
        return cls((p for p in pairs if isinstance(p, list) and len(p) == 2),
                   leaves=(tuple(p) for p in leaves if isinstance(p, list) and len(p) == 3),
                   forms=(tuple(p) for p in forms if isinstance(p, list) and len(p) == 4))
