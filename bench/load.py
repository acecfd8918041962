"""Load test: `akhbar serve` under concurrent real queries, with an
`akhbar add` landing in the middle.

    python bench/load.py                      # news_small (2,000 articles), 32 clients, 60 s
    python bench/load.py --quick              # a few seconds, 8 clients, 100 articles
    python bench/load.py --full --json        # the whole corpus (a long build first)
    python bench/load.py --workers 2          # one server process, then two (the default on 2 cores)

It builds an index in a temporary directory with the real CLI (`akhbar
build`), starts `akhbar serve` on a free loopback port, and runs closed-loop
clients (threads, one keep-alive HTTP connection each, stdlib only) that send
1–3 word queries made of the corpus's own words and headline queries from
../shared/eval/news-titles, to the JSON API, the HTML page and the suggest
endpoint.  Halfway through, `akhbar add` writes new articles into the same
index directory; afterwards each of them must be found, by id and by a phrase
search for its title.  Any non-200 answer, connection error, failed add or
new article not found counts as an error, and the exit status is 1 if there
is any.  With ``--workers N`` above 1 (the default on a machine with more
than one core) the same load runs twice, each time on a fresh copy of the
index: against one server process, then against N (`akhbar serve --workers
N`), and both are reported with the ratio of their requests/s.
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import http.client
import itertools
import json
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SMALL = SHARED / "corpus" / "news_small.jsonl"
FULL = SHARED / "corpus" / "news.jsonl.gz"
TITLES = SHARED / "eval" / "news-titles" / "queries.jsonl"
_WORD = re.compile(r"[\u0621-\u064a]{3,}")


# -- the corpus and the queries ----------------------------------------------------------------


def read_jsonl(path: Path, start: int = 0, limit: int | None = None) -> list[dict]:
    """Records start..start+limit of a JSON Lines file (plain or gzip); bad lines are skipped."""
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as handle:
        stop = None if limit is None else start + limit
        for line in itertools.islice(handle, start, stop):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("body"):
                out.append(record)
    return out


def new_articles(indexed: int, count: int, corpus: Path) -> list[dict]:
    """Articles that are not in the index: the ones after the indexed prefix
    of the full corpus when it is there, copies otherwise; ids are made new."""
    source = FULL if FULL.exists() else corpus
    records = read_jsonl(source, start=indexed, limit=count) if source == FULL else []
    if len(records) < count:
        records += read_jsonl(corpus, limit=count - len(records))
    return [{**r, "id": f"load-{n}-{r.get('id', n)}"} for n, r in enumerate(records)]


@dataclass
class Workload:
    """What the clients ask: (kind, path) pairs drawn at random."""

    words: list[str]
    titles: list[str]
    rng: random.Random

    def next(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.05:
            word = self.rng.choice(self.words)
            return "suggest", "/api/suggest?" + urlencode({"q": word[: self.rng.randint(2, len(word))]})
        if roll < 0.35:
            text = self.rng.choice(self.titles)
            kind = "titles"
        else:
            text = " ".join(self.rng.choice(self.words) for _ in range(self.rng.randint(1, 3)))
            kind = "words"
        params = {"q": text}
        if self.rng.random() < 0.2:
            params["sort"] = "date"
        if self.rng.random() < 0.15:
            params["page"] = "2"
        if self.rng.random() < 0.15:
            return "page", "/search?" + urlencode(params)
        return kind, "/api/search?" + urlencode(params)


def workload(articles: list[dict], seed: int) -> Workload:
    words: list[str] = []
    for article in articles:
        words += _WORD.findall(f"{article.get('title') or ''} {article['body']}")[:80]
    titles = [r["query"] for r in read_jsonl_any(TITLES)] if TITLES.exists() else []
    titles = titles or [a["title"] for a in articles if a.get("title")]
    rng = random.Random(seed)
    return Workload(sorted(set(words)), titles, rng)


def read_jsonl_any(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# -- the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def akhbar(*args: str) -> list[str]:
    """The `akhbar` command as this Python runs it."""
    return [sys.executable, "-m", "search", *args]


def start_server(index_dir: Path, port: int, threads: int, log: Path, workers: int = 1) -> subprocess.Popen:
    command = akhbar("serve", "--host", "127.0.0.1", "--port", str(port), "--index-dir", str(index_dir),
                     "--workers", str(workers))
    if threads:
        command += ["--threads", str(threads)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            status, _ = get(port, "/api/search?q=x", timeout=5)
            if status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"akhbar serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            process.terminate()
            raise SystemExit("akhbar serve did not answer within 120 s")
        time.sleep(0.2)


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# -- the clients --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Everything the clients measured; one lock, appended to by all."""

    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    began: float = field(default_factory=time.perf_counter)
    slowest: list[tuple[float, str, str, float]] = field(default_factory=list)  # a heap of the SLOWEST
    lock: threading.Lock = field(default_factory=threading.Lock)

    SLOWEST = 5

    def ok(self, kind: str, seconds: float, path: str = "", started: float = 0.0) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            entry = (seconds, kind, path[:160], started - self.began)
            if len(self.slowest) < self.SLOWEST:
                heapq.heappush(self.slowest, entry)
            else:
                heapq.heappushpop(self.slowest, entry)

    def error(self, message: str) -> None:
        with self.lock:
            self.error_count += 1
            if len(self.errors) < 10:
                self.errors.append(message)


def client(port: int, load: Workload, lock: threading.Lock, stop: threading.Event, tally: Tally) -> None:
    """One user: a keep-alive connection, a request as soon as the last answer is read."""
    connection = None
    while not stop.is_set():
        with lock:
            kind, path = load.next()
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status == 200:
                tally.ok(kind, elapsed, path, started)
            else:
                tally.error(f"{response.status} on {path[:120]}")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            tally.error(f"{type(error).__name__}: {error} on {path[:120]}")
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()


def found(port: int, articles: list[dict]) -> tuple[int, list[str]]:
    """How many of ``articles`` the server finds by id and by their title as a phrase."""
    missing = []
    for article in articles:
        status, _ = get(port, "/api/articles/" + quote(article["id"], safe=""))
        title = " ".join(re.sub(r'["\s]+', " ", article.get("title") or "").split()[:30])
        ids: list[str] = []
        if title:
            status_q, body = get(port, "/api/search?" + urlencode({"q": f'"{title}"', "per_page": 100}))
            ids = [h["id"] for h in json.loads(body)["hits"]] if status_q == 200 else []
        if status != 200 or (title and article["id"] not in ids):
            missing.append(article["id"])
    return len(articles) - len(missing), missing


def percentile(sorted_values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank."""
    if not sorted_values:
        return 0.0
    rank = math.ceil(p / 100 * len(sorted_values)) - 1  # nearest rank
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


# -- the run -------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    """Build once, then one load phase per server shape (one process, then
    ``--workers`` processes), each on its own copy of the index and with its
    own add.  The result is the last phase's, with every phase under
    ``phases`` and the requests/s of the last over the first as ``speedup``."""
    corpus = FULL if args.full else Path(args.corpus)
    if not corpus.exists():
        raise SystemExit(f"{corpus} is missing")
    work = Path(tempfile.mkdtemp(prefix="akhbar-load-"))
    try:
        articles = read_jsonl(corpus, limit=args.articles)
        source = work / "corpus.jsonl"
        if args.articles is None and corpus.suffix != ".gz":
            source = corpus  # the file itself, as a user would index it
        else:
            source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
        built = work / "built"
        log(args, f"building an index of {len(articles)} articles from {corpus.name} …")
        started = time.monotonic()
        subprocess.run(akhbar("build", str(source), "--index-dir", str(built)), cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        build_seconds = time.monotonic() - started
        additions = new_articles(len(articles), args.add, corpus)
        add_file = work / "new.jsonl"
        add_file.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in additions), encoding="utf-8")
        shapes = [1, args.workers] if args.workers > 1 else [1]
        phases = []
        for workers in shapes:
            index_dir = work / f"index-{workers}"
            shutil.copytree(built, index_dir, symlinks=True)
            phase = load_phase(args, index_dir, add_file, additions, articles, workers, work / f"serve-{workers}.log")
            log(args, f"{workers} process(es): {phase['requests_per_second']} requests/s, "
                      f"p99 {phase['latency_ms']['p99']} ms, {phase['errors']} errors")
            phases.append(phase)
        result = {"corpus": str(corpus), "articles": len(articles), "build_seconds": round(build_seconds, 1),
                  **phases[-1]}
        result["phases"] = [{k: v for k, v in p.items() if k not in ("slowest", "error_samples", "by_kind")}
                            for p in phases]
        result["speedup"] = round(phases[-1]["requests_per_second"] / max(phases[0]["requests_per_second"], 1e-9), 2)
        result["errors"] = sum(p["errors"] for p in phases)
        result["error_samples"] = [e for p in phases for e in p["error_samples"]][:10]
        return result
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(args, f"kept {work}")


def load_phase(args: argparse.Namespace, index_dir: Path, add_file: Path, additions: list[dict],
               articles: list[dict], workers: int, server_log: Path) -> dict:
    """The clients against one `akhbar serve --workers N`, with the add halfway."""
    port = free_port()
    server = start_server(index_dir, port, args.threads, server_log, workers)
    tally = Tally()
    add_report: dict = {}
    try:
        before, _ = found(port, additions[:3])
        load = workload(articles, args.seed)
        lock, stop = threading.Lock(), threading.Event()
        log(args, f"{args.clients} clients for {args.duration:g} s on http://127.0.0.1:{port}/ "
                  f"({workers} process{'es' if workers > 1 else ''}) …")
        threads = [threading.Thread(target=client, args=(port, load, lock, stop, tally), daemon=True)
                   for _ in range(args.clients)]
        began = time.monotonic()
        tally.began = time.perf_counter()
        for t in threads:
            t.start()
        # The add and its check run beside the clients, which stop on time.
        adder = threading.Thread(
            target=lambda: add_report.update(add_during_load(index_dir, add_file, additions, port, began))
        )
        time.sleep(args.duration / 2 if args.add_at is None else args.add_at)
        adder.start()
        time.sleep(max(0.0, began + args.duration - time.monotonic()))
        stop.set()
        for t in threads:
            t.join(timeout=90)
        elapsed = time.monotonic() - began
        adder.join()
        found_end, missing_end = found(port, additions)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    latencies = sorted(tally.latencies)
    requests = len(latencies) + tally.error_count
    problems = list(tally.errors)
    if before:
        problems.append(f"{before} new articles were found before they were added")
    if add_report.get("status") != 0:
        problems.append(f"akhbar add failed: {add_report.get('stderr', '')[-300:]}")
    if add_report.get("found") != len(additions) or found_end != len(additions):
        problems.append(f"new articles not found: {add_report.get('missing') or missing_end}")
    errors = tally.error_count + (len(problems) - len(tally.errors))
    return {
        "clients": args.clients,
        "server_workers": workers,
        "server_threads": args.threads or 4,
        "duration_seconds": round(elapsed, 1),
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 50) * 1000, 1),
            "p95": round(percentile(latencies, 95) * 1000, 1),
            "p99": round(percentile(latencies, 99) * 1000, 1),
            "max": round((latencies[-1] if latencies else 0) * 1000, 1),
        },
        "slowest": [
            {"ms": round(seconds * 1000, 1), "kind": kind, "path": path, "at_second": round(at, 1)}
            for seconds, kind, path, at in sorted(tally.slowest, reverse=True)
        ],
        "by_kind": dict(sorted(tally.kinds.items())),
        "errors": errors,
        "error_samples": problems[:10],
        "add": {k: v for k, v in add_report.items() if k not in ("stderr", "missing")},
        "new_articles_found_at_end": found_end,
    }


def add_during_load(index_dir: Path, add_file: Path, additions: list[dict], port: int, began: float) -> dict:
    """`akhbar add` as a separate process while the clients run, then a check
    that the server finds what it added."""
    at = time.monotonic() - began
    started = time.monotonic()
    done = subprocess.run(akhbar("add", str(add_file), "--index-dir", str(index_dir)), cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.monotonic() - started
    count, missing = found(port, additions) if done.returncode == 0 else (0, [a["id"] for a in additions])
    return {
        "articles": len(additions),
        "at_second": round(at, 1),
        "seconds": round(seconds, 1),
        "done_at_second": round(at + seconds, 1),
        "status": done.returncode,
        "stderr": done.stderr,
        "found": count,
        "missing": missing,
    }


def log(args: argparse.Namespace, message: str) -> None:
    if not args.json:
        print(message, file=sys.stderr, flush=True)


def report(result: dict) -> str:
    lat = result["latency_ms"]
    add = result["add"]
    lines = [
        f"corpus:     {result['articles']} articles ({Path(result['corpus']).name}), "
        f"built in {result['build_seconds']} s",
    ]
    for phase in result["phases"]:
        plat = phase["latency_ms"]
        lines.append(
            f"{phase['server_workers']} process{'es' if phase['server_workers'] > 1 else ''}: "
            f"{phase['requests']} requests ({phase['requests_per_second']} /s), latency p50 {plat['p50']} ms, "
            f"p95 {plat['p95']} ms, p99 {plat['p99']} ms, max {plat['max']} ms, errors {phase['errors']}"
        )
    if len(result["phases"]) > 1:
        lines.append(f"speedup:    {result['speedup']}x the requests/s of one process")
    lines += [
        f"last run:   {result['clients']} clients, {result['duration_seconds']} s, "
        f"{result['server_workers']} process(es) of {result['server_threads']} threads",
        f"requests:   {result['requests']} ({result['requests_per_second']} /s)  "
        + ", ".join(f"{k} {v}" for k, v in result["by_kind"].items()),
        f"latency:    p50 {lat['p50']} ms  p95 {lat['p95']} ms  p99 {lat['p99']} ms  max {lat['max']} ms",
        f"add:        {add.get('articles')} articles at {add.get('at_second')} s, took {add.get('seconds')} s "
        f"(done at {add.get('done_at_second')} s), "
        f"exit {add.get('status')}; found right after: {add.get('found')}, at the end: "
        f"{result['new_articles_found_at_end']}",
        f"errors:     {result['errors']} (all runs)",
    ]
    lines += [f"  {e}" for e in result["error_samples"]]
    lines += ["slowest:"] + [
        f"  {s['ms']} ms at {s['at_second']} s, {s['kind']}: {s['path']}" for s in result.get("slowest", [])
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--quick", action="store_true", help="a few seconds: 6 s, 8 clients, 100 articles")
    parser.add_argument("--full", action="store_true", help=f"index all of {FULL.name} (a long build)")
    parser.add_argument("--corpus", default=str(SMALL), help=f"JSON Lines corpus (default {SMALL.name})")
    parser.add_argument("--articles", type=int, help="index only the first N articles")
    parser.add_argument("--add", type=int, default=20, help="articles added mid-run (default 20)")
    parser.add_argument("--add-at", type=float, help="second of the run the add starts at (default: halfway)")
    parser.add_argument("--threads", type=int, default=0, help="threads per server process (default: akhbar serve's)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (default: the cores); above 1, a run with one process comes first "
                             "and both are reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary index and server log")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 6.0)
        args.add_at = 1.0 if args.add_at is None else args.add_at  # done while the clients still run
        args.clients = min(args.clients, 8)
        args.articles = args.articles or 100
        args.add = min(args.add, 5)
    result = run(args)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
