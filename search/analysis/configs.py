"""The ways of turning text into terms, by name: what Akhbar ships and the
steps the relevance evaluation compares it with."""

from __future__ import annotations

from dataclasses import dataclass, replace

from search.analysis.chain import CachedChain
from search.analysis.compounds import SplitRunTogetherFilter
from search.analysis.numbers import DigitsFilter, NumberWordFilter
from search.analysis.stems import NisbaFilter, StemFilter
from search.analysis.tokens import (ArabicStopFilter, ArabicTokenizer, CleanFilter, FoldFilter, LowercaseOnlyFilter,
                                    OwnArticleFilter)
from search.stemmer import ShippedStemmer, StemConfig, Stemmer


@dataclass(frozen=True)
class AnalysisConfig:
    """One way of turning text into terms.  ``default`` is what Akhbar ships;
    the others exist so that the evaluation can show what each step buys."""

    name: str = "default"
    normalize: bool = True
    stemmer: str = "akhbar"  # "akhbar", "tashaphyne" (as shipped) or "none"
    stem: StemConfig = StemConfig()
    split_run_together: bool = True
    numbers: bool = True  # digits and number words (search/analysis/numbers.py)
    own_article: bool = True  # an ال written أل, إل or آل is not cut as the article (OwnArticleFilter)
    compound_names: bool = True  # a kunya and a name in الله or الدين joined or apart (compounds.compound_parts)
    feminine_forms: bool = True  # a stem's feminine forms marked in the nisba field (stems.NisbaFilter)

    def with_(self, **changes) -> "AnalysisConfig":
        return replace(self, **changes)


def _stemmer_for(config: AnalysisConfig) -> Stemmer | ShippedStemmer | None:
    if config.stemmer == "akhbar":
        return Stemmer(config.stem)
    if config.stemmer == "tashaphyne":
        return ShippedStemmer()
    return None


def exact_analyzer(config: AnalysisConfig = AnalysisConfig()):
    """Normalized but unstemmed words: an exact word outranks a same-stem one."""
    return CachedChain(*_exact_items(config))


def _exact_items(config: AnalysisConfig, stemmed: bool = False) -> list:
    """The chain up to the folded word; ``stemmed``: for Akhbar's stemmer,
    which is told where a word's own ال begins."""
    if not config.normalize:
        return [ArabicTokenizer(), LowercaseOnlyFilter()]
    items = [ArabicTokenizer(), CleanFilter()]
    if config.numbers:
        items.append(DigitsFilter())
    if config.split_run_together:
        items.append(SplitRunTogetherFilter(numbers=config.numbers, names=config.compound_names))
    items.append(ArabicStopFilter())
    if stemmed and config.own_article and config.stemmer == "akhbar":
        items.append(OwnArticleFilter())
    return [*items, FoldFilter()]


def stem_analyzer(config: AnalysisConfig = AnalysisConfig()):
    """The matching analyzer: normalized words reduced to their light stem."""
    items = _exact_items(config, stemmed=True)
    stemmer = _stemmer_for(config)
    if stemmer is not None:
        if config.numbers:
            items.append(NumberWordFilter())
        items.append(StemFilter(stemmer))
    return CachedChain(*items)


def nisba_analyzer(config: AnalysisConfig = AnalysisConfig(), stems=None):
    """The words of a text that carry the nisba (NisbaFilter), or None for a
    configuration without the light stemmer.  ``stems``: the ``text``
    field's analyzer, whose stemmer it shares (a word is stemmed once for
    both)."""
    if config.stemmer != "akhbar" or config.stem.keep_nisba:
        return None
    shared = [item.stemmer for item in getattr(stems, "items", ()) if isinstance(item, StemFilter)]
    stemmer = shared[0] if shared and isinstance(shared[0], Stemmer) else Stemmer(config.stem)
    keeping = Stemmer(replace(config.stem, keep_nisba=True))
    return CachedChain(*_exact_items(config, stemmed=True), NisbaFilter(stemmer, keeping, config.feminine_forms))


CONFIGS: dict[str, AnalysisConfig] = {
    "raw": AnalysisConfig(name="raw", normalize=False, stemmer="none", split_run_together=False, numbers=False),
    "norm": AnalysisConfig(name="norm", stemmer="none", split_run_together=False, numbers=False),
    "tashaphyne": AnalysisConfig(name="tashaphyne", stemmer="tashaphyne", split_run_together=False, numbers=False),
    "default": AnalysisConfig(),
    "no-split": AnalysisConfig(name="no-split", split_run_together=False),
    # Before 2026-12-07: و5 one word, خمسة and 5 two terms (ثلاثين and ثلاث one).
    "no-numbers": AnalysisConfig(name="no-numbers", numbers=False),
    # Before 2026-12-07: an ال written with a hamza was cut as the article
    # when what followed is a word (ألماني → ماني, إلهام → هام, ألفية → فيه).
    "hamza-article": AnalysisConfig(name="hamza-article", own_article=False),
    # Before 2026-12-08: only عبد and a divine name a compound name (أبوظبي
    # one word, أبو ظبي two; نصرالله one, نصر الله two).
    "abd-compounds-only": AnalysisConfig(name="abd-compounds-only", compound_names=False),
    # Before 2026-12-08: a stem's feminine forms not marked, so a short
    # search typed in the feminine matched the masculine's articles too
    # (الطائرة, an aircraft, found الطائر, a bird; العملة found العمل).
    "feminine-unmarked": AnalysisConfig(name="feminine-unmarked", feminine_forms=False),
    # Before 2026-12-07: a first و ف ب ك ل was cut from a word news writes
    # with the article too (لسان → سان, كمين → مين, بريد → ريد, وادي → ادي).
    "proclitic-before-article": AnalysisConfig(name="proclitic-before-article",
                                               stem=StemConfig(whole_article_margin=None)),
    # Before 2026-12-07: ان cut as a dual's wherever its ين was at most 100
    # times rarer (ادمان → ادم, جرمان → جرم).
    "dual-by-number-margin": AnalysisConfig(name="dual-by-number-margin", stem=StemConfig(dual_margin=None)),
    # Before 2026-12-07: a plural's or a dual's ending cut from a word whose
    # nisba is a word too (طالبان → طالب, الجابون → جاب).
    "no-nisba-ending": AnalysisConfig(name="no-nisba-ending", stem=StemConfig(nisba_zipf=None)),
    # Before 2026-12-07: a nisba made on a plural in ات stemmed as
    # Tashaphyne cuts each form (الإماراتي → امار, الإماراتية → امارات).
    "no-plural-nisba": AnalysisConfig(name="no-plural-nisba", stem=StemConfig(plural_nisba=False)),
    # Before 2026-12-07: a perfect verb's وا taken as the twin of any word
    # in ون (كانون → كان, beside كانوا).
    "perfect-twin": AnalysisConfig(name="perfect-twin", stem=StemConfig(imperfect_twin=False)),
    # Before 2026-12-07: a last ا, ت or pronoun cut as grammar's after the
    # article too (البابا → باب, الكنيست → كنيس, المساهم → مسا).
    "grammar-after-article": AnalysisConfig(name="grammar-after-article", stem=StemConfig(article_letters=False)),
    # Before 2026-12-07: a word's own ه in يه cut as a nisba's feminine
    # (توجيه → توج, جنيه → جني, كافيه → كاف).
    "heh-as-ta": AnalysisConfig(name="heh-as-ta", stem=StemConfig(own_heh_zipf=None)),
    # Before 2026-12-07: only a word the lexicon knows at word_zipf kept an
    # ending that what the cut leaves never takes (بالوتيلي → بالوتيل).
    "paradigm-known-only": AnalysisConfig(name="paradigm-known-only", stem=StemConfig(paradigm_floor=None)),
    # Before 2026-12-07: a rarer spelling kept what its known spelling keeps
    # only as written, not after a و (وكيجالي → كيجال beside كيجالي).
    "waw-cut-as-written": AnalysisConfig(name="waw-cut-as-written", stem=StemConfig(respelled_after_waw=False)),
    "no-verbs": AnalysisConfig(name="no-verbs", stem=StemConfig(imperfect_zipf=None, perfect_feminine=False)),
    "no-imperfect": AnalysisConfig(name="no-imperfect", stem=StemConfig(imperfect_zipf=None)),
    "no-feminine": AnalysisConfig(name="no-feminine", stem=StemConfig(perfect_feminine=False)),
    "no-paradigm": AnalysisConfig(name="no-paradigm", stem=StemConfig(paradigm_zipf=None)),
    "no-accusative": AnalysisConfig(name="no-accusative", stem=StemConfig(accusative_margin=None)),
    # Before 2026-12: the accusative alif came off only where the bare word
    # is the more common (جديدا → جديد, but محذرا, مشيرا kept).
    "accusative-by-frequency": AnalysisConfig(name="accusative-by-frequency", stem=StemConfig(accusative_paradigm_zipf=None)),
    # Before 2026-12: ك and ف cut like any proclitic (فيصل → يصل, كمال → مال).
    "any-proclitic": AnalysisConfig(name="any-proclitic", stem=StemConfig(rare_proclitic_margin=None)),
    "keep-nisba": AnalysisConfig(name="keep-nisba", stem=StemConfig(keep_nisba=True)),
    "any-second-person": AnalysisConfig(name="any-second-person", stem=StemConfig(second_person_margin=None)),
    # Before 2026-12: a leading ال the lexicon sees mostly with the word was
    # kept on it (العراق ≠ العراقية), whether or not it was the word's own.
    "article-by-frequency": AnalysisConfig(name="article-by-frequency", stem=StemConfig(article_own_zipf=-1.0)),
    "any-first-person": AnalysisConfig(name="any-first-person", stem=StemConfig(first_person_checked=False)),
    "any-plural-ending": AnalysisConfig(name="any-plural-ending", stem=StemConfig(number_margin=None)),
    # Before 2026-12-05: a name ending like a plural or dual lost the ending
    # when the lexicon knew a twin of it (بوتين → بوت, beside بوتان).
    "names-by-twin": AnalysisConfig(name="names-by-twin", stem=StemConfig(name_article_zipf=None)),
    # Before 2026-12-05: a rarer spelling of a name lost the ي or يا its known
    # spelling keeps (كولمبيا → كولمب beside كولومبيا).
    "names-cut-alone": AnalysisConfig(name="names-cut-alone", stem=StemConfig(known_spelling_length=None)),
    # Before 2026-12-06: a hamza's seat written as a letter was kept
    # (الطواريء → طواريء beside الطوارئ → طوارء).
    "seat-kept": AnalysisConfig(name="seat-kept", stem=StemConfig(seat_off=False)),
    # Before lexicon.seated (2026-12-06): every such stem lost the ي, whatever the word
    # without it is (جزيء, molecule → جزء, part).
    "seat-every": AnalysisConfig(name="seat-every", stem=StemConfig(seat_share=None)),
    # Before 2026-12-06: only those two endings (الكاربون → كارب beside
    # الكربون, فلورانس → لورانس beside فلورنس).
    "names-cut-like-words": AnalysisConfig(name="names-cut-like-words", stem=StemConfig(respelled_like_known=False)),
}
