"""Lucene 8 with its ArabicAnalyzer (normalization, Larkey et al.'s light
stemming, its stop words) and BM25, Lucene's defaults: the strongest peer
the shared collections' README measured.  Run by a JDK's ``java`` (which
compiles LuceneBaseline.java as it starts) over Debian's liblucene8-java
jars, or those in ``$AKHBAR_LUCENE_JARS``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from search.baselines import DEPTH, Run
from search.ingest import Article

SOURCE = Path(__file__).with_name("LuceneBaseline.java")
JARS = ("lucene-core", "lucene-analyzers-common")
JAR_DIRECTORY = "/usr/share/java"  # where liblucene8-java puts them
INSTALL = "apt-get install liblucene8-java default-jdk-headless"


class LuceneMissing(RuntimeError):
    """No java or no Lucene 8 jars on this machine."""


def classpath(directory: str | Path | None = None) -> str:
    """The Lucene jars the baseline needs, as a class path."""
    directory = Path(directory or os.environ.get("AKHBAR_LUCENE_JARS") or JAR_DIRECTORY)
    found = []
    for name in JARS:
        jars = sorted(directory.glob(f"{name}-8*.jar")) or sorted(directory.glob(f"{name}.jar"))
        if not jars:
            raise LuceneMissing(f"no {name} 8 jar in {directory} (Debian: {INSTALL})")
        found.append(str(jars[-1]))
    return os.pathsep.join(found)


def available() -> bool:
    """Whether this machine can run the baseline."""
    try:
        classpath()
    except LuceneMissing:
        return False
    # java compiles the source as it starts: a JDK's, not a bare runtime's.
    return shutil.which("java") is not None and shutil.which("javac") is not None


def _line(key: str, text: str) -> str:
    if "\t" in key or "\n" in key:
        raise ValueError(f"an id with a tab or a line break: {key!r}")
    return f"{key}\t{' '.join(text.split())}\n"


def run_lucene(articles: list[Article], queries: dict[str, str], workdir: Path) -> tuple[Run, float]:
    docs, asked, ranked = workdir / "docs.tsv", workdir / "queries.tsv", workdir / "run.tsv"
    docs.write_text("".join(_line(a.id, f"{a.title}\n{a.body}") for a in articles), encoding="utf-8")
    asked.write_text("".join(_line(qid, text) for qid, text in queries.items()), encoding="utf-8")
    java = shutil.which("java")
    if java is None:
        raise LuceneMissing(f"no java on this machine (Debian: {INSTALL})")
    done = subprocess.run([java, "-cp", classpath(), str(SOURCE), str(docs), str(asked), str(ranked), str(DEPTH)],
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the Lucene baseline failed: {done.stderr.strip()[-2000:]}")
    run: Run = {qid: [] for qid in queries}
    with open(ranked, encoding="utf-8") as lines:
        for line in lines:
            qid, docid = line.rstrip("\n").split("\t")
            run[qid].append(docid)
    return run, float(done.stdout.split()[-1])
