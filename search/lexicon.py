"""How common an Arabic word form is in general written Arabic.

The stemmer and the splitter of run-together words both need to know
whether a string is a word people write.  ``wordfreq`` ships frequencies
for about 600,000 Arabic forms (clitics attached, as written) collected
from Wikipedia, news, subtitles and the web; it is read once per process
and keyed by our normalized form, so lookups agree with the analyzer.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
import math
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path

from pyarabic import araby

from search import normalize as normalizing
from search.normalize import normalize

_FORMAT = "zipf+seats"  # what the cached file holds: the frequencies, then the seats' shares

_lock = threading.Lock()
_table: dict[str, float] | None = None
# For each normalized form that ends in a hamza, the share of its frequency
# written with the hamza on its seat (ئ): normalizing folds ئ into ء, so a
# word written on its seat (خاطئ) and one on the line (جزء) look alike
# (see seated).
_seats: dict[str, float] | None = None


def load() -> dict[str, float]:
    """Read the frequency list; later calls return at once.  Normalizing
    its 600,000 words takes a second and a half, paid by every process that
    starts (a server's workers, a build's, each test run), so the table is
    kept in the user's cache directory, keyed by what made it."""
    global _table, _seats
    if _table is not None:
        return _table
    with _lock:
        if _table is None:
            cached = _cache_file()
            tables = _read(cached)
            if tables is None:
                tables = _normalized_list()
                _write(cached, tables)
            _table, _seats = tables
    return _table


def _normalized_list() -> tuple[dict[str, float], dict[str, float]]:
    import wordfreq

    table: dict[str, float] = {}
    on_seat: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("ar", wordlist="large").items():
        key = normalize(word)
        table[key] = table.get(key, 0.0) + freq
        if word.endswith(araby.YEH_HAMZA) and key.endswith(araby.HAMZA):
            on_seat[key] = on_seat.get(key, 0.0) + freq
    seats = {key: on_seat.get(key, 0.0) / freq for key, freq in table.items() if key.endswith(araby.HAMZA) and freq}
    # wordfreq keeps its own dict and bucket lists of every word in
    # unbounded caches: twice the memory of this table, in every
    # process (a server, each indexing worker), for nothing.
    wordfreq.get_frequency_dict.cache_clear()
    wordfreq.get_frequency_list.cache_clear()
    return table, seats


def _cache_file() -> Path:
    """Where the normalized table is kept: named for the wordfreq release,
    the normalizing code and the Python that wrote it (marshal's format)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "akhbar"
    made_by = hashlib.sha256()
    made_by.update(importlib.metadata.version("wordfreq").encode())
    made_by.update(Path(normalizing.__file__).read_bytes())
    made_by.update(sys.version.encode())
    made_by.update(_FORMAT.encode())
    return base / f"lexicon-ar-{made_by.hexdigest()[:16]}.marshal"


def _read(path: Path) -> tuple[dict[str, float], dict[str, float]] | None:
    try:
        tables = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    ok = isinstance(tables, tuple) and len(tables) == 2 and all(isinstance(t, dict) for t in tables)
    return tables if ok else None


def _write(path: Path, tables: tuple[dict[str, float], dict[str, float]]) -> None:
    """Atomically, and only if it can: a read-only home costs the second, nothing else."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(marshal.dumps(tables))
        os.replace(tmp, path)
    except OSError:
        pass


@lru_cache(maxsize=65_536)  # only a word's first sight reaches here (see CachedChain)
def zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a normalized form; 0 if unseen."""
    table = _table if _table is not None else load()
    freq = table.get(word)
    if not freq:
        return 0.0
    return math.log10(freq) + 9.0


def seated(form: str) -> float | None:
    """The share of a normalized form ending in a hamza that general Arabic
    writes with the hamza on its seat (ئ), or None if the lexicon has not
    seen it: خاطء is خاطئ (1.0), جزء is جزء (0.002), so a written خاطيء is
    that word's seat written as a letter, and جزيء (molecule) is not جزء
    (part)."""
    if _seats is None:
        load()
    return (_seats or {}).get(form)
