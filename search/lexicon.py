"""How common an Arabic word form is in general written Arabic.

The stemmer and the splitter of run-together words both need to know
whether a string is a word people write.  ``wordfreq`` ships frequencies
for about 600,000 Arabic forms (clitics attached, as written) collected
from Wikipedia, news, subtitles and the web; it is read once per process
and keyed by our normalized form, so lookups agree with the analyzer.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

from search.normalize import normalize

_lock = threading.Lock()
_table: dict[str, float] | None = None


def load() -> dict[str, float]:
    """Read the frequency list (about a second); later calls return at once."""
    global _table
    if _table is not None:
        return _table
    with _lock:
        if _table is None:
            import wordfreq

            table: dict[str, float] = {}
            for word, freq in wordfreq.get_frequency_dict("ar", wordlist="large").items():
                key = normalize(word)
                table[key] = table.get(key, 0.0) + freq
            _table = table
            # wordfreq keeps its own dict and bucket lists of every word in
            # unbounded caches: twice the memory of this table, in every
            # process (a server, each indexing worker), for nothing.
            wordfreq.get_frequency_dict.cache_clear()
            wordfreq.get_frequency_list.cache_clear()
    return _table


@lru_cache(maxsize=65_536)  # only a word's first sight reaches here (see CachedChain)
def zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a normalized form; 0 if unseen."""
    table = _table if _table is not None else load()
    freq = table.get(word)
    if not freq:
        return 0.0
    return math.log10(freq) + 9.0
