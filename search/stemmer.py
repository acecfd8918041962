"""Light stemming of normalized Arabic words with Tashaphyne.

Tashaphyne's ``ArabicLightStemmer`` finds every place where a word could be
cut into proclitics, stem and suffixes (its affix trees).  Shipped as is, it
cuts too deep (القوات→قو, وزارة→زار), so Akhbar gives it affix lists written
for the normalized forms the analyzer produces, and picks among its cuts
with two rules of its own:

* a stem keeps at least ``min_stem`` letters;
* a cut is refused when the word is far more common as a whole than what
  the cut leaves (وزارة is a word, not و + زارة; لبنان is not لبن + ان).  The
  frequencies come from :mod:`search.lexicon`, so "protected words" are not a
  hand-kept list.  The article is the exception: news writes most names and
  nouns with it, so it stays on only where it is the word's own letters
  (إلغاء، ألمانيا; not العراق, which must meet العراقية).  Names that end
  like a plural, a dual or a pronoun keep their letters the same way: a
  plural's ending comes off where the lexicon knows its twin in the other
  case (المسؤولين / المسؤولون, not كلينتون) and the word is no name (not
  بوتين, which news never writes with the article), "our" where the word
  before it is one (بلادنا, not كورونا); and a rarer spelling the lexicon
  does not know keeps the ي or يا its known spelling keeps (كولمبيا, like
  كولومبيا, is not كولمب).

Verb forms that light stemming alone cannot bring together are handled
before and after it, both checked against the lexicon: a third-person
imperfect (يعتبر، وتعتبر، يعتبرون) is indexed under its perfect-like core
(اعتبر) when the lexicon knows ي+X, ت+X and the plural ي+X+ون, and the
perfect's feminine ت comes off (اعتبرت → اعتبر) when what is left is a word
at least as common.

Tashaphyne keeps the word being stemmed inside the stemmer object, so each
thread gets its own instance; results are cached per word, which makes
stemming nearly free after the first few thousand words of a corpus.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from pyarabic import araby
from tashaphyne.stemming import ArabicLightStemmer

from search import normalize as norm
from search.lexicon import seated as lexicon_seated
from search.lexicon import zipf
from search.spelling.respellings import respellings

ARABIC_LETTERS = frozenset(norm.fold(araby.LETTERS))  # the letters of a normalized word

CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ك", "ل")
ARTICLE = ("", "ال")
# How a proclitic run ends where the article is in it: ال, and لل where ل
# stands before it (للوزراء).
DEFINITE = ("ال", "لل")
PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ي")
SECOND_PERSON = ("كما", "كم", "ك")  # longest first: the one an ending ends with
# Feminine, dual, plural and nisba endings (teh marbuta already folded to ه).
ENDINGS = ("ه", "ات", "ان", "ين", "ون", "وا", "ي", "يه", "يا", "يين", "يون", "يات", "تان", "تين")
# Endings that a pronoun can follow: teh marbuta turns back into teh (the
# noon of duals and plurals drops before a pronoun, so those have none).
ENDINGS_BEFORE_PRONOUN = ("ات", "ت", "يات", "يت")
# The nisba's ي and the endings that carry it.  Kept on the stem (see
# StemConfig.keep_nisba), they are not cut: سوري، سورية، السوريين → سوري.
NISBA_ENDINGS = ("ي", "يه", "يا", "يين", "يون", "يات", "يت")


def _join_prefix(conj: str, prep: str, art: str) -> str:
    if prep == "ل" and art == "ال":
        return conj + "لل"
    return conj + prep + art


def default_prefixes() -> tuple[str, ...]:
    return tuple(sorted({_join_prefix(c, p, a) for c, p, a in product(CONJUNCTIONS, PREPOSITIONS, ARTICLE)}))


# The runs of proclitics a written word may start with, "" among them, and their lengths.
_PROCLITIC_RUNS = frozenset(default_prefixes()) | {""}
_PROCLITIC_RUN_LENGTHS = sorted({len(p) for p in _PROCLITIC_RUNS})


def without_proclitics(word: str) -> Iterator[str]:
    """``word`` with each run of proclitics it starts with taken off, the
    shortest run first (the word itself, then وبالكرونا's بالكرونا, ...,
    كرونا)."""
    for length in _PROCLITIC_RUN_LENGTHS:
        if word[:length] in _PROCLITIC_RUNS:
            yield word[length:]


def default_suffixes(keep_nisba: bool = False) -> tuple[str, ...]:
    """The endings Tashaphyne may cut; with ``keep_nisba`` none that takes
    the nisba's ي (nor the pronoun ي, "my", which news hardly writes and
    which ends the same way)."""
    cut = (lambda ending: ending not in NISBA_ENDINGS) if keep_nisba else (lambda ending: True)
    pronouns = tuple(filter(cut, PRONOUNS))
    combos = {e + p for e, p in product(filter(cut, ENDINGS_BEFORE_PRONOUN), pronouns)}
    return tuple(sorted({"", *pronouns, *filter(cut, ENDINGS), *combos}))


# Fields added to StemConfig after indexes were built with it, each with the
# value that is the analysis those indexes were built with (the rule off).
# An index pickles its StemConfig in its schema; a field the pickle lacks
# would otherwise take the class default, and the index's queries would be
# stemmed by a rule its articles were not.
ADDED_FIELDS = {"whole_article_margin": None, "dual_margin": None, "nisba_zipf": None, "plural_nisba": False,
                "imperfect_twin": False, "article_letters": False, "own_heh_zipf": None,
                "paradigm_floor": None, "respelled_after_waw": False}


@dataclass(frozen=True)
class StemConfig:
    """Everything that decides a stem; part of the index schema, so changing
    it means rebuilding the index."""

    prefixes: tuple[str, ...] = field(default_factory=default_prefixes)
    # None: default_suffixes(keep_nisba).
    suffixes: tuple[str, ...] | None = None
    # True keeps the nisba adjective a word of its own, not its noun plus
    # an ending: المدني (civil) apart from المدن (cities), الدوري (the
    # league) from الدور (the role), السوري from سور (a wall); its forms
    # meet on the adjective (سوري، سورية، السوريين، سوريون), and a country
    # written with يا meets its nisba when that is a word (سوريا، روسيا →
    # سوري، روسي).  It takes the spelling evaluation's leak from 0.073 to
    # 0.017 but costs news-titles 0.010 MRR@10 (docs/relevance.md), so the ي
    # is cut like any ending.
    keep_nisba: bool = False
    min_stem: int = 3
    # How much more common (in log10 units) a whole word must be than what a
    # cut leaves for the cut to be refused; None turns protection off.
    proclitic_margin: float | None = 0.0
    # ... but ك (as, like) and ف (so, then) are rare before a word: among
    # wordfreq's 8,000 commonest words a form with either is a median 2.9
    # below the word (99 in 100 more than 0.97 below it), where ب, ل and و
    # are a median 1.4-1.8 below (99 in 100 more than 0.2-0.5 below).  So a
    # word the lexicon knows (word_zipf) that starts with one is cut only
    # where it is at least this much rarer than what is left (an unknown one,
    # كالمارثونات, as before): names and words whose first letter it is stay
    # whole (فيصل not يصل, كمال not مال, فاسد not اسد, كروز not روز), while
    # the clitic forms stay cut (فقال، كجزء، فيجب).  Of the corpus's 340,820
    # written forms 164 change (in 6,102 form-articles), read by eye all
    # such names and words but about 10 clitic forms kept whole (كبديل،
    # كالعادة، فأجاب، فليكن; some 250 form-articles).  None: ك and ف as any
    # proclitic.
    rare_proclitic_margin: float | None = -0.7
    # ... and no proclitic is cut from a word news writes with the article
    # (ال + the whole, a word: word_zipf) more than the rest with it, by
    # this margin: a proclitic never stands after the article, so the
    # letter is the word's own (لسان, كمين, بريد, بنود, وادي, كروي; not
    # لسان → سان, San).  None: by the proclitic's margins alone.
    whole_article_margin: float | None = 0.0
    article_margin: float | None = 1.5
    # ... and then only if the article is the word's own (_article_is_part):
    # the word with another article or as a verb (يلـ) reaches this, or no
    # form of what the cut leaves reaches article_unknown_zipf.
    article_own_zipf: float = 2.0
    article_unknown_zipf: float = 1.0
    suffix_margin: float | None = 1.0
    # What the lexicon must reach for a string to count as a word of its own.
    word_zipf: float = 3.0
    # Third-person imperfect verbs are indexed under their perfect-like core
    # (يكتب، تكتب → كتب; يعتبر → اعتبر; وينتقدون → انتقد) when the lexicon
    # knows the verb: both ي+X and ت+X reach imperfect_zipf and the plural
    # ي+X+ون reaches imperfect_plural_zipf.  None leaves imperfect verbs to
    # the light stemmer.
    imperfect_zipf: float | None = 3.0
    imperfect_plural_zipf: float = 2.5
    # A form far more common than its other-person twin is a word of its own
    # (تونس is not ت + ونس, though يونس is a word and يونسون is not).
    imperfect_margin: float = 1.0
    # A ت-form nearly as common with the article is (also) a verbal noun
    # (تقدم / التقدم, تحدث / التحدث): left to the light stemmer.
    imperfect_noun_margin: float | None = 1.0
    # The perfect's feminine ت (اعلنت → اعلن, كانت → كان) comes off a word
    # no suffix was taken from when what is left is a word that is at least
    # as common (not after ا or و: بنات، بيوت; nor بيروت, far more common
    # than بيرو).
    perfect_feminine: bool = True
    # An ending is cut from a known word only if what is left also takes
    # another ending (or none) in the lexicon, at this level: حكومة → حكوم
    # (حكومات، حكومي), but قانون is not قان + ون, nor فيسبوك فيسبو + ك.
    # None cuts every ending the affix lists allow.
    paradigm_zipf: float | None = 3.0
    paradigm_margin: float = 2.0
    # ... a word the lexicon knows from this level (below word_zipf): what
    # a cut leaves that takes no ending at all in the lexicon, less known
    # than the whole by paradigm_margin, leaves the ending the word's own,
    # however seldom general Arabic writes the word: names (بالوتيلي،
    # اودينيزي، دوتيرتي، صنداي، سامبدوريا), loanwords (ميغاوات،
    # الكربوهيدرات) and words (اشتباه، الطمانينة، تشتبه), which were cut to
    # strings no other form of them has (بالوتيل، اشتبا، طمانين).  None:
    # word_zipf, the rule before.
    paradigm_floor: float | None = 2.5
    # The indefinite accusative's alif (جديدًا، دولارًا، عددًا) comes off
    # when the word without it is a word and this much more common than
    # with it; names that end in alif stay whole (أمريكا، كندا، روما،
    # كوبا: the bare form is rare or rarer).  None keeps the alif.
    accusative_margin: float | None = 0.3
    # ... and, where the bare word is rarer than that (a participle or an
    # adjective news mostly writes in the accusative: محذرًا، مستهدفًا،
    # متورطًا; the bare محذر is rarer than محذرًا), when the lexicon knows
    # the bare word (of four letters or more: a short one is too often
    # another word, درعا / درع, فيلا / فيل) and its feminine or sound
    # plural at this level (محذرة، متورطين), and the whole is not far more
    # common than those (accusative_paradigm_margin): a name that ends in
    # alif has no such forms (فلوريدا، تويوتا) or is far more common than
    # them (كندا beside كندة, كوبا beside كوبون).  None: only the rule above.
    accusative_paradigm_zipf: float | None = 2.5
    accusative_paradigm_margin: float = 1.0
    # The second person's pronoun (كتابك، بلادكم) is rare in news, while ك
    # ends many words and names (اشتباك، معارك، الدنمارك): it comes off only
    # when what is left is a word at least this much more common than the
    # whole.  None cuts it like any pronoun.
    second_person_margin: float | None = 1.0
    # The first person's ي after a feminine ت (حكومتي) and its نا (بلادنا)
    # are cut only where what they follow is a word (_not_mine); False cuts
    # them wherever the affix lists allow (الكويتي → كوي, كورونا → كورو,
    # مكانًا → مكا).
    first_person_checked: bool = True
    # A plural or dual ending (ين، ون، ان) is cut only where the lexicon
    # also knows the word with the other case's ending, at most this much
    # rarer (المسؤولين / المسؤولون, البلدين / البلدان): names that merely
    # end like one have no such twin (الأرجنتين، كلينتون، السودان,
    # البحرين).  None cuts them wherever the affix lists allow.
    number_margin: float | None = 2.0
    # ... and for a word in ان, this much (10 times): news writes a dual far
    # more often in its other case (الطرفين, البلدين), so a word written
    # ten times as often in ان as in ين is not a dual but a broken plural
    # (قطعان، غربان), a verbal noun (ادمان، هيجان، جريان) or a name (حمدان،
    # جرمان، كابلان), which the cut made another word (ادم, Adam; جرم, a
    # crime; كابل, Kabul).  None: number_margin.
    dual_margin: float | None = 1.0
    # A word whose nisba adjective the lexicon knows with the article, at
    # this level, is a noun or a name whose ين، ون or ان are its own
    # letters: a plural or a dual takes no nisba (no المسؤوليني, الطرفاني),
    # a name does (الجابون / الجابوني, الفيليبين / الفيليبيني, طالبان), as
    # do nouns (التعدين / التعديني, الدوران / الدوراني) the cut made other
    # words (طالب, a student; تعد, counts; دور, a role).  None: no such check.
    nisba_zipf: float | None = 1.5
    # A nisba adjective made on a plural in ات is one word in all its forms:
    # its feminine and plurals (الإماراتية، الإماراتيون، الإماراتيات) are
    # stemmed as its masculine (الإماراتي → امار, as الإمارات).  Tashaphyne
    # reads the masculine's اتي as ات + "my" and cuts both, but only the
    # nisba's ending off the others, which kept ات (امارات): الإماراتية
    # did not meet الإمارات, nor الاستخباراتية الاستخبارات, nor الحياتية
    # الحياة.  False: each as Tashaphyne cuts it.
    plural_nisba: bool = True
    # A verb's twin of a word in ون is its subjunctive's وا (يعانون /
    # يعانوا) only where the word starts like an imperfect: the perfect
    # takes وا and never ون, so كانوا (they were) is no twin of كانون (the
    # month of كانون الثاني, which the cut made كان, "was", and so met
    # كانت in 11,610 articles).  False: وا as a twin of any word in ون.
    imperfect_twin: bool = True
    # A word with the article ends in none of the letters that grammar adds
    # to a word without it: no indefinite accusative's alif (جديدًا), no
    # pronoun, no perfect verb's feminine ت (اعلنت).  So where the article
    # was cut, a last ا or ت is the word's own: a name's or a loanword's
    # (الفيفا, البابا, الكنيست, البريكست), a word's (العليا, الكبريت), or
    # the seat of a ء that hurried writing left bare (الوزرا, العلما), which
    # the cut made other words (علي, باب, كنيس, بريكس, كبري, وزر, علم).  And
    # a word the lexicon knows with the article keeps such letters without
    # it, in all its forms (كاميرا and الكاميرات as الكاميرا; بريكست), as
    # it keeps a pronoun's (المساهم and مساهم are not مسا + هم, الدراهم not
    # درا + هم; الوانها, known better as الوان, is still ألوان + ها).
    # False: each letter cut by its own rule, whatever came before.
    article_letters: bool = True
    # Normalization writes ة as ه, so a noun whose ه is its root's (توجيه,
    # ترفيه, تنبيه: تفعيل of وجه, رفه, نبه) reads as a feminine nisba in ية
    # and is cut (توجيه → توج, which توجه and the verb توج give too, while
    # its plural توجيهات stays توجيه).  A word in يه whose plural in ات or
    # nisba in ي the lexicon knows at this level (توجيهات, ترفيهي) keeps its
    # ه: a nisba's feminine takes neither (no عربيهات).  None: cut as any.
    own_heh_zipf: float | None = 2.0
    # A word the lexicon hardly knows keeps the ending unless it has its
    # twin, or some other form of what is left reaches this and the word's
    # own frequency (غريزمان، تيلرسون، كلنتون stay whole).
    number_unknown_zipf: float = 1.0
    # A known word with such an ending is a name, and keeps it, when the
    # lexicon hardly knows it with the article (below this) and knows no
    # feminine of what is left as a word: a plural or a dual of a noun or
    # adjective takes the article (اللاعبين، الطرفين) or has a feminine
    # (جاهزون: جاهزة), a name has neither (بوتين، ماكرون، عفرين، ميسان;
    # بوتان, Bhutan, made بوتين look like a dual).  None: no such check.
    name_article_zipf: float | None = 2.0
    # A word the lexicon does not know, of this many letters or more, keeps
    # an ending ي or يا that a known spelling of it keeps as its own letters
    # (spelling.respellings; _outside_paradigm): كولمبيا stays whole like
    # كولومبيا, زمبابوي like زيمبابوي, تانزانيا like تنزانيا.  Cut, the two
    # spellings had two stems (كولمب, كولومبيا) that the spelling miner could
    # never join.  Of the full corpus's 325,035 written forms 126 change,
    # nearly all names (اوروغواي، يوغسلافيا، نيوجيرزي، سوانسي) and a few
    # verbs with the object ني (جعلوني), whose cut stems were no words
    # either.  None: such words are cut like any other.
    known_spelling_length: int | None = 6
    # More generally, a word the lexicon does not know keeps the letters a
    # cut would take from it where its commonest known respelling
    # (spelling.respellings) is kept whole: a first ك or ف, or a last ون
    # ين ان وا ا يا ي (الكاربون as الكربون, نيكاراجوا as نيكاراغوا,
    # كلفيلاند as كليفلاند), unless it is an inflected word (_inflected:
    # the lexicon knows its other case, معادين / معادون, or it without its
    # alif or nisba, اميركيا / اميركي).  Of the corpus's 340,820 written
    # forms 135 change (324 form-articles), read by eye nearly all names
    # (فلورانس، بينجامين، الاورغواي، كامبالا); some ten are words
    # (المواسين، يهيمون، تلاوين).  Cut, the two spellings had two stems
    # the spelling miner could not join.  False: only the endings above.
    respelled_like_known: bool = True
    # ... and so does the word less a و and a preposition before it, as its
    # bare form does (وكيجالي as كيجالي, والكاربون as الكاربون).  False: the
    # word as written only.
    respelled_after_waw: bool = True
    # A hamza after a kasra is written on its seat (خاطئ, الطوارئ, لاجئ) or,
    # as often in news, after the seat written as a letter (خاطيء,
    # الطواريء, لاجيء; normalized, خاطء beside خاطيء): in the corpus
    # شاطئ / شاطيء in 198 / 18 articles, مبادئ / مباديء 295 / 11, خاطئ /
    # خاطيء 139 / 9.  So a stem that ends in ي and a hamza loses the ي, if
    # three letters are left: شيء (ش + the hamza) keeps it.  False: the ي
    # is kept.
    seat_off: bool = True
    # ... but only where general Arabic writes the word without the ي with
    # its hamza on the seat at least this share of the time (lexicon.
    # seated), or the lexicon does not know that word: خاطء is written
    # خاطئ (1.0), الطوارء الطوارئ (0.999), while جزء (part, 0.002) and مرء
    # (0.43) are written with the hamza on the line, so جزيء (molecule) and
    # المريء (oesophagus) are words of their own, as are the adjectives
    # whose ي is a long vowel beside their nouns (بطيء / بطء 0.44, مليء /
    # ملء 0.36).  None: every such stem loses the ي.
    seat_share: float | None = 0.5

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({**ADDED_FIELDS, **state})  # an older index's pickle: see ADDED_FIELDS

    def suffix_list(self) -> tuple[str, ...]:
        return self.suffixes if self.suffixes is not None else default_suffixes(self.keep_nisba)


_local = threading.local()


def _tashaphyne(config: StemConfig) -> ArabicLightStemmer:
    """This thread's Tashaphyne stemmer for ``config``."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(config)
    if stemmer is None:
        stemmer = ArabicLightStemmer()
        stemmer.set_prefix_letters("".join(sorted({c for p in config.prefixes for c in p})))
        suffixes = config.suffix_list()
        stemmer.set_suffix_letters("".join(sorted({c for s in suffixes for c in s})))
        stemmer.set_prefix_list(list(config.prefixes))
        stemmer.set_suffix_list(list(suffixes))
        stemmers[config] = stemmer
    return stemmer


def _refused(whole: str, rest: str, margin: float | None) -> bool:
    return margin is not None and zipf(whole) > zipf(rest) + margin


# Endings that show a stem is one: if the stem takes one of these (or
# stands alone) in the lexicon, an ending cut from it is a real ending.
PARADIGM = ("", "ه", "ات", "ي", "يه", "يا", "ين", "ون", "ان", "يون", "يين", "يات")
# The endings of a country beside its nisba adjective (سوريا، سورية / سوري).
COUNTRY_ENDINGS = ("يا", "يه")


def _suffix_refused(whole: str, rest: str, config: StemConfig) -> bool:
    """A stem is rarely a word (حكوم), so only a rest that is a word of its
    own, and a much rarer one, marks the ending as part of the word (لبنان);
    but not a country's ending when its nisba is a word too: سوريا, سورية
    and سوري are one name, though سور is a word."""
    margin = config.suffix_margin
    if margin is None:
        return False
    rest_zipf = zipf(rest)
    if not (rest_zipf >= config.word_zipf and zipf(whole) > rest_zipf + margin):
        return False
    return not (whole[len(rest) :] in COUNTRY_ENDINGS and zipf(rest + "ي") >= config.word_zipf)


def _known_floor(config: StemConfig) -> float:
    """The level from which the lexicon's word says something of its own
    letters: word_zipf, or StemConfig.paradigm_floor below it."""
    floor = config.paradigm_floor
    return config.word_zipf if floor is None else min(floor, config.word_zipf)


def _outside_paradigm(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether ``whole`` is a known word whose supposed ending is part of it:
    what the cut leaves takes no other ending in the lexicon (قانون، فيسبوك).
    A word the lexicon does not know (below StemConfig.paradigm_floor)
    gives no evidence and is cut as usual."""
    threshold = config.paradigm_zipf
    whole_zipf = zipf(whole)
    if threshold is None or whole_zipf < _known_floor(config):
        return False
    # A rarely written word has rarely written siblings: ديموقراطية (3.4)
    # is ديموقراطي (2.8) + ة, though ديموقراطي is below the threshold.
    threshold = min(threshold, whole_zipf - config.paradigm_margin)
    ending = whole[len(rest) :]
    others = [rest + other for other in PARADIGM if other != ending]
    if whole_zipf < config.word_zipf:
        # A word the lexicon hardly knows: no form at all of what is left,
        # with the article or a pronoun (تتبناه beside تتبناها, الطمانينة
        # beside طمانينته) or as a country's nisba (مولدافيا, المولدافي).
        others += ["ال" + form for form in others]
        others += [rest + t + pronoun for t in ("", "ت") for pronoun in PRONOUNS if t + pronoun != ending]
    return all(zipf(form) < threshold for form in others)


# The proclitics news seldom writes before a word (StemConfig.rare_proclitic_margin).
RARE_PROCLITICS = (araby.KAF, araby.FEH)


# The kinds of particle (Tashaphyne's tags) no preposition stands before:
# prepositions (إليه), لدى (لديه, a bare ظرف there), إنّ and its sisters
# (ليته), لكنّ.  Not the adverbs of time and place, which take one (بعدها،
# لأمامه، بضمنها), nor the nouns the list holds (لأخيه، لحماة).
_NO_PREPOSITION_BEFORE = frozenset(("حرف جر", "ظرف", "إن و أخواتها", "حرف استدراك"))


def _kind(entry: dict) -> str:
    """The kind of a Tashaphyne function word, from its tags (أداة:ظرف → ظرف)."""
    tags = (entry.get("tags") or "").split(":")
    return tags[1] if len(tags) > 1 else ""


def _particles_with_a_pronoun() -> frozenset[str]:
    """Tashaphyne's particles with a pronoun attached that no preposition
    stands before (لديه، إليه، لدينا), normalized: ب, ك or ل before such
    letters is the word's own.  بلدية is not ب + لديه (it meets البلدية),
    باليه (ballet) not ب + إليه, كاليه (Calais) not ك + إليه.  Not "my" (ي):
    حوالي "about", علي the name read as words."""
    from tashaphyne.arabicstopwords import STOPWORDS

    return frozenset(norm.normalize(form) for form, entry in STOPWORDS.items()
                     if not entry.get("procletic") and _kind(entry) in _NO_PREPOSITION_BEFORE
                     and norm.strip_marks(entry.get("encletic") or "") not in ("", "ي"))


PARTICLES_WITH_A_PRONOUN = _particles_with_a_pronoun()


def _adverbs() -> frozenset[str]:
    """Tashaphyne's adverbs of place and time without clitics, normalized
    (دون، حول، بعد): a preposition stands before one (بدون is ب + دون)."""
    from tashaphyne.arabicstopwords import STOPWORDS

    return frozenset(norm.normalize(form) for form, entry in STOPWORDS.items()
                     if not entry.get("procletic") and not entry.get("encletic") and _kind(entry).startswith("ظرف"))


ADVERBS = _adverbs()


def _prefix_allowed(word: str, left: int, config: StemConfig) -> bool:
    """Peel the proclitics from the outside in; every step must be allowed."""
    current, prefix = word, word[:left]
    while prefix:
        if prefix.startswith("ال"):
            rest, prefix = current[2:], prefix[2:]
            if _refused(current, rest, config.article_margin) and _article_is_part(current, config):
                return False
            current = rest
            continue
        if prefix.startswith("لل"):
            # ل + ال is written لل: what is left is the definite word.
            rest, margin, prefix = "ال" + current[2:], config.proclitic_margin, "ال" + prefix[2:]
        else:
            margin = config.proclitic_margin
            rare = config.rare_proclitic_margin
            if margin is not None and rare is not None and prefix[0] in RARE_PROCLITICS and zipf(current) >= config.word_zipf:
                margin = rare
            letter, rest, prefix = prefix[0], current[1:], prefix[1:]
            if letter in PREPOSITIONS and rest in PARTICLES_WITH_A_PRONOUN:
                return False
            if _whole_takes_article(current, rest, config):
                return False
        if _refused(current, rest, margin):
            return False
        current = rest
    return True


def _siblings(word: str) -> set[str]:
    """The word and its forms with another ending of PARADIGM (العراقي:
    العراق، العراقية، العراقيين ...)."""
    forms = {word, *(word + other for other in PARADIGM)}
    for ending in PARADIGM:
        if ending and word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.update(word[: -len(ending)] + other for other in PARADIGM)
    return forms


# Endings a perfect verb may carry, taken off before its imperfect is looked up.
_PERFECT_ENDINGS = ("ت", "وا", "نا", "تم", "ه", "ها", "هم", "ته", "تها")


def _article_is_part(word: str, config: StemConfig) -> bool:
    """Whether a leading ال, which the lexicon says is not to be cut, is a
    word's own letters (إلغاء، ألعاب، ألمانيا، ألقى، التزم are written
    الغاء، العاب، المانيا، القي، التزم once normalized).  A word the
    article is usually written with is not one: news writes العراق، الصين
    and السوفيتي far more often than عراق، صين، سوفيتي, yet they are عراقي،
    صيني، سوفيتي with the article, and cutting it is what makes العراق meet
    العراقية.  Its letters are its own when the word takes an article
    itself (الإلغاء، الألعاب، الألماني), when it is a verb (يلتزم، يلقي), or
    when the lexicon knows no form of what the cut would leave."""
    rest = word[2:]
    if max(zipf("ال" + form) for form in _siblings(word)) >= config.article_own_zipf:
        return True
    cores = {rest, *(rest[: -len(e)] for e in _PERFECT_ENDINGS if rest.endswith(e) and len(rest) > len(e) + 1)}
    if max(zipf("يل" + core) for core in cores) >= config.article_own_zipf:
        return True
    return max(zipf(form) for form in _siblings(rest)) < config.article_unknown_zipf


def _whole_takes_article(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether the lexicon knows ``whole`` with the article better than
    what a proclitic's cut would leave (StemConfig.whole_article_margin)."""
    margin = config.whole_article_margin
    if margin is None or rest in ADVERBS:  # البدون (the stateless) is not بدون, ب + دون
        return False
    definite = zipf("ال" + whole)
    # What is left may carry the article already (والدين: و + الدين, and religion).
    other = zipf(rest if rest.startswith("ال") else "ال" + rest)
    return definite >= config.word_zipf and definite > other + margin


def _takes_article(stem: str, config: StemConfig) -> bool:
    """Whether the lexicon knows ``stem`` (or a form of it with another
    ending) with the article before it: a noun whose ال is its own."""
    return max(zipf("ال" + form) for form in _siblings(stem)) >= config.article_own_zipf


def _suffix_allowed(word: str, left: int, right: int, config: StemConfig) -> bool:
    """Judged on the word without its proclitics, so that every clitic form
    of a word (وزارة، الوزارة، بالوزارة) gets the same answer."""
    if right == len(word):
        return True
    whole, rest = word[left:], word[left:right]
    if config.keep_nisba and rest[-1] == "ي" and whole[len(rest) :] in ("ه", "ات"):
        return True  # the nisba's feminine and its plural: عملية، عمليات → عملي
    if whole[len(rest) :] in _HEH_ENDINGS and _own_heh(whole, config):
        return False  # توجيه is not توج + ية: توجيهات
    if config.article_letters and whole.endswith(_PRONOUNS):
        definite = zipf("ال" + whole)
        if definite >= config.word_zipf and definite > zipf("ال" + rest):
            return False  # الدراهم is a word: دراهم is not درا + هم
    return not (
        _outside_paradigm(whole, rest, config)
        or _suffix_refused(whole, rest, config)
        or _not_addressed(whole, rest, config)
        or _not_mine(whole, rest, config)
        or _no_twin(whole, rest, config)
        or _kept_by_known_spelling(whole, rest, config)
    )


# A sound plural's or a dual's ending and its other case's: the nominative
# ون / ان beside the oblique ين, which news writes far more often (and a
# verb's يفعلون beside its يفعلوا).
_TWINS = {
    "ين": ("ون", "ان"),
    "ون": ("ين", "وا"),
    "ان": ("ين",),
    "يين": ("يون",),
    "يون": ("يين",),
    "تين": ("تان",),
    "تان": ("تين",),
}


# The endings a noun or a name may end in and still take the nisba's ي.
_NISBA_TAKERS = ("ين", "ون", "ان")


def _with_article(word: str) -> float:
    """How common a word is, written with the article or without (news
    writes الأرجنتين, المسؤولين far more than the bare forms)."""
    return max(zipf(word), zipf("ال" + word))


def _no_twin(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether a plural or dual ending is a name's own letters: the word
    has no twin in the other case (كلينتون has no كلينتين, الأرجنتين no
    الأرجنتون), while a plural has one (المسؤولين، المسؤولون) and a dual
    too (الطرفين، الطرفان)."""
    margin = config.number_margin
    ending = whole[len(rest) :]
    twins = _TWINS.get(ending)
    if margin is None or twins is None:
        return False
    if ending == "ان" and config.dual_margin is not None:
        margin = config.dual_margin
    if ending in _NISBA_TAKERS and config.nisba_zipf is not None and zipf("ال" + whole + "ي") >= config.nisba_zipf:
        return True
    if _a_name(whole, rest, config):
        return True
    whole_zipf = _with_article(whole)
    if zipf("ال" + whole) > zipf(whole) or (config.imperfect_twin and not whole.startswith(_VERB_STARTS)):
        # Written mostly with the article, it is a noun, whose twin is
        # nominal: not the verb's وا (الغابون has no twin; غابوا is a
        # verb); nor is it a verb's twin unless it starts like an imperfect
        # (StemConfig.imperfect_twin: كانون, not كانوا).
        twins = tuple(twin for twin in twins if twin != "وا")
    twin_zipf = max((_with_article(rest + twin) for twin in twins), default=0.0)
    if whole_zipf < config.word_zipf:
        # A word the lexicon hardly knows is mostly a name (كلنتون beside
        # كلينتون): its ending is cut if the lexicon knows its twin
        # (المتعاملين، المتعاملون), or another form of what is left at least
        # as well as the word (الغواتيماليين: غواتيمالا; not كلنتون: كلنت).
        if twin_zipf > 0 and twin_zipf >= whole_zipf - margin:
            return False
        forms = [rest + other for other in PARADIGM if other not in _TWINS]
        return max(zipf(form) for form in forms) < max(config.number_unknown_zipf, whole_zipf)
    return twin_zipf < whole_zipf - margin


def _singular_in_alif(rest: str, ending: str, config: StemConfig) -> str:
    """The stem of a plural in ات: what is left, or the singular where
    that is a word in ا which keeps its ا (StemConfig.article_letters), so
    that الكاميرات meets الكاميرا, not a stem of its own (كامير)."""
    singular = rest + "ا"
    if ending == "ات" and config.article_letters and not _nisba_alif(singular, config):
        known = zipf(singular)
        # A singular in ة would be commoner (منشأة beside منشأ), and so
        # would a verbal noun in ات (إسكات): a plural is rarer than its word.
        if zipf("ال" + singular) >= config.word_zipf and known > zipf(rest + "ه") and known >= zipf(rest + ending):
            return singular
    return rest


# The endings a word's own last ه may be read as: the feminine's ة (normalized)
# and the nisba's feminine ية (StemConfig.own_heh_zipf).
_HEH_ENDINGS = ("ه", "يه")


def _own_heh(whole: str, config: StemConfig) -> bool:
    """Whether ``whole``, in يه, is a noun whose ه is its own: the lexicon
    knows its plural in ات or its nisba (StemConfig.own_heh_zipf)."""
    floor = config.own_heh_zipf
    return floor is not None and whole.endswith("يه") and max(zipf(whole + "ات"), zipf(whole + "ي")) >= floor


# A perfect verb is never written with the article (كانت 6.3, الكانت 1.7),
# a noun about as often as without it, or more (بريكست 1.9, البريكست 1.7;
# الكنيست 4.0): within this much of the bare word, in zipf.
_ARTICLE_NOUN_MARGIN = 1.0


def _a_noun(word: str, config: StemConfig) -> bool:
    """Whether the lexicon writes ``word`` with the article nearly as often
    as without: a noun, whose last ت is no perfect verb's feminine."""
    definite = zipf("ال" + word)
    return definite >= config.article_unknown_zipf and definite >= zipf(word) - _ARTICLE_NOUN_MARGIN


def _nisba_alif(stem: str, config: StemConfig) -> bool:
    """Whether a last ا is left to the accusative's rule whatever the
    article says: where the nisba is kept (keep_nisba), a word in يا meets
    its nisba's ي by that rule (الجيولوجيا, الجيولوجي), as a country does."""
    return config.keep_nisba and stem.endswith("يا")


# The pronouns a word may end in, which none with the article does (not
# ه, which is also ة written as normalization writes it, nor ي, also the
# nisba's): a word the lexicon knows with the article, better than what a
# cut would leave, does not end in one (StemConfig.article_letters).
_PRONOUNS = tuple(p for p in PRONOUNS if p not in ("ه", "ي"))


# How an imperfect verb starts (يعانون، تبكين، سيأتون، أتعلمون): its plural
# and feminine endings are never a name's letters.
_VERB_STARTS = ("ي", "ت", "سي", "ست", "اي", "ات")


def _a_name(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether a known word that ends like a plural or a dual is a name (see
    StemConfig.name_article_zipf)."""
    floor = config.name_article_zipf
    if floor is None or zipf(whole) < config.word_zipf or whole.startswith(_VERB_STARTS):
        return False
    feminine = max(zipf(form) for base in (rest, "ال" + rest) for form in (base + "ه", base + "ات"))
    return zipf("ال" + whole) < floor and feminine < config.word_zipf


# The endings a name's known spelling may keep as its own letters (see
# StemConfig.known_spelling_length): a country's يا, the ي of a name.
_NAME_ENDINGS = ("ي", "يا")


def _kept_by_known_spelling(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether a word the lexicon does not know keeps its ending because a
    known spelling of it keeps it (StemConfig.known_spelling_length)."""
    length = config.known_spelling_length
    ending = whole[len(rest) :]
    if length is None or ending not in _NAME_ENDINGS or len(whole) < length or zipf(whole) >= config.word_zipf:
        return False
    return any(
        other.endswith(ending)
        and zipf(other) >= config.word_zipf
        and _outside_paradigm(other, other[: -len(ending)], config)
        for other in respellings(whole)
    )


def _not_mine(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether an ending read as the first person's pronoun is the end of a
    word or name instead: ي "my" after a feminine ت (حكومتي = حكومة + ي)
    where الكويتي is كويت + ي, not كوي + تي, and البيروتي not بيرو + تي; نا
    "our" (بلادنا، حكومتنا) where كورونا، فيينا، مادونا are names, and مكانًا
    is مكان + the accusative's alif.  The pronouns are rare in news, so they
    come off only where the word before them, a ة written back, is one
    (حكومة، سيارات، بلاد)."""
    ending = whole[len(rest) :]
    if not config.first_person_checked:
        return False
    if ending.endswith("تي"):
        base = whole[:-1]  # the word before the pronoun
        # Before a pronoun ة is written ت (حكومتي) and the plural keeps its ات.
        return zipf(base if ending.endswith("اتي") else base[:-1] + "ه") < config.word_zipf
    if ending.endswith("نا"):
        # ... and is more common than the whole (فيي, a typing slip of في,
        # is not the base of فيينا).
        base = whole[:-2]
        feminine = base[:-1] + "ه" if base.endswith("ت") and not base.endswith("ات") else base
        base_zipf = max(zipf(base), zipf(feminine))
        return base_zipf < config.word_zipf or base_zipf < zipf(whole)
    return False


def _not_addressed(whole: str, rest: str, config: StemConfig) -> bool:
    """Whether a cut of the second person's pronoun leaves no word that
    could be addressed: اشتباك is not اشتبا + ك, كتابك is كتاب + ك (and
    حكومتكم حكومة + كم, its ة written ت before the pronoun)."""
    margin = config.second_person_margin
    ending = whole[len(rest) :]
    if margin is None or not ending.endswith(SECOND_PERSON):
        return False
    pronoun = next(p for p in SECOND_PERSON if ending.endswith(p))
    base = whole[: len(whole) - len(pronoun)]
    base_zipf = max(zipf(base), zipf(base[:-1] + "ه")) if base.endswith("ت") else zipf(base)
    return base_zipf < config.word_zipf or base_zipf < zipf(whole) + margin


# What may come before an imperfect verb's person prefix: a conjunction, then
# the future سـ or the lam of purpose (وسيعتبر، ليكون، فتقع).
VERB_PROCLITICS = ("", "و", "ف", "س", "ل", "وس", "ول", "فس", "فل")
# Subject endings, alone or followed by an object pronoun.
_SUBJECTS = ("", "ون", "وا", "ان", "ين")
_OBJECTS = ("", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ني")
VERB_SUFFIXES = tuple(
    sorted(
        {subject + obj for subject in _SUBJECTS for obj in _OBJECTS if not (subject == "وا" and obj)}
        | {"و" + obj for obj in _OBJECTS if obj},
        key=len,
        reverse=True,
    )
)


def _plural(core: str) -> float:
    """How common the third-person plural of the imperfect ي+core is
    (يعتبرون; a final weak letter drops: يسمي → يسمون)."""
    best = zipf("ي" + core + "ون")
    if core[-1] in "يا":
        best = max(best, zipf("ي" + core[:-1] + "ون"))
    return best


def _perfect(core: str) -> str:
    """The form imperfects are indexed under: the verb's core (يكتب، تكتب → كتب;
    يتعلم → تعلم, which is also the perfect), with the alef back on the
    derived forms whose perfect starts with one (ينتقد → انتقد, يستخدم →
    استخدم, يعتبر → اعتبر, يضطر → اضطر, يزدهر → ازدهر)."""
    if len(core) < 4 or core[0] == "ا":
        return core
    first, second = core[0], core[1]
    if first == "ن" or core.startswith("ست") or second == "ت":
        return "ا" + core
    if (second == "ط" and first in "صضط") or (second == "د" and first in "زد"):
        return "ا" + core
    return core


def imperfect_core(word: str, config: StemConfig) -> str | None:
    """The perfect-like form of ``word`` if it reads as an imperfect verb of
    the third person (ي/ت), whose twin forms and plural the lexicon knows."""
    threshold = config.imperfect_zipf
    for proclitic in VERB_PROCLITICS:
        if not word.startswith(proclitic):
            continue
        rest = word[len(proclitic) :]
        if rest[:1] not in ("ي", "ت"):
            continue
        for suffix in VERB_SUFFIXES:
            if suffix and not rest.endswith(suffix):
                continue
            core = rest[1 : len(rest) - len(suffix)]
            if len(core) < 3 or not all(c in ARABIC_LETTERS for c in core):
                continue
            he, she = zipf("ي" + core), zipf("ت" + core)
            if min(he, she) < threshold or _plural(core) < config.imperfect_plural_zipf:
                continue
            whole, twin = (he, she) if rest[0] == "ي" else (she, he)
            if whole > twin + config.imperfect_margin:
                continue
            noun_margin = config.imperfect_noun_margin
            if rest[0] == "ت" and noun_margin is not None and zipf("ال" + "ت" + core) >= she - noun_margin:
                return None  # a verbal noun too (تقدم، التقدم): left to the light stemmer
            if rest[0] == "ت" and not suffix and zipf("ي" + rest) > he:
                # تعلم reads better as the perfect of يتعلم than as تـ + علم.
                return rest
            return _perfect(core)
    return None


# StemConfig.seat_off: a hamza's seat written as a letter before it.
HAMZA = araby.HAMZA
SEATED_HAMZA = araby.YEH + araby.HAMZA

# StemConfig.respelled_like_known: the letters of the known respelling's
# whole stem and of the word kept whole, at least (shorter ones are too often
# another word: كواجب beside كواكب); the endings a name may end with; and the
# lexicon's level for a word's other case (معادون beside معادين), enough
# alone at the second, or with what the cut leaves a word (نادي in ناديين).
KNOWN_WHOLE_LENGTH = 5
KNOWN_KEPT_LENGTH = 6
NAME_ENDINGS_CUT = ("ون", "ين", "ان", "وا", "ا", "يا", "ي")
TWIN_KNOWN_ZIPF = 1.5
TWIN_SURE_ZIPF = 2.5


# The conjunction و and a preposition after it, which a word may start with,
# the longest first (the article after them is _kept_like_known's to judge).
# Not ف, ب, ك or ل alone: a name's own first letter as often (باولسون,
# لويجيان, فارامين).
_CLITIC_RUNS = tuple(sorted((araby.WAW + p for p in PREPOSITIONS), key=len, reverse=True))


def _name_cut(kept: str, stem: str) -> tuple[str, str] | None:
    """What a cut of ``kept`` to ``stem`` took before and after it, if it
    could be a name's own letters (Stemmer._kept_like_known)."""
    if len(kept) < KNOWN_KEPT_LENGTH or len(kept) <= len(stem):
        return None
    start = kept.find(stem)
    if start < 0:
        return None
    head, tail = kept[:start], kept[start + len(stem) :]
    return (head, tail) if head in ("", *RARE_PROCLITICS) and tail in ("", *NAME_ENDINGS_CUT) else None


def _inflected(word: str, ending: str, config: StemConfig) -> bool:
    """Whether the lexicon knows ``word`` with another case of its plural
    or dual ending (معادين / معادون), or without its accusative alif or
    nisba (اميركيا / اميركي): an inflected word, not a name."""
    base = word[: -len(ending)]
    if ending in ("ا", "يا", "ي"):
        return zipf(word[:-1]) >= TWIN_KNOWN_ZIPF
    twin = max(zipf(base + other) for other in _TWINS.get(ending, ("ون",)))
    return twin >= TWIN_SURE_ZIPF or (twin >= TWIN_KNOWN_ZIPF and zipf(base) >= config.word_zipf)


# A nisba made on a plural in ات: its masculine, its other endings after
# it (teh marbuta folded to ه), and the letters of that plural's word,
# proclitics included, at least.
_MASCULINE_ON_PLURAL = "اتي"
_NISBA_ON_PLURAL = tuple(_MASCULINE_ON_PLURAL + ending for ending in ("ه", "ين", "ون", "ات"))
_PLURAL_WITH_NISBA = 5


def _masculine_of_nisba(word: str) -> str | None:
    """The masculine of a nisba adjective made on a plural in ات
    (الإماراتية → الإماراتي; StemConfig.plural_nisba), if ``word`` is one of
    its other forms."""
    for ending in _NISBA_ON_PLURAL:
        masculine = word[: len(word) - len(ending) + len(_MASCULINE_ON_PLURAL)]
        if word.endswith(ending) and len(masculine) - 1 >= _PLURAL_WITH_NISBA:  # less its ي: the plural
            return masculine
    return None


class Stemmer:
    """Stems normalized words under one :class:`StemConfig`; safe to share
    between threads."""

    def __init__(self, config: StemConfig | None = None) -> None:
        self.config = config or StemConfig()
        self.stem = lru_cache(maxsize=300_000)(self._stem)

    def __reduce__(self):
        return (Stemmer, (self.config,))

    def _stem(self, word: str, own_article: int | None = None) -> str:
        """``own_article``: where the word's own ال begins, written with a
        hamza (OwnArticleFilter); no proclitic is cut past it if the word
        takes the article itself (_takes_article: ألوان as الألوان, ألماني
        as الألماني).  A name that never does (ألفارو، أليكس) is cut as
        before, so that it meets its spelling without the hamza (الفارو)."""
        masculine = _masculine_of_nisba(word) if self.config.plural_nisba else None
        if masculine is not None:
            return self.stem(masculine, own_article)
        stem = self._light(word, own_article) if own_article is not None else None
        if stem is None or not _takes_article(stem, self.config):
            stem = self._light(word)
        if self.config.seat_off and stem.endswith(SEATED_HAMZA) and len(stem) > self.config.min_stem:
            seated = stem[:-2] + HAMZA  # خاطيء as خاطئ, لاجيء as لاجئ
            share, floor = lexicon_seated(seated), self.config.seat_share
            if floor is None or share is None or share >= floor:
                return seated
        return stem

    def _light(self, word: str, own_article: int | None = None) -> str:
        config = self.config
        if len(word) <= config.min_stem or not all(c in ARABIC_LETTERS for c in word):
            return word
        if config.imperfect_zipf is not None and own_article is None:
            verb = imperfect_core(word, config)
            if verb is not None:
                return verb
        stem = self._cut(word, own_article)
        if stem != word and config.respelled_like_known and zipf(word) < config.word_zipf:
            kept = self._kept_like_known(word, stem, own_article)
            if kept is None and config.respelled_after_waw:
                kept = self._clitic_kept_like_known(word, stem, own_article)
            if kept is not None:
                return kept
        return stem

    def _clitic_kept_like_known(self, word: str, stem: str, own_article: int | None = None) -> str | None:
        """_kept_like_known of ``word`` less the و (and a preposition) it
        starts with, so that a name's forms with و keep what its bare form
        keeps (وكيجالي, وبالكاربون as كيجالي, الكاربون)."""
        for run in _CLITIC_RUNS:
            bare = word[len(run) :]
            if not word.startswith(run) or zipf(bare) >= self.config.word_zipf:
                continue
            if own_article is not None and own_article < len(run):
                continue
            kept = self._kept_like_known(bare, stem, None if own_article is None else own_article - len(run))
            if kept is not None:
                return kept
        return None

    def _cut(self, word: str, own_article: int | None = None) -> str:
        config = self.config
        segments = _tashaphyne(config).segment(word)
        lefts = sorted({left for left, _ in segments}, reverse=True)
        for left in lefts:
            if own_article is not None and left > own_article:
                continue
            if len(word) - left < config.min_stem or not _prefix_allowed(word, left, config):
                continue
            rights = sorted(right for l, right in segments if l == left)
            definite = config.article_letters and word[:left].endswith(DEFINITE)
            for right in rights:
                if right - left >= config.min_stem and _suffix_allowed(word, left, right, config):
                    if right == len(word):
                        return self._bare(word[left:], definite)
                    return _singular_in_alif(word[left:right], word[right:], config)
            return self._bare(word[left:], definite)
        return self._bare(word)

    def _kept_like_known(self, word: str, stem: str, own_article: int | None = None) -> str | None:
        """``word`` less its article, if a name's letters were cut from it
        that its commonest known respelling keeps (StemConfig.
        respelled_like_known): ك or ف before it, or an ending of
        NAME_ENDINGS_CUT after it, its respelling's stem whole."""
        cut_article = word.startswith("ال") and own_article != 0  # not a hamza'd alef's ال
        shapes = {kept: _name_cut(kept, stem) for kept in (word, word[2:] if cut_article else "")}
        if not any(shapes.values()):
            return None  # the cut took other letters: a clitic form, not a name's letters
        best_zipf, other = max((zipf(o), o) for o in respellings(word))
        # Known as _outside_paradigm knows a word it keeps whole, and better
        # known than the word (so no two words below word_zipf ask each other).
        if best_zipf < _known_floor(self.config) or best_zipf <= zipf(word):
            return None
        other_stem = self.stem(other)
        # A known word kept whole (a name, a loanword), less its article.
        article = other[: len(other) - len(other_stem)]
        if article not in ("", "ال") or other[len(article) :] != other_stem or len(other_stem) < KNOWN_WHOLE_LENGTH:
            return None
        kept = word[len(article) :]
        if not (word.startswith(article) and shapes.get(kept)):
            return None
        tail = shapes[kept][1]
        return None if tail and _inflected(kept, tail, self.config) else kept

    def _bare(self, stem: str, definite: bool = False) -> str:
        """A stem no ending was cut from, less the endings that only the
        lexicon can tell apart from the word's own letters.  ``definite``:
        the article was cut from before it, so a last ا is no accusative's
        and a last ت no verb's (StemConfig.article_letters)."""
        if stem[-2:] == "يا" and self.config.keep_nisba and self._country(stem):
            return stem[:-1]
        if stem[-1:] == "ا":
            if definite and not _nisba_alif(stem, self.config):
                return stem
            return self._accusative(stem)
        return stem if definite else self._feminine(stem)

    def _country(self, stem: str) -> bool:
        """سوريا، روسيا، أوكرانيا: a country beside its nisba adjective."""
        nisba = stem[:-1]
        return len(stem) > self.config.min_stem + 1 and max(zipf(nisba), zipf(nisba + "ه")) >= self.config.word_zipf

    def _accusative(self, stem: str) -> str:
        margin = self.config.accusative_margin
        if margin is None or len(stem) <= self.config.min_stem:
            return stem
        if (self.config.article_letters and not _nisba_alif(stem, self.config)
                and zipf("ال" + stem) >= self.config.word_zipf):
            return stem  # الكاميرا is a word: كاميرا's ا is its own, as with the article
        rest = stem[:-1]
        rest_zipf = zipf(rest)
        if rest_zipf >= self.config.word_zipf and rest_zipf >= zipf(stem) + margin:
            return rest
        return rest if self._accusative_of(stem, rest, rest_zipf) else stem

    def _accusative_of(self, stem: str, rest: str, rest_zipf: float) -> bool:
        """Whether ``stem`` is the accusative of a word news mostly writes
        that way (StemConfig.accusative_paradigm_zipf)."""
        floor = self.config.accusative_paradigm_zipf
        if floor is None or rest_zipf == 0 or len(rest) < self.config.min_stem + 1:
            return False  # a word the lexicon has never seen bare, or a short one (درعا، فيلا، ليما)
        forms = max(zipf(rest + ending) for ending in ("ه", "ين", "ون"))
        return forms >= floor and zipf(stem) < forms + self.config.accusative_paradigm_margin

    def _feminine(self, stem: str) -> str:
        if not self.config.perfect_feminine or len(stem) <= self.config.min_stem:
            return stem
        if stem[-1] != "ت" or stem[-2] in "او":
            return stem
        if self.config.article_letters and _a_noun(stem, self.config):
            return stem  # بريكست is written with the article too: no verb's ت
        rest = stem[:-1]
        if zipf(rest) < self.config.word_zipf or zipf(stem) > zipf(rest):
            return stem
        return rest


class ShippedStemmer:
    """Tashaphyne exactly as it ships, kept for the relevance comparison."""

    def __init__(self) -> None:
        self.stem = lru_cache(maxsize=300_000)(self._stem)

    def __reduce__(self):
        return (ShippedStemmer, ())

    def _stem(self, word: str) -> str:
        stemmer = getattr(_local, "shipped", None)
        if stemmer is None:
            stemmer = _local.shipped = ArabicLightStemmer()
        return stemmer.light_stem(word) or word
