"""Analyses handed from one process to another: an indexing process's to
the spelling miner, a build's to every process that searches its index."""

from __future__ import annotations

import marshal
import os
from itertools import islice
from pathlib import Path

from search.analysis.chain import CachedChain


# The files an indexing process leaves its analyses in (CachedChain.words),
# in the folder of the index it wrote, until the build has mined it.
WORDS_FILES = "words-*.marshal"


def leave_words(analyzer, folder: str | Path) -> None:
    """Write what ``analyzer`` (a CachedChain) has analysed in this process
    into ``folder``, for learn_words; anything else leaves nothing."""
    if isinstance(analyzer, CachedChain):
        path = Path(folder) / WORDS_FILES.replace("*", str(os.getpid()))
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(marshal.dumps(analyzer.words()))
        tmp.rename(path)


def learn_words(analyzer, folder: str | Path) -> None:
    """Give ``analyzer`` the analyses the indexing processes left in
    ``folder`` (leave_words); an unreadable file is skipped: it only saves
    time."""
    if not isinstance(analyzer, CachedChain):
        return
    for path in sorted(Path(folder).glob(WORDS_FILES)):
        try:
            analyzer.learn(marshal.loads(path.read_bytes()))
        except (OSError, ValueError, EOFError, TypeError):
            continue


def forget_words(folder: str | Path) -> None:
    """Remove the files leave_words wrote in ``folder``."""
    for path in Path(folder).glob(WORDS_FILES.replace(".marshal", ".*")):
        path.unlink(missing_ok=True)


# The analyses a build keeps beside the index (keep_words), for every
# process that searches it.
KEPT_WORDS_FILE = "analysed-words.marshal"
_CHECKED_WORDS = 40  # of the kept analyses, analysed again before they are taken


def keep_words(analyzer, folder: str | Path) -> None:
    """Write the analyses ``analyzer`` (a CachedChain) holds, the first met
    first, as many as CachedChain.learn takes, into ``folder`` beside the
    index: each process that searches it then starts with the archive's
    common words analysed.  A new word on a page was analysed in each
    process that met it, every worker and every shard (a third of the
    time of marking a headline page's snippets, docs/benchmarks.md)."""
    if not isinstance(analyzer, CachedChain):
        return
    words = analyzer.words()
    kept = dict(islice(words.items(), CachedChain.MAX_ENTRIES // 2))
    path = Path(folder) / KEPT_WORDS_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(marshal.dumps(kept))
    tmp.rename(path)


def load_words(analyzer, folder: str | Path) -> int:
    """Give ``analyzer`` the analyses keep_words left in ``folder``; how many
    it took.  Taken only if a sample of them analyses the same again (an
    index built by another version of the analysis is analysed afresh); a
    missing or unreadable file only costs time."""
    if not isinstance(analyzer, CachedChain):
        return 0
    try:
        words = marshal.loads((Path(folder) / KEPT_WORDS_FILE).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return 0
    if not isinstance(words, dict) or not words:
        return 0
    checker = CachedChain(*analyzer.items)
    raws = list(words)
    for raw in raws[:: max(1, len(raws) // _CHECKED_WORDS)]:
        if checker._outputs(raw, False) != words[raw]:
            return 0
    analyzer.learn(words)
    return len(words)
