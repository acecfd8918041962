"""Build speed of two source trees on the same corpus, in alternating pairs.

    python bench/build_compare.py --base ../main --head . [--corpus FILE] [--rounds 3]

Runs ``python -m search build CORPUS`` in each tree (this interpreter, so the
same dependencies), alternating which goes first, and prints each run's wall
and CPU seconds (the build process and its worker processes) and the medians.
On a shared machine the CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(tree: Path, corpus: Path, out: Path) -> tuple[float, float, str]:
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "search", "build", str(corpus), "--index-dir", str(out)],
                          cwd=tree, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build in {tree} failed:\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the tree to compare with (e.g. main's)")
    parser.add_argument("--head", type=Path, default=ROOT)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "news_small.jsonl")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "head": args.head.resolve()}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as work:
        for n in range(args.rounds):
            order = list(trees.items()) if n % 2 == 0 else list(reversed(trees.items()))
            for name, tree in order:
                wall, cpu, summary = run(tree, args.corpus, Path(work) / name)
                figures[name].append((wall, cpu))
                print(f"{name}: wall {wall:.1f} s, cpu {cpu:.1f} s  ({summary})", flush=True)
    medians = {}
    for name, rows in figures.items():
        walls, cpus = sorted(w for w, _ in rows), sorted(c for _, c in rows)
        medians[name] = (walls[len(walls) // 2], cpus[len(cpus) // 2])
        print(f"{name} ({trees[name]}): median wall {medians[name][0]:.1f} s, median cpu {medians[name][1]:.1f} s")
    (bw, bc), (hw, hc) = medians["base"], medians["head"]
    print(f"head/base: wall {hw / bw:.2f}, cpu {hc / bc:.2f}")


if __name__ == "__main__":
    main()
