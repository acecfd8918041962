"""The analysis chain shared by indexing and querying.

Built in the manner of ``whoosh.analysis``: one tokenizer and small filters,
each with one job.  The chain is pickled into the index schema, so a query is
always analysed by exactly the code its index was built with.

    ArabicTokenizer | CleanFilter | DigitsFilter | SplitRunTogetherFilter
        | ArabicStopFilter | OwnArticleFilter | FoldFilter | NumberWordFilter | StemFilter

Every filter rewrites ``token.text`` only (OwnArticleFilter notes for the
stemmer where a word's own ال begins, which folding hides);
``startchar``/``endchar`` keep pointing into the original text, which is
what makes highlighting right.

Where each part is: ``tokens`` (the tokenizer, the filters that clean and
fold a word, the stop words), ``compounds`` (compound names and words run
together), ``stems`` (the stemming filters), ``numbers`` (digits with a
proclitic, number words as digits), ``chain`` (the chain run once
per distinct word, and the index formats fed by it), ``configs`` (the named
ways of analysing, the analyzers built from them), ``marking`` (where a
query's terms stand in a text, for highlighting) and ``words`` (analyses
handed from one process to another).  An index built before the split
pickled its classes under this package's name, which is why they are named
here too.
"""

from __future__ import annotations

from search.analysis.chain import CachedChain, CountedFrequency, CountedPositions
from search.analysis.compounds import (SplitRunTogetherFilter, added_joined, compound_parts, compounds_apart,
                                       names_of, run_together)
from search.analysis.configs import CONFIGS, AnalysisConfig, exact_analyzer, nisba_analyzer, stem_analyzer
from search.analysis.marking import Marker, Span, written_pattern
from search.analysis.numbers import DECADES, DigitsFilter, NumberWordFilter
from search.analysis.stems import (NISBA_FIELD, NisbaFilter, StemFilter, feminine_ending, feminine_stem, marks_feminine,
                                   nisba_stem)
from search.analysis.tokens import (STOP_WORDS, ArabicStopFilter, ArabicTokenizer, CleanFilter, FoldFilter,
                                    LowercaseOnlyFilter, OwnArticleFilter)
from search.analysis.words import (KEPT_WORDS_FILE, WORDS_FILES, forget_words, keep_words, learn_words, leave_words,
                                   load_words)

__all__ = [
    "CONFIGS", "DECADES", "KEPT_WORDS_FILE", "NISBA_FIELD", "STOP_WORDS", "WORDS_FILES",
    "AnalysisConfig", "ArabicStopFilter", "ArabicTokenizer", "CachedChain", "CleanFilter", "CountedFrequency",
    "CountedPositions", "DigitsFilter", "FoldFilter", "LowercaseOnlyFilter", "Marker", "NisbaFilter",
    "NumberWordFilter", "OwnArticleFilter", "Span", "SplitRunTogetherFilter", "StemFilter",
    "added_joined", "compound_parts", "compounds_apart", "exact_analyzer", "feminine_ending", "feminine_stem",
    "forget_words", "keep_words", "learn_words", "leave_words",
    "load_words", "marks_feminine", "names_of", "nisba_analyzer", "nisba_stem", "run_together", "stem_analyzer", "written_pattern",
]
